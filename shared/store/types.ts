import type { DynamoDBClient, DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import type { CanaryId, CanaryState, HistoryItem, IsoTime, Phase } from '../api/state.ts';

/** DynamoDB's item size limit, 400 KB. Both stores refuse larger items with an `ItemTooLargeError`. */
export const MAX_ITEM_BYTES = 400 * 1024;

/** How long history is kept by default: 90 days. */
export const DEFAULT_HISTORY_TTL_SECONDS = 90 * 24 * 60 * 60;

/** Page size of `history()` when no `limit` is given. */
export const DEFAULT_HISTORY_LIMIT = 100;
/** The largest `limit` `history()` accepts. */
export const MAX_HISTORY_LIMIT = 1000;

/** A canary's state as loaded, with the version to pass back to `commit`. */
export interface LoadedCanary {
  readonly state: CanaryState;
  readonly version: number;
  /**
   * When the step that committed this version was taken (its history item's time), read with the state in one
   * consistent read: what tells a redelivered firing that its step was already taken.
   */
  readonly updatedAt?: string;
}

/**
 * The outcome of `commit`: `committed` with the new version, or `conflict` when the stored version was not
 * the expected one (someone else committed first, or the canary already exists on a create). A conflict
 * wrote nothing.
 */
export type CommitResult = { readonly kind: 'committed'; readonly version: number } | { readonly kind: 'conflict' };

/** Which history items to read. */
export interface HistoryQuery {
  /** Items at or after this time. @default the beginning */
  readonly from?: IsoTime;
  /** Items strictly before this time. @default no end */
  readonly to?: IsoTime;
  /** At most this many items per page, 1–{@link MAX_HISTORY_LIMIT}. @default {@link DEFAULT_HISTORY_LIMIT} */
  readonly limit?: number;
  /** Continue after the page that returned this cursor; pass the same `from`, `to` and `order`. */
  readonly cursor?: string;
  /** Oldest first or newest first. @default 'ascending' */
  readonly order?: 'ascending' | 'descending';
}

/** One page of history in time order (ties by version); `cursor` is present when more items may follow. */
export interface HistoryPage {
  readonly items: HistoryItem[];
  readonly cursor?: string;
}

/** Which canaries to list; all given conditions must hold. */
export interface CanaryFilter {
  readonly cluster?: string;
  /** Only canaries of this namespace. */
  readonly namespace?: string;
  /** Only canaries in this phase, or in one of these phases. */
  readonly phase?: Phase | readonly Phase[];
}

/** A canary state without its largest parts, the pod templates (`load` returns those). */
export type CanaryStateSummary = Omit<CanaryState, 'lastPromotedTemplate' | 'promotingTemplate'>;

/** One canary as listed. */
export interface ListedCanary {
  readonly id: CanaryId;
  readonly version: number;
  readonly state: CanaryStateSummary;
}

/**
 * Where canary state and history live (DESIGN §4). Every write is conditional on the version read, so
 * duplicate or overlapping invocations lose the condition and change nothing.
 *
 * Runtime controls are written through `commit` like any other change (see `requestControl` in
 * `controls.ts`): they land in `CanaryState.controls`, bump the version, leave a history item, and the engine's
 * next commit, conditional on that version, cannot overwrite them unseen.
 */
export interface CanaryStore {
  /** The canary's state and version (strongly consistent), or `undefined` when it has none yet. */
  load(id: CanaryId): Promise<LoadedCanary | undefined>;

  /**
   * Writes `next` and `historyItem` together, atomically, if the stored version is still `expectedVersion`
   * (0 or `undefined`: only if the canary has no state yet). The new version is `expectedVersion + 1`; the
   * store writes it into the state and the history item. Throws `ItemTooLargeError` for an item over
   * {@link MAX_ITEM_BYTES}, `InvalidStoreInputError` for invalid input, `StoreError` when the backend fails.
   */
  commit(id: CanaryId, expectedVersion: number | undefined, next: CanaryState, historyItem: HistoryItem): Promise<CommitResult>;

  /** One page of the canary's history, in time order. */
  history(id: CanaryId, query?: HistoryQuery): Promise<HistoryPage>;

  /**
   * Every canary matching `filter`, sorted by cluster, namespace and name. May lag the latest commits by a
   * moment (DynamoDB reads it from an eventually consistent index); `load` is the truth.
   */
  list(filter?: CanaryFilter): Promise<ListedCanary[]>;
}

/** How to build a {@link DynamoDbCanaryStore}: a table name and either a client or the config for one. */
export interface DynamoDbCanaryStoreProps {
  /** The single table (see `tableDefinition()` in `table.ts` for its keys and index). */
  readonly tableName: string;
  /** A client to share (e.g. one per Lambda container). @default a client from `clientConfig`, built on first use */
  readonly client?: DynamoDBClient;
  /** Config for a new client when `client` is not given. @default the SDK's defaults (environment) */
  readonly clientConfig?: DynamoDBClientConfig;
  /**
   * How often a commit is re-sent when DynamoDB cancels it only because another transaction on the same item
   * was in flight (`TransactionConflict`). Safe: the version condition decides the outcome. @default 8
   */
  readonly maxTransactionConflictRetries?: number;
}
