/**
 * `npx fledge crds | kubectl apply -f -` works against the emulator as the README promises for a real
 * cluster: the CRDs and the controller's RBAC (rbac.authorization.k8s.io: stored and validated, not
 * enforced) are applied through client-node from the command's own output, and read back.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { RbacAuthorizationV1Api, type KubernetesObject } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { failure, startCluster, type Cluster } from './harness.ts';

const REPO = new URL('../../..', import.meta.url).pathname;
let cluster: Cluster;
let manifests: KubernetesObject[];

beforeAll(async () => {
  cluster = await startCluster();
  const { stdout } = await promisify(execFile)('node_modules/.bin/node', ['cli/bin.js', 'crds'], { cwd: REPO });
  manifests = parseAllDocuments(stdout).map((doc) => doc.toJS() as KubernetesObject).filter((o) => o !== null);
});
afterAll(() => cluster.emulator.stop());

describe('the emulator serves rbac.authorization.k8s.io', () => {
  it('accepts every object `fledge crds` prints, twice (create, then server-side apply)', async () => {
    expect(manifests.map((o) => o.kind)).toEqual(expect.arrayContaining(['CustomResourceDefinition', 'ClusterRole', 'ClusterRoleBinding']));
    for (const object of manifests) await cluster.objects.create(object);
    for (const object of manifests) await cluster.objects.patch(object, undefined, undefined, 'fledge-test', true, 'application/apply-patch+yaml');

    const rbac = cluster.kc.makeApiClient(RbacAuthorizationV1Api);
    const roles = manifests.filter((o) => o.kind === 'ClusterRole');
    for (const role of roles) {
      const stored = await rbac.readClusterRole({ name: role.metadata?.name as string });
      expect(stored.rules).toEqual((role as { rules?: unknown }).rules);
    }
    const bindings = await rbac.listClusterRoleBinding();
    expect(bindings.items.map((b) => b.metadata?.name)).toEqual(expect.arrayContaining(manifests.filter((o) => o.kind === 'ClusterRoleBinding').map((o) => o.metadata?.name)));
  });

  it('stores namespaced Roles and RoleBindings, and validates them as the API server does', async () => {
    const rbac = cluster.kc.makeApiClient(RbacAuthorizationV1Api);
    await cluster.core.createNamespace({ body: { metadata: { name: 'team-a' } } });
    await rbac.createNamespacedRole({ namespace: 'team-a', body: { metadata: { name: 'reader' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] } });
    await rbac.createNamespacedRoleBinding({
      namespace: 'team-a',
      body: { metadata: { name: 'reader' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' }, subjects: [{ kind: 'Group', name: 'devs', apiGroup: 'rbac.authorization.k8s.io' }] },
    });
    expect((await rbac.listNamespacedRoleBinding({ namespace: 'team-a' })).items.map((b) => b.roleRef.name)).toEqual(['reader']);

    const refused = await failure(rbac.createNamespacedRoleBinding({ namespace: 'team-a', body: { metadata: { name: 'broken' }, subjects: [] } as never }));
    expect(refused.code).toBe(422);
  });
});
