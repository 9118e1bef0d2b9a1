import { PatchStrategy } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configMap, deployment, failure, patchAs, startCluster } from './harness.ts';
import type { Cluster } from './harness.ts';

let cluster: Cluster;
beforeAll(async () => {
  cluster = await startCluster();
});
afterAll(async () => {
  await cluster.emulator.stop();
});

const RS = { group: 'apps', version: 'v1', resource: 'replicasets' };
const PODS = { group: '', version: 'v1', resource: 'pods' };

/** The workload simulation makes replica sets and pods; here the test plays it through the state. */
function ownedReplicaSet(owner: { metadata?: { name?: string; uid?: string } }, name: string) {
  return cluster.emulator.state.create(RS, {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, namespace: 'default', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: owner.metadata?.name ?? '', uid: owner.metadata?.uid ?? '', controller: true, blockOwnerDeletion: true }] },
    spec: { replicas: 1 },
  });
}

describe('deletion, garbage collection and finalizers through client-node', () => {
  it('deletes dependents of a deleted owner (background propagation by default)', async () => {
    const owner = await cluster.apps.createNamespacedDeployment({ namespace: 'default', body: deployment('gc-bg') });
    const rs = ownedReplicaSet(owner, 'gc-bg-1');
    cluster.emulator.state.create(PODS, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'gc-bg-1-x', namespace: 'default', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'gc-bg-1', uid: rs.metadata.uid ?? '' }] } });
    const status = await cluster.apps.deleteNamespacedDeployment({ name: 'gc-bg', namespace: 'default' });
    expect(status).toMatchObject({ status: 'Success', details: { name: 'gc-bg', group: 'apps', kind: 'deployments', uid: owner.metadata?.uid } });
    expect((await failure(cluster.apps.readNamespacedReplicaSet({ name: 'gc-bg-1', namespace: 'default' }))).code).toBe(404);
    expect((await failure(cluster.core.readNamespacedPod({ name: 'gc-bg-1-x', namespace: 'default' }))).code).toBe(404);
  });

  it('orphans dependents with propagationPolicy=Orphan', async () => {
    const owner = await cluster.apps.createNamespacedDeployment({ namespace: 'default', body: deployment('gc-orphan') });
    ownedReplicaSet(owner, 'gc-orphan-1');
    await cluster.apps.deleteNamespacedDeployment({ name: 'gc-orphan', namespace: 'default', propagationPolicy: 'Orphan' });
    const rs = await cluster.apps.readNamespacedReplicaSet({ name: 'gc-orphan-1', namespace: 'default' });
    expect(rs.metadata?.ownerReferences).toBeUndefined();
  });

  it('keeps a foreground-deleted owner until its blocking dependents are gone', async () => {
    const owner = await cluster.apps.createNamespacedDeployment({ namespace: 'default', body: deployment('gc-fg') });
    const rs = ownedReplicaSet(owner, 'gc-fg-1');
    cluster.emulator.state.update(RS, { ...rs, metadata: { ...rs.metadata, finalizers: ['example.com/drain'] } });
    await cluster.objects.delete({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'gc-fg', namespace: 'default' } }, undefined, undefined, undefined, undefined, 'Foreground');
    const waiting = await cluster.apps.readNamespacedDeployment({ name: 'gc-fg', namespace: 'default' });
    expect(waiting.metadata?.deletionTimestamp).toBeDefined();
    expect(waiting.metadata?.finalizers).toEqual(['foregroundDeletion']);
    const held = cluster.emulator.state.get(RS, 'default', 'gc-fg-1');
    cluster.emulator.state.update(RS, { ...held!, metadata: { ...held!.metadata, finalizers: [] } });
    expect((await failure(cluster.apps.readNamespacedDeployment({ name: 'gc-fg', namespace: 'default' }))).code).toBe(404);
  });

  it('sets deletionTimestamp on an object with finalizers and removes it once a client empties them', async () => {
    await cluster.core.createNamespacedConfigMap({ namespace: 'default', body: { ...configMap('fin'), metadata: { name: 'fin', namespace: 'default', finalizers: ['fledge.dev/cleanup'] } } });
    await cluster.core.deleteNamespacedConfigMap({ name: 'fin', namespace: 'default' });
    const marked = await cluster.core.readNamespacedConfigMap({ name: 'fin', namespace: 'default' });
    expect(marked.metadata?.deletionTimestamp).toBeInstanceOf(Date);
    expect(marked.metadata?.finalizers).toEqual(['fledge.dev/cleanup']);
    await cluster.core.patchNamespacedConfigMap({ name: 'fin', namespace: 'default', body: { metadata: { finalizers: null } } }, patchAs(PatchStrategy.MergePatch));
    expect((await failure(cluster.core.readNamespacedConfigMap({ name: 'fin', namespace: 'default' }))).code).toBe(404);
  });

  it('fails a delete whose uid precondition does not hold with 409', async () => {
    await cluster.core.createNamespacedConfigMap({ namespace: 'default', body: configMap('precond') });
    const { code, status } = await failure(cluster.core.deleteNamespacedConfigMap({ name: 'precond', namespace: 'default', body: { preconditions: { uid: 'someone-else' } } }));
    expect(code).toBe(409);
    expect(status['message']).toContain('Precondition failed: UID in precondition: someone-else');
  });

  it('terminates a namespace: refuses new content, deletes its objects, then goes', async () => {
    await cluster.core.createNamespace({ body: { metadata: { name: 'doomed' } } });
    await cluster.core.createNamespacedConfigMap({ namespace: 'doomed', body: { ...configMap('held', {}, 'doomed'), metadata: { name: 'held', namespace: 'doomed', finalizers: ['x/y'] } } });
    await cluster.core.deleteNamespace({ name: 'doomed' });
    const terminating = await cluster.core.readNamespace({ name: 'doomed' });
    expect(terminating.status?.phase).toBe('Terminating');
    const refused = await failure(cluster.core.createNamespacedConfigMap({ namespace: 'doomed', body: configMap('late', {}, 'doomed') }));
    expect(refused.code).toBe(403);
    await cluster.core.patchNamespacedConfigMap({ name: 'held', namespace: 'doomed', body: [{ op: 'remove', path: '/metadata/finalizers' }] });
    expect((await failure(cluster.core.readNamespace({ name: 'doomed' }))).code).toBe(404);
  });

  it('deletes a collection by label selector', async () => {
    for (const [name, team] of [['dc-1', 'x'], ['dc-2', 'x'], ['dc-3', 'y']] as const) {
      await cluster.core.createNamespacedConfigMap({ namespace: 'default', body: { ...configMap(name), metadata: { name, namespace: 'default', labels: { team } } } });
    }
    await cluster.core.deleteCollectionNamespacedConfigMap({ namespace: 'default', labelSelector: 'team=x' });
    const left = await cluster.core.listNamespacedConfigMap({ namespace: 'default', labelSelector: 'team' });
    expect(left.items.map((i) => i.metadata?.name)).toEqual(['dc-3']);
  });

  it('refuses writes to read-only resources with 405', async () => {
    const { code, status } = await failure(cluster.core.createNamespacedPod({ namespace: 'default', body: { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'i' }] } } }));
    expect(code).toBe(405);
    expect(status).toMatchObject({ reason: 'MethodNotAllowed' });
  });
});

describe('scale subresource', () => {
  it('reads and writes a Deployment scale (autoscaling/v1 Scale)', async () => {
    const made = await cluster.apps.createNamespacedDeployment({ namespace: 'default', body: deployment('scaled') });
    const scale = await cluster.apps.readNamespacedDeploymentScale({ name: 'scaled', namespace: 'default' });
    expect(scale).toMatchObject({ apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'scaled', namespace: 'default' }, spec: { replicas: 2 }, status: { replicas: 0, selector: 'app=scaled' } });
    const replaced = await cluster.apps.replaceNamespacedDeploymentScale({ name: 'scaled', namespace: 'default', body: { metadata: { name: 'scaled', namespace: 'default' }, spec: { replicas: 5 } } });
    expect(replaced.spec?.replicas).toBe(5);
    const patched = await cluster.apps.patchNamespacedDeploymentScale({ name: 'scaled', namespace: 'default', body: { spec: { replicas: 0 } } }, patchAs(PatchStrategy.MergePatch));
    expect(patched.spec?.replicas).toBe(0);
    const after = await cluster.apps.readNamespacedDeployment({ name: 'scaled', namespace: 'default' });
    expect(after.spec?.replicas).toBe(0);
    expect(after.metadata?.generation).toBe((made.metadata?.generation ?? 0) + 2);
  });

  it('answers a Scale with a stale resourceVersion with 409', async () => {
    await cluster.apps.createNamespacedDeployment({ namespace: 'default', body: deployment('scaled-stale') });
    const scale = await cluster.apps.readNamespacedDeploymentScale({ name: 'scaled-stale', namespace: 'default' });
    await cluster.apps.replaceNamespacedDeploymentScale({ name: 'scaled-stale', namespace: 'default', body: { ...scale, spec: { replicas: 3 } } });
    expect((await failure(cluster.apps.replaceNamespacedDeploymentScale({ name: 'scaled-stale', namespace: 'default', body: { ...scale, spec: { replicas: 4 } } }))).code).toBe(409);
  });
});
