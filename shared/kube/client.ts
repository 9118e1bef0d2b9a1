import {
  KubeApiError,
  KubeConflictError,
  KubeInvalidError,
  KubeNotFoundError,
  KubeUnavailableError,
  KubeUnknownKindError,
  type FieldCause,
  type KubeErrorContext,
} from './errors.ts';
import { groupVersionPath, knownResource, resourceFromDiscovery, resourcePath, type ResourceInfo } from './resources.ts';
import type { KubeMethod, KubeTransport } from './transport.ts';
import {
  PATCH_CONTENT_TYPES,
  type DeleteOptions,
  type KubeClient,
  type KubeObject,
  type KubeVerb,
  type ListOptions,
  type ObjectRef,
  type PatchOptions,
  type PatchType,
  type RequestHook,
  type Subresource,
  type WriteOptions,
} from './types.ts';

/** Options of {@link HttpKubeClient}. */
export interface HttpKubeClientOptions {
  /** Carries the requests: `KubeConfigTransport` (kubeconfigs) or `HttpsTransport` (EKS token and CA). */
  readonly transport: KubeTransport;
  /** Called after every HTTP request (the bench counts requests per verb with it). */
  readonly onRequest?: RequestHook;
  /** @default 'fledge' */
  readonly fieldManager?: string;
  /** Namespace used when a ref of a namespaced kind has none. @default the transport's namespace, else 'default' */
  readonly defaultNamespace?: string;
  /** Per-request timeout. @default 10000 */
  readonly timeoutMs?: number;
}

interface Call {
  readonly verb: KubeVerb;
  readonly method: KubeMethod;
  readonly kind: string;
  readonly object: string;
  readonly path: string;
  readonly query?: Record<string, string | undefined>;
  readonly body?: unknown;
  readonly contentType?: string;
}

interface Answer {
  readonly status: number;
  readonly body: unknown;
}

const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);

/**
 * The {@link KubeClient} port over real HTTP: this class builds every request (paths, discovery, paging,
 * patch content types) and translates every non-2xx answer into the typed errors of `errors.ts`; its
 * transport carries the request with the cluster's TLS and credentials.
 */
export class HttpKubeClient implements KubeClient {
  private readonly transport: KubeTransport;
  private readonly onRequest: RequestHook | undefined;
  private readonly fieldManager: string;
  private readonly defaultNamespace: string;
  private readonly timeoutMs: number;
  private readonly discovered = new Map<string, Promise<unknown>>();

  constructor(options: HttpKubeClientOptions) {
    this.transport = options.transport;
    this.onRequest = options.onRequest;
    this.fieldManager = options.fieldManager ?? 'fledge';
    this.defaultNamespace = options.defaultNamespace ?? options.transport.namespace ?? 'default';
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  async get<T extends KubeObject = KubeObject>(ref: ObjectRef, options?: { readonly subresource?: Subresource }): Promise<T | undefined> {
    const { path, label } = await this.locate(ref, options?.subresource);
    try {
      return (await this.send({ verb: 'get', method: 'GET', kind: ref.kind, object: label, path })).body as T;
    } catch (error) {
      if (error instanceof KubeNotFoundError) return undefined;
      throw error;
    }
  }

  async list<T extends KubeObject = KubeObject>(apiVersion: string, kind: string, options: ListOptions = {}): Promise<T[]> {
    const info = await this.resource(apiVersion, kind);
    const namespace = options.namespace ?? this.defaultNamespace;
    const path = resourcePath(apiVersion, info, namespace === '' ? undefined : namespace);
    const items: T[] = [];
    let token: string | undefined;
    do {
      const answer = await this.send({
        verb: 'list',
        method: 'GET',
        kind,
        object: info.namespaced && namespace !== '' ? `${namespace}/*` : '*',
        path,
        query: {
          labelSelector: options.labelSelector,
          fieldSelector: options.fieldSelector,
          limit: String(options.pageSize ?? 500),
          continue: token,
        },
      });
      const page = answer.body as { items?: T[]; metadata?: { continue?: string } };
      // List items carry no apiVersion/kind on the wire; give them back so callers can write them as they are.
      for (const item of page.items ?? []) items.push({ ...item, apiVersion, kind });
      token = page.metadata?.continue || undefined;
    } while (token);
    return items;
  }

  async create<T extends KubeObject>(object: T, options?: WriteOptions): Promise<T> {
    const ref = refOf(object);
    const info = await this.resource(ref.apiVersion, ref.kind);
    const namespace = this.namespaceFor(info, ref.namespace);
    const body = info.namespaced ? { ...object, metadata: { ...object.metadata, namespace } } : object;
    const path = options?.subresource
      ? resourcePath(ref.apiVersion, info, namespace, ref.name, options.subresource)
      : resourcePath(ref.apiVersion, info, namespace);
    const answer = await this.send({
      verb: 'create',
      method: 'POST',
      kind: ref.kind,
      object: label(info, namespace, ref.name),
      path,
      query: { fieldManager: options?.fieldManager ?? this.fieldManager },
      body,
    });
    return answer.body as T;
  }

  async replace<T extends KubeObject>(object: T, options?: WriteOptions): Promise<T> {
    const location = await this.locate(refOf(object), options?.subresource);
    const answer = await this.send({
      verb: 'replace',
      method: 'PUT',
      kind: object.kind,
      object: location.label,
      path: location.path,
      query: { fieldManager: options?.fieldManager ?? this.fieldManager },
      body: object,
    });
    return answer.body as T;
  }

  async patch<T extends KubeObject = KubeObject>(ref: ObjectRef, patchType: PatchType, patch: unknown, options?: PatchOptions): Promise<T> {
    const { path, label: object } = await this.locate(ref, options?.subresource);
    const answer = await this.send({
      verb: 'patch',
      method: 'PATCH',
      kind: ref.kind,
      object,
      path,
      query: {
        fieldManager: options?.fieldManager ?? this.fieldManager,
        force: patchType === 'apply' && options?.force ? 'true' : undefined,
      },
      body: patch,
      contentType: PATCH_CONTENT_TYPES[patchType],
    });
    return answer.body as T;
  }

  async delete(ref: ObjectRef, options?: DeleteOptions): Promise<boolean> {
    const { path, label: object } = await this.locate(ref);
    try {
      await this.send({
        verb: 'delete',
        method: 'DELETE',
        kind: ref.kind,
        object,
        path,
        body: options?.propagationPolicy ? { apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy: options.propagationPolicy } : undefined,
      });
      return true;
    } catch (error) {
      if (error instanceof KubeNotFoundError) return false;
      throw error;
    }
  }

  createEvent(event: KubeObject): Promise<KubeObject> {
    return this.create({ ...event, apiVersion: 'v1', kind: 'Event' });
  }

  async getPath(path: string, query?: Readonly<Record<string, string | undefined>>): Promise<unknown> {
    if (!path.startsWith('/')) throw new TypeError(`getPath: path must start with "/", got ${JSON.stringify(path)}`);
    try {
      return (await this.send({ verb: 'get', method: 'GET', kind: 'path', object: path, path, ...(query === undefined ? {} : { query }) })).body;
    } catch (error) {
      if (error instanceof KubeNotFoundError) return undefined;
      throw error;
    }
  }

  private async locate(ref: ObjectRef, subresource?: Subresource): Promise<{ path: string; label: string }> {
    const info = await this.resource(ref.apiVersion, ref.kind);
    const namespace = this.namespaceFor(info, ref.namespace);
    return { path: resourcePath(ref.apiVersion, info, namespace, ref.name, subresource), label: label(info, namespace, ref.name) };
  }

  private namespaceFor(info: ResourceInfo, namespace: string | undefined): string | undefined {
    return info.namespaced ? namespace || this.defaultNamespace : undefined;
  }

  private async resource(apiVersion: string, kind: string): Promise<ResourceInfo> {
    const known = knownResource(apiVersion, kind);
    if (known) return known;
    let pending = this.discovered.get(apiVersion);
    if (!pending) {
      const path = groupVersionPath(apiVersion);
      pending = this.send({ verb: 'discover', method: 'GET', kind: 'APIResourceList', object: apiVersion, path }).then(
        (answer) => answer.body,
        () => undefined,
      );
      this.discovered.set(apiVersion, pending);
    }
    const found = resourceFromDiscovery(await pending, kind);
    if (!found) {
      // A CRD installed later must become visible without a new client.
      this.discovered.delete(apiVersion);
      throw new KubeUnknownKindError(apiVersion, kind);
    }
    return found;
  }

  private async send(call: Call): Promise<Answer> {
    const started = performance.now();
    let status = 0;
    try {
      const answer = await this.exchange(call);
      status = answer.status;
      if (status >= 200 && status < 300) return answer;
      throw translate(call, answer);
    } finally {
      this.onRequest?.({
        verb: call.verb,
        method: call.method,
        path: call.path + queryString(call.query),
        status,
        durationMs: performance.now() - started,
      });
    }
  }

  private async exchange(call: Call): Promise<Answer> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (call.body !== undefined) headers['Content-Type'] = call.contentType ?? 'application/json';
    try {
      const response = await this.transport.send({
        method: call.method,
        path: call.path + queryString(call.query),
        headers,
        ...(call.body === undefined ? {} : { body: JSON.stringify(call.body) }),
        timeoutMs: this.timeoutMs,
      });
      return { status: response.status, body: parseJson(response.text) };
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      throw new KubeUnavailableError(
        {
          ...contextOf(call),
          status: 0,
          reason: timedOut ? 'Timeout' : 'Unreachable',
          detail: timedOut ? `no answer within ${this.timeoutMs} ms` : errorText(error),
        },
        { cause: error },
      );
    }
  }
}

function refOf(object: KubeObject): ObjectRef {
  return { apiVersion: object.apiVersion, kind: object.kind, name: object.metadata.name, namespace: object.metadata.namespace };
}

function label(info: ResourceInfo, namespace: string | undefined, name: string): string {
  return info.namespaced && namespace ? `${namespace}/${name}` : name;
}

function queryString(query: Record<string, string | undefined> | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== '') params.set(key, value);
  const text = params.toString();
  return text ? `?${text}` : '';
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function errorText(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    return cause instanceof Error ? `${error.message}: ${cause.message}` : error.message;
  }
  return String(error);
}

function contextOf(call: Call): Pick<KubeErrorContext, 'verb' | 'kind' | 'object'> {
  return { verb: call.verb, kind: call.kind, object: call.object };
}

/** Turns a non-2xx answer (normally a `Status` object) into the typed error for its code. */
function translate(call: Call, answer: Answer): KubeApiError {
  const status = (typeof answer.body === 'object' && answer.body !== null ? answer.body : {}) as {
    reason?: string;
    message?: string;
    details?: { causes?: Array<{ field?: string; reason?: string; message?: string }> };
  };
  const context: KubeErrorContext = {
    ...contextOf(call),
    status: answer.status,
    reason: status.reason || defaultReason(answer.status),
    detail: status.message || (typeof answer.body === 'string' && answer.body) || 'no message from the API server',
  };
  if (answer.status === 404) return new KubeNotFoundError(context);
  if (answer.status === 409) return new KubeConflictError(context);
  if (answer.status === 422) {
    const causes: FieldCause[] = (status.details?.causes ?? []).map((c) => ({
      field: c.field ?? '',
      reason: c.reason ?? '',
      message: c.message ?? '',
    }));
    return new KubeInvalidError(context, causes);
  }
  if (RETRYABLE_STATUS.has(answer.status)) return new KubeUnavailableError(context);
  return new KubeApiError(context);
}

function defaultReason(status: number): string {
  switch (status) {
    case 400:
      return 'BadRequest';
    case 401:
      return 'Unauthorized';
    case 403:
      return 'Forbidden';
    case 404:
      return 'NotFound';
    case 409:
      return 'Conflict';
    case 422:
      return 'Invalid';
    case 429:
      return 'TooManyRequests';
    default:
      return status >= 500 ? 'InternalError' : 'Unknown';
  }
}
