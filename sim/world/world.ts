import type { KubeObject } from '../emulator/types.ts';
import { syncAutoscalers } from './autoscalers.ts';
import { Cluster, GVR } from './cluster.ts';
import { PodBook } from './context.ts';
import type { WorldContext } from './context.ts';
import { syncDaemonSets } from './daemonset.ts';
import { syncDeployments } from './deployment.ts';
import { RouteBook, syncGatewayRoutes } from './gateway-api.ts';
import { syncAlbIngresses } from './alb.ts';
import { WorldError } from './errors.ts';
import { podTemplateHash } from './hash.ts';
import { ImageBook, imageBehaviourIssues } from './images.ts';
import { KNATIVE, revisionSummary, syncKnativeServices } from './knative.ts';
import { registerNodes, resolveNodes } from './nodes.ts';
import { syncPodStatuses } from './pods.ts';
import { PrimaryTemplates } from './primary.ts';
import { syncReplicaSets } from './replicaset.ts';
import type { ResolvedImageBehaviour, TemplateOrigin, TickReport, World, WorkloadSummary, WorldOptions } from './types.ts';

/** Passes after which a tick that still writes is a bug in a controller, not a slow rollout. */
const MAX_PASSES = 500;

/** The default tick length: a scenario's default analysis interval. */
const DEFAULT_TICK_MS = 60_000;

/** One controller pass, in the fixed order autoscalers → Deployments → ReplicaSets → DaemonSets → kubelets → Knative → routers. */
const CONTROLLERS: ReadonlyArray<(ctx: WorldContext) => void> = [syncAutoscalers, syncDeployments, syncReplicaSets, syncDaemonSets, syncPodStatuses, syncKnativeServices, syncGatewayRoutes, syncAlbIngresses];

function checkTickMs(tickMs: number, context: string): number {
  if (Number.isFinite(tickMs) && tickMs > 0) return tickMs;
  throw new WorldError(`${context}: tickMs: expected a positive number of milliseconds, got ${String(tickMs)}`);
}

function firstImage(workload: KubeObject): string | undefined {
  const spec = workload['spec'] as { template?: { spec?: { containers?: Array<{ image?: string }> } } } | undefined;
  return spec?.template?.spec?.containers?.[0]?.image;
}

/**
 * Creates the workload simulation of an emulated cluster: the Deployment, ReplicaSet, DaemonSet, HPA and KEDA
 * controllers and the kubelets, driven by `tick(now)` in virtual time. Pods behave as `images` says; the
 * `primary` rules add failures to `<target>-primary` workloads. The nodes are registered as Node objects.
 *
 * Deterministic: names, hashes, IPs and timestamps depend only on the cluster's contents, the options and the
 * sequence of `now` values.
 *
 * @throws WorldError when an image behaviour is invalid (naming the image, the field and the value), or `tickMs` is
 *   not a positive number.
 * @example
 * const clock = { now: () => new Date('2026-01-01T00:00:00Z') };
 * const state = createClusterState({ clock });
 * const world = createWorld({ state, clock, images: { 'ghcr.io/stefanprodan/podinfo:bad': { neverReady: true } } });
 * state.create(GVR.deployments, podinfoDeployment);
 * world.tick(); // pods exist and, for default images, are ready
 * world.workloadSummary('default', 'podinfo'); // {kind: 'Deployment', replicas: 2, readyReplicas: 2, image: '…'}
 */
export function createWorld(options: WorldOptions): World {
  const issues = imageBehaviourIssues(options.images);
  if (issues.length > 0) throw new WorldError(`invalid world: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
  if (typeof options.tickMs === 'number') checkTickMs(options.tickMs, 'invalid world');
  const cluster = new Cluster(options.state);
  const images = new ImageBook(options.images);
  const nodes = resolveNodes(options.nodes);
  const primaries = new PrimaryTemplates();
  const pods = new PodBook();
  const recommendations = new Map<string, { recommended: number; wrote: number | undefined }>();
  const neverReadyAfterPromotion = options.primary?.neverReadyAfterPromotion === true;
  const gatewayApi = options.gatewayApi ?? {};
  const routes = new RouteBook();
  registerNodes(cluster, nodes, options.clock.now());
  let ticks = 0;
  let last: Date | undefined;
  const revisionView = (namespace: string, name: string): WorkloadSummary | undefined => {
    const revision = cluster.get(KNATIVE.revisions, namespace, name);
    return revision === undefined ? undefined : { kind: 'Revision', ...revisionSummary(revision) };
  };

  return {
    get ticks() {
      return ticks;
    },

    tick(now = options.clock.now()): TickReport {
      if (last && now.getTime() < last.getTime()) {
        throw new WorldError(`world.tick: time must not go backwards: got ${now.toISOString()}, the previous tick was at ${last.toISOString()}`);
      }
      const tickMs = checkTickMs(typeof options.tickMs === 'function' ? options.tickMs() : (options.tickMs ?? DEFAULT_TICK_MS), 'world.tick');
      last = now;
      ticks++;
      const ctx: WorldContext = { cluster, now, tickMs, nodes, images, primaries, pods, recommendations, neverReadyAfterPromotion, gatewayApi, routes };
      const before = cluster.writes;
      for (let pass = 1; pass <= MAX_PASSES; pass++) {
        const start = cluster.writes;
        for (const controller of CONTROLLERS) controller(ctx);
        if (cluster.writes === start) return { tick: ticks, now, passes: pass, writes: cluster.writes - before };
      }
      throw new WorldError(`world.tick: the controllers still wrote after ${MAX_PASSES} passes at tick ${ticks} (${now.toISOString()}); a controller does not settle`);
    },

    workloadSummary(namespace: string, name: string): WorkloadSummary | undefined {
      const deployment = cluster.get(GVR.deployments, namespace, name);
      if (deployment) {
        const s = (deployment['status'] ?? {}) as { replicas?: number; readyReplicas?: number };
        return { kind: 'Deployment', replicas: s.replicas ?? 0, readyReplicas: s.readyReplicas ?? 0, image: firstImage(deployment) };
      }
      const ds = cluster.get(GVR.daemonSets, namespace, name);
      if (ds) {
        const s = (ds['status'] ?? {}) as { currentNumberScheduled?: number; numberReady?: number };
        return { kind: 'DaemonSet', replicas: s.currentNumberScheduled ?? 0, readyReplicas: s.numberReady ?? 0, image: firstImage(ds) };
      }
      // A Knative Service's pods are those of its latest created Revision.
      const latest = (cluster.get(KNATIVE.services, namespace, name)?.['status'] as { latestCreatedRevisionName?: string } | undefined)?.latestCreatedRevisionName;
      return latest === undefined ? undefined : revisionView(namespace, latest);
    },

    revisionSummary: revisionView,

    imageBehaviour(image: string): ResolvedImageBehaviour {
      return images.behaviour(image);
    },

    primaryTemplateOrigin(namespace: string, name: string): TemplateOrigin | undefined {
      const workload = cluster.get(GVR.deployments, namespace, name) ?? cluster.get(GVR.daemonSets, namespace, name);
      const template = (workload?.['spec'] as { template?: unknown } | undefined)?.template;
      return workload && primaries.origin(workload.metadata.uid, podTemplateHash(template));
    },
  };
}
