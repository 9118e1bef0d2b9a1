/**
 * Test helpers for the API suite: the Flagger reference data (copied under fixtures/flagger) and a walker
 * that lists the field paths of an OpenAPI schema.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

/** Directory of the copied Flagger reference data. */
export const FLAGGER_DIR = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'flagger');
/** Root of the repository. */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A loose schema node, as read from YAML. */
export type SchemaNode = {
  type?: string;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  additionalProperties?: SchemaNode | boolean;
  required?: string[];
  enum?: unknown[];
  pattern?: string;
  format?: string;
  minimum?: number;
  'x-kubernetes-int-or-string'?: boolean;
  [key: string]: unknown;
};

/** Reads every YAML document of a file as plain data. */
export function readYamlDocuments(path: string): unknown[] {
  return parseAllDocuments(readFileSync(path, 'utf8'))
    .map((doc) => doc.toJS() as unknown)
    .filter((doc) => doc !== null && doc !== undefined);
}

/** The reference CRDs, by kind. */
export function referenceSchemas(): Record<string, SchemaNode> {
  const out: Record<string, SchemaNode> = {};
  for (const crd of readYamlDocuments(join(FLAGGER_DIR, 'flagger-crd.yaml')) as {
    spec: { names: { kind: string }; versions: { schema: { openAPIV3Schema: SchemaNode } }[] };
  }[]) {
    const version = crd.spec.versions[0];
    if (version) out[crd.spec.names.kind] = version.schema.openAPIV3Schema;
  }
  return out;
}

/**
 * Every field path a schema declares: `spec.analysis.webhooks[].timeout`; map values are `.*`
 * (`spec.analysis.match[].headers.*.exact`). Junctor branches only restate declared fields, so they are
 * not walked.
 */
export function fieldPaths(schema: SchemaNode, prefix = ''): string[] {
  const out: string[] = [];
  for (const [key, child] of Object.entries(schema.properties ?? {})) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    out.push(path, ...fieldPaths(child, path));
  }
  if (schema.items) out.push(...fieldPaths(schema.items, `${prefix}[]`));
  if (typeof schema.additionalProperties === 'object') {
    out.push(`${prefix}.*`, ...fieldPaths(schema.additionalProperties, `${prefix}.*`));
  }
  return out;
}

/** The schema node at a field path produced by {@link fieldPaths}. */
export function nodeAt(schema: SchemaNode, path: string): SchemaNode | undefined {
  let node: SchemaNode | undefined = schema;
  for (const token of tokenize(path)) {
    if (!node) return undefined;
    if (token === '[]') node = node.items;
    else if (token === '*') node = typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined;
    else node = node.properties?.[token];
  }
  return node;
}

/** Splits `a.b[].c.*` into `['a', 'b', '[]', 'c', '*']`. */
export function tokenize(path: string): string[] {
  return path
    .replace(/\[\]/g, '.[]')
    .split('.')
    .filter((token) => token !== '');
}

/** The manifest files of the documentation corpus. */
export function corpusFiles(kind: 'valid' | 'invalid'): string[] {
  return readdirSync(join(FLAGGER_DIR, kind))
    .filter((name) => name.endsWith('.yaml'))
    .sort();
}
