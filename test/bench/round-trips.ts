/**
 * Sequential round trips per step (issue 10 §3): every Kubernetes request is delayed by a fixed latency in
 * the emulator, and a tick's wall time divided by that latency counts the requests it waited for one after
 * the other (parallel requests count once). The store is in memory and webhooks/metrics are the world's, so
 * they add nothing: the figure is the Kubernetes and commit path the target speaks of (≤ 4 besides webhooks
 * and metrics). Measured for a steady weight step and the promotion of podinfo's good release, and the
 * rollback of its bad release.
 */
import { loadScenario, playScenario, PODINFO_GOOD_RELEASE, type TickSample } from './podinfo.ts';

export const ROUND_TRIP_TARGET = 4;
const LATENCY_MS = 40;

export interface RoundTripRow {
  readonly step: 'steady weight step' | 'promotion' | 'rollback';
  /** Median over the ticks of that kind. */
  readonly roundTrips: number;
  readonly kubeRequests: number;
  readonly ticks: number;
}

export interface RoundTripReport {
  readonly latencyMs: number;
  readonly rows: readonly RoundTripRow[];
  readonly target: number;
}

const BAD_RELEASE = [...PODINFO_GOOD_RELEASE.slice(0, 3), 'examples/podinfo/scenarios/bad-release.yaml'];

async function samples(files: readonly string[]): Promise<TickSample[]> {
  return playScenario(loadScenario(files), {
    beforeController: async ({ sim }) => sim.emulator.faults.setLatency(LATENCY_MS),
    afterController: async ({ sim }) => sim.emulator.faults.setLatency(0),
  });
}

function row(step: RoundTripRow['step'], ticks: TickSample[]): RoundTripRow {
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
  return {
    step,
    roundTrips: median(ticks.map((t) => Math.round(t.durationMs / LATENCY_MS))),
    kubeRequests: median(ticks.map((t) => t.requests.length)),
    ticks: ticks.length,
  };
}

export async function measureRoundTrips(): Promise<RoundTripReport> {
  const good = await samples(PODINFO_GOOD_RELEASE);
  const bad = await samples(BAD_RELEASE);
  return {
    latencyMs: LATENCY_MS,
    target: ROUND_TRIP_TARGET,
    rows: [
      row('steady weight step', good.filter((t) => t.decision === 'advance' && t.phaseBefore === 'Progressing' && t.phaseAfter === 'Progressing')),
      row('promotion', good.filter((t) => t.phaseAfter === 'Promoting' || t.phaseBefore === 'Promoting')),
      row('rollback', bad.filter((t) => t.phaseAfter === 'Failed' && t.phaseBefore !== 'Failed')),
    ],
  };
}

export function renderRoundTrips(report: RoundTripReport): string {
  return [
    `Sequential round trips per step (${report.latencyMs} ms injected per Kubernetes request; store in memory)`,
    ...report.rows.map(
      (r) => `  ${r.step.padEnd(18)} ${String(r.roundTrips).padStart(3)} round trips, ${r.kubeRequests} Kubernetes requests (median of ${r.ticks}; target ≤ ${report.target} besides webhooks and metrics, ${r.roundTrips <= report.target ? 'met' : 'MISSED'})`,
    ),
  ].join('\n');
}
