/**
 * Sequential round trips per step (issue 10 §3). Every Kubernetes request is delayed by a fixed latency in the
 * emulator and every store call (the state load, the commit) by the same latency in a bench decorator of the
 * in-memory store (`timed-store.ts`), so the commit costs what a remote store costs. Webhooks and metrics are
 * the world's, so they add nothing: the figure is the Kubernetes and store path the target speaks of (≤ 4
 * besides webhooks and metrics: one read wave with the state load, one write wave, the commit, one
 * announcement wave).
 *
 * The figure is the longest chain of calls of the tick that ran one after the other (each started once the one
 * before it in the chain had answered): calls of one parallel wave overlap, so they count once. It is read from
 * the calls' own start and end times, so the CPU time between calls (parsing, the engine) does not blur it; the
 * wall time divided by the latency is shown beside it as a cross-check.
 *
 * Measured on podinfo's good release (a steady weight step, the promotion's ticks) and its bad release (the
 * rollback tick and the tick after it that scales the canary down once the routes read back all-primary).
 */
import { MemoryCanaryStore } from '../../shared/store/index.ts';
import type { RequestRecord } from '../../sim/emulator/index.ts';
import { loadScenario, playScenario, PODINFO_GOOD_RELEASE, type TickSample } from './podinfo.ts';
import { timedStore, type TimedCall } from './timed-store.ts';

export const ROUND_TRIP_TARGET = 4;
/**
 * Long beside the CPU time a request costs the client, so the calls of one wave still overlap when a busy
 * machine starts them some milliseconds apart.
 */
export const LATENCY_MS = 100;

/** The kinds of tick measured. */
export const ROUND_TRIP_STEPS = ['steady weight step', 'promotion', 'traffic back to primary', 'finalisation', 'rollback', 'rollback scale-down'] as const;
export type RoundTripStep = (typeof ROUND_TRIP_STEPS)[number];

export interface RoundTripRow {
  readonly step: RoundTripStep;
  /** The most sequential round trips of a tick of that kind (Kubernetes and store calls). */
  readonly roundTrips: number;
  /** Wall time of that tick over the latency: round trips plus the tick's own CPU time. */
  readonly wallRoundTrips: number;
  /** The most Kubernetes requests of a tick of that kind. */
  readonly kubeRequests: number;
  readonly storeCalls: number;
  readonly ticks: number;
}

export interface RoundTripReport {
  readonly latencyMs: number;
  readonly rows: readonly RoundTripRow[];
  readonly target: number;
}

/** A call with its start and end, in epoch milliseconds. */
export interface TimedSpan {
  readonly startMs: number;
  readonly endMs: number;
}

/** How far a call may start before the one it follows ended, from the emulator's millisecond clock. */
const CLOCK_SLACK_MS = 2;

/**
 * The longest chain of spans each starting after the previous one ended: the sequential round trips a tick
 * waited for. Spans that overlap (one parallel wave) never chain.
 * @example sequentialRoundTrips([{ startMs: 0, endMs: 40 }, { startMs: 1, endMs: 41 }, { startMs: 45, endMs: 85 }]) // 2
 */
export function sequentialRoundTrips(spans: readonly TimedSpan[]): number {
  const sorted = [...spans].sort((a, b) => a.startMs - b.startMs);
  const depth: number[] = [];
  sorted.forEach((span, i) => {
    let before = 0;
    for (let j = 0; j < i; j++) {
      const earlier = sorted[j] as TimedSpan;
      if (earlier.endMs <= span.startMs + CLOCK_SLACK_MS) before = Math.max(before, depth[j] as number);
    }
    depth.push(before + 1);
  });
  return Math.max(0, ...depth);
}

/** A Kubernetes request of the emulator's log as a span. */
export function requestSpan(request: RequestRecord): TimedSpan {
  const startMs = request.time.getTime();
  return { startMs, endMs: startMs + request.durationMs };
}

interface MeasuredTick {
  readonly sample: TickSample;
  readonly storeCalls: readonly TimedCall[];
}

const BAD_RELEASE = [...PODINFO_GOOD_RELEASE.slice(0, 3), 'examples/podinfo/scenarios/bad-release.yaml'];

/** Plays `files` with the latency on during each controller tick only. */
export async function measuredTicks(files: readonly string[], options: { readonly maxTicks?: number } = {}): Promise<MeasuredTick[]> {
  const store = timedStore(new MemoryCanaryStore());
  const marks: number[] = [];
  const samples = await playScenario(loadScenario(files), {
    store,
    ...(options.maxTicks === undefined ? {} : { maxTicks: options.maxTicks }),
    beforeController: async ({ sim }) => {
      sim.emulator.faults.setLatency(LATENCY_MS);
      store.latencyMs = LATENCY_MS;
      marks.push(store.calls.length);
    },
    afterController: async ({ sim }) => {
      sim.emulator.faults.setLatency(0);
      store.latencyMs = 0;
    },
  });
  return samples.map((sample, i) => ({ sample, storeCalls: store.calls.slice(marks[i], marks[i + 1] ?? store.calls.length) }));
}

function row(step: RoundTripStep, ticks: readonly MeasuredTick[]): RoundTripRow {
  const most = (xs: number[]): number => (xs.length === 0 ? Number.NaN : Math.max(...xs));
  return {
    step,
    roundTrips: most(ticks.map((t) => sequentialRoundTrips([...t.sample.requests.map(requestSpan), ...t.storeCalls]))),
    wallRoundTrips: most(ticks.map((t) => Math.round((t.sample.durationMs / LATENCY_MS) * 10) / 10)),
    kubeRequests: most(ticks.map((t) => t.sample.requests.length)),
    storeCalls: most(ticks.map((t) => t.storeCalls.length)),
    ticks: ticks.length,
  };
}

/** Which kind of tick a sample is, or `undefined` for one the bench does not report. */
export function roundTripStepOf(sample: TickSample): RoundTripStep | undefined {
  const { phaseBefore: before, phaseAfter: after, decision } = sample;
  if (before === 'Progressing' && after === 'Progressing' && decision === 'advance') return 'steady weight step';
  if (after === 'Promoting' && before !== 'Promoting') return 'promotion';
  if (before === 'Promoting' && after === 'Finalising') return 'traffic back to primary';
  if (before === 'Finalising' && after === 'Succeeded') return 'finalisation';
  if (after === 'Failed' && before !== 'Failed') return 'rollback';
  if (before === 'Failed' && after === 'Failed' && decision === 'scaleDown') return 'rollback scale-down';
  return undefined;
}

export async function measureRoundTrips(): Promise<RoundTripReport> {
  const ticks = [...(await measuredTicks(PODINFO_GOOD_RELEASE)), ...(await measuredTicks(BAD_RELEASE))];
  return {
    latencyMs: LATENCY_MS,
    target: ROUND_TRIP_TARGET,
    rows: ROUND_TRIP_STEPS.map((step) => row(step, ticks.filter((t) => roundTripStepOf(t.sample) === step))),
  };
}

export function renderRoundTrips(report: RoundTripReport): string {
  return [
    `Sequential round trips per step (${report.latencyMs} ms injected per Kubernetes request and per store call; most of the ticks of each kind)`,
    ...report.rows.map(
      (r) =>
        `  ${r.step.padEnd(24)} ${String(r.roundTrips).padStart(3)} round trips (wall ${r.wallRoundTrips.toFixed(1)}), ${r.kubeRequests} Kubernetes requests, ${r.storeCalls} store calls (${r.ticks} ticks; target ≤ ${report.target} besides webhooks and metrics, ${r.roundTrips <= report.target ? 'met' : 'MISSED'})`,
    ),
  ].join('\n');
}
