/** `fledge local`'s default store: DynamoDB Local with its data in a directory, so state survives a restart. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { newCanaryState, type HistoryItem } from '../../shared/api/state.ts';
import { DynamoDbCanaryStore } from '../../shared/store/index.ts';
import { startLocalDynamoDb } from '../../cli/local/dynamodb-local.ts';

const dir = mkdtempSync(join(tmpdir(), 'fledge-ddb-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('startLocalDynamoDb', () => {
  it('keeps state and history under its data directory across restarts', async () => {
    const id = { cluster: 'local', namespace: 'test', name: 'podinfo' };
    const time = '2026-01-01T00:00:00Z';
    const item: HistoryItem = { time, tick: 1, decision: 'initialize', actor: 'fledge-local', message: 'm', phaseAfter: 'Initializing', weightsBefore: { primary: 100, canary: 0 }, weightsAfter: { primary: 100, canary: 0 }, metrics: [], webhooks: [], events: [], expiresAt: 1_900_000_000 };

    const first = await startLocalDynamoDb(join(dir, 'data'), 'fledge');
    try {
      await new DynamoDbCanaryStore({ tableName: 'fledge', client: first.client }).commit(id, 0, newCanaryState(time), item);
    } finally {
      await first.stop();
    }
    const second = await startLocalDynamoDb(join(dir, 'data'), 'fledge');
    try {
      const loaded = await new DynamoDbCanaryStore({ tableName: 'fledge', client: second.client }).load(id);
      expect(loaded?.version).toBe(1);
      expect(loaded?.state.phase).toBe(newCanaryState(time).phase);
    } finally {
      await second.stop();
    }
  }, 90_000);
});
