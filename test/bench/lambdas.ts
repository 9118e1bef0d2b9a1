/**
 * The Lambda bundles: each handler bundled exactly as the CDK construct bundles it (`infra/bundle.ts`: esbuild,
 * minified ESM, Node platform), its size against the 1.2 MB target, and its init time in fresh Node processes
 * against a baseline handler that imports only the AWS SDK clients that Lambda uses (target ≤ 1.3×).
 *
 * The baseline is derived from the handler's own bundle, so it cannot drift from the code: every named import
 * from an `@aws-sdk/client-*` package in the source files the bundle keeps (clients and the commands they send,
 * whether built at init or on first use), less those whose module esbuild dropped from the bundle (a command of
 * a function the handler never reaches), becomes one import of the baseline entry, bundled with the same options.
 *
 * Init is the time of `import()` of the bundle in a fresh process (module evaluation included). Each round runs
 * the baseline and the handler back to back, in alternating order. The figure held against the target is the
 * CPU time (user + system) of the import, median against median: this 2-core machine is shared, and other work
 * stretches wall time by whatever it takes, while CPU time stays put (on an idle machine the two agree: measured
 * 1.27x wall vs 1.28x CPU, and 75.6 vs 75.0 ms for the baseline). The wall-time figures, medians and the median
 * of the paired ratios, are printed beside it.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { handlerBuildOptions } from '../../infra/bundle.ts';
import { HANDLER_ENTRIES, PROJECT_ROOT, type HandlerName } from '../../infra/bundling.ts';
import { median } from './stats.ts';

export const BUNDLE_TARGET_BYTES = 1.2 * 1024 * 1024;
export const INIT_RATIO_TARGET = 1.3;

/** The SDK imports of a handler: package → the names imported (`*` for a namespace or dynamic import). */
export type SdkImports = ReadonlyMap<string, readonly string[]>;

/** One Lambda's figures. */
export interface LambdaRow {
  readonly name: HandlerName;
  readonly bytes: number;
  readonly baselineBytes: number;
  /** What the baseline imports: the handler's own SDK imports. */
  readonly baselineImports: Readonly<Record<string, readonly string[]>>;
  /** The three largest inputs by bytes in the bundle. */
  readonly largest: ReadonlyArray<{ readonly input: string; readonly bytes: number }>;
  /** Every package (or top folder of ours) with bytes in the bundle. */
  readonly packages: readonly string[];
  /** The bytes of each of {@link packages} in the bundle. */
  readonly packageBytes: Readonly<Record<string, number>>;
  /** Fresh processes measured per bundle. */
  readonly samples: number;
  /** Median CPU time (user + system) of the handler's import, ms. */
  readonly initCpuMs: number;
  readonly baselineCpuMs: number;
  /** `initCpuMs / baselineCpuMs`: the figure held against the target. */
  readonly initRatio: number;
  /** Median wall time of the handler's import, ms. */
  readonly initMs: number;
  readonly baselineInitMs: number;
  /** Median of the per-round wall-time ratios handler / baseline. */
  readonly wallRatio: number;
}

export interface LambdasReport {
  readonly rounds: number;
  readonly rows: readonly LambdaRow[];
  readonly bundleTargetBytes: number;
  readonly initRatioTarget: number;
}

/** Options of {@link measureLambdas}. */
export interface LambdasOptions {
  /** Paired rounds (one fresh process each for the baseline and the handler). */
  readonly rounds: number;
  /**
   * Rounds added, once, for a Lambda whose ratio misses the target, judged then on all its rounds: a burst of
   * the machine's other work does not fail the figure, a real regression still does. @default rounds
   */
  readonly confirmRounds?: number;
  /** The Lambdas to measure. @default both */
  readonly handlers?: readonly HandlerName[];
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

interface Bundle {
  readonly file: string;
  readonly metafile: Metafile;
}

/** Bundles `entry` (relative to the project root) with the construct's options into `outdir`. */
async function bundle(handler: HandlerName, entry: string, outdir: string): Promise<Bundle> {
  const options = handlerBuildOptions(handler, outdir);
  const result = await build({ ...options, entryPoints: [entry], metafile: true, sourcemap: false, logLevel: 'silent' });
  return { file: options.outfile as string, metafile: result.metafile };
}

/** Our source files the bundle keeps code of (paths relative to the project root). */
function keptSources(metafile: Metafile): string[] {
  const output = Object.values(metafile.outputs)[0];
  return Object.entries(output?.inputs ?? {})
    .filter(([input, info]) => info.bytesInOutput > 0 && !input.includes('node_modules/') && /\.[cm]?[jt]s$/.test(input))
    .map(([input]) => input);
}

const STATIC_IMPORT = /import\s+(type\s+)?([^'";]*?)\s+from\s+['"](@aws-sdk\/client-[a-z0-9-]+)['"]/g;
const DYNAMIC_IMPORT = /import\(\s*['"](@aws-sdk\/client-[a-z0-9-]+)['"]\s*\)/g;

/** The value imports from `@aws-sdk/client-*` packages in `source` (type-only imports left out). */
export function sdkImportsOf(source: string, into = new Map<string, Set<string>>()): Map<string, Set<string>> {
  const add = (pkg: string, name: string) => into.set(pkg, (into.get(pkg) ?? new Set()).add(name));
  for (const [, typeOnly, clause = '', pkg = ''] of source.matchAll(STATIC_IMPORT)) {
    if (typeOnly) continue;
    const named = /\{([^}]*)\}/.exec(clause);
    if (!named) {
      add(pkg, '*'); // a default or namespace import keeps the whole package
      continue;
    }
    for (const part of (named[1] ?? '').split(',')) {
      const spec = part.trim();
      if (spec === '' || spec.startsWith('type ')) continue;
      add(pkg, spec.split(/\s+as\s+/)[0] ?? spec);
    }
  }
  for (const [, pkg = ''] of source.matchAll(DYNAMIC_IMPORT)) add(pkg, '*');
  return into;
}

/**
 * `imports` less the names whose defining module the bundle dropped: `XCommand` (`commands/XCommand.js`),
 * `paginateX` (`pagination/XPaginator.js`), `waitUntilX` (`waiters/waitForX.js`), `XClient` and any other
 * name with a module of its own. A name without a module of its own is kept.
 */
export function keptSdkImports(imports: SdkImports, metafile: Metafile): SdkImports {
  const output = Object.values(metafile.outputs)[0]?.inputs ?? {};
  const moduleOf = (pkg: string, name: string): string | undefined => {
    const file = name.startsWith('paginate') ? `${name.slice('paginate'.length)}Paginator` : name.startsWith('waitUntil') ? `waitFor${name.slice('waitUntil'.length)}` : name;
    return Object.keys(metafile.inputs).find((input) => input.includes(`node_modules/${pkg}/`) && input.endsWith(`/${file}.js`));
  };
  const kept = new Map<string, readonly string[]>();
  for (const [pkg, names] of imports) {
    const used = names.filter((name) => {
      if (name === '*') return true;
      const module = moduleOf(pkg, name);
      return module === undefined || (output[module]?.bytesInOutput ?? 0) > 0;
    });
    if (used.length > 0) kept.set(pkg, used);
  }
  return kept;
}

/** The baseline handler's source: the SDK imports, each kept alive by the handler. */
export function baselineSource(imports: SdkImports): string {
  const lines: string[] = [];
  const kept: string[] = [];
  for (const [i, [pkg, names]] of [...imports.entries()].sort(([a], [b]) => a.localeCompare(b)).entries()) {
    if (names.includes('*')) {
      lines.push(`import * as sdk${i} from '${pkg}';`);
      kept.push(`sdk${i}`);
    } else {
      lines.push(`import { ${[...names].sort().join(', ')} } from '${pkg}';`);
      kept.push(...names);
    }
  }
  return `${lines.join('\n')}\nexport const handler = () => [${[...kept].sort().join(', ')}];\n`;
}

interface Sample {
  readonly wallMs: number;
  readonly cpuMs: number;
}

/** Wall and CPU time of importing `file` in a fresh Node process, measured inside it. */
function importTime(file: string): Promise<Sample> {
  const script = [
    'const cpu = process.cpuUsage();',
    'const t = performance.now();',
    `await import(${JSON.stringify(`file://${file}`)});`,
    'const wallMs = performance.now() - t;',
    'const used = process.cpuUsage(cpu);',
    'process.stdout.write(JSON.stringify({ wallMs, cpuMs: (used.user + used.system) / 1000 }));',
  ].join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, ...LAMBDA_ENV, NODE_OPTIONS: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`import ${file} failed (${code}): ${err.slice(-1000)}`));
      try {
        resolve(JSON.parse(out) as Sample);
      } catch {
        reject(new Error(`import ${file}: unreadable output ${JSON.stringify(out.slice(0, 200))}`));
      }
    });
  });
}

interface Pair {
  readonly baseline: Sample;
  readonly handler: Sample;
}

/** `rounds` paired imports, the order alternating so neither side always runs on a warmer machine. */
async function pairs(baselineFile: string, handlerFile: string, rounds: number): Promise<Pair[]> {
  const out: Pair[] = [];
  for (let round = 0; round < rounds; round++) {
    if (round % 2 === 0) {
      const baseline = await importTime(baselineFile);
      out.push({ baseline, handler: await importTime(handlerFile) });
    } else {
      const handler = await importTime(handlerFile);
      out.push({ baseline: await importTime(baselineFile), handler });
    }
  }
  return out;
}

function initFigures(measured: readonly Pair[]) {
  const initCpuMs = median(measured.map((p) => p.handler.cpuMs));
  const baselineCpuMs = median(measured.map((p) => p.baseline.cpuMs));
  return {
    samples: measured.length,
    initMs: median(measured.map((p) => p.handler.wallMs)),
    baselineInitMs: median(measured.map((p) => p.baseline.wallMs)),
    initCpuMs,
    baselineCpuMs,
    initRatio: initCpuMs / baselineCpuMs,
    wallRatio: median(measured.map((p) => p.handler.wallMs / p.baseline.wallMs)),
  };
}

/** Bundles each Lambda and its baseline, then times their imports in fresh processes. */
export async function measureLambdas(options: LambdasOptions): Promise<LambdasReport> {
  const dir = mkdtempSync(join(tmpdir(), 'fledge-bundles-'));
  // The baseline entry lives in the project so its bare imports resolve from the project's node_modules.
  const baselineDir = mkdtempSync(join(PROJECT_ROOT, '.bench-baseline-'));
  try {
    const rows: LambdaRow[] = [];
    for (const name of options.handlers ?? (Object.keys(HANDLER_ENTRIES) as HandlerName[])) {
      const handler = await bundle(name, HANDLER_ENTRIES[name], join(dir, name));
      const imports = new Map<string, Set<string>>();
      for (const source of keptSources(handler.metafile)) sdkImportsOf(readFileSync(join(PROJECT_ROOT, source), 'utf8'), imports);
      const sdkImports = keptSdkImports(new Map([...imports].sort(([a], [b]) => a.localeCompare(b)).map(([pkg, names]) => [pkg, [...names].sort()])), handler.metafile);
      const baselineEntry = join(baselineDir, `${name}.ts`);
      writeFileSync(baselineEntry, baselineSource(sdkImports));
      const baseline = await bundle(name, baselineEntry, join(dir, `${name}-baseline`));
      let measured = await pairs(baseline.file, handler.file, options.rounds);
      if (initFigures(measured).initRatio > INIT_RATIO_TARGET) measured = [...measured, ...(await pairs(baseline.file, handler.file, options.confirmRounds ?? options.rounds))];
      const inputs = Object.entries(Object.values(handler.metafile.outputs)[0]?.inputs ?? {})
        .map(([input, info]) => ({ input: packageOf(input), bytes: info.bytesInOutput }))
        .reduce((acc, { input, bytes }) => acc.set(input, (acc.get(input) ?? 0) + bytes), new Map<string, number>());
      const largest = [...inputs.entries()].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([input, bytes]) => ({ input, bytes }));
      rows.push({
        name,
        bytes: statSync(handler.file).size,
        baselineBytes: statSync(baseline.file).size,
        baselineImports: Object.fromEntries(sdkImports),
        largest,
        packages: [...inputs.entries()].filter(([, bytes]) => bytes > 0).map(([input]) => input).sort(),
        packageBytes: Object.fromEntries([...inputs.entries()].filter(([, bytes]) => bytes > 0)),
        ...initFigures(measured),
      });
    }
    return { rounds: options.rounds, rows, bundleTargetBytes: BUNDLE_TARGET_BYTES, initRatioTarget: INIT_RATIO_TARGET };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(baselineDir, { recursive: true, force: true });
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
  const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
  const lines = [
    'Lambda bundles (esbuild, minified ESM, as the construct ships them; init = import in a fresh process, CPU time, medians,',
    '  baseline and handler back to back each round; baseline = only the SDK clients and commands the handler imports)',
  ];
  for (const row of report.rows) {
    const clients = Object.keys(row.baselineImports).map((pkg) => pkg.replace('@aws-sdk/client-', '')).join(', ');
    lines.push(
      `  ${row.name.padEnd(8)} bundle ${mb(row.bytes)} (target ≤ ${mb(report.bundleTargetBytes)}, ${verdict(row.bytes <= report.bundleTargetBytes)}); SDK-clients-only baseline ${mb(row.baselineBytes)} (${clients})`,
      `           init ${row.initCpuMs.toFixed(0)} ms vs baseline ${row.baselineCpuMs.toFixed(0)} ms = ${row.initRatio.toFixed(2)}× (target ≤ ${report.initRatioTarget}×, ${verdict(row.initRatio <= report.initRatioTarget)}); wall ${row.initMs.toFixed(0)} vs ${row.baselineInitMs.toFixed(0)} ms, paired ${row.wallRatio.toFixed(2)}×; ${row.samples} rounds`,
      `           largest inputs: ${row.largest.map((l) => `${l.input} ${(l.bytes / 1024).toFixed(0)} KB`).join(', ')}`,
    );
  }
  return lines.join('\n');
}
