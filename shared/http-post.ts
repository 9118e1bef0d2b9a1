/**
 * One JSON POST over Node's own `http`/`https`, for webhooks and chat notifiers: per-request TLS verification
 * (`insecure` for `disableTLS`), an optional HTTP proxy (an absolute-URI request for `http:` targets, a CONNECT
 * tunnel for `https:` ones, as Go's `http.Transport` does), a deadline, and a capped body read. Built on the
 * runtime instead of undici so the Lambda bundles do not carry an HTTP client of their own (undici was 727 KiB
 * of a 1.8 MB advance bundle against a 1.2 MB target).
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { isIP, type Socket } from 'node:net';
import * as tls from 'node:tls';

/** How to send one POST. */
export interface PostOptions {
  readonly headers?: Readonly<Record<string, string>>;
  /** The whole exchange's deadline; past it the request is destroyed and the error's `timedOut` is true. */
  readonly timeoutMs: number;
  /** Skip the server certificate's verification. @default false */
  readonly insecure?: boolean;
  /** `http://[user:pass@]host:port` of a forward proxy. @default a direct connection */
  readonly proxy?: string;
  /** Longest body read; the rest is dropped. @default 64 KiB */
  readonly maxBodyBytes?: number;
}

/** The answer to a POST. */
export interface PostAnswer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** A POST that got no answer; `code` is Node's error code (`ECONNREFUSED`, `CERT_HAS_EXPIRED`, …). */
export class PostError extends Error {
  readonly code: string;
  readonly timedOut: boolean;
  constructor(message: string, code: string, timedOut: boolean, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PostError';
    this.code = code;
    this.timedOut = timedOut;
  }
}

const DEFAULT_MAX_BODY_BYTES = 64 * 1024;
const keepAlive = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }), insecure: new https.Agent({ keepAlive: true, rejectUnauthorized: false }) };

/** POSTs `body` to `url`; resolves with any HTTP answer, rejects with a {@link PostError} when there is none. */
export async function postJson(url: string, body: string, options: PostOptions): Promise<PostAnswer> {
  const target = new URL(url);
  if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new PostError(`unsupported protocol ${target.protocol}`, 'ERR_INVALID_URL', false);
  const deadline = AbortSignal.timeout(options.timeoutMs);
  const headers = { 'content-type': 'application/json', ...options.headers, 'content-length': String(Buffer.byteLength(body)) };
  try {
    const request = options.proxy ? await viaProxy(target, new URL(options.proxy), headers, options, deadline) : direct(target, headers, options, deadline);
    return await exchange(request, body, options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
  } catch (error) {
    if (error instanceof PostError) throw error;
    const code = (error as { code?: unknown }).code;
    const message = error instanceof Error ? error.message : String(error);
    throw new PostError(deadline.aborted ? `timed out after ${options.timeoutMs}ms` : message, typeof code === 'string' ? code : 'UNKNOWN', deadline.aborted, { cause: error });
  }
}

function direct(target: URL, headers: Record<string, string>, options: PostOptions, signal: AbortSignal): http.ClientRequest {
  const secure = target.protocol === 'https:';
  const agent = secure ? (options.insecure ? keepAlive.insecure : keepAlive.https) : keepAlive.http;
  return (secure ? https : http).request(target, { method: 'POST', headers, agent, signal });
}

async function viaProxy(target: URL, proxy: URL, headers: Record<string, string>, options: PostOptions, signal: AbortSignal): Promise<http.ClientRequest> {
  const auth = proxy.username === '' ? {} : { 'proxy-authorization': `Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64')}` };
  const proxyAt = { host: proxy.hostname, port: Number(proxy.port || 80) };
  if (target.protocol === 'http:') {
    return http.request({ ...proxyAt, method: 'POST', path: target.href, headers: { ...headers, host: target.host, ...auth }, signal });
  }
  const socket = await new Promise<Socket>((resolve, reject) => {
    const connect = http.request({ ...proxyAt, method: 'CONNECT', path: `${target.hostname}:${target.port || 443}`, headers: { host: target.host, ...auth }, signal });
    connect.once('connect', (response, tunnel) => {
      if (response.statusCode === 200) resolve(tunnel);
      else {
        tunnel.destroy();
        reject(new PostError(`proxy answered CONNECT with HTTP ${response.statusCode}`, 'EPROXY', false));
      }
    });
    connect.once('error', reject);
    connect.end();
  });
  // No agent: with one, Node would open its own connection and ignore the tunnel.
  const secured = tls.connect({ socket, rejectUnauthorized: !options.insecure, ...(isIP(target.hostname) === 0 ? { servername: target.hostname } : {}) });
  return https.request(target, { method: 'POST', headers, signal, createConnection: () => secured });
}

function exchange(request: http.ClientRequest, body: string, maxBodyBytes: number): Promise<PostAnswer> {
  return new Promise((resolve, reject) => {
    request.once('error', reject);
    request.once('response', (response) => {
      const chunks: Buffer[] = [];
      let kept = 0;
      response.on('data', (chunk: Buffer) => {
        if (kept >= maxBodyBytes) return;
        chunks.push(chunk.subarray(0, maxBodyBytes - kept));
        kept += Math.min(chunk.length, maxBodyBytes - kept);
      });
      response.once('error', reject);
      response.once('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    request.end(body);
  });
}
