/**
 * Sample values for every field of the reference schema, and manifests that fill one field path at a time
 * while staying valid (required siblings filled in, oneOf alternatives respected).
 */
import { capabilitiesOf } from '../../shared/api/providers.ts';
import type { SchemaNode } from './helpers.ts';
import { nodeAt, tokenize } from './helpers.ts';

/** A map key used for `.*` path segments. */
export const MAP_KEY = 'key-a';

/** A value that the reference schema accepts at `node`, chosen to also satisfy Fledge's semantic rules. */
export function sample(node: SchemaNode, key: string): unknown {
  // A Canary provider must also have a router (PROVIDER_CAPABILITIES), or Fledge refuses it.
  const usable = (value: unknown) => value !== '' && (key !== 'provider' || capabilitiesOf(String(value))?.supported !== false);
  if (node.enum) return node.enum.find(usable) ?? '';
  if (node['x-kubernetes-int-or-string']) return 8080;
  switch (node.type) {
    case 'boolean':
      return true;
    case 'integer':
      return typeof node.minimum === 'number' ? Math.max(node.minimum, 2) : 2;
    case 'number':
      return 10;
    case 'array':
      return node.items ? [sample(node.items, key)] : [];
    case 'object':
      return node.additionalProperties && typeof node.additionalProperties === 'object'
        ? { [MAP_KEY]: sample(node.additionalProperties, key) }
        : {};
    default:
      return sampleString(node, key);
  }
}

function sampleString(node: SchemaNode, key: string): string {
  if (node.pattern === '^[0-9]+(m|s)') return '30s';
  if (node.format === 'date-time') return '2026-01-02T03:04:05Z';
  if (key === 'url') return 'http://hooks.test/';
  if (key === 'name' || key === 'metricName') return 'request-success-rate';
  if (key === 'group') return 'gateway.networking.k8s.io';
  if (key === 'kind') return 'Gateway';
  if (key === 'namespace') return 'test';
  if (key === 'sectionName') return 'http';
  if (key === 'address' || key === 'proxy') return 'http://service.test:9090';
  return `sample-${key}`;
}

/** The smallest valid object of each kind, filled in before setting a path. */
export function baseObject(kind: string): Record<string, unknown> {
  const metadata = { name: 'podinfo', namespace: 'test' };
  if (kind === 'MetricTemplate') {
    return { apiVersion: 'flagger.app/v1beta1', kind, metadata, spec: { provider: { type: 'prometheus', address: 'http://prometheus:9090' }, query: 'up' } };
  }
  if (kind === 'AlertProvider') {
    return { apiVersion: 'flagger.app/v1beta1', kind, metadata, spec: { type: 'slack', address: 'https://hooks.slack.test/x' } };
  }
  return {
    apiVersion: 'flagger.app/v1beta1',
    kind,
    metadata,
    spec: {
      targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo' },
      analysis: { interval: '1m', threshold: 5, maxWeight: 50, stepWeight: 10 },
    },
  };
}

/**
 * Sets `path` in `object` to a sample value, creating parents (one array element, one map key) and filling
 * the required siblings along the way from the reference schema. Returns the value set.
 */
export function fill(object: Record<string, unknown>, root: SchemaNode, path: string): unknown {
  const tokens = tokenize(path);
  let node: unknown = object;
  let schema: SchemaNode = root;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] ?? '';
    const last = i === tokens.length - 1;
    const childSchema = (token === '[]' ? schema.items : token === '*' ? (schema.additionalProperties as SchemaNode) : schema.properties?.[token]) as SchemaNode;
    const key = token === '[]' || token === '*' ? (tokens[i - 1] ?? '') : token;
    const slot = token === '[]' ? 0 : token === '*' ? MAP_KEY : token;
    const container = node as Record<string | number, unknown>;
    if (last) {
      container[slot] = sample(childSchema, key);
      fillRequired(container[slot], childSchema);
      return container[slot];
    }
    if (container[slot] === undefined) container[slot] = childSchema.type === 'array' ? [] : {};
    node = container[slot];
    schema = childSchema;
    if (schema.type === 'object') fillRequired(node, schema);
  }
  return node;
}

function fillRequired(value: unknown, schema: SchemaNode): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
  const record = value as Record<string, unknown>;
  for (const key of schema.required ?? []) {
    const child = schema.properties?.[key];
    if (record[key] === undefined && child) {
      record[key] = sample(child, key);
      fillRequired(record[key], child);
    }
  }
}

/** Adjusts an object after `path` was filled so that Flagger's alternatives (oneOf) still hold. */
export function keepAlternativesValid(object: Record<string, unknown>, path: string): void {
  const spec = object.spec as Record<string, unknown>;
  const analysis = spec.analysis as Record<string, unknown> | undefined;
  if (path.startsWith('spec.analysis.iterations') || path.startsWith('spec.analysis.stepWeights')) {
    delete analysis?.stepWeight;
    delete analysis?.maxWeight;
  }
  if (path.startsWith('spec.secretRef')) delete spec.address;
  // The first provider of the enum (apisix) routes from an ApisixRoute it must be given.
  if (path === 'spec.provider' && spec.provider === 'apisix') spec.routeRef ??= { apiVersion: 'apisix.apache.org/v2', kind: 'ApisixRoute', name: 'podinfo' };
  const service = spec.service as Record<string, unknown> | undefined;
  const policy = service?.trafficPolicy as Record<string, unknown> | undefined;
  const balancer = policy?.loadBalancer as Record<string, unknown> | undefined;
  if (balancer) {
    if (path.includes('.consistentHash')) {
      const hash = balancer.consistentHash as Record<string, unknown>;
      if (!['httpHeaderName', 'httpCookie', 'useSourceIp', 'httpQueryParameterName'].some((k) => k in hash)) hash.httpHeaderName = 'x-user';
    } else if (!('simple' in balancer)) {
      balancer.simple = 'ROUND_ROBIN';
    }
  }
  const mirror = service?.mirror as Record<string, unknown>[] | undefined;
  const backend = mirror?.[0]?.backendRef as Record<string, unknown> | undefined;
  if (backend) {
    backend.name ??= 'podinfo-shadow';
    backend.port ??= 9898;
  }
  const allowOrigins = (service?.corsPolicy as Record<string, unknown> | undefined)?.allowOrigins as Record<string, unknown>[] | undefined;
  if (allowOrigins?.[0] && Object.keys(allowOrigins[0]).length === 0) allowOrigins[0].exact = 'https://a.test';
}

/** Reads the value at a filled path back out of an object. */
export function valueAt(object: unknown, path: string): unknown {
  let node: unknown = object;
  for (const token of tokenize(path)) {
    if (typeof node !== 'object' || node === null) return undefined;
    const slot = token === '[]' ? 0 : token === '*' ? MAP_KEY : token;
    node = (node as Record<string | number, unknown>)[slot];
  }
  return node;
}

export { nodeAt };
