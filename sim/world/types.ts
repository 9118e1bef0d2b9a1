import type { ClusterState, Clock } from '../emulator/types.ts';
import type { GatewayApiBehaviour } from './gateway-api.ts';

export type { GatewayApiBehaviour } from './gateway-api.ts';

/**
 * How pods running a container image behave, as a scenario's `world.images` describes it
 * (see `SCENARIOS.md`). Unlisted images use the defaults.
 */
export interface ImageBehaviour {
  /**
   * New pods become ready this many ticks (of `WorldOptions.tickMs` virtual time) after they start: 0 is ready
   * as soon as the world sees them, N is ready at the first sync at least N ticks later.
   * @default 0 (ready within the tick)
   */
  readonly readyAfterTicks?: number;
  /** Pods run but never pass their readiness probe. @default false */
  readonly neverReady?: boolean;
  /**
   * Containers exit at once and restart on the kubelet's back-off (at once, then 10s doubling to 5m, in
   * virtual time): never ready, `CrashLoopBackOff`, a rising `restartCount`.
   * @default false
   */
  readonly crashLoop?: boolean;
  /** Share of requests that fail, 0 to 1; read by the traffic and metric simulation. @default 0 */
  readonly errorRate?: number;
  /** Request latency in milliseconds; read by the traffic and metric simulation. @default 50 */
  readonly latencyMs?: number;
}

/** An image's behaviour with every default filled in. */
export type ResolvedImageBehaviour = { readonly [K in keyof ImageBehaviour]-?: NonNullable<ImageBehaviour[K]> };

/** Failures that hit `<target>-primary` workloads only. */
export interface PrimaryBehaviour {
  /**
   * Primary pods made from a template copied from the canary at promotion never become ready; pods of the
   * primary's first template (bootstrap) or of a template it ran before (a restore) behave as their image says.
   * @default false
   */
  readonly neverReadyAfterPromotion?: boolean;
}

/** A node of the simulated cluster. */
export interface NodeSpec {
  readonly name: string;
  /** Added to the well-known labels (`kubernetes.io/hostname`, `kubernetes.io/os`, `kubernetes.io/arch`). @default {} */
  readonly labels?: Readonly<Record<string, string>>;
}

/** Options of `createWorld`. */
export interface WorldOptions {
  /** The emulator's storage; the controllers read and write it as kube-controller-manager uses the API server. */
  readonly state: ClusterState;
  /** Supplies `now` to `tick()` when it is called without one. */
  readonly clock: Clock;
  /**
   * Length of one tick in virtual time, in milliseconds: what `readyAfterTicks` counts. A function is read at
   * every `tick()`, for a tick length that can change (a scenario's is the live Canary's analysis interval).
   * Everything in the world is a function of virtual time, so how often `tick()` is called between two
   * times changes how finely a rollout is sampled, never when a pod becomes ready.
   * @default 60000 (one minute)
   */
  readonly tickMs?: number | (() => number);
  /** Pod behaviour by container image. @default {} (every image behaves by the defaults) */
  readonly images?: Readonly<Record<string, ImageBehaviour>>;
  /** @default {neverReadyAfterPromotion: false} */
  readonly primary?: PrimaryBehaviour;
  /** A node count (named `node-1` …) or the nodes themselves. @default 3 */
  readonly nodes?: number | readonly NodeSpec[];
  /** How the emulated Gateway API controller accepts HTTPRoutes. @default {acceptAfterTicks: 0} */
  readonly gatewayApi?: GatewayApiBehaviour;
}

/** A Deployment or DaemonSet as the scenario output shows it. */
export interface WorkloadSummary {
  /** `Revision`: a Knative Service's latest created Revision, or one asked for by name. */
  readonly kind: 'Deployment' | 'DaemonSet' | 'Revision';
  /** Pods the workload has (`status.replicas`, or `currentNumberScheduled` for a DaemonSet). */
  readonly replicas: number;
  /** Ready pods (`status.readyReplicas`, or `numberReady`). */
  readonly readyReplicas: number;
  /** Image of the pod template's first container. */
  readonly image: string | undefined;
}

/** What one `tick()` did. */
export interface TickReport {
  /** `tick()` calls so far, this one included (the first is 1). */
  readonly tick: number;
  readonly now: Date;
  /** Controller passes it took to settle (the last one wrote nothing). */
  readonly passes: number;
  /** Objects written (created, updated, deleted) during the tick. */
  readonly writes: number;
}

/** Where a primary's pod template came from, as the world judged it when the template first appeared. */
export type TemplateOrigin = 'initial' | 'promoted';

/** The simulated cluster's controllers and kubelets, advanced one tick of virtual time at a time. */
export interface World {
  /**
   * Advances virtual time to `now` and runs the controllers (autoscalers, Deployments, ReplicaSets,
   * DaemonSets, kubelets), in that order, pass after pass until a pass writes nothing. Pod readiness
   * (`readyAfterTicks`), crash-loop restarts, `minReadySeconds` and progress deadlines all follow `now`, so
   * calling `tick` several times over an interval only settles the cluster more often.
   * @throws WorldError when `now` is earlier than the previous tick's, or the tick length is not a positive number.
   */
  tick(now?: Date): TickReport;
  /** `tick()` calls so far. */
  readonly ticks: number;
  /**
   * The Deployment (or else DaemonSet) `namespace/name` as the cluster holds it, else the latest created Revision
   * of Knative Service `name`, or `undefined`.
   */
  workloadSummary(namespace: string, name: string): WorkloadSummary | undefined;
  /** Knative Revision `name` in `namespace` as its pods run (`replicas` the autoscaler wants, `readyReplicas` it has). */
  revisionSummary(namespace: string, name: string): WorkloadSummary | undefined;
  /** How pods running `image` behave (defaults filled in). */
  imageBehaviour(image: string): ResolvedImageBehaviour;
  /** The origin the world gave to the current pod template of `<target>-primary` workload `name`, if it tracks it. */
  primaryTemplateOrigin(namespace: string, name: string): TemplateOrigin | undefined;
}
