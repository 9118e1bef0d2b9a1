/**
 * The single-table design of the canary store, shared by the DynamoDB store, the in-memory twin (which builds
 * the same items so that it measures the same sizes), tests and the CDK app.
 *
 * | item    | PK                                | SK                              | GSI1PK             | GSI1SK              |
 * |---------|-----------------------------------|---------------------------------|--------------------|---------------------|
 * | state   | `CANARY#<cluster>#<ns>#<name>`    | `STATE`                         | `CLUSTER#<cluster>`| `<ns>#<name>`       |
 * | history | `CANARY#<cluster>#<ns>#<name>`    | `HIST#<time>#<version:12>`      | —                  | —                   |
 *
 * - State item attributes: `cluster`, `namespace`, `name`, `phase`, `version` (N, the optimistic-concurrency
 *   counter), `updatedAt` (the committing step's time), `state` (the state as JSON, without its pod templates),
 *   `template` (the last promoted pod template as JSON) and `promotingTemplate` (the one of the promotion in
 *   flight), each when there is one. The JSON keeps the state exact (no marshalling quirks,
 *   no nesting limit) and lets new state fields need no table change.
 * - History item attributes: `version` (N, the state version it committed), `time`, `tick` (N), `item` (the
 *   history item as JSON) and `expiresAt` (N, epoch seconds: the table's TTL attribute).
 * - `<time>` is the ISO time normalized to `YYYY-MM-DDTHH:mm:ss.sssZ`, so SKs sort in time order; the
 *   zero-padded version makes each SK unique (one history item per committed version) and breaks ties.
 * - GSI `ByCluster` (sparse: only state items carry its keys) lists canaries by cluster and namespace with a
 *   Query, or across all clusters with a Scan that reads state items only. It projects everything but the
 *   templates, so a watcher pass over thousands of canaries reads small items.
 */
import {
  CreateTableCommand,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
  type CreateTableCommandInput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import type { CanaryId } from '../api/state.ts';
import { StoreError } from './errors.ts';

/** Attribute names of the table's keys, its index and its TTL. */
export const Keys = {
  partition: 'PK',
  sort: 'SK',
  gsi1Partition: 'GSI1PK',
  gsi1Sort: 'GSI1SK',
  ttl: 'expiresAt',
} as const;

/** Name of the index listing canaries by cluster. */
export const BY_CLUSTER_INDEX = 'ByCluster';

/** Sort key of a canary's state item. */
export const STATE_SK = 'STATE';
/** Prefix of the sort keys of history items. */
export const HISTORY_SK_PREFIX = 'HIST#';

/** The partition key of a canary. */
export function canaryPk(id: CanaryId): string {
  return `CANARY#${id.cluster}#${id.namespace}#${id.name}`;
}

/** The GSI1 partition key of a cluster. */
export function clusterGsiPk(cluster: string): string {
  return `CLUSTER#${cluster}`;
}

/** The GSI1 sort key of a canary (also the prefix `<ns>#` for listing one namespace). */
export function clusterGsiSk(namespace: string, name?: string): string {
  return name === undefined ? `${namespace}#` : `${namespace}#${name}`;
}

/** The sort key of the history item committed at `normalizedTime` as `version`. */
export function historySk(normalizedTime: string, version: number): string {
  return `${HISTORY_SK_PREFIX}${normalizedTime}#${String(version).padStart(12, '0')}`;
}

/** Non-key attributes the `ByCluster` index projects (everything but the pod templates). */
export const BY_CLUSTER_PROJECTED = ['cluster', 'namespace', 'name', 'phase', 'version', 'updatedAt', 'state'] as const;

/**
 * The CreateTable input for the store's table: on-demand billing, `PK`/`SK` strings, the sparse `ByCluster`
 * index. TTL is not part of CreateTable; enable it on `Keys.ttl` (`createTable` does, the CDK sets
 * `timeToLiveAttribute`).
 */
export function tableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: Keys.partition, AttributeType: 'S' },
      { AttributeName: Keys.sort, AttributeType: 'S' },
      { AttributeName: Keys.gsi1Partition, AttributeType: 'S' },
      { AttributeName: Keys.gsi1Sort, AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: Keys.partition, KeyType: 'HASH' },
      { AttributeName: Keys.sort, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: BY_CLUSTER_INDEX,
        KeySchema: [
          { AttributeName: Keys.gsi1Partition, KeyType: 'HASH' },
          { AttributeName: Keys.gsi1Sort, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...BY_CLUSTER_PROJECTED] },
      },
    ],
  };
}

/**
 * Creates the store's table, waits until it is active and enables TTL on history items. For tests and local
 * runs; deployed tables come from the CDK app.
 */
export async function createTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(new CreateTableCommand(tableDefinition(tableName)));
    await waitUntilTableExists({ client, maxWaitTime: 60, minDelay: 1, maxDelay: 2 }, { TableName: tableName });
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: Keys.ttl, Enabled: true },
      }),
    );
  } catch (error) {
    const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new StoreError(`create DynamoDB table ${tableName} failed: ${detail}`, { cause: error });
  }
}
