/**
 * Knative Serving in the simulated world (a Revision per template generation, `status.traffic` following
 * `spec.traffic` once the Revisions are ready) and the Knative router over it, through the real kube client.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Canary } from '../../shared/api/types.ts';
import { createKubeClient } from '../../shared/kube/index.ts';
import type { KubeClient, KubeObject } from '../../shared/kube/types.ts';
import {
  KnativeRouter,
  ORIGINAL_TRAFFIC_ANNOTATION,
  PRIMARY_REVISION_ANNOTATION,
  createRouter,
  knativeTraffic,
  managedTraffic,
  readKnativeTraffic,
  type RouterDeps,
  type TrafficTarget,
} from '../../shared/routers/index.ts';
import { ROUTER_KINDS, crdFor } from '../../sim/crds/index.ts';
import { createClusterState, startEmulator, type Emulator } from '../../sim/emulator/index.ts';
import { createWorld, type World } from '../../sim/world/index.ts';

const V0 = 'ghcr.io/stefanprodan/podinfo:6.0.0';
const V1 = 'ghcr.io/stefanprodan/podinfo:6.0.1';
const KSVC = { apiVersion: 'serving.knative.dev/v1', kind: 'Service', namespace: 'test', name: 'podinfo' };

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.stop();
  emulator = undefined;
});

interface Setup {
  readonly kube: KubeClient;
  readonly world: World;
  /** Moves the virtual clock a minute and runs the world. */
  tick(): void;
}

async function setUp(images: Record<string, { readyAfterTicks?: number; neverReady?: boolean }> = {}): Promise<Setup> {
  let now = Date.parse('2026-01-01T00:00:00Z');
  const clock = { now: () => new Date(now) };
  const state = createClusterState({ clock });
  emulator = await startEmulator({ state, clock, crds: (ROUTER_KINDS['knative'] ?? []).map(crdFor) });
  const world = createWorld({ state, clock, images });
  const kube = createKubeClient({ kubeconfig: emulator.kubeconfig() });
  await kube.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'test' } });
  return {
    kube,
    world,
    tick: () => {
      now += 60_000;
      world.tick(new Date(now));
    },
  };
}

const service = (image: string, traffic?: unknown[]): KubeObject =>
  ({ apiVersion: KSVC.apiVersion, kind: 'Service', metadata: { name: 'podinfo', namespace: 'test' }, spec: { template: { spec: { containers: [{ image }] } }, ...(traffic ? { traffic } : {}) } }) as KubeObject;

const canary: Canary = {
  apiVersion: 'flagger.app/v1beta1',
  kind: 'Canary',
  metadata: { name: 'podinfo', namespace: 'test', uid: 'uid-podinfo' },
  spec: { provider: 'knative', targetRef: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'podinfo' }, analysis: { interval: '1m', threshold: 5, maxWeight: 50, stepWeight: 10 } },
} as unknown as Canary;

const statusOf = async (kube: KubeClient) => (await kube.get<KubeObject>(KSVC))?.['status'] as { latestCreatedRevisionName?: string; latestReadyRevisionName?: string; traffic?: unknown[] };
const newImage = (kube: KubeClient, image: string) => kube.patch(KSVC, 'merge', { spec: { template: { spec: { containers: [{ image }] } } } });

describe('Knative Serving in the world', () => {
  it('makes a Revision per template generation and routes status.traffic once they are ready', async () => {
    const s = await setUp({ [V1]: { readyAfterTicks: 2 } });
    await s.kube.create(service(V0));
    s.tick();
    expect(await statusOf(s.kube)).toMatchObject({ latestCreatedRevisionName: 'podinfo-00001', latestReadyRevisionName: 'podinfo-00001', traffic: [{ latestRevision: true, percent: 100, revisionName: 'podinfo-00001' }] });

    await newImage(s.kube, V1);
    await s.kube.patch(KSVC, 'merge', { spec: { traffic: [{ latestRevision: true, percent: 10 }, { revisionName: 'podinfo-00001', percent: 90 }] } });
    s.tick();

    // podinfo-00002 is not ready: "latest" is still the latest ready revision, podinfo-00001.
    expect(await statusOf(s.kube)).toMatchObject({
      latestCreatedRevisionName: 'podinfo-00002',
      latestReadyRevisionName: 'podinfo-00001',
      traffic: [{ latestRevision: true, percent: 10, revisionName: 'podinfo-00001' }, { revisionName: 'podinfo-00001', percent: 90 }],
    });
    s.tick();
    s.tick();
    expect((await statusOf(s.kube)).traffic).toEqual([
      { latestRevision: true, percent: 10, revisionName: 'podinfo-00002' },
      { revisionName: 'podinfo-00001', percent: 90 },
    ]);
    const revision = await s.kube.get<KubeObject>({ apiVersion: KSVC.apiVersion, kind: 'Revision', namespace: 'test', name: 'podinfo-00002' });
    expect(revision?.['spec']).toEqual({ containers: [{ image: V1 }] });
  });
});

describe('Knative\'s autoscaler in the world', () => {
  it('runs a pod for a routed or starting Revision and scales a ready one without traffic to zero; the summaries show it', async () => {
    const s = await setUp({ [V1]: { readyAfterTicks: 1 } });
    await s.kube.create(service(V0, [{ revisionName: 'podinfo-00001', percent: 100 }]));
    s.tick();
    await newImage(s.kube, V1);
    s.tick();
    const scale = async (name: string) => (await s.kube.get<KubeObject>({ apiVersion: KSVC.apiVersion, kind: 'Revision', namespace: 'test', name }))?.['status'];
    // Starting: one pod wanted, none ready yet.
    expect(await scale('podinfo-00002')).toMatchObject({ desiredReplicas: 1, actualReplicas: 0 });
    expect(s.world.workloadSummary('test', 'podinfo')).toEqual({ kind: 'Revision', replicas: 1, readyReplicas: 0, image: V1 });
    s.tick();
    // Ready without traffic: scaled to zero; the routed Revision keeps its pod.
    expect(await scale('podinfo-00002')).toMatchObject({ desiredReplicas: 0, actualReplicas: 0 });
    expect(s.world.revisionSummary('test', 'podinfo-00001')).toEqual({ kind: 'Revision', replicas: 1, readyReplicas: 1, image: V0 });
    await s.kube.patch(KSVC, 'merge', { spec: { traffic: [{ latestRevision: true, percent: 10 }, { revisionName: 'podinfo-00001', percent: 90 }] } });
    s.tick();
    expect(await scale('podinfo-00002')).toMatchObject({ desiredReplicas: 1, actualReplicas: 1 });
  });
});

describe('the Knative router', () => {
  const deps = (kube: KubeClient): RouterDeps => ({ kube, targetMetadata: () => Promise.reject(new Error('Knative needs no target metadata')) });

  it('pins the primary revision, splits spec.traffic, reads status.traffic only once Knative routes it, and unpins on finalize', async () => {
    const s = await setUp({ [V1]: { readyAfterTicks: 1 } });
    const router = new KnativeRouter(deps(s.kube));
    await s.kube.create(service(V0, [{ tag: 'stable', revisionName: 'podinfo-00001', percent: 100 }]));
    expect(await router.reconcile(canary)).toEqual({ kind: 'pending', reason: 'Knative Service podinfo.test has no revision yet' });
    s.tick();

    await router.reconcile(canary);
    const pinned = await s.kube.get<KubeObject>(KSVC);
    expect(pinned?.metadata.annotations?.[PRIMARY_REVISION_ANNOTATION]).toBe('podinfo-00001');
    expect(JSON.parse(pinned?.metadata.annotations?.[ORIGINAL_TRAFFIC_ANNOTATION] ?? '')).toEqual([{ tag: 'stable', revisionName: 'podinfo-00001', percent: 100 }]);
    // The user's split becomes Flagger's two entries, everything on the pinned primary.
    expect((pinned?.['spec'] as { traffic: unknown }).traffic).toEqual([{ latestRevision: true, percent: 0 }, { revisionName: 'podinfo-00001', percent: 100 }]);

    await newImage(s.kube, V1);
    await router.setRoutes(canary, { primary: 80, canary: 20, mirrored: false });
    expect(((await s.kube.get<KubeObject>(KSVC))?.['spec'] as { traffic: unknown }).traffic).toEqual([{ latestRevision: true, percent: 20 }, { revisionName: 'podinfo-00001', percent: 80 }]);
    s.tick();
    // The canary revision is not ready yet: its 20% still reaches the primary revision.
    expect(await router.getRoutes(canary)).toEqual({ ok: true, primary: 100, canary: 0, mirrored: false, matched: null });
    s.tick();
    expect(await router.getRoutes(canary)).toEqual({ ok: true, primary: 80, canary: 20, mirrored: false, matched: null });

    // Reconciling again keeps the split in flight.
    await router.reconcile(canary);
    const reconciled = await s.kube.get<KubeObject>(KSVC);
    expect(reconciled?.metadata.annotations?.[PRIMARY_REVISION_ANNOTATION]).toBe('podinfo-00001');
    expect((reconciled?.['spec'] as { traffic: unknown }).traffic).toEqual([{ latestRevision: true, percent: 20 }, { revisionName: 'podinfo-00001', percent: 80 }]);
    await router.finalize(canary);
    const restored = await s.kube.get<KubeObject>(KSVC);
    expect(restored?.metadata.annotations?.[PRIMARY_REVISION_ANNOTATION]).toBeUndefined();
    expect((restored?.['spec'] as { traffic: unknown }).traffic).toEqual([{ tag: 'stable', revisionName: 'podinfo-00001', percent: 100 }]);
  });

  it('refuses a match or a mirror, which Knative cannot route', async () => {
    const s = await setUp();
    await s.kube.create(service(V0));
    s.tick();
    const router = new KnativeRouter(deps(s.kube));
    await router.reconcile(canary);

    await expect(router.setRoutes(canary, { primary: 100, canary: 0, mirrored: true })).rejects.toThrow('Knative Service podinfo.test: Knative routes by percent only (no match, no mirror)');
  });
});

describe('Knative traffic, rendered and read', () => {
  const ksvc = (annotations: Record<string, string>, status: { latestCreatedRevisionName?: string; traffic?: TrafficTarget[] }) =>
    ({ apiVersion: KSVC.apiVersion, kind: 'Service', metadata: { name: 'podinfo', namespace: 'test', annotations }, status }) as KubeObject;
  const pin = { [PRIMARY_REVISION_ANNOTATION]: 'podinfo-00001' };

  it.each<[string, { primary: number; canary: number }, TrafficTarget[]]>([
    ['all on the primary', { primary: 100, canary: 0 }, [{ latestRevision: true, percent: 0 }, { revisionName: 'podinfo-00001', percent: 100 }]],
    ['a step', { primary: 70, canary: 30 }, [{ latestRevision: true, percent: 30 }, { revisionName: 'podinfo-00001', percent: 70 }]],
    ['all on the canary', { primary: 0, canary: 100 }, [{ latestRevision: true, percent: 100 }, { revisionName: 'podinfo-00001', percent: 0 }]],
  ])('renders %s as the latest Revision then the pinned primary, as Flagger writes them', (_name, routes, traffic) => {
    expect(knativeTraffic('podinfo-00001', routes)).toEqual(traffic);
  });

  it.each<[string, TrafficTarget[] | undefined, TrafficTarget[] | undefined]>([
    ["Knative's default (no spec.traffic): all on the primary", undefined, [{ latestRevision: true, percent: 0 }, { revisionName: 'podinfo-00001', percent: 100 }]],
    ["a user's own split with tags: all on the primary", [{ tag: 'stable', revisionName: 'podinfo-00001', percent: 50 }, { tag: 'next', latestRevision: true, percent: 50 }], [{ latestRevision: true, percent: 0 }, { revisionName: 'podinfo-00001', percent: 100 }]],
    ['Fledge\'s split in flight: left alone', [{ latestRevision: true, percent: 20 }, { revisionName: 'podinfo-00001', percent: 80 }], undefined],
    ['Fledge\'s split naming the Revision pinned before (a re-pin): the canary keeps its share', [{ latestRevision: true, percent: 20 }, { revisionName: 'podinfo-00000', percent: 80 }], [{ latestRevision: true, percent: 20 }, { revisionName: 'podinfo-00001', percent: 80 }]],
  ])('reconciles %s', (_name, traffic, expected) => {
    expect(managedTraffic('podinfo-00001', traffic)).toEqual(expected);
  });

  it.each<[string, Record<string, string>, { latestCreatedRevisionName?: string; traffic?: TrafficTarget[] }, unknown]>([
    ['a split once the canary Revision is ready', pin, { latestCreatedRevisionName: 'podinfo-00002', traffic: [{ latestRevision: true, revisionName: 'podinfo-00002', percent: 30 }, { revisionName: 'podinfo-00001', percent: 70 }] }, { ok: true, primary: 70, canary: 30, mirrored: false, matched: null }],
    ['the canary\'s share reaching the primary while its Revision is not ready', pin, { latestCreatedRevisionName: 'podinfo-00002', traffic: [{ latestRevision: true, revisionName: 'podinfo-00001', percent: 30 }, { revisionName: 'podinfo-00001', percent: 70 }] }, { ok: true, primary: 100, canary: 0, mirrored: false, matched: null }],
    ['everything on the primary once the latest Revision is the pinned one (after a promotion)', { [PRIMARY_REVISION_ANNOTATION]: 'podinfo-00002' }, { latestCreatedRevisionName: 'podinfo-00002', traffic: [{ latestRevision: true, revisionName: 'podinfo-00002', percent: 30 }, { revisionName: 'podinfo-00001', percent: 70 }] }, { ok: true, primary: 100, canary: 0, mirrored: false, matched: null }],
    ['no pinned primary', {}, { traffic: [{ latestRevision: true, revisionName: 'podinfo-00001', percent: 100 }] }, { ok: false, reason: 'Knative Service podinfo.test has no flagger.app/primary-revision annotation' }],
    ['no status.traffic yet', pin, { latestCreatedRevisionName: 'podinfo-00001' }, { ok: false, reason: 'Knative Service podinfo.test: status.traffic routes nothing yet' }],
  ])('reads %s', (_name, annotations, status, reading) => {
    expect(readKnativeTraffic(canary, ksvc(annotations, status))).toEqual(reading);
  });

  it('reads a split Knative has not routed yet as written, not applied, so the release waits for it', () => {
    const stale = {
      ...ksvc(pin, { latestCreatedRevisionName: 'podinfo-00002', traffic: [{ latestRevision: true, revisionName: 'podinfo-00002', percent: 10 }, { revisionName: 'podinfo-00001', percent: 90 }] }),
      spec: { traffic: knativeTraffic('podinfo-00001', { primary: 80, canary: 20 }) },
    } as KubeObject;
    stale.metadata.generation = 4;
    (stale['status'] as { observedGeneration: number }).observedGeneration = 3;

    expect(readKnativeTraffic(canary, stale)).toEqual({
      ok: false,
      reason: 'Knative Service podinfo.test: Knative has not reconciled generation 4 yet (status.observedGeneration 3)',
      written: { primary: 80, canary: 20, mirrored: false, matched: null },
    });
  });

  it('is the router the registry builds for provider knative', () => {
    expect(createRouter('knative', { kube: {} as KubeClient, targetMetadata: () => Promise.reject(new Error('unused')) })).toBeInstanceOf(KnativeRouter);
  });
});
