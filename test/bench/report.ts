/**
 * The bench's report: the figures of the four benchmarks of one run, the headline ratios drawn from them, and
 * the human rendering (plain-text tables) `npm run bench` prints. `--json` prints {@link BenchReport} instead.
 */
import type { ColdStartReport } from './cold-start.ts';
import type { DynamoReport } from './dynamodb.ts';
import type { EngineReport } from './engine.ts';
import { KUBE_VERBS, type KubeRequestsReport, type StageSummary } from './kube-requests.ts';
import type { LongSimulationReport } from './long-simulation.ts';

/** Everything one run measured. */
export interface BenchReport {
  readonly startedAt: string;
  readonly node: string;
  readonly durationMs: number;
  readonly kube: KubeRequestsReport;
  readonly dynamodb: DynamoReport;
  readonly engine: EngineReport;
  readonly coldStart: ColdStartReport;
  /** Peak memory of a long simulation, beside its target. */
  readonly memory?: LongSimulationReport;
  readonly ratios: Ratios;
}

/** The headline figures, each a ratio of two quantities measured in the same run. */
export interface Ratios {
  /** Kubernetes requests of a progressing step / non-Event objects it changed. */
  readonly kubeRequestsPerObjectChanged: number | null;
  /** Reads / writes of a progressing step. */
  readonly kubeReadsPerWrite: number | null;
  /** GETs of an already-read object / all reads, over progressing steps. */
  readonly kubeRepeatReadShare: number | null;
  /** SDK calls per committed step (load + commit). */
  readonly dynamoCallsPerCommittedStep: number;
  /** The largest item of the run / DynamoDB's 400 KB limit. */
  readonly largestItemShareOfLimit: number;
  /** Commit latency p95 / p50. */
  readonly commitP95ToP50: number | null;
  /** Engine time of a tick / one emulator round trip. */
  readonly engineToRoundTrip: number;
  /** Engine time of a tick / the tick's wall time. */
  readonly engineShareOfTick: number;
  /** Import time of shared/controller / of the AWS SDK's DynamoDB client (fastest of the rounds each). */
  readonly controllerImportToSdk: number | null;
  /** Import time of shared/controller + shared/store / of the AWS SDK's DynamoDB client. */
  readonly controllerAndStoreImportToSdk: number | null;
}

/** Draws the headline ratios from the four reports. */
export function ratiosOf(parts: Pick<BenchReport, 'kube' | 'dynamodb' | 'engine' | 'coldStart'>): Ratios {
  const progressing = parts.kube.stages.find((s) => s.stage === 'progressing');
  const row = (name: string) => parts.coldStart.rows.find((r) => r.name === name)?.importRatio ?? null;
  const { commit } = parts.dynamodb.latency;
  return {
    kubeRequestsPerObjectChanged: progressing?.requestsPerObjectChanged ?? null,
    kubeReadsPerWrite: progressing?.readsPerWrite ?? null,
    kubeRepeatReadShare: progressing === undefined || progressing.reads === 0 ? null : progressing.repeatReads / progressing.reads,
    dynamoCallsPerCommittedStep: parts.dynamodb.callsPerCommittedStep,
    largestItemShareOfLimit: parts.dynamodb.items.largestShareOfLimit,
    commitP95ToP50: commit.p50 === 0 ? null : commit.p95 / commit.p50,
    engineToRoundTrip: parts.engine.engineToRoundTrip,
    engineShareOfTick: parts.engine.engineShareOfTick,
    controllerImportToSdk: row('shared/controller'),
    controllerAndStoreImportToSdk: row('shared/controller + shared/store'),
  };
}

/** Cells that read as a number (`12`, `3.50`, `0.9%`, `2.1 KiB`, `—`), right-aligned like numbers. */
const NUMERIC = /^(—|-?\d+(\.\d+)?( ?(%|B|KiB|MiB))?)$/;

/** Renders rows as a plain-text table: numbers right-aligned, text left-aligned. */
export function table(headers: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cells = [headers, ...rows].map((r) => r.map((c) => (typeof c === 'number' ? fmt(c) : c)));
  const numeric = headers.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number' || NUMERIC.test(String(r[i]))));
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]) => r.map((c, i) => (numeric[i] ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  return [line(cells[0] ?? []), line(widths.map((w) => '-'.repeat(w))), ...cells.slice(1).map(line)].join('\n');
}

/** A number for a table: integers as they are, others with `digits` decimals; `—` for null. */
export function fmt(n: number | null, digits = 2): string {
  if (n === null || !Number.isFinite(n)) return '—';
  return Number.isInteger(n) ? String(n) : n.toFixed(digits);
}

function bytes(n: number): string {
  return n < 1024 ? `${n} B` : n < 2 ** 20 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 2 ** 20).toFixed(1)} MiB`;
}

function pct(share: number): string {
  return `${(share * 100).toFixed(share < 0.01 ? 2 : 1)}%`;
}

function stageRow(s: StageSummary): (string | number)[] {
  return [s.stage, s.ticks, s.requestsPerStep, s.maxRequests, fmt(s.reads / s.ticks, 1), fmt(s.writes / s.ticks, 1), fmt(s.objectsChanged / s.ticks, 1), fmt(s.requestsPerObjectChanged), fmt(s.readsPerWrite), s.repeatReads];
}

/** The human report of one run. */
export function renderReport(r: BenchReport): string {
  const { kube, dynamodb: ddb, engine, coldStart } = r;
  const out: string[] = [];
  out.push(`Fledge bench — one run on Node ${r.node}, ${r.startedAt}, ${(r.durationMs / 1000).toFixed(1)} s`);
  out.push(`Scenario: ${kube.scenario}: ${kube.totals.ticks} controller ticks, ends ${kube.finalPhase}`);

  out.push('', '1. Kubernetes requests per controller tick (emulator request log, bracketing the controller only)');
  out.push(
    table(
      ['tick', 'stage', 'phase', 'decision', ...KUBE_VERBS, 'total', 'errors', 'repeat gets', 'objects changed', 'events', 'changed'],
      kube.ticks.map((t) => [t.tick, t.stage, t.phase, t.decision, ...KUBE_VERBS.map((v) => t.verbs[v]), t.total, t.errors, t.repeatReads, t.objectsChanged, t.events, t.changedResources.join(',')]),
    ),
  );
  out.push('');
  out.push(table(['stage', 'ticks', 'req/step', 'max', 'reads/step', 'writes/step', 'objects/step', 'req/object', 'reads/write', 'repeat gets'], kube.stages.map(stageRow)));
  out.push(`(create = POST, update = PUT; errors are mostly the 404s of existence checks; events are Kubernetes Events, not counted as objects)`);

  out.push('', `2. DynamoDB per controller tick (DynamoDbCanaryStore on DynamoDB Local, SDK middleware counts)`);
  const cmd = Object.entries(ddb.commands);
  const committed = Math.max(1, ddb.committedTicks);
  out.push(
    table(
      ['command', 'calls/step', 'attempts/step', 'capacity units/step', 'of which index'],
      cmd.map(([name, c]) => [name, c.calls / committed, c.attempts / committed, fmt(c.capacityUnits === null ? null : c.capacityUnits / committed), fmt(c.indexCapacityUnits === null ? null : c.indexCapacityUnits / committed)]),
    ),
  );
  out.push(`calls per committed step: ${fmt(ddb.callsPerCommittedStep)} over ${ddb.committedTicks} committed ticks${ddb.capacityReported ? '' : ' (DynamoDB Local reported no consumed capacity)'}`);
  out.push('(capacity units are DynamoDB Local\'s own accounting of ReturnConsumedCapacity, shown as reported, not a bill)');
  out.push('');
  out.push(
    table(
      ['item', 'bytes', 'share of 400 KB'],
      [
        [`largest state item${ddb.items.largestStateWithTemplate ? ' (with pod template)' : ''}`, bytes(ddb.items.largestStateBytes), pct(ddb.items.largestStateBytes / ddb.items.limitBytes)],
        [`largest history item (of ${ddb.items.historyItems})`, bytes(ddb.items.largestHistoryBytes), pct(ddb.items.largestHistoryBytes / ddb.items.limitBytes)],
        ['mean history item', bytes(Math.round(ddb.items.meanHistoryBytes)), pct(ddb.items.meanHistoryBytes / ddb.items.limitBytes)],
      ],
    ),
  );
  out.push('');
  const { load, commit, rounds } = ddb.latency;
  out.push(table(['call (loopback)', 'n', 'p50 ms', 'p95 ms', 'max ms'], [['load (GetItem)', load.n, load.p50, load.p95, load.max], ['commit (TransactWriteItems)', commit.n, commit.p50, commit.p95, commit.max]]));
  out.push(`(${rounds} load + commit rounds of the final state, pod template included)`);

  out.push('', '3. Engine step cost (pure step on the captured input of a real Progressing analysis tick)');
  out.push(
    table(
      ['figure', 'value'],
      [
        ['captured', `tick ${engine.input.tick}, ${engine.input.phase} at ${engine.input.canaryWeight}% → ${engine.input.decision}`],
        ['step calls per tick (rounds of needs + decision)', engine.stepCallsPerTick],
        ['steps per second', Math.round(engine.stepsPerSecond)],
        ['one step, µs', engine.stepMicros],
        ['one emulator round trip (GET Canary, median), µs', engine.roundTripMicros],
        ['engine time of a tick / one round trip', fmt(engine.engineToRoundTrip, 3)],
        ['progressing tick wall time (median), ms', engine.progressingTickMillis],
        ['engine share of the tick', pct(engine.engineShareOfTick)],
      ],
    ),
  );

  out.push('', `4. Cold-start proxy (fresh Node process per import, ${coldStart.rounds} rounds, median and fastest; our code as unbundled .ts)`);
  out.push(
    table(
      ['import', 'import ms', 'fastest ms', 'start→ready ms', '× SDK (fastest)', 'heap MiB', 'modules', 'packages', 'source'],
      coldStart.rows.map((row) => [row.name, row.importMs, row.importMinMs, row.startToReadyMs, fmt(row.importRatio), row.heapMiB, fmt(row.modules), fmt(row.packages), row.sourceBytes === null ? '—' : bytes(row.sourceBytes)]),
    ),
  );
  out.push(coldStart.bundle);

  if (r.memory !== undefined) {
    const m = r.memory;
    out.push('', `5. Peak memory of a long simulation (fledge simulate ${m.scenario}, fresh Node process)`);
    out.push(
      table(
        ['ticks', 'peak RSS MiB', 'target MiB', 'within target', 'wall s', 'exit code'],
        [[m.ticks, m.peakRssMiB, m.targetMiB, m.peakRssMiB <= m.targetMiB ? 'yes' : 'NO', m.wallSeconds, m.exitCode]],
      ),
    );
  }

  const x = r.ratios;
  out.push('', 'Headline ratios (all from this run)');
  out.push(
    table(
      ['ratio', 'value'],
      [
        ['k8s requests per object changed, progressing step', fmt(x.kubeRequestsPerObjectChanged)],
        ['k8s reads per write, progressing step', fmt(x.kubeReadsPerWrite)],
        ['k8s repeat GETs / reads, progressing steps', x.kubeRepeatReadShare === null ? '—' : pct(x.kubeRepeatReadShare)],
        ['DynamoDB calls per committed step', fmt(x.dynamoCallsPerCommittedStep)],
        ['largest DynamoDB item / 400 KB', pct(x.largestItemShareOfLimit)],
        ['commit latency p95 / p50', fmt(x.commitP95ToP50)],
        ['engine time per tick / emulator round trip', fmt(x.engineToRoundTrip, 3)],
        ['engine share of a progressing tick', pct(x.engineShareOfTick)],
        ['controller import / AWS SDK DynamoDB import', fmt(x.controllerImportToSdk)],
        ['controller + store import / AWS SDK DynamoDB import', fmt(x.controllerAndStoreImportToSdk)],
      ],
    ),
  );
  return out.join('\n');
}
