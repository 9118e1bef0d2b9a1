/**
 * The Knative Service workload against the emulator and the world's Knative Serving, through the real kube
 * client: the primary is the pinned Revision, the canary the latest created one, promotion and restore re-pin,
 * readiness follows each Revision's Ready condition, scaling is Knative's own.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Canary } from '../../shared/api/types.ts';
import { createKubeClient, type KnativeService, type KubeClient, type KubeObject } from '../../shared/kube/index.ts';
import { KnativeServiceWorkload, ServiceWorkload, createWorkload, knativeTemplateHash, specContains, type PodTemplateSpec } from '../../shared/workload/index.ts';
import { ROUTER_KINDS, crdFor } from '../../sim/crds/index.ts';
import { createClusterState, startEmulator, type Emulator } from '../../sim/emulator/index.ts';
import { createWorld } from '../../sim/world/index.ts';

const V0 = 'ghcr.io/stefanprodan/podinfo:6.0.0';
const V1 = 'ghcr.io/stefanprodan/podinfo:6.0.1';
const KSVC = { apiVersion: 'serving.knative.dev/v1', kind: 'Service', namespace: 'test', name: 'podinfo' };
const revisionRef = (name: string) => ({ apiVersion: 'serving.knative.dev/v1', kind: 'Revision', namespace: 'test', name });
const NOW = { now: new Date('2026-01-01T00:10:00Z') };

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.stop();
  emulator = undefined;
});

interface Setup {
  readonly kube: KubeClient;
  readonly workload: KnativeServiceWorkload;
  /** Moves the virtual clock a minute and lets Knative Serving work. */
  tick(): void;
}

async function setUp(images: Record<string, { readyAfterTicks?: number }> = {}, traffic?: unknown[]): Promise<Setup> {
  let now = Date.parse('2026-01-01T00:00:00Z');
  const clock = { now: () => new Date(now) };
  const state = createClusterState({ clock });
  emulator = await startEmulator({ state, clock, crds: (ROUTER_KINDS['knative'] ?? []).map(crdFor) });
  const world = createWorld({ state, clock, images });
  const kube = createKubeClient({ kubeconfig: emulator.kubeconfig() });
  await kube.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'test' } });
  await kube.create({ apiVersion: KSVC.apiVersion, kind: 'Service', metadata: { name: 'podinfo', namespace: 'test' }, spec: { template: { spec: { containers: [{ image: V0 }] } }, ...(traffic ? { traffic } : {}) } });
  const tick = () => {
    now += 60_000;
    world.tick(new Date(now));
  };
  tick();
  return { kube, workload: new KnativeServiceWorkload({ kube }), tick };
}

const canary = {
  apiVersion: 'flagger.app/v1beta1',
  kind: 'Canary',
  metadata: { name: 'podinfo', namespace: 'test' },
  spec: { provider: 'knative', targetRef: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'podinfo' }, analysis: { interval: '1m', threshold: 5, maxWeight: 50, stepWeight: 10 } },
} as unknown as Canary;

const service = async (kube: KubeClient) => (await kube.get<KnativeService>(KSVC)) as KnativeService & { status: { observedGeneration?: number } };
const pinned = async (kube: KubeClient) => (await service(kube)).metadata.annotations?.['flagger.app/primary-revision'];
const newImage = (kube: KubeClient, image: string) => kube.patch(KSVC, 'merge', { spec: { template: { spec: { containers: [{ image }] } } } });

describe('the Knative Service workload', () => {
  it('is what the factory builds for a serving.knative.dev/v1 Service, a Kubernetes Service staying a Service target', async () => {
    const kube = {} as KubeClient;
    expect(createWorkload('Service', { kube }, 'serving.knative.dev/v1')).toBeInstanceOf(KnativeServiceWorkload);
    expect(createWorkload('Service', { kube }, 'v1')).toBeInstanceOf(ServiceWorkload);
    expect(createWorkload('Service', { kube })).toBeInstanceOf(ServiceWorkload);
  });

  it('initializes by pinning the latest created Revision once, keeping the user\'s own traffic to give back', async () => {
    const own = [{ tag: 'stable', revisionName: 'podinfo-00001', percent: 100 }];
    const s = await setUp({}, own);
    expect((await s.workload.observe(canary)).primary).toMatchObject({ exists: false, readiness: { kind: 'wait', reason: 'Knative Service podinfo.test has no flagger.app/primary-revision annotation yet' } });

    const first = await s.workload.initialize(canary);
    expect(first).toMatchObject({ created: true, revision: { settings: { revisionName: 'podinfo-00001' }, trackedConfigs: {} } });
    expect(await pinned(s.kube)).toBe('podinfo-00001');
    expect(JSON.parse((await service(s.kube)).metadata.annotations?.['fledge.dev/original-traffic'] ?? '')).toEqual(own);

    await newImage(s.kube, V1);
    s.tick();
    expect(await s.workload.initialize(canary)).toMatchObject({ created: false, revision: { settings: { revisionName: 'podinfo-00001' } } });
    expect(await pinned(s.kube)).toBe('podinfo-00001');
  });

  it('observes the pinned Revision as the primary and the latest one as the canary, ready by their Ready condition', async () => {
    const s = await setUp({ [V1]: { readyAfterTicks: 2 } });
    await s.workload.initialize(canary);
    const before = await s.workload.observe(canary, NOW);
    expect(before.primary).toEqual({ exists: true, readiness: { kind: 'ready' }, expected: { kind: 'reached' }, replicas: 1, availableReplicas: 1, updateDisruptive: false });

    await newImage(s.kube, V1);
    s.tick();
    const during = await s.workload.observe(canary, NOW);
    expect(during.target).toMatchObject({ exists: true, readiness: { kind: 'wait', reason: 'Knative Revision podinfo-00002.test is not ready' }, replicas: 1, availableReplicas: 0 });
    expect(during.target.templateHash).not.toBe(before.target.templateHash);
    expect(during.target.template).toEqual({ spec: { containers: [{ image: V1 }] } });
    expect(during.primary.readiness).toEqual({ kind: 'ready' });
    s.tick();
    s.tick();
    expect((await s.workload.observe(canary, NOW)).target).toMatchObject({ readiness: { kind: 'ready' }, expected: { kind: 'reached' }, availableReplicas: 1 });
  });

  it('hashes the template only: a traffic change is no new revision, a template change is', async () => {
    const s = await setUp();
    const hash = await s.workload.targetHash(canary);
    await s.kube.patch(KSVC, 'merge', { spec: { traffic: [{ latestRevision: true, percent: 100 }] } });
    expect(await s.workload.targetHash(canary)).toBe(hash);
    await newImage(s.kube, V1);
    expect(await s.workload.targetHash(canary)).toBe(knativeTemplateHash(await service(s.kube)));
    expect(await s.workload.targetHash(canary)).not.toBe(hash);
  });

  it('waits while Knative has not reconciled the current template, whose Revision may not exist yet', async () => {
    const s = await setUp();
    await newImage(s.kube, V1);
    const current = await service(s.kube);
    expect(current.status.observedGeneration).toBeLessThan(current.metadata.generation ?? 0);

    expect((await s.workload.observe(canary, NOW)).target.readiness).toEqual({ kind: 'wait', reason: `Knative Service podinfo.test generation ${current.metadata.generation} is not reconciled yet` });
  });

  it('fails a Revision Knative gave up on (Ready False), naming its reason', async () => {
    const s = await setUp();
    await newImage(s.kube, 'ghcr.io/stefanprodan/podinfo:missing');
    s.tick();
    const revision = await s.kube.get<KubeObject>(revisionRef('podinfo-00002'));
    const status = { conditions: [{ type: 'Ready', status: 'False', reason: 'ContainerMissing', message: 'Unable to fetch image' }] };
    await s.kube.replace({ ...(revision as KubeObject), status }, { subresource: 'status' });

    expect(await s.workload.isCanaryReady(canary)).toEqual({ kind: 'failed', reason: 'Knative Revision podinfo-00002.test failed: ContainerMissing: Unable to fetch image' });
  });

  it('promotes by pinning the latest created Revision; the primary reaches the promoted revision once pinned and ready', async () => {
    const s = await setUp();
    const initial = await s.workload.initialize(canary);
    await newImage(s.kube, V1);
    s.tick();
    expect(await s.workload.primaryExpectedState(canary, { ...initial.revision, settings: { revisionName: 'podinfo-00002' } })).toEqual({ kind: 'pending', reason: 'the primary revision is podinfo-00001, not podinfo-00002' });

    const promoted = await s.workload.promote(canary);

    expect(await pinned(s.kube)).toBe('podinfo-00002');
    expect(promoted.settings).toEqual({ revisionName: 'podinfo-00002' });
    expect(await s.workload.primaryExpectedState(canary, promoted)).toEqual({ kind: 'reached' });
  });

  it('restores the primary by re-pinning: the stored Revision, or the newest one running a bare template', async () => {
    const s = await setUp();
    const initial = await s.workload.initialize(canary);
    await newImage(s.kube, V1);
    s.tick();
    await s.workload.promote(canary);

    expect(await s.workload.restorePrimary(canary, initial.revision)).toEqual({ warnings: [] });
    expect(await pinned(s.kube)).toBe('podinfo-00001');
    expect(await s.workload.restorePrimary(canary, { spec: { containers: [{ image: V1 }] } } as PodTemplateSpec)).toEqual({ warnings: [] });
    expect(await pinned(s.kube)).toBe('podinfo-00002');
    expect(await s.workload.restorePrimary(canary, { spec: { containers: [{ image: 'other' }] } } as PodTemplateSpec)).toEqual({
      warnings: ['no Revision of Knative Service podinfo.test runs the revision to restore; the primary revision was left as it is'],
    });
    expect(await pinned(s.kube)).toBe('podinfo-00002');
  });

  it('finds the Revision of a template whose spec Knative defaulted (fields added), preferring an exact match', async () => {
    const s = await setUp();
    await s.workload.initialize(canary);
    await newImage(s.kube, V1);
    s.tick();
    await s.workload.promote(canary);
    const first = (await s.kube.get<KubeObject>(revisionRef('podinfo-00001'))) as KubeObject;
    await s.kube.replace({ ...first, spec: { containerConcurrency: 0, timeoutSeconds: 300, containers: [{ name: 'user-container', image: V0, readinessProbe: { successThreshold: 1 } }] } });

    expect(await s.workload.restorePrimary(canary, { spec: { containers: [{ image: V0 }] } } as PodTemplateSpec)).toEqual({ warnings: [] });
    expect(await pinned(s.kube)).toBe('podinfo-00001');
    expect(specContains({ containers: [{ name: 'user-container', image: V0 }] }, { containers: [{ image: V0 }] })).toBe(true);
    expect(specContains({ containers: [{ image: V0 }, { image: V1 }] }, { containers: [{ image: V0 }] })).toBe(false);
    expect(specContains({ containers: [{ image: V1 }] }, { containers: [{ image: V0 }] })).toBe(false);
  });

  it('re-pins a vanished primary Revision to the tested template\'s Revision, never to an untested newer one', async () => {
    const s = await setUp();
    const initial = await s.workload.initialize(canary);
    await newImage(s.kube, V1);
    s.tick();
    await s.kube.patch(KSVC, 'merge', { metadata: { annotations: { 'flagger.app/primary-revision': 'podinfo-gone' } } });
    expect((await s.workload.observe(canary, NOW)).primary.exists).toBe(false);

    expect(await s.workload.initialize(canary, { template: initial.revision.template })).toMatchObject({ created: true, warnings: [] });
    expect(await pinned(s.kube)).toBe('podinfo-00001');
    await s.kube.patch(KSVC, 'merge', { metadata: { annotations: { 'flagger.app/primary-revision': 'podinfo-gone' } } });
    const none = await s.workload.initialize(canary, { template: { spec: { containers: [{ image: 'never-deployed' }] } } as PodTemplateSpec });
    expect(none.warnings).toEqual(['no Revision of Knative Service podinfo.test runs the promoted template any more; the primary was not pinned']);
    expect(await pinned(s.kube)).toBe('podinfo-gone');
  });

  it('leaves scaling to Knative: scaling to and from zero writes nothing', async () => {
    const s = await setUp();
    await s.workload.initialize(canary);
    const before = await service(s.kube);
    await s.workload.scaleToZero();
    expect(await s.workload.scaleFromZero()).toBe(0);
    expect((await service(s.kube)).metadata.resourceVersion).toBe(before.metadata.resourceVersion);
  });
});
