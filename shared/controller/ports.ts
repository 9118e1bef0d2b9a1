/**
 * The usual {@link TargetPorts}: the workload room's implementation for the Canary's target kind and the
 * router for its provider, sharing one read of the target's selector and ports per tick.
 */
import type { TargetMetadata } from '../api/target-metadata.ts';
import type { Canary, CanaryProvider } from '../api/types.ts';
import type { KubeClient } from '../kube/types.ts';
import { routerFor } from '../routers/factory.ts';
import { createWorkload } from '../workload/factory.ts';
import type { WorkloadOptions } from '../workload/types.ts';
import type { TargetPorts } from './types.ts';

/** Options of {@link targetPorts}. */
export interface TargetPortsOptions extends Omit<WorkloadOptions, 'kube'> {
  /** The provider of Canaries whose `spec.provider` is empty (Flagger's `-mesh-provider`). @default 'istio' */
  readonly defaultProvider?: CanaryProvider;
}

/**
 * A `portsFor` for {@link ControllerDeps}: one workload and one router per call (per tick) on the tick's kube
 * client, the target's metadata read at most once between them.
 * @example
 * const deps = { ..., portsFor: targetPorts({ defaultProvider: 'kubernetes' }) };
 */
export function targetPorts(options: TargetPortsOptions = {}): (canary: Canary, kube: KubeClient) => TargetPorts {
  const { defaultProvider, ...workloadOptions } = options;
  return (canary, kube) => {
    const workload = createWorkload(canary.spec.targetRef.kind, { kube, ...workloadOptions }, canary.spec.targetRef.apiVersion);
    let metadata: Promise<TargetMetadata> | undefined;
    const router = routerFor(canary, { kube, targetMetadata: (c) => (metadata ??= workload.metadata(c)) }, defaultProvider);
    return { workload, router };
  };
}
