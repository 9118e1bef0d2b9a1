/**
 * The manifest reader every `fledge` command uses: files, directories (recursively) and `-` (standard input)
 * to parsed documents, each with its source and position, under the same rules and limits everywhere.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { MANIFEST_LIMITS, formatBytes } from './limits.ts';
import { decodeManifestText } from './text.ts';
import type { ManifestProblem, ManifestRead, ManifestText } from './types.ts';
import { parseManifestText } from './yaml.ts';

/** The extensions a directory's files must have to be read; a file named on its own is read whatever its name. */
export const MANIFEST_EXTENSIONS = /\.(ya?ml|json)$/i;

/** Where {@link readManifests} reads standard input from. */
export interface ReadOptions {
  /**
   * The stream `-` reads.
   * @default process.stdin
   */
  readonly stdin?: AsyncIterable<Uint8Array | string>;
}

/**
 * Reads manifests: each input is a file, a directory (its `*.yaml`, `*.yml` and `*.json` files, recursively,
 * in name order, skipping entries whose name starts with `.` and symbolic links to directories) or `-` for
 * standard input. Returns every document read and every problem met, in input order; it never throws for a
 * bad input. Every document is YAML 1.2 with merge keys (`<<`), or JSON, held to {@link MANIFEST_LIMITS}.
 *
 * @example
 * ```ts
 * const { documents, problems } = await readManifests(['examples/podinfo', '-']);
 * for (const p of problems) console.error(formatProblem(p));
 * for (const d of documents) console.log(d.source, d.index, (d.value as { kind?: string }).kind);
 * ```
 */
export async function readManifests(inputs: readonly string[], options: ReadOptions = {}): Promise<ManifestRead> {
  const texts: ManifestText[] = [];
  const problems: ManifestProblem[] = [];
  const budget = { bytes: MANIFEST_LIMITS.totalBytes, files: MANIFEST_LIMITS.files };
  for (const input of inputs) {
    const files = input === '-' ? ['-'] : await expand(input, problems, budget);
    for (const file of files) {
      const read = await readSource(file, options, budget);
      if ('text' in read) texts.push(read);
      else problems.push(read);
    }
  }
  const parsed = parseManifestTexts(texts);
  return { documents: parsed.documents, problems: [...problems, ...parsed.problems] };
}

/** Parses texts already in memory as {@link readManifests} parses files, one source after another. */
export function parseManifestTexts(texts: readonly ManifestText[]): ManifestRead {
  const read: ManifestRead = { documents: [], problems: [] };
  for (const { source, text } of texts) {
    const bytes = Buffer.byteLength(text);
    if (bytes > MANIFEST_LIMITS.fileBytes) {
      read.problems.push(tooLarge(source, bytes));
      continue;
    }
    const one = parseManifestText(text, source);
    read.documents.push(...one.documents);
    read.problems.push(...one.problems);
  }
  return read;
}

/**
 * One line for a problem: `FILE: line N: message`; a message about the whole source that starts with "is"
 * reads as a sentence about it (`logo.png is not a YAML or JSON text file`).
 * @example formatProblem({ source: 'a.yaml', line: 3, message: 'duplicate key "kind"', reason: 'invalid' }) // 'a.yaml: line 3: duplicate key "kind"'
 */
export function formatProblem(problem: ManifestProblem): string {
  if (problem.line === undefined && problem.message.startsWith('is ')) return `${problem.source} ${problem.message}`;
  return `${problem.source}: ${problem.line === undefined ? '' : `line ${problem.line}: `}${problem.message}`;
}

interface Budget {
  bytes: number;
  files: number;
}

/** A file stays itself; a directory becomes its manifest files, recursively, sorted by path. */
async function expand(input: string, problems: ManifestProblem[], budget: Budget): Promise<string[]> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(input)).isDirectory();
  } catch {
    return [input]; // reading it names what is wrong (missing, no permission) in the usual words
  }
  if (!isDirectory) return [input];
  const found: string[] = [];
  const pending = [input];
  while (pending.length > 0) {
    const dir = pending.shift() as string;
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      problems.push({ source: dir, message: `cannot read directory: ${messageOf(error)}`, reason: 'unreadable' });
      continue;
    }
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) pending.push(path);
      else if (MANIFEST_EXTENSIONS.test(entry.name) && (entry.isFile() || entry.isSymbolicLink())) found.push(path);
    }
    if (found.length > budget.files) {
      problems.push({ source: input, message: `more than ${MANIFEST_LIMITS.files} manifest files in the inputs (limit: files)`, reason: 'invalid' });
      budget.files = 0;
      return [];
    }
  }
  budget.files -= found.length;
  return found.sort();
}

async function readSource(source: string, options: ReadOptions, budget: Budget): Promise<ManifestText | ManifestProblem> {
  let bytes: Buffer;
  try {
    bytes = source === '-' ? await readStream(options.stdin ?? process.stdin) : await readFileCapped(source);
  } catch (error) {
    if (error instanceof TooLarge) return tooLarge(source, error.bytes);
    return { source, message: `cannot read: ${messageOf(error)}`, reason: 'unreadable' };
  }
  budget.bytes -= bytes.length;
  if (budget.bytes < 0) {
    return { source, message: `the inputs together exceed ${formatBytes(MANIFEST_LIMITS.totalBytes)} (limit: totalBytes)`, reason: 'invalid' };
  }
  const decoded = decodeManifestText(bytes);
  if ('problem' in decoded) return { source, message: decoded.problem, reason: 'invalid' };
  return { source, text: decoded.text };
}

class TooLarge extends Error {
  readonly bytes: number;
  constructor(bytes: number) {
    super(`over ${bytes} bytes`);
    this.bytes = bytes;
  }
}

async function readFileCapped(path: string): Promise<Buffer> {
  const stats = await stat(path).catch(() => undefined);
  if (stats?.isFile() && stats.size > MANIFEST_LIMITS.fileBytes) throw new TooLarge(stats.size);
  const bytes = await readFile(path);
  if (bytes.length > MANIFEST_LIMITS.fileBytes) throw new TooLarge(bytes.length);
  return bytes;
}

/** Reads a stream, giving up as soon as it passes the file limit (a pipe has no size to ask for first). */
async function readStream(stream: AsyncIterable<Uint8Array | string>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    total += buffer.length;
    if (total > MANIFEST_LIMITS.fileBytes) throw new TooLarge(total);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

function tooLarge(source: string, bytes: number): ManifestProblem {
  const size = bytes > MANIFEST_LIMITS.fileBytes ? `over ${formatBytes(MANIFEST_LIMITS.fileBytes)}` : formatBytes(bytes);
  return { source, message: `is ${size}, the limit of one Kubernetes API request (limit: fileBytes)`, reason: 'invalid' };
}

function messageOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  return error instanceof Error ? error.message : String(error);
}
