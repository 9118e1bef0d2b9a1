/**
 * The `fledge` command: a table of sub-commands, each in its own file under `cli/commands/`, loaded on demand
 * so that `fledge explain` does not pay for the emulator's start-up. This is the boundary every command runs
 * behind: `--help` is answered here without running anything, and whatever a command throws ends as one line
 * `fledge <command>: <what went wrong>` (the stack only with `FLEDGE_DEBUG=1`), never as a stack trace.
 */
import { readFileSync } from 'node:fs';
import { err, out } from './output.ts';

/** A sub-command: takes its own argv, writes to stdout/stderr, returns the process exit code. */
export interface Command {
  /** One line for `fledge --help`. */
  readonly summary: string;
  /** The full text of `fledge <command> --help`. */
  readonly usage: string;
  run(argv: string[]): Promise<number>;
}

/** Exit codes shared by every command. */
export const Exit = {
  ok: 0,
  /** Something went wrong that is not the input's fault (a bug, a file that cannot be written, a port in use). */
  failed: 1,
  /** Bad input: a command line, a file or an object the command refuses. */
  badInput: 2,
} as const;

const commands: Record<string, () => Promise<{ command: Command }>> = {
  analyze: () => import('./commands/analyze.ts'),
  crds: () => import('./commands/crds.ts'),
  demo: () => import('./commands/demo.ts'),
  emulator: () => import('./commands/emulator.ts'),
  explain: () => import('./commands/explain.ts'),
  local: () => import('./commands/local.ts'),
  simulate: () => import('./commands/simulate.ts'),
};

/** Errors that mean the input is wrong (by name, so this boundary does not load every room to test them). */
const INPUT_ERRORS = new Set(['InvalidObjectError', 'ScenarioRunError', 'KubeInvalidError']);

/** `fledge --version`: the package's version. */
export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

async function usage(): Promise<string> {
  const names = Object.keys(commands).sort();
  const loaded = await Promise.all(names.map(async (name) => (await (commands[name] as () => Promise<{ command: Command }>)()).command));
  const width = Math.max(...names.map((n) => n.length));
  const lines = names.map((name, i) => `  ${name.padEnd(width)}  ${loaded[i]?.summary ?? ''}`);
  return [
    'usage: fledge <command> [options]',
    '',
    'commands:',
    ...lines,
    '',
    'fledge <command> --help shows the options of a command; fledge --version its version.',
    'FLEDGE_DEBUG=1 shows the stack of an unexpected error.',
    '',
  ].join('\n');
}

/** True when argv asks for help before any `--` (after which everything is an operand). */
function wantsHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).some((arg) => arg === '--help' || arg === '-h');
}

/** Runs `fledge` with `argv` (without node and script) and returns the exit code; never throws. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (name === '--version' || name === '-V' || name === 'version') {
      out(`fledge ${version()}\n`);
      return Exit.ok;
    }
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      const topic = name === 'help' ? rest[0] : undefined;
      const load = topic === undefined ? undefined : commands[topic];
      if (load) out((await load()).command.usage);
      else if (name === undefined) err(await usage());
      else out(await usage());
      return name === undefined || (topic !== undefined && !load) ? Exit.badInput : Exit.ok;
    }
    const load = commands[name];
    if (!load) {
      err(`fledge: unknown command "${name}"\n\n${await usage()}`);
      return Exit.badInput;
    }
    const { command } = await load();
    return await runCommand(name, command, rest);
  } catch (error) {
    return reportCrash(name ?? 'fledge', error);
  }
}

/**
 * Runs one command behind the boundary: `--help` prints its usage and runs nothing; whatever it throws becomes
 * one line `fledge <name>: <message>` and exit 1, or 2 when the error says the input is wrong.
 */
export async function runCommand(name: string, command: Command, argv: string[]): Promise<number> {
  try {
    if (wantsHelp(argv)) {
      out(command.usage);
      return Exit.ok;
    }
    return await command.run(argv);
  } catch (error) {
    return reportCrash(name, error);
  }
}

/** The boundary's last word: one line, the stack only when asked for. */
function reportCrash(name: string, error: unknown): number {
  const message = error instanceof Error ? error.message : String(error);
  const oneLine = message.split('\n').find((line) => line.trim() !== '') ?? (error instanceof Error ? error.name : 'unknown error');
  err(`fledge ${name}: ${oneLine}\n`);
  if (process.env['FLEDGE_DEBUG'] === '1' && error instanceof Error && error.stack) err(`${error.stack}\n`);
  return error instanceof Error && INPUT_ERRORS.has(error.name) ? Exit.badInput : Exit.failed;
}
