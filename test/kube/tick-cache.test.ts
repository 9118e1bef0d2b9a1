/**
 * The tick's read cache over the real client and the emulator: what it saves is counted in requests the
 * client really sent, and what it must never do (serve a read older than a write of the same tick) is
 * checked against what the emulator holds.
 */
import { describe, expect, it } from 'vitest';
import { KubeConflictError, KubeUnavailableError, withTickCache, type KubeClient, type KubeObject, type ObjectRef } from '../../shared/kube/index.ts';
import { kubeForFile, TRANSPORTS } from './harness.ts';

describe.each(TRANSPORTS)('over the %s transport', (transport) => {
  const h = kubeForFile(transport);

  let serial = 0;
  /** A ConfigMap of a name no other test uses, created outside the cache (not counted). */
  async function given(data: Record<string, string> = { v: '1' }): Promise<ObjectRef> {
    const name = `cached-${++serial}`;
    await h.kube.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'test' }, data });
    h.counter.reset();
    return { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'test', name };
  }

  function dataOf(object: KubeObject | undefined): unknown {
    return object?.['data'];
  }

  describe('withTickCache', () => {
    it('sends repeated GETs of one object once, and GETs of other objects and subresources each once', async () => {
      const a = await given();
      const b = await given();
      const deployment: ObjectRef = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'test', name: 'scaled' };
      await h.kube.create({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'scaled', namespace: 'test' },
        spec: { replicas: 2, selector: { matchLabels: { app: 'scaled' } }, template: { metadata: { labels: { app: 'scaled' } }, spec: { containers: [{ name: 'app', image: 'app:1' }] } } },
      });
      h.counter.reset();
      const kube = withTickCache(h.kube);

      for (let i = 0; i < 3; i++) {
        expect(dataOf(await kube.get(a))).toEqual({ v: '1' });
        await kube.get(b);
        await kube.get(deployment);
        await kube.get(deployment, { subresource: 'scale' });
      }

      expect(h.counter.counts().get).toBe(4);
    });

    it('passes raw path reads through uncached, with their query, and answers a 404 as undefined', async () => {
      const kube = withTickCache(h.kube);

      const first = (await kube.getPath?.('/api/v1/namespaces/test/configmaps', { labelSelector: 'absent=yes' })) as { kind?: string; items?: unknown[] };
      await kube.getPath?.('/api/v1/namespaces/test/configmaps', { labelSelector: 'absent=yes' });

      expect(first).toMatchObject({ kind: 'ConfigMapList', items: [] });
      expect(h.counter.counts().get).toBe(2);
      expect(await kube.getPath?.('/apis/no.such.group/v1/things')).toBeUndefined();
      expect(h.emulator.requestLog.at(-2)).toMatchObject({ path: '/api/v1/namespaces/test/configmaps', query: '?labelSelector=absent%3Dyes' });
      await expect(kube.getPath?.('api/v1')).rejects.toThrow('getPath: path must start with "/"');
    });

    it('shares one request between concurrent GETs of the same object', async () => {
      const ref = await given();
      const kube = withTickCache(h.kube);

      const reads = await Promise.all([kube.get(ref), kube.get(ref), kube.get(ref)]);

      expect(reads.map(dataOf)).toEqual([{ v: '1' }, { v: '1' }, { v: '1' }]);
      expect(h.counter.counts().get).toBe(1);
    });

    it('gives every caller its own copy, so editing one read changes no other', async () => {
      const ref = await given();
      const kube = withTickCache(h.kube);

      const first = await kube.get(ref);
      (first?.['data'] as Record<string, string>)['v'] = 'edited';
      const second = await kube.get(ref);

      expect(dataOf(second)).toEqual({ v: '1' });
    });

    it('caches absence until the object is created through it', async () => {
      const ref: ObjectRef = { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'test', name: `absent-${++serial}` };
      const kube = withTickCache(h.kube);

      expect(await kube.get(ref)).toBeUndefined();
      expect(await kube.get(ref)).toBeUndefined();
      expect(h.counter.counts().get).toBe(1);
      await kube.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: ref.name, namespace: 'test' }, data: { v: 'new' } });

      expect(dataOf(await kube.get(ref))).toEqual({ v: 'new' });
      expect(h.counter.counts().get).toBe(2);
    });

    it.each<{ verb: string; write: (kube: KubeClient, ref: ObjectRef, read: KubeObject) => Promise<unknown>; after: unknown }>([
      { verb: 'replace', write: (kube, _ref, read) => kube.replace({ ...read, data: { v: '2' } }), after: { v: '2' } },
      { verb: 'merge patch', write: (kube, ref) => kube.patch(ref, 'merge', { data: { v: '3' } }), after: { v: '3' } },
      { verb: 'json patch', write: (kube, ref) => kube.patch(ref, 'json', [{ op: 'replace', path: '/data/v', value: '4' }]), after: { v: '4' } },
      { verb: 'delete', write: (kube, ref) => kube.delete(ref), after: undefined },
    ])('serves the read after a $verb in the same tick from the server, with the write in it', async ({ write, after }) => {
      const ref = await given();
      const kube = withTickCache(h.kube);
      const read = (await kube.get(ref)) as KubeObject;

      await write(kube, ref, read);
      const again = await kube.get(ref);

      expect(dataOf(again)).toEqual(after);
      expect(h.counter.counts().get).toBe(2);
    });

    it('drops a read that named the object without its namespace when a write names it with one', async () => {
      // The client's default namespace is `default`: the ref without one reads the same object.
      const name = `defaulted-${++serial}`;
      await h.kube.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data: { v: '1' } });
      const kube = withTickCache(h.kube);
      expect(dataOf(await kube.get({ apiVersion: 'v1', kind: 'ConfigMap', name }))).toEqual({ v: '1' });

      await kube.patch({ apiVersion: 'v1', kind: 'ConfigMap', name, namespace: 'default' }, 'merge', { data: { v: '2' } });

      expect(dataOf(await kube.get({ apiVersion: 'v1', kind: 'ConfigMap', name }))).toEqual({ v: '2' });
    });

    it('reads afresh after a write that failed, so a read-modify-write retried on conflict can succeed', async () => {
      // Prepare: the tick read the object, then another writer changed it.
      const ref = await given();
      const kube = withTickCache(h.kube);
      const stale = (await kube.get(ref)) as KubeObject;
      await h.kube.patch(ref, 'merge', { data: { v: 'theirs' } });

      // Act: the stale write loses, the retry reads again.
      const conflict = await kube.replace({ ...stale, data: { v: 'ours' } }).catch((error: unknown) => error);
      const fresh = (await kube.get(ref)) as KubeObject;
      await kube.replace({ ...fresh, data: { ...(fresh['data'] as object), mine: 'yes' } });

      // Assess
      expect(conflict).toBeInstanceOf(KubeConflictError);
      expect(dataOf(fresh)).toEqual({ v: 'theirs' });
      expect(dataOf(await h.kube.get(ref))).toEqual({ v: 'theirs', mine: 'yes' });
    });

    it('does not keep a read that was sent while a write of the same object was in flight', async () => {
      const ref = await given();
      const kube = withTickCache(h.kube);
      const before = (await kube.get(ref)) as KubeObject;
      h.emulator.faults.add({ verb: 'update', resource: 'configmaps', name: ref.name }, { type: 'delay', ms: 100 });

      const writing = kube.replace({ ...before, data: { v: 'written' } });
      await new Promise((resolve) => setTimeout(resolve, 20));
      const during = await kube.get(ref);
      await writing;
      const after = await kube.get(ref);

      expect(dataOf(during)).toEqual({ v: '1' });
      expect(dataOf(after)).toEqual({ v: 'written' });
    });

    it('does not cache a GET that failed', async () => {
      const ref = await given();
      const kube = withTickCache(h.kube);
      h.emulator.faults.add({ verb: 'get', resource: 'configmaps', name: ref.name }, { type: 'status', code: 503 });

      await expect(kube.get(ref)).rejects.toBeInstanceOf(KubeUnavailableError);
      expect(dataOf(await kube.get(ref))).toEqual({ v: '1' });
      expect(h.counter.counts().get).toBe(2);
    });

    it('sends every list', async () => {
      await given();
      const kube = withTickCache(h.kube);

      await kube.list('v1', 'ConfigMap', { namespace: 'test' });
      await kube.list('v1', 'ConfigMap', { namespace: 'test' });

      expect(h.counter.counts().list).toBe(2);
    });

    it('keeps nothing from one cache to the next: a new tick reads what changed since', async () => {
      const ref = await given();
      await withTickCache(h.kube).get(ref);
      await h.kube.patch(ref, 'merge', { data: { v: 'later' } });

      expect(dataOf(await withTickCache(h.kube).get(ref))).toEqual({ v: 'later' });
    });
  });
});
