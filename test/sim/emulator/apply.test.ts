import { PatchStrategy } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployment, failure, patchAs, startCluster } from './harness.ts';
import type { Cluster } from './harness.ts';

let cluster: Cluster;
beforeAll(async () => {
  cluster = await startCluster();
});
afterAll(async () => {
  await cluster.emulator.stop();
});

function apply(body: unknown, fieldManager: string, force?: boolean) {
  const name = (body as { metadata: { name: string } }).metadata.name;
  return cluster.apps.patchNamespacedDeployment({ name, namespace: 'default', body, fieldManager, ...(force !== undefined ? { force } : {}) }, patchAs(PatchStrategy.ServerSideApply));
}

interface Entry {
  manager: string;
  operation: string;
  fieldsV1: Record<string, unknown>;
}

describe('server-side apply', () => {
  it('creates the object when absent and records the applier as its manager', async () => {
    const made = await apply(deployment('ssa-new'), 'fledge');
    expect(made.metadata?.uid).toBeDefined();
    const entries = made.metadata?.managedFields as unknown as Entry[];
    expect(entries).toEqual([expect.objectContaining({ manager: 'fledge', operation: 'Apply', fieldsType: 'FieldsV1' })]);
    expect(entries[0]?.fieldsV1).toMatchObject({ 'f:spec': { 'f:replicas': {}, 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"app"}': { '.': {}, 'f:image': {} } } } } } });
  });

  it('answers 409 with field causes when another manager owns a field with a different value, and force takes it over', async () => {
    await apply(deployment('ssa-conflict'), 'fledge');
    await cluster.apps.patchNamespacedDeployment({ name: 'ssa-conflict', namespace: 'default', body: { spec: { replicas: 5 } }, fieldManager: 'hpa-controller' }, patchAs(PatchStrategy.MergePatch));
    const { code, status } = await failure(apply(deployment('ssa-conflict'), 'fledge'));
    expect(code).toBe(409);
    expect(status).toMatchObject({ reason: 'Conflict', message: 'Apply failed with 1 conflict: conflict with "hpa-controller" using apps/v1: .spec.replicas' });
    expect((status['details'] as { causes: unknown[] }).causes).toEqual([{ reason: 'FieldManagerConflict', message: 'conflict with "hpa-controller" using apps/v1', field: '.spec.replicas' }]);
    const forced = await apply(deployment('ssa-conflict'), 'fledge', true);
    expect(forced.spec?.replicas).toBe(2);
    const hpa = (forced.metadata?.managedFields as unknown as Entry[]).find((e) => e.manager === 'hpa-controller');
    expect(hpa?.fieldsV1?.['f:spec']).toBeUndefined();
  });

  it('shares a field with another manager that set the same value, without conflict', async () => {
    await apply(deployment('ssa-shared'), 'a');
    const second = await apply(deployment('ssa-shared'), 'b');
    const managers = (second.metadata?.managedFields as unknown as Entry[]).map((e) => e.manager).sort();
    expect(managers).toEqual(['a', 'b']);
  });

  it('removes fields the applier set before and no longer sets', async () => {
    const first = deployment('ssa-remove');
    first.metadata!.labels = { app: 'ssa-remove', stale: 'yes' };
    await apply(first, 'fledge');
    const second = await apply(deployment('ssa-remove'), 'fledge');
    expect(second.metadata?.labels).toEqual({ app: 'ssa-remove' });
  });

  it('merges containers by name instead of replacing the list', async () => {
    await apply(deployment('ssa-merge'), 'fledge');
    const sidecar = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'ssa-merge' }, spec: { template: { spec: { containers: [{ name: 'sidecar', image: 'envoy' }] } } } };
    const merged = await apply(sidecar, 'mesh-injector');
    expect(merged.spec?.template.spec?.containers.map((c) => c.name)).toEqual(['app', 'sidecar']);
  });

  it('requires a field manager', async () => {
    const { code } = await failure(cluster.apps.patchNamespacedDeployment({ name: 'ssa-x', namespace: 'default', body: deployment('ssa-x') }, patchAs(PatchStrategy.ServerSideApply)));
    expect(code).toBe(400);
  });
});
