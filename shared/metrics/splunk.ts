/**
 * The Splunk Observability Cloud (SignalFx) provider, as Flagger's: the query is a SignalFlow program run over
 * the last 10 × interval on the realm's stream endpoint (`https://api.<realm>.signalfx.com` →
 * `wss://stream.<realm>.signalfx.com/v2/signalflow/connect`) with the token of secret key `sf_token_key`.
 * Points without a value are dropped; none left is "no values found", points of more than one time series
 * (tsId) are `multipleValues`, else the last point is the value. The availability probe is
 * `GET https://api.<realm>.signalfx.com/v2/metric?limit=1` with the `X-SF-Token` header.
 *
 * The SignalFlow WebSocket runs on Node's own `WebSocket` client (no dependency). The server sends control,
 * metadata and error messages as JSON text and data batches in its binary encoding (see {@link decodeBinary}),
 * whatever `compress` says; `compress: false` only keeps JSON messages out of gzip.
 */
import { gunzipSync } from 'node:zlib';
import { ProviderConfigError } from './errors.ts';
import { finiteValue, PROVIDER_TIMEOUT_MS, send, shorten } from './http.ts';
import { addressOf, intervalMs, secretKey, type ProviderOptions } from './options.ts';
import type { MetricProvider, MetricQueryResult, OnlineResult } from './types.ts';

/** The secret key holding the access token (Flagger's). */
export const SPLUNK_TOKEN_KEY = 'sf_token_key';
/** The look-back window in metric intervals (Flagger's). */
const WINDOW_INTERVALS = 10;
const CHANNEL = 'fledge-0';

/**
 * The SignalFlow stream and REST API addresses derived from `spec.provider.address` (either may be given).
 * Flagger replaces the first `api`/`stream` anywhere in the address; Fledge only swaps the host's first label.
 */
export function splunkEndpoints(address: string): { readonly stream: string; readonly api: string } {
  const url = new URL(address);
  if (!['https:', 'wss:', 'http:', 'ws:'].includes(url.protocol)) {
    throw new ProviderConfigError(`splunk address ${JSON.stringify(address)} must be https://api.<realm>.signalfx.com or wss://stream.<realm>.signalfx.com`);
  }
  const base = url.pathname.replace(/\/+$/u, '');
  const swap = (protocol: string, from: string, to: string): string => {
    const host = url.host.startsWith(`${from}.`) ? `${to}.${url.host.slice(from.length + 1)}` : url.host;
    return `${protocol}//${host}${base}`;
  };
  const secure = url.protocol === 'https:' || url.protocol === 'wss:';
  return {
    stream: `${swap(secure ? 'wss:' : 'ws:', 'api', 'stream')}/v2/signalflow/connect`,
    api: `${swap(secure ? 'https:' : 'http:', 'stream', 'api')}/v2/metric?limit=1`,
  };
}

/** Builds the provider; a missing address or token is a `ProviderConfigError`. */
export function createSplunkProvider(options: ProviderOptions): MetricProvider {
  const endpoints = splunkEndpoints(addressOf(options));
  const token = secretKey(options, SPLUNK_TOKEN_KEY);
  const windowMs = WINDOW_INTERVALS * intervalMs(options);
  const timeoutMs = options.timeoutMs ?? PROVIDER_TIMEOUT_MS;
  return {
    type: 'splunk',
    async query(rendered: string): Promise<MetricQueryResult> {
      const stop = options.now().getTime();
      const outcome = await runSignalFlow({ url: endpoints.stream, token, program: rendered, start: stop - windowMs, stop, timeoutMs });
      if (!outcome.ok) return { kind: 'error', error: `error executing query: ${outcome.error}` };
      return reducePoints(outcome.points);
    },
    async isOnline(): Promise<OnlineResult> {
      const answer = await send({ url: new URL(endpoints.api), headers: { 'X-SF-Token': token }, timeoutMs });
      if (!answer.ok) return { online: false, reason: answer.error };
      return answer.status === 200 ? { online: true } : { online: false, reason: `error response: ${shorten(answer.body)}` };
    },
  };
}

/** One data point of a SignalFlow data message. */
export interface SignalFlowPoint {
  readonly tsId: string;
  readonly value: number | null;
}

/** Flagger's reduction: drop empty points, reject several series, take the last point. */
export function reducePoints(points: readonly SignalFlowPoint[]): MetricQueryResult {
  const valued = points.filter((point): point is { tsId: string; value: number } => typeof point.value === 'number');
  const last = valued.at(-1);
  if (last === undefined) return { kind: 'noData', reason: 'no values found' };
  const series = new Set(valued.map((point) => point.tsId)).size;
  if (series > 1) return { kind: 'multipleValues', count: series };
  return finiteValue(last.value, 'the last point');
}

interface Execution {
  readonly url: string;
  readonly token: string;
  readonly program: string;
  readonly start: number;
  readonly stop: number;
  readonly timeoutMs: number;
}

type Outcome = { readonly ok: true; readonly points: SignalFlowPoint[] } | { readonly ok: false; readonly error: string };

/** Authenticates, executes the program on one channel and collects its data until the channel ends. */
function runSignalFlow(run: Execution): Promise<Outcome> {
  return new Promise((resolve) => {
    const points: SignalFlowPoint[] = [];
    let settled = false;
    let socket: WebSocket;
    const finish = (outcome: Outcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.close();
      resolve(outcome);
    };
    const timer = setTimeout(() => finish({ ok: false, error: `no answer from ${new URL(run.url).host} within ${run.timeoutMs / 1000}s` }), run.timeoutMs);
    try {
      socket = new WebSocket(run.url);
    } catch (error) {
      settled = true;
      clearTimeout(timer);
      resolve({ ok: false, error: (error as Error).message });
      return;
    }
    socket.binaryType = 'arraybuffer';
    socket.addEventListener('open', () => socket.send(JSON.stringify({ type: 'authenticate', token: run.token })));
    socket.addEventListener('error', () => finish({ ok: false, error: `cannot connect to ${run.url}` }));
    socket.addEventListener('close', (event) => finish({ ok: false, error: `connection closed before the end of the channel (${event.code}${event.reason === '' ? '' : ` ${event.reason}`})` }));
    socket.addEventListener('message', (event: MessageEvent) => {
      const message = decodeFrame(event.data);
      if (message === undefined || message.event === 'KEEP_ALIVE') return;
      if (message.type === 'authenticated') {
        const execute = { type: 'execute', channel: CHANNEL, program: run.program, start: run.start, stop: run.stop, immediate: true, compress: false };
        socket.send(JSON.stringify(execute));
        return;
      }
      if (message.channel !== undefined && message.channel !== CHANNEL) return;
      if (message.type === 'error') {
        finish({ ok: false, error: `${String(message.message ?? 'error')} (${String(message.error ?? 'no code')})` });
      } else if (message.type === 'data') {
        points.push(...(message.data ?? []));
      } else if (message.type === 'control-message' && message.event === 'END_OF_CHANNEL') {
        finish({ ok: true, points });
      } else if (message.type === 'control-message' && (message.event === 'CHANNEL_ABORT' || message.event === 'ABORT_CHANNEL')) {
        finish({ ok: false, error: `computation aborted: ${message.abortInfo?.sf_job_abortReason ?? JSON.stringify(message.abortInfo ?? {})}` });
      }
    });
  });
}

interface StreamMessage {
  readonly type?: string;
  readonly event?: string;
  readonly channel?: string;
  readonly error?: unknown;
  readonly message?: unknown;
  readonly data?: SignalFlowPoint[];
  readonly abortInfo?: { readonly sf_job_abortReason?: string };
}

function decodeFrame(data: unknown): StreamMessage | undefined {
  try {
    if (typeof data === 'string') return JSON.parse(data) as StreamMessage;
    if (data instanceof ArrayBuffer) return decodeBinary(new Uint8Array(data));
  } catch {
    return undefined;
  }
  return undefined;
}

const VALUE_LONG = 1;
const VALUE_DOUBLE = 2;
const VALUE_INT = 3;

/**
 * SignalFlow's binary message: a 20-byte header (version, type, flags — bit 0 gzip, bit 1 JSON — a reserved byte,
 * the channel name NUL-padded to 16 bytes), then for a data batch (type 5) the logical timestamp (and from
 * version 2 the max delay), both int64, a uint32 count and 17-byte points: value type (0 none, 1 int64,
 * 2 float64, 3 int32), 8-byte tsId (base64url unpadded), 8-byte value, all big-endian.
 */
export function decodeBinary(frame: Uint8Array): StreamMessage | undefined {
  if (frame.length <= 20) return undefined;
  const [version = 0, type, flags = 0] = frame;
  const channelBytes = frame.subarray(4, 20);
  const nul = channelBytes.indexOf(0);
  const channel = Buffer.from(nul === -1 ? channelBytes : channelBytes.subarray(0, nul)).toString('utf8');
  let body = frame.subarray(20);
  if ((flags & 1) !== 0) body = gunzipSync(body);
  if ((flags & 2) !== 0) return JSON.parse(Buffer.from(body).toString('utf8')) as StreamMessage;
  if (type !== 5) return undefined;
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const countAt = version === 1 ? 8 : 16;
  const count = view.getUint32(countAt);
  const data: SignalFlowPoint[] = [];
  for (let i = 0, at = countAt + 4; i < count && at + 17 <= body.length; i++, at += 17) {
    const valueType = view.getUint8(at);
    const tsId = Buffer.from(body.subarray(at + 1, at + 9)).toString('base64url');
    const value = valueType === VALUE_LONG ? Number(view.getBigInt64(at + 9)) : valueType === VALUE_DOUBLE ? view.getFloat64(at + 9) : valueType === VALUE_INT ? view.getInt32(at + 9) : null;
    data.push({ tsId, value });
  }
  return { type: 'data', channel, data };
}
