/**
 * What `fledge simulate` prints: the `--json` line of each tick (fields in the order `SCENARIOS.md` shows),
 * the summary line, and the human view. Pure functions of the lines, so the output is byte-identical for the
 * same run.
 */
import type { Phase } from '../../shared/api/state.ts';
import type { RouteView, ScenarioSummary, TickLine, WorkloadView } from './types.ts';

/** The phases whose `routes.canary` feed the summary's `canaryWeights`. */
const WEIGHT_PHASE: Phase = 'Progressing';

/** Formats an instant as `SCENARIOS.md` does: RFC 3339 in UTC, to the second (`2026-01-01T00:03:00Z`). */
export function formatTime(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** One `--json` line (without the newline), fields in the contract's order whatever the input's order. */
export function tickLineJson(line: TickLine): string {
  return JSON.stringify({
    tick: line.tick,
    time: line.time,
    phase: line.phase,
    canaryWeight: line.canaryWeight,
    failedChecks: line.failedChecks,
    iterations: line.iterations,
    routes: routeJson(line.routes),
    primary: workloadJson(line.primary),
    canary: workloadJson(line.canary),
    events: line.events.map((e) => ({ type: e.type, message: e.message })),
    alerts: line.alerts.map((a) => ({ severity: a.severity, message: a.message })),
    webhooks: line.webhooks.map((w) => ({ name: w.name, type: w.type, phase: w.phase, result: w.result })),
  });
}

function routeJson(routes: RouteView): RouteView {
  return {
    primary: routes.primary,
    canary: routes.canary,
    mirrored: routes.mirrored,
    matched: routes.matched === null ? null : { primary: routes.matched.primary, canary: routes.matched.canary },
  };
}

function workloadJson(workload: WorkloadView | null): WorkloadView | null {
  return workload === null ? null : { replicas: workload.replicas, readyReplicas: workload.readyReplicas, image: workload.image };
}

/**
 * The summary of a run: `canaryWeights` lists `routes.canary` at the end of each Progressing tick, zeros
 * dropped, consecutive repeats collapsed (a restarted analysis shows as `[10,20,10,20]`).
 */
export function summarize(lines: readonly TickLine[]): ScenarioSummary {
  const weights: number[] = [];
  for (const line of lines) {
    if (line.phase !== WEIGHT_PHASE || line.routes.canary === 0) continue;
    if (weights[weights.length - 1] !== line.routes.canary) weights.push(line.routes.canary);
  }
  const last = lines[lines.length - 1];
  return {
    ticks: lines.length,
    phase: last?.phase ?? '',
    canaryWeights: weights,
    primaryImage: last?.primary?.image ?? null,
  };
}

/** The summary `--json` line (without the newline). */
export function summaryJson(summary: ScenarioSummary): string {
  return JSON.stringify({
    summary: {
      ticks: summary.ticks,
      phase: summary.phase,
      canaryWeights: [...summary.canaryWeights],
      primaryImage: summary.primaryImage,
    },
  });
}

const BAR_CELLS = 20;

/** The canary's share of traffic as a bar of 20 cells: `[██░░░░░░░░░░░░░░░░░░]`. */
export function weightBar(canaryPercent: number): string {
  const filled = Math.max(0, Math.min(BAR_CELLS, Math.round((canaryPercent / 100) * BAR_CELLS)));
  const shown = canaryPercent > 0 && filled === 0 ? 1 : filled;
  return `[${'█'.repeat(shown)}${'░'.repeat(BAR_CELLS - shown)}]`;
}

/** Elapsed virtual time as `+H:MM:SS`. */
function elapsed(time: string, epoch: string): string {
  const seconds = Math.round((Date.parse(time) - Date.parse(epoch)) / 1000);
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return `+${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
}

/**
 * The human view of one tick, one line: tick, elapsed virtual time, phase, the canary's traffic share read
 * back from the cluster as a bar, then the tick's events.
 */
export function humanLine(line: TickLine, epoch: string): string {
  const tags: string[] = [];
  if (line.routes.mirrored) tags.push('mirrored');
  if (line.routes.matched !== null) tags.push(`match→canary ${line.routes.matched.canary}%`);
  const traffic = `${weightBar(line.routes.canary)} ${String(line.routes.canary).padStart(3)}%`;
  const parts = [
    `tick ${String(line.tick).padStart(3)}`,
    elapsed(line.time, epoch).padStart(9),
    line.phase.padEnd(16),
    traffic,
    ...(tags.length > 0 ? [`(${tags.join(', ')})`] : []),
  ];
  const events = line.events.map((e) => (e.type === 'Warning' ? `⚠ ${e.message}` : e.message));
  return `${parts.join('  ')}${events.length > 0 ? `  ${events.join(' · ')}` : ''}`;
}

/** The human view's last line. */
export function humanSummary(summary: ScenarioSummary): string {
  const weights = summary.canaryWeights.length > 0 ? summary.canaryWeights.join(' → ') : 'none';
  const primary = summary.primaryImage ?? 'none';
  const ticks = `${summary.ticks} tick${summary.ticks === 1 ? '' : 's'}`;
  return `${summary.phase || 'no phase'} after ${ticks}; canary weights ${weights}; primary runs ${primary}`;
}
