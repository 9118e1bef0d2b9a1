import { describe, expect, it } from 'vitest';
import {
  KubeApiError,
  KubeConflictError,
  KubeInvalidError,
  KubeNotFoundError,
  KubeUnavailableError,
  KubeUnknownKindError,
  type KubeObject,
  type PatchType,
} from '../../shared/kube/index.ts';
import { kubeForFile, TRANSPORTS } from './harness.ts';

describe.each(TRANSPORTS)('over the %s transport', (transport) => {
  const h = kubeForFile(transport);

  const configMap = (name: string, data: Record<string, string> = { a: '1' }, labels: Record<string, string> = {}): KubeObject => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: 'test', labels },
    data,
  });

  const deployment = (name: string): KubeObject => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'test' },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: 'podinfo:1', env: [{ name: 'A', value: '1' }] }] } },
    },
  });

  const ref = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'test', name });

  async function rejection(call: Promise<unknown>): Promise<unknown> {
    try {
      await call;
    } catch (error) {
      return error;
    }
    throw new Error('expected the call to fail');
  }

  describe('HttpKubeClient over the emulator', () => {
    it('reads back what it created, with the server-set metadata', async () => {
      const made = await h.kube.create(configMap('read-back'));
      const read = await h.kube.get(ref('read-back'));
      expect(read?.metadata.uid).toBe(made.metadata.uid);
      expect(read?.['data']).toEqual({ a: '1' });
    });

    it('returns undefined for an object that does not exist', async () => {
      expect(await h.kube.get(ref('nowhere'))).toBeUndefined();
    });

    it('reports a taken name as a conflict with reason AlreadyExists', async () => {
      await h.kube.create(configMap('taken'));
      const error = await rejection(h.kube.create(configMap('taken')));
      expect(error).toBeInstanceOf(KubeConflictError);
      expect((error as KubeConflictError).alreadyExists).toBe(true);
      expect((error as KubeConflictError).message).toMatch(/^create ConfigMap test\/taken: .*already exists \(HTTP 409 AlreadyExists\)$/);
    });

    it('reports a stale resourceVersion as a conflict that is not AlreadyExists', async () => {
      const made = await h.kube.create(configMap('stale'));
      await h.kube.replace({ ...made, data: { a: '2' } });
      const error = await rejection(h.kube.replace({ ...made, data: { a: '3' } }));
      expect(error).toBeInstanceOf(KubeConflictError);
      expect((error as KubeConflictError).reason).toBe('Conflict');
      expect((error as KubeConflictError).alreadyExists).toBe(false);
    });

    it('reports a write to a missing object as not found', async () => {
      const error = await rejection(h.kube.patch(ref('missing'), 'merge', { data: { a: '1' } }));
      expect(error).toBeInstanceOf(KubeNotFoundError);
      expect((error as KubeNotFoundError).message).toContain('patch ConfigMap test/missing');
    });

    it('reports a validation failure with the offending fields', async () => {
      const bad = { ...TEST_BAD_CRD };
      const error = await rejection(h.kube.create(bad));
      expect(error).toBeInstanceOf(KubeInvalidError);
      expect((error as KubeInvalidError).status).toBe(422);
      expect((error as KubeInvalidError).causes.map((c) => c.field)).toContain('metadata.name');
    });

    it.each([
      [500, KubeUnavailableError],
      [503, KubeUnavailableError],
      [429, KubeUnavailableError],
      [403, KubeApiError],
      [400, KubeApiError],
    ])('translates HTTP %i into %o', async (code, type) => {
      h.emulator.faults.add({ verb: 'get', resource: 'configmaps' }, { type: 'status', code });
      const error = await rejection(h.kube.get(ref('anything')));
      expect(error).toBeInstanceOf(type);
      expect((error as KubeApiError).status).toBe(code);
      if (type === KubeApiError) {
        expect(error).not.toBeInstanceOf(KubeUnavailableError);
        expect(error).not.toBeInstanceOf(KubeNotFoundError);
      }
    });

    it('reports a dropped connection as unavailable', async () => {
      h.emulator.faults.add({ verb: 'get', resource: 'configmaps' }, { type: 'reset' });
      const error = await rejection(h.kube.get(ref('anything')));
      expect(error).toBeInstanceOf(KubeUnavailableError);
      expect((error as KubeUnavailableError).reason).toBe('Unreachable');
    });

    it('reports a request that gets no answer in time as unavailable', async () => {
      const impatient = await h.client({ timeoutMs: 200 });
      h.emulator.faults.add({ verb: 'get', resource: 'configmaps' }, { type: 'timeout' });
      const error = await rejection(impatient.get(ref('anything')));
      expect(error).toBeInstanceOf(KubeUnavailableError);
      expect((error as KubeUnavailableError).reason).toBe('Timeout');
    });

    it.each<[PatchType, unknown, string]>([
      ['merge', { data: { b: '2' } }, 'application/merge-patch+json'],
      ['json', [{ op: 'add', path: '/data/b', value: '2' }], 'application/json-patch+json'],
      ['strategic', { data: { b: '2' } }, 'application/strategic-merge-patch+json'],
      ['apply', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'PLACEHOLDER', namespace: 'test' }, data: { a: '1', b: '2' } }, 'application/apply-patch+yaml'],
    ])('patches with %s under its content type', async (type, body, contentType) => {
      const name = `patch-${type}`;
      await h.kube.create(configMap(name));
      const patch = type === 'apply' ? { ...(body as KubeObject), metadata: { name, namespace: 'test' } } : body;
      h.emulator.requestLog.length = 0;
      const patched = await h.kube.patch(ref(name), type, patch, type === 'apply' ? { force: true } : {});
      expect(patched['data']).toEqual({ a: '1', b: '2' });
      expect(h.emulator.requestLog.map((r) => r.contentType)).toEqual([contentType]);
    });

    it('lists by label selector across pages', async () => {
      for (let i = 0; i < 5; i++) await h.kube.create(configMap(`paged-${i}`, { i: String(i) }, { group: 'paged' }));
      await h.kube.create(configMap('paged-other', {}, { group: 'other' }));
      h.counter.reset();
      const items = await h.kube.list('v1', 'ConfigMap', { namespace: 'test', labelSelector: 'group=paged', pageSize: 2 });
      expect(items.map((i) => i.metadata.name).sort()).toEqual(['paged-0', 'paged-1', 'paged-2', 'paged-3', 'paged-4']);
      expect(items.every((i) => i.kind === 'ConfigMap' && i.apiVersion === 'v1')).toBe(true);
      expect(h.counter.counts().list).toBe(3);
    });

    it('lists across all namespaces with an empty namespace', async () => {
      await h.kube.create({ ...configMap('everywhere'), metadata: { name: 'everywhere', namespace: 'default' } });
      await h.kube.create(configMap('everywhere'));
      const items = await h.kube.list('v1', 'ConfigMap', { namespace: '', fieldSelector: 'metadata.name=everywhere' });
      expect(items.map((i) => i.metadata.namespace).sort()).toEqual(['default', 'test']);
    });

    it('deletes idempotently: true the first time, false once gone', async () => {
      await h.kube.create(configMap('doomed'));
      expect(await h.kube.delete(ref('doomed'))).toBe(true);
      expect(await h.kube.delete(ref('doomed'))).toBe(false);
    });

    it('writes the status subresource without touching the spec', async () => {
      await h.kube.create(deployment('with-status'));
      const dref = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'test', name: 'with-status' };
      await h.kube.patch(dref, 'merge', { status: { replicas: 2, readyReplicas: 1 } }, { subresource: 'status' });
      const read = await h.kube.get(dref);
      expect(read?.['status']).toMatchObject({ replicas: 2, readyReplicas: 1 });
      expect((read?.['spec'] as { replicas: number }).replicas).toBe(2);
    });

    it('maps known kinds without discovery and discovers other kinds once', async () => {
      await h.kube.get(ref('anything'));
      expect(h.counter.counts().discover).toBe(0);
      // A group the emulator does not serve (it serves rbac.authorization.k8s.io since `fledge crds` applies RBAC).
      const widget = { apiVersion: 'example.com/v1', kind: 'Widget', namespace: 'test', name: 'w' };
      const error = await rejection(h.kube.get(widget));
      expect(error).toBeInstanceOf(KubeUnknownKindError);
      expect(h.counter.counts().discover).toBe(1);
    });

    it('counts requests per verb through the hook', async () => {
      await h.kube.create(configMap('counted'));
      await h.kube.get(ref('counted'));
      await h.kube.get(ref('counted'));
      await h.kube.patch(ref('counted'), 'merge', { data: { z: '1' } });
      expect(h.counter.counts()).toMatchObject({ create: 1, get: 2, patch: 1, replace: 0, delete: 0, list: 0 });
      expect(h.counter.requests().map((r) => r.status)).toEqual([201, 200, 200, 200]);
    });

    it('creates a v1 Event in the namespace it names', async () => {
      const event = await h.kube.createEvent({ apiVersion: 'v1', kind: 'Event', metadata: { name: 'podinfo.1', namespace: 'test' }, message: 'hello', reason: 'Synced', type: 'Normal', involvedObject: { kind: 'Canary', name: 'podinfo', namespace: 'test' } });
      expect(event.metadata.uid).toBeTruthy();
      expect((await h.kube.list('v1', 'Event', { namespace: 'test' })).map((e) => e['message'])).toContain('hello');
    });
  });

  const TEST_BAD_CRD: KubeObject = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'wrong-name' },
    spec: {
      group: 'example.com',
      scope: 'Namespaced',
      names: { plural: 'widgets', kind: 'Widget' },
      versions: [{ name: 'v1', served: true, storage: true }],
    },
  };
});
