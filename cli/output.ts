/**
 * Everything `fledge` writes to the terminal goes through here, so text quoting the user's input (names,
 * values, messages) never carries raw control characters: an escape sequence in a manifest must not recolour,
 * move the cursor or retitle the terminal of whoever explains it. JSON output stays valid JSON.
 */
import { escapeControl } from '../shared/manifests/index.ts';

/** Writes `text` to standard output, control characters escaped. */
export function out(text: string): void {
  process.stdout.write(escapeControl(text));
}

/** Writes `text` to standard error, control characters escaped. */
export function err(text: string): void {
  process.stderr.write(escapeControl(text));
}
