import { ApiError, badRequest, invalid, notFound, resourceNotFound } from './errors.ts';
import { recordWrite } from './fields.ts';
import { clone } from './meta.ts';
import { apiVersionOf } from './resources.ts';
import type { ResourcePath } from './routes.ts';
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector } from './selectors.ts';
import type { FieldRequirement, LabelRequirement } from './selectors.ts';
import type { DeleteOptions, EmulatorState, GroupVersionResource, KubeObject, ResourceType } from './types.ts';
import { expired, resourceKey } from './watch.ts';
import type { WatchCache, WatchRequest } from './watch.ts';

/** A parsed request for a resource path. */
export interface RestRequest {
  readonly method: string;
  readonly path: ResourcePath;
  readonly query: URLSearchParams;
  /** Media type without parameters, lower case; `''` when absent. */
  readonly contentType: string;
  readonly body: unknown;
  readonly userAgent: string;
}

/** An answer: a JSON body with a status code, or a watch stream to open. */
export type RestResponse = { readonly status: number; readonly body: unknown } | { readonly watch: WatchRequest };

/** Admission: what a real API server does to an object between decoding and storage (defaulting, validation). */
export interface Admission {
  /** Returns the object as it should be stored, or throws an `ApiError` (422 Invalid with causes). */
  admit(type: ResourceType, version: string, object: KubeObject, old: KubeObject | undefined, options?: AdmitOptions): KubeObject;
}

/** Per-request admission options. */
export interface AdmitOptions {
  /** `?fieldValidation=Strict`: fields the schema does not declare fail the request (400) instead of being dropped. */
  readonly strict?: boolean;
}

/** The admission options a request asks for. */
export function admitOptionsOf(req: RestRequest): AdmitOptions {
  return { strict: req.query.get('fieldValidation') === 'Strict' };
}

/** What the REST handlers work on. */
export interface RestContext {
  readonly state: EmulatorState;
  readonly cache: WatchCache;
  readonly admission: Admission;
}

/** A resolved target: the served type, its GVR and the request. */
export interface Target {
  readonly type: ResourceType;
  readonly gvr: GroupVersionResource;
  readonly req: RestRequest;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The Kubernetes verb of a request, as audit logs and RBAC name it. */
export function verbOf(method: string, path: ResourcePath, query: URLSearchParams): string {
  const watching = query.get('watch') === 'true' || query.get('watch') === '1';
  switch (method) {
    case 'GET':
      return path.name !== undefined ? 'get' : watching ? 'watch' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return path.name !== undefined ? 'delete' : 'deletecollection';
    default:
      return method.toLowerCase();
  }
}

function methodNotAllowed(): ApiError {
  return new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
}

/** Resolves the request's type; 404 for unknown resources or subresources, 405 for writes to read-only ones. */
export function resolve(ctx: RestContext, req: RestRequest): Target {
  const { path } = req;
  const gvr = { group: path.group, version: path.version, resource: path.resource };
  const type = ctx.state.resourceType(gvr);
  if (!type) throw resourceNotFound(path.resource);
  const isNamespaceItself = type.group === '' && type.resource === 'namespaces';
  if (!type.namespaced && path.namespace !== undefined && !isNamespaceItself) throw resourceNotFound(path.resource);
  const sub = path.subresource;
  if (sub !== undefined && !((sub === 'status' && type.status) || (sub === 'scale' && type.scale))) throw resourceNotFound(`${path.resource}/${sub}`);
  const verb = verbOf(req.method, path, req.query);
  if (type.readOnly && !['get', 'list', 'watch'].includes(verb)) throw methodNotAllowed();
  if (type.namespaced && path.namespace === undefined && !['list', 'watch'].includes(verb)) throw methodNotAllowed();
  if (path.name === undefined && !['list', 'watch', 'create', 'deletecollection'].includes(verb)) throw methodNotAllowed();
  if (path.name !== undefined && verb === 'create') throw methodNotAllowed();
  return { type, gvr, req };
}

/** The namespace a namespaced request addresses (`undefined` for cluster-scoped types). */
export function namespaceOf(t: Target): string | undefined {
  return t.type.namespaced ? t.req.path.namespace : undefined;
}

/** The object reference error messages name: group, plural, kind and `name`. */
export function refOf(t: Target, name: string): { group: string; resource: string; kind: string; name: string } {
  return { group: t.type.group, resource: t.type.resource, kind: t.type.kind, name };
}

/** The object named by the path, or 404. */
export function current(ctx: RestContext, t: Target): KubeObject {
  const name = t.req.path.name ?? '';
  const found = ctx.state.get(t.gvr, namespaceOf(t), name);
  if (!found) throw notFound(refOf(t, name));
  return found;
}

/** The field manager of a write: `?fieldManager=`, else the user agent's product, as the API server derives it. */
export function managerOf(req: RestRequest): string {
  const explicit = req.query.get('fieldManager');
  if (explicit) return explicit;
  const product = req.userAgent.split('/')[0]?.trim();
  return product ? product : 'unknown';
}

/**
 * Checks a body against the request: fills a missing apiVersion/kind from the endpoint (as the API server's
 * decoder does), rejects mismatches with 400, fills or checks the namespace.
 */
export function decodeBody(t: Target, body: unknown): KubeObject {
  if (!isObject(body)) throw badRequest(`the body of the request must be a JSON object describing a ${t.type.kind}`);
  const object = clone(body) as KubeObject;
  const apiVersion = apiVersionOf(t.type.group, t.gvr.version);
  object.apiVersion ??= apiVersion;
  object.kind ??= t.type.kind;
  if (object.apiVersion !== apiVersion) throw badRequest(`the API version in the data (${object.apiVersion}) does not match the expected API version (${apiVersion})`);
  if (object.kind !== t.type.kind) throw badRequest(`${object.kind} in version "${t.gvr.version}" cannot be handled as a ${t.type.kind}: the kind in the data does not match the endpoint`);
  if (!isObject(object.metadata)) object.metadata = { name: '' };
  const ns = namespaceOf(t);
  if (ns !== undefined) {
    if (object.metadata.namespace === undefined || object.metadata.namespace === '') object.metadata.namespace = ns;
    else if (object.metadata.namespace !== ns) throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  return object;
}

/** Whether the request is a dry run (`?dryRun=All`); any other value is a 400 as on a real server. */
export function dryRunOf(req: RestRequest): boolean {
  const values = req.query.getAll('dryRun');
  for (const v of values) if (v !== 'All') throw badRequest(`Invalid dryRun value: "${v}"; the only valid value is "All"`);
  return values.length > 0;
}

/** Admission of namespaced writes: the namespace must exist and must not be terminating. */
export function checkNamespace(ctx: RestContext, t: Target): void {
  const ns = namespaceOf(t);
  if (ns === undefined) return;
  const namespace = ctx.state.get({ group: '', version: 'v1', resource: 'namespaces' }, undefined, ns);
  if (!namespace) throw notFound({ group: '', resource: 'namespaces', name: ns });
  if (namespace.metadata.deletionTimestamp) {
    throw new ApiError(403, 'Forbidden', `${t.type.resource} "${t.req.path.name ?? ''}" is forbidden: unable to create new content in namespace ${ns} because it is being terminated`, {
      name: t.req.path.name ?? '',
      kind: t.type.resource,
      causes: [{ reason: 'NamespaceTerminating', message: `namespace ${ns} is being terminated`, field: 'metadata.namespace' }],
    });
  }
}

/** POST: create. Status is dropped where it is a subresource, then admission runs. */
export function create(ctx: RestContext, t: Target): RestResponse {
  const object = decodeBody(t, t.req.body);
  checkNamespace(ctx, t);
  if (t.type.status) delete object['status'];
  delete object.metadata.managedFields;
  const admitted = ctx.admission.admit(t.type, t.gvr.version, object, undefined, admitOptionsOf(t.req));
  const now = ctx.state.clock.now();
  recordWrite(t.type, undefined, admitted, managerOf(t.req), now);
  return { status: 201, body: ctx.state.create(t.gvr, admitted, { dryRun: dryRunOf(t.req) }) };
}

/** PUT: replace the main resource or its status. */
export function update(ctx: RestContext, t: Target): RestResponse {
  const object = decodeBody(t, t.req.body);
  const name = t.req.path.name ?? '';
  if (object.metadata.name !== name) throw badRequest(`the name of the object (${object.metadata.name}) does not match the name on the URL (${name})`);
  const old = current(ctx, t);
  if (t.type.custom && !object.metadata.resourceVersion) {
    throw invalid(refOf(t, name), [{ reason: 'FieldValueInvalid', message: 'Invalid value: 0x0: must be specified for an update', field: 'metadata.resourceVersion' }]);
  }
  return { status: 200, body: write(ctx, t, old, object) };
}

/** Admits and stores an updated object (main resource or status), keeping managed fields up to date. */
export function write(ctx: RestContext, t: Target, old: KubeObject, object: KubeObject): KubeObject {
  const status = t.req.path.subresource === 'status';
  if (object.metadata.name !== old.metadata.name) throw badRequest(`the name of the object (${object.metadata.name}) does not match the name on the URL (${old.metadata.name})`);
  let candidate = clone(object);
  if (status) {
    candidate = { ...clone(old), status: clone(object['status']) };
    candidate.metadata.resourceVersion = object.metadata.resourceVersion ?? '';
  } else if (t.type.status) {
    setOrDelete(candidate, 'status', clone(old['status']));
  }
  candidate.metadata.managedFields = object.metadata.managedFields ?? old.metadata.managedFields;
  const admitted = ctx.admission.admit(t.type, t.gvr.version, candidate, old, admitOptionsOf(t.req));
  recordWrite(t.type, old, admitted, managerOf(t.req), ctx.state.clock.now(), status ? 'status' : undefined);
  return ctx.state.update(t.gvr, admitted, { ...(status ? { subresource: 'status' as const } : {}), dryRun: dryRunOf(t.req) });
}

function setOrDelete(target: Record<string, unknown>, key: string, value: unknown): void {
  if (value === undefined) delete target[key];
  else target[key] = value;
}

/** GET of one object. */
export function get(ctx: RestContext, t: Target): RestResponse {
  return { status: 200, body: current(ctx, t) };
}

interface ContinueToken {
  readonly v: string;
  readonly rv: number;
  readonly start: string;
}

function decodeContinue(token: string): ContinueToken {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<ContinueToken>;
    if (parsed.v !== 'meta.k8s.io/v1' || typeof parsed.rv !== 'number' || typeof parsed.start !== 'string') throw new Error('unsupported token');
    return parsed as ContinueToken;
  } catch (error) {
    throw badRequest(`invalid continue token: ${(error as Error).message}`);
  }
}

function encodeContinue(rv: number, start: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start }), 'utf8').toString('base64url');
}

/** The selectors of a list or watch request. */
export function selectorsOf(t: Target): { labels: LabelRequirement[]; fields: FieldRequirement[]; matches: (o: KubeObject) => boolean } {
  const labels = parseLabelSelector(t.req.query.get('labelSelector') ?? '');
  const fields = parseFieldSelector(t.req.query.get('fieldSelector') ?? '', t.type.kind);
  const ns = namespaceOf(t);
  const matches = (o: KubeObject) => (ns === undefined || o.metadata.namespace === ns) && matchesLabels(labels, o.metadata.labels) && matchesFields(fields, o);
  return { labels, fields, matches };
}

/** An object as a list item: built-in lists carry no per-item apiVersion/kind; custom resource lists do. */
function listItem(t: Target, object: KubeObject): KubeObject {
  if (t.type.custom) return object;
  const { apiVersion: _a, kind: _k, ...rest } = object;
  return rest as KubeObject;
}

/** GET of a collection: selectors, `limit` and `continue` (consistent pages at the first page's resourceVersion). */
export function list(ctx: RestContext, t: Target): RestResponse {
  const { labels, fields, matches } = selectorsOf(t);
  const token = t.req.query.get('continue');
  const limitText = t.req.query.get('limit');
  const limit = limitText ? Number(limitText) : 0;
  if (!Number.isInteger(limit) || limit < 0) throw badRequest(`invalid limit: ${limitText}`);
  const key = (o: KubeObject) => (t.type.namespaced ? `${o.metadata.namespace ?? ''}/${o.metadata.name}` : o.metadata.name);
  const resource = resourceKey(t.type.group, t.type.resource);
  let rv = Number(ctx.state.resourceVersion());
  let start = '';
  if (token) {
    const decoded = decodeContinue(token);
    if (!ctx.cache.covers(decoded.rv)) {
      throw expired('The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results.');
    }
    rv = decoded.rv;
    start = decoded.start;
  }
  const ns = namespaceOf(t);
  let page: KubeObject[];
  let remaining: () => number;
  if (!token || ctx.cache.since(resource, rv).length === 0) {
    // Nothing changed since the first page: read the store directly, copying only this page.
    page = ctx.state.list(t.gvr, ns, { ...(start ? { after: start } : {}), ...(limit > 0 ? { limit: limit + 1 } : {}), filter: matches });
    remaining = () => {
      let n = 0;
      const count = (o: KubeObject): boolean => {
        if (matches(o)) n++;
        return false;
      };
      ctx.state.list(t.gvr, ns, { after: key(page[limit - 1] as KubeObject), filter: count });
      return n;
    };
  } else {
    const apiVersion = apiVersionOf(t.type.group, t.gvr.version);
    const snapshot = ctx.cache.snapshot(resource, rv, ctx.state.list(t.gvr, ns)).map((o) => ({ ...o, apiVersion }));
    const sorted = snapshot.filter((o) => key(o) > start && matches(o)).sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
    page = limit > 0 ? sorted.slice(0, limit + 1) : sorted;
    remaining = () => sorted.length - limit;
  }
  const more = limit > 0 && page.length > limit;
  if (more) page = page.slice(0, limit);
  const last = page.at(-1);
  const metadata: Record<string, unknown> = { resourceVersion: String(rv) };
  if (more && last) {
    metadata['continue'] = encodeContinue(rv, key(last));
    if (labels.length === 0 && fields.length === 0) metadata['remainingItemCount'] = remaining();
  }
  return {
    status: 200,
    body: { apiVersion: apiVersionOf(t.type.group, t.gvr.version), kind: t.type.listKind, metadata, items: page.map((o) => listItem(t, o)) },
  };
}

/** GET with `watch=1`. */
export function watch(ctx: RestContext, t: Target): RestResponse {
  const { matches } = selectorsOf(t);
  const timeout = t.req.query.get('timeoutSeconds');
  const apiVersion = apiVersionOf(t.type.group, t.gvr.version);
  const rv = t.req.query.get('resourceVersion');
  return {
    watch: {
      resource: resourceKey(t.type.group, t.type.resource),
      render: (o) => ({ ...o, apiVersion, kind: t.type.kind }),
      matches,
      initial: () => ctx.state.list(t.gvr),
      ...(rv !== null ? { resourceVersion: rv } : {}),
      ...(timeout ? { timeoutSeconds: Number(timeout) } : {}),
      bookmarks: t.req.query.get('allowWatchBookmarks') === 'true',
      currentRv: () => ctx.state.resourceVersion(),
    },
  };
}

function deleteOptions(t: Target): DeleteOptions {
  const body = isObject(t.req.body) ? t.req.body : {};
  const policy = t.req.query.get('propagationPolicy') ?? (body['propagationPolicy'] as string | undefined) ?? (body['orphanDependents'] === true ? 'Orphan' : undefined);
  if (policy !== undefined && policy !== 'Background' && policy !== 'Foreground' && policy !== 'Orphan') {
    throw invalid(refOf(t, t.req.path.name ?? ''), [{ reason: 'FieldValueNotSupported', message: `Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan"`, field: 'propagationPolicy' }]);
  }
  const pre = isObject(body['preconditions']) ? (body['preconditions'] as { uid?: string; resourceVersion?: string }) : undefined;
  return { ...(policy ? { propagationPolicy: policy } : {}), ...(pre ? { preconditions: pre } : {}), dryRun: dryRunOf(t.req) };
}

/** DELETE of one object: a `Status` when it is gone at once, the object (with deletionTimestamp) when finalizers hold it. */
export function remove(ctx: RestContext, t: Target): RestResponse {
  const name = t.req.path.name ?? '';
  const result = ctx.state.delete(t.gvr, namespaceOf(t), name, deleteOptions(t));
  if (!result.removed) return { status: 200, body: result.object };
  return {
    status: 200,
    body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name, group: t.type.group, kind: t.type.resource, uid: result.object.metadata.uid } },
  };
}

/** DELETE of a collection: every object the selectors match. */
export function removeCollection(ctx: RestContext, t: Target): RestResponse {
  const { matches } = selectorsOf(t);
  const options = deleteOptions(t);
  for (const object of ctx.state.list(t.gvr, namespaceOf(t)).filter(matches)) {
    if (ctx.state.get(t.gvr, object.metadata.namespace, object.metadata.name)) ctx.state.delete(t.gvr, object.metadata.namespace, object.metadata.name, options);
  }
  return { status: 200, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success' } };
}
