import type { CanaryId, CanaryState, HistoryItem } from '../api/state.ts';
import {
  assertCanaryId,
  decodeHistoryItem,
  decodeListedItem,
  decodeStateItem,
  encodeHistoryItem,
  encodeStateItem,
  expectedVersionOf,
  type PlainItem,
} from './codec.ts';
import { compareListed, matchesList, planHistory, planList } from './query.ts';
import { canaryPk, HISTORY_SK_PREFIX, Keys, STATE_SK } from './table.ts';
import type { CanaryFilter, CanaryStore, CommitResult, HistoryPage, HistoryQuery, ListedCanary, LoadedCanary } from './types.ts';

/**
 * The in-memory twin of the DynamoDB store, for the simulator, local runs and tests. It builds the very items
 * the DynamoDB store writes (same checks, same size limit by the same measure, same JSON round trip), keeps
 * them per partition, and answers with the same semantics: conditional commits, conflicts that write nothing,
 * history pages and cursors.
 */
export class MemoryCanaryStore implements CanaryStore {
  // partition key → sort key → item, as DynamoDB would hold them.
  readonly #partitions = new Map<string, Map<string, PlainItem>>();

  /** {@inheritDoc CanaryStore.load} */
  async load(id: CanaryId): Promise<LoadedCanary | undefined> {
    assertCanaryId(id);
    const item = this.#partitions.get(canaryPk(id))?.get(STATE_SK);
    return item === undefined ? undefined : decodeStateItem(item);
  }

  /** {@inheritDoc CanaryStore.commit} */
  async commit(id: CanaryId, expectedVersion: number | undefined, next: CanaryState, historyItem: HistoryItem): Promise<CommitResult> {
    assertCanaryId(id);
    const expected = expectedVersionOf(expectedVersion);
    const version = expected + 1;
    const hist = encodeHistoryItem(id, historyItem, version);
    const stateItem = encodeStateItem(id, next, version, String(hist.time));
    // Let concurrent callers interleave here, as network round trips would; the check-and-write below is one
    // synchronous block, as atomic as DynamoDB's transaction.
    await Promise.resolve();
    const partition = this.#partitions.get(canaryPk(id)) ?? new Map<string, PlainItem>();
    const current = partition.get(STATE_SK);
    const currentVersion = current === undefined ? 0 : Number(current.version);
    if (currentVersion !== expected || partition.has(String(hist[Keys.sort]))) return { kind: 'conflict' };
    partition.set(STATE_SK, stateItem);
    partition.set(String(hist[Keys.sort]), hist);
    this.#partitions.set(canaryPk(id), partition);
    return { kind: 'committed', version };
  }

  /** {@inheritDoc CanaryStore.history} */
  async history(id: CanaryId, query?: HistoryQuery): Promise<HistoryPage> {
    assertCanaryId(id);
    const plan = planHistory(id, query);
    if (plan.empty) return { items: [] };
    const partition = this.#partitions.get(canaryPk(id)) ?? new Map<string, PlainItem>();
    const keys = [...partition.keys()]
      .filter((sk) => sk.startsWith(HISTORY_SK_PREFIX) && sk > plan.lower && sk < plan.upper)
      .filter((sk) => plan.after === undefined || (plan.ascending ? sk > plan.after : sk < plan.after))
      .sort();
    if (!plan.ascending) keys.reverse();
    const page = keys.slice(0, plan.limit);
    const items = page.map((sk) => decodeHistoryItem(partition.get(sk) as PlainItem));
    const last = page.at(-1);
    return keys.length > plan.limit && last !== undefined ? { items, cursor: plan.cursorAfter(last) } : { items };
  }

  /** {@inheritDoc CanaryStore.list} */
  async list(filter?: CanaryFilter): Promise<ListedCanary[]> {
    const plan = planList(filter);
    const listed: ListedCanary[] = [];
    for (const partition of this.#partitions.values()) {
      const item = partition.get(STATE_SK);
      if (item === undefined) continue;
      const canary = decodeListedItem(item);
      if (matchesList(plan, canary)) listed.push(canary);
    }
    return listed.sort(compareListed);
  }
}
