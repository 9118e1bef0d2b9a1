import { describe, expect, it } from 'vitest';
import { crdFor } from '../../../sim/crds/index.ts';
import { ApiError, createClusterState } from '../../../sim/emulator/index.ts';
import type { EmulatorState, KubeObject } from '../../../sim/emulator/index.ts';

const CM = { group: '', version: 'v1', resource: 'configmaps' };
const DEPLOY = { group: 'apps', version: 'v1', resource: 'deployments' };
const RS = { group: 'apps', version: 'v1', resource: 'replicasets' };
const PODS = { group: '', version: 'v1', resource: 'pods' };
const NS = { group: '', version: 'v1', resource: 'namespaces' };
const CRD = { group: 'apiextensions.k8s.io', version: 'v1', resource: 'customresourcedefinitions' };

function fixedClock(iso = '2026-01-01T00:00:00Z') {
  let now = new Date(iso);
  return { now: () => now, advance: (ms: number) => (now = new Date(now.getTime() + ms)) };
}

function deployment(name: string, image = 'nginx:1'): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default' },
    spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image }] } } },
  };
}

function errorOf(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected an ApiError');
}

function owned(name: string, owner: KubeObject, gvr = RS, extra: { blockOwnerDeletion?: boolean } = {}): [typeof gvr, KubeObject] {
  return [
    gvr,
    {
      apiVersion: gvr === RS ? 'apps/v1' : 'v1',
      kind: gvr === RS ? 'ReplicaSet' : 'Pod',
      metadata: { name, namespace: 'default', ownerReferences: [{ apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name, uid: owner.metadata.uid ?? '', controller: true, ...extra }] },
    },
  ];
}

describe('createClusterState', () => {
  it('sets uid, creationTimestamp from the clock, generation 1 and a resourceVersion on create', () => {
    const state = createClusterState({ clock: fixedClock() });
    const made = state.create(DEPLOY, deployment('web'));
    expect(made.metadata.uid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(made.metadata.creationTimestamp).toBe('2026-01-01T00:00:00Z');
    expect(made.metadata.generation).toBe(1);
    expect(Number(made.metadata.resourceVersion)).toBeGreaterThan(0);
    expect(state.get(DEPLOY, 'default', 'web')).toEqual(made);
  });

  it('gives deterministic uids and generated names, so simulated runs replay identically', () => {
    const run = () => {
      const state = createClusterState({ clock: fixedClock() });
      return state.create(CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: '', generateName: 'cfg-', namespace: 'default' } }).metadata;
    };
    const [a, b] = [run(), run()];
    expect(a.uid).toBe(b.uid);
    expect(a.name).toBe(b.name);
    expect(a.name).toMatch(/^cfg-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  it('increments the resourceVersion on every write from one global counter', () => {
    const state = createClusterState();
    const a = state.create(CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'default' } });
    const b = state.create(CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b', namespace: 'default' } });
    const a2 = state.update(CM, { ...a, data: { x: '1' } });
    expect(Number(b.metadata.resourceVersion)).toBe(Number(a.metadata.resourceVersion) + 1);
    expect(Number(a2.metadata.resourceVersion)).toBe(Number(b.metadata.resourceVersion) + 1);
    expect(state.resourceVersion()).toBe(a2.metadata.resourceVersion);
  });

  it('rejects a stale resourceVersion with Conflict and a taken name with AlreadyExists', () => {
    const state = createClusterState();
    const first = state.create(DEPLOY, deployment('web'));
    state.update(DEPLOY, { ...first, spec: { ...(first['spec'] as object), replicas: 2 } });
    expect(errorOf(() => state.update(DEPLOY, { ...first, spec: { replicas: 3 } }))).toMatchObject({ code: 409, reason: 'Conflict' });
    expect(errorOf(() => state.create(DEPLOY, deployment('web')))).toMatchObject({ code: 409, reason: 'AlreadyExists', message: 'deployments.apps "web" already exists' });
    expect(errorOf(() => state.delete(DEPLOY, 'default', 'nope'))).toMatchObject({ code: 404, reason: 'NotFound' });
  });

  it('bumps generation on spec changes only', () => {
    const state = createClusterState();
    const made = state.create(DEPLOY, deployment('web'));
    const relabelled = state.update(DEPLOY, { ...made, metadata: { ...made.metadata, labels: { a: 'b' } } });
    const withStatus = state.update(DEPLOY, { ...relabelled, status: { replicas: 1 } }, { subresource: 'status' });
    const respecced = state.update(DEPLOY, deployment('web', 'nginx:2'));
    expect([relabelled, withStatus, respecced].map((o) => o.metadata.generation)).toEqual([1, 1, 2]);
  });

  it('keeps no generation for kinds kube-apiserver gives none (ConfigMap, Service, Namespace, Pod, Event)', () => {
    const state = createClusterState();
    const cm = state.create(CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'g', namespace: 'default' }, data: { a: '1' } });
    const changed = state.update(CM, { ...cm, data: { a: '2' } });
    expect([cm.metadata.generation, changed.metadata.generation]).toEqual([undefined, undefined]);
  });

  it('keeps status on main updates and changes only status through the status subresource', () => {
    const state = createClusterState();
    state.create(DEPLOY, deployment('web'));
    state.update(DEPLOY, { ...deployment('web'), status: { replicas: 1 } }, { subresource: 'status' });
    const main = state.update(DEPLOY, { ...deployment('web', 'nginx:2'), status: { replicas: 99 } });
    const status = state.update(DEPLOY, { ...deployment('web', 'nginx:3'), status: { replicas: 2 } }, { subresource: 'status' });
    expect(main['status']).toEqual({ replicas: 1 });
    expect(status['status']).toEqual({ replicas: 2 });
    expect(JSON.stringify(status['spec'])).toContain('nginx:2');
  });

  it('does not write when an update changes nothing', () => {
    const state = createClusterState();
    const events: string[] = [];
    const made = state.create(CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'default' }, data: { k: 'v' } });
    state.onChange((e) => events.push(e.type));
    expect(state.update(CM, made).metadata.resourceVersion).toBe(made.metadata.resourceVersion);
    expect(events).toEqual([]);
  });

  it('deletes dependents transitively when their owner goes (background garbage collection)', () => {
    const state = createClusterState();
    const deploy = state.create(DEPLOY, deployment('web'));
    const rs = state.create(...owned('web-1', deploy));
    state.create(...owned('web-1-a', rs, PODS));
    state.delete(DEPLOY, 'default', 'web');
    expect(state.list(RS)).toEqual([]);
    expect(state.list(PODS)).toEqual([]);
  });

  it('keeps a dependent that another live owner still holds, dropping only the dangling reference', () => {
    const state = createClusterState();
    const a = state.create(DEPLOY, deployment('a'));
    const b = state.create(DEPLOY, deployment('b'));
    const [, rs] = owned('shared', a);
    rs.metadata.ownerReferences?.push({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'b', uid: b.metadata.uid ?? '' });
    state.create(RS, rs);
    state.delete(DEPLOY, 'default', 'a');
    expect(state.get(RS, 'default', 'shared')?.metadata.ownerReferences?.map((r) => r.name)).toEqual(['b']);
  });

  it('orphans dependents with propagationPolicy Orphan', () => {
    const state = createClusterState();
    const deploy = state.create(DEPLOY, deployment('web'));
    state.create(...owned('web-1', deploy));
    state.delete(DEPLOY, 'default', 'web', { propagationPolicy: 'Orphan' });
    expect(state.get(RS, 'default', 'web-1')?.metadata.ownerReferences).toBeUndefined();
  });

  it('keeps a foreground-deleted owner until its blocking dependents are gone', () => {
    const state = createClusterState();
    const deploy = state.create(DEPLOY, deployment('web'));
    const [, rs] = owned('web-1', deploy, RS, { blockOwnerDeletion: true });
    rs.metadata.finalizers = ['example.com/hold'];
    state.create(RS, rs);
    const result = state.delete(DEPLOY, 'default', 'web', { propagationPolicy: 'Foreground' });
    expect(result.removed).toBe(false);
    expect(result.object.metadata.finalizers).toEqual(['foregroundDeletion']);
    const held = state.get(RS, 'default', 'web-1');
    expect(held?.metadata.deletionTimestamp).toBeDefined();
    state.update(RS, { ...(held as KubeObject), metadata: { ...(held as KubeObject).metadata, finalizers: [] } });
    expect(state.get(RS, 'default', 'web-1')).toBeUndefined();
    expect(state.get(DEPLOY, 'default', 'web')).toBeUndefined();
  });

  it('sets deletionTimestamp on an object with finalizers and removes it when they are emptied', () => {
    const clock = fixedClock();
    const state = createClusterState({ clock });
    state.create(CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'default', finalizers: ['x/y'] } });
    clock.advance(5_000);
    const result = state.delete(CM, 'default', 'a');
    expect(result).toMatchObject({ removed: false, object: { metadata: { deletionTimestamp: '2026-01-01T00:00:05Z', finalizers: ['x/y'] } } });
    const pending = state.get(CM, 'default', 'a') as KubeObject;
    expect(errorOf(() => state.update(CM, { ...pending, metadata: { ...pending.metadata, finalizers: ['x/y', 'new'] } }))).toMatchObject({ code: 422 });
    state.update(CM, { ...pending, metadata: { ...pending.metadata, finalizers: [] } });
    expect(state.get(CM, 'default', 'a')).toBeUndefined();
  });

  it('empties a deleted namespace, then removes it', () => {
    const state = createClusterState();
    state.create(NS, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
    state.create(CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'team' } });
    state.delete(NS, undefined, 'team');
    expect(state.list(CM, 'team')).toEqual([]);
    expect(state.get(NS, undefined, 'team')).toBeUndefined();
  });

  it('serves a custom resource kind as soon as its CRD is created, under every served version', () => {
    const state = createClusterState();
    const crd = state.create(CRD, crdFor({ group: 'example.com', versions: ['v1', 'v1beta1'], kind: 'Widget', plural: 'widgets' }));
    expect((crd['status'] as { conditions: Array<{ type: string; status: string }> }).conditions).toContainEqual(expect.objectContaining({ type: 'Established', status: 'True' }));
    state.create({ group: 'example.com', version: 'v1beta1', resource: 'widgets' }, { apiVersion: 'example.com/v1beta1', kind: 'Widget', metadata: { name: 'w', namespace: 'default' } });
    expect(state.get({ group: 'example.com', version: 'v1', resource: 'widgets' }, 'default', 'w')?.apiVersion).toBe('example.com/v1');
    state.delete(CRD, undefined, 'widgets.example.com');
    expect(state.resourceType({ group: 'example.com', version: 'v1', resource: 'widgets' })).toBeUndefined();
  });

  it('tells listeners every change in commit order, including those listeners cause', () => {
    const state: EmulatorState = createClusterState();
    const seen: string[] = [];
    state.onChange((e) => {
      seen.push(`${e.type} ${e.object.metadata.name}`);
      if (e.type === 'ADDED' && e.object.metadata.name === 'a') state.create(CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b', namespace: 'default' } });
    });
    state.onChange((e) => seen.push(`second ${e.type} ${e.object.metadata.name}`));
    state.create(CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'default' } });
    expect(seen).toEqual(['ADDED a', 'second ADDED a', 'ADDED b', 'second ADDED b']);
  });
});
