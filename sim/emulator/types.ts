/**
 * The emulator's in-process view of the cluster, shared by the HTTP API server (`sim/emulator/`) and the
 * workload simulation (`sim/world/`). The HTTP layer adds REST semantics on top (validation, patches,
 * selectors, paging); controllers inside the emulator use this interface directly, as kube-controller-manager
 * would use the API server.
 */

/** Group/version/resource of a served resource: `{group: 'apps', version: 'v1', resource: 'deployments'}`. Core group is `''`. */
export interface GroupVersionResource {
  readonly group: string;
  readonly version: string;
  readonly resource: string;
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: Array<{ apiVersion: string; kind: string; name: string; uid: string; controller?: boolean; blockOwnerDeletion?: boolean }>;
  finalizers?: string[];
  [key: string]: unknown;
}

/** Any Kubernetes object as JSON. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

/** Raised by `ClusterState` writes; the HTTP layer turns it into a `Status` object with the same reason and code. */
export interface ClusterStateErrorShape {
  readonly reason: 'NotFound' | 'AlreadyExists' | 'Conflict' | 'Invalid' | 'BadRequest';
  readonly code: 404 | 409 | 422 | 400;
}

/**
 * Typed, synchronous access to the emulator's objects. Writes behave as a real API server's storage layer:
 * server-set metadata (uid, resourceVersion, generation, creationTimestamp), optimistic concurrency when the
 * written object carries a resourceVersion, status/main separation, owner-reference garbage collection and
 * finalizers on delete.
 */
export interface ClusterState {
  get(gvr: GroupVersionResource, namespace: string | undefined, name: string): KubeObject | undefined;
  list(gvr: GroupVersionResource, namespace?: string): KubeObject[];
  create(gvr: GroupVersionResource, object: KubeObject): KubeObject;
  /** Replaces the main resource (status is kept) or, with `subresource: 'status'`, only the status. */
  update(gvr: GroupVersionResource, object: KubeObject, options?: { subresource?: 'status' }): KubeObject;
  delete(gvr: GroupVersionResource, namespace: string | undefined, name: string): void;
  /** Called after every committed write, with the object as stored (or as it was, for a delete). */
  onChange(listener: (event: { type: 'ADDED' | 'MODIFIED' | 'DELETED'; gvr: GroupVersionResource; object: KubeObject }) => void): () => void;
}

/** The emulator's clock: virtual in scenarios, wall time in `fledge emulator`. Only moves forward. */
export interface Clock {
  now(): Date;
}
