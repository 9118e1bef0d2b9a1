/**
 * Test data for the engine: a podinfo Canary like Flagger's tutorials, stored states per phase, observed facts,
 * and a driver that answers the engine's needs (webhooks by name, metrics by name) the way the controller
 * would. Facts are plain data, so nothing of the engine is mocked.
 */
import { expect } from 'vitest';
import type { RouteReading } from '../../shared/api/routes.ts';
import type { Canary, CanaryAnalysis, CanarySpec } from '../../shared/api/types.ts';
import type { CanaryState, ControlAction, Phase } from '../../shared/api/state.ts';
import type { HookResult } from '../../shared/hooks/types.ts';
import type { MetricQueryResult } from '../../shared/metrics/types.ts';
import { step } from '../../shared/engine/index.ts';
import type { EffectType, Facts, Need, PrimaryFacts, StepDecided, StepInput, TargetFacts } from '../../shared/engine/index.ts';

/** The step time used by most cases. */
export const NOW = '2026-01-01T01:00:00Z';

/** An ISO time `seconds` before {@link NOW}. */
export function ago(seconds: number): string {
  return new Date(Date.parse(NOW) - seconds * 1000).toISOString().replace('.000Z', 'Z');
}

/** The podinfo Canary: istio, stepWeight 10 up to 50, threshold 3, success rate ≥ 99%. */
export function canary(analysis: Partial<CanaryAnalysis> = {}, spec: Partial<CanarySpec> = {}, annotations?: Record<string, string>): Canary {
  return {
    apiVersion: 'flagger.app/v1beta1',
    kind: 'Canary',
    metadata: { name: 'podinfo', namespace: 'test', ...(annotations ? { annotations } : {}) },
    spec: {
      provider: 'istio',
      targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo' },
      service: { port: 9898 },
      ...spec,
      analysis: {
        interval: '1m',
        threshold: 3,
        maxWeight: 50,
        stepWeight: 10,
        metrics: [{ name: 'request-success-rate', thresholdRange: { min: 99 }, interval: '1m' }],
        ...analysis,
      },
    },
  };
}

/** The pod template of revision `hash`. */
export function template(hash: string): Record<string, unknown> {
  return { metadata: { labels: { app: 'podinfo' } }, spec: { containers: [{ name: 'podinfod', image: `podinfo:${hash}` }] } };
}

/** A stored state in `phase`: revision `rev-1` promoted; an active phase runs `rev-2`. */
export function state(phase: Phase, patch: Partial<CanaryState> = {}): CanaryState {
  const active = !['Initialized', 'Succeeded', 'Failed', 'Initializing'].includes(phase);
  return {
    phase,
    canaryWeight: 0,
    failedChecks: 0,
    iterations: 0,
    lastAppliedSpec: active ? 'rev-2' : 'rev-1',
    lastPromotedSpec: 'rev-1',
    lastPromotedTemplate: template('rev-1') as CanaryState['lastPromotedTemplate'],
    lastPromotedConfigs: {},
    trackedConfigs: {},
    conditions: [],
    controls: [],
    paused: false,
    phaseEnteredAt: ago(120),
    lastTransitionTime: ago(60),
    version: 7,
    ...(active ? { progressingSince: ago(300) } : {}),
    ...patch,
  };
}

/** A state with a runtime control pending. */
export function withControl(s: CanaryState, action: ControlAction): CanaryState {
  return { ...s, controls: [...s.controls, { action, requestedBy: 'cli:alice', requestedAt: ago(5) }] };
}

const READY = { kind: 'ready' } as const;

/** A workload that is ready with `replicas` replicas. */
export function workload(patch: Partial<PrimaryFacts> = {}): PrimaryFacts {
  return { exists: true, readiness: READY, replicas: 2, availableReplicas: 2, ...patch };
}

/** Routes read back. */
export function routes(primary: number, canaryWeight: number, mirrored = false, matched: { primary: number; canary: number } | null = null): RouteReading {
  return { ok: true, primary, canary: canaryWeight, mirrored, matched };
}

/** Facts of a cluster where the target runs `rev-2`, everything ready, all traffic on the primary. */
export function facts(patch: Partial<Omit<Facts, 'target'>> & { target?: Partial<TargetFacts> } = {}): Facts {
  const { target, ...rest } = patch;
  return {
    target: { ...workload({ replicas: 2 }), templateHash: 'rev-2', template: template('rev-2'), ...target },
    primary: workload(),
    trackedConfigs: {},
    routes: routes(100, 0),
    ...rest,
  };
}

/** How the fake world answers a webhook: by name, default pass. */
export type HookAnswer = 'pass' | 'fail' | 'pending' | 'inProgress';
/** How the fake world answers a metric: a value, `nodata`, `error`, or a raw result. */
export type MetricAnswer = number | 'nodata' | 'error' | MetricQueryResult;

/** Scripted answers for one step. */
export interface Answers {
  readonly hooks?: Readonly<Record<string, HookAnswer>>;
  readonly metrics?: Readonly<Record<string, MetricAnswer>>;
}

/** What a driven step returned and what it asked for on the way. */
export interface Driven extends StepDecided {
  /** Each `needs` result in order. */
  readonly asked: readonly (readonly Need[])[];
  /** The webhook names called, in order. */
  readonly called: readonly string[];
  readonly types: readonly EffectType[];
  readonly messages: readonly string[];
}

function hookResult(answer: HookAnswer): HookResult {
  if (answer === 'pass') return { kind: 'passed', detail: '', statusCode: 200 };
  if (answer === 'pending') return { kind: 'pending', detail: 'gate closed', statusCode: 403 };
  if (answer === 'inProgress') return { kind: 'pending', detail: '{"status":"IN_PROGRESS","retryAfterSeconds":30}', statusCode: 200, inProgress: true, retryAfterSeconds: 30 };
  return { kind: 'failed', detail: 'HTTP 500', statusCode: 500 };
}

function metricResult(answer: MetricAnswer): MetricQueryResult {
  if (typeof answer === 'number') return { kind: 'value', value: answer };
  if (answer === 'nodata') return { kind: 'noData', reason: 'no values found' };
  if (answer === 'error') return { kind: 'error', error: 'connection refused' };
  return answer;
}

/** Runs `step` until it decides, answering its needs from `answers`. */
export function drive(input: StepInput, answers: Answers = {}): Driven {
  const asked: Need[][] = [];
  const called: string[] = [];
  let current = input;
  for (let round = 0; round < 50; round++) {
    const result = step(current);
    if (result.kind === 'decided') {
      return {
        ...result,
        asked,
        called,
        types: result.effects.map((e) => e.type),
        messages: result.events.map((e) => e.message),
      };
    }
    asked.push([...result.needs]);
    const hooks: Record<string, HookResult> = { ...(current.facts.hooks ?? {}) };
    const metrics = { ...(current.facts.metrics ?? {}) };
    for (const need of result.needs) {
      if (need.type === 'hook') {
        called.push(need.call.name);
        hooks[need.key] = hookResult(answers.hooks?.[need.call.name] ?? 'pass');
      } else {
        const fallback: MetricAnswer = need.request.name === 'request-duration' ? 50 : 100;
        metrics[need.key] = { provider: 'prometheus', result: metricResult(answers.metrics?.[need.request.name] ?? fallback) };
      }
    }
    current = { ...current, facts: { ...current.facts, hooks, metrics } };
  }
  throw new Error('step kept asking for facts');
}

/** Drives one step of `c` from `s` with facts `f` at {@link NOW}. */
export function tick(c: Canary, s: CanaryState | undefined, f: Facts, answers: Answers = {}): Driven {
  return drive({ canary: c, state: s, facts: f, now: NOW }, answers);
}

/** The routes of the step's `setRoutes` effects, in order. */
export function routesSet(d: Driven): unknown[] {
  return d.effects.flatMap((e) => (e.type === 'setRoutes' ? [e.routes] : []));
}

/** One row of an engine table: a step's input and what must come out. */
export interface Case {
  readonly name: string;
  readonly canary?: Canary;
  /** The stored state; `'new'` for a canary the store has never seen. */
  readonly state: CanaryState | 'new';
  readonly facts?: Facts;
  readonly answers?: Answers;
  readonly now?: string;
  readonly phase?: Phase;
  readonly decision?: string;
  /** The effect types, in order. */
  readonly types?: readonly EffectType[];
  /** The event messages, in order. */
  readonly messages?: readonly string[];
  /** Further checks. */
  readonly then?: (d: Driven) => void;
}

/** Runs one table row and checks what it states. */
export function check(row: Case): Driven {
  const d = drive(
    { canary: row.canary ?? canary(), state: row.state === 'new' ? undefined : row.state, facts: row.facts ?? facts(), now: row.now ?? NOW },
    row.answers,
  );
  if (row.phase !== undefined) expect(d.next.phase, 'phase').toBe(row.phase);
  if (row.decision !== undefined) expect(d.decision, 'decision').toBe(row.decision);
  if (row.types !== undefined) expect(d.types, 'effect types').toEqual(row.types);
  if (row.messages !== undefined) expect(d.messages, 'events').toEqual(row.messages);
  row.then?.(d);
  return d;
}

/** The alerts of a step as `severity: message`. */
export function alertsOf(d: Driven): string[] {
  return d.effects.flatMap((e) => (e.type === 'notify' ? [`${e.severity}: ${e.message}`] : []));
}
