import { CONTROL_ACTIONS, type CanaryId, type ControlRequest, type HistoryItem } from '../api/state.ts';
import { assertCanaryId, normalizeTime } from './codec.ts';
import { InvalidStoreInputError } from './errors.ts';
import { DEFAULT_HISTORY_TTL_SECONDS, type CanaryStore } from './types.ts';

/** The outcome of {@link requestControl}. */
export type ControlRequestResult =
  | { readonly kind: 'requested'; readonly version: number }
  /** The canary has no state yet (the controller has never seen it). */
  | { readonly kind: 'notFound' }
  /** Every attempt lost a race with other commits; nothing was written. */
  | { readonly kind: 'conflict' };

/** Options of {@link requestControl}. */
export interface RequestControlOptions {
  /** Load-and-commit attempts before giving up with `conflict`. @default 5 */
  readonly attempts?: number;
  /** How long the history item is kept. @default {@link DEFAULT_HISTORY_TTL_SECONDS} */
  readonly historyTtlSeconds?: number;
}

/** DynamoDB TTL (epoch seconds) for a history item written at `time` and kept `ttlSeconds`. */
export function historyExpiry(time: string, ttlSeconds: number = DEFAULT_HISTORY_TTL_SECONDS): number {
  return Math.floor(Date.parse(normalizeTime('time', time)) / 1000) + ttlSeconds;
}

/**
 * Queues a runtime control (promote, abort, pause, resume, retry) for the engine, through an ordinary
 * conditional `commit`: the request is appended to `state.controls`, the version moves on and a history item
 * records who asked. The engine's next commit is conditional on the version it read, so it either saw the
 * request or loses its race and re-reads; a request is never silently overwritten. Whether the request makes
 * sense in the current phase is the engine's call, not the store's.
 *
 * @example
 * await requestControl(store, { cluster: 'prod', namespace: 'test', name: 'podinfo' },
 *   { action: 'promote', requestedBy: 'cli:alice', requestedAt: new Date().toISOString() });
 */
export async function requestControl(
  store: CanaryStore,
  id: CanaryId,
  request: ControlRequest,
  options: RequestControlOptions = {},
): Promise<ControlRequestResult> {
  assertCanaryId(id);
  if (!CONTROL_ACTIONS.includes(request.action)) {
    throw new InvalidStoreInputError(`control action: expected one of ${CONTROL_ACTIONS.join(', ')}, got ${JSON.stringify(request.action)}`);
  }
  if (typeof request.requestedBy !== 'string' || request.requestedBy === '') {
    throw new InvalidStoreInputError(`control requestedBy: expected who asks (e.g. "cli:alice"), got ${JSON.stringify(request.requestedBy)}`);
  }
  const attempts = options.attempts ?? 5;
  const expiresAt = historyExpiry(request.requestedAt, options.historyTtlSeconds);
  for (let attempt = 0; attempt < attempts; attempt++) {
    const loaded = await store.load(id);
    if (loaded === undefined) return { kind: 'notFound' };
    const { state, version } = loaded;
    const weights = { primary: 100 - state.canaryWeight, canary: state.canaryWeight };
    const item: HistoryItem = {
      time: request.requestedAt,
      tick: 0,
      decision: `control:${request.action}`,
      actor: request.requestedBy,
      message: `${request.action} requested by ${request.requestedBy}${request.reason === undefined ? '' : `: ${request.reason}`}`,
      phaseBefore: state.phase,
      phaseAfter: state.phase,
      weightsBefore: weights,
      weightsAfter: weights,
      metrics: [],
      webhooks: [],
      events: [],
      expiresAt,
    };
    const result = await store.commit(id, version, { ...state, controls: [...state.controls, request] }, item);
    if (result.kind === 'committed') return { kind: 'requested', version: result.version };
  }
  return { kind: 'conflict' };
}
