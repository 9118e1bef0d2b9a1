import { PatchStrategy } from '@kubernetes/client-node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { routerCrds } from '../../../sim/crds/index.ts';
import { configMap, failure, patchAs, startCluster } from './harness.ts';
import type { Cluster } from './harness.ts';

let cluster: Cluster;
beforeAll(async () => {
  cluster = await startCluster({ crds: routerCrds(['istio']) });
  await cluster.custom.createNamespacedCustomObject({
    group: 'networking.istio.io',
    version: 'v1beta1',
    namespace: 'default',
    plural: 'virtualservices',
    body: { apiVersion: 'networking.istio.io/v1beta1', kind: 'VirtualService', metadata: { name: 'podinfo' }, spec: { hosts: ['podinfo'], http: [] } },
  });
});
afterAll(async () => {
  await cluster.emulator.stop();
});
beforeEach(() => {
  cluster.emulator.faults.clear();
  cluster.emulator.counters.reset();
  cluster.emulator.requestLog.length = 0;
});

function setWeight(weight: number) {
  return cluster.custom.patchNamespacedCustomObject(
    { group: 'networking.istio.io', version: 'v1beta1', namespace: 'default', plural: 'virtualservices', name: 'podinfo', body: { spec: { http: [{ route: [{ weight }] }] } } },
    patchAs(PatchStrategy.MergePatch),
  );
}

describe('instrumentation', () => {
  it('logs each request with verb, path, content type and status', async () => {
    await setWeight(10);
    await failure(cluster.core.readNamespacedConfigMap({ name: 'absent', namespace: 'default' }));
    expect(cluster.emulator.requestLog).toEqual([
      expect.objectContaining({ verb: 'patch', method: 'PATCH', path: '/apis/networking.istio.io/v1beta1/namespaces/default/virtualservices/podinfo', contentType: 'application/merge-patch+json', status: 200, resource: 'virtualservices' }),
      expect.objectContaining({ verb: 'get', path: '/api/v1/namespaces/default/configmaps/absent', status: 404, resource: 'configmaps', name: 'absent' }),
    ]);
  });

  it('counts requests by verb and resource', async () => {
    await setWeight(10);
    await setWeight(20);
    await cluster.core.listNamespacedConfigMap({ namespace: 'default' });
    expect(cluster.emulator.counters.get('patch', 'virtualservices')).toBe(2);
    expect(cluster.emulator.counters.snapshot()).toEqual({ 'list configmaps': 1, 'patch virtualservices': 2 });
    expect(cluster.emulator.counters.total()).toBe(3);
  });

  it('answers the 3rd PATCH to virtualservices with an injected 500, and only that one', async () => {
    const fault = cluster.emulator.faults.add({ verb: 'patch', resource: 'virtualservices', nth: 3 }, { type: 'status', code: 500 });
    await setWeight(10);
    await setWeight(20);
    const third = await failure(setWeight(30));
    await setWeight(40);
    expect(third.code).toBe(500);
    expect(third.status).toMatchObject({ kind: 'Status', reason: 'InternalError', code: 500 });
    expect(fault.fired).toBe(1);
    const vs = await cluster.custom.getNamespacedCustomObject({ group: 'networking.istio.io', version: 'v1beta1', namespace: 'default', plural: 'virtualservices', name: 'podinfo' });
    expect(vs.spec.http[0].route[0].weight).toBe(40);
  });

  it('commits the write but loses the answer with afterCommit', async () => {
    cluster.emulator.faults.add({ verb: 'create', resource: 'configmaps' }, { type: 'status', code: 503, reason: 'ServiceUnavailable', afterCommit: true });
    const { code } = await failure(cluster.core.createNamespacedConfigMap({ namespace: 'default', body: configMap('lost-answer') }));
    expect(code).toBe(503);
    const stored = await cluster.core.readNamespacedConfigMap({ name: 'lost-answer', namespace: 'default' });
    expect(stored.metadata?.name).toBe('lost-answer');
  });

  it('resets the connection on a reset fault', async () => {
    cluster.emulator.faults.add({ verb: 'get', resource: 'configmaps' }, { type: 'reset' });
    await expect(cluster.core.readNamespacedConfigMap({ name: 'x', namespace: 'default' })).rejects.toThrow();
    expect(cluster.emulator.requestLog.at(-1)?.status).toBe(0);
  });

  it('never answers on a timeout fault', async () => {
    cluster.emulator.faults.add({ path: /\/configmaps\/slow$/ }, { type: 'timeout' });
    const outcome = await fetch(`${cluster.emulator.url}/api/v1/namespaces/default/configmaps/slow`, { signal: AbortSignal.timeout(200) }).then(
      () => 'answered',
      (error: Error) => error.name,
    );
    expect(outcome).toBe('TimeoutError');
  });

  it('delays every request by the injected latency', async () => {
    cluster.emulator.faults.setLatency(120);
    const started = performance.now();
    await cluster.core.listNamespacedConfigMap({ namespace: 'default' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(115);
    expect(cluster.emulator.requestLog.at(-1)?.durationMs).toBeGreaterThanOrEqual(115);
  });
});

describe('the request log', () => {
  it('keeps only the most recent requests, so a long run stays bounded', async () => {
    const small = await startCluster({ requestLogLimit: 20 });
    try {
      for (let i = 0; i < 100; i++) await small.core.readNamespace({ name: 'default' });
      await small.core.listNamespacedConfigMap({ namespace: 'default' });

      expect(small.emulator.requestLog.length).toBeLessThanOrEqual(22);
      expect(small.emulator.requestLog.length).toBeGreaterThanOrEqual(20);
      expect(small.emulator.requestLog.at(-1)).toMatchObject({ verb: 'list', resource: 'configmaps' });
      // The counters still count every request.
      expect(small.emulator.counters.get('get', 'namespaces')).toBe(100);
    } finally {
      await small.emulator.stop();
    }
  });
});
