/**
 * Building blocks of Fledge's own schema for the Flagger kinds. The schema is written in the dialect a
 * Kubernetes CRD's `openAPIV3Schema` accepts (a structural schema), so one object serves both ajv validation
 * and the generated CRD manifests.
 */

/** A node of a structural OpenAPI v3 schema, as Kubernetes CRDs accept it. */
export interface Schema {
  type?: 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean';
  description?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  additionalProperties?: Schema;
  enum?: readonly (string | number | boolean)[];
  pattern?: string;
  format?: string;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  maxItems?: number;
  oneOf?: Schema[];
  anyOf?: Schema[];
  not?: Schema;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-validations'?: { rule: string; message: string }[];
  'x-kubernetes-preserve-unknown-fields'?: boolean;
}

/** A string field. */
export function str(description?: string, extra: Schema = {}): Schema {
  return { type: 'string', ...(description === undefined ? {} : { description }), ...extra };
}

/** A number field (Flagger's CRD uses `number` where Go has integers; integrality is checked semantically). */
export function num(description?: string, extra: Schema = {}): Schema {
  return { type: 'number', ...(description === undefined ? {} : { description }), ...extra };
}

/** An integer field. */
export function int(description?: string, extra: Schema = {}): Schema {
  return { type: 'integer', ...(description === undefined ? {} : { description }), ...extra };
}

/** A boolean field. */
export function bool(description?: string): Schema {
  return { type: 'boolean', ...(description === undefined ? {} : { description }) };
}

/** A string field restricted to `values`. */
export function oneOfStrings(values: readonly string[], description?: string): Schema {
  return { ...str(description), enum: values };
}

/** An object with the given properties. */
export function obj(properties: Record<string, Schema>, description?: string, required?: string[]): Schema {
  return {
    type: 'object',
    ...(description === undefined ? {} : { description }),
    ...(required === undefined ? {} : { required }),
    properties,
  };
}

/** An array of `items`. */
export function list(items: Schema, description?: string): Schema {
  return { type: 'array', ...(description === undefined ? {} : { description }), items };
}

/** A map from string keys to `values`. */
export function map(values: Schema, description?: string): Schema {
  return { type: 'object', ...(description === undefined ? {} : { description }), additionalProperties: values };
}

/** A map of string → string. */
export function stringMap(description?: string): Schema {
  return map({ type: 'string' }, description);
}

/** A list of strings. */
export function stringList(description?: string): Schema {
  return list({ type: 'string' }, description);
}

/** A field that is an integer or a string (a container port number or name). */
export function intOrString(description?: string): Schema {
  return {
    ...(description === undefined ? {} : { description }),
    'x-kubernetes-int-or-string': true,
    anyOf: [{ type: 'integer' }, { type: 'string' }],
  };
}

/** `oneOf` branches requiring exactly one of `keys`. */
export function exactlyOne(keys: readonly string[]): Schema[] {
  return keys.map((key) => ({ required: [key] }));
}

/** `oneOf` branches allowing none or exactly one of `keys`. */
export function atMostOne(keys: readonly string[]): Pick<Schema, 'oneOf'> {
  return { oneOf: [{ not: { anyOf: keys.map((key) => ({ required: [key] })) } }, ...exactlyOne(keys)] };
}

const RE2_NOTE = 'RE2 regular expression (https://github.com/google/re2/wiki/Syntax)';

/** Istio's StringMatch: at most one of exact, prefix, regex. */
export function stringMatch(description?: string): Schema {
  return {
    ...obj({ exact: str('Exact string match'), prefix: str('Prefix match'), regex: str(RE2_NOTE) }, description),
    ...atMostOne(['exact', 'prefix', 'regex']),
  };
}

/** Labels and annotations to add to a generated object. */
export function customMetadata(description: string): Schema {
  return obj({ labels: stringMap('Labels to add'), annotations: stringMap('Annotations to add') }, description);
}

/** A reference to an object by apiVersion, kind (restricted to `kinds`) and name. */
export function objectRef(kinds: readonly string[], description: string, extra: Record<string, Schema> = {}): Schema {
  return obj(
    {
      apiVersion: str('API version of the referent'),
      kind: oneOfStrings(kinds, 'Kind of the referent'),
      name: str('Name of the referent'),
      ...extra,
    },
    description,
    ['apiVersion', 'kind', 'name'],
  );
}

/** Go duration pattern Flagger's CRD uses for intervals and timeouts. */
export const DURATION_PATTERN = '^[0-9]+(m|s)';

/** DNS-1123 subdomain, or empty (Gateway API group). */
export const GROUP_PATTERN = '^$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';
/** Gateway API kind. */
export const KIND_PATTERN = '^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$';
/** DNS-1123 label (namespace). */
export const NAMESPACE_PATTERN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
/** DNS-1123 subdomain (Gateway section name). */
export const SECTION_NAME_PATTERN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';
