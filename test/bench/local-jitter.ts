/**
 * `fledge local` step jitter: its runner on real timers against an emulator whose workload simulation runs on
 * the wall clock, a Canary with a 10 s interval released and stepped every 10 s; jitter is how late each
 * scheduled step starts after its slot (target ≤ 1 s).
 */
import type { AdvanceEvent } from '../../shared/schedule/index.ts';
import { targetPorts } from '../../shared/controller/ports.ts';
import { analysisPorts } from '../../shared/controller/analysis-ports.ts';
import { createKubeClient, EventRecorder } from '../../shared/kube/index.ts';
import { MemoryCanaryStore } from '../../shared/store/index.ts';
import { standardCrds } from '../../sim/crds/index.ts';
import { startEmulator, wallClock } from '../../sim/emulator/index.ts';
import { createWorld } from '../../sim/world/index.ts';
import { startLocalRunner } from '../../cli/local/runner.ts';

export const JITTER_TARGET_MS = 1_000;

export interface JitterReport {
  readonly steps: number;
  readonly maxLateMs: number;
  readonly medianLateMs: number;
}

export async function measureLocalJitter(options: { steps: number; intervalSeconds?: number }): Promise<JitterReport> {
  const emulator = await startEmulator({ clock: wallClock, crds: standardCrds() });
  const world = createWorld({ state: emulator.state, clock: wallClock, tickMs: 1000 });
  const ticker = setInterval(() => world.tick(), 500);
  const kube = createKubeClient({ kubeconfig: emulator.kubeconfig() });
  const late: number[] = [];
  let runner: ReturnType<typeof startLocalRunner> | undefined;
  try {
    await kube.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'test' } });
    await kube.create({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'podinfo', namespace: 'test' },
      spec: { replicas: 1, selector: { matchLabels: { app: 'podinfo' } }, template: { metadata: { labels: { app: 'podinfo' } }, spec: { containers: [{ name: 'podinfod', image: 'podinfo:1' }] } } },
    });
    await kube.create({
      apiVersion: 'flagger.app/v1beta1',
      kind: 'Canary',
      metadata: { name: 'podinfo', namespace: 'test' },
      spec: { provider: 'kubernetes', targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo' }, service: { port: 9898 }, analysis: { interval: `${options.intervalSeconds ?? 10}s`, threshold: 2, iterations: 1000 } },
    });
    const onStep = (event: AdvanceEvent) => {
      if (event.scheduledTime !== undefined) late.push(Date.now() - Date.parse(event.scheduledTime));
    };
    runner = startLocalRunner({
      deps: { cluster: 'bench', kube, store: new MemoryCanaryStore(), portsFor: targetPorts(), ...analysisPorts({ cluster: 'bench', kube, eventBridge: false }), events: new EventRecorder(kube) },
      watchEveryMs: 2_000,
      onStep,
    });
    // Initialization, then a release whose 1000 iterations keep it stepping every interval.
    const deadline = Date.now() + (options.steps + 6) * (options.intervalSeconds ?? 10) * 1000;
    let released = false;
    while (Date.now() < deadline && late.length < options.steps) {
      await new Promise((r) => setTimeout(r, 500));
      const canary = await kube.get({ apiVersion: 'flagger.app/v1beta1', kind: 'Canary', namespace: 'test', name: 'podinfo' });
      if (!released && (canary?.['status'] as { phase?: string } | undefined)?.phase === 'Initialized') {
        await kube.patch({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'test', name: 'podinfo' }, 'strategic', { spec: { template: { spec: { containers: [{ name: 'podinfod', image: 'podinfo:2' }] } } } });
        released = true;
      }
    }
  } finally {
    await runner?.stop();
    clearInterval(ticker);
    await emulator.stop();
  }
  const sorted = [...late].sort((a, b) => a - b);
  return { steps: late.length, maxLateMs: sorted.at(-1) ?? Number.NaN, medianLateMs: sorted[Math.floor(sorted.length / 2)] ?? Number.NaN };
}

export function renderJitter(report: JitterReport): string {
  return `fledge local, 10 s interval: ${report.steps} scheduled steps, ended after their slot (step included): median ${report.medianLateMs.toFixed(0)} ms, max ${report.maxLateMs.toFixed(0)} ms (target ≤ ${JITTER_TARGET_MS} ms, ${report.maxLateMs <= JITTER_TARGET_MS ? 'met' : 'MISSED'})`;
}
