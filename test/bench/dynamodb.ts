/**
 * Benchmark 2: DynamoDB calls per step. The podinfo good release is played with the controller's state in a
 * `DynamoDbCanaryStore` on DynamoDB Local; an SDK middleware counts every command the store sends per
 * controller tick (and every HTTP attempt, so retries would show), and asks for the consumed capacity
 * (`ReturnConsumedCapacity: INDEXES`, which changes nothing else; the units are DynamoDB Local's own
 * accounting, shown as it reports them, not a bill). After each tick the raw items are read with a
 * second, uncounted client and sized as DynamoDB counts them, against the 400 KB item limit. Then N
 * load + commit rounds of the realistic final state time the store's calls.
 */
import { DynamoDBClient, ScanCommand, type AttributeValue, type ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import { canaryKey, type CanaryId, type HistoryItem } from '../../shared/api/index.ts';
import { createTable, DynamoDbCanaryStore, itemSize, Keys, MAX_ITEM_BYTES } from '../../shared/store/index.ts';
import { loadScenario, playScenario, PODINFO_GOOD_RELEASE } from './podinfo.ts';
import { percentile } from './stats.ts';

/** Per-command figures of a span of calls. */
export interface CommandCount {
  /** SDK commands sent (`GetItemCommand` counted once however often it is retried). */
  readonly calls: number;
  /** HTTP attempts, retries included. */
  readonly attempts: number;
  /** Capacity units DynamoDB reported, summed (table and indexes); `null` when it reported none. */
  readonly capacityUnits: number | null;
  /** The part of {@link capacityUnits} spent on secondary indexes; `null` when none was reported. */
  readonly indexCapacityUnits: number | null;
}

/** The DynamoDB side of one controller tick. */
export interface DynamoTick {
  readonly tick: number;
  readonly phase: string;
  readonly committed: boolean;
  /** By command name without the `Command` suffix: `GetItem`, `TransactWriteItems`. */
  readonly commands: Readonly<Record<string, CommandCount>>;
  readonly calls: number;
  /** The state item after the tick, bytes as DynamoDB counts them. */
  readonly stateItemBytes: number;
  /** Whether the state item carried a pod template (the last promoted or the promoting one) after the tick. */
  readonly withTemplate: boolean;
}

/** Latency of one kind of call, milliseconds. */
export interface Latency {
  readonly n: number;
  readonly p50: number;
  readonly p95: number;
  readonly max: number;
}

/** What benchmark 2 measured. */
export interface DynamoReport {
  readonly ticks: readonly DynamoTick[];
  readonly committedTicks: number;
  /** SDK calls per committed tick (load + commit). */
  readonly callsPerCommittedStep: number;
  /** Calls by command over the whole run. */
  readonly commands: Readonly<Record<string, CommandCount>>;
  readonly capacityReported: boolean;
  readonly items: {
    readonly largestStateBytes: number;
    readonly largestStateWithTemplate: boolean;
    readonly largestHistoryBytes: number;
    readonly meanHistoryBytes: number;
    readonly historyItems: number;
    readonly limitBytes: number;
    /** Largest item / 400 KB. */
    readonly largestShareOfLimit: number;
  };
  readonly latency: { readonly load: Latency; readonly commit: Latency; readonly rounds: number };
}

/** Options of {@link measureDynamoDb}. */
export interface DynamoOptions {
  /** DynamoDB Local's endpoint (`http://127.0.0.1:<port>`). */
  readonly endpoint: string;
  /** Load + commit rounds timed. @default 200 */
  readonly commits?: number;
  /** Stop the timed rounds after this long even before `commits`. @default 20 000 ms */
  readonly maxMillis?: number;
  /** Table to create. @default `fledge-bench-<time>` */
  readonly tableName?: string;
}

interface Counting {
  calls: number;
  attempts: number;
  capacity: number | null;
  indexCapacity: number | null;
}

/** Counts the commands a client sends, by name, between two `take()`s. */
export class CommandCounter {
  #counts = new Map<string, Counting>();

  /** Adds the counting middlewares to `client` (one per command, one per HTTP attempt). */
  attach(client: DynamoDBClient): void {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as Record<string, unknown>;
        // Every data-plane command the store sends accepts it; it only adds a field to the answer.
        if (context.commandName !== undefined && !/Table|TimeToLive/.test(context.commandName)) input['ReturnConsumedCapacity'] = 'INDEXES';
        const entry = this.#entry(context.commandName);
        entry.calls++;
        const result = await next(args);
        const consumed = (result.output as { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] }).ConsumedCapacity;
        for (const c of [consumed ?? []].flat()) {
          if (c.CapacityUnits !== undefined) entry.capacity = (entry.capacity ?? 0) + c.CapacityUnits;
          for (const index of Object.values(c.GlobalSecondaryIndexes ?? {})) {
            if (index.CapacityUnits !== undefined) entry.indexCapacity = (entry.indexCapacity ?? 0) + index.CapacityUnits;
          }
        }
        return result;
      },
      { step: 'initialize', name: 'fledgeBenchCommandCounter' },
    );
    client.middlewareStack.add(
      (next, context) => async (args) => {
        this.#entry(context.commandName).attempts++;
        return next(args);
      },
      // after the retry middleware, so each attempt passes here
      { step: 'finalizeRequest', priority: 'low', name: 'fledgeBenchAttemptCounter' },
    );
  }

  /** The counts since the last take, and starts afresh. */
  take(): Record<string, CommandCount> {
    const out: Record<string, CommandCount> = {};
    for (const [name, c] of [...this.#counts.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      out[name] = { calls: c.calls, attempts: c.attempts, capacityUnits: c.capacity, indexCapacityUnits: c.indexCapacity };
    }
    this.#counts = new Map();
    return out;
  }

  #entry(commandName: string | undefined): Counting {
    const name = (commandName ?? 'unknown').replace(/Command$/, '');
    let entry = this.#counts.get(name);
    if (entry === undefined) this.#counts.set(name, (entry = { calls: 0, attempts: 0, capacity: null, indexCapacity: null }));
    return entry;
  }
}

/** Sums per-command counts. */
export function addCounts(a: Readonly<Record<string, CommandCount>>, b: Readonly<Record<string, CommandCount>>): Record<string, CommandCount> {
  const out: Record<string, CommandCount> = { ...a };
  for (const [name, c] of Object.entries(b)) {
    const prev = out[name];
    out[name] =
      prev === undefined
        ? c
        : {
            calls: prev.calls + c.calls,
            attempts: prev.attempts + c.attempts,
            capacityUnits: addNullable(prev.capacityUnits, c.capacityUnits),
            indexCapacityUnits: addNullable(prev.indexCapacityUnits, c.indexCapacityUnits),
          };
  }
  return out;
}

function addNullable(a: number | null, b: number | null): number | null {
  return a === null && b === null ? null : (a ?? 0) + (b ?? 0);
}

/** Plays the scenario on DynamoDB Local and times load + commit rounds; deletes nothing (the table is fresh). */
export async function measureDynamoDb(options: DynamoOptions): Promise<DynamoReport> {
  const config = { endpoint: options.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
  const tableName = options.tableName ?? `fledge-bench-${Date.now()}`;
  const client = new DynamoDBClient(config);
  const raw = new DynamoDBClient(config);
  try {
    await createTable(raw, tableName);
    const counter = new CommandCounter();
    counter.attach(client);
    const store = new DynamoDbCanaryStore({ tableName, client });

    const ticks: DynamoTick[] = [];
    let id: CanaryId | undefined;
    await playScenario(loadScenario(PODINFO_GOOD_RELEASE), {
      store,
      beforeController: async () => void counter.take(),
      afterController: async ({ sim }, sample) => {
        const commands = counter.take();
        id = sim.id;
        const { state } = await rawItems(raw, tableName, sim.id);
        ticks.push({
          tick: sample.tick,
          phase: sample.phaseAfter,
          committed: sample.result.kind === 'advanced',
          commands,
          calls: Object.values(commands).reduce((n, c) => n + c.calls, 0),
          stateItemBytes: state === undefined ? 0 : itemSize(state),
          withTemplate: state !== undefined && ('template' in state || 'promotingTemplate' in state),
        });
      },
    });
    if (id === undefined) throw new Error('the DynamoDB bench played no tick');

    const { history } = await rawItems(raw, tableName, id);
    const committedTicks = ticks.filter((t) => t.committed).length;
    const commands = ticks.reduce<Record<string, CommandCount>>((sum, t) => addCounts(sum, t.commands), {});
    const largestState = ticks.reduce((best, t) => (t.stateItemBytes > best.stateItemBytes ? t : best));
    const historyBytes = history.map(itemSize);
    const largestHistoryBytes = Math.max(0, ...historyBytes);
    const latency = await timeCommits(store, id, { commits: options.commits ?? 200, maxMillis: options.maxMillis ?? 20_000 });
    return {
      ticks,
      committedTicks,
      callsPerCommittedStep: committedTicks === 0 ? 0 : ticks.filter((t) => t.committed).reduce((n, t) => n + t.calls, 0) / committedTicks,
      commands,
      capacityReported: Object.values(commands).some((c) => c.capacityUnits !== null),
      items: {
        largestStateBytes: largestState.stateItemBytes,
        largestStateWithTemplate: largestState.withTemplate,
        largestHistoryBytes,
        meanHistoryBytes: historyBytes.length === 0 ? 0 : historyBytes.reduce((a, b) => a + b, 0) / historyBytes.length,
        historyItems: history.length,
        limitBytes: MAX_ITEM_BYTES,
        largestShareOfLimit: Math.max(largestState.stateItemBytes, largestHistoryBytes) / MAX_ITEM_BYTES,
      },
      latency,
    };
  } finally {
    client.destroy();
    raw.destroy();
  }
}

/**
 * Times `commits` rounds of load + commit of the canary's final state (pod template included) under a
 * canary of its own, each with the run's largest history item re-stamped one interval later.
 */
async function timeCommits(store: DynamoDbCanaryStore, from: CanaryId, limits: { commits: number; maxMillis: number }) {
  const loaded = await store.load(from);
  const page = await store.history(from, { limit: 1000 });
  const sample = page.items.reduce<HistoryItem | undefined>((best, h) => (best === undefined || JSON.stringify(h).length > JSON.stringify(best).length ? h : best), undefined);
  if (loaded === undefined || sample === undefined) throw new Error(`canary ${canaryKey(from)} has no state or history to time commits with`);
  const id: CanaryId = { ...from, name: `${from.name}-latency` };
  const start = Date.parse(sample.time);
  const historyAt = (i: number): HistoryItem => {
    const time = new Date(start + i * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    return { ...sample, time, expiresAt: Math.floor(Date.parse(time) / 1000) + 90 * 86_400 };
  };
  const first = await store.commit(id, 0, loaded.state, historyAt(0));
  if (first.kind !== 'committed') throw new Error(`the first commit of ${canaryKey(id)} met a conflict`);
  const loads: number[] = [];
  const commits: number[] = [];
  const deadline = performance.now() + limits.maxMillis;
  for (let i = 1; i <= limits.commits && performance.now() < deadline; i++) {
    const t0 = performance.now();
    const current = await store.load(id);
    const t1 = performance.now();
    if (current === undefined) throw new Error(`canary ${canaryKey(id)} lost its state`);
    const result = await store.commit(id, current.version, { ...loaded.state, version: current.version + 1 }, historyAt(i));
    const t2 = performance.now();
    if (result.kind !== 'committed') throw new Error(`commit ${i} of ${canaryKey(id)} met a conflict with no other writer`);
    loads.push(t1 - t0);
    commits.push(t2 - t1);
  }
  return { load: latencyOf(loads), commit: latencyOf(commits), rounds: commits.length };
}

function latencyOf(samples: readonly number[]): Latency {
  return { n: samples.length, p50: percentile(samples, 50), p95: percentile(samples, 95), max: Math.max(0, ...samples) };
}

type PlainItem = Record<string, string | number>;

function plain(item: Record<string, AttributeValue>): PlainItem {
  const out: PlainItem = {};
  for (const [name, value] of Object.entries(item)) {
    if (value.S !== undefined) out[name] = value.S;
    else if (value.N !== undefined) out[name] = Number(value.N);
    else throw new Error(`bench: attribute ${name} is neither S nor N; itemSize cannot measure it`);
  }
  return out;
}

/**
 * The canary's raw items, found without assuming the store's key formats: a Scan of the (small, fresh) table,
 * the state item being the one with a `state` attribute and the canary's name, its history the items of the
 * same partition that carry an `item` attribute.
 */
async function rawItems(client: DynamoDBClient, table: string, id: CanaryId): Promise<{ state: PlainItem | undefined; history: PlainItem[] }> {
  const all: PlainItem[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const out = await client.send(new ScanCommand({ TableName: table, ConsistentRead: true, ...(start === undefined ? {} : { ExclusiveStartKey: start }) }));
    for (const item of out.Items ?? []) all.push(plain(item));
    start = out.LastEvaluatedKey;
  } while (start !== undefined);
  const state = all.find((i) => 'state' in i && i['cluster'] === id.cluster && i['namespace'] === id.namespace && i['name'] === id.name);
  const pk = state?.[Keys.partition];
  return { state, history: pk === undefined ? [] : all.filter((i) => i[Keys.partition] === pk && 'item' in i) };
}
