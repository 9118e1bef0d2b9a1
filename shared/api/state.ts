/**
 * The persisted runtime state of one canary and its audit trail: what the engine reads and writes through the
 * store on every step. Everything here is plain JSON data (no classes, no `Date`, no `undefined` that matters):
 * the store writes it as JSON and the engine compares, logs and replays it. Times are ISO 8601 strings in UTC
 * (`2026-01-01T00:03:00Z`), except `expiresAt` which is DynamoDB TTL epoch seconds.
 *
 * To add a field: add it here as optional (or give it a default in the store's reader), and the store keeps it
 * without further change; stored states written before the field existed read back without it.
 */
import type { CanaryCondition, ThresholdRange, WebhookType } from './types.ts';

// ---------------------------------------------------------------------------------------------------------
// Phases

/**
 * Flagger's canary phases (`status.phase`), with Flagger's exact strings. A canary the store has never seen
 * has no state at all; that is Flagger's empty phase.
 */
export const Phases = {
  Initializing: 'Initializing',
  Initialized: 'Initialized',
  Waiting: 'Waiting',
  Progressing: 'Progressing',
  WaitingPromotion: 'WaitingPromotion',
  Promoting: 'Promoting',
  Finalising: 'Finalising',
  Succeeded: 'Succeeded',
  Failed: 'Failed',
  Terminating: 'Terminating',
  Terminated: 'Terminated',
} as const;

/** One of {@link Phases}. */
export type Phase = (typeof Phases)[keyof typeof Phases];

/** Every {@link Phase}, in Flagger's order. */
export const PHASES: readonly Phase[] = Object.values(Phases);

/** True when `value` is one of Flagger's phase strings. */
export function isPhase(value: unknown): value is Phase {
  return typeof value === 'string' && (PHASES as readonly string[]).includes(value);
}

// ---------------------------------------------------------------------------------------------------------
// Identity

/** Which canary: one Fledge deployment serves many clusters, so the cluster is part of the identity. */
export interface CanaryId {
  /** The cluster's name as Fledge knows it (e.g. the EKS cluster name). No `/` or `#`. */
  readonly cluster: string;
  readonly namespace: string;
  readonly name: string;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
// Cluster names are free-form (EKS allows letters, digits, `-` and `_`); only the key separators, blanks and
// control characters are ruled out so that canaryKey() stays unambiguous.
const CLUSTER_NAME = /^[^\s/#\p{Cc}]{1,255}$/u;

/**
 * What is wrong with `id`, one message per field (empty when it is valid): `namespace` must be a DNS label,
 * `name` a DNS subdomain (Kubernetes' rules), `cluster` 1–255 characters without `/`, `#` or blanks.
 */
export function canaryIdProblems(id: CanaryId): string[] {
  const problems: string[] = [];
  const show = (v: unknown): string => JSON.stringify(v) ?? String(v);
  if (typeof id.cluster !== 'string' || !CLUSTER_NAME.test(id.cluster)) {
    problems.push(`cluster: expected 1-255 characters without "/", "#" or blanks, got ${show(id.cluster)}`);
  }
  if (typeof id.namespace !== 'string' || id.namespace.length > 63 || !DNS_LABEL.test(id.namespace)) {
    problems.push(`namespace: expected a DNS label (a-z, 0-9, "-", at most 63), got ${show(id.namespace)}`);
  }
  if (typeof id.name !== 'string' || id.name.length > 253 || !DNS_SUBDOMAIN.test(id.name)) {
    problems.push(`name: expected a DNS subdomain (a-z, 0-9, "-", ".", at most 253), got ${show(id.name)}`);
  }
  return problems;
}

/** The stable string key of a canary: `<cluster>/<namespace>/<name>`. Unambiguous for valid ids. */
export function canaryKey(id: CanaryId): string {
  return `${id.cluster}/${id.namespace}/${id.name}`;
}

/** The inverse of {@link canaryKey}; `undefined` when `key` does not have three non-empty parts. */
export function parseCanaryKey(key: string): CanaryId | undefined {
  const parts = key.split('/');
  if (parts.length !== 3 || parts.some((p) => p === '')) return undefined;
  const [cluster, namespace, name] = parts as [string, string, string];
  return { cluster, namespace, name };
}

// ---------------------------------------------------------------------------------------------------------
// JSON

/** Any JSON value. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
/** A JSON object. */
export type JsonObject = { [key: string]: JsonValue };

/** An ISO 8601 date-time in UTC, e.g. `2026-01-01T00:03:00Z`. */
export type IsoTime = string;

// ---------------------------------------------------------------------------------------------------------
// Conditions and runtime controls

/** The condition type Flagger sets on a Canary. */
export const PROMOTED_CONDITION = 'Promoted';

/** Kubernetes condition statuses. */
export const ConditionStatuses = { True: 'True', False: 'False', Unknown: 'Unknown' } as const;
/** One of {@link ConditionStatuses}. */
export type ConditionStatus = (typeof ConditionStatuses)[keyof typeof ConditionStatuses];

/**
 * Runtime controls a user can request without editing the Canary (so GitOps tools do not revert them):
 * `promote` skips the remaining analysis, `abort` rolls back now, `pause`/`resume` freeze and unfreeze the
 * canary like `spec.suspend`, `retry` re-runs a Failed revision without changing the template.
 */
export const ControlActions = {
  promote: 'promote',
  abort: 'abort',
  pause: 'pause',
  resume: 'resume',
  retry: 'retry',
} as const;
/** One of {@link ControlActions}. */
export type ControlAction = (typeof ControlActions)[keyof typeof ControlActions];
/** Every {@link ControlAction}. */
export const CONTROL_ACTIONS: readonly ControlAction[] = Object.values(ControlActions);

/** A runtime-control request waiting for the engine, which consumes it on its next step. */
export interface ControlRequest {
  readonly action: ControlAction;
  /** Who asked, e.g. `cli:alice`. */
  readonly requestedBy: string;
  readonly requestedAt: IsoTime;
  /** Free text from the requester, shown in history. */
  readonly reason?: string;
}

/** A new revision that was detected but whose run has not started yet (e.g. held by a confirm-rollout gate). */
export interface PendingRevision {
  /** Hash of the target's pod template. */
  readonly spec: string;
  /** Hashes of the tracked ConfigMaps/Secrets with that revision, in {@link CanaryState.trackedConfigs}' shape. */
  readonly trackedConfigs: Readonly<Record<string, string>>;
  readonly detectedAt: IsoTime;
}

// ---------------------------------------------------------------------------------------------------------
// State

/**
 * The state of one canary, the truth the engine works from (the Canary's `.status` only mirrors it). The field
 * names that also exist in Flagger's `status` keep Flagger's names and meaning.
 */
export interface CanaryState {
  readonly phase: Phase;
  /** Traffic weight of the canary, 0–100, as Flagger reports it. */
  readonly canaryWeight: number;
  /** Failed checks of the current run. */
  readonly failedChecks: number;
  /** Iterations done in the current run (A/B and blue/green). */
  readonly iterations: number;
  /** Hash of the target pod template whose run last started. Absent before the first run. */
  readonly lastAppliedSpec?: string;
  /** Hash of the pod template last promoted to the primary. */
  readonly lastPromotedSpec?: string;
  /** The full pod template (`spec.template` of the target) last promoted, kept so the primary can be restored. */
  readonly lastPromotedTemplate?: JsonObject;
  /** Tracked ConfigMaps/Secrets: `configmap/<name>` or `secret/<name>` → content hash (Flagger's shape). */
  readonly trackedConfigs: Readonly<Record<string, string>>;
  /** Cookie value routing a session to the canary during the current run (Flagger's session affinity). */
  readonly sessionAffinityCookie?: string;
  /** Cookie value pinning a session to the primary. */
  readonly primarySessionAffinityCookie?: string;
  /** Cookie value of the previous run, expired by the router. */
  readonly previousSessionAffinityCookie?: string;
  /** Flagger's status conditions; in practice one `Promoted` condition whose reason is the phase. */
  readonly conditions: readonly CanaryCondition[];
  readonly pendingRevision?: PendingRevision;
  /** Runtime-control requests not yet consumed by the engine, oldest first. */
  readonly controls: readonly ControlRequest[];
  /** Frozen by a `pause` control until `resume`. */
  readonly paused: boolean;
  /** When the current phase was entered. */
  readonly phaseEnteredAt?: IsoTime;
  /** When the current run entered Progressing (the canary-readiness deadline counts from here). */
  readonly progressingSince?: IsoTime;
  /** When the current promotion started (the primary-readiness deadline counts from here, or from its last progress). */
  readonly promotingSince?: IsoTime;
  /**
   * The most updated primary replicas seen available during the current promotion, and when that number last
   * rose: a primary still rolling out gets `progressDeadlineSeconds` from its last progress, as Kubernetes
   * counts it, while one that never rises (or falls back, e.g. crash-looping) keeps the deadline it had.
   */
  readonly primaryProgressCount?: number;
  readonly primaryProgressAt?: IsoTime;
  /** Last change of this state (Flagger's `status.lastTransitionTime`). */
  readonly lastTransitionTime: IsoTime;
  /**
   * The store's version of this state; 0 before the first commit. The store sets it on commit and load, so
   * a value passed in is ignored.
   */
  readonly version: number;
  /**
   * Tracked config hashes of the revision last promoted (the `trackedConfigs` twin of `lastPromotedSpec`), so
   * that going back to the promoted configs never starts a run.
   */
  readonly lastPromotedConfigs?: Readonly<Record<string, string>>;
  /** The pod template copied to the primary by the promotion in flight; it becomes `lastPromotedTemplate` on success. */
  readonly promotingTemplate?: JsonObject;
  /** Set while a failed promotion is being resolved (traffic on the canary); see {@link PromotionFailure}. */
  readonly promotionFailure?: PromotionFailure;
  /**
   * Since when the canary has been seen not ready during the current run (set when it is scaled up, cleared when
   * it is ready): the hard `progressDeadlineSeconds` deadline for a canary that is not ready counts from here, or from
   * its last progress.
   */
  readonly canaryNotReadySince?: IsoTime;
  /** The canary's progress while it is not ready, as {@link CanaryState.primaryProgressCount} is the primary's. */
  readonly canaryProgressCount?: number;
  readonly canaryProgressAt?: IsoTime;
  /** The idle phase (Initialized, Succeeded or Failed) the current run started from, returned to if it is cancelled. */
  readonly idlePhase?: Phase;
  /**
   * The error alert that the missing primary cannot be rebuilt (nothing tested to rebuild it from) was sent:
   * once per disappearance, cleared when the primary exists again.
   */
  readonly primaryNotRebuiltAlerted?: boolean;
  /**
   * A rollback moved all traffic back to the primary and the canary still has its pods: they are scaled to zero
   * by a later step, once the routes read back all-primary and applied, so no request still on its way to the
   * canary (a data plane that has not taken the new routes yet) finds it gone. The canary stays active meanwhile.
   */
  readonly canaryScaleDownPending?: boolean;
}

/**
 * A promotion whose primary did not become ready. Traffic was moved to the canary; with `restore` the primary is
 * being rolled back to the last promoted template and traffic returns to it once it is ready; with `hold`
 * (annotation `fledge.dev/promotion-failure: hold`, Flagger's behaviour) traffic stays on the canary.
 */
export interface PromotionFailure {
  readonly mode: 'restore' | 'hold';
  readonly at: IsoTime;
  /** Why, e.g. the primary's readiness message. */
  readonly reason: string;
  /** The error alert that the restored primary missed its own deadline was sent. */
  readonly restoreOverdueAlerted?: boolean;
}

/** The state of a canary the engine has just started to initialize. */
export function newCanaryState(now: IsoTime): CanaryState {
  return {
    phase: Phases.Initializing,
    canaryWeight: 0,
    failedChecks: 0,
    iterations: 0,
    trackedConfigs: {},
    conditions: [],
    controls: [],
    paused: false,
    phaseEnteredAt: now,
    lastTransitionTime: now,
    version: 0,
  };
}

// ---------------------------------------------------------------------------------------------------------
// History

/** A traffic split as percentages. */
export interface Weights {
  readonly primary: number;
  readonly canary: number;
  /** Traffic mirrored to the canary. @default false */
  readonly mirrored?: boolean;
}

/** How one metric check came out. */
export const MetricOutcomes = { pass: 'pass', fail: 'fail', noData: 'noData', error: 'error' } as const;
/** One of {@link MetricOutcomes}. */
export type MetricOutcome = (typeof MetricOutcomes)[keyof typeof MetricOutcomes];

/** One metric check as recorded in history: the value and the threshold it was held against. */
export interface MetricRecord {
  readonly name: string;
  /** The value read; `null` when there was none (no data, error). */
  readonly value: number | null;
  readonly thresholdRange?: ThresholdRange;
  readonly outcome: MetricOutcome;
  /** The rendered query, the provider's error or the "no values" reason. */
  readonly detail?: string;
  /** The rendered query as the provider ran it, whatever the outcome. */
  readonly query?: string;
  /** The provider type that answered (`prometheus`, `cloudwatch`, …). */
  readonly provider?: string;
}

/** How one webhook call came out (`pending` is a closed gate). */
export const WebhookOutcomes = { pass: 'pass', fail: 'fail', pending: 'pending' } as const;
/** One of {@link WebhookOutcomes}. */
export type WebhookOutcome = (typeof WebhookOutcomes)[keyof typeof WebhookOutcomes];

/** One webhook call as recorded in history. */
export interface WebhookRecord {
  readonly name: string;
  readonly type: WebhookType;
  readonly outcome: WebhookOutcome;
  readonly statusCode?: number;
  readonly detail?: string;
}

/** A Kubernetes event recorded on the Canary. */
export interface EventRecord {
  readonly type: 'Normal' | 'Warning';
  readonly message: string;
}

/**
 * One committed step of a canary, written with the state in the same transaction and never changed again:
 * the audit trail. Kept until `expiresAt`.
 */
export interface HistoryItem {
  readonly time: IsoTime;
  /** The controller's tick number this step belongs to; 0 for writes outside analysis (runtime controls). */
  readonly tick: number;
  /** What was decided, e.g. `advance`, `rollback`, `promote`, `control:abort`. */
  readonly decision: string;
  /** Who wrote the step: `scheduler`, `watcher`, `cli:<user>`, … */
  readonly actor: string;
  readonly message: string;
  /** Absent for the step that created the state. */
  readonly phaseBefore?: Phase;
  readonly phaseAfter: Phase;
  readonly weightsBefore: Weights;
  readonly weightsAfter: Weights;
  readonly metrics: readonly MetricRecord[];
  readonly webhooks: readonly WebhookRecord[];
  readonly events: readonly EventRecord[];
  /** DynamoDB TTL: epoch seconds after which the item may be deleted. */
  readonly expiresAt: number;
  /** The state version this step committed; set by the store, ignored on input. */
  readonly version?: number;
}
