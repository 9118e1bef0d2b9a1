/**
 * The scenario catalogue (`examples/scenarios/`): each file is one behaviour, played whole through the real
 * controller against the emulator, and asserted on what `--json` shows — routes read back from the router's
 * objects, replicas and images of the workloads, phases, events — plus the invariants that must hold on
 * every tick of every release.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PROVIDER_CAPABILITIES } from '../../../shared/api/providers.ts';
import type { HistoryItem } from '../../../shared/api/state.ts';
import type { KubeClient, KubeObject } from '../../../shared/kube/index.ts';
import { parseScenario, formatIssue } from '../../../sim/scenario/parse.ts';
import { runScenario, type RunResult } from '../../../sim/scenario/run.ts';
import type { TickLine } from '../../../sim/scenario/types.ts';

const DIR = new URL('../../../examples/scenarios/', import.meta.url);
/** Providers whose scenarios have a test file of their own. */
const OWN_TEST_PROVIDERS = Object.keys(PROVIDER_CAPABILITIES).filter((p) => p !== 'kubernetes');

async function play(name: string, inspect?: Inspect): Promise<RunResult> {
  const parsed = parseScenario(readFileSync(new URL(`${name}.yaml`, DIR), 'utf8'), `${name}.yaml`);
  if (!parsed.ok) throw new Error(parsed.issues.map(formatIssue).join('\n'));
  return runScenario(parsed.file, inspect === undefined ? {} : { inspect });
}

/** The phases of a run, consecutive repeats collapsed. */
function phases(lines: readonly TickLine[]): string[] {
  return lines.map((l) => l.phase).filter((phase, i, all) => phase !== all[i - 1]);
}

function messages(lines: readonly TickLine[]): string[] {
  return lines.flatMap((l) => l.events.map((e) => e.message));
}

function tick(lines: readonly TickLine[], n: number): TickLine {
  const line = lines.find((l) => l.tick === n);
  if (line === undefined) throw new Error(`no tick ${n}`);
  return line;
}

const PROMOTED = ['Initializing', 'Initialized', 'Progressing', 'Promoting', 'Finalising', 'Succeeded'];
const V1 = 'ghcr.io/stefanprodan/podinfo:6.0.1';
const V0 = 'ghcr.io/stefanprodan/podinfo:6.0.0';

/**
 * How a release ends, and what the last line must then show of routes, workloads, phase and events:
 * - `promoted`: Succeeded, all traffic on the primary, which runs the target's image on every ready replica,
 *   the canary scaled to zero, "Promotion completed!";
 * - `rolledBack`: Failed, all traffic on the primary, still on 6.0.0, the canary scaled to zero, "Canary failed!";
 * - `restored`: Failed after a failed promotion, the primary back on 6.0.0 with all traffic, the canary at zero;
 * - `held`: Failed after a failed promotion in hold mode, all traffic on the ready canary (weight 100);
 * - `cancelled`: the run cancelled, Initialized, all traffic on the primary on 6.0.0, the canary at zero;
 * - `terminated`: the Canary deleted, Terminated, the run ended on it, the primary garbage-collected.
 */
type Ending = 'promoted' | 'rolledBack' | 'restored' | 'held' | 'cancelled' | 'terminated';

const ALL_ON_PRIMARY = { primary: 100, canary: 0, mirrored: false };

function checkEnding(ending: Ending, { lines, summary }: RunResult): void {
  const last = lines.at(-1) as TickLine;
  const said = messages(lines);
  switch (ending) {
    case 'promoted':
      expect(last.phase).toBe('Succeeded');
      expect(last.routes).toMatchObject(ALL_ON_PRIMARY);
      expect(last.primary?.readyReplicas).toBeGreaterThan(0);
      expect(last.primary?.readyReplicas).toBe(last.primary?.replicas);
      expect(last.primary?.image).toBe(last.canary?.image);
      expect(summary.primaryImage).toBe(last.primary?.image);
      expect(last.canary?.replicas).toBe(0);
      expect(said.some((m) => m.startsWith('Promotion completed! '))).toBe(true);
      return;
    case 'rolledBack':
      expect(last.phase).toBe('Failed');
      expect(last.routes).toEqual({ ...ALL_ON_PRIMARY, matched: null });
      expect(last.primary).toMatchObject({ readyReplicas: 2, image: V0 });
      expect(last.canary).toMatchObject({ replicas: 0, image: V1 });
      expect(said).toContain('Canary failed! Scaling down podinfo.test');
      return;
    case 'restored':
      expect(last.phase).toBe('Failed');
      expect(last.routes).toEqual({ ...ALL_ON_PRIMARY, matched: null });
      expect(last.primary).toEqual({ replicas: 2, readyReplicas: 2, image: V0 });
      expect(last.canary?.replicas).toBe(0);
      expect(said).toContain('Primary restored to the last promoted revision');
      return;
    case 'held':
      expect(last).toMatchObject({ phase: 'Failed', canaryWeight: 100, routes: { primary: 0, canary: 100, mirrored: false, matched: null } });
      expect(last.canary).toEqual({ replicas: 2, readyReplicas: 2, image: V1 });
      expect(said).not.toContain('Primary restored to the last promoted revision');
      return;
    case 'cancelled':
      expect(last.phase).toBe('Initialized');
      expect(last.routes).toEqual({ ...ALL_ON_PRIMARY, matched: null });
      expect(last.primary?.image).toBe(V0);
      expect(last.canary?.replicas).toBe(0);
      expect(said).not.toContain('Copying podinfo.test template spec to podinfo-primary.test');
      return;
    case 'terminated':
      expect(last.phase).toBe('Terminated');
      expect(summary.phase).toBe('Terminated');
      expect(last.primary).toBeNull();
      expect(lines.filter((l) => l.phase === 'Terminated')).toEqual([last]);
      return;
    default: {
      const never: never = ending;
      throw new Error(`unknown ending ${String(never)}`);
    }
  }
}

/** Looks at the cluster and the committed history after the last tick. */
type Inspect = (kube: KubeClient, history: readonly HistoryItem[]) => Promise<void>;

interface Case {
  readonly name: string;
  readonly ending: Ending;
  readonly check: (run: RunResult) => void;
  readonly inspect?: Inspect;
}

const CASES: Case[] = [
  {
    name: 'happy-canary',
    ending: 'promoted',
    check: ({ lines, summary }) => {
      expect(phases(lines)).toEqual(PROMOTED);
      expect(summary).toEqual({ ticks: 11, phase: 'Succeeded', canaryWeights: [10, 20, 30, 40, 50], primaryImage: V1 });
      expect(tick(lines, 6).routes).toEqual({ primary: 70, canary: 30, mirrored: false, matched: null });
      expect(tick(lines, 4).webhooks.map((w) => `${w.type}:${w.name}:${w.result}`)).toEqual(['pre-rollout:acceptance-test:pass']);
      expect(tick(lines, 5).webhooks.map((w) => `${w.type}:${w.name}:${w.result}`)).toEqual(['rollout:load-test:pass']);
      expect(messages(lines)).toContain('Copying podinfo.test template spec to podinfo-primary.test');
      expect(tick(lines, 11).canary).toEqual({ replicas: 0, readyReplicas: 0, image: V1 });
      expect(tick(lines, 11).alerts).toEqual([{ severity: 'info', message: 'Canary analysis completed successfully, promotion finished.' }]);
    },
  },
  {
    name: 'step-weights',
    ending: 'promoted',
    check: ({ summary }) => expect(summary.canaryWeights).toEqual([5, 10, 25, 50]),
  },
  {
    name: 'overshoot',
    ending: 'promoted',
    check: ({ lines, summary }) => {
      expect(summary.canaryWeights).toEqual([30, 60]);
      expect(phases(lines).at(-1)).toBe('Succeeded');
    },
  },
  {
    name: 'rollback-on-errors',
    ending: 'rolledBack',
    check: ({ lines, summary }) => {
      expect(summary).toEqual({ ticks: 7, phase: 'Failed', canaryWeights: [10], primaryImage: V0 });
      expect(messages(lines)).toEqual(expect.arrayContaining([
        'Halt podinfo.test advancement success rate 65.00% < 99%',
        'Rolling back podinfo.test failed checks threshold reached 2',
        'Canary failed! Scaling down podinfo.test',
      ]));
      // Tick 6 rolls back: all traffic to the primary, Failed, the alert; the canary keeps its pods meanwhile.
      const rollback = tick(lines, 6);
      expect(rollback.phase).toBe('Failed');
      expect(rollback.routes).toEqual({ primary: 100, canary: 0, mirrored: false, matched: null });
      expect(rollback.canary?.replicas).toBeGreaterThan(0);
      expect(rollback.failedChecks).toBe(2);
      expect(rollback.alerts.map((a) => a.severity)).toContain('error');
      // Tick 7 reads the routes back all-primary and scales the canary down, saying nothing more.
      const scaledDown = tick(lines, 7);
      expect(scaledDown.canary?.replicas).toBe(0);
      expect(scaledDown.alerts).toEqual([]);
    },
  },
  {
    name: 'metric-template-failing',
    ending: 'rolledBack',
    check: ({ lines }) => {
      expect(tick(lines, 6).events.map((e) => e.message)).toEqual(['Halt podinfo.test advancement error-rate 4.20 > 1']);
    },
    inspect: async (_kube, history) => {
      const checked = history.filter((item) => item.metrics.length > 0).map((item) => ({ tick: item.tick, metrics: item.metrics }));
      const query =
        '100 - sum(rate(istio_requests_total{reporter="destination",destination_workload_namespace="test",destination_workload="podinfo",response_code!~"5.*"}[1m]))\n' +
        '/ sum(rate(istio_requests_total{reporter="destination",destination_workload_namespace="test",destination_workload="podinfo"}[1m])) * 100\n';
      const record = (value: number, outcome: string) => ({ name: 'error-rate', value, outcome, thresholdRange: { max: 1 }, detail: query, query, provider: 'prometheus' });
      expect(checked).toEqual([
        { tick: 5, metrics: [record(0.5, 'pass')] },
        { tick: 6, metrics: [record(4.2, 'fail')] },
        { tick: 7, metrics: [record(4.2, 'fail')] },
      ]);
    },
  },
  {
    name: 'metric-template-missing',
    ending: 'rolledBack',
    check: ({ lines, summary }) => {
      expect(summary).toMatchObject({ phase: 'Failed', canaryWeights: [10] });
      expect(messages(lines)).toContain('Metric query failed for error-rate: MetricTemplate test/error-rate not found (analysis.metrics[error-rate].templateRef)');
      expect(tick(lines, 1).events.map((e) => e.message)).toContain(
        'Error checking metric providers: error-rate: MetricTemplate test/error-rate not found (analysis.metrics[error-rate].templateRef)',
      );
    },
    inspect: async (_kube, history) => {
      const failed = history.flatMap((item) => item.metrics).filter((m) => m.outcome === 'error');
      expect(failed[0]).toEqual({
        name: 'error-rate',
        value: null,
        outcome: 'error',
        thresholdRange: { max: 1 },
        detail: 'MetricTemplate test/error-rate not found (analysis.metrics[error-rate].templateRef)',
      });
    },
  },
  {
    name: 'rollback-on-latency',
    ending: 'rolledBack',
    check: ({ lines, summary }) => {
      expect(messages(lines)).toContain('Halt podinfo.test advancement request duration 900ms > 500ms');
      expect(summary).toMatchObject({ phase: 'Failed', primaryImage: V0 });
    },
  },
  {
    name: 'rollback-on-no-data',
    ending: 'rolledBack',
    check: ({ lines }) => {
      expect(messages(lines)).toContain('Halt advancement no values found for istio metric request-success-rate probably podinfo.test is not receiving traffic');
      expect(phases(lines).at(-1)).toBe('Failed');
    },
  },
  {
    name: 'rollback-webhook',
    ending: 'rolledBack',
    check: ({ lines, summary }) => {
      expect(messages(lines)).toContain('Rolling back podinfo.test manual webhook invoked');
      expect(summary.phase).toBe('Failed');
      expect(lines.flatMap((l) => l.webhooks.filter((w) => w.type === 'rollback').map((w) => w.result))).toEqual(['fail', 'fail', 'pass']);
    },
  },
  {
    name: 'revision-mid-analysis',
    ending: 'promoted',
    check: ({ lines, summary }) => {
      expect(messages(lines)).toContain('New revision detected! Restarting analysis for podinfo.test');
      expect(tick(lines, 6).routes.canary).toBe(0);
      expect(summary).toEqual({ ticks: 12, phase: 'Succeeded', canaryWeights: [10, 20, 10, 20, 30], primaryImage: 'ghcr.io/stefanprodan/podinfo:6.0.2' });
    },
  },
  {
    name: 'revert-to-promoted',
    ending: 'cancelled',
    check: ({ lines, summary }) => {
      expect(summary.phase).toBe('Initialized');
      expect(messages(lines)).not.toContain('Copying podinfo.test template spec to podinfo-primary.test');
      expect(tick(lines, 5).routes.canary).toBe(0);
      expect(tick(lines, 5).primary?.image).toBe(V0);
    },
  },
  {
    name: 'retry-after-failed',
    ending: 'promoted',
    check: ({ lines, summary }) => {
      expect(phases(lines)).toEqual([...PROMOTED.slice(0, 3), 'Failed', ...PROMOTED.slice(2)]);
      expect(messages(lines)).toContain('Retrying the failed revision of podinfo.test as requested by scenario');
      expect(summary.primaryImage).toBe(V1);
    },
  },
  {
    name: 'configmap-change',
    ending: 'promoted',
    check: ({ lines, summary }) => {
      expect(phases(lines)).toEqual(PROMOTED);
      expect(summary.primaryImage).toBe(V0);
    },
    inspect: async (kube) => {
      const copy = await kube.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'test', name: 'podinfo-config-primary' });
      expect(copy?.['data']).toEqual({ color: 'blue' });
    },
  },
  {
    name: 'confirm-rollout-gate',
    ending: 'promoted',
    check: ({ lines }) => {
      expect(phases(lines)).toEqual(['Initializing', 'Initialized', 'Waiting', 'Progressing', 'Promoting', 'Finalising', 'Succeeded']);
      expect(tick(lines, 4).canary?.replicas).toBe(0);
      expect(messages(lines)).toContain('Halt podinfo.test advancement waiting for approval rollout-gate');
      expect(tick(lines, 3).alerts.map((a) => a.severity)).toContain('warn');
    },
  },
  {
    name: 'confirm-traffic-increase-gate',
    ending: 'promoted',
    check: ({ lines, summary }) => {
      expect([5, 6].map((n) => tick(lines, n).routes.canary)).toEqual([10, 10]);
      expect(messages(lines)).toContain('Halt podinfo.test advancement waiting for traffic increase approval traffic-gate');
      expect(summary.canaryWeights).toEqual([10, 20, 30]);
    },
  },
  {
    name: 'confirm-promotion-gate',
    ending: 'promoted',
    check: ({ lines }) => {
      expect(phases(lines)).toEqual(['Initializing', 'Initialized', 'Progressing', 'WaitingPromotion', 'Promoting', 'Finalising', 'Succeeded']);
      expect(tick(lines, 8).routes.canary).toBe(30);
      expect(messages(lines)).toContain('Halt podinfo.test advancement waiting for promotion approval promotion-gate');
    },
  },
  {
    name: 'skip-analysis',
    ending: 'promoted',
    check: ({ lines, summary }) => {
      expect(messages(lines)).toContain('Promotion completed! Canary analysis was skipped for podinfo.test');
      expect(summary).toEqual({ ticks: 4, phase: 'Succeeded', canaryWeights: [], primaryImage: V1 });
    },
  },
  {
    name: 'suspend-and-resume',
    ending: 'promoted',
    check: ({ lines }) => {
      expect([3, 4, 5].map((n) => tick(lines, n).events.map((e) => e.message))).toEqual([
        ['skipping canary run as object is suspended'],
        ['skipping canary run as object is suspended'],
        ['skipping canary run as object is suspended'],
      ]);
      expect(tick(lines, 5).canary?.replicas).toBe(0);
      expect(tick(lines, 6).phase).toBe('Progressing');
      expect(phases(lines).at(-1)).toBe('Succeeded');
    },
  },
  {
    name: 'ab-header',
    ending: 'promoted',
    check: ({ lines, summary }) => {
      expect(tick(lines, 4).routes).toEqual({ primary: 100, canary: 0, mirrored: false, matched: { primary: 0, canary: 100 } });
      expect(messages(lines)).toContain('Advance podinfo.test canary iteration 3/3');
      expect(summary).toEqual({ ticks: 9, phase: 'Succeeded', canaryWeights: [], primaryImage: V1 });
    },
    inspect: async (kube) => {
      const vs = await kube.get({ apiVersion: 'networking.istio.io/v1beta1', kind: 'VirtualService', namespace: 'test', name: 'podinfo' });
      expect(JSON.stringify(vs?.['spec'])).toContain('insider');
    },
  },
  {
    name: 'ab-cookie',
    ending: 'promoted',
    check: ({ lines }) => {
      expect(tick(lines, 5).routes.matched).toEqual({ primary: 0, canary: 100 });
      expect(phases(lines).at(-1)).toBe('Succeeded');
    },
  },
  {
    name: 'blue-green-kubernetes',
    ending: 'promoted',
    check: ({ lines, summary }) => {
      for (const line of lines) expect(line.routes).toEqual({ primary: 100, canary: 0, mirrored: false, matched: null });
      expect(messages(lines)).toContain('Advance podinfo.test canary iteration 3/3');
      expect(summary.primaryImage).toBe(V1);
    },
  },
  {
    name: 'blue-green-mirroring',
    ending: 'promoted',
    check: ({ lines, summary }) => {
      expect([4, 5, 6].map((n) => tick(lines, n).routes)).toEqual(Array(3).fill({ primary: 100, canary: 0, mirrored: true, matched: null }));
      expect(tick(lines, 7).routes).toEqual({ primary: 0, canary: 100, mirrored: false, matched: null });
      expect(summary.canaryWeights).toEqual([100]);
    },
  },
  {
    name: 'canary-mirror-step',
    ending: 'promoted',
    check: ({ lines, summary }) => {
      expect(tick(lines, 4).routes).toEqual({ primary: 100, canary: 0, mirrored: true, matched: null });
      expect(tick(lines, 5).routes.mirrored).toBe(false);
      expect(summary.canaryWeights).toEqual([10, 20]);
    },
  },
  {
    name: 'session-affinity',
    ending: 'promoted',
    check: ({ summary }) => expect(summary.canaryWeights).toEqual([10, 20, 30]),
    inspect: async (kube) => {
      const canary = await kube.get<KubeObject>({ apiVersion: 'flagger.app/v1beta1', kind: 'Canary', namespace: 'test', name: 'podinfo' });
      expect((canary?.['status'] as { previousSessionAffinityCookie?: string } | undefined)?.previousSessionAffinityCookie).toMatch(/^flagger-cookie=/);
    },
  },
  {
    name: 'step-weight-promotion',
    ending: 'promoted',
    check: ({ lines }) => {
      expect([6, 7, 8, 9].map((n) => tick(lines, n).routes.primary)).toEqual([50, 70, 90, 100]);
      expect(messages(lines)).toContain('Advance podinfo.test primary weight 70');
    },
  },
  {
    name: 'hpa-primary',
    ending: 'promoted',
    check: ({ lines }) => {
      expect(tick(lines, 4).canary?.replicas).toBe(3);
      expect(phases(lines).at(-1)).toBe('Succeeded');
    },
    inspect: async (kube) => {
      const hpa = await kube.get({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', namespace: 'test', name: 'podinfo-primary' });
      expect((hpa?.['spec'] as { scaleTargetRef?: { name?: string } }).scaleTargetRef?.name).toBe('podinfo-primary');
    },
  },
  {
    name: 'daemonset-target',
    ending: 'promoted',
    check: ({ lines, summary }) => {
      expect(tick(lines, 2).canary?.replicas).toBe(0);
      expect(tick(lines, 4).canary?.readyReplicas).toBeGreaterThan(0);
      expect(summary).toMatchObject({ phase: 'Succeeded', primaryImage: V1 });
    },
  },
  {
    name: 'canary-never-ready',
    ending: 'rolledBack',
    check: ({ lines, summary }) => {
      expect(summary.phase).toBe('Failed');
      expect(messages(lines).some((m) => m.startsWith('Rolling back podinfo.test progress deadline exceeded'))).toBe(true);
      expect(summary.canaryWeights).toEqual([]);
    },
  },
  {
    name: 'release-during-initialization',
    ending: 'promoted',
    check: ({ lines, summary }) => {
      expect(phases(lines)).toEqual(PROMOTED);
      expect(tick(lines, 2).events.map((e) => e.message)).toEqual(['Initialization done! podinfo.test']);
      expect(tick(lines, 2).primary?.image).toBe(V0);
      expect(tick(lines, 3).events.map((e) => e.message)).toEqual(['New revision detected! Scaling up podinfo.test']);
      expect(tick(lines, 3).canary).toEqual({ replicas: 2, readyReplicas: 2, image: V1 });
      expect(messages(lines)).toContain('Copying podinfo.test template spec to podinfo-primary.test');
      expect(summary).toEqual({ ticks: 9, phase: 'Succeeded', canaryWeights: [10, 20, 30], primaryImage: V1 });
      expect(lines.at(-1)?.primary).toEqual({ replicas: 2, readyReplicas: 2, image: V1 });
    },
  },
  {
    name: 'promotion-failure-recreate',
    ending: 'restored',
    check: ({ lines }) => {
      // The step that promotes moves all traffic to the canary: the recreated primary has no pod to serve it.
      expect(tick(lines, 7)).toMatchObject({ phase: 'Promoting', canaryWeight: 100, routes: { primary: 0, canary: 100, mirrored: false, matched: null } });
      expect(tick(lines, 7).primary).toEqual({ replicas: 2, readyReplicas: 0, image: V1 });
      expect(tick(lines, 7).events.map((e) => e.message)).toEqual([
        'Copying podinfo.test template spec to podinfo-primary.test',
        'Primary podinfo-primary.test has no available replica while it is updated, routing all traffic to the canary',
      ]);
      expect(tick(lines, 8).routes.canary).toBe(100);
      const failed = lines.find((l) => l.phase === 'Failed');
      expect(failed?.alerts.some((a) => a.severity === 'error' && a.message.startsWith('Promotion failed, primary not ready: '))).toBe(true);
      // The run goes on in Failed while the primary is restored and takes the traffic back, then the canary is
      // scaled down once the routes read back all-primary, and it stops once the controller is at rest.
      expect(lines.map((l) => l.phase).slice(-3)).toEqual(['Failed', 'Failed', 'Failed']);
      expect(lines.at(-2)?.events.map((e) => e.message)).toEqual(['Primary restored to the last promoted revision']);
      expect(lines.at(-2)?.canary?.replicas).toBeGreaterThan(0);
      expect(lines.at(-1)?.events).toEqual([]);
    },
  },
  {
    name: 'promotion-failure-stuck',
    ending: 'restored',
    check: ({ lines }) => {
      expect(messages(lines).some((m) => m.startsWith('Promotion failed, primary not ready: podinfo-primary.test not ready 180s after promotion'))).toBe(true);
      expect(lines.at(-1)?.primary?.image).toBe(V0);
      expect(lines.at(-1)?.routes.primary).toBe(100);
    },
  },
  {
    name: 'promotion-failure-hold',
    ending: 'held',
    check: ({ lines }) => {
      // The run stops on the Failed tick: holding leaves nothing in flight.
      expect(phases(lines)).toEqual(['Initializing', 'Initialized', 'Progressing', 'Promoting', 'Failed']);
      expect(lines.filter((l) => l.phase === 'Failed')).toHaveLength(1);
      expect(lines.at(-1)?.alerts.map((a) => a.severity)).toEqual(['error']);
    },
  },
  {
    name: 'runtime-pause-promote',
    ending: 'promoted',
    check: ({ lines, summary }) => {
      expect([5, 6].map((n) => tick(lines, n).routes.canary)).toEqual([10, 10]);
      expect(messages(lines)).toContain('Promotion of podinfo.test requested by scenario, skipping the remaining analysis');
      expect(summary).toMatchObject({ phase: 'Succeeded', canaryWeights: [10, 20], primaryImage: V1 });
    },
  },
  {
    name: 'runtime-abort',
    ending: 'rolledBack',
    check: ({ lines, summary }) => {
      expect(messages(lines)).toContain('Rolling back podinfo.test aborted by scenario');
      // Tick 6 aborts; tick 7 scales the canary down once the routes read back all-primary.
      expect(summary).toEqual({ ticks: 7, phase: 'Failed', canaryWeights: [10, 20], primaryImage: V0 });
    },
  },
  {
    name: 'primary-deleted-mid-analysis',
    ending: 'promoted',
    check: ({ lines, summary }) => {
      const v2 = 'ghcr.io/stefanprodan/podinfo:6.0.2';
      const rebuilt = 'Primary podinfo-primary.test was missing; rebuilt from the last promoted revision';
      // Deleted at tick 17 while 6.0.2 is analysed: back on the promoted 6.0.1, never on the canary's untested 6.0.2,
      // and no traffic for it until its pods are ready.
      expect(tick(lines, 17)).toMatchObject({ phase: 'Progressing', canaryWeight: 100, routes: { primary: 0, canary: 100 }, primary: { replicas: 2, readyReplicas: 0, image: V1 } });
      expect(tick(lines, 17).events.map((e) => e.message)).toContain(rebuilt);
      expect(tick(lines, 17).alerts).toContainEqual({ severity: 'error', message: rebuilt });
      expect(tick(lines, 18)).toMatchObject({ routes: { primary: 0, canary: 100 }, primary: { readyReplicas: 0, image: V1 } });
      const secondPromotion = lines.findIndex((l) => l.tick > 17 && l.phase === 'Promoting');
      expect(lines.slice(16, secondPromotion).every((l) => l.primary?.image === V1)).toBe(true);
      // The run restarts from its first step once the rebuilt primary is ready, and 6.0.2 is promoted after a whole analysis.
      expect(tick(lines, 19).events.map((e) => e.message)).toEqual(['Primary podinfo-primary.test is ready again, restarting analysis for podinfo.test']);
      expect(tick(lines, 19).routes).toMatchObject({ primary: 100, canary: 0 });
      expect(tick(lines, 20).events.map((e) => e.message)).toContain('Starting canary analysis for podinfo.test');
      expect(summary).toEqual({ ticks: 25, phase: 'Succeeded', canaryWeights: [10, 20, 30, 10, 20, 100, 10, 20, 30], primaryImage: v2 });
    },
  },
  {
    name: 'canary-deleted',
    ending: 'terminated',
    check: ({ lines, summary }) => {
      expect(summary).toEqual({ ticks: 6, phase: 'Terminated', canaryWeights: [10, 20], primaryImage: null });
      expect(tick(lines, 5)).toMatchObject({ phase: 'Progressing', canaryWeight: 20 });
      const last = tick(lines, 6);
      // Nothing reverted: the target keeps the pods it had under analysis, the primary went with the Canary.
      expect(last.canary).toEqual({ replicas: 2, readyReplicas: 2, image: V1 });
      expect(last.events).toEqual([]);
      expect(last.alerts).toEqual([
        { severity: 'warn', message: "Canary podinfo.test deleted in phase Progressing: not reverted (no revertOnDeletion finalizer on it); its primary, Services and routes are left to the cluster's garbage collection" },
      ]);
    },
  },
  {
    name: 'revert-on-deletion',
    ending: 'terminated',
    inspect: async (kube) => {
      expect(await kube.get({ apiVersion: 'flagger.app/v1beta1', kind: 'Canary', namespace: 'test', name: 'podinfo' })).toBeUndefined();
      const apex = await kube.get<KubeObject>({ apiVersion: 'v1', kind: 'Service', namespace: 'test', name: 'podinfo' });
      expect((apex?.['spec'] as { selector?: unknown }).selector).toEqual({ app: 'podinfo' });
      for (const name of ['podinfo-primary', 'podinfo-canary']) {
        expect(await kube.get({ apiVersion: 'v1', kind: 'Service', namespace: 'test', name })).toBeUndefined();
      }
    },
    check: ({ lines, summary }) => {
      expect(phases(lines)).toEqual([...PROMOTED, 'Terminating', 'Terminated']);
      expect(summary).toEqual({ ticks: 13, phase: 'Terminated', canaryWeights: [], primaryImage: null });
      // Deleted at tick 12 with podinfo at zero: scaled back up to the primary's 2 replicas, traffic stays on the primary.
      expect(tick(lines, 12)).toMatchObject({
        phase: 'Terminating',
        routes: { primary: 100, canary: 0 },
        primary: { replicas: 2, readyReplicas: 2, image: V1 },
        canary: { replicas: 2, readyReplicas: 0, image: V1 },
      });
      expect(tick(lines, 12).events.map((e) => e.message)[0]).toBe('Terminating canary podinfo.test');
      // Once podinfo's pods are ready the apex Service selects them again; the Canary and its primary are gone.
      expect(tick(lines, 13)).toMatchObject({
        phase: 'Terminated',
        routes: { primary: 0, canary: 100 },
        primary: null,
        canary: { replicas: 2, readyReplicas: 2, image: V1 },
        events: [{ type: 'Normal', message: 'Terminated canary podinfo.test' }],
      });
      for (const line of lines) {
        if (line.routes.canary > 0) expect(line.canary?.readyReplicas, `ready target pods behind its traffic, tick ${line.tick}`).toBeGreaterThan(0);
      }
    },
  },
];

/** Flagger's event texts (issue 4 §1.8), `<n>`/`<t>` being podinfo, each of which some scenario must show. */
const FLAGGER_EVENTS: readonly RegExp[] = [
  /^Initialization done! podinfo\.test$/,
  /^New revision detected! Scaling up podinfo\.test$/,
  /^Starting canary analysis for podinfo\.test$/,
  /^Advance podinfo\.test canary weight \d+$/,
  /^Advance podinfo\.test canary iteration \d+\/\d+$/,
  /^Advance podinfo\.test primary weight \d+$/,
  /^Halt podinfo\.test advancement success rate [\d.]+% < [\d.]+%$/,
  /^Halt podinfo\.test advancement request duration \S+ > \S+$/,
  /^Halt advancement no values found for istio metric request-success-rate probably podinfo\.test is not receiving traffic$/,
  /^Halt podinfo\.test advancement waiting for approval rollout-gate$/,
  /^Halt podinfo\.test advancement waiting for promotion approval promotion-gate$/,
  /^Halt podinfo\.test advancement waiting for traffic increase approval traffic-gate$/,
  /^Rolling back podinfo\.test failed checks threshold reached \d+$/,
  /^Rolling back podinfo\.test manual webhook invoked$/,
  /^Canary failed! Scaling down podinfo\.test$/,
  /^Copying podinfo\.test template spec to podinfo-primary\.test$/,
  /^Routing all traffic to primary$/,
  /^Promotion completed! Scaling down podinfo\.test$/,
  /^Promotion completed! Canary analysis was skipped for podinfo\.test$/,
  /^New revision detected! Restarting analysis for podinfo\.test$/,
  /^Terminating canary podinfo\.test$/,
  /^Terminated canary podinfo\.test$/,
  /^Error checking metric providers: /,
];

/** Every event message of every scenario played so far (the cases run in order, before the coverage check). */
const seen = new Set<string>();

describe('the scenario catalogue', () => {
  it('has a test for every file and a file for every test', () => {
    // `<provider>-*.yaml` of the other providers are played by that provider's own test (test/sim/scenario/providers/).
    const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml') && !OWN_TEST_PROVIDERS.some((p) => f.startsWith(`${p}-`))).map((f) => f.replace(/\.yaml$/, '')).sort();

    expect(files).toEqual(CASES.map((c) => c.name).sort());
  });

  it.each(CASES)('$name', async ({ name, ending, check, inspect }) => {
    const run = await play(name, inspect);

    checkEnding(ending, run);
    check(run);
    for (const message of messages(run.lines)) seen.add(message);
    for (const line of run.lines) {
      expect(line.routes.primary + line.routes.canary, `weights of tick ${line.tick}`).toBe(100);
      if (line.routes.canary > 0) expect(line.canary?.replicas, `canary replicas while it carries traffic, tick ${line.tick}`).toBeGreaterThan(0);
      if (line.routes.primary > 0 && line.primary !== null) {
        expect(line.primary.readyReplicas, `no traffic to a primary with no ready replica, tick ${line.tick}`).toBeGreaterThan(0);
      }
    }
  });

  it('shows each of Flagger\'s event texts somewhere in the catalogue', () => {
    const missing = FLAGGER_EVENTS.filter((pattern) => ![...seen].some((message) => pattern.test(message)));

    expect(missing).toEqual([]);
  });
});
