/**
 * The controller's ports and results: what one tick of one canary needs from the outside world (cluster,
 * store, metrics, webhooks, alerts, events) and what it reports back. Every port is injected, so the same
 * code runs in the advance Lambda, in `fledge simulate` and in tests.
 */
import type { Canary, FieldIssue } from '../api/index.ts';
import type { CanaryId, ControlAction } from '../api/state.ts';
import type { Effect, StepDecided } from '../engine/types.ts';
import type { HookCaller } from '../hooks/types.ts';
import type { EventInput, InvolvedObject, KubeClient } from '../kube/index.ts';
import type { MetricCheckRequest, MetricObservation } from '../metrics/types.ts';
import type { Alert, PhaseChange } from '../notify/types.ts';
import type { Router } from '../routers/types.ts';
import type { CanaryStore } from '../store/types.ts';
import type { Workload } from '../workload/types.ts';
import type { TickReadMemory } from './read-memory.ts';

/**
 * Answers one metric check the engine asks for: resolves the template (or builtin query), renders it and runs
 * it on the provider. The metrics room implements it for real backends; `fledge simulate` answers from its world.
 */
export interface MetricChecker {
  check(request: MetricCheckRequest): Promise<MetricObservation>;
}

/**
 * Delivers an alert about `canary` to its `analysis.alerts` providers and Fledge's own destinations;
 * `canary` is `undefined` when the Canary no longer exists (deleted), and only Fledge's own destinations remain.
 */
export interface AlertSender {
  send(canary: Canary | undefined, alert: Alert): Promise<void>;
}

/**
 * Receives every committed change of a canary's phase (Fledge's own destinations: EventBridge). Called only by
 * the commit's winner, after the commit; a failure is the sink's to log and retry, never the step's.
 */
export interface PhaseChangeSink {
  phaseChanged(change: PhaseChange): Promise<void>;
}

/** Records a Kubernetes event on the Canary (`shared/kube`'s `EventRecorder` is one). */
export interface EventSink {
  record(involved: InvolvedObject, input: EventInput, now: Date): Promise<unknown>;
}

/** The workload and router of one Canary, built for one tick. */
export interface TargetPorts {
  readonly workload: Workload;
  readonly router: Router;
}

/** Everything {@link advanceCanary} uses. Build it once per Lambda container (or per simulation). */
export interface ControllerDeps {
  /** The cluster's name, the first part of every {@link CanaryId}. */
  readonly cluster: string;
  readonly kube: KubeClient;
  readonly store: CanaryStore;
  /**
   * The workload and router for a Canary (its `targetRef.kind` and `provider`) on `kube`, the tick's client
   * (`kube` above behind the tick's read cache); see `targetPorts()`.
   */
  readonly portsFor: (canary: Canary, kube: KubeClient) => TargetPorts;
  readonly metrics: MetricChecker;
  readonly hooks: HookCaller;
  readonly alerts: AlertSender;
  /** Receives committed phase changes. @default nothing */
  readonly phaseChanges?: PhaseChangeSink;
  readonly events: EventSink;
  /** Who writes history items. @default 'scheduler' */
  readonly actor?: string;
  /** How long history items are kept. @default the store's 90 days */
  readonly historyTtlSeconds?: number;
  /** Receives diagnostics (effect and announcement failures). @default nothing */
  readonly log?: (entry: ControllerLogEntry) => void;
  /**
   * What each canary's last tick read, so the next one reads it all in its first wave (see `read-memory.ts`).
   * Build it with the deps and keep it as long as they live (per container, per process).
   * @default none: every tick discovers its reads wave by wave
   */
  readonly readMemory?: TickReadMemory;
}

/** A diagnostic of the controller. */
export interface ControllerLogEntry {
  readonly level: 'info' | 'warn' | 'error';
  readonly message: string;
  readonly canary: CanaryId;
  readonly detail?: unknown;
}

/** Options of one tick. */
export interface AdvanceOptions {
  /** The tick number recorded in history. @default 0 */
  readonly tick?: number;
  /**
   * Step only if the stored version is still this one (0: no state yet); otherwise answer `superseded` before
   * any cluster write. The scheduled runner passes the version it saw when it checked the firing was due.
   * @default any version
   */
  readonly expectVersion?: number;
  /**
   * Step only if no step was committed at or after this time; otherwise answer `superseded` before any cluster
   * write. The scheduled runner passes its firing's time less half an interval, so a redelivered or overlapping
   * firing whose step is already committed takes no second one. It is checked against the loaded state's own
   * `updatedAt`, so it needs no read of its own and cannot see a state and a step time from different commits.
   * @default any time
   */
  readonly noStepSince?: string;
}

/**
 * What one tick did.
 * - `advanced`: the step was decided, its cluster effects applied and its state committed; `problems` lists
 *   what failed afterwards (events, alerts, hooks, status mirror), which never undoes the step.
 * - `conflict`: another writer committed first; the tick stopped before announcing anything.
 * - `effectFailed`: a cluster write failed; nothing was committed, the next tick decides again.
 * - `advanced` is also the answer for a Canary found deleted (404) whose state was not Terminated yet: its
 *   Terminated state is committed then, once; the step is the engine's `canaryDeleted`.
 * - `notFound`: the Canary does not exist (anymore) and there is nothing left to record.
 * - `invalid`: the Canary fails validation; `errors` says why.
 * - `superseded`: `expectVersion` was given and another step had been committed since; nothing was done.
 */
export type AdvanceResult =
  | { readonly kind: 'advanced'; readonly step: StepDecided; readonly version: number; readonly problems: readonly string[] }
  | { readonly kind: 'conflict'; readonly step: StepDecided }
  | { readonly kind: 'effectFailed'; readonly step: StepDecided; readonly effect: Effect; readonly error: string }
  | { readonly kind: 'notFound' }
  | { readonly kind: 'invalid'; readonly errors: readonly FieldIssue[] }
  | { readonly kind: 'superseded' };

/** A runtime control as a user asks for it. */
export interface ControlInput {
  readonly action: ControlAction;
  /** Who asks, e.g. `cli:alice`. */
  readonly requestedBy: string;
  readonly reason?: string;
}
