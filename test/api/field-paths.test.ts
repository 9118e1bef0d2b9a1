import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFlaggerObject, SCHEMAS } from '../../shared/api/index.ts';
import { FULL_ALERT_PROVIDER, FULL_CANARY, FULL_METRIC_TEMPLATE } from './fixtures/full-objects.ts';
import type { SchemaNode } from './helpers.ts';
import { fieldPaths, nodeAt, referenceSchemas } from './helpers.ts';
import { baseObject, fill, keepAlternativesValid, valueAt } from './samples.ts';

const KINDS = ['Canary', 'MetricTemplate', 'AlertProvider'] as const;
const fixture = JSON.parse(
  readFileSync(join(import.meta.dirname, 'fixtures', 'flagger-field-paths.json'), 'utf8'),
) as Record<(typeof KINDS)[number], string[]>;
const reference = referenceSchemas();

function paths(kind: (typeof KINDS)[number]): string[] {
  return fixture[kind];
}

/** Paths whose value the parser derives or that every manifest carries anyway. */
const ROOT_PATHS = new Set(['apiVersion', 'kind', 'metadata']);

describe('field paths of Flagger schema', () => {
  it.each(KINDS)('the committed %s path list equals a fresh derivation from flagger-crd.yaml', (kind) => {
    expect(fieldPaths(reference[kind] as SchemaNode)).toEqual(paths(kind));
  });

  it('lists the fields the brief names', () => {
    expect(paths('Canary')).toEqual(
      expect.arrayContaining([
        'spec.autoscalerRef.primaryScalerQueries.*',
        'spec.service.trafficPolicy.loadBalancer.consistentHash.httpCookie.ttl',
        'spec.analysis.webhooks[].muteAlert',
        'spec.analysis.sessionAffinity.primaryCookieName',
        'spec.analysis.match[].headers.*.suffix',
        'status.conditions[].lastUpdateTime',
      ]),
    );
  });

  it.each(KINDS)('our own %s schema declares every path of the reference', (kind) => {
    const ours = new Set(fieldPaths(SCHEMAS[kind] as SchemaNode));
    expect(paths(kind).filter((path) => !ours.has(path))).toEqual([]);
  });

  it.each([
    ['Canary', FULL_CANARY],
    ['MetricTemplate', FULL_METRIC_TEMPLATE],
    ['AlertProvider', FULL_ALERT_PROVIDER],
  ] as const)('the TypeScript %s type has every path (a literal typed with it fills them all)', (kind, full) => {
    const filled = new Set(pathsOfValue(full));
    expect(paths(kind).filter((path) => !filled.has(path))).toEqual([]);
  });
});

/** A path holding a value rather than fields of its own (those are covered by their own leaves). */
function isLeaf(root: SchemaNode, path: string): boolean {
  const node = nodeAt(root, path);
  const inner = (n: SchemaNode | boolean | undefined) => typeof n === 'object' && n.properties !== undefined;
  return node !== undefined && !inner(node) && !inner(node.items) && !inner(node.additionalProperties);
}

describe.each(KINDS)('%s: a manifest filling one path parses and keeps the value', (kind) => {
  const leaves = paths(kind).filter((path) => !ROOT_PATHS.has(path) && isLeaf(reference[kind] as SchemaNode, path));
  it.each(leaves)('%s', (path) => {
    // Prepare
    const object = baseObject(kind);
    const value = structuredClone(fill(object, reference[kind] as SchemaNode, path));
    keepAlternativesValid(object, path);
    // Act
    const result = parseFlaggerObject(object);
    // Assess
    expect(result.ok ? [] : result.errors).toEqual([]);
    expect(result.ok && valueAt(result.value, path)).toEqual(value);
  });
});

/** The field paths a concrete value fills, in the same notation as fieldPaths. */
function pathsOfValue(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((item) => pathsOfValue(item, `${prefix}[]`));
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, child]) => {
    const segment = /^key-/.test(key) ? '*' : key;
    const path = prefix === '' ? segment : `${prefix}.${segment}`;
    return [path, ...pathsOfValue(child, path)];
  });
}
