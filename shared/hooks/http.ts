/**
 * The HTTP {@link HookCaller}: POSTs Flagger's webhook payload as JSON, as Flagger's `callWebhook` does (a
 * go-retryablehttp client): one attempt plus `retries`, each bounded by `timeout` (default 10 s), retried with
 * exponential backoff on transport errors, timeouts, 429 and 5xx answers other than 501 (a `Retry-After` on 429 or
 * 503 is honoured, capped); 200–202 is success; the response body becomes the result's detail (the event text).
 * Beyond Flagger: an answer `{"status":"IN_PROGRESS","retryAfterSeconds":N}` is `pending` with `inProgress`, for
 * any hook type, and a call ends within the time left it is given (`timeLeftMs`: the advance invocation's
 * remaining time), its attempts shortened and its retries dropped to fit. URLs are shown only through
 * `redactUrl`, and text that could echo one is scrubbed.
 */
import { postJson, PostError } from '../http-post.ts';
import { parseDuration } from '../api/duration.ts';
import { redactUrl, scrubSecrets, urlSecrets } from '../redact.ts';
import { GATE_HOOK_TYPES, type HookCaller, type HookResult, type WebhookCall, type WebhookPayload } from './types.ts';

/** Flagger's default webhook timeout. */
export const DEFAULT_HOOK_TIMEOUT_MS = 10_000;
/** The shortest attempt worth making: with less time left, the webhook is not called. */
const MIN_ATTEMPT_MS = 50;
/** Longest response body read; the rest is dropped. */
const MAX_BODY_BYTES = 64 * 1024;
/** Longest detail kept (a Kubernetes event message is at most 1 KiB). */
const MAX_DETAIL_CHARS = 1000;
/** TLS failures retrying cannot fix (go-retryablehttp does not retry certificate errors either). */
const UNRECOVERABLE_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_INVALID_URL',
]);

/** A diagnostic of the caller: a retry, a give-up. The URL in it is already redacted. */
export interface HookLogEntry {
  readonly level: 'info' | 'warn';
  readonly message: string;
  readonly hook: string;
  readonly url: string;
}

/** Options of {@link HttpHookCaller}. */
export interface HttpHookCallerOptions {
  /** Waits between attempts; tests pass one that does not sleep. @default a real timer */
  readonly sleep?: (ms: number) => Promise<void>;
  /** First backoff delay; attempt n waits `baseDelayMs × 2^n`, capped (go-retryablehttp's defaults). @default 1000 */
  readonly baseDelayMs?: number;
  /** Longest backoff delay, also the cap of a `Retry-After`. @default 30000 */
  readonly maxDelayMs?: number;
  /** Receives retries and failures. @default nothing */
  readonly log?: (entry: HookLogEntry) => void;
  /**
   * The most one call may take, retries included: a retry whose wait and timeout would end later is not made,
   * so a webhook with many retries cannot outlast the advance Lambda's invocation. @default no limit (Flagger's)
   */
  readonly callBudgetMs?: number;
  /**
   * How long calls may still take, asked as each call starts: the advance invocation's remaining time less what
   * its step needs after its webhooks. An attempt's timeout is shortened to it, a retry that would end later is
   * not made, and with no time left the webhook is not called (failed, or pending for a gate); `undefined`
   * means no limit. @default no limit
   */
  readonly timeLeftMs?: () => number | undefined;
  /** The clock the budget is measured with. @default Date.now */
  readonly now?: () => number;
}

/** What one attempt came back with. */
type Attempt =
  | { readonly kind: 'answer'; readonly status: number; readonly body: string; readonly retryAfterMs?: number }
  | { readonly kind: 'error'; readonly message: string; readonly retryable: boolean };

/**
 * Calls webhooks over HTTP(S) through Node's keep-alive agents (`shared/http-post.ts`).
 * @example
 * const hooks = new HttpHookCaller({ log: (e) => logger.warn(e.message, e) });
 * const result = await hooks.call(call); // { kind: 'passed', detail: 'Approved', statusCode: 200 }
 */
export class HttpHookCaller implements HookCaller {
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #baseDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #log: ((entry: HookLogEntry) => void) | undefined;
  readonly #budgetMs: number | undefined;
  readonly #timeLeftMs: (() => number | undefined) | undefined;
  readonly #now: () => number;

  constructor(options: HttpHookCallerOptions = {}) {
    this.#sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.#baseDelayMs = options.baseDelayMs ?? 1000;
    this.#maxDelayMs = options.maxDelayMs ?? 30_000;
    this.#log = options.log;
    this.#budgetMs = options.callBudgetMs;
    this.#timeLeftMs = options.timeLeftMs;
    this.#now = options.now ?? Date.now;
  }

  async call(call: WebhookCall): Promise<HookResult> {
    const shown = redactUrl(call.url);
    const secrets = urlSecrets(call.url);
    const closed = GATE_HOOK_TYPES.includes(call.type) ? 'pending' : 'failed';
    const timeoutMs = hookTimeoutMs(call.timeout);
    const attempts = 1 + Math.max(0, Math.floor(call.retries ?? 0));
    const body = payloadJson(call.payload);
    const started = this.#now();
    const end = this.#endOf(started);
    let last: Attempt | undefined;
    let made = 0;
    for (let n = 0; n < attempts; n++) {
      if (n > 0) {
        const delay = Math.min(this.#maxDelayMs, last?.kind === 'answer' && last.retryAfterMs !== undefined ? last.retryAfterMs : this.#baseDelayMs * 2 ** (n - 1));
        if (this.#now() + delay + timeoutMs > end.at) {
          this.#log?.({ level: 'warn', message: `webhook ${call.name}: no retry ${n} of ${attempts - 1}, it would end after ${end.what}`, hook: call.name, url: shown });
          break;
        }
        this.#log?.({ level: 'info', message: `webhook ${call.name}: retry ${n} of ${attempts - 1} in ${delay}ms after ${describe(last, shown, secrets)}`, hook: call.name, url: shown });
        await this.#sleep(delay);
      }
      // An attempt ends by the end of the call at the latest (the first one too: a slow webhook must not hold
      // the step past the invocation's deadline).
      const left = Math.floor(end.at - this.#now());
      if (left < MIN_ATTEMPT_MS) {
        if (made === 0) {
          const detail = `not called: it would end after ${end.what}`;
          this.#log?.({ level: 'warn', message: `webhook ${call.name}: ${detail}`, hook: call.name, url: shown });
          return { kind: closed, detail };
        }
        break;
      }
      last = await this.#attempt(call, body, Math.min(timeoutMs, left), shown);
      made += 1;
      if (!isRetryable(last)) break;
    }
    const tried = made > 1 ? ` (${made} attempts)` : '';
    const outcome = last as Attempt;
    if (outcome.kind === 'error') {
      const detail = clip(scrubSecrets(outcome.message, secrets)) + tried;
      this.#log?.({ level: 'warn', message: `webhook ${call.name}: ${detail}`, hook: call.name, url: shown });
      return { kind: closed, detail };
    }
    const detail = clip(scrubSecrets(outcome.body.trim(), secrets));
    const progress = inProgress(outcome.body);
    if (progress !== undefined && outcome.status < 500) {
      return { kind: 'pending', detail, statusCode: outcome.status, inProgress: true, ...(progress.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: progress.retryAfterSeconds }) };
    }
    if (outcome.status >= 200 && outcome.status <= 202) return { kind: 'passed', detail, statusCode: outcome.status };
    return { kind: closed, detail: detail === '' ? `HTTP ${outcome.status}` : detail, statusCode: outcome.status };
  }

  /** When a call that started at `started` must have ended, and what sets it (for the log). */
  #endOf(started: number): { readonly at: number; readonly what: string } {
    const left = this.#timeLeftMs?.();
    const budgetEnd = this.#budgetMs === undefined ? Number.POSITIVE_INFINITY : started + this.#budgetMs;
    if (left !== undefined && started + left < budgetEnd) return { at: started + left, what: `the time left for webhooks (${Math.max(0, Math.floor(left))}ms)` };
    return { at: budgetEnd, what: `the call budget of ${this.#budgetMs}ms` };
  }

  /** Nothing to end: the connections belong to Node's shared agents, which let idle sockets go by themselves. */
  async close(): Promise<void> {}

  async #attempt(call: WebhookCall, body: string, timeoutMs: number, shown: string): Promise<Attempt> {
    try {
      const response = await postJson(call.url, body, { timeoutMs, insecure: call.disableTLS === true, maxBodyBytes: MAX_BODY_BYTES });
      const retryAfterMs = response.status === 429 || response.status === 503 ? retryAfterMsOf(response.headers['retry-after']) : undefined;
      return { kind: 'answer', status: response.status, body: response.body, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
    } catch (error) {
      if (error instanceof PostError && error.timedOut) return { kind: 'error', message: `POST ${shown} timed out after ${timeoutMs}ms`, retryable: true };
      const code = error instanceof PostError ? error.code : '';
      return { kind: 'error', message: `POST ${shown} failed: ${error instanceof Error ? error.message : String(error)}`, retryable: !UNRECOVERABLE_CODES.has(code) };
    }
  }
}

/** The hook's timeout in ms: Flagger's 10 s when it is empty, shorter than 2 characters, or not a duration. */
export function hookTimeoutMs(timeout: string | undefined): number {
  if (timeout === undefined || timeout.length < 2) return DEFAULT_HOOK_TIMEOUT_MS;
  const ms = parseDuration(timeout);
  return ms === undefined || ms <= 0 ? DEFAULT_HOOK_TIMEOUT_MS : ms;
}

/**
 * Flagger's payload as Go marshals its struct: `name`, `namespace`, `phase`, `checksum`, then `metadata` (keys
 * sorted, left out when empty).
 */
export function payloadJson(payload: WebhookPayload): string {
  const metadata = payload.metadata ?? {};
  const keys = Object.keys(metadata).sort();
  const ordered = {
    name: payload.name,
    namespace: payload.namespace,
    phase: payload.phase,
    checksum: payload.checksum,
    ...(keys.length === 0 ? {} : { metadata: Object.fromEntries(keys.map((key) => [key, metadata[key]])) }),
  };
  return JSON.stringify(ordered);
}

/** The `IN_PROGRESS` answer, if `body` is one. */
export function inProgress(body: string): { readonly retryAfterSeconds?: number } | undefined {
  const text = body.trim();
  if (!text.startsWith('{')) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { status, retryAfterSeconds } = parsed as { status?: unknown; retryAfterSeconds?: unknown };
  if (typeof status !== 'string' || status.toUpperCase() !== 'IN_PROGRESS') return undefined;
  return typeof retryAfterSeconds === 'number' && Number.isFinite(retryAfterSeconds) && retryAfterSeconds >= 0 ? { retryAfterSeconds } : {};
}

function isRetryable(attempt: Attempt): boolean {
  if (attempt.kind === 'error') return attempt.retryable;
  return attempt.status === 429 || (attempt.status >= 500 && attempt.status !== 501);
}

function describe(attempt: Attempt | undefined, shown: string, secrets: readonly string[]): string {
  if (attempt === undefined) return 'nothing';
  if (attempt.kind === 'error') return scrubSecrets(attempt.message, secrets);
  return `HTTP ${attempt.status} from POST ${shown}`;
}

function retryAfterMsOf(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || !/^\d+$/.test(value.trim())) return undefined;
  return Number(value.trim()) * 1000;
}

function clip(text: string): string {
  return text.length <= MAX_DETAIL_CHARS ? text : `${text.slice(0, MAX_DETAIL_CHARS - 1)}…`;
}
