/**
 * The Lambda bundles: each handler bundled as the CDK construct bundles it (esbuild, minified ESM, Node
 * platform), its size against the 1.2 MB target, and its init time in fresh Node processes against a
 * baseline bundle that imports only the AWS SDK clients that Lambda uses (target ≤ 1.3×), measured in the
 * same run, rounds interleaved.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { HANDLER_ESBUILD } from '../../infra/bundling.ts';
import { REPO_ROOT } from './podinfo.ts';
import { median } from './stats.ts';

export const BUNDLE_TARGET_BYTES = 1.2 * 1024 * 1024;
export const INIT_RATIO_TARGET = 1.3;

interface LambdaEntry {
  readonly name: string;
  readonly entry: string;
  /** The SDK clients the Lambda uses: the baseline imports exactly these. */
  readonly clients: readonly string[];
}

export const LAMBDAS: readonly LambdaEntry[] = [
  { name: 'advance', entry: 'lambdas/advance/index.ts', clients: ['@aws-sdk/client-dynamodb', '@aws-sdk/client-scheduler', '@aws-sdk/client-sts', '@aws-sdk/client-eks'] },
  { name: 'watcher', entry: 'lambdas/watcher/index.ts', clients: ['@aws-sdk/client-dynamodb', '@aws-sdk/client-scheduler', '@aws-sdk/client-lambda', '@aws-sdk/client-sts', '@aws-sdk/client-eks'] },
];

/** One Lambda's figures. */
export interface LambdaRow {
  readonly name: string;
  readonly bytes: number;
  readonly baselineBytes: number;
  /** The three largest inputs by bytes in the bundle. */
  readonly largest: ReadonlyArray<{ readonly input: string; readonly bytes: number }>;
  /** Every package (or top folder of ours) with bytes in the bundle. */
  readonly packages: readonly string[];
  readonly initMs: number;
  readonly baselineInitMs: number;
  readonly initRatio: number;
}

export interface LambdasReport {
  readonly rounds: number;
  readonly rows: readonly LambdaRow[];
  readonly bundleTargetBytes: number;
  readonly initRatioTarget: number;
}

/** The environment the construct sets, so the handlers' module scope (config, ports) runs as in Lambda. */
const LAMBDA_ENV: Record<string, string> = {
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'AKIDBENCH',
  AWS_SECRET_ACCESS_KEY: 'bench',
  TABLE_NAME: 'fledge',
  SCHEDULE_GROUP: 'fledge',
  SCHEDULER_ROLE_ARN: 'arn:aws:iam::111111111111:role/fledge-scheduler',
  ADVANCE_FUNCTION_ARN: 'arn:aws:lambda:eu-west-1:111111111111:function:fledge-advance',
  DLQ_ARN: 'arn:aws:sqs:eu-west-1:111111111111:fledge-dlq',
  TOPIC_ARN: 'arn:aws:sns:eu-west-1:111111111111:fledge',
  CLUSTERS: '[{"name":"prod-eu","region":"eu-west-1"}]',
  POWERTOOLS_SERVICE_NAME: 'fledge',
};

async function bundle(entry: string, outfile: string): Promise<Metafile> {
  const result = await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    // Exactly the options the CDK construct ships (infra/bundling.ts), so the bench measures what `cdk synth` builds.
    minify: HANDLER_ESBUILD.minify,
    format: HANDLER_ESBUILD.format,
    platform: HANDLER_ESBUILD.platform,
    target: HANDLER_ESBUILD.target,
    mainFields: [...HANDLER_ESBUILD.mainFields],
    external: [...HANDLER_ESBUILD.external],
    metafile: true,
    logLevel: 'silent',
    banner: { js: HANDLER_ESBUILD.banner },
  });
  return result.metafile;
}

/** Time to import `file` in a fresh Node process, measured inside it. */
function importTime(file: string): Promise<number> {
  const script = `const t = performance.now(); await import(${JSON.stringify(`file://${file}`)}); process.stdout.write(String(performance.now() - t));`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, ...LAMBDA_ENV }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.once('exit', (code) => (code === 0 ? resolve(Number(out)) : reject(new Error(`import ${file} failed (${code}): ${err.slice(-1000)}`))));
  });
}

/** Bundles each Lambda and its baseline, then times their imports `rounds` times in fresh processes. */
export async function measureLambdas(options: { rounds: number }): Promise<LambdasReport> {
  const dir = mkdtempSync(join(tmpdir(), 'fledge-bundles-'));
  try {
    const rows: LambdaRow[] = [];
    for (const lambda of LAMBDAS) {
      const out = join(dir, `${lambda.name}.mjs`);
      const meta = await bundle(join(REPO_ROOT, lambda.entry), out);
      const baselineEntry = join(REPO_ROOT, `.bench-baseline-${lambda.name}-${process.pid}.ts`);
      writeFileSync(baselineEntry, `${lambda.clients.map((c, i) => `import * as c${i} from '${c}';`).join('\n')}\nexport const handler = () => [${lambda.clients.map((_, i) => `c${i}`).join(', ')}];\n`);
      const baselineOut = join(dir, `${lambda.name}-baseline.mjs`);
      try {
        await bundle(baselineEntry, baselineOut);
      } finally {
        rmSync(baselineEntry, { force: true });
      }
      const ours: number[] = [];
      const base: number[] = [];
      for (let round = 0; round < options.rounds; round++) {
        base.push(await importTime(baselineOut));
        ours.push(await importTime(out));
      }
      const inputs = Object.entries(meta.outputs[Object.keys(meta.outputs)[0] ?? '']?.inputs ?? {})
        .map(([input, info]) => ({ input: packageOf(input), bytes: info.bytesInOutput }))
        .reduce((acc, { input, bytes }) => acc.set(input, (acc.get(input) ?? 0) + bytes), new Map<string, number>());
      const largest = [...inputs.entries()].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([input, bytes]) => ({ input, bytes }));
      const initMs = median(ours);
      const baselineInitMs = median(base);
      rows.push({ name: lambda.name, packages: [...inputs.keys()].sort(), bytes: statSync(out).size, baselineBytes: statSync(baselineOut).size, largest, initMs, baselineInitMs, initRatio: initMs / baselineInitMs });
    }
    return { rounds: options.rounds, rows, bundleTargetBytes: BUNDLE_TARGET_BYTES, initRatioTarget: INIT_RATIO_TARGET };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `node_modules/@aws-sdk/client-eks/dist-es/…` → `@aws-sdk/client-eks`; our files by top folder. */
function packageOf(input: string): string {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
  if (match) return match[1] ?? input;
  return input.split('/').slice(0, 2).join('/');
}

/** The table lines of the report. */
export function renderLambdas(report: LambdasReport): string {
  const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MB`;
  const lines = [`Lambda bundles (esbuild, minified ESM; init = import in a fresh process, median of ${report.rounds})`];
  for (const row of report.rows) {
    lines.push(
      `  ${row.name.padEnd(8)} bundle ${mb(row.bytes)} (target ≤ ${mb(report.bundleTargetBytes)}, ${row.bytes <= report.bundleTargetBytes ? 'met' : 'MISSED'}); SDK-clients-only baseline ${mb(row.baselineBytes)}`,
      `           init ${row.initMs.toFixed(0)} ms vs baseline ${row.baselineInitMs.toFixed(0)} ms = ${row.initRatio.toFixed(2)}× (target ≤ ${report.initRatioTarget}×, ${row.initRatio <= report.initRatioTarget ? 'met' : 'MISSED'})`,
      `           largest inputs: ${row.largest.map((l) => `${l.input} ${(l.bytes / 1024).toFixed(0)} KB`).join(', ')}`,
    );
  }
  return lines.join('\n');
}
