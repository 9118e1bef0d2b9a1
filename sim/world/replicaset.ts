import type { KubeObject } from '../emulator/types.ts';
import { GVR } from './cluster.ts';
import type { WorldContext } from './context.ts';
import { findCondition, intField, parseTime } from './objects.ts';
import type { Condition } from './objects.ts';
import { byCreation, createPod, isPodAvailable, isPodReady, nodeLoad, pickNode, podsByController } from './pods.ts';
import type { PodTemplate } from './pods.ts';

interface ReplicaSetSpec {
  replicas?: number;
  minReadySeconds?: number;
  template?: PodTemplate;
}

/** `spec` of a ReplicaSet as the simulation reads it. */
export function replicaSetSpec(rs: KubeObject): ReplicaSetSpec {
  return (rs['spec'] ?? {}) as ReplicaSetSpec;
}

/** The numbers of a ReplicaSet's status, zeros included. */
export interface ReplicaSetCounts {
  replicas: number;
  readyReplicas: number;
  availableReplicas: number;
}

/** The stored status counts of `rs` (the API omits zeros). */
export function replicaSetCounts(rs: KubeObject): ReplicaSetCounts {
  const s = (rs['status'] ?? {}) as Record<string, unknown>;
  return { replicas: intField(s['replicas'], 0), readyReplicas: intField(s['readyReplicas'], 0), availableReplicas: intField(s['availableReplicas'], 0) };
}

/**
 * Kubernetes' deletion ranking, simplified: unscheduled before scheduled, not ready before ready, ready for a
 * shorter time before longer, more restarts before fewer, newer before older.
 */
function deletionOrder(a: KubeObject, b: KubeObject): number {
  const rank = (pod: KubeObject): number[] => {
    const status = (pod['status'] ?? {}) as { conditions?: Condition[]; containerStatuses?: Array<{ restartCount?: number }> };
    const scheduled = (pod['spec'] as { nodeName?: string } | undefined)?.nodeName !== undefined ? 1 : 0;
    const ready = isPodReady(pod) ? 1 : 0;
    const readySince = ready ? -(parseTime(findCondition(status.conditions, 'Ready')?.lastTransitionTime) ?? 0) : 0;
    const restarts = -(status.containerStatuses ?? []).reduce((n, c) => n + (c.restartCount ?? 0), 0);
    return [scheduled, ready, readySince, restarts];
  };
  const ra = rank(a);
  const rb = rank(b);
  for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return (ra[i] ?? 0) - (rb[i] ?? 0);
  return -byCreation(a, b);
}

/**
 * The ReplicaSet controller: keeps `spec.replicas` active pods per ReplicaSet (creating them on the least loaded
 * node their nodeSelector admits, deleting the least useful first) and writes its status.
 */
export function syncReplicaSets(ctx: WorldContext): void {
  const replicaSets = ctx.cluster.list(GVR.replicaSets);
  if (replicaSets.length === 0) return;
  const pods = podsByController(ctx);
  const load = nodeLoad(ctx);
  for (const rs of replicaSets) {
    if (rs.metadata.deletionTimestamp !== undefined) continue;
    const spec = replicaSetSpec(rs);
    const desired = intField(spec.replicas, 1);
    let owned = pods.get(rs.metadata.uid ?? '') ?? [];
    if (owned.length < desired) {
      const template = spec.template ?? {};
      const created: KubeObject[] = [];
      for (let i = owned.length; i < desired; i++) created.push(createPod(ctx, rs, template, {}, pickNode(ctx, template.spec?.nodeSelector, load)));
      owned = [...owned, ...created];
    } else if (owned.length > desired) {
      const doomed = [...owned].sort(deletionOrder).slice(0, owned.length - desired);
      for (const pod of doomed) ctx.cluster.delete(GVR.pods, pod.metadata.namespace, pod.metadata.name);
      owned = owned.filter((p) => !doomed.includes(p));
    }
    writeReplicaSetStatus(ctx, rs, owned);
  }
}

function writeReplicaSetStatus(ctx: WorldContext, rs: KubeObject, pods: readonly KubeObject[]): void {
  const minReady = intField(replicaSetSpec(rs).minReadySeconds, 0);
  const ready = pods.filter(isPodReady).length;
  const available = pods.filter((p) => isPodAvailable(p, minReady, ctx.now)).length;
  const status: Record<string, unknown> = { replicas: pods.length };
  if (pods.length > 0) status['fullyLabeledReplicas'] = pods.length;
  if (ready > 0) status['readyReplicas'] = ready;
  if (available > 0) status['availableReplicas'] = available;
  if (rs.metadata.generation !== undefined) status['observedGeneration'] = rs.metadata.generation;
  const fresh = ctx.cluster.get(GVR.replicaSets, rs.metadata.namespace, rs.metadata.name);
  if (fresh) ctx.cluster.updateStatus(GVR.replicaSets, fresh, status);
}
