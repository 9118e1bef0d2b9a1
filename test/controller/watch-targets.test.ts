/**
 * The watcher pass over the emulator for every supported target kind: it lists only the kinds some Canary
 * targets, hashes each as the kind's workload hashes it for the advance step, tells a new revision of a
 * Knative Service, and survives a cluster that serves no Knative at all.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { newCanaryState, type CanaryId, type HistoryItem } from '../../shared/api/state.ts';
import type { Canary } from '../../shared/api/types.ts';
import { targetPorts } from '../../shared/controller/ports.ts';
import { watchCluster, type WatchReport } from '../../shared/controller/watch.ts';
import { HttpKubeClient, HttpsTransport, RequestCounter, type KubeClient, type KubeObject } from '../../shared/kube/index.ts';
import { InProcessSchedules } from '../../shared/schedule/index.ts';
import { MemoryCanaryStore } from '../../shared/store/index.ts';
import { TARGET_KIND_TABLE, targetKindOf, type TargetKindInfo } from '../../shared/workload/index.ts';
import { flaggerCrds, standardCrds } from '../../sim/crds/index.ts';
import { startEmulator, type Emulator } from '../../sim/emulator/index.ts';

const CLUSTER = 'prod';
const KSVC = { apiVersion: 'serving.knative.dev/v1', kind: 'Service', namespace: 'test', name: 'shop' };
const TIME = '2026-01-01T00:00:00Z';

let emulator: Emulator | undefined;
let schedules: InProcessSchedules | undefined;
afterEach(async () => {
  await schedules?.stop();
  await emulator?.stop();
  emulator = undefined;
  schedules = undefined;
});

interface Setup {
  readonly kube: KubeClient;
  readonly counter: RequestCounter;
  readonly store: MemoryCanaryStore;
  readonly schedules: InProcessSchedules;
  readonly kicks: string[];
  pass(): Promise<WatchReport>;
  /** Stores a canary at rest (Succeeded) on `spec`, as a committed promotion leaves it. */
  rest(name: string, spec: string, trackedConfigs?: Record<string, string>): Promise<void>;
}

async function setUp(crds: KubeObject[]): Promise<Setup> {
  emulator = await startEmulator({ crds });
  const counter = new RequestCounter();
  const kube = new HttpKubeClient({ transport: new HttpsTransport({ server: emulator.url }), onRequest: counter.hook });
  await kube.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'test' } });
  const store = new MemoryCanaryStore();
  const kicks: string[] = [];
  const own = new InProcessSchedules({ fire: async () => undefined });
  schedules = own;
  return {
    kube,
    counter,
    store,
    schedules: own,
    kicks,
    pass: async () => {
      counter.reset();
      return watchCluster({ cluster: CLUSTER, kube, store, schedules: own, kick: async (e) => void kicks.push(e.name) });
    },
    rest: async (name, spec, trackedConfigs = {}) => {
      const id: CanaryId = { cluster: CLUSTER, namespace: 'test', name };
      const loaded = await store.load(id);
      const state = { ...newCanaryState(TIME), phase: 'Succeeded' as const, lastAppliedSpec: spec, lastPromotedSpec: spec, trackedConfigs };
      const item: HistoryItem = { time: TIME, tick: 0, decision: 'succeed', actor: 'test', message: 'promoted', phaseAfter: 'Succeeded', weightsBefore: { primary: 100, canary: 0 }, weightsAfter: { primary: 100, canary: 0 }, metrics: [], webhooks: [], events: [], expiresAt: 1_900_000_000 };
      await store.commit(id, loaded?.version ?? 0, state, item);
      await own.update({ canary: id, intervalMs: 60_000, enabled: false });
    },
  };
}

const canary = (name: string, provider: string, targetRef: { apiVersion: string; kind: string; name: string }): Canary & KubeObject =>
  ({ apiVersion: 'flagger.app/v1beta1', kind: 'Canary', metadata: { name, namespace: 'test' }, spec: { provider, targetRef, service: { port: 80 }, analysis: { interval: '1m', threshold: 5, iterations: 5 } } }) as unknown as Canary & KubeObject;

const knativeService = (image: string): KubeObject =>
  ({ apiVersion: KSVC.apiVersion, kind: 'Service', metadata: { name: KSVC.name, namespace: 'test' }, spec: { template: { spec: { containers: [{ image }] } } } }) as KubeObject;

const deployment = (name: string, image: string, extra: Record<string, unknown> = {}): KubeObject =>
  ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'test' },
    spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image, ...extra }] } } },
  }) as KubeObject;

const daemonSet = (name: string, image: string): KubeObject =>
  ({ ...deployment(name, image), kind: 'DaemonSet', spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image }] } } } }) as KubeObject;

const plainService = (name: string, port: number): KubeObject =>
  ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'test' }, spec: { selector: { app: name }, ports: [{ name: 'http', port }] } }) as KubeObject;

/** The watcher's hash of a Knative Service, from the table. */
const knativeHash = (object: KubeObject): string => targetKindOf(KSVC)?.revisionHash(object) ?? '';
const paths = (counter: RequestCounter) => counter.requests().map((r) => `${r.verb} ${r.path.replace(/\?.*$/, '')}`).sort();
const actions = (report: WatchReport) => report.actions.map((a) => `${a.type} ${a.id.name}: ${a.reason}`);

describe('the watcher with a Knative Service target', () => {
  it('schedules and kicks a new Canary, and kicks again on a changed spec.template but not on routing changes', async () => {
    const s = await setUp(standardCrds());
    await s.kube.create(knativeService('shop:1'));
    await s.kube.create(canary('shop', 'knative', { apiVersion: KSVC.apiVersion, kind: 'Service', name: 'shop' }));

    const first = await s.pass();

    expect(actions(first)).toEqual(['createSchedule shop: new canary', 'kick shop: new canary']);
    expect((await s.schedules.get({ cluster: CLUSTER, namespace: 'test', name: 'shop' }))?.enabled).toBe(true);
    expect(s.kicks).toEqual(['shop']);

    // The initialized canary rests on the Service's template hash, its schedule disabled by its last step.
    await s.rest('shop', knativeHash(knativeService('shop:1')));
    expect(actions(await s.pass())).toEqual([]);

    // The router's writes (traffic split, pinned primary Revision) are no new revision.
    await s.kube.patch(KSVC, 'merge', { metadata: { annotations: { 'flagger.app/primary-revision': 'shop-00001' } }, spec: { traffic: [{ latestRevision: true, percent: 10 }, { revisionName: 'shop-00001', percent: 90 }] } });
    expect(actions(await s.pass())).toEqual([]);

    await s.kube.patch(KSVC, 'merge', { spec: { template: { spec: { containers: [{ image: 'shop:2' }] } } } });
    const released = await s.pass();

    expect(actions(released)).toEqual(['enableSchedule shop: new revision', 'kick shop: new revision']);
    expect(s.kicks).toEqual(['shop', 'shop']);
    expect((await s.schedules.get({ cluster: CLUSTER, namespace: 'test', name: 'shop' }))?.enabled).toBe(true);
    // Knative Services and Canaries only: no Deployments, DaemonSets or configs for a Knative-only cluster.
    expect(paths(s.counter)).toEqual(['list /apis/flagger.app/v1beta1/canaries', 'list /apis/serving.knative.dev/v1/services']);
  });

  it('watches a Canary targeting a Knative Service in a cluster that serves no Knative: no revision, the others unharmed', async () => {
    const s = await setUp(flaggerCrds());
    await s.kube.create(deployment('web', 'web:1'));
    await s.kube.create(canary('web', 'kubernetes', { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }));
    await s.kube.create(canary('shop', 'knative', { apiVersion: KSVC.apiVersion, kind: 'Service', name: 'shop' }));
    await s.rest('shop', 'promoted');
    await s.rest('web', 'stale');

    const report = await s.pass();

    expect(report.failures).toEqual([]);
    expect(actions(report)).toEqual(['enableSchedule web: new revision', 'kick web: new revision']);
    expect(report.unservedKinds).toEqual(['serving.knative.dev/v1 Service']);
  });

  it('takes a target list that answers 404 (Knative uninstalled while the client is warm) as no targets', async () => {
    const s = await setUp(standardCrds());
    await s.kube.create(knativeService('shop:1'));
    await s.kube.create(canary('shop', 'knative', { apiVersion: KSVC.apiVersion, kind: 'Service', name: 'shop' }));
    await s.rest('shop', 'old');
    expect(actions(await s.pass())).toEqual(['enableSchedule shop: new revision', 'kick shop: new revision']);
    await s.rest('shop', knativeHash(knativeService('shop:1')));

    await s.kube.delete({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: 'services.serving.knative.dev' });
    const report = await s.pass();

    expect(report.failures).toEqual([]);
    expect(actions(report)).toEqual([]);
    expect(report.unservedKinds).toEqual(['serving.knative.dev/v1 Service']);
    expect(s.counter.requests().find((r) => r.path.startsWith('/apis/serving.knative.dev/v1/services'))?.status).toBe(404);
  });
});

describe('the watcher lists only the target kinds its Canaries use', () => {
  it('makes one request for a cluster without Canaries', async () => {
    const s = await setUp(standardCrds());
    await s.kube.create(deployment('web', 'web:1'));

    await s.pass();

    expect(paths(s.counter)).toEqual(['list /apis/flagger.app/v1beta1/canaries']);
  });

  it('lists Deployments and their configs for a Deployment-only cluster, no DaemonSets, Services or Knative', async () => {
    const s = await setUp(standardCrds());
    await s.kube.create(deployment('web', 'web:1'));
    await s.kube.create(canary('web', 'kubernetes', { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }));

    await s.pass();

    expect(paths(s.counter)).toEqual(['list /api/v1/configmaps', 'list /api/v1/secrets', 'list /apis/apps/v1/deployments', 'list /apis/flagger.app/v1beta1/canaries']);
  });
});

/** A target of each kind, the change that makes a new revision of it, and a Canary of it. */
const FIXTURES: Record<string, { readonly object: KubeObject; readonly provider: string; readonly change: Record<string, unknown> }> = {
  'apps/v1 Deployment': { object: deployment('app', 'app:1', { envFrom: [{ configMapRef: { name: 'app-config' } }] }), provider: 'kubernetes', change: { spec: { template: { spec: { containers: [{ name: 'app', image: 'app:2' }] } } } } },
  'apps/v1 DaemonSet': { object: daemonSet('app', 'app:1'), provider: 'kubernetes', change: { spec: { template: { spec: { containers: [{ name: 'app', image: 'app:2' }] } } } } },
  'v1 Service': { object: plainService('app', 80), provider: 'kubernetes', change: { spec: { ports: [{ name: 'http', port: 8080 }] } } },
  'serving.knative.dev/v1 Service': { object: { ...knativeService('app:1'), metadata: { name: 'app', namespace: 'test' } } as KubeObject, provider: 'knative', change: { spec: { template: { spec: { containers: [{ image: 'app:2' }] } } } } },
};

const rowName = (row: TargetKindInfo) => `${row.apiVersion} ${row.kind}`;
const canaryOf = (row: TargetKindInfo) => canary('app', FIXTURES[rowName(row)]?.provider ?? '', { apiVersion: row.apiVersion, kind: row.kind, name: 'app' });

describe('the watcher and the advance step agree on the revision of every target kind', () => {
  it('has a fixture for every row of the table', () => {
    expect(TARGET_KIND_TABLE.map(rowName).sort()).toEqual(Object.keys(FIXTURES).sort());
  });

  const rows = TARGET_KIND_TABLE.map((row) => [rowName(row), row] as const);
  it.each(rows)('%s: at rest on the workload\'s own hash, kicked on a change', async (name, row) => {
    const fixture = FIXTURES[name];
    if (!fixture) throw new Error(`no fixture for ${name}`);
    const s = await setUp(standardCrds());
    await s.kube.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app-config', namespace: 'test' }, data: { mode: 'a' } });
    await s.kube.create(structuredClone(fixture.object));
    const target = canaryOf(row);
    await s.kube.create(target);
    const { workload } = targetPorts()(target, s.kube);

    // Prepare: the state a promotion by the advance step leaves, from the workload's own view of the target.
    const observed = await workload.observe(target, { now: new Date(TIME) });
    expect(observed.target.templateHash).not.toBe('');
    await s.rest('app', observed.target.templateHash, observed.trackedConfigs);

    expect(actions(await s.pass())).toEqual([]);

    const ref = { apiVersion: row.apiVersion, kind: row.kind, namespace: 'test', name: 'app' };
    // Custom resources take no strategic merge patch.
    await s.kube.patch(ref, row.apiVersion === 'apps/v1' ? 'strategic' : 'merge', fixture.change);
    expect(actions(await s.pass())).toEqual(['enableSchedule app: new revision', 'kick app: new revision']);
  });

  it('tells a changed tracked ConfigMap of a Deployment as a new revision', async () => {
    const s = await setUp(standardCrds());
    await s.kube.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app-config', namespace: 'test' }, data: { mode: 'a' } });
    await s.kube.create(structuredClone(FIXTURES['apps/v1 Deployment']?.object as KubeObject));
    const target = canary('app', 'kubernetes', { apiVersion: 'apps/v1', kind: 'Deployment', name: 'app' });
    await s.kube.create(target);
    const observed = await targetPorts()(target, s.kube).workload.observe(target, { now: new Date(TIME) });
    expect(Object.keys(observed.trackedConfigs)).toEqual(['configmap/app-config']);
    await s.rest('app', observed.target.templateHash, observed.trackedConfigs);

    await s.kube.patch({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'test', name: 'app-config' }, 'merge', { data: { mode: 'b' } });

    expect(actions(await s.pass())).toEqual(['enableSchedule app: new revision', 'kick app: new revision']);
  });
});
