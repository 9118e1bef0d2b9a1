/**
 * One HTTP request as metric providers make it: a deadline (Flagger's 5 s), optional TLS verification off
 * (`insecureSkipVerify`), the body read as text. Transport failures come back as a `failed` answer, never a throw,
 * so each provider turns them into its `error` result.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** Flagger's timeout for every provider request. */
export const PROVIDER_TIMEOUT_MS = 5_000;

/** One request. */
export interface HttpCall {
  readonly url: URL;
  /** @default 'GET' */
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string | readonly string[]>>;
  readonly body?: string;
  /** @default {@link PROVIDER_TIMEOUT_MS} */
  readonly timeoutMs?: number;
  /** Accept any server certificate. @default false */
  readonly insecureSkipVerify?: boolean;
}

/** The answer: a status and body, or why none arrived. */
export type HttpAnswer =
  | { readonly ok: true; readonly status: number; readonly body: string; readonly headers: Readonly<Record<string, string | string[] | undefined>> }
  | { readonly ok: false; readonly error: string };

/** Sends `call` and reads the whole answer. */
export function send(call: HttpCall): Promise<HttpAnswer> {
  const timeoutMs = call.timeoutMs ?? PROVIDER_TIMEOUT_MS;
  const secure = call.url.protocol === 'https:';
  if (!secure && call.url.protocol !== 'http:') {
    return Promise.resolve({ ok: false, error: `unsupported URL scheme ${call.url.protocol} in ${call.url.origin}` });
  }
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(call.headers ?? {})) headers[name] = typeof value === 'string' ? value : [...value];
  if (call.body !== undefined) headers['content-length'] = String(Buffer.byteLength(call.body));
  return new Promise((resolve) => {
    let settled = false;
    const settle = (answer: HttpAnswer): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(answer);
    };
    const options = { method: call.method ?? 'GET', headers, ...(secure && call.insecureSkipVerify ? { rejectUnauthorized: false } : {}) };
    const req = (secure ? httpsRequest : httpRequest)(call.url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => settle({ ok: true, status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
      res.on('error', (error) => settle({ ok: false, error: `error reading body: ${error.message}` }));
    });
    const timer = setTimeout(() => {
      req.destroy();
      settle({ ok: false, error: `request failed: no answer from ${call.url.host} within ${timeoutMs / 1000}s` });
    }, timeoutMs);
    req.on('error', (error) => settle({ ok: false, error: `request failed: ${error.message}` }));
    if (call.body !== undefined) req.write(call.body);
    req.end();
  });
}

/** Parses JSON, or says what came instead. */
export function parseJson(body: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(body) as unknown };
  } catch (error) {
    return { ok: false, error: `error unmarshaling result: ${(error as Error).message}, '${shorten(body)}'` };
  }
}

/** The first 300 characters of a body, for messages. */
export function shorten(text: string): string {
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

/** A finite number as a value, anything else (NaN, ±Inf) as "no values found". */
export function finiteValue(value: number, what: string): { kind: 'value'; value: number } | { kind: 'noData'; reason: string } {
  return Number.isFinite(value) ? { kind: 'value', value } : { kind: 'noData', reason: `no values found (${what} is ${value})` };
}
