import { TARGET_KINDS, type TargetKind } from '../api/types.ts';
import { DaemonSetWorkload } from './daemonset.ts';
import { DeploymentWorkload } from './deployment.ts';
import { WorkloadError } from './errors.ts';
import { isKnativeService } from '../kube/knative.ts';
import { KnativeServiceWorkload } from './knative.ts';
import { ServiceWorkload } from './service.ts';
import type { Workload, WorkloadOptions } from './types.ts';

/**
 * The Workload for a Canary's `spec.targetRef.kind`; a `Service` of `serving.knative.dev/v1` (its `apiVersion`)
 * is a Knative Service, any other `Service` a Kubernetes one (Flagger's factory).
 *
 * @example
 * const workload = createWorkload(canary.spec.targetRef.kind, { kube }, canary.spec.targetRef.apiVersion);
 * const { revision } = await workload.initialize(canary);
 */
export function createWorkload(kind: TargetKind | string, options: WorkloadOptions, apiVersion?: string): Workload {
  const known = kind as TargetKind;
  if (isKnativeService({ kind, ...(apiVersion === undefined ? {} : { apiVersion }) })) return new KnativeServiceWorkload(options);
  switch (known) {
    case 'Deployment':
      return new DeploymentWorkload(options);
    case 'DaemonSet':
      return new DaemonSetWorkload(options);
    case 'Service':
      return new ServiceWorkload(options);
    default: {
      const unreachable: never = known;
      throw new WorkloadError(`spec.targetRef.kind: expected one of ${TARGET_KINDS.join(', ')}, got "${String(unreachable)}"`);
    }
  }
}
