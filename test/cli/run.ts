/**
 * Runs `fledge` in-process, as `cli/bin.js` does, capturing what it writes: fast enough for tables and
 * fuzzing (a subprocess costs ~0.5 s of Node start-up on the shared machine).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../cli/main.ts';

export interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `fledge ...argv` in this process and returns its exit code and output. */
export async function fledge(...argv: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const writeOut = process.stdout.write;
  const writeErr = process.stderr.write;
  process.stdout.write = ((chunk: string | Uint8Array) => ((stdout += String(chunk)), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => ((stderr += String(chunk)), true)) as typeof process.stderr.write;
  try {
    const code = await main(argv);
    return { code, stdout, stderr };
  } finally {
    process.stdout.write = writeOut;
    process.stderr.write = writeErr;
  }
}

/** Writes `content` to a new temporary file named `name` and returns its path. */
export function tempFile(name: string, content: string | Uint8Array): string {
  const path = join(mkdtempSync(join(tmpdir(), 'fledge-cli-')), name);
  writeFileSync(path, content);
  return path;
}

/** A control character written raw (C0 but tab and newline, DEL, C1). */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
export const RAW_CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/u;
