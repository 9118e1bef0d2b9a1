/**
 * The emulator's in-process view of the cluster, shared by the HTTP API server (`sim/emulator/`) and the
 * workload simulation (`sim/world/`). The HTTP layer adds REST semantics on top (validation, patches,
 * selectors, paging); controllers inside the emulator use this interface directly, as kube-controller-manager
 * would use the API server.
 */
import type { KubeObject } from '../../shared/kube/types.ts';

/** Group/version/resource of a served resource: `{group: 'apps', version: 'v1', resource: 'deployments'}`. Core group is `''`. */
export interface GroupVersionResource {
  readonly group: string;
  readonly version: string;
  readonly resource: string;
}

// The object shapes are shared/kube's: what the emulator stores is what the port reads and writes.
export type { KubeObject, ObjectMeta, OwnerReference } from '../../shared/kube/types.ts';

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

/** How a served resource behaves: its names, scope, verbs and subresources (what discovery reports). */
export interface ResourceType {
  readonly group: string;
  /** Served versions, the storage version first. Objects are stored once and read back under any served version. */
  readonly versions: readonly string[];
  /** Plural, lower case: `deployments`. */
  readonly resource: string;
  readonly singular: string;
  readonly kind: string;
  readonly listKind: string;
  readonly namespaced: boolean;
  readonly shortNames?: readonly string[];
  /** `true` when `/status` is served and the main endpoint keeps the stored status. */
  readonly status: boolean;
  /** Present when `/scale` is served; JSON paths as in a CRD's `subresources.scale`. */
  readonly scale?: { readonly specReplicasPath: string; readonly statusReplicasPath: string; readonly labelSelectorPath?: string };
  /** Keeps `metadata.generation` (1 on create, +1 per change outside metadata and status). Like kube-apiserver, not for
   * ConfigMaps, Secrets, Services, Namespaces, Pods, Nodes or Events. @default true */
  readonly generation?: boolean;
  /** Clients may only read it (pods and replica sets are made by the workload simulation). @default false */
  readonly readOnly?: boolean;
  /** Defined by a CustomResourceDefinition: strategic merge patch is not supported, as on a real server. */
  readonly custom?: boolean;
  /** For custom resources: the `openAPIV3Schema` of each served version, used for pruning, defaulting and validation. */
  readonly schemas?: Readonly<Record<string, unknown>>;
  /** For custom resources: the `additionalPrinterColumns` of each served version. */
  readonly columns?: Readonly<Record<string, readonly PrinterColumn[]>>;
}

/** A column `kubectl get` shows for a custom resource (`additionalPrinterColumns`). */
export interface PrinterColumn {
  readonly name: string;
  /** `string`, `integer`, `number`, `boolean` or `date` (shown as an age). */
  readonly type: string;
  readonly jsonPath: string;
  /** 0 shows by default; higher only with `-o wide`. @default 0 */
  readonly priority?: number;
}

/** Options of `ClusterState.delete`, as in a `DeleteOptions` body. */
export interface DeleteOptions {
  /** @default 'Background' */
  readonly propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  /** The delete fails with 409 Conflict unless the stored object still has this uid / resourceVersion. */
  readonly preconditions?: { readonly uid?: string; readonly resourceVersion?: string };
  /** Check and report what would happen, change nothing (`?dryRun=All`). @default false */
  readonly dryRun?: boolean;
}

/** Options of `EmulatorState.list`, applied to stored objects before they are copied (cheap pages of big lists). */
export interface ListOptions {
  /** Only objects whose key (`namespace/name`, or `name` when cluster-scoped) sorts after this one. */
  readonly after?: string;
  /** At most this many objects. */
  readonly limit?: number;
  /** Only objects it accepts; it sees the stored object and must not change it. */
  readonly filter?: (object: KubeObject) => boolean;
}

/** Options of `EmulatorState.create` and `update`. */
export interface WriteOptions {
  /** Check and return the object as it would be stored, store nothing (`?dryRun=All`). @default false */
  readonly dryRun?: boolean;
}

/** What `ClusterState.delete` did: the object after the call, and whether it is gone or waits for finalizers. */
export interface DeleteResult {
  readonly object: KubeObject;
  readonly removed: boolean;
}

/** `ClusterState` plus what the HTTP layer needs: the resource registry and the global resourceVersion. */
export interface EmulatorState extends ClusterState {
  /** Objects sorted by key (`namespace/name`), copied; `options` narrow the scan before copying. */
  list(gvr: GroupVersionResource, namespace?: string, options?: ListOptions): KubeObject[];
  create(gvr: GroupVersionResource, object: KubeObject, options?: WriteOptions): KubeObject;
  update(gvr: GroupVersionResource, object: KubeObject, options?: { subresource?: 'status' } & WriteOptions): KubeObject;
  delete(gvr: GroupVersionResource, namespace: string | undefined, name: string, options?: DeleteOptions): DeleteResult;
  /** The served resource for `gvr`, or `undefined`. */
  resourceType(gvr: GroupVersionResource): ResourceType | undefined;
  /** Every served resource, built-in ones first. */
  resourceTypes(): ResourceType[];
  /** The resourceVersion of the last committed write (a list's `metadata.resourceVersion`). */
  resourceVersion(): string;
  readonly clock: Clock;
}
