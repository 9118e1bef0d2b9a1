import { parse as parseYaml } from 'yaml';
import { ApiError, badRequest } from './errors.ts';
import { entriesOf, fieldsOf, printPath, removeAt, storeEntries, valueAt } from './fields.ts';
import type { FieldSet, ManagedFieldsEntry } from './fields.ts';
import { admitOptionsOf, checkNamespace, decodeBody, dryRunOf, namespaceOf, refOf } from './handlers.ts';
import type { RestContext, RestResponse, Target } from './handlers.ts';
import { clone, jsonEqual, timestamp } from './meta.ts';
import { applyStrategicMergePatch } from './strategic.ts';
import type { KubeObject } from './types.ts';

/** Parses an apply body: YAML (JSON is YAML too). */
export function parseApplyBody(raw: string): unknown {
  try {
    return parseYaml(raw);
  } catch (error) {
    throw badRequest(`error decoding YAML: ${(error as Error).message}`);
  }
}

interface Conflict {
  readonly manager: string;
  readonly apiVersion: string;
  readonly path: string;
}

function conflictError(t: Target, name: string, conflicts: readonly Conflict[]): ApiError {
  const byManager = new Map<string, Conflict[]>();
  for (const c of conflicts) byManager.set(`${c.manager}\u0000${c.apiVersion}`, [...(byManager.get(`${c.manager}\u0000${c.apiVersion}`) ?? []), c]);
  const n = conflicts.length;
  const lines: string[] = [];
  for (const group of byManager.values()) {
    const first = group[0] as Conflict;
    if (n === 1) lines.push(`conflict with "${first.manager}" using ${first.apiVersion}: ${first.path}`);
    else lines.push(`conflicts with "${first.manager}" using ${first.apiVersion}:\n${group.map((c) => `- ${c.path}`).join('\n')}`);
  }
  const message = `Apply failed with ${n} conflict${n === 1 ? '' : 's'}: ${lines.join('\n')}`;
  const ref = refOf(t, name);
  return new ApiError(409, 'Conflict', message, {
    name,
    group: ref.group,
    kind: ref.resource,
    causes: conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with "${c.manager}" using ${c.apiVersion}`, field: c.path })),
  });
}

/**
 * PATCH with `application/apply-patch+yaml`: server-side apply. The applier owns exactly the fields of its
 * configuration; a field another manager owns with a different value is a 409 conflict unless `force=true`;
 * fields the applier owned before and no longer sets are removed unless someone else owns them. Creates the
 * object when it does not exist.
 */
export function serverSideApply(ctx: RestContext, t: Target, raw: string): RestResponse {
  const manager = t.req.query.get('fieldManager');
  if (!manager) throw badRequest('PATCH, application/apply-patch+yaml: fieldManager is required for apply requests');
  const force = t.req.query.get('force') === 'true';
  const applied = decodeBody(t, parseApplyBody(raw));
  const name = t.req.path.name ?? '';
  if (applied.metadata.name !== name) throw badRequest(`the name of the object (${applied.metadata.name}) does not match the name on the URL (${name})`);
  if (applied.metadata.managedFields !== undefined) throw badRequest('metadata.managedFields must be nil');
  const status = t.req.path.subresource === 'status';
  const scope = status ? 'status' : 'main';
  const version = t.gvr.version;
  const appliedSet = fieldsOf(t.type, version, applied, scope);
  const now = ctx.state.clock.now();
  const existing = ctx.state.get(t.gvr, namespaceOf(t), name);
  const entry = (set: FieldSet): ManagedFieldsEntry & { set: FieldSet } => ({
    manager, operation: 'Apply', apiVersion: applied.apiVersion, time: timestamp(now), fieldsType: 'FieldsV1', fieldsV1: {}, ...(status ? { subresource: 'status' } : {}), set,
  });

  if (!existing) {
    if (status) throw new ApiError(404, 'NotFound', `${t.type.resource} "${name}" not found`, { name, group: t.type.group, kind: t.type.resource });
    checkNamespace(ctx, t);
    const object = clone(applied);
    if (t.type.status) delete object['status'];
    storeEntries(object, [entry(appliedSet)]);
    const admitted = ctx.admission.admit(t.type, version, object, undefined, admitOptionsOf(t.req));
    return { status: 201, body: ctx.state.create(t.gvr, admitted, { dryRun: dryRunOf(t.req) }) };
  }

  const others = entriesOf(existing).filter((e) => !(e.manager === manager && e.operation === 'Apply' && (e.subresource === 'status') === status));
  const previous = entriesOf(existing).find((e) => e.manager === manager && e.operation === 'Apply' && (e.subresource === 'status') === status);
  const conflicts: Conflict[] = [];
  for (const p of appliedSet) {
    const path = JSON.parse(p) as string[];
    if (path.at(-1) === '.' || jsonEqual(valueAt(existing, path), valueAt(applied, path))) continue;
    for (const e of others) if ((e.subresource === 'status') === status && e.set.has(p)) conflicts.push({ manager: e.manager, apiVersion: e.apiVersion, path: printPath(p) });
  }
  if (conflicts.length > 0 && !force) throw conflictError(t, name, conflicts);

  let merged = clone(existing);
  const ownedByOthers = new Set(others.flatMap((e) => [...e.set]));
  for (const p of previous?.set ?? []) if (!appliedSet.has(p) && !ownedByOthers.has(p)) removeAt(merged, JSON.parse(p) as string[]);
  const body = status ? { status: applied['status'] } : (({ apiVersion: _a, kind: _k, ...rest }) => rest)(applied);
  merged = applyStrategicMergePatch(t.type.custom ? '' : t.type.kind, merged, body) as KubeObject;
  merged.metadata.resourceVersion = existing.metadata.resourceVersion;

  for (const e of others) {
    if ((e.subresource === 'status') !== status) continue;
    for (const p of appliedSet) {
      const path = JSON.parse(p) as string[];
      if (!jsonEqual(valueAt(existing, path), valueAt(applied, path))) e.set.delete(p);
    }
  }
  storeEntries(merged, [...others, entry(appliedSet)]);
  const admitted = ctx.admission.admit(t.type, version, merged, existing, admitOptionsOf(t.req));
  const stored = ctx.state.update(t.gvr, admitted, { ...(status ? { subresource: 'status' as const } : {}), dryRun: dryRunOf(t.req) });
  return { status: 200, body: stored };
}
