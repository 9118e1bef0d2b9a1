import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configMap, deployment, failure, startCluster } from './harness.ts';
import type { Cluster } from './harness.ts';

let cluster: Cluster;
beforeAll(async () => {
  cluster = await startCluster({ clock: { now: () => new Date('2026-01-01T00:00:00Z') } });
});
afterAll(async () => {
  await cluster.emulator.stop();
});

describe('emulator CRUD through client-node', () => {
  it('creates an object with server-set uid, creationTimestamp, generation and resourceVersion', async () => {
    const made = await cluster.apps.createNamespacedDeployment({ namespace: 'default', body: deployment('crud-a') });
    expect(made.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(made.metadata?.creationTimestamp?.toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(made.metadata?.generation).toBe(1);
    expect(made.metadata?.resourceVersion).toMatch(/^\d+$/);
    const read = await cluster.apps.readNamespacedDeployment({ name: 'crud-a', namespace: 'default' });
    expect(read.metadata?.uid).toBe(made.metadata?.uid);
  });

  it('changes resourceVersion on every write', async () => {
    const made = await cluster.core.createNamespacedConfigMap({ namespace: 'default', body: configMap('crud-rv', { a: '1' }) });
    const replaced = await cluster.core.replaceNamespacedConfigMap({ name: 'crud-rv', namespace: 'default', body: { ...made, data: { a: '2' } } });
    expect(replaced.metadata?.resourceVersion).not.toBe(made.metadata?.resourceVersion);
    expect(Number(replaced.metadata?.resourceVersion)).toBeGreaterThan(Number(made.metadata?.resourceVersion));
  });

  it('answers a stale resourceVersion with 409 Conflict as a Status', async () => {
    const made = await cluster.core.createNamespacedConfigMap({ namespace: 'default', body: configMap('crud-stale') });
    await cluster.core.replaceNamespacedConfigMap({ name: 'crud-stale', namespace: 'default', body: { ...made, data: { b: '1' } } });
    const { code, status } = await failure(cluster.core.replaceNamespacedConfigMap({ name: 'crud-stale', namespace: 'default', body: { ...made, data: { b: '2' } } }));
    expect(code).toBe(409);
    expect(status).toMatchObject({
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      reason: 'Conflict',
      code: 409,
      message: 'Operation cannot be fulfilled on configmaps "crud-stale": the object has been modified; please apply your changes to the latest version and try again',
      details: { name: 'crud-stale', kind: 'configmaps' },
    });
  });

  it('answers a taken name with 409 AlreadyExists', async () => {
    await cluster.core.createNamespacedConfigMap({ namespace: 'default', body: configMap('crud-dup') });
    const { code, status } = await failure(cluster.core.createNamespacedConfigMap({ namespace: 'default', body: configMap('crud-dup') }));
    expect(code).toBe(409);
    expect(status).toMatchObject({ reason: 'AlreadyExists', message: 'configmaps "crud-dup" already exists', details: { name: 'crud-dup', kind: 'configmaps' } });
  });

  it.each([
    ['get', () => cluster.apps.readNamespacedDeployment({ name: 'nope', namespace: 'default' })],
    ['replace', () => cluster.apps.replaceNamespacedDeployment({ name: 'nope', namespace: 'default', body: deployment('nope') })],
    ['delete', () => cluster.apps.deleteNamespacedDeployment({ name: 'nope', namespace: 'default' })],
  ])('answers %s of an unknown object with 404 NotFound', async (_verb, call) => {
    const { code, status } = await failure(call());
    expect(code).toBe(404);
    expect(status).toMatchObject({ kind: 'Status', reason: 'NotFound', code: 404, message: 'deployments.apps "nope" not found', details: { name: 'nope', group: 'apps', kind: 'deployments' } });
  });

  it('answers a create in a missing namespace with 404 for the namespace', async () => {
    const { code, status } = await failure(cluster.core.createNamespacedConfigMap({ namespace: 'ghost', body: configMap('x', {}, 'ghost') }));
    expect(code).toBe(404);
    expect(status).toMatchObject({ reason: 'NotFound', message: 'namespaces "ghost" not found' });
  });

  it('bumps generation on spec changes only', async () => {
    const made = await cluster.apps.createNamespacedDeployment({ namespace: 'default', body: deployment('crud-gen') });
    const labelled = await cluster.apps.replaceNamespacedDeployment({ name: 'crud-gen', namespace: 'default', body: { ...made, metadata: { ...made.metadata, labels: { x: 'y' } } } });
    const respecced = await cluster.apps.replaceNamespacedDeployment({ name: 'crud-gen', namespace: 'default', body: { ...labelled, spec: { ...labelled.spec!, replicas: 5 } } });
    expect([made, labelled, respecced].map((d) => d.metadata?.generation)).toEqual([1, 1, 2]);
  });

  it('ignores status on the main endpoint and writes only status through /status', async () => {
    const made = await cluster.apps.createNamespacedDeployment({ namespace: 'default', body: { ...(deployment('crud-status')), status: { replicas: 7 } } });
    expect(made.status).toBeUndefined();
    const withStatus = await cluster.apps.replaceNamespacedDeploymentStatus({ name: 'crud-status', namespace: 'default', body: { ...made, spec: { ...made.spec!, replicas: 9 }, status: { replicas: 2 } } });
    expect(withStatus.status?.replicas).toBe(2);
    expect(withStatus.spec?.replicas).toBe(2);
    const main = await cluster.apps.replaceNamespacedDeployment({ name: 'crud-status', namespace: 'default', body: { ...withStatus, status: { replicas: 99 } } });
    expect(main.status?.replicas).toBe(2);
  });

  it('checks but stores nothing on dryRun=All', async () => {
    const dry = await cluster.core.createNamespacedConfigMap({ namespace: 'default', body: configMap('crud-dry'), dryRun: 'All' });
    expect(dry.metadata?.uid).toBeDefined();
    expect((await failure(cluster.core.readNamespacedConfigMap({ name: 'crud-dry', namespace: 'default' }))).code).toBe(404);
    const made = await cluster.core.createNamespacedConfigMap({ namespace: 'default', body: configMap('crud-dry', { a: '1' }) });
    const replaced = await cluster.core.replaceNamespacedConfigMap({ name: 'crud-dry', namespace: 'default', body: { ...made, data: { a: '2' } }, dryRun: 'All' });
    expect(replaced.data).toEqual({ a: '2' });
    await cluster.core.deleteNamespacedConfigMap({ name: 'crud-dry', namespace: 'default', dryRun: 'All' });
    const still = await cluster.core.readNamespacedConfigMap({ name: 'crud-dry', namespace: 'default' });
    expect(still.data).toEqual({ a: '1' });
    expect(still.metadata?.resourceVersion).toBe(made.metadata?.resourceVersion);
    expect((await failure(cluster.core.createNamespacedConfigMap({ namespace: 'default', body: configMap('crud-dry2'), dryRun: 'Some' }))).code).toBe(400);
  });
});
