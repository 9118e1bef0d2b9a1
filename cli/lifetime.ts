/**
 * A `fledge` process must not outlive the process the user started, whatever sits in between: `npx` and
 * `npm exec` run us through `sh -c`, and neither forwards every signal (SIGKILL never can), so killing the
 * process the user started would leave an emulator serving as an orphan. We watch our ancestry instead: when
 * any process above us is gone (the chain of parents changed), we stop as if sent SIGTERM.
 */
import { readFileSync } from 'node:fs';

/** The parent pid of `pid` from `/proc` (Linux), or `undefined` where there is none to read. */
function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid …"; comm may contain spaces and parentheses, so read after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ppid = Number(fields[1]);
    return Number.isInteger(ppid) ? ppid : undefined;
  } catch {
    return undefined;
  }
}

/** Our ancestors, nearest first, up to pid 1; just the parent where `/proc` cannot be read. */
export function ancestry(pid = process.pid): number[] {
  const chain: number[] = [];
  let current = pid;
  for (let depth = 0; depth < 64; depth++) {
    const parent = parentOf(current);
    if (parent === undefined) return depth === 0 ? [process.ppid] : chain;
    if (parent <= 1) return [...chain, parent];
    chain.push(parent);
    current = parent;
  }
  return chain;
}

/** How often the ancestry is checked, and how long a graceful stop may take before the process exits. */
export interface OrphanWatchOptions {
  readonly intervalMs?: number;
  readonly graceMs?: number;
}

/**
 * Sends this process SIGTERM (so each command's own clean-up runs) as soon as its ancestry changes, and exits
 * if that has not ended it within `graceMs`. The timer never keeps the process alive. Returns a stop function.
 */
export function stopWhenOrphaned({ intervalMs = 250, graceMs = 1000 }: OrphanWatchOptions = {}): () => void {
  const initial = ancestry().join(' ');
  const timer = setInterval(() => {
    if (ancestry().join(' ') === initial) return;
    clearInterval(timer);
    setTimeout(() => process.exit(143), graceMs).unref();
    process.kill(process.pid, 'SIGTERM');
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
