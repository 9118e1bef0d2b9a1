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

let seq = 0;
async function fresh(): Promise<string> {
  const name = `patch-${++seq}`;
  await cluster.apps.createNamespacedDeployment({ namespace: 'default', body: deployment(name) });
  return name;
}

function patchDeployment(name: string, body: unknown, contentType: string) {
  return cluster.apps.patchNamespacedDeployment({ name, namespace: 'default', body }, patchAs(contentType));
}

describe('PATCH content types', () => {
  it('applies a JSON patch (RFC 6902) including a passing test operation', async () => {
    const name = await fresh();
    const out = await patchDeployment(
      name,
      [
        { op: 'test', path: '/spec/replicas', value: 2 },
        { op: 'replace', path: '/spec/replicas', value: 3 },
        { op: 'add', path: '/metadata/annotations', value: { 'a/b': 'c' } },
        { op: 'copy', from: '/metadata/annotations/a~1b', path: '/metadata/labels/copied' },
        { op: 'remove', path: '/spec/template/spec/containers/0/env' },
      ],
      PatchStrategy.JsonPatch,
    );
    expect(out.spec?.replicas).toBe(3);
    expect(out.metadata?.annotations).toEqual({ 'a/b': 'c' });
    expect(out.metadata?.labels?.['copied']).toBe('c');
    expect(out.spec?.template.spec?.containers[0]?.env).toBeUndefined();
  });

  it('answers a failing JSON patch test with 422 and leaves the object unchanged', async () => {
    const name = await fresh();
    const before = await cluster.apps.readNamespacedDeployment({ name, namespace: 'default' });
    const { code, status } = await failure(patchDeployment(name, [{ op: 'test', path: '/spec/replicas', value: 9 }, { op: 'replace', path: '/spec/replicas', value: 1 }], PatchStrategy.JsonPatch));
    expect(code).toBe(422);
    expect(status).toMatchObject({ kind: 'Status', reason: 'Invalid', message: expect.stringContaining('testing value /spec/replicas failed') });
    const after = await cluster.apps.readNamespacedDeployment({ name, namespace: 'default' });
    expect(after.metadata?.resourceVersion).toBe(before.metadata?.resourceVersion);
  });

  it('answers a JSON object sent as a JSON patch with 400', async () => {
    const name = await fresh();
    const { code, status } = await failure(patchDeployment(name, { spec: { replicas: 1 } }, PatchStrategy.JsonPatch));
    expect(code).toBe(400);
    expect(status).toMatchObject({ reason: 'BadRequest' });
  });

  it('applies a merge patch (RFC 7386): maps merge, null deletes, lists are replaced', async () => {
    const name = await fresh();
    const out = await patchDeployment(
      name,
      { metadata: { labels: { app: null, team: 'a' } }, spec: { template: { spec: { containers: [{ name: 'other', image: 'busybox' }] } } } },
      PatchStrategy.MergePatch,
    );
    expect(out.metadata?.labels).toEqual({ team: 'a' });
    expect(out.spec?.template.spec?.containers.map((c) => c.name)).toEqual(['other']);
  });

  it('merges containers, env, ports and volumeMounts by their merge keys under a strategic merge patch', async () => {
    const name = await fresh();
    const out = await patchDeployment(
      name,
      {
        spec: {
          template: {
            spec: {
              containers: [
                { name: 'app', image: 'podinfo:2', env: [{ name: 'B', value: '2' }], ports: [{ containerPort: 9797, name: 'metrics' }], volumeMounts: [{ name: 'v', mountPath: '/data' }] },
                { name: 'sidecar', image: 'envoy' },
              ],
              volumes: [{ name: 'v', emptyDir: {} }],
            },
          },
        },
      },
      PatchStrategy.StrategicMergePatch,
    );
    const containers = out.spec?.template.spec?.containers ?? [];
    expect(containers.map((c) => `${c.name}=${c.image}`)).toEqual(['app=podinfo:2', 'sidecar=envoy']);
    expect(containers[0]?.env?.map((e) => e.name)).toEqual(['A', 'B']);
    expect(containers[0]?.ports?.map((p) => p.containerPort)).toEqual([9898, 9797]);
    expect(containers[0]?.volumeMounts?.map((m) => m.mountPath)).toEqual(['/data']);
    expect(out.spec?.template.spec?.volumes?.map((v) => v.name)).toEqual(['v']);
  });

  it('deletes a list element with $patch: delete and drops keys outside $retainKeys', async () => {
    const name = await fresh();
    await patchDeployment(name, { spec: { template: { spec: { containers: [{ name: 'sidecar', image: 'envoy' }] } } } }, PatchStrategy.StrategicMergePatch);
    const out = await patchDeployment(
      name,
      {
        spec: {
          strategy: { $retainKeys: ['type'], type: 'Recreate' },
          template: { spec: { containers: [{ name: 'sidecar', $patch: 'delete' }, { name: 'app', env: [{ name: 'A', $patch: 'delete' }] }] } },
        },
      },
      PatchStrategy.StrategicMergePatch,
    );
    expect(out.spec?.template.spec?.containers.map((c) => c.name)).toEqual(['app']);
    expect(out.spec?.template.spec?.containers[0]?.env).toEqual([]);
    expect(out.spec?.strategy).toEqual({ type: 'Recreate' });
  });

  it('merges service ports by port', async () => {
    await cluster.core.createNamespacedService({ namespace: 'default', body: { metadata: { name: 'patch-svc' }, spec: { selector: { app: 'x' }, ports: [{ name: 'http', port: 80, targetPort: 9898 }] } } });
    const out = await cluster.core.patchNamespacedService(
      { name: 'patch-svc', namespace: 'default', body: { spec: { ports: [{ port: 80, targetPort: 8080 }, { name: 'grpc', port: 9999 }] } } },
      patchAs(PatchStrategy.StrategicMergePatch),
    );
    expect(out.spec?.ports?.map((p) => `${p.name}:${p.port}->${p.targetPort}`)).toEqual(['http:80->8080', 'grpc:9999->9999']);
  });

  it.each([
    ['text/plain', 415],
    ['application/json', 415],
  ])('answers PATCH with content type %s with %i', async (contentType, expected) => {
    const name = await fresh();
    const { code, status } = await failure(patchDeployment(name, { spec: { replicas: 1 } }, contentType));
    expect(code).toBe(expected);
    expect(status).toMatchObject({ reason: 'UnsupportedMediaType' });
  });

  it('answers a patch carrying a stale resourceVersion with 409 Conflict', async () => {
    const name = await fresh();
    const { code, status } = await failure(patchDeployment(name, { metadata: { resourceVersion: '1' }, spec: { replicas: 4 } }, PatchStrategy.MergePatch));
    expect(code).toBe(409);
    expect(status).toMatchObject({ reason: 'Conflict' });
  });

  it('ignores status in a patch to the main resource and applies only status through /status', async () => {
    const name = await fresh();
    const main = await patchDeployment(name, { spec: { replicas: 5 }, status: { replicas: 5 } }, PatchStrategy.MergePatch);
    expect(main.status).toBeUndefined();
    const status = await cluster.apps.patchNamespacedDeploymentStatus(
      { name, namespace: 'default', body: { spec: { replicas: 1 }, status: { replicas: 4, readyReplicas: 3 } } },
      patchAs(PatchStrategy.MergePatch),
    );
    expect(status.status).toMatchObject({ replicas: 4, readyReplicas: 3 });
    expect(status.spec?.replicas).toBe(5);
  });
});
