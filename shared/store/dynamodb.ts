import { setTimeout as sleep } from 'node:timers/promises';
import {
  DynamoDBClient,
  GetItemCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteItemsCommand,
  type AttributeValue,
  type CancellationReason,
  type Put,
  type TransactWriteItemsCommandInput,
} from '@aws-sdk/client-dynamodb';
import { canaryKey, type CanaryId, type CanaryState, type HistoryItem } from '../api/state.ts';
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
import { CorruptItemError, InvalidStoreInputError, StoreError } from './errors.ts';
import { compareListed, matchesList, planHistory, planList } from './query.ts';
import { BY_CLUSTER_INDEX, canaryPk, clusterGsiPk, clusterGsiSk, Keys, STATE_SK } from './table.ts';
import type {
  CanaryFilter,
  CanaryStore,
  CommitResult,
  DynamoDbCanaryStoreProps,
  HistoryPage,
  HistoryQuery,
  ListedCanary,
  LoadedCanary,
} from './types.ts';

const TABLE_NAME = /^[a-zA-Z0-9_.-]{3,255}$/;

/**
 * The canary store on one DynamoDB table (the single-table design is documented in `table.ts`). State and
 * history are written together by one `TransactWriteItems` whose state put is conditional on the version read;
 * losing that condition is a `conflict` result. Reads of state and history are strongly consistent; `list`
 * reads the eventually consistent `ByCluster` index.
 *
 * @example
 * const store = new DynamoDbCanaryStore({ tableName: 'fledge', clientConfig: { region: 'eu-west-1' } });
 * const loaded = await store.load({ cluster: 'prod', namespace: 'test', name: 'podinfo' });
 */
export class DynamoDbCanaryStore implements CanaryStore {
  readonly #props: DynamoDbCanaryStoreProps;
  #built: DynamoDBClient | undefined;
  readonly #table: string;
  readonly #maxConflictRetries: number;

  constructor(props: DynamoDbCanaryStoreProps) {
    if (typeof props.tableName !== 'string' || !TABLE_NAME.test(props.tableName)) {
      throw new InvalidStoreInputError(`tableName: expected 3-255 of a-z, A-Z, 0-9, "_", "-", ".", got ${JSON.stringify(props.tableName)}`);
    }
    const retries = props.maxTransactionConflictRetries ?? 8;
    if (!Number.isSafeInteger(retries) || retries < 0) {
      throw new InvalidStoreInputError(`maxTransactionConflictRetries: expected a non-negative integer, got ${JSON.stringify(retries)}`);
    }
    this.#table = props.tableName;
    this.#props = props;
    this.#maxConflictRetries = retries;
  }

  /** The given client, or one built from `clientConfig` on first use (a Lambda's init then does not pay for it). */
  #client(): DynamoDBClient {
    return this.#props.client ?? (this.#built ??= new DynamoDBClient(this.#props.clientConfig ?? {}));
  }

  /** {@inheritDoc CanaryStore.load} */
  async load(id: CanaryId): Promise<LoadedCanary | undefined> {
    assertCanaryId(id);
    const command = new GetItemCommand({
      TableName: this.#table,
      Key: { [Keys.partition]: { S: canaryPk(id) }, [Keys.sort]: { S: STATE_SK } },
      ConsistentRead: true,
    });
    const out = await this.#call(`load canary ${canaryKey(id)}`, (c) => c.send(command));
    return out.Item === undefined ? undefined : decodeStateItem(fromAttributes(out.Item));
  }

  /** {@inheritDoc CanaryStore.commit} */
  async commit(id: CanaryId, expectedVersion: number | undefined, next: CanaryState, historyItem: HistoryItem): Promise<CommitResult> {
    assertCanaryId(id);
    const expected = expectedVersionOf(expectedVersion);
    const version = expected + 1;
    const hist = encodeHistoryItem(id, historyItem, version);
    const stateItem = encodeStateItem(id, next, version, String(hist.time));
    const stateCondition: Pick<Put, 'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'> =
      expected === 0
        ? // create: only if the canary has no state item yet
          { ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': Keys.partition } }
        : // update: only if nobody committed since our read
          {
            ConditionExpression: '#version = :expected',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':expected': { N: String(expected) } },
          };
    const input: TransactWriteItemsCommandInput = {
      TransactItems: [
        { Put: { TableName: this.#table, Item: toAttributes(stateItem), ...stateCondition } },
        {
          Put: {
            TableName: this.#table,
            Item: toAttributes(hist),
            // history is immutable: never overwrite an item (its SK carries the version, so this only trips on a race)
            ConditionExpression: 'attribute_not_exists(#pk)',
            ExpressionAttributeNames: { '#pk': Keys.partition },
          },
        },
      ],
    };
    for (let attempt = 0; ; attempt++) {
      try {
        // A new command per attempt; the SDK's own retries of one command reuse its ClientRequestToken, so a
        // commit whose response was lost is not reported as a conflict with itself.
        await this.#client().send(new TransactWriteItemsCommand(input));
        return { kind: 'committed', version };
      } catch (error) {
        const codes = cancellationCodes(error);
        if (codes === undefined) throw translate(error, `commit canary ${canaryKey(id)} at version ${expected}`, this.#table);
        if (codes.includes('ConditionalCheckFailed')) return { kind: 'conflict' };
        // Cancelled only because another transaction on the item was in flight: nothing was written, and the
        // version condition will decide once that one is done.
        const onlyInFlight = codes.every((c) => c === 'None' || c === 'TransactionConflict');
        if (!onlyInFlight || attempt >= this.#maxConflictRetries) {
          throw translate(error, `commit canary ${canaryKey(id)} at version ${expected} (cancelled: ${codes.join(', ')})`, this.#table);
        }
        await sleep(Math.random() * Math.min(250, 10 * 2 ** attempt));
      }
    }
  }

  /** {@inheritDoc CanaryStore.history} */
  async history(id: CanaryId, query?: HistoryQuery): Promise<HistoryPage> {
    assertCanaryId(id);
    const plan = planHistory(id, query);
    if (plan.empty) return { items: [] };
    const pk = canaryPk(id);
    const found: PlainItem[] = [];
    let start: Record<string, AttributeValue> | undefined =
      plan.after === undefined ? undefined : { [Keys.partition]: { S: pk }, [Keys.sort]: { S: plan.after } };
    // Read one item past the page to know whether a next page exists; DynamoDB may stop early at 1 MB.
    do {
      const command = new QueryCommand({
        TableName: this.#table,
        KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :lower AND :upper',
        ExpressionAttributeNames: { '#pk': Keys.partition, '#sk': Keys.sort },
        ExpressionAttributeValues: { ':pk': { S: pk }, ':lower': { S: plan.lower }, ':upper': { S: plan.upper } },
        ScanIndexForward: plan.ascending,
        ConsistentRead: true,
        Limit: plan.limit + 1 - found.length,
        ...(start === undefined ? {} : { ExclusiveStartKey: start }),
      });
      const out = await this.#call(`read history of canary ${canaryKey(id)}`, (c) => c.send(command));
      for (const item of out.Items ?? []) found.push(fromAttributes(item));
      start = out.LastEvaluatedKey;
    } while (start !== undefined && found.length <= plan.limit);
    const page = found.slice(0, plan.limit);
    const items = page.map(decodeHistoryItem);
    const last = page.at(-1);
    return found.length > plan.limit && last !== undefined ? { items, cursor: plan.cursorAfter(String(last[Keys.sort])) } : { items };
  }

  /** {@inheritDoc CanaryStore.list} */
  async list(filter?: CanaryFilter): Promise<ListedCanary[]> {
    const plan = planList(filter);
    const names: Record<string, string> = {};
    const values: Record<string, AttributeValue> = {};
    const conditions: string[] = [];
    if (plan.phases !== undefined) {
      names['#phase'] = 'phase';
      const placeholders = [...plan.phases].map((p, i) => {
        values[`:phase${i}`] = { S: p };
        return `:phase${i}`;
      });
      conditions.push(`#phase IN (${placeholders.join(', ')})`);
    }
    let keyCondition: string | undefined;
    if (plan.cluster !== undefined) {
      // One cluster: a Query on the index, narrowed to a namespace by the sort-key prefix.
      names['#gpk'] = Keys.gsi1Partition;
      values[':gpk'] = { S: clusterGsiPk(plan.cluster) };
      keyCondition = '#gpk = :gpk';
      if (plan.namespace !== undefined) {
        names['#gsk'] = Keys.gsi1Sort;
        values[':gsk'] = { S: clusterGsiSk(plan.namespace) };
        keyCondition += ' AND begins_with(#gsk, :gsk)';
      }
    } else if (plan.namespace !== undefined) {
      names['#ns'] = 'namespace';
      values[':ns'] = { S: plan.namespace };
      conditions.push('#ns = :ns');
    }
    const common = {
      TableName: this.#table,
      IndexName: BY_CLUSTER_INDEX,
      ...(conditions.length > 0 ? { FilterExpression: conditions.join(' AND ') } : {}),
      ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
      ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
    };
    const listed: ListedCanary[] = [];
    let start: Record<string, AttributeValue> | undefined;
    do {
      // All clusters: a Scan of the sparse index, which holds state items only.
      const page = start === undefined ? {} : { ExclusiveStartKey: start };
      const out = keyCondition === undefined
        ? await this.#call('list canaries', (c) => c.send(new ScanCommand({ ...common, ...page })))
        : await this.#call('list canaries', (c) => c.send(new QueryCommand({ ...common, ...page, KeyConditionExpression: keyCondition })));
      for (const item of out.Items ?? []) {
        const canary = decodeListedItem(fromAttributes(item));
        if (matchesList(plan, canary)) listed.push(canary);
      }
      start = out.LastEvaluatedKey;
    } while (start !== undefined);
    return listed.sort(compareListed);
  }

  /** Runs one SDK call, translating its failure into a `StoreError` that says what we were doing. */
  async #call<T>(operation: string, run: (client: DynamoDBClient) => Promise<T>): Promise<T> {
    try {
      return await run(this.#client());
    } catch (error) {
      throw translate(error, operation, this.#table);
    }
  }
}

/** The cancellation reason codes of a `TransactionCanceledException`, or `undefined` for any other error. */
function cancellationCodes(error: unknown): string[] | undefined {
  if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') return undefined;
  const reasons = (error as Error & { CancellationReasons?: CancellationReason[] }).CancellationReasons ?? [];
  return reasons.map((r) => r.Code ?? 'None');
}

/** An SDK error as a `StoreError` naming what we were doing, with the SDK error as cause. */
function translate(error: unknown, operation: string, table: string): StoreError {
  if (error instanceof StoreError) return error;
  const name = error instanceof Error ? error.name : 'Error';
  const detail = error instanceof Error ? error.message : String(error);
  const hint = name === 'ResourceNotFoundException' ? ' (does the table exist, with its ByCluster index?)' : '';
  return new StoreError(`${operation} on DynamoDB table ${table} failed: ${name}: ${detail}${hint}`, { cause: error });
}

function toAttributes(item: PlainItem): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const [name, value] of Object.entries(item)) out[name] = typeof value === 'string' ? { S: value } : { N: String(value) };
  return out;
}

function fromAttributes(item: Record<string, AttributeValue>): PlainItem {
  const out: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(item)) {
    if (value.S !== undefined) out[name] = value.S;
    else if (value.N !== undefined) out[name] = Number(value.N);
    else throw new CorruptItemError(`item ${item[Keys.partition]?.S} ${item[Keys.sort]?.S}: attribute "${name}" is neither a string nor a number`);
  }
  return out;
}
