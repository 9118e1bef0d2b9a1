/**
 * Posting a JSON message to a chat provider, as Flagger's `postMessage`: `Content-Type: application/json`, an
 * `Authorization: Bearer <token>` header when a token is set, through `proxy` when set, 5 s timeout, any 2xx is
 * delivered. A chat address is a credential as a whole (a Slack incoming-webhook path is its secret), so errors
 * never repeat the address, its path, or the token.
 */
import { postJson as post, PostError } from '../http-post.ts';
import { scrubSecrets, urlSecrets } from '../redact.ts';
import type { NotifyResult } from './types.ts';

/** Flagger's notification timeout. */
export const CHAT_TIMEOUT_MS = 5000;

/** Where and how to post. */
export interface PostTarget {
  readonly address: string;
  readonly token?: string;
  readonly proxy?: string;
  /** @default {@link CHAT_TIMEOUT_MS} */
  readonly timeoutMs?: number;
  /** Reads a 2xx answer's body; a string is the error it reports (Slack's Web API answers 200 `{"ok":false}`). */
  readonly refusal?: (body: string) => string | undefined;
}

/** Posts `payload` as JSON to `target`; never throws. */
export async function postJson(target: PostTarget, payload: unknown): Promise<NotifyResult> {
  const secrets = addressSecrets(target);
  const timeoutMs = target.timeoutMs ?? CHAT_TIMEOUT_MS;
  if (target.proxy !== undefined && target.proxy !== '' && !URL.canParse(target.proxy)) {
    return { kind: 'error', error: scrubSecrets(`unable to parse proxy URL: ${target.proxy}`, secrets) };
  }
  try {
    const headers: Record<string, string> = {};
    if (target.token !== undefined && target.token !== '') headers['authorization'] = `Bearer ${target.token}`;
    const response = await post(target.address, JSON.stringify(payload), { headers, timeoutMs, ...(target.proxy ? { proxy: target.proxy } : {}) });
    if (response.status >= 200 && response.status < 300) {
      const refused = target.refusal?.(response.body);
      return refused === undefined ? { kind: 'sent' } : { kind: 'error', error: scrubSecrets(`sending notification refused: ${refused}`, secrets) };
    }
    return { kind: 'error', error: scrubSecrets(`sending notification bad response ${response.status}: ${response.body.slice(0, 500)}`, secrets) };
  } catch (error) {
    const reason = error instanceof PostError && error.timedOut ? `timed out after ${timeoutMs}ms` : messageOf(error);
    return { kind: 'error', error: scrubSecrets(`sending notification failed to send: ${reason}`, secrets) };
  }
}

/** Everything of a chat target that must not be shown: the address, its path and query, the token, the proxy's credentials. */
function addressSecrets(target: PostTarget): string[] {
  const secrets = [target.address, ...urlSecrets(target.address), target.token ?? ''];
  try {
    const url = new URL(target.address);
    if (url.pathname.length > 1) secrets.push(url.pathname, url.pathname.slice(1));
  } catch {
    // An unparseable address is hidden whole, above.
  }
  if (target.proxy !== undefined) secrets.push(...urlSecrets(target.proxy));
  return secrets;
}

function messageOf(error: unknown): string {
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error && cause.message !== '') return cause.message;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Slack's Web API (`chat.postMessage`, used with a bot token) answers HTTP 200 with `{"ok":false,"error":"…"}`
 * when it refuses a message; incoming webhooks answer `ok` as text. Flagger counts both as delivered; Fledge
 * reports the refusal so the outbox keeps the message.
 */
export function slackRefusal(body: string): string | undefined {
  if (!body.trimStart().startsWith('{')) return undefined;
  try {
    const parsed = JSON.parse(body) as { ok?: unknown; error?: unknown };
    return parsed.ok === false ? `Slack answered ok=false: ${typeof parsed.error === 'string' ? parsed.error : 'no error given'}` : undefined;
  } catch {
    return undefined;
  }
}
