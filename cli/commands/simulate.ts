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
import { heapGuard } from '../heap.ts';
import type { Command } from '../main.ts';
import { err, out } from '../output.ts';
import { formatProblem, readManifests } from '../../shared/manifests/index.ts';
import { formatIssue, parseScenarioDocuments } from '../../sim/scenario/parse.ts';
import { humanLine, humanSummary, summaryJson, tickLineJson } from '../../sim/scenario/output.ts';
import { MAX_TICKS_CEILING, SCENARIO_EPOCH } from '../../sim/scenario/types.ts';

const USAGE = `usage: fledge simulate FILE|DIR|-... [--json] [--max-ticks N]

Plays a scenario against the Kubernetes API emulator with the real controller, one analysis tick at a
time in virtual time. The FILEs are read as one: Kubernetes objects, exactly one Canary and exactly one
Scenario (apiVersion fledge.dev/v1alpha1), e.g. your manifests plus a file holding the Scenario.
The scenario format is described in docs/scenarios.md; examples/scenarios/ has one per behaviour.

  --json          one JSON object per tick on stdout, then a summary (byte-identical across runs)
  --max-ticks N   stop after N ticks at the latest (overrides the Scenario's spec.maxTicks)

Exit status: 0 the scenario ran to its end (whatever the release outcome), 2 invalid FILE or command line
(every problem on stderr, naming the document and the field), 1 anything else.
`;

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

let listening = false;

/** `fledge simulate FILE | head` closes stdout early: stop quietly, as Unix filters do (listened to once per process). */
function quietOnClosedPipe(): void {
  if (listening) return;
  listening = true;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(SimulateExit.ran);
    throw error;
  });
}

async function run(argv: string[]): Promise<number> {
  quietOnClosedPipe();
  if (argv.includes('--help') || argv.includes('-h')) {
    out(USAGE);
    return SimulateExit.ran;
  }
  const options = parseArgs(argv);
  if (typeof options === 'string') {
    err(`fledge simulate: ${options}\n${USAGE}`);
    return SimulateExit.invalid;
  }

  const read = await readManifests(options.files);
  if (read.problems.length > 0) {
    err(read.problems.map((problem) => `fledge simulate: ${formatProblem(problem)}\n`).join(''));
    return SimulateExit.invalid;
  }
  const parsed = parseScenarioDocuments(read, options.files);
  err(parsed.warnings.map((warning) => `warning: ${formatIssue(warning)}\n`).join(''));
  if (!parsed.ok) {
    err(parsed.issues.map((issue) => `${formatIssue(issue)}\n`).join(''));
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
        out(`${options.json ? tickLineJson(line) : humanLine(line, SCENARIO_EPOCH)}\n`);
      },
    });
    out(`${options.json ? summaryJson(result.summary) : humanSummary(result.summary)}\n`);
    return SimulateExit.ran;
  } catch (error) {
    if (error instanceof ScenarioRunError) {
      err(error.issues.map((issue) => `${formatIssue(issue)}\n`).join(''));
      return SimulateExit.invalid;
    }
    throw error; // the command boundary (cli/main.ts) reports it in one line
  }
}

/** The `simulate` sub-command. */
export const command: Command = {
  summary: 'play a scenario FILE against the emulator with the real controller, in virtual time',
  usage: USAGE,
  run,
};
