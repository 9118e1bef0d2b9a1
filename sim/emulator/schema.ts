/**
 * What the API server does with a custom resource and its CRD's structural `openAPIV3Schema`: prune unknown
 * fields, apply `default`s, and validate, answering with field causes worded as kube-apiserver words them.
 * CEL rules (`x-kubernetes-validations`) are not evaluated.
 */
import type { StatusCause } from './errors.ts';
import { clone } from './meta.ts';

type Schema = {
  type?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  required?: string[];
  enum?: unknown[];
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  minItems?: number;
  maxItems?: number;
  nullable?: boolean;
  default?: unknown;
  oneOf?: Schema[];
  anyOf?: Schema[];
  allOf?: Schema[];
  not?: Schema;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function typeMatches(type: string | undefined, value: unknown): boolean {
  switch (type) {
    case undefined:
      return true;
    case 'object':
      return isObject(value);
    case 'array':
      return Array.isArray(value);
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
    default:
      return true;
  }
}

function show(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : isObject(value) || Array.isArray(value) ? `"${typeName(value)}"` : String(value);
}

/** Validation only (no pruning, no defaults), for `oneOf`/`anyOf`/`not` branches. */
function violations(schema: Schema, value: unknown, path: string, causes: StatusCause[]): void {
  const field = path || '<root>';
  if (value === null && schema.nullable) return;
  if (schema['x-kubernetes-int-or-string']) {
    if (typeof value !== 'string' && !(typeof value === 'number' && Number.isInteger(value))) {
      causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: ${show(value)}: ${field} in body must be of type integer-or-string: "${typeName(value)}"`, field });
    }
  } else if (!typeMatches(schema.type, value)) {
    causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: "${typeName(value)}": ${field} in body must be of type ${schema.type}: "${typeName(value)}"`, field });
    return;
  }
  if (schema.enum && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
    causes.push({ reason: 'FieldValueNotSupported', message: `Unsupported value: ${JSON.stringify(value)}: supported values: ${schema.enum.map((e) => JSON.stringify(e)).join(', ')}`, field });
  }
  if (typeof value === 'string') {
    if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(value)) causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(value)}: ${field} in body should match '${schema.pattern}'`, field });
    if (schema.minLength !== undefined && [...value].length < schema.minLength) causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(value)}: ${field} in body should be at least ${schema.minLength} chars long`, field });
    if (schema.maxLength !== undefined && [...value].length > schema.maxLength) causes.push({ reason: 'FieldValueTooLong', message: `Too long: may not be longer than ${schema.maxLength}`, field });
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && (schema.exclusiveMinimum ? value <= schema.minimum : value < schema.minimum)) {
      causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: ${value}: ${field} in body should be greater than ${schema.exclusiveMinimum ? '' : 'or equal to '}${schema.minimum}`, field });
    }
    if (schema.maximum !== undefined && (schema.exclusiveMaximum ? value >= schema.maximum : value > schema.maximum)) {
      causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: ${value}: ${field} in body should be less than ${schema.exclusiveMaximum ? '' : 'or equal to '}${schema.maximum}`, field });
    }
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: ${value.length}: ${field} in body should have at least ${schema.minItems} items`, field });
    if (schema.maxItems !== undefined && value.length > schema.maxItems) causes.push({ reason: 'FieldValueTooMany', message: `Too many: ${value.length}: must have at most ${schema.maxItems} items`, field });
  }
  if (isObject(value)) {
    for (const key of schema.required ?? []) if (!(key in value)) causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: path ? `${path}.${key}` : key });
  }
  const passes = (s: Schema) => {
    const found: StatusCause[] = [];
    violations(s, value, path, found);
    return found.length === 0;
  };
  if (schema.oneOf && schema.oneOf.filter(passes).length !== 1) causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: ${show(value)}: ${field} in body must validate one and only one schema (oneOf)`, field });
  if (schema.anyOf && !schema.anyOf.some(passes)) causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: ${show(value)}: ${field} in body must validate at least one schema (anyOf)`, field });
  for (const s of schema.allOf ?? []) violations(s, value, path, causes);
  if (schema.not && passes(schema.not)) causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: ${show(value)}: ${field} in body should not validate the schema (not)`, field });
}

/** Prunes, defaults and validates `value` in place under `schema`; returns the (possibly replaced) value. */
function walk(schema: Schema | undefined, value: unknown, path: string, causes: StatusCause[], pruned: string[]): unknown {
  if (!schema) return value;
  const before = causes.length;
  violations({ ...schema, properties: undefined, items: undefined, required: undefined } as Schema, value, path, causes);
  if (causes.length > before && !typeMatches(schema.type, value) && !schema['x-kubernetes-int-or-string']) return value;
  if (isObject(value)) {
    const properties = schema.properties ?? {};
    const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true || schema['x-kubernetes-embedded-resource'] === true;
    for (const [key, propSchema] of Object.entries(properties)) {
      if (!(key in value) && propSchema.default !== undefined) value[key] = clone(propSchema.default);
    }
    for (const key of Object.keys(value)) {
      const child = `${path ? `${path}.` : ''}${key}`;
      if (properties[key]) value[key] = walk(properties[key], value[key], child, causes, pruned);
      else if (isObject(schema.additionalProperties)) value[key] = walk(schema.additionalProperties, value[key], child, causes, pruned);
      else if (!preserve && schema.additionalProperties !== true) {
        delete value[key];
        pruned.push(child);
      }
    }
    for (const key of schema.required ?? []) if (!(key in value)) causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: `${path ? `${path}.` : ''}${key}` });
  } else if (Array.isArray(value) && schema.items) {
    for (let i = 0; i < value.length; i++) value[i] = walk(schema.items, value[i], `${path}[${i}]`, causes, pruned);
  }
  return value;
}

/**
 * Prunes, defaults and validates a custom resource against its version's `openAPIV3Schema`. `apiVersion`,
 * `kind` and `metadata` are never pruned. Returns the object to store, the causes of a 422 (empty when valid)
 * and the paths of the pruned fields.
 */
export function admitCustomResource(schema: unknown, object: Record<string, unknown>): { object: Record<string, unknown>; causes: StatusCause[]; pruned: string[] } {
  const causes: StatusCause[] = [];
  const pruned: string[] = [];
  if (!isObject(schema)) return { object, causes, pruned };
  const out = clone(object);
  const root = schema as Schema;
  const { apiVersion, kind, metadata, ...rest } = out;
  const properties = { ...(root.properties ?? {}) };
  delete properties['apiVersion'];
  delete properties['kind'];
  delete properties['metadata'];
  const walked = walk({ ...root, properties, required: (root.required ?? []).filter((k) => !['apiVersion', 'kind', 'metadata'].includes(k)) }, rest, '', causes, pruned) as Record<string, unknown>;
  return { object: { apiVersion, kind, metadata, ...walked }, causes, pruned };
}
