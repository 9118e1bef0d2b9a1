/**
 * `npm run bench`: the four benchmarks of DESIGN §5 item 5 and the long-simulation peak memory in one run, with every figure reported next to
 * the one it is a ratio of. Loopback only; every loop is bounded in count and time.
 *
 *   npm run bench                 the tables
 *   npm run -s bench -- --json    the whole report as one JSON document on stdout (nothing is written to disk)
 *   npm run bench -- --quick      small counts, for a smoke run
 *
 * DynamoDB Local is started for the run (test/setup/dynamodb-local.ts) and stopped at the end.
 */
import { parseArgs } from 'node:util';
import { startDynamoDbLocal } from '../setup/dynamodb-local.ts';
import { measureColdStart } from './cold-start.ts';
import { measureDynamoDb } from './dynamodb.ts';
import { measureEngine } from './engine.ts';
import { measureKubeRequests } from './kube-requests.ts';
import { LONG_SIMULATION_TICKS, measureLongSimulation } from './long-simulation.ts';
import { measureLambdas, renderLambdas } from './lambdas.ts';
import { measureWatcher, renderWatcher } from './watcher.ts';
import { measureLocalJitter, renderJitter } from './local-jitter.ts';
import { measureRoundTrips, renderRoundTrips } from './round-trips.ts';
import { ratiosOf, renderReport, type BenchReport } from './report.ts';

/** Counts of one run: the defaults, and `--quick`'s. */
export const RUN_SIZES = {
  full: { commits: 200, engineIterations: 20_000, roundTrips: 200, coldStartRounds: 7, lambdaInitRounds: 21, longSimulationTicks: LONG_SIMULATION_TICKS },
  quick: { commits: 20, engineIterations: 2_000, roundTrips: 20, coldStartRounds: 1, lambdaInitRounds: 5, longSimulationTicks: 200 },
} as const;

/** Runs every benchmark once; `progress` hears which one starts. */
export async function runBench(size: (typeof RUN_SIZES)[keyof typeof RUN_SIZES], progress: (message: string) => void): Promise<BenchReport> {
  const startedAt = new Date();
  const t0 = performance.now();
  progress('1/5 Kubernetes requests per step (podinfo good release against the emulator)');
  const kube = await measureKubeRequests();
  progress('2/5 DynamoDB calls per step (starting DynamoDB Local)');
  const local = await startDynamoDbLocal();
  let dynamodb: BenchReport['dynamodb'];
  try {
    dynamodb = await measureDynamoDb({ endpoint: local.endpoint, commits: size.commits });
  } finally {
    await local.stop();
  }
  progress('3/5 engine step cost');
  const engine = await measureEngine({ iterations: size.engineIterations, roundTrips: size.roundTrips });
  progress('4/5 cold-start proxy (fresh Node processes)');
  const coldStart = await measureColdStart({ rounds: size.coldStartRounds });
  progress(`5/5 peak memory of a long simulation (${size.longSimulationTicks} ticks at a closed gate, fresh Node process)`);
  const memory = await measureLongSimulation({ ticks: size.longSimulationTicks });
  const parts = { kube, dynamodb, engine, coldStart };
  return { startedAt: startedAt.toISOString(), node: process.version, durationMs: performance.now() - t0, ...parts, memory, ratios: ratiosOf(parts) };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { json: { type: 'boolean', default: false }, quick: { type: 'boolean', default: false } } });
  const size = values.quick ? RUN_SIZES.quick : RUN_SIZES.full;
  const report = await runBench(size, (message) => process.stderr.write(`bench: ${message}\n`));
  process.stderr.write('bench: Lambda bundles (esbuild) and their init in fresh processes\n');
  const lambdas = await measureLambdas({ rounds: size.lambdaInitRounds });
  process.stderr.write('bench: watcher pass over 10,000 canaries across 3 emulated clusters\n');
  const watcher = await measureWatcher({ canaries: values.quick ? 300 : 10_000, clusters: 3 });
  process.stderr.write('bench: sequential round trips per step with injected latency\n');
  const roundTrips = await measureRoundTrips();
  process.stderr.write('bench: fledge local step jitter with a 10 s interval (real time, about a minute)\n');
  const jitter = await measureLocalJitter({ steps: values.quick ? 2 : 6 });
  process.stdout.write(
    values.json
      ? `${JSON.stringify({ ...report, lambdas, watcher, roundTrips, localJitter: jitter }, null, 2)}\n`
      : `${renderReport(report)}\n\n${renderLambdas(lambdas)}\n\n${renderWatcher(watcher)}\n\n${renderRoundTrips(roundTrips)}\n\n${renderJitter(jitter)}\n`,
  );
}

if (import.meta.main) {
  main().catch((error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  });
}
