/**
 * Field ownership (`metadata.managedFields`, FieldsV1) as server-side apply keeps it.
 *
 * A field set is a set of paths; a path is a list of FieldsV1 segments: `f:<field>` for a map key,
 * `k:{"name":"app"}` for an item of a list keyed by merge keys, `v:<json>` for an item of a set, and `.`
 * for a keyed item itself. Lists without keys are atomic: the list is one field.
 */
import { jsonEqual, timestamp } from './meta.ts';
import { listStrategy } from './strategic.ts';
import type { KubeObject, ResourceType } from './types.ts';

type Json = unknown;
type JsonObject = Record<string, unknown>;
const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A `metadata.managedFields` entry. */
export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: JsonObject;
  subresource?: string;
}

/** Paths are kept as JSON-encoded segment arrays so they can live in a `Set`. */
export type FieldSet = Set<string>;

const SERVER_METADATA = new Set(['name', 'namespace', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'managedFields', 'selfLink']);

/** How lists of this type merge: keyed, set, or atomic (undefined). Custom resources read their schema. */
function strategyOf(type: ResourceType, version: string, fieldPath: string[]): { mergeKeys: string[] } | { set: true } | undefined {
  if (!type.custom) {
    const s = listStrategy(type.kind, fieldPath);
    if (!s) return undefined;
    return 'primitive' in s ? { set: true } : { mergeKeys: [s.mergeKey] };
  }
  let schema = type.schemas?.[version] as JsonObject | undefined;
  for (const field of fieldPath) {
    if (!schema) return undefined;
    if (schema['type'] === 'array') schema = schema['items'] as JsonObject | undefined;
    schema = ((schema?.['properties'] as JsonObject | undefined)?.[field] ?? schema?.['additionalProperties']) as JsonObject | undefined;
  }
  if (schema?.['x-kubernetes-list-type'] === 'map' && Array.isArray(schema['x-kubernetes-list-map-keys'])) return { mergeKeys: schema['x-kubernetes-list-map-keys'] as string[] };
  if (schema?.['x-kubernetes-list-type'] === 'set') return { set: true };
  return undefined;
}

function itemKey(item: Json, keys: string[]): string {
  const record = isObject(item) ? item : {};
  return `k:${JSON.stringify(Object.fromEntries(keys.map((k) => [k, record[k]])))}`;
}

/**
 * The fields an object sets: everything but server-owned metadata, and either the main resource (no status,
 * when status is a subresource) or, for `scope: 'status'`, only the status.
 */
export function fieldsOf(type: ResourceType, version: string, object: KubeObject, scope: 'main' | 'status' = 'main'): FieldSet {
  const out: FieldSet = new Set();
  const walk = (value: Json, path: string[], fieldPath: string[]) => {
    if (isObject(value)) {
      const entries = Object.entries(value).filter(([, v]) => v !== undefined);
      if (entries.length === 0 && path.length > 0) out.add(JSON.stringify(path));
      for (const [k, v] of entries) walk(v, [...path, `f:${k}`], [...fieldPath, k]);
    } else if (Array.isArray(value)) {
      const strategy = strategyOf(type, version, fieldPath);
      if (!strategy) out.add(JSON.stringify(path));
      else if ('set' in strategy) for (const item of value) out.add(JSON.stringify([...path, `v:${JSON.stringify(item)}`]));
      else
        for (const item of value) {
          const itemPath = [...path, itemKey(item, strategy.mergeKeys)];
          out.add(JSON.stringify([...itemPath, '.']));
          walk(item, itemPath, fieldPath);
        }
    } else out.add(JSON.stringify(path));
  };
  if (scope === 'status') walk({ status: object['status'] }, [], []);
  else {
    const { apiVersion: _a, kind: _k, metadata, ...rest } = object;
    if (type.status) delete rest['status'];
    const meta = Object.fromEntries(Object.entries(metadata ?? {}).filter(([k]) => !SERVER_METADATA.has(k)));
    walk({ ...(Object.keys(meta).length > 0 ? { metadata: meta } : {}), ...rest }, [], []);
  }
  return out;
}

/** The value at a field path, or `undefined`. */
export function valueAt(object: Json, path: readonly string[]): Json {
  let node: Json = object;
  for (const segment of path) {
    if (segment === '.') return node;
    if (segment.startsWith('f:')) node = isObject(node) ? node[segment.slice(2)] : undefined;
    else if (segment.startsWith('k:')) {
      const keys = JSON.parse(segment.slice(2)) as JsonObject;
      node = Array.isArray(node) ? node.find((item) => isObject(item) && Object.entries(keys).every(([k, v]) => jsonEqual(item[k], v))) : undefined;
    } else if (segment.startsWith('v:')) {
      const wanted = JSON.parse(segment.slice(2)) as Json;
      node = Array.isArray(node) ? node.find((item) => jsonEqual(item, wanted)) : undefined;
    } else return undefined;
    if (node === undefined) return undefined;
  }
  return node;
}

/** Removes the field at `path` from `object` (in place): a map key, a keyed item, or a set member. */
export function removeAt(object: Json, path: readonly string[]): void {
  const last = path.at(-1);
  const itemPath = last === '.' ? path.slice(0, -1) : path;
  const tail = itemPath.at(-1);
  const parent = valueAt(object, itemPath.slice(0, -1));
  if (tail === undefined) return;
  if (tail.startsWith('f:') && isObject(parent)) delete parent[tail.slice(2)];
  else if (Array.isArray(parent)) {
    const item = valueAt(object, itemPath);
    const at = parent.indexOf(item);
    if (at >= 0) parent.splice(at, 1);
  }
}

/** FieldsV1 (nested `{"f:spec":{"f:replicas":{}}}`) from a field set. */
export function toFieldsV1(set: FieldSet): JsonObject {
  const root: JsonObject = {};
  for (const encoded of [...set].sort()) {
    let node = root;
    for (const segment of JSON.parse(encoded) as string[]) node = (node[segment] ??= {}) as JsonObject;
  }
  return root;
}

/** The field set of a FieldsV1 object. */
export function fromFieldsV1(fields: JsonObject | undefined): FieldSet {
  const out: FieldSet = new Set();
  const walk = (node: JsonObject, path: string[]) => {
    const keys = Object.keys(node);
    if (keys.length === 0 && path.length > 0) out.add(JSON.stringify(path));
    for (const key of keys) walk((node[key] ?? {}) as JsonObject, [...path, key]);
  };
  walk(fields ?? {}, []);
  return out;
}

/** A field path as conflict messages print it: `.spec.template.spec.containers[name="app"].image`. */
export function printPath(encoded: string): string {
  return (JSON.parse(encoded) as string[])
    .map((s) => {
      if (s.startsWith('f:')) return `.${s.slice(2)}`;
      if (s.startsWith('k:')) return `[${Object.entries(JSON.parse(s.slice(2)) as JsonObject).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}]`;
      if (s.startsWith('v:')) return `[=${s.slice(2)}]`;
      return '';
    })
    .join('');
}

/** The managed-fields entries of an object, as field sets. */
export function entriesOf(object: KubeObject | undefined): Array<ManagedFieldsEntry & { set: FieldSet }> {
  const entries = (object?.metadata.managedFields ?? []) as ManagedFieldsEntry[];
  return Array.isArray(entries) ? entries.map((e) => ({ ...e, set: fromFieldsV1(e.fieldsV1) })) : [];
}

/** Writes entries back as `metadata.managedFields`, dropping empty ones. */
export function storeEntries(object: KubeObject, entries: Array<ManagedFieldsEntry & { set: FieldSet }>): void {
  const kept = entries.filter((e) => e.set.size > 0).map(({ set, ...e }) => ({ ...e, fieldsV1: toFieldsV1(set) }));
  if (kept.length > 0) object.metadata.managedFields = kept;
  else delete object.metadata.managedFields;
}

/**
 * Records a non-apply write (create, update, patch) in `after.metadata.managedFields`: the writer takes
 * every field whose value it set or changed, from whoever owned it; removed fields leave every owner.
 */
export function recordWrite(type: ResourceType, before: KubeObject | undefined, after: KubeObject, manager: string, now: Date, subresource?: 'status'): void {
  const version = after.apiVersion.split('/').at(-1) ?? '';
  const scope = subresource === 'status' ? 'status' : 'main';
  const afterSet = fieldsOf(type, version, after, scope);
  const beforeSet = before ? fieldsOf(type, version, before, scope) : new Set<string>();
  const changed = [...afterSet].filter((p) => {
    if (!beforeSet.has(p)) return true;
    const path = JSON.parse(p) as string[];
    return path.at(-1) !== '.' && !jsonEqual(valueAt(before, path), valueAt(after, path));
  });
  const removed = [...beforeSet].filter((p) => !afterSet.has(p));
  const entries = entriesOf(before ? { ...after, metadata: { ...after.metadata, managedFields: after.metadata.managedFields ?? before.metadata.managedFields } } : after);
  for (const entry of entries) {
    if ((entry.subresource ?? undefined) !== subresource) continue;
    for (const p of [...changed, ...removed]) entry.set.delete(p);
  }
  if (changed.length > 0) {
    let mine = entries.find((e) => e.manager === manager && e.operation === 'Update' && e.subresource === subresource);
    if (!mine) {
      mine = { manager, operation: 'Update', apiVersion: after.apiVersion, time: '', fieldsType: 'FieldsV1', fieldsV1: {}, ...(subresource ? { subresource } : {}), set: new Set() };
      entries.push(mine);
    }
    for (const p of changed) mine.set.add(p);
    mine.time = timestamp(now);
    mine.apiVersion = after.apiVersion;
  }
  storeEntries(after, entries);
}
