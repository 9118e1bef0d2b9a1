import { randomUUID } from 'node:crypto';
import {
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  TransactionCanceledException,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import type { CanaryId } from '../../shared/api/state.ts';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import {
  CorruptItemError,
  createTable,
  DynamoDbCanaryStore,
  InvalidStoreInputError,
  itemSize,
  MAX_ITEM_BYTES,
  StoreError,
  tableDefinition,
} from '../../shared/store/index.ts';
import { at, historyAt, stateIn, uniqueId } from './fixtures.ts';
import { canaryStoreContract } from './contract.ts';

function localClient(): DynamoDBClient {
  return new DynamoDBClient({
    endpoint: inject('dynamodbEndpoint'),
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

/** A client whose first `times` transactions are cancelled by DynamoDB with `codes`, as under contention. */
function cancellingClient(times: number, codes: string[]): DynamoDBClient {
  const client = localClient();
  let left = times;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'TransactWriteItemsCommand' && left > 0) {
        left--;
        throw new TransactionCanceledException({
          message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes.join(', ')}]`,
          $metadata: {},
          CancellationReasons: codes.map((Code) => ({ Code })),
        });
      }
      return next(args);
    },
    { step: 'initialize', name: 'cancelTransactions' },
  );
  return client;
}

/** A state item as an older (or broken) writer might have left it, at version 3. */
function rawStateItem(id: CanaryId, stateJson: string): Record<string, AttributeValue> {
  return {
    PK: { S: `CANARY#${id.cluster}#${id.namespace}#${id.name}` },
    SK: { S: 'STATE' },
    GSI1PK: { S: `CLUSTER#${id.cluster}` },
    GSI1SK: { S: `${id.namespace}#${id.name}` },
    cluster: { S: id.cluster },
    namespace: { S: id.namespace },
    name: { S: id.name },
    phase: { S: 'Succeeded' },
    version: { N: '3' },
    updatedAt: { S: at(0) },
    state: { S: stateJson },
  };
}

async function freshTable(client: DynamoDBClient): Promise<string> {
  const tableName = `fledge-store-${randomUUID()}`;
  await createTable(client, tableName);
  return tableName;
}

canaryStoreContract('DynamoDB Local', async () => {
  const client = localClient();
  return new DynamoDbCanaryStore({ tableName: await freshTable(client), client });
});

describe('DynamoDbCanaryStore on DynamoDB Local', () => {
  const client = localClient();
  let tableName: string;
  beforeAll(async () => {
    tableName = await freshTable(client);
  });

  it('creates the table with PK/SK, the sparse ByCluster index without the template, and TTL on expiresAt', async () => {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    expect(Table?.KeySchema).toEqual([
      { AttributeName: 'PK', KeyType: 'HASH' },
      { AttributeName: 'SK', KeyType: 'RANGE' },
    ]);
    const index = Table?.GlobalSecondaryIndexes?.[0];
    expect(index?.IndexName).toBe('ByCluster');
    expect(index?.Projection?.NonKeyAttributes).not.toContain('template');
    const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
    expect(ttl.TimeToLiveDescription).toMatchObject({ AttributeName: 'expiresAt', TimeToLiveStatus: 'ENABLED' });
  });

  it('writes the documented keys, and the history TTL as a top-level number attribute', async () => {
    const id = uniqueId();
    const store = new DynamoDbCanaryStore({ tableName, client });
    await store.commit(id, 0, stateIn('Initialized'), historyAt(at(61), { expiresAt: 1_800_000_000 }));

    const pk = `CANARY#${id.cluster}#test#podinfo`;
    const state = await client.send(new GetItemCommand({ TableName: tableName, Key: { PK: { S: pk }, SK: { S: 'STATE' } } }));
    expect(state.Item).toMatchObject({
      GSI1PK: { S: `CLUSTER#${id.cluster}` },
      GSI1SK: { S: 'test#podinfo' },
      phase: { S: 'Initialized' },
      version: { N: '1' },
      updatedAt: { S: '2026-01-01T00:01:01.000Z' },
    });
    const hist = await client.send(new GetItemCommand({
      TableName: tableName,
      Key: { PK: { S: pk }, SK: { S: 'HIST#2026-01-01T00:01:01.000Z#000000000001' } },
    }));
    expect(hist.Item?.expiresAt).toEqual({ N: '1800000000' });
  });

  it.each<{ value: string | number }>([
    { value: 'é€😀 multi-byte UTF-8' },
    { value: 0 },
    { value: 1_800_000_000 },
    { value: 12345 },
    { value: 1.5 },
    { value: -123.456 },
    { value: 1e21 },
    { value: 1.5e-7 },
  ])('measures an item holding $value exactly as DynamoDB Local does: it accepts our limit and rejects one byte more', async ({ value }) => {
    const put = async (extra: number): Promise<string> => {
      const item = { PK: `size-${randomUUID()}`, SK: 'STATE', 'attribute-ü': value, state: '' };
      item.state = 'x'.repeat(MAX_ITEM_BYTES - itemSize(item) + extra);
      const Item = Object.fromEntries(Object.entries(item).map(([k, v]) => [k, typeof v === 'string' ? { S: v } : { N: String(v) }]));
      return client.send(new PutItemCommand({ TableName: tableName, Item })).then(() => 'accepted', (e: Error) => e.name);
    };
    expect(await put(0)).toBe('accepted');
    expect(await put(1)).toBe('ValidationException');
  });

  it('re-sends a commit cancelled only because another transaction was in flight, and the version decides', async () => {
    const store = new DynamoDbCanaryStore({ tableName, client: cancellingClient(2, ['TransactionConflict', 'None']) });
    const id = uniqueId();
    expect(await store.commit(id, 0, stateIn('Initialized'), historyAt(at(0)))).toEqual({ kind: 'committed', version: 1 });
    expect(await store.load(id)).toMatchObject({ version: 1 });
  });

  it('gives up with a StoreError when transaction conflicts outlast its retries, having written nothing', async () => {
    const store = new DynamoDbCanaryStore({ tableName, client: cancellingClient(3, ['TransactionConflict', 'None']), maxTransactionConflictRetries: 2 });
    const id = uniqueId();
    await expect(store.commit(id, 0, stateIn('Initialized'), historyAt(at(0)))).rejects.toThrow(
      /commit canary .* at version 0 \(cancelled: TransactionConflict, None\) on DynamoDB table .* failed: TransactionCanceledException/,
    );
    expect(await store.load(id)).toBeUndefined();
  });

  it('reports other cancellation reasons as a StoreError, not as a conflict', async () => {
    const store = new DynamoDbCanaryStore({ tableName, client: cancellingClient(1, ['ValidationError', 'None']) });
    await expect(store.commit(uniqueId(), 0, stateIn('Initialized'), historyAt(at(0)))).rejects.toThrow(StoreError);
  });

  it('reads a state stored before the newer fields existed with their defaults, and keeps fields it does not know', async () => {
    const id = uniqueId();
    const older = { phase: 'Succeeded', canaryWeight: 0, failedChecks: 0, iterations: 0, lastTransitionTime: at(0), fromTheFuture: { kept: true } };
    await client.send(new PutItemCommand({ TableName: tableName, Item: rawStateItem(id, JSON.stringify(older)) }));

    const loaded = await new DynamoDbCanaryStore({ tableName, client }).load(id);

    expect(loaded?.state).toEqual({ ...older, trackedConfigs: {}, conditions: [], controls: [], paused: false, version: 3 });
  });

  it.each([
    { case: 'not JSON', json: '{"phase":', message: /attribute "state" is not JSON/ },
    { case: 'an unknown phase', json: JSON.stringify({ ...stateIn('Succeeded'), phase: 'Done' }), message: /stored state of canary .* is unreadable: state\.phase: expected one of Flagger's phases, got "Done"/ },
  ])('refuses a stored state that is $case with a CorruptItemError', async ({ json, message }) => {
    const id = uniqueId();
    await client.send(new PutItemCommand({ TableName: tableName, Item: rawStateItem(id, json) }));
    const error = await new DynamoDbCanaryStore({ tableName, client }).load(id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CorruptItemError);
    expect((error as Error).message).toMatch(message);
  });

  it('takes its client from config when none is given', async () => {
    const store = new DynamoDbCanaryStore({
      tableName,
      clientConfig: { endpoint: inject('dynamodbEndpoint'), region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } },
    });
    expect(await store.load(uniqueId())).toBeUndefined();
  });

  it('translates an SDK failure into a StoreError naming the operation and table, with the SDK error as cause', async () => {
    const store = new DynamoDbCanaryStore({ tableName: 'fledge-missing-table', client });
    const id = uniqueId();

    const error = await store.load(id).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).message).toMatch(
      new RegExp(`^load canary ${id.cluster}/test/podinfo on DynamoDB table fledge-missing-table failed: ResourceNotFoundException`),
    );
    expect((error as StoreError).cause).toMatchObject({ name: 'ResourceNotFoundException' });
    await expect(store.commit(id, 0, stateIn('Initialized'), historyAt(at(0)))).rejects.toThrow(/^commit canary .* at version 0 on DynamoDB table fledge-missing-table failed/);
  });

  it('refuses an invalid table name when built', () => {
    expect(() => new DynamoDbCanaryStore({ tableName: 'no spaces', client })).toThrow(InvalidStoreInputError);
    expect(() => new DynamoDbCanaryStore({ tableName: 'no spaces', client })).toThrow(/tableName: expected .*got "no spaces"/);
  });

  it('describes the table it creates with tableDefinition', () => {
    expect(tableDefinition('t1')).toMatchObject({ TableName: 't1', BillingMode: 'PAY_PER_REQUEST' });
  });
});
