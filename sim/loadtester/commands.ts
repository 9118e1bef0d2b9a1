/**
 * What the emulated loadtester does with the commands of `/` calls. Flagger's loadtester runs any shell, bash,
 * helm or kubectl command it is sent; an emulator in a test process must not. Asynchronous `cmd` tasks (load
 * generation such as `hey -z 1m …`) are recorded, as Flagger queues them, and never run; blocking `bash`, `helm`,
 * `helmv3` and `kubectl` tasks go through a {@link CommandRunner}, by default {@link allowListRunner}.
 */

/** The outcome of one blocking command. */
export interface CommandResult {
  readonly ok: boolean;
  /** Combined output, returned to Flagger when the webhook asks `returnCmdOutput: "true"`. */
  readonly output: string;
}

/** Runs one blocking command of type `type` for the Canary `canary` (`name.namespace`). */
export type CommandRunner = (command: string, type: string, canary: string) => CommandResult | Promise<CommandResult>;

/**
 * Understands a few harmless commands and refuses the rest: `true`, `false`, `exit N`, `echo TEXT`. Enough for a
 * test to make a blocking check pass, fail, or return output; anything else fails with a message naming it.
 */
export const allowListRunner: CommandRunner = (command) => {
  const text = command.trim();
  if (text === 'true' || text === ':') return { ok: true, output: '' };
  if (text === 'false') return { ok: false, output: '' };
  const exit = /^exit\s+(\d+)$/.exec(text);
  if (exit !== null) return { ok: exit[1] === '0', output: '' };
  const echo = /^echo(?:\s+(.*))?$/s.exec(text);
  if (echo !== null) return { ok: true, output: `${unquote(echo[1] ?? '')}\n` };
  return { ok: false, output: `command not allowed by the loadtester emulator (allowed: true, false, exit N, echo TEXT): ${text}` };
};

function unquote(text: string): string {
  const trimmed = text.trim();
  const quoted = /^(['"])(.*)\1$/s.exec(trimmed);
  return quoted === null ? trimmed : (quoted[2] ?? '');
}
