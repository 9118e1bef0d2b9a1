/**
 * What a release of a Canary will do, as data: strategy, traffic ladder or iterations, hooks in firing
 * order, metric checks with their accepted ranges, and the shortest time to promotion and to rollback.
 * `fledge explain` prints it; it is pure and derived from the defaulted view only.
 */
import { redactUrl } from '../redact.ts';
import type { FledgeOptions } from './annotations.ts';
import { DEFAULT_FLEDGE_OPTIONS } from './annotations.ts';
import type { DefaultedMetric, DefaultedWebhook, DefaultsOptions } from './defaults.ts';
import { withDefaults } from './defaults.ts';
import { promotionLadder, weightLadder } from './ladder.ts';
import type { FieldIssue } from './paths.ts';
import type { Weights } from './state.ts';
import type { Strategy } from './strategy.ts';
import { deriveStrategy, isIterative, STRATEGY_DESCRIPTIONS } from './strategy.ts';
import type { AnalysisMatch, Canary, CanaryProvider, WebhookType } from './types.ts';

/** Webhook types in the order they fire during a release. */
export const HOOK_FIRING_ORDER = [
  'confirm-rollout',
  'pre-rollout',
  'rollout',
  'confirm-traffic-increase',
  'confirm-promotion',
  'post-rollout',
  'rollback',
  'event',
] as const satisfies readonly Exclude<WebhookType, ''>[];

/** When each webhook type fires and what its answer does. */
export const HOOK_WHEN: Record<(typeof HOOK_FIRING_ORDER)[number], string> = {
  'confirm-rollout': 'before the canary is scaled up; the release waits until it answers 200',
  'pre-rollout': 'before traffic reaches the canary; a failure counts as a failed check',
  rollout: 'every interval during the analysis; a failure counts as a failed check',
  'confirm-traffic-increase': 'before each weight increase; the release waits until it answers 200',
  'confirm-promotion': 'before promotion; the release waits until it answers 200',
  'post-rollout': 'after promotion or rollback',
  rollback: 'every interval while progressing or waiting; an answer of 200 rolls back',
  event: 'on every event of the canary',
};

/** A hook of the plan, in firing order. */
export interface PlannedHook extends Pick<DefaultedWebhook, 'name' | 'type' | 'url' | 'timeout' | 'retries'> {
  readonly when: string;
}

/** How traffic moves during the analysis. */
export type TrafficPlan =
  | {
      readonly kind: 'weights';
      /** Canary weight after each advance, the last at or past maxWeight. */
      readonly ladder: number[];
      readonly maxWeight: number;
      /** One interval of mirrored traffic before the first weight. */
      readonly mirrorStep: boolean;
      readonly mirrorWeight?: number;
      readonly sessionAffinity?: { readonly cookieName: string; readonly maxAge: number };
      readonly match?: AnalysisMatch[];
    }
  | {
      readonly kind: 'iterations';
      readonly iterations: number;
      readonly mirror: boolean;
      /** Blue/green: after the iterations all traffic goes to the canary for one interval before promotion. */
      readonly switchesAllTraffic: boolean;
      readonly mirrorWeight?: number;
      /** A/B testing conditions routed to the canary. */
      readonly match?: AnalysisMatch[];
    };

/** The plan of one Canary's release. */
export interface CanaryPlan {
  readonly name: string;
  readonly namespace: string;
  readonly target: { readonly apiVersion: string; readonly kind: string; readonly name: string };
  readonly autoscaler?: { readonly kind: string; readonly name: string };
  readonly provider: CanaryProvider;
  /** True when `spec.provider` is empty and the default applies. */
  readonly providerDefaulted: boolean;
  readonly strategy: Strategy;
  readonly strategyDescription: string;
  readonly interval: string;
  readonly intervalMs: number;
  readonly threshold: number;
  readonly progressDeadlineSeconds: number;
  readonly skipAnalysis: boolean;
  readonly suspend: boolean;
  readonly traffic: TrafficPlan;
  /** Routing steps after promotion (empty: no traffic shift, kubernetes provider). */
  readonly promotion: Weights[];
  readonly hooks: PlannedHook[];
  readonly metrics: DefaultedMetric[];
  readonly alerts: { readonly name: string; readonly severity: string; readonly provider: string }[];
  /** Shortest time to promotion and to rollback, with the step counts they come from. */
  readonly durations: {
    readonly promotionSteps: number;
    readonly promotionMs: number;
    readonly rollbackChecks: number;
    readonly rollbackMs: number;
  };
  readonly options: FledgeOptions;
  readonly warnings: FieldIssue[];
}

/**
 * Plans the release of a parsed Canary.
 * @example planCanary(parseCanaryOrThrow(object)).durations.promotionMs
 */
export function planCanary(
  canary: Canary,
  options: FledgeOptions = DEFAULT_FLEDGE_OPTIONS,
  warnings: FieldIssue[] = [],
  defaults: DefaultsOptions = {},
): CanaryPlan {
  const { metadata, spec } = withDefaults(canary, defaults);
  const analysis = spec.analysis;
  const decision = deriveStrategy(canary.spec.analysis, spec.provider);
  const traffic = trafficPlan(spec.strategy, analysis, decision.mirrorStep, spec.provider);
  const steps = traffic.kind === 'weights' ? traffic.ladder.length + (traffic.mirrorStep ? 1 : 0) : traffic.iterations;
  const planWarnings = [...warnings];
  const hooks = [...analysis.webhooks]
    .sort((a, b) => HOOK_FIRING_ORDER.indexOf(a.type) - HOOK_FIRING_ORDER.indexOf(b.type))
    .map((hook) => ({ name: hook.name, type: hook.type, url: redactUrl(hook.url), timeout: hook.timeout, retries: hook.retries, when: HOOK_WHEN[hook.type] }));
  analysis.webhooks.forEach((hook, i) => {
    if (hook.type === 'confirm-traffic-increase' && isIterative(spec.strategy)) {
      planWarnings.push({ path: `spec.analysis.webhooks[${i}].type`, message: 'confirm-traffic-increase never fires: this strategy has no weight steps' });
    }
  });
  const lastCanaryWeight = traffic.kind === 'weights' ? (traffic.ladder[traffic.ladder.length - 1] ?? 0) : 100;
  return {
    name: metadata.name,
    namespace: metadata.namespace,
    target: { ...spec.targetRef },
    ...(spec.autoscalerRef ? { autoscaler: { kind: spec.autoscalerRef.kind, name: spec.autoscalerRef.name } } : {}),
    provider: spec.provider,
    providerDefaulted: canary.spec.provider === undefined,
    strategy: spec.strategy,
    strategyDescription: STRATEGY_DESCRIPTIONS[spec.strategy],
    interval: analysis.interval,
    intervalMs: analysis.intervalMs,
    threshold: analysis.threshold,
    progressDeadlineSeconds: spec.progressDeadlineSeconds,
    skipAnalysis: spec.skipAnalysis,
    suspend: spec.suspend,
    traffic,
    promotion: promotionLadder(analysis, lastCanaryWeight, spec.provider),
    hooks,
    metrics: analysis.metrics,
    alerts: analysis.alerts.map((a) => ({ name: a.name, severity: a.severity, provider: `${a.providerRef.namespace}/${a.providerRef.name}` })),
    durations: {
      promotionSteps: steps,
      promotionMs: steps * analysis.intervalMs,
      rollbackChecks: analysis.threshold,
      rollbackMs: analysis.threshold * analysis.intervalMs,
    },
    options,
    warnings: planWarnings,
  };
}

function trafficPlan(
  strategy: Strategy,
  analysis: ReturnType<typeof withDefaults>['spec']['analysis'],
  mirrorStep: boolean,
  provider: CanaryProvider,
): TrafficPlan {
  const match = analysis.match.length > 0 ? { match: analysis.match } : {};
  if (isIterative(strategy)) {
    const mirror = strategy === 'blue-green-with-mirror';
    return {
      kind: 'iterations',
      iterations: analysis.iterations ?? 0,
      mirror,
      switchesAllTraffic: strategy !== 'ab-testing' && provider !== 'kubernetes',
      ...(mirror && analysis.mirrorWeight !== undefined ? { mirrorWeight: analysis.mirrorWeight } : {}),
      ...match,
    };
  }
  return {
    kind: 'weights',
    ladder: weightLadder(analysis),
    maxWeight: analysis.maxWeight,
    mirrorStep,
    ...(mirrorStep && analysis.mirrorWeight !== undefined ? { mirrorWeight: analysis.mirrorWeight } : {}),
    ...(analysis.sessionAffinity
      ? { sessionAffinity: { cookieName: analysis.sessionAffinity.cookieName, maxAge: analysis.sessionAffinity.maxAge } }
      : {}),
    ...match,
  };
}
