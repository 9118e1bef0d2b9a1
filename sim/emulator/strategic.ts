import { badRequest } from './errors.ts';
import { clone } from './meta.ts';

type JsonObject = Record<string, unknown>;
const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** How a list merges under strategic merge patch: by a key, as a set of primitives, or (absent) replaced whole. */
export type ListStrategy = { readonly mergeKey: string } | { readonly primitive: true };

/** Where each kind keeps its pod spec. */
const POD_SPEC_ROOT: Record<string, readonly string[]> = {
  Pod: ['spec'],
  PodTemplate: ['template', 'spec'],
  Deployment: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

const CONTAINER_LISTS = new Set(['containers', 'initContainers', 'ephemeralContainers']);

/** `patchMergeKey`s of PodSpec and Container, from the Kubernetes API types. */
const POD_SPEC_KEYS: Record<string, string> = { volumes: 'name', imagePullSecrets: 'name', hostAliases: 'ip', topologySpreadConstraints: 'topologyKey', resourceClaims: 'name', schedulingGates: 'name' };
const CONTAINER_KEYS: Record<string, string> = { env: 'name', ports: 'containerPort', volumeMounts: 'mountPath', volumeDevices: 'devicePath', resizePolicy: 'resourceName' };

/** The strategic-merge behaviour of the list at `path` (field names only, list items add no segment) in `kind`. */
export function listStrategy(kind: string, path: readonly string[]): ListStrategy | undefined {
  const joined = path.join('.');
  if (joined === 'metadata.ownerReferences') return { mergeKey: 'uid' };
  if (joined === 'metadata.finalizers') return { primitive: true };
  if (joined === 'status.conditions') return { mergeKey: 'type' };
  if (kind === 'Service' && joined === 'spec.ports') return { mergeKey: 'port' };
  if (kind === 'Node' && joined === 'status.addresses') return { mergeKey: 'type' };
  const root = POD_SPEC_ROOT[kind];
  if (!root || path.length <= root.length || root.some((s, i) => path[i] !== s)) return undefined;
  const rel = path.slice(root.length);
  if (rel.length === 1 && rel[0] !== undefined) return CONTAINER_LISTS.has(rel[0]) ? { mergeKey: 'name' } : POD_SPEC_KEYS[rel[0]] ? { mergeKey: POD_SPEC_KEYS[rel[0]] as string } : undefined;
  if (rel.length === 2 && rel[0] !== undefined && rel[1] !== undefined && CONTAINER_LISTS.has(rel[0]) && CONTAINER_KEYS[rel[1]]) return { mergeKey: CONTAINER_KEYS[rel[1]] as string };
  return undefined;
}

/**
 * Applies a strategic merge patch to a built-in object of `kind`: lists with a merge key merge element by
 * element (`$patch: delete` removes one), primitive sets merge, other lists are replaced; maps honour
 * `$patch: replace|delete`, `$retainKeys`, `$deleteFromPrimitiveList/<field>` and `$setElementOrder/<field>`.
 */
export function applyStrategicMergePatch(kind: string, original: unknown, patch: unknown): unknown {
  if (!isObject(patch)) throw badRequest('the strategic merge patch must be a JSON object');
  return mergeMap(kind, original, patch, []) ?? {};
}

function mergeMap(kind: string, original: unknown, patch: JsonObject, path: string[]): JsonObject | undefined {
  const directive = patch['$patch'];
  if (directive === 'delete') return undefined;
  if (directive === 'replace') return strip(patch) as JsonObject;
  if (directive !== undefined) throw badRequest(`Unknown patch type: ${String(directive)} in map patch at ${path.join('.') || '<root>'}`);
  const out: JsonObject = isObject(original) ? clone(original) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key === '$patch' || key === '$retainKeys' || key.startsWith('$setElementOrder/')) continue;
    if (key.startsWith('$deleteFromPrimitiveList/')) {
      const field = key.slice('$deleteFromPrimitiveList/'.length);
      const drop = Array.isArray(value) ? value : [];
      if (Array.isArray(out[field])) out[field] = (out[field] as unknown[]).filter((v) => !drop.includes(v));
      continue;
    }
    if (value === null) delete out[key];
    else if (Array.isArray(value)) out[key] = mergeList(kind, out[key], value, [...path, key]);
    else if (isObject(value)) {
      const merged = mergeMap(kind, out[key], value, [...path, key]);
      if (merged === undefined) delete out[key];
      else out[key] = merged;
    } else out[key] = value;
  }
  const retain = patch['$retainKeys'];
  if (Array.isArray(retain)) for (const key of Object.keys(out)) if (!retain.includes(key)) delete out[key];
  return out;
}

function mergeList(kind: string, original: unknown, patch: unknown[], path: string[]): unknown[] {
  if (patch.some((e) => isObject(e) && e['$patch'] === 'replace')) return patch.filter((e) => !(isObject(e) && e['$patch'] === 'replace')).map(strip);
  const strategy = listStrategy(kind, path);
  const base = Array.isArray(original) ? clone(original) : [];
  if (!strategy) return patch.map(strip);
  if ('primitive' in strategy) return [...base, ...patch.filter((v) => !base.includes(v))];
  const key = strategy.mergeKey;
  for (const element of patch) {
    if (!isObject(element)) throw badRequest(`strategic merge patch: list at ${path.join('.')} merges by "${key}" but an element is not an object`);
    const at = base.findIndex((item) => isObject(item) && item[key] === element[key]);
    if (element['$patch'] === 'delete') {
      if (at >= 0) base.splice(at, 1);
    } else if (at >= 0) base[at] = mergeMap(kind, base[at], element, path) ?? {};
    else base.push(strip(element));
  }
  return base;
}

/** A patch fragment without its directives, to be stored as a value. */
function strip(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(strip);
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) if (!k.startsWith('$')) out[k] = strip(v);
  return out;
}
