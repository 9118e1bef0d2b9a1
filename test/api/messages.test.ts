import { describe, expect, it } from 'vitest';
import type { FlaggerKind } from '../../shared/api/index.ts';
import {
  broken,
  canarySchema,
  expectedType,
  FLAGGER_KINDS,
  formatIssue,
  notOneOf,
  orList,
  parseFlaggerObject,
  REQUIRED_HINTS,
  required,
  SCHEMAS,
  schemaPath,
} from '../../shared/api/index.ts';
import type { SchemaNode } from './helpers.ts';
import { fieldPaths } from './helpers.ts';
import { baseObject } from './samples.ts';

type Patch = (object: Record<string, any>) => void; // eslint-disable-line @typescript-eslint/no-explicit-any

function errorsOf(kind: FlaggerKind, patch: Patch): string[] {
  const object = baseObject(kind);
  patch(object);
  const result = parseFlaggerObject(object);
  return result.ok ? [] : result.errors.map(formatIssue);
}

describe('message wording', () => {
  it.each([
    [expectedType('number', 'ten'), 'expected a number, got "ten"'],
    [expectedType(['integer', 'string'], true), 'expected an integer or a string, got true'],
    [expectedType('array', { a: 1 }), 'expected a list, got {"a":1}'],
    [expectedType('number', Number.NaN), 'expected a number, got NaN'],
    [broken('must match ^[0-9]+(m|s)', '5'), 'must match ^[0-9]+(m|s); got "5"'],
    [notOneOf(['', 'info'], 'critical'), 'must be one of "", info; got "critical"'],
    [required('set a name'), 'required; set a name'],
    [required(), 'required'],
    [orList(['a', 'b', 'c']), 'a, b or c'],
  ])('%s', (message, expected) => {
    expect(message).toBe(expected);
  });
});

describe('type mismatches', () => {
  it.each<{ name: string; kind?: FlaggerKind; patch: Patch; error: string }>([
    { name: 'a word for a number', patch: (o) => (o.spec.analysis.stepWeight = 'ten'), error: 'spec.analysis.stepWeight: expected a number, got "ten"' },
    { name: 'a number for a string', patch: (o) => (o.spec.analysis.interval = 60), error: 'spec.analysis.interval: expected a string, got 60' },
    { name: 'a string for a boolean', patch: (o) => (o.spec.skipAnalysis = 'yes'), error: 'spec.skipAnalysis: expected a boolean, got "yes"' },
    { name: 'a number for an object', patch: (o) => (o.spec.analysis = 5), error: 'spec.analysis: expected an object, got 5' },
    { name: 'a string for a list', patch: (o) => (o.spec.analysis.metrics = 'request-success-rate'), error: 'spec.analysis.metrics: expected a list, got "request-success-rate"' },
    {
      name: 'a word for an integer',
      patch: (o) => (o.spec.autoscalerRef = { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', name: 'podinfo', primaryScalerReplicas: { minReplicas: 'two' } }),
      error: 'spec.autoscalerRef.primaryScalerReplicas.minReplicas: expected an integer, got "two"',
    },
    { name: 'a fraction where Flagger reads a Go int', patch: (o) => (o.spec.analysis.stepWeight = 2.5), error: 'spec.analysis.stepWeight: expected an integer, got 2.5' },
    { name: 'a boolean for a port number or name', patch: (o) => (o.spec.service = { port: 80, targetPort: true }), error: 'spec.service.targetPort: expected an integer or a string, got true' },
    { name: 'a fraction for a port number or name', patch: (o) => (o.spec.service = { port: 80, targetPort: 80.5 }), error: 'spec.service.targetPort: expected an integer or a string, got 80.5' },
    { name: 'a list for a map value', kind: 'MetricTemplate', patch: (o) => (o.spec.provider.headers = { 'X-Org': 'a' }), error: 'spec.provider.headers.X-Org: expected a list, got "a"' },
  ])('names the type expected and the value received: $name', ({ kind, patch, error }) => {
    expect(errorsOf(kind ?? 'Canary', patch)).toEqual([error]);
  });
});

describe('rules', () => {
  it.each<{ name: string; patch: Patch; error: string }>([
    {
      name: 'an enum',
      patch: (o) => (o.spec.provider = 'istoi'),
      error:
        'spec.provider: must be one of alb, apisix, appmesh, appmesh:v1beta2, contour, gatewayapi:v1, gatewayapi:v1beta1, gloo, istio, knative, kubernetes, kuma, linkerd, nginx, osm, skipper, smi:v1alpha1, smi:v1alpha2, smi:v1alpha3, traefik; got "istoi"',
    },
    { name: 'a pattern', patch: (o) => (o.spec.analysis.webhooks = [{ name: 'a', url: 'http://a/', timeout: '5' }]), error: 'spec.analysis.webhooks[0].timeout: must be a whole number of seconds or minutes (one unit, as the Flagger CRD requires), such as 30s or 5m; got "5": add the unit, e.g. "5s"' },
    { name: 'a minimum', patch: (o) => (o.spec.service = { port: 80, gatewayRefs: [{ name: 'gw', port: 0 }] }), error: 'spec.service.gatewayRefs[0].port: must be at least 1; got 0' },
    { name: 'a maximum', patch: (o) => (o.spec.service = { port: 80, gatewayRefs: [{ name: 'gw', port: 65536 }] }), error: 'spec.service.gatewayRefs[0].port: must be at most 65535; got 65536' },
    { name: 'a non-empty string', patch: (o) => (o.spec.service = { port: 80, gatewayRefs: [{ name: '' }] }), error: 'spec.service.gatewayRefs[0].name: must not be empty; got ""' },
    { name: 'a longest string', patch: (o) => (o.spec.service = { port: 80, gatewayRefs: [{ name: 'g'.repeat(254) }] }), error: 'spec.service.gatewayRefs[0].name: must have at most 253 characters; got 254 characters' },
    { name: 'a longest list', patch: (o) => (o.spec.service = { port: 80, gatewayRefs: Array.from({ length: 33 }, () => ({ name: 'gw' })) }), error: 'spec.service.gatewayRefs: must have at most 32 items; got 33 items' },
  ])('names the rule and the value received: $name', ({ patch, error }) => {
    expect(errorsOf('Canary', patch)).toEqual([error]);
  });
});

describe('required fields', () => {
  it.each<{ name: string; kind?: FlaggerKind; patch: Patch; error: string }>([
    { name: 'spec.targetRef', patch: (o) => delete o.spec.targetRef, error: 'spec.targetRef: required; set the Deployment, DaemonSet or Service to release' },
    { name: 'spec.analysis', patch: (o) => delete o.spec.analysis, error: 'spec.analysis: required; set interval, threshold and one of iterations, stepWeight or stepWeights' },
    { name: 'a field of a list item', patch: (o) => (o.spec.analysis.alerts = [{ name: 'on-call' }]), error: 'spec.analysis.alerts[0].providerRef: required; set the AlertProvider to post through, e.g. {name: on-call}' },
    { name: 'a field of a reference', patch: (o) => (o.spec.autoscalerRef = { apiVersion: 'autoscaling/v2', name: 'podinfo' }), error: 'spec.autoscalerRef.kind: required; set HorizontalPodAutoscaler or ScaledObject' },
    { name: 'a Canary spec', patch: (o) => delete o.spec, error: 'spec: required; set spec.targetRef and spec.analysis' },
    { name: 'a MetricTemplate spec', kind: 'MetricTemplate', patch: (o) => delete o.spec, error: 'spec: required; set spec.provider and spec.query' },
    { name: 'an AlertProvider name', kind: 'AlertProvider', patch: (o) => delete o.metadata.name, error: 'metadata.name: required; set the name of the AlertProvider' },
    { name: 'a mirror backend', patch: (o) => (o.spec.service = { port: 80, mirror: [{}] }), error: 'spec.service.mirror[0].backendRef: required; set the backend that receives the mirrored requests, e.g. {name: shadow, port: 80}' },
  ])('say what to add: $name', ({ kind, patch, error }) => {
    expect(errorsOf(kind ?? 'Canary', patch)).toEqual([error]);
  });

  /**
   * The fields a `required` message can name: the required keys of each object, the keys every branch of a
   * oneOf requires, and the first key of an anyOf (a field and its deprecated alias).
   */
  function requiredPaths(node: SchemaNode, prefix = ''): string[] {
    const at = (key: string) => (prefix === '' ? key : `${prefix}.${key}`);
    const out = (node.required ?? []).map(at);
    for (const junction of ['oneOf', 'anyOf'] as const) {
      const sets = ((node[junction] as SchemaNode[] | undefined) ?? []).flatMap((b) => (b.required ? [b.required] : []));
      const common = sets.reduce((acc, set) => acc.filter((key) => set.includes(key)), sets[0] ?? []);
      out.push(...common.map(at));
      if (junction === 'anyOf' && sets.length > 1 && common.length === 0) out.push(at(sets[0]?.[0] ?? ''));
    }
    for (const [key, child] of Object.entries(node.properties ?? {})) out.push(...requiredPaths(child, at(key)));
    if (node.items) out.push(...requiredPaths(node.items, `${prefix}[]`));
    if (typeof node.additionalProperties === 'object') out.push(...requiredPaths(node.additionalProperties, at('*')));
    return out;
  }

  // Required by the semantic rules rather than by the CRD schema.
  const SEMANTIC: Record<FlaggerKind, string[]> = {
    Canary: ['metadata.name', 'spec', 'spec.service.mirror[].backendRef', 'spec.service.mirror[].backendRef.port'],
    MetricTemplate: ['metadata.name', 'spec'],
    AlertProvider: ['metadata.name', 'spec'],
  };

  it.each(FLAGGER_KINDS)('have a hint for every required field of a %s, and no hint for any other field', (kind) => {
    const paths = [...new Set([...requiredPaths(SCHEMAS[kind] as SchemaNode), ...SEMANTIC[kind]])].sort();
    expect(Object.keys(REQUIRED_HINTS[kind]).sort()).toEqual(paths);
  });

  it('are all declared fields of the schema, or the object name', () => {
    for (const kind of FLAGGER_KINDS) {
      const declared = new Set([...fieldPaths(SCHEMAS[kind] as SchemaNode), 'metadata.name']);
      expect(Object.keys(REQUIRED_HINTS[kind]).filter((path) => !declared.has(path))).toEqual([]);
    }
  });
});

describe('schemaPath', () => {
  it.each<[(string | number)[], string]>([
    [['spec', 'analysis', 'webhooks', 2, 'url'], 'spec.analysis.webhooks[].url'],
    [['spec', 'analysis', 'match', 0, 'headers', 'x-canary', 'exact'], 'spec.analysis.match[].headers.*.exact'],
    [['metadata', 'name'], 'metadata.name'],
  ])('%j is %s', (tokens, path) => {
    expect(schemaPath(canarySchema, tokens)).toBe(path);
  });
});
