import { createServer } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { parse as parseYaml } from 'yaml';
import { createAdmission } from './admission.ts';
import { discovery } from './discovery.ts';
import { ApiError, badRequest } from './errors.ts';
import { externalMetricsAnswer, type ExternalMetricsSource } from './external-metrics.ts';
import { create, current, get, list, remove, removeCollection, resolve, update, verbOf, watch } from './handlers.ts';
import type { Admission, RestContext, RestRequest, RestResponse } from './handlers.ts';
import { Counters, Faults } from './instrument.ts';
import type { FaultAction, RequestFacts, RequestRecord } from './instrument.ts';
import { patch } from './patching.ts';
import { parsePath } from './routes.ts';
import type { ResourcePath } from './routes.ts';
import { scaleOf, writeScale } from './scale.ts';
import { toTable, wantsTable } from './table.ts';
import { createClusterState } from './store.ts';
import type { Clock, EmulatorState, KubeObject } from './types.ts';
import { WatchCache, serveWatch } from './watch.ts';

/** Options of {@link startEmulator}. */
export interface EmulatorOptions {
  /** TCP port on 127.0.0.1. @default 0 (any free port) */
  readonly port?: number;
  /** The cluster's clock (creation and deletion timestamps). @default the wall clock */
  readonly clock?: Clock;
  /** Serve this state instead of a fresh one (e.g. one the workload simulation already drives). */
  readonly state?: EmulatorState;
  /** CustomResourceDefinitions to create at start (those already in `state` are kept), e.g. `standardCrds()`. @default none */
  readonly crds?: readonly KubeObject[];
  /** Defaulting and validation of objects before storage. @default the emulator's built-in admission */
  readonly admission?: Admission;
  /** Changes kept for watch resumption and consistent paging before older ones expire (410). @default 10000 */
  readonly watchHistory?: number;
  /** Requests kept in `requestLog`, the most recent; older ones are forgotten so a long run stays bounded. @default 10000 */
  readonly requestLogLimit?: number;
  /** Serve HTTPS with this key and certificate (PEM), as a real API server does. @default plain HTTP */
  readonly tls?: { readonly key: string; readonly cert: string };
  /**
   * Authenticates each request from its `Authorization` header (e.g. an EKS token verified as
   * aws-iam-authenticator does); `false` answers 401 Unauthorized. @default every request is let in
   */
  readonly authenticate?: (authorization: string | undefined) => boolean | Promise<boolean>;
  /** Serve `external.metrics.k8s.io/v1beta1` from this source, as a metrics adapter behind the API server. @default not served (404) */
  readonly externalMetrics?: ExternalMetricsSource;
}

/** A running emulator. */
export interface Emulator {
  /** `http://127.0.0.1:<port>` (`https://` with `tls`) */
  readonly url: string;
  readonly port: number;
  readonly state: EmulatorState;
  /** A kubeconfig (YAML) whose current context points at this emulator, namespace `default`. */
  kubeconfig(): string;
  /** The most recent requests (at most `requestLogLimit`), oldest first. Tests may clear it (`requestLog.length = 0`). */
  readonly requestLog: RequestRecord[];
  readonly counters: Counters;
  readonly faults: Faults;
  /** Forgets the change history, like an etcd compaction: older watch resourceVersions and continue tokens get 410. */
  compact(): void;
  /** Stops serving: ends watches, drops connections, closes the port. */
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

function parseBody(raw: string, contentType: string, method: string): unknown {
  if (raw.trim() === '' || method === 'PATCH') return undefined;
  if (contentType === 'application/yaml') return parseYaml(raw);
  if (contentType !== '' && contentType !== 'application/json' && contentType !== '*/*') {
    throw new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml`);
  }
  try {
    return JSON.parse(raw);
  } catch (error) {
    throw badRequest(`error decoding body: ${(error as Error).message}`);
  }
}

function handleResource(ctx: RestContext, req: RestRequest, raw: string): RestResponse {
  const t = resolve(ctx, req);
  const verb = verbOf(req.method, req.path, req.query);
  if (req.path.subresource === 'scale') {
    if (verb === 'get') return { status: 200, body: scaleOf(t, current(ctx, t)) };
    if (verb === 'update') return { status: 200, body: writeScale(ctx, t, req.body) };
  }
  switch (verb) {
    case 'get':
      return get(ctx, t);
    case 'list':
      return list(ctx, t);
    case 'watch':
      return watch(ctx, t);
    case 'create':
      return create(ctx, t);
    case 'update':
      return update(ctx, t);
    case 'patch':
      return patch(ctx, t, raw);
    case 'delete':
      return remove(ctx, t);
    case 'deletecollection':
      return removeCollection(ctx, t);
    default:
      throw new ApiError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`);
  }
}

/** Renders a get, list or watch answer as `kubectl get` asks: a Table (one row per watch event). */
function asTable(state: EmulatorState, path: ResourcePath, answer: RestResponse, includeObject: string | null): RestResponse {
  const type = state.resourceType({ group: path.group, version: path.version, resource: path.resource });
  if (!type) return answer;
  const now = () => state.clock.now();
  if ('watch' in answer) {
    const render = answer.watch.render;
    return { watch: { ...answer.watch, render: (o) => toTable(type, path.version, [render(o)], { resourceVersion: o.metadata.resourceVersion }, now(), includeObject) as KubeObject } };
  }
  if (answer.status !== 200 || typeof answer.body !== 'object' || answer.body === null) return answer;
  const body = answer.body as { kind?: string; items?: KubeObject[]; metadata?: Record<string, unknown> };
  if (body.kind === 'Status') return answer;
  if (Array.isArray(body.items)) return { status: 200, body: toTable(type, path.version, body.items, body.metadata ?? {}, now(), includeObject) };
  return { status: 200, body: toTable(type, path.version, [answer.body as KubeObject], {}, now(), includeObject) };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function statusOf(error: unknown): { status: number; body: unknown } {
  if (error instanceof ApiError) return { status: error.code, body: error.toStatus() };
  const message = error instanceof Error ? error.message : String(error);
  return { status: 500, body: new ApiError(500, 'InternalError', `Internal error occurred: ${message}`).toStatus() };
}

/**
 * Starts the Kubernetes API emulator on 127.0.0.1: discovery, CRUD, patch types, server-side apply,
 * selectors, paging, watch, status and scale subresources, over the state of {@link createClusterState}.
 *
 * @example
 * const emulator = await startEmulator({ crds: standardCrds() });
 * const kc = new KubeConfig();
 * kc.loadFromString(emulator.kubeconfig());
 * const apps = kc.makeApiClient(AppsV1Api);
 * // …
 * await emulator.stop();
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const state = options.state ?? createClusterState(options.clock ? { clock: options.clock } : {});
  const cache = new WatchCache(state, options.watchHistory);
  const crdGvr = { group: 'apiextensions.k8s.io', version: 'v1', resource: 'customresourcedefinitions' };
  for (const crd of options.crds ?? []) {
    if (!state.get(crdGvr, undefined, crd.metadata.name)) state.create(crdGvr, crd);
  }
  const ctx: RestContext = { state, cache, admission: options.admission ?? createAdmission() };
  const requestLog: RequestRecord[] = [];
  const requestLogLimit = Math.max(1, options.requestLogLimit ?? 10_000);
  const counters = new Counters();
  const faults = new Faults();
  const sockets = new Set<Socket>();
  const watches = new Set<() => void>();
  let address = '127.0.0.1:0';

  const respond = async (req: IncomingMessage, res: ServerResponse, raw: string): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const method = (req.method ?? 'GET').toUpperCase();
    const apiPath = parsePath(url.pathname);
    const resourcePath: ResourcePath | undefined = apiPath?.kind === 'resource' ? apiPath : undefined;
    const verb = resourcePath ? verbOf(method, resourcePath, url.searchParams) : 'discovery';
    const contentType = mediaType(req.headers['content-type']);
    const facts: RequestFacts = {
      verb,
      method,
      path: url.pathname,
      ...(resourcePath ? { resource: resourcePath.subresource ? `${resourcePath.resource}/${resourcePath.subresource}` : resourcePath.resource } : {}),
      ...(resourcePath?.namespace !== undefined ? { namespace: resourcePath.namespace } : {}),
      ...(resourcePath?.name !== undefined ? { name: resourcePath.name } : {}),
    };
    const started = performance.now();
    const record: RequestRecord = { ...facts, query: url.search, ...(contentType ? { contentType } : {}), status: 0, durationMs: 0, time: new Date() };
    requestLog.push(record);
    // Trimmed in batches (a tenth of the limit), so a push stays O(1) amortized.
    if (requestLog.length >= requestLogLimit + Math.ceil(requestLogLimit / 10)) requestLog.splice(0, requestLog.length - requestLogLimit);
    counters.record(verb, facts.resource);
    res.on('finish', () => {
      record.status = res.statusCode;
      record.durationMs = performance.now() - started;
    });

    if (options.authenticate && !(await options.authenticate(req.headers.authorization))) {
      sendJson(res, 401, new ApiError(401, 'Unauthorized', 'Unauthorized').toStatus());
      return;
    }
    const latency = faults.latencyFor(facts);
    if (latency > 0) await sleep(latency);
    const fault: FaultAction | undefined = faults.take(facts);
    if (fault?.type === 'delay') await sleep(fault.ms);
    if (fault?.type === 'timeout') return;
    const beforeCommit = fault && !('afterCommit' in fault && fault.afterCommit);
    if (beforeCommit && fault.type === 'reset') {
      req.socket.destroy();
      return;
    }
    if (beforeCommit && fault.type === 'status') {
      const reason = fault.reason ?? (fault.code >= 500 ? 'InternalError' : 'BadRequest');
      sendJson(res, fault.code, new ApiError(fault.code, reason, fault.message ?? `injected fault: ${method} ${url.pathname}`).toStatus());
      return;
    }

    let answer: RestResponse;
    try {
      const external = options.externalMetrics === undefined ? undefined : externalMetricsAnswer(url, method, options.externalMetrics);
      if (external !== undefined) answer = external;
      else if (!apiPath) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
      else if (apiPath.kind !== 'resource') {
        if (method !== 'GET') throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
        answer = { status: 200, body: discovery(apiPath, state.resourceTypes(), address) };
      } else {
        const body = parseBody(raw, contentType, method);
        const userAgent = req.headers['user-agent'] ?? '';
        answer = handleResource(ctx, { method, path: apiPath, query: url.searchParams, contentType, body, userAgent }, raw);
      }
    } catch (error) {
      answer = statusOf(error);
    }
    if (fault?.type === 'reset') {
      req.socket.destroy();
      return;
    }
    if (fault?.type === 'status') {
      const reason = fault.reason ?? (fault.code >= 500 ? 'InternalError' : 'BadRequest');
      sendJson(res, fault.code, new ApiError(fault.code, reason, fault.message ?? `injected fault: ${method} ${url.pathname}`).toStatus());
      return;
    }
    // kubectl asks for OpenAPI v2 as protobuf; an empty message is a valid, empty document.
    if (apiPath?.kind === 'openapi' && apiPath.version === 'v2' && 'status' in answer && answer.status === 200 && (req.headers.accept ?? '').includes('protobuf')) {
      res.writeHead(200, { 'Content-Type': 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf', 'Content-Length': 0 });
      res.end();
      return;
    }
    if (resourcePath && !resourcePath.subresource && wantsTable(req.headers.accept)) answer = asTable(state, resourcePath, answer, url.searchParams.get('includeObject'));
    if ('watch' in answer) {
      const end = serveWatch(cache, answer.watch, res);
      watches.add(end);
      res.on('close', () => watches.delete(end));
      return;
    }
    sendJson(res, answer.status, answer.body);
  };

  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      respond(req, res, Buffer.concat(chunks).toString('utf8')).catch((error: unknown) => {
        if (!res.headersSent) sendJson(res, 500, statusOf(error).body);
        else res.destroy();
      });
    });
  };
  const server = options.tls ? createTlsServer({ key: options.tls.key, cert: options.tls.cert }, listener) : createServer(listener);
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  address = `127.0.0.1:${port}`;
  const url = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;

  return {
    url,
    port,
    state,
    requestLog,
    counters,
    faults,
    kubeconfig: () => kubeconfigFor(url),
    compact: () => cache.compact(Number(state.resourceVersion())),
    stop: async () => {
      for (const end of [...watches]) end();
      cache.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

/** A kubeconfig (YAML) for an emulator at `url`: cluster, user and context `fledge-emulator`, namespace `default`. */
export function kubeconfigFor(url: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '  - name: fledge-emulator',
    '    cluster:',
    `      server: ${url}`,
    // client-node 2 refuses plain http unless TLS verification is explicitly off.
    '      insecure-skip-tls-verify: true',
    'users:',
    '  - name: fledge-emulator',
    '    user:',
    '      token: fledge-emulator',
    'contexts:',
    '  - name: fledge-emulator',
    '    context:',
    '      cluster: fledge-emulator',
    '      user: fledge-emulator',
    '      namespace: default',
    'current-context: fledge-emulator',
    'preferences: {}',
    '',
  ].join('\n');
}
