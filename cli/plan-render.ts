/**
 * Plain-text rendering of a release plan and of the other Flagger kinds, as `fledge explain` prints them.
 */
import { formatDuration } from '../shared/api/duration.ts';
import type { DefaultedMetric } from '../shared/api/defaults.ts';
import { formatIssue } from '../shared/api/paths.ts';
import type { CanaryPlan, TrafficPlan } from '../shared/api/plan.ts';
import type { AnalysisMatch, FlaggerObject } from '../shared/api/types.ts';

function table(rows: string[][], indent: string): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => `${indent}${row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ')}`.trimEnd());
}

function describeMatch(match: AnalysisMatch[]): string {
  return match
    .map((condition) => {
      const parts: string[] = [];
      for (const [kind, entries] of [
        ['header', condition.headers],
        ['query', condition.queryParams],
      ] as const) {
        for (const [key, value] of Object.entries(entries ?? {})) {
          const [op, operand] = Object.entries(value)[0] ?? ['exact', ''];
          parts.push(`${kind} ${key} ${op} ${JSON.stringify(operand)}`);
        }
      }
      for (const [key, value] of Object.entries(condition.sourceLabels ?? {})) parts.push(`source ${key}=${value}`);
      return parts.join(' and ');
    })
    .join('; or ');
}

function trafficLine(traffic: TrafficPlan): string {
  if (traffic.kind === 'iterations') {
    const checks = `${traffic.iterations} iterations`;
    const then = traffic.switchesAllTraffic ? ', then all traffic to the canary for one interval' : '';
    if (traffic.match) return `${checks}; requests where ${describeMatch(traffic.match)} go to the canary`;
    if (traffic.mirror) return `${checks} with ${traffic.mirrorWeight ?? 100}% of traffic mirrored to the canary${then}`;
    return `${checks} against the canary Service, no user traffic${then}`;
  }
  if (traffic.ladder.length === 0) return 'no weight steps: the canary never advances';
  const first = traffic.mirrorStep ? `mirror ${traffic.mirrorWeight ?? 100}% → ` : '';
  const sticky = traffic.sessionAffinity ? `; sticky by cookie ${traffic.sessionAffinity.cookieName} for ${traffic.sessionAffinity.maxAge}s` : '';
  return `${first}${traffic.ladder.map((w) => `${w}%`).join(' → ')} (max weight ${traffic.maxWeight}%)${sticky}`;
}

function acceptance(metric: DefaultedMetric): string {
  const unit = metric.unit === 'percent' ? '%' : metric.unit === 'milliseconds' ? 'ms' : '';
  const parts: string[] = [];
  if (metric.accept.min !== undefined) parts.push(`≥ ${metric.accept.min}${unit}`);
  if (metric.accept.max !== undefined) parts.push(`≤ ${metric.accept.max}${unit}`);
  return parts.join(' and ') || 'any value';
}

function metricSource(metric: DefaultedMetric): string {
  if (metric.templateRef) return `template ${metric.templateRef.namespace}/${metric.templateRef.name}`;
  if (metric.source === 'query') return 'inline query';
  return metric.source;
}

/** Renders a Canary's plan as indented text. */
export function renderPlan(plan: CanaryPlan): string {
  const lines: string[] = [`Canary ${plan.namespace}/${plan.name}`];
  const { durations } = plan;
  const interval = formatDuration(plan.intervalMs);
  const rows: string[][] = [
    ['target', `${plan.target.kind} ${plan.target.name} (${plan.target.apiVersion})${plan.autoscaler ? `, autoscaler ${plan.autoscaler.kind} ${plan.autoscaler.name}` : ''}`],
    ['provider', `${plan.provider}${plan.providerDefaulted ? ' (default)' : ''}`],
    ['strategy', plan.strategyDescription],
    ['analysis', `every ${interval}; rollback after ${plan.threshold} failed checks; progress deadline ${plan.progressDeadlineSeconds}s`],
    ['traffic', trafficLine(plan.traffic)],
    [
      'promotion',
      plan.promotion.length === 0
        ? 'no traffic shift (kubernetes provider): the primary is updated in place'
        : plan.promotion.length === 1
          ? 'all traffic back to the primary in one step'
          : `primary weight ${plan.promotion.map((w) => `${w.primary}%`).join(' → ')}`,
    ],
    ['fledge', `promotion-failure: ${plan.options.promotionFailure}`],
  ];
  if (plan.skipAnalysis) rows.push(['note', 'skipAnalysis: promoted without analysis']);
  if (plan.suspend) rows.push(['note', 'suspend: no release runs until resumed']);
  lines.push(...table(rows, '  '));
  lines.push('  hooks, in firing order:');
  if (plan.hooks.length === 0) lines.push('    none');
  else lines.push(...table(plan.hooks.map((h) => [h.type, h.name, h.url, `timeout ${h.timeout}`, h.when]), '    '));
  lines.push('  metrics:');
  if (plan.metrics.length === 0) lines.push('    none (only pod readiness and webhooks are checked)');
  else lines.push(...table(plan.metrics.map((m) => [m.name, metricSource(m), acceptance(m), `over ${m.interval}`]), '    '));
  if (plan.alerts.length > 0) {
    lines.push('  alerts:');
    lines.push(...table(plan.alerts.map((a) => [a.name, a.severity, a.provider]), '    '));
  }
  const stepWord = plan.traffic.kind === 'weights' ? 'steps' : 'iterations';
  lines.push(
    `  promotion at the earliest after ${formatDuration(durations.promotionMs)} (${interval} × ${durations.promotionSteps} ${stepWord})`,
    `  rollback at the earliest after ${formatDuration(durations.rollbackMs)} (${interval} × ${durations.rollbackChecks} failed checks)`,
  );
  if (plan.warnings.length > 0) {
    lines.push('  warnings:');
    for (const warning of plan.warnings) lines.push(`    ${formatIssue(warning)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Renders a one-paragraph summary of a MetricTemplate or AlertProvider. */
export function renderSummary(object: FlaggerObject | undefined): string {
  if (!object) return '';
  const id = `${object.metadata.namespace ?? 'default'}/${object.metadata.name ?? ''}`;
  if (object.kind === 'MetricTemplate') {
    const { provider, query } = object.spec;
    const where = provider.address ? ` at ${provider.address}` : provider.region ? ` in ${provider.region}` : '';
    const lines = query.trim().split('\n').length;
    return `MetricTemplate ${id}\n  ${provider.type}${where}${provider.secretRef ? `, credentials from Secret ${provider.secretRef.name}` : ''}; query of ${lines} line${lines === 1 ? '' : 's'}\n`;
  }
  if (object.kind === 'AlertProvider') {
    const { spec } = object;
    const target = spec.secretRef ? `address from Secret ${spec.secretRef.name}` : 'address given inline';
    return `AlertProvider ${id}\n  ${spec.type}${spec.channel ? ` channel ${spec.channel}` : ''}; ${target}\n`;
  }
  return `Canary ${id}\n`;
}
