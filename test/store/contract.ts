import { beforeAll, describe, expect, it } from 'vitest';
import type { CanaryId, CanaryState, HistoryItem } from '../../shared/api/state.ts';
import {
  InvalidStoreInputError,
  ItemTooLargeError,
  MAX_ITEM_BYTES,
  requestControl,
  type CanaryStore,
  type HistoryQuery,
} from '../../shared/store/index.ts';
import { at, fullState, historyAt, stateIn, uniqueId } from './fixtures.ts';

/** Reads every history item of `id` through the cursor, `limit` per page. */
async function allHistory(store: CanaryStore, id: CanaryId, query: HistoryQuery = {}): Promise<{ items: HistoryItem[]; pages: number }> {
  const items: HistoryItem[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await store.history(id, { ...query, ...(cursor === undefined ? {} : { cursor }) });
    items.push(...page.items);
    cursor = page.cursor;
    pages++;
  } while (cursor !== undefined && pages < 100);
  return { items, pages };
}

/** Creates `id` with a small state at version 1. */
async function create(store: CanaryStore, id: CanaryId, state: CanaryState = stateIn('Initialized')): Promise<void> {
  expect(await store.commit(id, 0, state, historyAt(at(0), { decision: 'initialize' }))).toEqual({ kind: 'committed', version: 1 });
}

/**
 * The behaviour every `CanaryStore` shares. `setup` runs once per suite and returns the store under test;
 * tests keep apart by using canary ids no other test uses.
 */
export function canaryStoreContract(name: string, setup: () => Promise<CanaryStore>): void {
  describe(`CanaryStore contract: ${name}`, () => {
    let store: CanaryStore;
    beforeAll(async () => {
      store = await setup();
    });

    describe('load and commit', () => {
      it('returns undefined and an empty history for a canary it has never seen', async () => {
        const id = uniqueId();
        expect(await store.load(id)).toBeUndefined();
        expect(await store.history(id)).toEqual({ items: [] });
      });

      it('creates a canary at version 1, then updates it to version 2', async () => {
        const id = uniqueId();
        const first = stateIn('Initialized');
        const second = stateIn('Progressing', 10);
        expect(await store.commit(id, 0, first, historyAt(at(60), { decision: 'initialize' }))).toEqual({ kind: 'committed', version: 1 });
        expect(await store.load(id)).toEqual({ version: 1, state: { ...first, version: 1 }, updatedAt: new Date(at(60)).toISOString() });
        expect(await store.commit(id, 1, second, historyAt(at(120)))).toEqual({ kind: 'committed', version: 2 });
        expect(await store.load(id)).toEqual({ version: 2, state: { ...second, version: 2 }, updatedAt: new Date(at(120)).toISOString() });
        const { items } = await store.history(id);
        expect(items.map((i) => [i.decision, i.version])).toEqual([['initialize', 1], ['advance', 2]]);
      });

      it('treats an undefined expected version as a create', async () => {
        const id = uniqueId();
        expect(await store.commit(id, undefined, stateIn('Initialized'), historyAt(at(0)))).toEqual({ kind: 'committed', version: 1 });
        expect(await store.commit(id, undefined, stateIn('Progressing'), historyAt(at(60)))).toEqual({ kind: 'conflict' });
      });

      it('sets the version itself, whatever version the new state carries', async () => {
        const id = uniqueId();
        await store.commit(id, 0, { ...stateIn('Initialized'), version: 42 }, historyAt(at(0)));
        expect((await store.load(id))?.state.version).toBe(1);
      });

      it.each([
        { case: 'a create of a canary that exists', expected: 0 },
        { case: 'a stale version', expected: 1 },
        { case: 'a version from the future', expected: 7 },
      ])('answers $case with a conflict and writes nothing', async ({ expected }) => {
        const id = uniqueId();
        await create(store, id);
        expect(await store.commit(id, 1, stateIn('Progressing', 10), historyAt(at(60)))).toEqual({ kind: 'committed', version: 2 });
        const before = await store.load(id);

        const result = await store.commit(id, expected, stateIn('Failed'), historyAt(at(120), { decision: 'rollback' }));

        expect(result).toEqual({ kind: 'conflict' });
        expect(await store.load(id)).toEqual(before);
        expect((await store.history(id)).items.map((i) => i.decision)).toEqual(['initialize', 'advance']);
      });

      it('lets exactly one of 20 concurrent commits on the same version win, and keeps only its history item', async () => {
        const id = uniqueId();
        await create(store, id);

        // Each writer at its own time, so the history keys differ and only the version condition can decide.
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            store.commit(id, 1, stateIn('Progressing', i + 1), historyAt(at(60 + i), { decision: `writer-${i}` })),
          ),
        );

        const winners = results.flatMap((r, i) => (r.kind === 'committed' ? [i] : []));
        expect(winners).toHaveLength(1);
        expect(results.filter((r) => r.kind === 'conflict')).toHaveLength(19);
        const winner = winners[0] as number;
        expect(results[winner]).toEqual({ kind: 'committed', version: 2 });
        expect((await store.load(id))?.state.canaryWeight).toBe(winner + 1);
        expect((await store.history(id)).items.map((i) => i.decision)).toEqual(['initialize', `writer-${winner}`]);
      });

      it('lets exactly one of 20 concurrent creates win', async () => {
        const id = uniqueId();
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) => store.commit(id, 0, stateIn('Initializing', i), historyAt(at(0), { decision: `creator-${i}` }))),
        );
        expect(results.filter((r) => r.kind === 'committed')).toEqual([{ kind: 'committed', version: 1 }]);
        expect((await store.history(id)).items).toHaveLength(1);
      });

      it('round-trips a state with every field and a history item with every field, as JSON', async () => {
        const id = uniqueId();
        const state = fullState();
        const item = historyAt(at(90));
        await store.commit(id, 0, state, item);

        const loaded = await store.load(id);
        expect(loaded).toEqual({ version: 1, state: { ...state, version: 1 }, updatedAt: new Date(at(90)).toISOString() });
        expect(JSON.parse(JSON.stringify(loaded?.state))).toEqual(loaded?.state);
        expect(Object.keys(loaded?.state ?? {}).sort()).toEqual(Object.keys(state).sort());
        expect((await store.history(id)).items).toEqual([{ ...item, version: 1 }]);
      });

      it('refuses a state that would not read back the same (NaN weight) and writes nothing', async () => {
        const id = uniqueId();
        await expect(store.commit(id, 0, stateIn('Progressing', Number.NaN), historyAt(at(0)))).rejects.toThrow(
          /state of canary .*: state\.canaryWeight: expected a number, got null/,
        );
        expect(await store.load(id)).toBeUndefined();
      });

      it.each([
        { case: 'an empty cluster', id: { cluster: '', namespace: 'test', name: 'podinfo' }, message: /cluster: expected/ },
        { case: 'a "#" in the cluster', id: { cluster: 'a#b', namespace: 'test', name: 'podinfo' }, message: /cluster: .*got "a#b"/ },
        { case: 'an upper-case namespace', id: { cluster: 'prod', namespace: 'Test', name: 'podinfo' }, message: /namespace: .*got "Test"/ },
        { case: 'a "/" in the name', id: { cluster: 'prod', namespace: 'test', name: 'pod/info' }, message: /name: .*got "pod\/info"/ },
      ])('refuses $case with an error naming the field', async ({ id, message }) => {
        await expect(store.load(id)).rejects.toThrow(InvalidStoreInputError);
        await expect(store.commit(id, 0, stateIn('Initialized'), historyAt(at(0)))).rejects.toThrow(message);
      });
    });

    describe('item size', () => {
      const limitKb = MAX_ITEM_BYTES / 1024;

      it(`refuses a state item over ${limitKb} KB with an error naming the item and its size, and writes nothing`, async () => {
        const id = uniqueId();
        await create(store, id);
        const before = await store.load(id);
        const huge = fullState({ lastPromotedTemplate: { spec: { containers: [{ name: 'app', args: ['y'.repeat(MAX_ITEM_BYTES)] }] } } });

        const attempt = store.commit(id, 1, huge, historyAt(at(60)));

        await expect(attempt).rejects.toThrow(ItemTooLargeError);
        await expect(attempt).rejects.toThrow(
          new RegExp(`state item of canary ${id.cluster}/test/podinfo is \\d+ bytes, over DynamoDB's item limit of ${MAX_ITEM_BYTES} bytes .*"template"`),
        );
        expect(await store.load(id)).toEqual(before);
        expect((await store.history(id)).items).toHaveLength(1);
      });

      it(`refuses a history item over ${limitKb} KB and leaves the state as it was`, async () => {
        const id = uniqueId();
        await create(store, id);
        const before = await store.load(id);

        const attempt = store.commit(id, 1, stateIn('Progressing', 10), historyAt(at(60), { message: 'm'.repeat(MAX_ITEM_BYTES) }));

        await expect(attempt).rejects.toThrow(/history item of canary .* at 2026-01-01T00:01:00Z is \d+ bytes, over .* "item"/);
        expect(await store.load(id)).toEqual(before);
        expect((await store.history(id)).items).toHaveLength(1);
      });

      it('accepts a state item of exactly the limit and refuses one byte more', async () => {
        const id = uniqueId();
        await create(store, id);
        const base = stateIn('Progressing');
        // Each ASCII character of the spec adds one byte to the item: an oversized attempt tells the rest's size.
        const over = await store.commit(id, 1, { ...base, lastAppliedSpec: 'z'.repeat(MAX_ITEM_BYTES) }, historyAt(at(60))).catch((e: unknown) => e);
        expect(over).toBeInstanceOf(ItemTooLargeError);
        const rest = (over as ItemTooLargeError).size - MAX_ITEM_BYTES;

        const exact = { ...base, lastAppliedSpec: 'x'.repeat(MAX_ITEM_BYTES - rest) };
        expect(await store.commit(id, 1, exact, historyAt(at(60)))).toEqual({ kind: 'committed', version: 2 });
        expect((await store.load(id))?.state.lastAppliedSpec).toBe(exact.lastAppliedSpec);

        const oneMore = { ...base, lastAppliedSpec: 'x'.repeat(MAX_ITEM_BYTES - rest + 1) };
        await expect(store.commit(id, 2, oneMore, historyAt(at(120)))).rejects.toThrow(ItemTooLargeError);
      });
    });

    describe('history', () => {
      // Commit order is not time order: a step's time comes from its invocation, and clocks differ.
      const times = [at(300), at(60), at(180), at(180), at(0), at(240), at(120)];
      let id: CanaryId;
      beforeAll(async () => {
        id = uniqueId();
        let version = 0;
        for (const [i, time] of times.entries()) {
          const result = await store.commit(id, version, stateIn('Progressing', i), historyAt(time, { tick: i, decision: `step-${i}` }));
          if (result.kind !== 'committed') throw new Error(`setup commit ${i} lost: ${result.kind}`);
          version = result.version;
        }
      });
      // Time order, ties by version: 0s(step-4), 60s(step-1), 120s(step-6), 180s(step-2), 180s(step-3), 240s(step-5), 300s(step-0).
      const ascending = ['step-4', 'step-1', 'step-6', 'step-2', 'step-3', 'step-5', 'step-0'];

      it.each([
        { limit: 1, pages: 7 },
        { limit: 3, pages: 3 },
        { limit: 7, pages: 1 },
        { limit: 100, pages: 1 },
      ])('pages through every item in time order, $limit per page, with a cursor only while more follow', async ({ limit, pages }) => {
        const all = await allHistory(store, id, { limit });
        expect(all.items.map((i) => i.decision)).toEqual(ascending);
        expect(all.pages).toBe(pages);
      });

      it('pages newest first when asked for descending order', async () => {
        const all = await allHistory(store, id, { limit: 2, order: 'descending' });
        expect(all.items.map((i) => i.decision)).toEqual([...ascending].reverse());
      });

      it('returns the first page with a cursor that continues after it', async () => {
        const first = await store.history(id, { limit: 2 });
        expect(first.items.map((i) => i.decision)).toEqual(['step-4', 'step-1']);
        expect(first.cursor).toEqual(expect.any(String));
        const second = await store.history(id, { limit: 2, ...(first.cursor === undefined ? {} : { cursor: first.cursor }) });
        expect(second.items.map((i) => i.decision)).toEqual(['step-6', 'step-2']);
      });

      it.each([
        { case: 'from is inclusive', query: { from: at(180) }, expected: ['step-2', 'step-3', 'step-5', 'step-0'] },
        { case: 'to is exclusive', query: { to: at(180) }, expected: ['step-4', 'step-1', 'step-6'] },
        { case: 'from and to', query: { from: at(60), to: at(240) }, expected: ['step-1', 'step-6', 'step-2', 'step-3'] },
        { case: 'times with offsets and milliseconds', query: { from: '2026-01-01T01:01:00.000+01:00', to: '2026-01-01T00:02:00.001Z' }, expected: ['step-1', 'step-6'] },
        { case: 'from equal to to', query: { from: at(60), to: at(60) }, expected: [] },
        { case: 'from after to', query: { from: at(240), to: at(60) }, expected: [] },
        { case: 'a range after the last item', query: { from: at(301) }, expected: [] },
      ])('filters by time range: $case', async ({ query, expected }) => {
        const all = await allHistory(store, id, { ...query, limit: 2 });
        expect(all.items.map((i) => i.decision)).toEqual(expected);
      });

      it('refuses a cursor used with a different query', async () => {
        const first = await store.history(id, { limit: 2 });
        const cursor = first.cursor as string;
        await expect(store.history(id, { limit: 2, cursor, from: at(60) })).rejects.toThrow(/history cursor: it continues a different query/);
        await expect(store.history(uniqueId(), { limit: 2, cursor })).rejects.toThrow(InvalidStoreInputError);
        await expect(store.history(id, { cursor: 'not-a-cursor' })).rejects.toThrow(/history cursor: not a cursor returned by history\(\)/);
      });

      it.each([
        { case: 'a limit of 0', query: { limit: 0 }, message: /history limit: expected an integer from 1 to 1000, got 0/ },
        { case: 'a fractional limit', query: { limit: 2.5 }, message: /history limit: .*got 2.5/ },
        { case: 'a time without zone', query: { from: '2026-01-01T00:00:00' }, message: /history from: expected an ISO 8601 date-time with a zone/ },
        { case: 'a time that is not one', query: { to: 'yesterday' }, message: /history to: .*got "yesterday"/ },
      ])('refuses $case', async ({ query, message }) => {
        await expect(store.history(id, query)).rejects.toThrow(message);
      });

      it('refuses a history item whose time is not an ISO time, and writes nothing', async () => {
        const other = uniqueId();
        await expect(store.commit(other, 0, stateIn('Initialized'), historyAt('Jan 1 2026'))).rejects.toThrow(
          /historyItem\.time: expected an ISO 8601 date-time/,
        );
        expect(await store.load(other)).toBeUndefined();
      });
    });

    describe('list', () => {
      const cluster = `list-${Math.random().toString(36).slice(2, 8)}`;
      const other = `${cluster}-other`;
      const canaries: [CanaryId, CanaryState][] = [
        [{ cluster, namespace: 'b', name: 'web' }, stateIn('Progressing', 20)],
        [{ cluster, namespace: 'a', name: 'api' }, stateIn('Succeeded')],
        [{ cluster, namespace: 'a', name: 'worker' }, stateIn('Failed')],
        [{ cluster: other, namespace: 'a', name: 'api' }, stateIn('Progressing', 40)],
      ];
      const key = (c: { id: CanaryId }): string => `${c.id.cluster}/${c.id.namespace}/${c.id.name}`;
      beforeAll(async () => {
        const templates = { lastPromotedTemplate: { spec: { containers: [] } }, promotingTemplate: { spec: { containers: [] } } };
        await Promise.all(canaries.map(([id, state]) => store.commit(id, 0, { ...state, ...templates }, historyAt(at(0)))));
      });

      it.each([
        { case: 'one cluster, sorted by namespace and name', filter: { cluster }, expected: [`${cluster}/a/api`, `${cluster}/a/worker`, `${cluster}/b/web`] },
        { case: 'one namespace of a cluster', filter: { cluster, namespace: 'a' }, expected: [`${cluster}/a/api`, `${cluster}/a/worker`] },
        { case: 'a cluster and a phase', filter: { cluster, phase: 'Progressing' as const }, expected: [`${cluster}/b/web`] },
        { case: 'a cluster and several phases', filter: { cluster, phase: ['Succeeded', 'Failed'] as const }, expected: [`${cluster}/a/api`, `${cluster}/a/worker`] },
        { case: 'a cluster with no canaries', filter: { cluster: `${cluster}-none` }, expected: [] },
      ])('lists by $case', async ({ filter, expected }) => {
        expect((await store.list(filter)).map(key)).toEqual(expected);
      });

      it('lists a phase across clusters', async () => {
        const listed = (await store.list({ phase: 'Progressing' })).map(key);
        expect(listed).toEqual(expect.arrayContaining([`${cluster}/b/web`, `${other}/a/api`]));
        expect(listed).not.toContain(`${cluster}/a/api`);
      });

      it('lists every canary of every cluster, in order, without their pod templates', async () => {
        const listed = await store.list();
        const ours = listed.filter((c) => c.id.cluster === cluster || c.id.cluster === other);
        expect(ours.map(key)).toEqual([`${cluster}/a/api`, `${cluster}/a/worker`, `${cluster}/b/web`, `${other}/a/api`]);
        expect(ours[2]).toEqual({ id: { cluster, namespace: 'b', name: 'web' }, version: 1, state: { ...stateIn('Progressing', 20), version: 1 } });
        const tuples = listed.map((c) => JSON.stringify([c.id.cluster, c.id.namespace, c.id.name]));
        expect(tuples).toEqual([...tuples].sort());
      });

      it('lists a namespace across clusters', async () => {
        const listed = (await store.list({ namespace: 'a' })).map(key);
        expect(listed).toEqual(expect.arrayContaining([`${cluster}/a/api`, `${cluster}/a/worker`, `${other}/a/api`]));
        expect(listed).not.toContain(`${cluster}/b/web`);
      });

      it('refuses an unknown phase with the list of phases', async () => {
        await expect(store.list({ phase: 'Running' as never })).rejects.toThrow(/list phase: expected one of Initializing, .*Terminated, got "Running"/);
      });
    });

    describe('runtime controls', () => {
      it('queues a control request in the state, moves the version and records who asked', async () => {
        const id = uniqueId();
        await create(store, id, stateIn('Progressing', 30));

        const result = await requestControl(store, id, { action: 'promote', requestedBy: 'cli:alice', requestedAt: at(90), reason: 'metrics look fine' });

        expect(result).toEqual({ kind: 'requested', version: 2 });
        const loaded = await store.load(id);
        expect(loaded?.state.controls).toEqual([{ action: 'promote', requestedBy: 'cli:alice', requestedAt: at(90), reason: 'metrics look fine' }]);
        expect(loaded?.state.phase).toBe('Progressing');
        const last = (await store.history(id)).items.at(-1);
        expect(last).toMatchObject({
          decision: 'control:promote',
          actor: 'cli:alice',
          message: 'promote requested by cli:alice: metrics look fine',
          weightsAfter: { primary: 70, canary: 30 },
          expiresAt: Date.parse(at(90)) / 1000 + 90 * 24 * 3600,
        });
      });

      it('makes a commit based on the version before the request lose, so the request is not overwritten', async () => {
        const id = uniqueId();
        await create(store, id, stateIn('Progressing', 30));
        await requestControl(store, id, { action: 'abort', requestedBy: 'cli:bob', requestedAt: at(90) });

        expect(await store.commit(id, 1, stateIn('Progressing', 40), historyAt(at(120)))).toEqual({ kind: 'conflict' });
        expect((await store.load(id))?.state.controls.map((c) => c.action)).toEqual(['abort']);
      });

      it('keeps every one of several concurrent requests, in some order', async () => {
        const id = uniqueId();
        await create(store, id);
        const actions = ['pause', 'resume', 'retry', 'abort'] as const;

        const results = await Promise.all(actions.map((action) => requestControl(store, id, { action, requestedBy: 'cli:ops', requestedAt: at(60) })));

        expect(results.every((r) => r.kind === 'requested')).toBe(true);
        const queued = (await store.load(id))?.state.controls.map((c) => c.action);
        expect([...(queued ?? [])].sort()).toEqual([...actions].sort());
        expect((await store.history(id)).items).toHaveLength(1 + actions.length);
      });

      it('answers notFound for a canary without state, and refuses an unknown action', async () => {
        const id = uniqueId();
        expect(await requestControl(store, id, { action: 'retry', requestedBy: 'cli:alice', requestedAt: at(0) })).toEqual({ kind: 'notFound' });
        await expect(requestControl(store, id, { action: 'skip' as never, requestedBy: 'cli:alice', requestedAt: at(0) })).rejects.toThrow(
          /control action: expected one of promote, abort, pause, resume, retry, got "skip"/,
        );
      });
    });
  });
}
