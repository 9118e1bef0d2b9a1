/**
 * `fledge simulate FILE... [--json] [--max-ticks N]`: plays a scenario FILE against the Kubernetes API
 * emulator with the real controller, one analysis tick at a time in virtual time (`SCENARIOS.md` is the
 * contract). Several FILEs are read as one, their documents in order: a project's own manifests plus a file
 * holding the Scenario.
 *
 * @example
 * ```
 * npx fledge simulate examples/scenarios/happy-canary.yaml --json
 * npx fledge simulate examples/podinfo/deployment.yaml examples/podinfo/hpa.yaml examples/podinfo/canary.yaml \
 *   examples/podinfo/scenarios/good-release.yaml
 * ```
 */
import { readFile } from 'node:fs/promises';
import { heapGuard } from '../heap.ts';
import type { Command } from '../main.ts';
import { formatIssue, parseScenarioSources, type ScenarioSource } from '../../sim/scenario/parse.ts';
import { humanLine, humanSummary, summaryJson, tickLineJson } from '../../sim/scenario/output.ts';
import { MAX_TICKS_CEILING, SCENARIO_EPOCH } from '../../sim/scenario/types.ts';

const USAGE = 'usage: fledge simulate FILE... [--json] [--max-ticks N]\n';

/** Exit codes of `fledge simulate`. */
export const SimulateExit = {
  /** The scenario ran to its end, whatever the release outcome. */
  ran: 0,
  /** Something broke that is not FILE's fault (a bug, the emulator failing). */
  crashed: 1,
  /** FILE (or the command line) is invalid. */
  invalid: 2,
} as const;

/** The parsed command line. */
interface Options {
  readonly files: readonly string[];
  readonly json: boolean;
  readonly maxTicks?: number;
}

function parseArgs(argv: readonly string[]): Options | string {
  const files: string[] = [];
  let json = false;
  let maxTicks: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--json') json = true;
    else if (arg === '--max-ticks' || arg.startsWith('--max-ticks=')) {
      const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[++i];
      if (value === undefined || !/^[1-9][0-9]*$/.test(value)) return `--max-ticks: expected a positive integer, got ${JSON.stringify(value ?? '')}`;
      maxTicks = Number(value);
      if (maxTicks > MAX_TICKS_CEILING) return `--max-ticks: at most ${MAX_TICKS_CEILING} (a week of 1m intervals), got ${value}`;
    } else if (arg.startsWith('-') && arg !== '-') return `unknown option ${arg}`;
    else files.push(arg);
  }
  if (files.length === 0) return 'FILE is required';
  return maxTicks === undefined ? { files, json } : { files, json, maxTicks };
}

async function run(argv: string[]): Promise<number> {
  // `fledge simulate FILE | head` closes stdout early: stop quietly, as Unix filters do.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(SimulateExit.ran);
    throw error;
  });
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE);
    return SimulateExit.ran;
  }
  const options = parseArgs(argv);
  if (typeof options === 'string') {
    process.stderr.write(`fledge simulate: ${options}\n${USAGE}`);
    return SimulateExit.invalid;
  }

  const sources: ScenarioSource[] = [];
  for (const file of options.files) {
    try {
      sources.push({ source: file, text: file === '-' ? await readStdin() : await readFile(file, 'utf8') });
    } catch (error) {
      process.stderr.write(`fledge simulate: cannot read ${file}: ${error instanceof Error ? error.message : String(error)}\n`);
      return SimulateExit.invalid;
    }
  }
  const parsed = parseScenarioSources(sources);
  process.stderr.write(parsed.warnings.map((warning) => `warning: ${formatIssue(warning)}\n`).join(''));
  if (!parsed.ok) {
    process.stderr.write(parsed.issues.map((issue) => `${formatIssue(issue)}\n`).join(''));
    return SimulateExit.invalid;
  }

  // Loaded only for a valid FILE: the runner pulls in the emulator, the world and the controller.
  const { runScenario, ScenarioRunError } = await import('../../sim/scenario/run.ts');
  const collect = heapGuard();
  try {
    const result = await runScenario(parsed.file, {
      ...(options.maxTicks === undefined ? {} : { maxTicks: options.maxTicks }),
      onLine: (line) => {
        collect();
        process.stdout.write(`${options.json ? tickLineJson(line) : humanLine(line, SCENARIO_EPOCH)}\n`);
      },
    });
    process.stdout.write(`${options.json ? summaryJson(result.summary) : humanSummary(result.summary)}\n`);
    return SimulateExit.ran;
  } catch (error) {
    if (error instanceof ScenarioRunError) {
      process.stderr.write(error.issues.map((issue) => `${formatIssue(issue)}\n`).join(''));
      return SimulateExit.invalid;
    }
    process.stderr.write(`fledge simulate: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return SimulateExit.crashed;
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The `simulate` sub-command. */
export const command: Command = {
  summary: 'play a scenario FILE against the emulator with the real controller, in virtual time',
  run,
};
