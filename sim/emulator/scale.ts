import { badRequest, conflict, invalid, invalidValue } from './errors.ts';
import { current, refOf, write } from './handlers.ts';
import type { RestContext, Target } from './handlers.ts';
import { clone } from './meta.ts';
import { selectorToString } from './selectors.ts';
import type { KubeObject } from './types.ts';

function pathOf(jsonPath: string): string[] {
  return jsonPath.replace(/^\./, '').split('.');
}

function readPath(object: unknown, jsonPath: string): unknown {
  let node = object;
  for (const key of pathOf(jsonPath)) node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined;
  return node;
}

function writePath(object: Record<string, unknown>, jsonPath: string, value: unknown): void {
  const keys = pathOf(jsonPath);
  let node = object;
  for (const key of keys.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys.at(-1) ?? ''] = value;
}

/** The `autoscaling/v1` Scale of an object, read through the type's scale paths. */
export function scaleOf(t: Target, object: KubeObject): KubeObject {
  const paths = t.type.scale;
  if (!paths) throw badRequest(`${t.type.resource} has no scale subresource`);
  const selector = paths.labelSelectorPath ? readPath(object, paths.labelSelectorPath) : undefined;
  const text = typeof selector === 'string' ? selector : t.type.custom ? undefined : selectorToString((object['spec'] as Record<string, unknown> | undefined)?.['selector']);
  const { name, namespace, uid, resourceVersion, creationTimestamp } = object.metadata;
  return {
    apiVersion: 'autoscaling/v1',
    kind: 'Scale',
    metadata: { name, ...(namespace ? { namespace } : {}), uid, resourceVersion, creationTimestamp },
    spec: { replicas: Number(readPath(object, paths.specReplicasPath) ?? 0) },
    status: { replicas: Number(readPath(object, paths.statusReplicasPath) ?? 0), ...(text ? { selector: text } : {}) },
  };
}

/** Writes the replicas of a Scale back to its object; a stale Scale resourceVersion is a 409. */
export function writeScale(ctx: RestContext, t: Target, scale: unknown): KubeObject {
  const object = current(ctx, t);
  const s = (scale ?? {}) as { metadata?: { resourceVersion?: string }; spec?: { replicas?: unknown } };
  const replicas = s.spec?.replicas ?? 0;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    throw invalid({ group: 'autoscaling', resource: 'scale', kind: 'Scale', name: object.metadata.name }, [invalidValue('spec.replicas', replicas, 'must be greater than or equal to 0')]);
  }
  const sent = s.metadata?.resourceVersion;
  if (sent && sent !== object.metadata.resourceVersion) throw conflict(refOf(t, object.metadata.name));
  const next = clone(object);
  writePath(next, t.type.scale?.specReplicasPath ?? '.spec.replicas', replicas);
  return scaleOf(t, write(ctx, t, object, next));
}
