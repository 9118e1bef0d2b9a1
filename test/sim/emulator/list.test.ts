import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configMap, failure, startCluster } from './harness.ts';
import type { Cluster } from './harness.ts';

let cluster: Cluster;
beforeAll(async () => {
  cluster = await startCluster();
  await cluster.core.createNamespace({ body: { metadata: { name: 'lists' } } });
  await cluster.core.createNamespace({ body: { metadata: { name: 'other' } } });
  const labelled: Array<[string, Record<string, string>]> = [
    ['a', { app: 'web', tier: 'front' }],
    ['b', { app: 'web', tier: 'back' }],
    ['c', { app: 'api' }],
    ['d', {}],
    ['e', { app: 'db', tier: 'back' }],
  ];
  for (const [name, labels] of labelled) {
    await cluster.core.createNamespacedConfigMap({ namespace: 'lists', body: { ...configMap(name, {}, 'lists'), metadata: { name, namespace: 'lists', labels } } });
  }
  await cluster.core.createNamespacedConfigMap({ namespace: 'other', body: { ...configMap('a', {}, 'other'), metadata: { name: 'a', namespace: 'other', labels: { app: 'web' } } } });
});
afterAll(async () => {
  await cluster.emulator.stop();
});

async function names(labelSelector?: string, fieldSelector?: string): Promise<string[]> {
  const list = await cluster.core.listNamespacedConfigMap({ namespace: 'lists', ...(labelSelector ? { labelSelector } : {}), ...(fieldSelector ? { fieldSelector } : {}) });
  return list.items.map((i) => i.metadata?.name ?? '');
}

describe('list', () => {
  it.each([
    ['app=web', ['a', 'b']],
    ['app==web', ['a', 'b']],
    ['app!=web', ['c', 'd', 'e']],
    ['app in (web,api)', ['a', 'b', 'c']],
    ['app notin (web,api)', ['d', 'e']],
    ['tier', ['a', 'b', 'e']],
    ['!tier', ['c', 'd']],
    ['app=web,tier=back', ['b']],
    ['tier in (back),app notin (db)', ['b']],
  ])('selects by label selector %s', async (selector, expected) => {
    expect(await names(selector)).toEqual(expected);
  });

  it('selects by metadata.name and metadata.namespace field selectors', async () => {
    expect(await names(undefined, 'metadata.name=c')).toEqual(['c']);
    expect(await names(undefined, 'metadata.name!=c')).toEqual(['a', 'b', 'd', 'e']);
    const all = await cluster.core.listConfigMapForAllNamespaces({ fieldSelector: 'metadata.namespace=other' });
    expect(all.items.map((i) => `${i.metadata?.namespace}/${i.metadata?.name}`)).toEqual(['other/a']);
  });

  it('answers an unsupported field selector and a malformed label selector with 400', async () => {
    expect((await failure(cluster.core.listNamespacedConfigMap({ namespace: 'lists', fieldSelector: 'data.x=1' }))).code).toBe(400);
    expect((await failure(cluster.core.listNamespacedConfigMap({ namespace: 'lists', labelSelector: 'app in web' }))).code).toBe(400);
  });

  it('gives the list the resourceVersion of the latest write', async () => {
    const made = await cluster.core.createNamespacedConfigMap({ namespace: 'other', body: configMap('rv-probe', {}, 'other') });
    const list = await cluster.core.listNamespacedConfigMap({ namespace: 'lists' });
    expect(list.metadata?.resourceVersion).toBe(made.metadata?.resourceVersion);
  });

  it('pages with limit and continue, consistently at the first page resourceVersion', async () => {
    const first = await cluster.core.listNamespacedConfigMap({ namespace: 'lists', limit: 2 });
    expect(first.items.map((i) => i.metadata?.name)).toEqual(['a', 'b']);
    expect(first.metadata?.remainingItemCount).toBe(3);
    await cluster.core.createNamespacedConfigMap({ namespace: 'lists', body: configMap('bb', {}, 'lists') });
    await cluster.core.deleteNamespacedConfigMap({ name: 'e', namespace: 'lists' });
    const second = await cluster.core.listNamespacedConfigMap({ namespace: 'lists', limit: 2, _continue: first.metadata?._continue ?? '' });
    const third = await cluster.core.listNamespacedConfigMap({ namespace: 'lists', limit: 2, _continue: second.metadata?._continue ?? '' });
    expect([...second.items, ...third.items].map((i) => i.metadata?.name)).toEqual(['c', 'd', 'e']);
    expect(third.metadata?._continue).toBeUndefined();
    expect(second.metadata?.resourceVersion).toBe(first.metadata?.resourceVersion);
    const fresh = await names();
    expect(fresh).toEqual(['a', 'b', 'bb', 'c', 'd']);
  });

  it('answers an expired continue token with 410 Expired and a garbage one with 400', async () => {
    const first = await cluster.core.listNamespacedConfigMap({ namespace: 'lists', limit: 1 });
    await cluster.core.createNamespacedConfigMap({ namespace: 'lists', body: configMap('after-compaction', {}, 'lists') });
    cluster.emulator.compact();
    const expired = await failure(cluster.core.listNamespacedConfigMap({ namespace: 'lists', limit: 1, _continue: first.metadata?._continue ?? '' }));
    expect(expired.code).toBe(410);
    expect(expired.status).toMatchObject({ kind: 'Status', reason: 'Expired', code: 410 });
    const garbage = await failure(cluster.core.listNamespacedConfigMap({ namespace: 'lists', limit: 1, _continue: 'not-a-token' }));
    expect(garbage.code).toBe(400);
  });
});
