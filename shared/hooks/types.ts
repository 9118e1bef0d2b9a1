/**
 * The webhook port: how Fledge calls Flagger's `analysis.webhooks` and what a call comes back as. The engine
 * says which hook to call with which payload (a {@link WebhookCall}); the hooks room makes the HTTP POST and
 * answers with a {@link HookResult}. Payloads are Flagger's, so existing receivers (Flagger's load tester,
 * gate services) work unchanged.
 */
import type { Phase } from '../api/state.ts';

/**
 * Webhook types after normalisation: Flagger treats an untyped webhook (`type: ""`) as `rollout`.
 * - `confirm-rollout`, `confirm-traffic-increase`, `confirm-promotion`: gates; a non-2xx answer keeps the gate
 *   closed (the hook result is `pending`).
 * - `pre-rollout`, `rollout`: checks; a non-2xx answer is a failed check.
 * - `rollback`: a 2xx answer asks for a rollback.
 * - `post-rollout`, `event`: notifications; their result changes nothing.
 */
export const HookTypes = {
  confirmRollout: 'confirm-rollout',
  preRollout: 'pre-rollout',
  rollout: 'rollout',
  confirmTrafficIncrease: 'confirm-traffic-increase',
  confirmPromotion: 'confirm-promotion',
  postRollout: 'post-rollout',
  rollback: 'rollback',
  event: 'event',
} as const;
/** One of {@link HookTypes}. */
export type HookType = (typeof HookTypes)[keyof typeof HookTypes];

/** The gate types: their failures mean "not yet", not "bad". */
export const GATE_HOOK_TYPES: readonly HookType[] = [
  HookTypes.confirmRollout,
  HookTypes.confirmTrafficIncrease,
  HookTypes.confirmPromotion,
];

/**
 * Flagger's `CanaryWebhookPayload`, POSTed as JSON to every webhook:
 * `{"name":"podinfo","namespace":"test","phase":"Progressing","checksum":"…","metadata":{…}}`.
 */
export interface WebhookPayload {
  /** The Canary's name. */
  readonly name: string;
  readonly namespace: string;
  /** The phase Flagger reports to this hook type (e.g. `Progressing` for rollout hooks). */
  readonly phase: Phase;
  /**
   * Identifies the revision under analysis: a hash of the applied pod-template hash and the tracked configs'
   * hashes (Flagger's `canaryChecksum`), so a gate can approve one revision and not the next.
   */
  readonly checksum: string;
  /** The webhook's `metadata`; for event hooks also `eventMessage`, `eventType` and `timestamp` (ms). */
  readonly metadata?: Readonly<Record<string, string>>;
}

/** One webhook call to make: where, how, and with what payload. */
export interface WebhookCall {
  /** `analysis.webhooks[].name`. */
  readonly name: string;
  readonly type: HookType;
  readonly url: string;
  /** Go-style duration, e.g. `10s` (defaulted). */
  readonly timeout: string;
  /** Retries, with exponential backoff, on transport errors, timeouts, 429 and 5xx answers (not 501). @default 0 */
  readonly retries?: number;
  /** Skip TLS verification. @default false */
  readonly disableTLS?: boolean;
  /** The webhook asks for no alert when its gate is closed. @default false */
  readonly muteAlert?: boolean;
  readonly payload: WebhookPayload;
}

/**
 * The outcome of one call.
 * - `passed`: an HTTP 200–202 answer.
 * - `failed`: any other answer, a timeout or a transport error, for check and notification hooks.
 * - `pending`: the same for a gate: the gate is closed, retry on the next tick. Also, for any hook type, an
 *   answer `{"status":"IN_PROGRESS","retryAfterSeconds":N}` (Fledge's extension, as ECS lifecycle hooks
 *   answer): not done yet, ask again on a later tick; a check answering so is not a failed check.
 * `detail` carries the response body or the error (Flagger puts it in the "failed" events); never a URL's
 * credentials or query string.
 */
export interface HookResult {
  readonly kind: 'passed' | 'failed' | 'pending';
  readonly detail: string;
  /** The HTTP status code, when there was an answer. */
  readonly statusCode?: number;
  /** True when the hook answered `{"status":"IN_PROGRESS"}`: still working, not closed or failed. */
  readonly inProgress?: boolean;
  /** With {@link inProgress}: when the hook asks to be called again, in seconds. */
  readonly retryAfterSeconds?: number;
}

/** Calls webhooks. Implementations never throw for a failed call; they answer `failed` or `pending`. */
export interface HookCaller {
  call(call: WebhookCall): Promise<HookResult>;
}
