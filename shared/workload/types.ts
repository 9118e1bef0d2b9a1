/**
 * The Workload port (DESIGN §4): everything the controller does to a Canary's target and its primary copy.
 * One implementation per target kind (Deployment, DaemonSet, Service). Every write is idempotent — it sets
 * a state ("replicas to 3"), never a delta — so re-running any method after a partial failure converges.
 */
import type { TargetMetadata } from '../api/target-metadata.ts';
import type { Canary, TargetKind } from '../api/types.ts';
import type { KubeClient } from '../kube/types.ts';
import type { PodTemplateSpec } from './objects.ts';

export type { TargetMetadata } from '../api/target-metadata.ts';

/** Readiness as Flagger judges it: ready, wait and retry next tick, or failed for good (deadline exceeded). */
export type Readiness = { readonly kind: 'ready' } | { readonly kind: 'wait'; readonly reason: string } | { readonly kind: 'failed'; readonly reason: string };

/** What readiness needs from outside the object: the time, and when the current phase started. */
export interface ReadinessContext {
  readonly now: Date;
  /**
   * When the phase being judged began (state's last transition). DaemonSets have no progress deadline of
   * their own, so Flagger measures `progressDeadlineSeconds` from here. @default no deadline for DaemonSets
   */
  readonly since?: Date;
}

/**
 * Fledge's hard check, independent of the workload's own conditions: has it reached the state it was asked
 * for (current generation observed, every desired replica updated and available, no old replica left, and
 * — when a revision is given — running that revision's template)? The engine applies its own deadline to it.
 */
export type ExpectedState = { readonly kind: 'reached' } | { readonly kind: 'pending'; readonly reason: string };

/**
 * How far a rollout has come, measured from the object's status alone (never its conditions): pods on the
 * current template that are available, out of the desired ones. A stale status (generation not observed yet)
 * counts 0, since its counts describe the template before.
 */
export interface RolloutProgress {
  /** Available pods on the current template (a lower bound when old pods are still running). */
  readonly updatedAvailable: number;
  /** Desired pods: `spec.replicas`, or a DaemonSet's desired number scheduled. */
  readonly desired: number;
}

/** A Secret of a promoted revision: kept by checksum only, its data never leaves the cluster. */
export interface RevisionSecret {
  readonly kind: 'Secret';
  readonly checksum: string;
}

/** A ConfigMap of a promoted revision, with its contents so it can be restored. */
export interface RevisionConfigMap {
  readonly kind: 'ConfigMap';
  readonly checksum: string;
  readonly data?: Record<string, string>;
  readonly binaryData?: Record<string, string>;
}

/**
 * What the primary runs after an initialization or a promotion: enough to put it back (`restorePrimary`).
 * Plain JSON, stored in the state store as the last promoted revision.
 */
export interface PromotedRevision {
  /** Hash of the target template this revision came from (Flagger's `lastPromotedSpec`). */
  readonly targetHash: string;
  /** `trackedConfigs` at that time. */
  readonly trackedConfigs: Record<string, string>;
  /** The primary's pod template exactly as written. */
  readonly template: PodTemplateSpec;
  /** The workload spec fields copied with it (strategy, minReadySeconds, progressDeadlineSeconds, …). */
  readonly settings: Record<string, unknown>;
  /** `configmap/<name>` / `secret/<name>` → the primary copy's contents (ConfigMaps) or checksum (Secrets). */
  readonly configs: Record<string, RevisionConfigMap | RevisionSecret>;
}

/** Options of `restorePrimary` with a bare pod template. */
export interface RestoreOptions {
  /** The tracked config checksums of the promotion being restored. @default the configs' current checksums */
  readonly trackedConfigs?: Readonly<Record<string, string>>;
}

/** What `restorePrimary` did. */
export interface RestoreResult {
  /** Things that could not be put back, e.g. a Secret whose old contents Fledge never stored. */
  readonly warnings: readonly string[];
}

/** Options of `initialize`. */
export interface InitializeOptions {
  /**
   * The target's pod template (`spec.template`, as the state store keeps it) of the revision to build a missing
   * primary from: the primary template is built from it exactly as its promotion built it, and the `-primary`
   * config copies that exist keep their contents (those of that revision). Used to rebuild a primary that
   * disappeared without promoting the target's current, untested template.
   * @default the target's current template, its configs copied as they are now (Flagger's initialization)
   */
  readonly template?: PodTemplateSpec;
  /** The tracked config checksums of that revision (state's `lastPromotedConfigs`). @default the configs' current checksums */
  readonly trackedConfigs?: Readonly<Record<string, string>>;
}

/** What `initialize` did. */
export interface InitializeResult {
  /** `true` when this call created the primary workload (it did not exist). */
  readonly created: boolean;
  /** The primary's revision now, to store as the last promoted one. */
  readonly revision: PromotedRevision;
  /**
   * What could not be built as asked, e.g. a `-primary` config copy that was missing too and could only be
   * re-created from contents that changed since the revision was promoted.
   */
  readonly warnings: readonly string[];
}

/** One workload (the target or `<target>-primary`) as observed. */
export interface WorkloadState {
  readonly exists: boolean;
  readonly readiness: Readiness;
  readonly expected: ExpectedState;
  /** Desired pods: `spec.replicas`, or a DaemonSet's desired number scheduled. 0 when absent. */
  readonly replicas: number;
  /** Pods available on the current template; 0 means no ready pod at all (e.g. mid-Recreate). */
  readonly availableReplicas: number;
  /** How far its rollout has come; absent for a Service target, which has no pods. */
  readonly progress?: RolloutProgress;
  /**
   * Requests reach it only once it is ready, whatever the routes say (a Knative Service: Knative routes to the
   * latest *ready* Revision). @default false
   */
  readonly routesOnlyWhenReady?: boolean;
}

/** The primary as observed, with what a promotion would do to it. */
export interface PrimaryState extends WorkloadState {
  /**
   * Promoting now would leave the primary with no available pod until its new pods are ready: the update
   * strategy the promotion copies from the target is a Deployment's `Recreate`, or a rolling update whose
   * `maxUnavailable` covers every pod the primary will run (resolved as Kubernetes does, percentages
   * included). False when the primary or the target does not exist.
   */
  readonly updateDisruptive: boolean;
}

/** The target as observed, with what identifies its revision. */
export interface TargetState extends WorkloadState {
  /** {@link templateHash} of the target's pod template (empty when the target does not exist). */
  readonly templateHash: string;
  /** The target's pod template (`spec.template`), for the controller to keep as the promoted one. */
  readonly template?: PodTemplateSpec;
}

/** The facts the engine needs about a target and its primary, read in one batch of parallel requests. */
export interface WorkloadObservation {
  readonly target: TargetState;
  readonly primary: PrimaryState;
  /** `configmap/<name>` / `secret/<name>` → checksum of the target's tracked configs. */
  readonly trackedConfigs: Record<string, string>;
  /** The target autoscaler's minimum replicas when above 1 (HPA or ScaledObject). */
  readonly autoscalerMinReplicas?: number;
}

/** The Workload port. */
export interface Workload {
  readonly kind: TargetKind;
  /** Selector label, value and discovered ports of the target (the routers' input). */
  metadata(canary: Canary): Promise<TargetMetadata>;
  /**
   * Creates what the primary needs if missing: `<config>-primary` copies, `<target>-primary`, and the
   * primary HPA / ScaledObject. An existing primary is left as it is. Does not scale anything. With
   * `options.template`, a missing primary is built from that revision of the target instead of its current one.
   */
  initialize(canary: Canary, options?: InitializeOptions): Promise<InitializeResult>;
  isPrimaryReady(canary: Canary, context: ReadinessContext): Promise<Readiness>;
  isCanaryReady(canary: Canary, context: ReadinessContext): Promise<Readiness>;
  /** The hard check on the primary; with `revision`, the primary must also run that revision's template. */
  primaryExpectedState(canary: Canary, revision?: PromotedRevision): Promise<ExpectedState>;
  /** The hard check on the target (the canary pods). */
  canaryExpectedState(canary: Canary): Promise<ExpectedState>;
  /** Stable hash of the target's pod template. */
  targetHash(canary: Canary): Promise<string>;
  /** `configmap/<name>` / `secret/<name>` → checksum, for the configs the target tracks. */
  trackedConfigs(canary: Canary): Promise<Record<string, string>>;
  /**
   * Everything the engine needs in one batch of parallel reads (target, primary, autoscaler; then configs).
   * A missing target or primary is reported (`exists: false`), not thrown.
   */
  observe(canary: Canary, context: ReadinessContext, revision?: PromotedRevision): Promise<WorkloadObservation>;
  /** Copies the target's template, settings and configs to the primary (and its autoscaler); returns what was written. */
  promote(canary: Canary): Promise<PromotedRevision>;
  /**
   * Puts an earlier revision back on the primary. Given a {@link PromotedRevision}: its template, settings and
   * ConfigMap contents. Given the target's pod template as it was promoted (`spec.template`, what the state
   * store keeps): the primary template is rebuilt from it exactly as its promotion built it — pass the
   * `trackedConfigs` of that promotion (state's `lastPromotedConfigs`) so the rebuilt template is identical
   * even if a config changed since; the primary's settings and config copies stay as they are.
   */
  restorePrimary(canary: Canary, revision: PromotedRevision | PodTemplateSpec, options?: RestoreOptions): Promise<RestoreResult>;
  /** Takes the target's pods away (replicas 0, or the DaemonSet's no-node selector); pauses a KEDA scaler. */
  scaleToZero(canary: Canary): Promise<void>;
  /**
   * Brings the target's pods back and returns the replica count set: `replicas` when given (e.g. recorded
   * by the controller), else the target's own if > 0, else the count it had before `scaleToZero`, else the
   * primary's (without autoscaler), else the autoscaler's minimum, else 1.
   */
  scaleFromZero(canary: Canary, replicas?: number): Promise<number>;
  /** Reverts the target on Canary deletion (`revertOnDeletion`): its pods back at the primary's scale. */
  finalize(canary: Canary): Promise<void>;
}

/** Options shared by every workload implementation. */
export interface WorkloadOptions {
  readonly kube: KubeClient;
  /** Flagger's `-selector-labels`. @default ['app', 'name', 'app.kubernetes.io/name'] */
  readonly selectorLabels?: readonly string[];
  /** Flagger's `-include-label-prefix`: target labels/annotations copied to the primary. @default [] (none) */
  readonly includeLabelPrefixes?: readonly string[];
}
