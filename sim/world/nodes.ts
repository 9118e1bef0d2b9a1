import type { KubeObject } from '../emulator/types.ts';
import { GVR } from './cluster.ts';
import type { Cluster } from './cluster.ts';
import { timestamp } from './objects.ts';
import type { NodeSpec } from './types.ts';

/** A node with its full label set and address. */
export interface ResolvedNode {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly address: string;
}

/** Nodes a world has when the options do not say. */
export const DEFAULT_NODE_COUNT = 3;

/** The nodes of `option`: a count gives `node-1` … `node-N`; each node gets the well-known labels. */
export function resolveNodes(option: number | readonly NodeSpec[] | undefined): ResolvedNode[] {
  const specs: readonly NodeSpec[] =
    typeof option === 'number' || option === undefined ? Array.from({ length: option ?? DEFAULT_NODE_COUNT }, (_, i) => ({ name: `node-${i + 1}` })) : option;
  return specs.map((spec, i) => ({
    name: spec.name,
    labels: { 'kubernetes.io/arch': 'amd64', 'kubernetes.io/os': 'linux', 'kubernetes.io/hostname': spec.name, ...spec.labels },
    address: `10.0.${(i + 1) >> 8}.${(i + 1) & 255}`,
  }));
}

/** Creates the Node objects that do not exist yet, so clients can list the nodes; skipped when nodes are not served. */
export function registerNodes(cluster: Cluster, nodes: readonly ResolvedNode[], now: Date): void {
  for (const node of nodes) {
    let stored: KubeObject | undefined;
    try {
      stored = cluster.get(GVR.nodes, undefined, node.name);
      if (stored) continue;
      stored = cluster.create(GVR.nodes, { apiVersion: 'v1', kind: 'Node', metadata: { name: node.name, labels: { ...node.labels } }, spec: {} });
    } catch (error) {
      if ((error as { code?: unknown }).code === 404) return;
      throw error;
    }
    const at = timestamp(now);
    cluster.updateStatus(GVR.nodes, stored, {
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: at, lastTransitionTime: at }],
      addresses: [
        { type: 'InternalIP', address: node.address },
        { type: 'Hostname', address: node.name },
      ],
      nodeInfo: { architecture: node.labels['kubernetes.io/arch'], operatingSystem: node.labels['kubernetes.io/os'], kubeletVersion: 'v1.33.0', containerRuntimeVersion: 'containerd://2.0.0' },
    });
  }
}
