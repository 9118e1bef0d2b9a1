/**
 * The `fledge` command: a table of sub-commands, each in its own file under `cli/commands/`, loaded on demand
 * so that `fledge explain` does not pay for the emulator's start-up.
 */

/** A sub-command: takes its own argv, writes to stdout/stderr, returns the process exit code. */
export interface Command {
  readonly summary: string;
  run(argv: string[]): Promise<number>;
}

const commands: Record<string, () => Promise<{ command: Command }>> = {
  crds: () => import('./commands/crds.ts'),
  demo: () => import('./commands/demo.ts'),
  emulator: () => import('./commands/emulator.ts'),
  explain: () => import('./commands/explain.ts'),
  local: () => import('./commands/local.ts'),
  simulate: () => import('./commands/simulate.ts'),
};

function usage(): string {
  const lines = Object.keys(commands).sort().map((name) => `  ${name}`);
  return ['usage: fledge <command> [options]', '', 'commands:', ...lines, ''].join('\n');
}

/** Runs `fledge` with `argv` (without node and script) and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name === undefined ? 2 : 0;
  }
  const load = commands[name];
  if (!load) {
    process.stderr.write(`fledge: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  const { command } = await load();
  return await command.run(rest);
}
