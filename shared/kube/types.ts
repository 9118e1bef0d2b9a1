/**
 * The narrow Kubernetes port that routers, workloads and the controller depend on (STYLE 17): a handful of
 * generic verbs over any `apiVersion`/`kind`, with typed errors instead of raw HTTP failures. It deliberately
 * knows nothing of Flagger's types, so it imports nothing of ours.
 */

/** Object metadata as Fledge reads and writes it; unknown fields are kept as they are. */
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
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  [field: string]: unknown;
}

/** A `metadata.ownerReferences[]` entry. */
export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

/** Any Kubernetes object as JSON. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

/** Names one object: its type and, for namespaced kinds, its namespace. */
export interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  /** @default the client's default namespace for namespaced kinds; ignored for cluster-scoped kinds */
  readonly namespace?: string;
}

/**
 * Patch flavours and the content type each one is sent with. `apply` is server-side apply, which needs a
 * field manager (the client's, unless given per call).
 */
export const PATCH_CONTENT_TYPES = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
} as const;
/** One of the keys of {@link PATCH_CONTENT_TYPES}. */
export type PatchType = keyof typeof PATCH_CONTENT_TYPES;

/** One RFC 6902 operation of a `json` patch. */
export interface JsonPatchOperation {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  value?: unknown;
  from?: string;
}

/** Subresources the port can address. */
export type Subresource = 'status' | 'scale';

/** Options of `list`. */
export interface ListOptions {
  /** @default the client's default namespace for namespaced kinds; `''` lists across all namespaces */
  readonly namespace?: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  /** Page size; the port follows `continue` tokens until the list is complete. @default 500 */
  readonly pageSize?: number;
}

/** Options of `create` and `replace`. */
export interface WriteOptions {
  /** Write a subresource (`status`) instead of the main resource. */
  readonly subresource?: Subresource;
  /** @default the client's field manager */
  readonly fieldManager?: string;
}

/** Options of `patch`. */
export interface PatchOptions extends WriteOptions {
  /** Server-side apply only: take ownership of fields managed by others. @default false */
  readonly force?: boolean;
}

/** Options of `delete`. */
export interface DeleteOptions {
  /** @default the server's default for the kind (Background for most) */
  readonly propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
}

/** The verbs of the port, as counted by the request hook. `discover` is the API discovery a new kind needs. */
export const KUBE_VERBS = ['get', 'list', 'create', 'replace', 'patch', 'delete', 'discover'] as const;
/** One of {@link KUBE_VERBS}. */
export type KubeVerb = (typeof KUBE_VERBS)[number];

/** What the request hook learns about each HTTP request the port makes. */
export interface RequestInfo {
  readonly verb: KubeVerb;
  readonly method: string;
  /** Path and query, without the server. */
  readonly path: string;
  /** HTTP status, or 0 when no response arrived. */
  readonly status: number;
  readonly durationMs: number;
}

/** Called once per HTTP request, after it completed or failed. Must not throw. */
export type RequestHook = (info: RequestInfo) => void;

/**
 * The Kubernetes port. Every method makes real API requests; failures arrive as the typed errors of
 * `errors.ts` (`KubeNotFoundError`, `KubeConflictError`, `KubeInvalidError`, `KubeUnavailableError`, or
 * their base `KubeApiError`).
 */
export interface KubeClient {
  /** Reads one object (or its subresource); `undefined` when it does not exist. */
  get<T extends KubeObject = KubeObject>(ref: ObjectRef, options?: { readonly subresource?: Subresource }): Promise<T | undefined>;
  /** Lists the objects of a kind, following pages until done. */
  list<T extends KubeObject = KubeObject>(apiVersion: string, kind: string, options?: ListOptions): Promise<T[]>;
  /** Creates `object`; an existing object of that name is a `KubeConflictError` with reason `AlreadyExists`. */
  create<T extends KubeObject>(object: T, options?: WriteOptions): Promise<T>;
  /** Replaces `object` (PUT). A stale `metadata.resourceVersion` is a `KubeConflictError`. */
  replace<T extends KubeObject>(object: T, options?: WriteOptions): Promise<T>;
  /** Patches one object with the given patch flavour. */
  patch<T extends KubeObject = KubeObject>(ref: ObjectRef, patchType: PatchType, patch: unknown, options?: PatchOptions): Promise<T>;
  /** Deletes one object; `false` when it was already gone (deleting is idempotent). */
  delete(ref: ObjectRef, options?: DeleteOptions): Promise<boolean>;
  /** Creates a `v1` Event in `event.metadata.namespace`. */
  createEvent(event: KubeObject): Promise<KubeObject>;
  /**
   * GETs a raw API path (e.g. `/apis/external.metrics.k8s.io/v1beta1/namespaces/test/queue-depth`) with the
   * client's credentials, for APIs that are not objects of a kind; answers the JSON body. `undefined` on 404.
   * Optional so that read-only views of a cluster need not offer it; the HTTP client and the tick cache do.
   */
  getPath?(path: string, query?: Readonly<Record<string, string | undefined>>): Promise<unknown>;
}
