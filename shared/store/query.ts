/**
 * Query planning both stores share: history key ranges and cursors, list filters and ordering. The cursor is
 * the same opaque string in both stores, and a cursor used with another query is refused the same way.
 */
import { Buffer } from 'node:buffer';
import { canaryKey, isPhase, PHASES, type CanaryId, type Phase } from '../api/state.ts';
import { InvalidStoreInputError } from './errors.ts';
import { HISTORY_SK_PREFIX } from './table.ts';
import { normalizeTime } from './codec.ts';
import { DEFAULT_HISTORY_LIMIT, MAX_HISTORY_LIMIT, type CanaryFilter, type HistoryQuery, type ListedCanary } from './types.ts';

/** A history read as key bounds: SKs in `[lower, upper]` (inclusive; no SK equals either bound), after `after`. */
export interface HistoryPlan {
  readonly lower: string;
  readonly upper: string;
  readonly limit: number;
  readonly ascending: boolean;
  /** The SK of the last item of the previous page, when continuing. */
  readonly after?: string;
  /** No item can match (`from` is not before `to`). */
  readonly empty: boolean;
  /** Builds the cursor that continues after the item with sort key `sk`. */
  cursorAfter(sk: string): string;
}

interface CursorData {
  readonly k: string;
  readonly f: string | null;
  readonly t: string | null;
  readonly o: 'a' | 'd';
  readonly s: string;
}

/** Checks `query` and turns it into key bounds for canary `id`. */
export function planHistory(id: CanaryId, query: HistoryQuery = {}): HistoryPlan {
  const from = query.from === undefined ? null : normalizeTime('history from', query.from);
  const to = query.to === undefined ? null : normalizeTime('history to', query.to);
  const limit = query.limit ?? DEFAULT_HISTORY_LIMIT;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_HISTORY_LIMIT) {
    throw new InvalidStoreInputError(`history limit: expected an integer from 1 to ${MAX_HISTORY_LIMIT}, got ${JSON.stringify(query.limit)}`);
  }
  const order = query.order ?? 'ascending';
  if (order !== 'ascending' && order !== 'descending') {
    throw new InvalidStoreInputError(`history order: expected "ascending" or "descending", got ${JSON.stringify(order)}`);
  }
  const o = order === 'ascending' ? 'a' : 'd';
  const k = canaryKey(id);
  const after = query.cursor === undefined ? undefined : readCursor(query.cursor, { k, f: from, t: to, o });
  // Real history SKs are `HIST#<time>#<version>`: every one is above `HIST#<from>`, and below `HIST#<to>`
  // exactly when its time is before `to`. `$` sorts right after `#`, so `HIST$` is above every history SK.
  const lower = from === null ? HISTORY_SK_PREFIX : `${HISTORY_SK_PREFIX}${from}`;
  const upper = to === null ? 'HIST$' : `${HISTORY_SK_PREFIX}${to}`;
  return {
    lower,
    upper,
    limit,
    ascending: o === 'a',
    ...(after === undefined ? {} : { after }),
    empty: lower >= upper,
    cursorAfter: (s) => Buffer.from(JSON.stringify({ k, f: from, t: to, o, s } satisfies CursorData)).toString('base64url'),
  };
}

function readCursor(cursor: string, expected: Omit<CursorData, 's'>): string {
  let data: unknown;
  try {
    data = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    data = undefined;
  }
  const d = data as Partial<CursorData> | undefined;
  if (d === null || typeof d !== 'object' || typeof d.s !== 'string' || !d.s.startsWith(HISTORY_SK_PREFIX)) {
    throw new InvalidStoreInputError(`history cursor: not a cursor returned by history(), got ${JSON.stringify(cursor)}`);
  }
  if (d.k !== expected.k || d.f !== expected.f || d.t !== expected.t || d.o !== expected.o) {
    throw new InvalidStoreInputError(
      `history cursor: it continues a different query (canary ${String(d.k)}, from ${String(d.f)}, to ${String(d.t)}, order ${String(d.o)}); ` +
        `pass the same canary, from, to and order as the page that returned it`,
    );
  }
  return d.s;
}

/** A list filter checked and with its phases as a set (`undefined`: any phase). */
export interface ListPlan {
  readonly cluster?: string;
  readonly namespace?: string;
  readonly phases?: ReadonlySet<Phase>;
}

/** Checks `filter`. */
export function planList(filter: CanaryFilter = {}): ListPlan {
  const phases = filter.phase === undefined ? undefined : typeof filter.phase === 'string' ? [filter.phase] : [...filter.phase];
  for (const p of phases ?? []) {
    if (!isPhase(p)) throw new InvalidStoreInputError(`list phase: expected one of ${PHASES.join(', ')}, got ${JSON.stringify(p)}`);
  }
  for (const field of ['cluster', 'namespace'] as const) {
    const v = filter[field];
    if (v !== undefined && (typeof v !== 'string' || v === '' || /[#/]/.test(v))) {
      throw new InvalidStoreInputError(`list ${field}: expected a non-empty name without "#" or "/", got ${JSON.stringify(v)}`);
    }
  }
  return {
    ...(filter.cluster === undefined ? {} : { cluster: filter.cluster }),
    ...(filter.namespace === undefined ? {} : { namespace: filter.namespace }),
    ...(phases === undefined ? {} : { phases: new Set(phases) }),
  };
}

/** True when a listed canary passes the filter. */
export function matchesList(plan: ListPlan, listed: ListedCanary): boolean {
  return (
    (plan.cluster === undefined || listed.id.cluster === plan.cluster) &&
    (plan.namespace === undefined || listed.id.namespace === plan.namespace) &&
    (plan.phases === undefined || plan.phases.has(listed.state.phase))
  );
}

/** Orders listed canaries by cluster, namespace, name. */
export function compareListed(a: ListedCanary, b: ListedCanary): number {
  const x = [a.id.cluster, a.id.namespace, a.id.name];
  const y = [b.id.cluster, b.id.namespace, b.id.name];
  for (let i = 0; i < 3; i++) {
    if (x[i]! < y[i]!) return -1;
    if (x[i]! > y[i]!) return 1;
  }
  return 0;
}
