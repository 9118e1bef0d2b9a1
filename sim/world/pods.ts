import type { KubeObject } from '../emulator/types.ts';
import { GVR } from './cluster.ts';
import type { WorldContext } from './context.ts';
import { fnv1a32, podTemplateHash } from './hash.ts';
import { controllerRef, findCondition, nodeSelectorMatches, ownerReference, parseTime, timestamp } from './objects.ts';
import type { Condition } from './objects.ts';

/** The part of a pod template the simulation reads. */
export interface PodTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: { containers?: Array<{ name: string; image?: string }>; nodeSelector?: Record<string, string>; [key: string]: unknown };
}

interface PodSpec {
  nodeName?: string;
  nodeSelector?: Record<string, string>;
  containers?: Array<{ name: string; image?: string }>;
}

interface PodStatus {
  phase?: string;
  conditions?: Condition[];
  [key: string]: unknown;
}

const specOf = (pod: KubeObject): PodSpec => (pod['spec'] ?? {}) as PodSpec;
const statusOf = (pod: KubeObject): PodStatus => (pod['status'] ?? {}) as PodStatus;

/** Pods that count for their controller: not being deleted and not finished. */
export function isActivePod(pod: KubeObject): boolean {
  const phase = statusOf(pod).phase;
  return pod.metadata.deletionTimestamp === undefined && phase !== 'Succeeded' && phase !== 'Failed';
}

/** Whether the pod's `Ready` condition is `True`. */
export function isPodReady(pod: KubeObject): boolean {
  return findCondition(statusOf(pod).conditions, 'Ready')?.status === 'True';
}

/**
 * Kubernetes' `IsPodAvailable`: ready, and ready for longer than `minReadySeconds` (strictly, as the real
 * check is `lastTransitionTime + minReadySeconds < now`).
 */
export function isPodAvailable(pod: KubeObject, minReadySeconds: number, now: Date): boolean {
  const ready = findCondition(statusOf(pod).conditions, 'Ready');
  if (ready?.status !== 'True') return false;
  if (minReadySeconds <= 0) return true;
  const since = parseTime(ready.lastTransitionTime);
  return since !== undefined && since + minReadySeconds * 1000 < now.getTime();
}

/** Active pods of `namespace` (all namespaces when undefined) grouped by the uid of their controller. */
export function podsByController(ctx: WorldContext, namespace?: string): Map<string, KubeObject[]> {
  const groups = new Map<string, KubeObject[]>();
  for (const pod of ctx.cluster.list(GVR.pods, namespace)) {
    const owner = controllerRef(pod);
    if (!owner || !isActivePod(pod)) continue;
    const list = groups.get(owner.uid) ?? [];
    list.push(pod);
    groups.set(owner.uid, list);
  }
  for (const list of groups.values()) list.sort(byCreation);
  return groups;
}

/** Oldest first, then by name: the order Kubernetes controllers use, made total. */
export function byCreation(a: KubeObject, b: KubeObject): number {
  const ta = parseTime(a.metadata.creationTimestamp) ?? 0;
  const tb = parseTime(b.metadata.creationTimestamp) ?? 0;
  return ta - tb || (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0);
}

/** Pods scheduled on each node, to spread new pods as the scheduler's balancing would. */
export function nodeLoad(ctx: WorldContext): Map<string, number> {
  const load = new Map(ctx.nodes.map((n) => [n.name, 0]));
  for (const pod of ctx.cluster.list(GVR.pods)) {
    const node = specOf(pod).nodeName;
    if (node !== undefined && load.has(node) && isActivePod(pod)) load.set(node, (load.get(node) ?? 0) + 1);
  }
  return load;
}

/** The least loaded node that `nodeSelector` admits (ties to the first by name), or `undefined`. */
export function pickNode(ctx: WorldContext, nodeSelector: Record<string, string> | undefined, load: Map<string, number>): string | undefined {
  let best: { name: string; load: number } | undefined;
  for (const node of ctx.nodes) {
    if (!nodeSelectorMatches(nodeSelector, node.labels)) continue;
    const l = load.get(node.name) ?? 0;
    if (!best || l < best.load) best = { name: node.name, load: l };
  }
  if (best) load.set(best.name, best.load + 1);
  return best?.name;
}

/** Creates a pod from `template`, controlled by `owner`, with `labels` added and bound to `nodeName` if given. */
export function createPod(ctx: WorldContext, owner: KubeObject, template: PodTemplate, labels: Record<string, string>, nodeName: string | undefined): KubeObject {
  const namespace = owner.metadata.namespace;
  const name = ctx.pods.podName(owner.metadata.name, (n) => ctx.cluster.get(GVR.pods, namespace, n) !== undefined);
  const spec = { ...(template.spec ?? {}), ...(nodeName !== undefined ? { nodeName } : {}) };
  const metadata = {
    name,
    namespace,
    labels: { ...(template.metadata?.labels ?? {}), ...labels },
    ...(template.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
    ownerReferences: [ownerReference(owner)],
  };
  const pod = ctx.cluster.create(GVR.pods, { apiVersion: 'v1', kind: 'Pod', metadata, spec, status: { phase: 'Pending' } });
  ctx.pods.birthTime(pod, ctx.now);
  return pod;
}

/** Go's `time.Duration` text for whole seconds: `10s`, `1m20s`, `5m0s`. */
function goDuration(seconds: number): string {
  return seconds < 60 ? `${seconds}s` : `${Math.floor(seconds / 60)}m${seconds % 60}s`;
}

/** The kubelet's crash-loop back-off: 10s, doubled after each restart, at most 5m. */
const BACK_OFF_START_S = 10;
const BACK_OFF_MAX_S = 300;

/** The back-off the kubelet waits after the `restart`-th restart (the first is 1), in seconds. */
function backOffAfter(restart: number): number {
  return Math.min(BACK_OFF_START_S * 2 ** (restart - 1), BACK_OFF_MAX_S);
}

/**
 * Restarts of a container that exits at once, `elapsedMs` after its pod started: the first restart follows
 * the first exit at once, each later one waits the back-off after the previous. Returns the restart count
 * and how long after the pod's start the latest restart happened.
 */
function crashLoopRestarts(elapsedMs: number): { restarts: number; lastRestartMs: number } {
  let restarts = 1;
  let at = 0;
  while (backOffAfter(restarts) < BACK_OFF_MAX_S) {
    const next = at + backOffAfter(restarts) * 1000;
    if (next > elapsedMs) return { restarts, lastRestartMs: at };
    restarts++;
    at = next;
  }
  // From here on every back-off is the maximum.
  const more = Math.floor((elapsedMs - at) / (BACK_OFF_MAX_S * 1000));
  return { restarts: restarts + more, lastRestartMs: at + more * BACK_OFF_MAX_S * 1000 };
}

/**
 * Whether `pod` belongs to a `<target>-primary` workload and was made from a template the world judged
 * promoted (see `PrimaryTemplates`).
 */
function madeFromPromotedTemplate(ctx: WorldContext, pod: KubeObject, replicaSets: Map<string, KubeObject>): boolean {
  const owner = controllerRef(pod);
  if (!owner) return false;
  if (owner.kind === 'DaemonSet') return ctx.primaries.origin(owner.uid, pod.metadata.labels?.['controller-revision-hash'] ?? '') === 'promoted';
  if (owner.kind !== 'ReplicaSet') return false;
  const rs = replicaSets.get(owner.uid);
  const deployment = rs && controllerRef(rs);
  if (!rs || !deployment) return false;
  return ctx.primaries.origin(deployment.uid, podTemplateHash((rs['spec'] as { template?: unknown } | undefined)?.template)) === 'promoted';
}

/**
 * The kubelets: writes every active pod's status from the behaviour of its images, the virtual time since it
 * started and the `primary.neverReadyAfterPromotion` rule.
 */
export function syncPodStatuses(ctx: WorldContext): void {
  const replicaSets = new Map(ctx.cluster.list(GVR.replicaSets).map((rs) => [rs.metadata.uid ?? '', rs]));
  for (const pod of ctx.cluster.list(GVR.pods)) {
    if (!isActivePod(pod)) continue;
    const promoted = ctx.neverReadyAfterPromotion && madeFromPromotedTemplate(ctx, pod, replicaSets);
    ctx.cluster.updateStatus(GVR.pods, pod, podStatus(ctx, pod, promoted));
  }
}

function podStatus(ctx: WorldContext, pod: KubeObject, promotedNeverReady: boolean): Record<string, unknown> {
  const spec = specOf(pod);
  const previous = statusOf(pod).conditions ?? [];
  const at = timestamp(ctx.now);
  const condition = (type: string, status: 'True' | 'False', extra: Partial<Condition> = {}): Condition => {
    const before = findCondition(previous, type);
    const lastTransitionTime = before && before.status === status && before.lastTransitionTime ? before.lastTransitionTime : at;
    return { type, status, lastProbeTime: null, lastTransitionTime, ...extra };
  };
  const node = ctx.nodes.find((n) => n.name === spec.nodeName);
  if (!node) {
    const message = `0/${ctx.nodes.length} nodes are available: ${ctx.nodes.length} node(s) didn't match Pod's node affinity/selector.`;
    return { phase: 'Pending', conditions: [condition('PodScheduled', 'False', { reason: 'Unschedulable', message })], qosClass: 'BestEffort' };
  }
  const started = pod.metadata.creationTimestamp ?? at;
  const born = ctx.pods.birthTime(pod, ctx.now);
  const age = ctx.now.getTime() - born;
  const containerStatuses = (spec.containers ?? []).map((c) => {
    const b = ctx.images.behaviour(c.image);
    const containerID = `containerd://${[0, 1, 2, 3, 4, 5, 6, 7].map((i) => fnv1a32(`${pod.metadata.uid}/${c.name}/${i}`).toString(16).padStart(8, '0')).join('')}`;
    const common = { name: c.name, image: c.image, imageID: c.image, containerID };
    if (b.crashLoop) {
      const { restarts, lastRestartMs } = crashLoopRestarts(age);
      const exited = timestamp(new Date(born + lastRestartMs));
      return {
        ...common,
        ready: false,
        started: false,
        restartCount: restarts,
        state: { waiting: { reason: 'CrashLoopBackOff', message: `back-off ${goDuration(backOffAfter(restarts))} restarting failed container=${c.name} pod=${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})` } },
        lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt: exited, finishedAt: exited, containerID } },
      };
    }
    const ready = !b.neverReady && !promotedNeverReady && age >= b.readyAfterTicks * ctx.tickMs;
    return { ...common, ready, started: true, restartCount: 0, state: { running: { startedAt: started } }, lastState: {} };
  });
  const unready = containerStatuses.filter((c) => !c.ready).map((c) => c.name);
  const allReady = containerStatuses.length > 0 && unready.length === 0;
  const notReady = { reason: 'ContainersNotReady', message: `containers with unready status: [${unready.join(' ')}]` };
  return {
    phase: 'Running',
    conditions: [
      condition('PodReadyToStartContainers', 'True'),
      condition('Initialized', 'True'),
      condition('Ready', allReady ? 'True' : 'False', allReady ? {} : notReady),
      condition('ContainersReady', allReady ? 'True' : 'False', allReady ? {} : notReady),
      condition('PodScheduled', 'True'),
    ],
    hostIP: node.address,
    hostIPs: [{ ip: node.address }],
    podIP: ctx.pods.podIp(pod),
    podIPs: [{ ip: ctx.pods.podIp(pod) }],
    startTime: started,
    containerStatuses,
    qosClass: 'BestEffort',
  };
}
