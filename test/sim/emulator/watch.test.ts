import { Watch, makeInformer } from '@kubernetes/client-node';
import type { V1ConfigMap } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configMap, startCluster } from './harness.ts';
import type { Cluster } from './harness.ts';

let cluster: Cluster;
beforeAll(async () => {
  cluster = await startCluster();
  await cluster.core.createNamespace({ body: { metadata: { name: 'watched' } } });
});
afterAll(async () => {
  await cluster.emulator.stop();
});

interface Seen {
  type: string;
  name: string;
  rv: string;
}

async function until(check: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('watch', () => {
  it('streams ADDED, MODIFIED and DELETED events from a resourceVersion, with a label selector', async () => {
    const start = await cluster.core.listNamespacedConfigMap({ namespace: 'watched' });
    const seen: Seen[] = [];
    const watch = new Watch(cluster.kc);
    const controller = await watch.watch(
      '/api/v1/namespaces/watched/configmaps',
      { resourceVersion: start.metadata?.resourceVersion, labelSelector: 'team=a' },
      (type, object: V1ConfigMap) => seen.push({ type, name: object.metadata?.name ?? '', rv: object.metadata?.resourceVersion ?? '' }),
      () => {},
    );
    const made = await cluster.core.createNamespacedConfigMap({ namespace: 'watched', body: { ...configMap('w1', {}, 'watched'), metadata: { name: 'w1', namespace: 'watched', labels: { team: 'a' } } } });
    await cluster.core.createNamespacedConfigMap({ namespace: 'watched', body: configMap('unlabelled', {}, 'watched') });
    await cluster.core.replaceNamespacedConfigMap({ name: 'w1', namespace: 'watched', body: { ...made, data: { x: '1' } } });
    await cluster.core.deleteNamespacedConfigMap({ name: 'w1', namespace: 'watched' });
    await until(() => seen.length >= 3);
    controller.abort();
    expect(seen.map((s) => `${s.type} ${s.name}`)).toEqual(['ADDED w1', 'MODIFIED w1', 'DELETED w1']);
    expect(new Set(seen.map((s) => s.rv)).size).toBe(3);
  });

  it('replays changes made before the watch started when given an older resourceVersion', async () => {
    const start = await cluster.core.listNamespacedConfigMap({ namespace: 'watched' });
    await cluster.core.createNamespacedConfigMap({ namespace: 'watched', body: configMap('early', {}, 'watched') });
    const seen: string[] = [];
    const controller = await new Watch(cluster.kc).watch(
      '/api/v1/namespaces/watched/configmaps',
      { resourceVersion: start.metadata?.resourceVersion },
      (type, object: V1ConfigMap) => seen.push(`${type} ${object.metadata?.name}`),
      () => {},
    );
    await until(() => seen.length >= 1);
    controller.abort();
    expect(seen).toEqual(['ADDED early']);
  });

  it('sends a 410 Expired ERROR event for a resourceVersion older than the kept history', async () => {
    const start = await cluster.core.listNamespacedConfigMap({ namespace: 'watched' });
    await cluster.core.createNamespacedConfigMap({ namespace: 'watched', body: configMap('compacted', {}, 'watched') });
    cluster.emulator.compact();
    const seen: Array<{ type: string; object: Record<string, unknown> }> = [];
    let finished = false;
    await new Watch(cluster.kc).watch(
      '/api/v1/namespaces/watched/configmaps',
      { resourceVersion: start.metadata?.resourceVersion },
      (type, object: Record<string, unknown>) => seen.push({ type, object }),
      () => (finished = true),
    );
    await until(() => finished);
    expect(seen).toEqual([{ type: 'ERROR', object: expect.objectContaining({ kind: 'Status', code: 410, reason: 'Expired' }) }]);
  });

  it('keeps a client-node informer in sync (list, then watch)', async () => {
    const informer = makeInformer<V1ConfigMap>(cluster.kc, '/api/v1/namespaces/watched/configmaps', () => cluster.core.listNamespacedConfigMap({ namespace: 'watched' }));
    await informer.start();
    await cluster.core.createNamespacedConfigMap({ namespace: 'watched', body: configMap('informed', { a: '1' }, 'watched') });
    await until(() => informer.get('informed', 'watched') !== undefined);
    await cluster.core.patchNamespacedConfigMap({ name: 'informed', namespace: 'watched', body: [{ op: 'replace', path: '/data/a', value: '2' }] });
    await until(() => informer.get('informed', 'watched')?.data?.['a'] === '2');
    await informer.stop();
    expect(informer.get('informed', 'watched')?.data).toEqual({ a: '2' });
  });
});
