/**
 * The watcher at scale: one pass over 10,000 canaries across 3 emulated clusters (each Canary with its
 * Deployment, all at rest on their promoted revision), run as the watcher Lambda runs it — the clusters in
 * parallel, each through the Lambdas' HTTPS transport — with its duration, peak memory, Kubernetes requests,
 * store reads and actions (target: ≤ 15 s, ≤ 256 MB, no action).
 */
import { newCanaryState, type CanaryId, type HistoryItem } from '../../shared/api/state.ts';
import { watchCluster, type WatchReport } from '../../shared/controller/watch.ts';
import { HttpKubeClient, HttpsTransport, RequestCounter } from '../../shared/kube/index.ts';
import { InProcessSchedules } from '../../shared/schedule/index.ts';
import { MemoryCanaryStore, type CanaryStore } from '../../shared/store/index.ts';
import { templateHash } from '../../shared/workload/hash.ts';
import type { PodTemplateSpec } from '../../shared/workload/objects.ts';
import { standardCrds } from '../../sim/crds/index.ts';
import { startEmulator } from '../../sim/emulator/index.ts';

export const WATCH_TARGET_MS = 15_000;
export const WATCH_TARGET_BYTES = 256 * 1024 * 1024;

export interface WatcherReport {
  readonly canaries: number;
  readonly clusters: number;
  readonly durationMs: number;
  /** Peak resident memory of this process during the pass, sampled every 20 ms (emulators included). */
  readonly peakRssBytes: number;
  /** Peak growth of the JS heap during the pass over the heap before it: the pass's own working set (and the emulators' answers). */
  readonly heapGrowthBytes: number;
  readonly kubeRequests: number;
  readonly storeLists: number;
  readonly actions: number;
}

const template = (i: number): PodTemplateSpec => ({
  metadata: { labels: { app: `app-${i}` } },
  spec: { containers: [{ name: 'app', image: `registry.example/app:${i % 7}` }] },
});

/** Counts the store's `list` calls, the only store read a pass makes. */
class CountingStore implements CanaryStore {
  lists = 0;
  readonly inner = new MemoryCanaryStore();
  load(id: CanaryId) {
    return this.inner.load(id);
  }
  commit(...args: Parameters<CanaryStore['commit']>) {
    return this.inner.commit(...args);
  }
  history(...args: Parameters<CanaryStore['history']>) {
    return this.inner.history(...args);
  }
  list(...args: Parameters<CanaryStore['list']>) {
    this.lists += 1;
    return this.inner.list(...args);
  }
}

export async function measureWatcher(options: { canaries: number; clusters: number }): Promise<WatcherReport> {
  const store = new CountingStore();
  const schedules = new InProcessSchedules({ fire: async () => undefined });
  const counter = new RequestCounter();
  const emulators = await Promise.all(Array.from({ length: options.clusters }, () => startEmulator({ crds: standardCrds() })));
  try {
    const perCluster = Math.ceil(options.canaries / options.clusters);
    const time = '2026-01-01T00:00:00Z';
    for (const [c, emulator] of emulators.entries()) {
      const cluster = `cluster-${c}`;
      emulator.state.create({ group: '', version: 'v1', resource: 'namespaces' }, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps' } });
      for (let i = 0; i < perCluster && c * perCluster + i < options.canaries; i++) {
        const name = `app-${i}`;
        emulator.state.create({ group: 'apps', version: 'v1', resource: 'deployments' }, {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name, namespace: 'apps' },
          spec: { replicas: 1, selector: { matchLabels: { app: `app-${i}` } }, template: template(i) },
        });
        emulator.state.create({ group: 'flagger.app', version: 'v1beta1', resource: 'canaries' }, {
          apiVersion: 'flagger.app/v1beta1',
          kind: 'Canary',
          metadata: { name, namespace: 'apps' },
          spec: { provider: 'kubernetes', targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name }, service: { port: 80 }, analysis: { interval: '1m', threshold: 5, iterations: 5 } },
        });
        const id: CanaryId = { cluster, namespace: 'apps', name };
        const spec = templateHash(template(i));
        const state = { ...newCanaryState(time), phase: 'Succeeded' as const, lastAppliedSpec: spec, lastPromotedSpec: spec };
        const item: HistoryItem = { time, tick: 0, decision: 'succeed', actor: 'bench', message: 'seeded', phaseAfter: 'Succeeded', weightsBefore: { primary: 100, canary: 0 }, weightsAfter: { primary: 100, canary: 0 }, metrics: [], webhooks: [], events: [], expiresAt: 1_900_000_000 };
        await store.inner.commit(id, 0, state, item);
        await schedules.create({ canary: id, intervalMs: 60_000, enabled: false });
      }
    }
    globalThis.gc?.();
    let peak = process.memoryUsage().rss;
    const heapBefore = process.memoryUsage().heapUsed;
    let heapPeak = heapBefore;
    const sampler = setInterval(() => {
      const usage = process.memoryUsage();
      peak = Math.max(peak, usage.rss);
      heapPeak = Math.max(heapPeak, usage.heapUsed);
    }, 20);
    const started = performance.now();
    let reports: WatchReport[];
    try {
      reports = await Promise.all(
        emulators.map((emulator, c) =>
          watchCluster({
            cluster: `cluster-${c}`,
            kube: new HttpKubeClient({ transport: new HttpsTransport({ server: emulator.url }), onRequest: counter.hook }),
            store,
            schedules,
            kick: async () => undefined,
          }),
        ),
      );
    } finally {
      clearInterval(sampler);
    }
    const durationMs = performance.now() - started;
    peak = Math.max(peak, process.memoryUsage().rss);
    return {
      canaries: reports.reduce((n, r) => n + r.canaries, 0),
      clusters: options.clusters,
      durationMs,
      peakRssBytes: peak,
      heapGrowthBytes: heapPeak - heapBefore,
      kubeRequests: counter.total,
      storeLists: store.lists,
      actions: reports.reduce((n, r) => n + r.actions.length, 0),
    };
  } finally {
    await schedules.stop();
    await Promise.all(emulators.map((e) => e.stop()));
  }
}

export function renderWatcher(report: WatcherReport): string {
  const mb = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MB`;
  return [
    `Watcher pass: ${report.canaries} canaries at rest across ${report.clusters} emulated clusters (clusters in parallel, HTTPS transport)`,
    `  duration ${(report.durationMs / 1000).toFixed(1)} s (target ≤ ${WATCH_TARGET_MS / 1000} s, ${report.durationMs <= WATCH_TARGET_MS ? 'met' : 'MISSED'})`,
    `  heap growth during the pass ${mb(report.heapGrowthBytes)} (target ≤ ${mb(WATCH_TARGET_BYTES)}, ${report.heapGrowthBytes <= WATCH_TARGET_BYTES ? 'met' : 'MISSED'}); process peak RSS ${mb(report.peakRssBytes)}, which includes the 3 emulators and their 20,000 objects`,
    `  Kubernetes requests ${report.kubeRequests} (lists, paged by 500), store list calls ${report.storeLists} (summaries, no pod templates), actions ${report.actions}`,
  ].join('\n');
}
