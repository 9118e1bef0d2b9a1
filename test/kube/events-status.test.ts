import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import {
  EventRecorder,
  KubeConfigError,
  buildEvent,
  createKubeClient,
  kubeConfigFromString,
  mirrorCanaryStatus,
  promotedCondition,
  statusPatch,
  type MirroredCanary,
  type StatusMirror,
} from '../../shared/kube/index.ts';
import { kubeForFile, TRANSPORTS } from './harness.ts';

describe.each(TRANSPORTS)('over the %s transport', (transport) => {
  const h = kubeForFile(transport);

  const canary = (status?: MirroredCanary['status']): MirroredCanary & { metadata: { name: string; namespace: string } } => ({
    apiVersion: 'flagger.app/v1beta1',
    kind: 'Canary',
    metadata: { name: 'podinfo', namespace: 'test' },
    spec: { targetRef: { kind: 'Deployment' } },
    ...(status ? { status } : {}),
  });

  const mirror = (over: Partial<StatusMirror> = {}): StatusMirror => ({
    phase: 'Progressing',
    canaryWeight: 10,
    failedChecks: 1,
    iterations: 0,
    lastAppliedSpec: 'abc',
    lastPromotedSpec: 'def',
    lastTransitionTime: new Date('2026-01-01T00:03:00Z'),
    ...over,
  });

  describe('events', () => {
    it('builds a Flagger-style event: reason Synced, involved Canary, client-go style name', () => {
      const involved = { apiVersion: 'flagger.app/v1beta1', kind: 'Canary', metadata: { name: 'podinfo', namespace: 'test', uid: 'u-1' } };
      const event = buildEvent(involved, { type: 'Warning', message: 'Halt podinfo.test advancement' }, new Date('2026-01-01T00:01:00.123Z'), 2);
      expect(event).toMatchObject({
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: `podinfo.${(1767225660123n * 1_000_000n + 2n).toString(16)}`, namespace: 'test' },
        involvedObject: { apiVersion: 'flagger.app/v1beta1', kind: 'Canary', name: 'podinfo', namespace: 'test', uid: 'u-1' },
        reason: 'Synced',
        type: 'Warning',
        message: 'Halt podinfo.test advancement',
        source: { component: 'fledge' },
        firstTimestamp: '2026-01-01T00:01:00Z',
        count: 1,
      });
    });

    it('records events that kubectl would list for the Canary, two in the same millisecond included', async () => {
      const recorder = new EventRecorder(h.kube);
      const involved = { apiVersion: 'flagger.app/v1beta1', kind: 'Canary', metadata: { name: 'recorded', namespace: 'test' } };
      const now = new Date('2026-01-01T00:02:00Z');
      await recorder.record(involved, { type: 'Normal', message: 'Initialization done! recorded.test' }, now);
      await recorder.record(involved, { type: 'Normal', message: 'New revision detected! Scaling up recorded.test' }, now);
      const events = await h.kube.list('v1', 'Event', { namespace: 'test' });
      const mine = events.filter((e) => (e['involvedObject'] as { name: string }).name === 'recorded');
      expect(mine.map((e) => e['message'])).toEqual(['Initialization done! recorded.test', 'New revision detected! Scaling up recorded.test']);
    });
  });

  describe('status mirror', () => {
    it.each([
      ['Initialized', 'True', 'Deployment initialization completed.'],
      ['Progressing', 'Unknown', 'New revision detected, progressing canary analysis.'],
      ['Succeeded', 'True', 'Canary analysis completed successfully, promotion finished.'],
      ['Failed', 'False', 'Canary analysis failed, Deployment scaled to zero.'],
    ])('writes the Promoted condition of phase %s with Flagger wording', (phase, status, message) => {
      const condition = promotedCondition(canary(), phase, new Date('2026-01-01T00:05:00Z'));
      expect(condition).toEqual({ type: 'Promoted', status, reason: phase, message, lastUpdateTime: '2026-01-01T00:05:00Z', lastTransitionTime: '2026-01-01T00:05:00Z' });
    });

    it('leaves an identical condition alone and keeps the transition time when only the reason changes', () => {
      const now = new Date('2026-01-01T00:05:00Z');
      const current = { type: 'Promoted', status: 'Unknown', reason: 'Progressing', lastTransitionTime: '2026-01-01T00:01:00Z' };
      expect(promotedCondition(canary({ conditions: [current] }), 'Progressing', now)).toBeUndefined();
      expect(promotedCondition(canary({ conditions: [current] }), 'Promoting', now)?.lastTransitionTime).toBe('2026-01-01T00:01:00Z');
    });

    it('nulls tracked configs that disappeared, since a merge patch merges maps', () => {
      const patch = statusPatch(canary({ trackedConfigs: { 'configmap/old': 'x', 'configmap/kept': 'y' } }), mirror({ trackedConfigs: { 'configmap/kept': 'z' } }), new Date());
      expect(patch.status['trackedConfigs']).toEqual({ 'configmap/kept': 'z', 'configmap/old': null });
    });

    it('mirrors the state to the /status subresource with one request', async () => {
      await h.kube.create({
        apiVersion: 'flagger.app/v1beta1',
        kind: 'Canary',
        metadata: { name: 'podinfo', namespace: 'test' },
        spec: { targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo' }, service: { port: 9898 }, analysis: { interval: '1m', threshold: 5, maxWeight: 50, stepWeight: 10 } },
      });
      h.counter.reset();
      await mirrorCanaryStatus(h.kube, canary(), mirror({ trackedConfigs: { 'configmap/a': '1' } }), new Date('2026-01-01T00:04:00Z'));
      expect(h.counter.total).toBe(1);
      const read = await h.kube.get({ apiVersion: 'flagger.app/v1beta1', kind: 'Canary', namespace: 'test', name: 'podinfo' });
      expect(read?.['status']).toMatchObject({
        phase: 'Progressing',
        canaryWeight: 10,
        failedChecks: 1,
        iterations: 0,
        lastAppliedSpec: 'abc',
        lastPromotedSpec: 'def',
        lastTransitionTime: '2026-01-01T00:03:00Z',
        trackedConfigs: { 'configmap/a': '1' },
        conditions: [{ type: 'Promoted', status: 'Unknown', reason: 'Progressing' }],
      });
    });
  });

  describe('client construction', () => {
    it('names the contexts it knows when asked for another', () => {
      expect(() => kubeConfigFromString(h.emulator.kubeconfig(), 'prod')).toThrow(new KubeConfigError('kubeconfig: context "prod" not found; expected one of: fledge-emulator'));
    });

    it('sends the token provider’s bearer token on every request (the EKS seam)', async () => {
      const seen: string[] = [];
      const server = createServer((req, res) => {
        seen.push(req.headers.authorization ?? '');
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'test' } }));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        let n = 0;
        const kube = createKubeClient({
          cluster: { server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, skipTlsVerify: true, tokenProvider: { token: async () => `k8s-aws-v1.token-${++n}` } },
        });
        await kube.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'test', name: 'x' });
        await kube.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'test', name: 'x' });
        expect(seen).toEqual(['Bearer k8s-aws-v1.token-1', 'Bearer k8s-aws-v1.token-2']);
      } finally {
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    });
  });
});
