import type { KubeObject } from '../emulator/types.ts';
import { GVR } from './cluster.ts';
import type { WorldContext } from './context.ts';
import { podTemplateHash } from './hash.ts';
import { intField, nodeSelectorMatches, scaledIntOrPercent } from './objects.ts';
import { byCreation, createPod, isPodAvailable, isPodReady, podsByController } from './pods.ts';
import type { PodTemplate } from './pods.ts';

interface DaemonSetSpec {
  template: PodTemplate;
  minReadySeconds: number;
  updateStrategy: { type: 'RollingUpdate'; maxUnavailable: unknown; maxSurge: unknown } | { type: 'OnDelete' };
}

function daemonSetSpec(ds: KubeObject): DaemonSetSpec {
  const spec = (ds['spec'] ?? {}) as Record<string, unknown>;
  const strategy = (spec['updateStrategy'] ?? {}) as { type?: string; rollingUpdate?: { maxUnavailable?: unknown; maxSurge?: unknown } };
  return {
    template: (spec['template'] ?? {}) as PodTemplate,
    minReadySeconds: intField(spec['minReadySeconds'], 0),
    updateStrategy:
      strategy.type === 'OnDelete'
        ? { type: 'OnDelete' }
        : { type: 'RollingUpdate', maxUnavailable: strategy.rollingUpdate?.maxUnavailable ?? 1, maxSurge: strategy.rollingUpdate?.maxSurge ?? 0 },
  };
}

const hashOf = (pod: KubeObject): string | undefined => pod.metadata.labels?.['controller-revision-hash'];
const nodeOf = (pod: KubeObject): string | undefined => (pod['spec'] as { nodeName?: string } | undefined)?.nodeName;

/**
 * The DaemonSet controller: one pod per node that the template's nodeSelector admits (so a selector that
 * matches no node scales the DaemonSet to zero), RollingUpdate with maxUnavailable / maxSurge or OnDelete,
 * and the status counters of kube-controller-manager's daemon controller.
 */
export function syncDaemonSets(ctx: WorldContext): void {
  const daemonSets = ctx.cluster.list(GVR.daemonSets);
  if (daemonSets.length === 0) return;
  for (const ds of daemonSets) {
    ctx.primaries.observe(ds);
    if (ds.metadata.deletionTimestamp !== undefined) continue;
    const spec = daemonSetSpec(ds);
    const hash = podTemplateHash(spec.template);
    const wanted = new Set(ctx.nodes.filter((n) => nodeSelectorMatches(spec.template.spec?.nodeSelector, n.labels)).map((n) => n.name));
    manage(ctx, ds, spec, hash, wanted);
    if (spec.updateStrategy.type === 'RollingUpdate') rollingUpdate(ctx, ds, spec, hash, wanted);
    writeStatus(ctx, ds, spec, hash, wanted);
  }
}

function podsPerNode(ctx: WorldContext, ds: KubeObject): Map<string, KubeObject[]> {
  const byNode = new Map<string, KubeObject[]>();
  for (const pod of podsByController(ctx, ds.metadata.namespace).get(ds.metadata.uid ?? '') ?? []) {
    const node = nodeOf(pod) ?? '';
    byNode.set(node, [...(byNode.get(node) ?? []), pod]);
  }
  return byNode;
}

function deletePod(ctx: WorldContext, pod: KubeObject): void {
  ctx.cluster.delete(GVR.pods, pod.metadata.namespace, pod.metadata.name);
}

function createDaemonPod(ctx: WorldContext, ds: KubeObject, spec: DaemonSetSpec, hash: string, node: string): void {
  createPod(ctx, ds, spec.template, { 'controller-revision-hash': hash, 'pod-template-generation': String(ds.metadata.generation ?? 1) }, node);
}

/**
 * Kubernetes' `manage`: create the missing daemon pods, remove pods from nodes that should not run one, and keep
 * one pod per node (with surge, an old and a new pod may overlap until the new one is available).
 */
function manage(ctx: WorldContext, ds: KubeObject, spec: DaemonSetSpec, hash: string, wanted: ReadonlySet<string>): void {
  const surging = spec.updateStrategy.type === 'RollingUpdate' && surgeCount(spec, wanted.size) > 0;
  for (const [node, pods] of podsPerNode(ctx, ds)) {
    if (!wanted.has(node)) {
      for (const pod of pods) deletePod(ctx, pod);
      continue;
    }
    const keep = surging ? keepWhenSurging(pods, hash) : pods.slice(0, 1);
    for (const pod of pods) if (!keep.includes(pod)) deletePod(ctx, pod);
  }
  const perNode = podsPerNode(ctx, ds);
  for (const node of wanted) if (!perNode.has(node)) createDaemonPod(ctx, ds, spec, hash, node);
}

/** The oldest pod of one node made from the current template (`hash`) and the oldest made from another. */
function updatedAndOld(pods: readonly KubeObject[] | undefined, hash: string): { updated: KubeObject | undefined; old: KubeObject | undefined } {
  return { updated: pods?.find((p) => hashOf(p) === hash), old: pods?.find((p) => hashOf(p) !== hash) };
}

/** With surge: the oldest updated pod and the oldest old pod may both stay; the rest go. */
function keepWhenSurging(pods: readonly KubeObject[], hash: string): KubeObject[] {
  const { updated, old } = updatedAndOld(pods, hash);
  return [updated, old].filter((p): p is KubeObject => p !== undefined);
}

function surgeCount(spec: DaemonSetSpec, desired: number): number {
  return spec.updateStrategy.type === 'RollingUpdate' ? (scaledIntOrPercent(spec.updateStrategy.maxSurge, desired, true) ?? 0) : 0;
}

function unavailableCount(spec: DaemonSetSpec, desired: number): number {
  if (spec.updateStrategy.type !== 'RollingUpdate') return 0;
  const n = scaledIntOrPercent(spec.updateStrategy.maxUnavailable, desired, true) ?? 1;
  return n === 0 && surgeCount(spec, desired) === 0 ? 1 : n;
}

/** Kubernetes' daemon `rollingUpdate`, node by node in name order so runs are deterministic. */
function rollingUpdate(ctx: WorldContext, ds: KubeObject, spec: DaemonSetSpec, hash: string, wanted: ReadonlySet<string>): void {
  const perNode = podsPerNode(ctx, ds);
  const nodes = [...wanted].filter((n) => perNode.has(n)).sort();
  const available = (pod: KubeObject): boolean => isPodAvailable(pod, spec.minReadySeconds, ctx.now);
  const maxSurge = surgeCount(spec, wanted.size);
  if (maxSurge === 0) {
    const maxUnavailable = unavailableCount(spec, wanted.size);
    let unavailable = [...wanted].filter((n) => !perNode.has(n)).length;
    const replace: KubeObject[] = [];
    const candidates: KubeObject[] = [];
    for (const node of nodes) {
      const { updated, old } = updatedAndOld(perNode.get(node), hash);
      if (updated) {
        if (old || !available(updated)) unavailable++;
      } else if (old) {
        if (!available(old)) replace.push(old);
        else if (unavailable < maxUnavailable) candidates.push(old);
      }
    }
    const budget = Math.min(Math.max(0, maxUnavailable - unavailable), candidates.length);
    for (const pod of [...replace, ...candidates.slice(0, budget)]) deletePod(ctx, pod);
    return;
  }
  let surge = 0;
  const allowed: string[] = [];
  const candidates: string[] = [];
  for (const node of nodes) {
    const { updated, old } = updatedAndOld(perNode.get(node), hash);
    if (!old) continue;
    if (!updated) {
      if (!available(old)) allowed.push(node);
      else candidates.push(node);
      continue;
    }
    surge++;
    if (available(updated)) deletePod(ctx, old);
  }
  const budget = Math.min(Math.max(0, maxSurge - surge), candidates.length);
  for (const node of [...allowed, ...candidates.slice(0, budget)]) createDaemonPod(ctx, ds, spec, hash, node);
}

function writeStatus(ctx: WorldContext, ds: KubeObject, spec: DaemonSetSpec, hash: string, wanted: ReadonlySet<string>): void {
  let current = 0;
  let misscheduled = 0;
  let ready = 0;
  let available = 0;
  let updated = 0;
  for (const [node, pods] of podsPerNode(ctx, ds)) {
    if (!wanted.has(node)) {
      misscheduled++;
      continue;
    }
    const pod = [...pods].sort(byCreation)[0];
    if (!pod) continue;
    current++;
    if (isPodReady(pod)) {
      ready++;
      if (isPodAvailable(pod, spec.minReadySeconds, ctx.now)) available++;
    }
    if (hashOf(pod) === hash) updated++;
  }
  const status: Record<string, unknown> = {
    currentNumberScheduled: current,
    numberMisscheduled: misscheduled,
    desiredNumberScheduled: wanted.size,
    numberReady: ready,
  };
  if (ds.metadata.generation !== undefined) status['observedGeneration'] = ds.metadata.generation;
  if (updated > 0) status['updatedNumberScheduled'] = updated;
  if (available > 0) status['numberAvailable'] = available;
  if (wanted.size - available > 0) status['numberUnavailable'] = wanted.size - available;
  const fresh = ctx.cluster.get(GVR.daemonSets, ds.metadata.namespace, ds.metadata.name);
  if (fresh) ctx.cluster.updateStatus(GVR.daemonSets, fresh, status);
}
