/**
 * Knative Serving's objects as Fledge reads and writes them, shared by the Knative Service workload (which owns
 * the pinned primary Revision) and the Knative router (which owns `spec.traffic`): the API version, Flagger's
 * annotation, the object shapes, and the one write both make, pinning the primary Revision.
 */
import type { KubeClient, KubeObject, ObjectRef } from './types.ts';

/** The Knative Serving API version of Services and Revisions. */
export const KNATIVE_API_VERSION = 'serving.knative.dev/v1';
/** Flagger's annotation on the Knative Service naming the primary Revision. */
export const PRIMARY_REVISION_ANNOTATION = 'flagger.app/primary-revision';
/** Where Fledge keeps the user's own `spec.traffic` while it routes, to give it back on finalize. */
export const ORIGINAL_TRAFFIC_ANNOTATION = 'fledge.dev/original-traffic';
/** The label Knative puts on each Revision naming its Service. */
export const REVISION_SERVICE_LABEL = 'serving.knative.dev/service';

/** One Knative traffic target (`spec.traffic[]` / `status.traffic[]`). */
export interface TrafficTarget {
  revisionName?: string;
  latestRevision?: boolean;
  percent?: number;
  tag?: string;
}

/** The status conditions Knative writes. */
export interface KnativeCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

/** A `serving.knative.dev/v1` Service, the fields Fledge reads. */
export interface KnativeService extends KubeObject {
  spec?: { template?: { metadata?: Record<string, unknown>; spec?: Record<string, unknown> }; traffic?: TrafficTarget[]; [field: string]: unknown };
  status?: {
    observedGeneration?: number;
    latestCreatedRevisionName?: string;
    latestReadyRevisionName?: string;
    traffic?: TrafficTarget[];
    conditions?: KnativeCondition[];
  };
}

/** A `serving.knative.dev/v1` Revision, the fields Fledge reads. */
export interface KnativeRevision extends KubeObject {
  spec?: Record<string, unknown>;
  status?: { observedGeneration?: number; conditions?: KnativeCondition[]; actualReplicas?: number; desiredReplicas?: number };
}

/** True for a `targetRef` naming a Knative Service (Flagger's `IsKnativeService`). */
export function isKnativeService(ref: { apiVersion?: string; kind?: string } | undefined): boolean {
  return ref?.kind === 'Service' && ref.apiVersion === KNATIVE_API_VERSION;
}

/** The reference of Knative Service `name` in `namespace`. */
export function knativeServiceRef(namespace: string, name: string): ObjectRef {
  return { apiVersion: KNATIVE_API_VERSION, kind: 'Service', namespace, name };
}

/** The reference of Knative Revision `name` in `namespace`. */
export function knativeRevisionRef(namespace: string, name: string): ObjectRef {
  return { apiVersion: KNATIVE_API_VERSION, kind: 'Revision', namespace, name };
}

/** The `Ready` condition of a Knative object, if it has one. */
export function readyCondition(object: { status?: { conditions?: KnativeCondition[] } } | undefined): KnativeCondition | undefined {
  return object?.status?.conditions?.find((c) => c.type === 'Ready');
}

/**
 * Pins `revision` as the primary (Flagger's `flagger.app/primary-revision`). The first pin also keeps the user's
 * own `spec.traffic`, if any, so finalize can give it back. Conditional on the resourceVersion read.
 */
export async function pinPrimaryRevision(kube: KubeClient, service: KnativeService, revision: string): Promise<void> {
  const annotations = service.metadata.annotations ?? {};
  if (annotations[PRIMARY_REVISION_ANNOTATION] === revision) return;
  const patch: Record<string, string> = { [PRIMARY_REVISION_ANNOTATION]: revision };
  const traffic = service.spec?.traffic;
  if (annotations[PRIMARY_REVISION_ANNOTATION] === undefined && annotations[ORIGINAL_TRAFFIC_ANNOTATION] === undefined && traffic && traffic.length > 0) {
    patch[ORIGINAL_TRAFFIC_ANNOTATION] = JSON.stringify(traffic);
  }
  const ref = knativeServiceRef(service.metadata.namespace ?? 'default', service.metadata.name);
  await kube.patch(ref, 'merge', { metadata: { annotations: patch, resourceVersion: service.metadata.resourceVersion } });
}
