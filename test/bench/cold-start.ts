/**
 * Benchmark 4: a cold-start proxy, from before the Lambdas were bundled: importing the controller's module graph
 * unbundled in a fresh Node process, against importing the AWS SDK's DynamoDB client alone. The Lambdas' own
 * figure (their esbuild bundles against a baseline of their SDK clients, the issue 10 target) is `lambdas.ts`. Each target runs in its own process,
 * the targets in turn, several rounds; medians and the fastest run are reported, the ratio from the fastest. A second, untimed process per target counts the
 * modules and source bytes loaded through a `module.registerHooks` load hook.
 *
 * Caveat: our modules load as TypeScript through Node's type stripping and unbundled, one file at a time;
 * the bundled Lambdas (esbuild, a later issue) will load faster. The ratio is what to watch.
 */
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT } from './podinfo.ts';
import { median } from './stats.ts';

/** One thing to import in a fresh process. */
export interface ImportTarget {
  readonly name: string;
  /** Specifiers imported in order: bare package names or paths relative to the repository root. */
  readonly imports: readonly string[];
  /** The others' import times are reported as ratios to this one's. @default the first target */
  readonly baseline?: boolean;
}

/** The targets of the bench: the baseline first. */
export const COLD_START_TARGETS: readonly ImportTarget[] = [
  { name: 'node (nothing imported)', imports: [] },
  { name: '@aws-sdk/client-dynamodb (baseline)', imports: ['@aws-sdk/client-dynamodb'], baseline: true },
  { name: '@kubernetes/client-node', imports: ['@kubernetes/client-node'] },
  { name: 'shared/controller', imports: ['./shared/controller/index.ts'] },
  { name: 'shared/controller + shared/store', imports: ['./shared/controller/index.ts', './shared/store/index.ts'] },
];

/** What one target cost. */
export interface ColdStartRow {
  readonly name: string;
  /** Median time of the `import()`s alone, milliseconds. */
  readonly importMs: number;
  /** Fastest time of the `import()`s alone, milliseconds: the least disturbed by the machine's other work. */
  readonly importMinMs: number;
  /** Median time from the process's start to the end of the imports (Node's own boot included), milliseconds. */
  readonly startToReadyMs: number;
  /** Median heap used after the imports, MiB. */
  readonly heapMiB: number;
  /** `importMinMs` / the baseline's: fastest against fastest, the steadiest ratio on a busy machine. */
  readonly importRatio: number;
  /** Modules loaded (ES modules and CommonJS files, `node:` builtins excluded); `null` when hooks are unavailable. */
  readonly modules: number | null;
  /** Distinct npm packages among them. */
  readonly packages: number | null;
  /** Bytes of the files loaded (unbundled source, an upper bound of a bundle's size). */
  readonly sourceBytes: number | null;
}

/** What benchmark 4 measured. */
export interface ColdStartReport {
  readonly node: string;
  readonly rounds: number;
  readonly rows: readonly ColdStartRow[];
  /** What is known about bundling: esbuild's absence is said, not papered over. */
  readonly bundle: string;
}

/** Options of {@link measureColdStart}. */
export interface ColdStartOptions {
  /** Processes per target. @default 7 */
  readonly rounds?: number;
  /** Targets to measure. @default {@link COLD_START_TARGETS} */
  readonly targets?: readonly ImportTarget[];
}

interface Timing {
  readonly importMs: number;
  readonly startToReadyMs: number;
  readonly heapUsed: number;
}

interface Graph {
  readonly urls: readonly string[];
}

const TIMED = `
const specs = JSON.parse(process.env.FLEDGE_BENCH_IMPORTS);
const t0 = performance.now();
for (const spec of specs) await import(spec);
const importMs = performance.now() - t0;
process.stdout.write(JSON.stringify({ importMs, startToReadyMs: performance.now(), heapUsed: process.memoryUsage().heapUsed }));
`;

const COUNTED = `
import { registerHooks } from 'node:module';
const urls = new Set();
registerHooks({ load(url, context, nextLoad) { if (!url.startsWith('node:')) urls.add(url); return nextLoad(url, context); } });
const specs = JSON.parse(process.env.FLEDGE_BENCH_IMPORTS);
for (const spec of specs) await import(spec);
process.stdout.write(JSON.stringify({ urls: [...urls] }));
`;

/** Times each target in fresh processes, then counts its module graph. */
export async function measureColdStart(options: ColdStartOptions = {}): Promise<ColdStartReport> {
  const rounds = options.rounds ?? 7;
  const targets = options.targets ?? COLD_START_TARGETS;
  const timings: Timing[][] = targets.map(() => []);
  for (let round = 0; round < rounds; round++) {
    // in turn, so a slow moment of the machine spreads over every target
    for (const [i, target] of targets.entries()) timings[i]?.push(await runChild<Timing>(TIMED, target));
  }
  const graphs: (Graph | undefined)[] = [];
  for (const target of targets) graphs.push(await runChild<Graph>(COUNTED, target).catch(() => undefined));
  const baselineIndex = Math.max(0, targets.findIndex((t) => t.baseline === true));
  const fastest = (of: readonly Timing[]): number => Math.min(...of.map((t) => t.importMs));
  const baseline = fastest(timings[baselineIndex] ?? []);
  const rows = targets.map((target, i): ColdStartRow => {
    const of = timings[i] ?? [];
    const importMinMs = fastest(of);
    const graph = graphs[i];
    return {
      name: target.name,
      importMs: median(of.map((t) => t.importMs)),
      importMinMs,
      startToReadyMs: median(of.map((t) => t.startToReadyMs)),
      heapMiB: median(of.map((t) => t.heapUsed)) / 2 ** 20,
      importRatio: baseline === 0 ? 0 : importMinMs / baseline,
      modules: graph?.urls.length ?? null,
      packages: graph === undefined ? null : packagesOf(graph.urls).size,
      sourceBytes: graph === undefined ? null : bytesOf(graph.urls),
    };
  });
  return { node: process.version, rounds, rows, bundle: bundleNote() };
}

/** Runs `script` in a fresh Node (this one's binary: Node 24) and parses the JSON it prints. */
function runChild<T>(script: string, target: ImportTarget): Promise<T> {
  // Bare specifiers resolve from the child's cwd, the repository root, as the Lambdas' own imports would.
  const specs = target.imports.map((s) => (s.startsWith('./') ? new URL(s, `file://${REPO_ROOT}`).href : s));
  return new Promise<T>((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '--no-warnings', '-e', script], {
      cwd: REPO_ROOT,
      env: { ...process.env, FLEDGE_BENCH_IMPORTS: JSON.stringify(specs), NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`importing ${target.name} in a fresh node exited with ${code}: ${err.slice(-1000)}`));
      try {
        resolve(JSON.parse(out) as T);
      } catch {
        reject(new Error(`importing ${target.name}: unreadable output ${JSON.stringify(out.slice(0, 200))}`));
      }
    });
  });
}

/** npm package names of the `node_modules` files among `urls` (`@scope/name` or `name`). */
export function packagesOf(urls: readonly string[]): Set<string> {
  const names = new Set<string>();
  for (const url of urls) {
    const match = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
    if (match?.[1] !== undefined) names.add(match[1]);
  }
  return names;
}

function bytesOf(urls: readonly string[]): number {
  let total = 0;
  for (const url of urls) {
    if (!url.startsWith('file:')) continue;
    try {
      total += statSync(fileURLToPath(url)).size;
    } catch {
      // a file that vanished since: not counted
    }
  }
  return total;
}

/** Where the bundled figures are: this proxy loads unbundled source. */
function bundleNote(): string {
  return existsSync(join(REPO_ROOT, 'node_modules', 'esbuild', 'package.json'))
    ? 'unbundled source; the Lambdas as esbuild bundles them, against their SDK-clients-only baselines, are under "Lambda bundles"'
    : 'esbuild is not installed: the Lambda bundles cannot be measured; source bytes loaded are shown instead';
}
