/**
 * The engine's contract: what one analysis step reads (`StepInput`: the Canary, its stored state, the facts the
 * controller observed, the time) and what it returns (`StepResult`: either the expensive facts it still needs,
 * or the decision: next state, effects to execute, events). Everything is plain JSON data.
 */
import type { RouteReading, RouteSpec } from '../api/routes.ts';
import type { Canary } from '../api/types.ts';
import type { CanaryState, EventRecord, IsoTime, JsonObject, MetricRecord, Phase, WebhookRecord } from '../api/state.ts';
import type { HookResult, WebhookCall } from '../hooks/types.ts';
import type { MetricCheckRequest, MetricObservation } from '../metrics/types.ts';
import type { AlertField, Severity } from '../notify/types.ts';

// ---------------------------------------------------------------------------------------------------------
// Input

/**
 * Readiness of a workload as the workload room judges it (Flagger's `IsPrimaryReady` / `IsCanaryReady`, with
 * `primaryReadyThreshold` / `canaryReadyThreshold` applied):
 * - `ready`: the rollout is complete and enough updated replicas are available;
 * - `wait`: a rollout is under way or pods are not ready yet (retry on a later step);
 * - `failed`: the workload itself gave up (Deployment `ProgressDeadlineExceeded`).
 * `reason` is the full message Flagger would record, e.g. `canary deployment podinfo.test not ready: waiting
 * for rollout to finish: 0 of 1 (readyThreshold 100%) updated replicas are available`.
 */
export type Readiness =
  | { readonly kind: 'ready' }
  | { readonly kind: 'wait'; readonly reason: string }
  | { readonly kind: 'failed'; readonly reason: string };

/**
 * Fledge's strict check, whatever the workload's own conditions say: every desired replica updated and
 * available on the current template, no old replica left. The engine applies its own deadline to it.
 */
export type ExpectedState = { readonly kind: 'reached' } | { readonly kind: 'pending'; readonly reason: string };

/** What the controller observed of one workload (the target, or `<target>-primary`). */
export interface WorkloadFacts {
  readonly exists: boolean;
  readonly readiness: Readiness;
  /** The strict check; when absent the engine uses `readiness` alone. */
  readonly expected?: ExpectedState;
  /** Desired replicas (`spec.replicas`; for a DaemonSet the desired number scheduled). 0 when absent. */
  readonly replicas: number;
  /** Replicas available on the current template; 0 is "no ready replica at all" (e.g. a Recreate rollout). */
  readonly availableReplicas: number;
  /**
   * How far the rollout of the current template has come, from the status counts alone: the engine counts its
   * deadlines from the last increase of `updatedAvailable`. When absent they count from the start of the wait.
   */
  readonly progress?: RolloutProgress;
  /**
   * The target's own platform sends requests only to ready copies of it (Knative routes "latest" to the latest
   * *ready* Revision), so traffic may be given back to it before it is ready: reverting on deletion does not
   * wait for its readiness. @default false
   */
  readonly routesOnlyWhenReady?: boolean;
}

/** Updated replicas available on the current template, out of the desired ones (see `WorkloadFacts.progress`). */
export interface RolloutProgress {
  readonly updatedAvailable: number;
  readonly desired: number;
}

/** `<target>-primary`, with what a promotion would do to it. */
export interface PrimaryFacts extends WorkloadFacts {
  /**
   * Promoting now leaves the primary with no available pod until its new pods are ready (a Recreate strategy,
   * or a rolling update whose `maxUnavailable` covers every replica), as the workload room judges it from the
   * strategy the promotion copies. The engine then moves the traffic to the canary before promoting.
   * @default false
   */
  readonly updateDisruptive?: boolean;
}

/** The target workload (`spec.targetRef`), which runs the canary. */
export interface TargetFacts extends WorkloadFacts {
  /** Hash of the target's pod template, computed the way the workload room tracks revisions. */
  readonly templateHash: string;
  /**
   * The target's pod template (`spec.template`, JSON). Needed on the steps that initialize or promote (the
   * engine keeps the promoted template so a failed promotion can be undone); the controller always passes it.
   */
  readonly template?: object;
}

/**
 * The cheap facts, gathered by the controller before every step (in parallel), plus the expensive ones the
 * engine asked for (`hooks`, `metrics`), keyed by {@link Need.key}.
 */
export interface Facts {
  readonly target: TargetFacts;
  /** `<target>-primary`; `exists: false` before initialization. */
  readonly primary: PrimaryFacts;
  /** Current hashes of the target's tracked ConfigMaps/Secrets (`configmap/<name>` → hash). */
  readonly trackedConfigs: Readonly<Record<string, string>>;
  /** Minimum replicas of the target's autoscaler (HPA or KEDA ScaledObject), when it has one. */
  readonly autoscalerMinReplicas?: number;
  /** The routes read back from the cluster (never assumed from state). */
  readonly routes: RouteReading;
  /** Webhook results the engine asked for. */
  readonly hooks?: Readonly<Record<string, HookResult>>;
  /** Metric observations the engine asked for. */
  readonly metrics?: Readonly<Record<string, MetricObservation>>;
}

/** Everything one step depends on. The same input always gives the same result. */
export interface StepInput {
  /** The Canary as read from the cluster (validated); the engine applies Flagger's defaults itself. */
  readonly canary: Canary;
  /** The stored state; `undefined` for a canary the store has never seen (Flagger's empty phase). */
  readonly state: CanaryState | undefined;
  readonly facts: Facts;
  /** The step's time, ISO 8601 UTC. */
  readonly now: IsoTime;
}

// ---------------------------------------------------------------------------------------------------------
// Needs

/**
 * An expensive or side-effecting fact the step reached and does not have yet. The controller obtains it and
 * calls `step` again with `facts.hooks[key]` / `facts.metrics[key]` set. Webhooks are asked for one at a time,
 * in Flagger's order, so a hook after a failing one is never called; metric checks of one analysis are asked
 * for together and may be queried in parallel.
 */
export type Need =
  | { readonly type: 'hook'; readonly key: string; readonly call: WebhookCall }
  | { readonly type: 'metric'; readonly key: string; readonly request: MetricCheckRequest };

// ---------------------------------------------------------------------------------------------------------
// Effects

interface EffectBase {
  /** Deterministic: `<namespace>/<name>/<revision>/<state version>/<index>`, so a redelivered step is recognisable. */
  readonly id: string;
}

/**
 * What the controller must do, in this order. Two kinds, on either side of the commit of `next`:
 * - cluster writes (`initialize` … `reviveOrphanedTargets` below) are applied first, in order, before the commit:
 *   each is idempotent ("set", never "add"), so a redelivered step can apply them again; the first one that
 *   fails ends the tick with nothing committed (the next step reads the cluster back and decides again), so a
 *   committed state never claims more than the cluster shows;
 * - announcements (`runHooks`, `notify`, `recordEvent`) are sent after a successful commit, in order, and only
 *   by the invocation that won it: they cannot be taken back, and a lost commit race must say nothing.
 * - `initialize`: `Workload.initialize` (the `-primary` ConfigMaps/Secrets, `<target>-primary`, the primary
 *   HPA / ScaledObject, when missing; an existing primary is left as it is) and `Router.initialize` (the
 *   `<apex>-primary` and `<apex>-canary` Services). With `template`, a missing primary is built from that pod
 *   template of the target (a revision that was tested: the last promoted one, or the one being promoted) and
 *   `trackedConfigs`, that revision's config hashes, exactly as its promotion built it, and existing `-primary`
 *   config copies keep their contents; without it, from the target's current template (Flagger's behaviour,
 *   only for a primary Fledge never built).
 * - `reconcileRouter`: `Router.reconcile`: the apex Service (selecting the primary pods, unless a kubernetes
 *   `setRoutes` moved it to the canary) and the provider's objects; never changes weights, mirroring or
 *   session routes.
 * - `setRoutes`: `Router.setRoutes(canary, routes)` exactly (see {@link RouteSpec}).
 * - `scaleCanary`: `Workload.scaleFromZero(canary, replicas)`, resuming the target's autoscaler.
 * - `scaleCanaryToZero`: `Workload.scaleToZero`, pausing the target's autoscaler.
 * - `promote`: `Workload.promote` (template, settings, tracked configs and primary autoscaler to the primary);
 *   refused as a failed write when the target's template hash is no longer `spec` (a newer revision arrived
 *   since the step decided: it must not be promoted unanalysed).
 * - `restorePrimary`: `Workload.restorePrimary(canary, template, { trackedConfigs })`, `template` being the
 *   target's pod template as it was last promoted and `trackedConfigs` that promotion's config hashes, so the
 *   rebuilt primary template is the one promoted then even if a config changed since (absent only for a state
 *   stored before Fledge kept them: the configs' current hashes are used).
 * - `addFinalizer` / `removeFinalizer`: add or remove Flagger's finalizer `finalizer.flagger.app` on the Canary
 *   (`revertOnDeletion`); adding is a no-op when present, removing when absent (the object may then be gone).
 * - `revertTarget`: `Workload.finalize`: the target's pods back (the primary's replicas, else the count recorded
 *   when it was scaled to zero), its autoscaler resumed (Flagger's finalizer).
 * - `finalizeRouter`: `Router.finalize`: a taken-over apex Service selects the target's pods again and taken-over
 *   router objects get their original spec back; objects Fledge created are left to garbage collection.
 * - `reviveOrphanedTargets`: Fledge, for a Canary found deleted without a revert: `reviveOrphanedTargets` of the
 *   workload room, which scales back up a target the Canary had scaled to zero whose primary is gone with it.
 * - `runHooks`: call the webhooks in order without holding up the step (post-rollout); record Flagger's event
 *   for each result (`events.postRolloutPassed` / `events.postRolloutFailed`).
 * - `notify`: send the alert to the Canary's `analysis.alerts` providers (by severity) or the default notifier.
 * - `recordEvent`: record the Kubernetes event on the Canary (reason `Synced`) and POST it to every `event`
 *   webhook of the analysis (Flagger's event payload: `eventMessage`, `eventType`, `timestamp` in ms).
 */
export type Effect = EffectBase &
  (
    | { readonly type: 'initialize'; readonly template?: JsonObject; readonly trackedConfigs?: Readonly<Record<string, string>> }
    | { readonly type: 'reconcileRouter' }
    | { readonly type: 'setRoutes'; readonly routes: RouteSpec }
    | { readonly type: 'scaleCanary'; readonly replicas: number }
    | { readonly type: 'scaleCanaryToZero' }
    | { readonly type: 'promote'; readonly spec: string; readonly trackedConfigs: Readonly<Record<string, string>> }
    | { readonly type: 'restorePrimary'; readonly template: JsonObject; readonly trackedConfigs?: Readonly<Record<string, string>> }
    | { readonly type: 'addFinalizer' }
    | { readonly type: 'revertTarget' }
    | { readonly type: 'finalizeRouter' }
    | { readonly type: 'removeFinalizer' }
    | { readonly type: 'reviveOrphanedTargets' }
    | { readonly type: 'runHooks'; readonly calls: readonly WebhookCall[] }
    | { readonly type: 'notify'; readonly severity: Severity; readonly message: string; readonly fields: readonly AlertField[] }
    | { readonly type: 'recordEvent'; readonly event: EventRecord }
  );

/** One of the effect `type`s. */
export type EffectType = Effect['type'];

/** An effect before the engine numbers it. */
export type EffectDraft = Effect extends infer E ? (E extends Effect ? Omit<E, 'id'> : never) : never;

// ---------------------------------------------------------------------------------------------------------
// Result

/** The step reached facts it does not have: obtain them and step again with them added. */
export interface StepNeeds {
  readonly kind: 'needs';
  readonly needs: readonly Need[];
}

/** The step decided. */
export interface StepDecided {
  readonly kind: 'decided';
  /** The state to commit (the store sets its version). */
  readonly next: CanaryState;
  /** What to do, in order: the cluster writes before the commit, the announcements after it (see {@link Effect}). */
  readonly effects: readonly Effect[];
  /** The events of this step, in order (also present as `recordEvent` effects). */
  readonly events: readonly EventRecord[];
  /** A short name of the outcome, for history: `advance`, `rollback`, `promote`, `wait`, … */
  readonly decision: string;
  /** One line saying what happened and why. */
  readonly message: string;
  /** The metric checks evaluated in this step, with values and thresholds. */
  readonly metrics: readonly MetricRecord[];
  /** The webhook results consumed in this step. */
  readonly webhooks: readonly WebhookRecord[];
  /**
   * True while the canary needs further steps on its schedule (a run, a gate, a promotion or a restore is in
   * flight); false when it is idle until the target changes.
   */
  readonly active: boolean;
  /** The phase before the step (`undefined` for a new canary). */
  readonly phaseBefore: Phase | undefined;
}

/** The outcome of `step`. */
export type StepResult = StepNeeds | StepDecided;
