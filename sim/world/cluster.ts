import type { ClusterState, GroupVersionResource, KubeObject } from '../emulator/types.ts';
import { jsonEqual } from './hash.ts';

/** The resources the workload simulation reads and writes. */
export const GVR = {
  pods: { group: '', version: 'v1', resource: 'pods' },
  nodes: { group: '', version: 'v1', resource: 'nodes' },
  deployments: { group: 'apps', version: 'v1', resource: 'deployments' },
  replicaSets: { group: 'apps', version: 'v1', resource: 'replicasets' },
  daemonSets: { group: 'apps', version: 'v1', resource: 'daemonsets' },
  horizontalPodAutoscalers: { group: 'autoscaling', version: 'v2', resource: 'horizontalpodautoscalers' },
  scaledObjects: { group: 'keda.sh', version: 'v1alpha1', resource: 'scaledobjects' },
} as const satisfies Record<string, GroupVersionResource>;

function isNotServed(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 404;
}

/**
 * The controllers' access to the cluster: `ClusterState` plus a count of committed writes (a pass that
 * writes nothing means the world is quiescent) and no-op suppression, so an unchanged status is never
 * rewritten and watchers see only real changes.
 */
export class Cluster {
  private committed = 0;
  private readonly state: ClusterState;

  constructor(state: ClusterState) {
    this.state = state;
    // Counted from the storage's own change feed, so cascades (garbage collection) and no-op writes the
    // storage swallows are counted exactly as committed.
    state.onChange(() => {
      this.committed++;
    });
  }

  /** Writes committed to the cluster so far, by anyone. */
  get writes(): number {
    return this.committed;
  }

  /** The object, or none when it does not exist or its resource is not served (a CRD that is not installed). */
  get(gvr: GroupVersionResource, namespace: string | undefined, name: string): KubeObject | undefined {
    try {
      return this.state.get(gvr, namespace, name);
    } catch (error) {
      if (isNotServed(error)) return undefined;
      throw error;
    }
  }

  /** Objects of `gvr`, or none when the resource is not served (a CRD that is not installed). */
  list(gvr: GroupVersionResource, namespace?: string): KubeObject[] {
    try {
      return this.state.list(gvr, namespace);
    } catch (error) {
      if (isNotServed(error)) return [];
      throw error;
    }
  }

  create(gvr: GroupVersionResource, object: KubeObject): KubeObject {
    return this.state.create(gvr, object);
  }

  /** Replaces the main resource (the storage ignores a write that changes nothing). */
  update(gvr: GroupVersionResource, object: KubeObject): KubeObject {
    return this.state.update(gvr, object);
  }

  /** Writes `status` through the status subresource, unless it equals the stored one. */
  updateStatus(gvr: GroupVersionResource, object: KubeObject, status: Record<string, unknown>): KubeObject {
    if (jsonEqual(object['status'], status)) return object;
    return this.state.update(gvr, { ...object, status }, { subresource: 'status' });
  }

  delete(gvr: GroupVersionResource, namespace: string | undefined, name: string): void {
    this.state.delete(gvr, namespace, name);
  }
}

