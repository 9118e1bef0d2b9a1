/**
 * Arbitraries for the fuzz suite: Flagger's documentation corpus and the example scenarios as seeds, mutated
 * as text (what a typo or a hostile file does to YAML) and as data (what a wrong value does to a valid object).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';

const ROOT = new URL('../../', import.meta.url).pathname;
const FLAGGER = join(ROOT, 'test/api/fixtures/flagger');

/** The text of every file of Flagger's documentation corpus, valid and invalid. */
export const CORPUS: readonly string[] = ['valid', 'invalid'].flatMap((kind) =>
  readdirSync(join(FLAGGER, kind))
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => readFileSync(join(FLAGGER, kind, f), 'utf8')),
);

/** The text of every example scenario (each a whole `fledge simulate` FILE). */
export const SCENARIOS: readonly string[] = readdirSync(join(ROOT, 'examples/scenarios'))
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((f) => readFileSync(join(ROOT, 'examples/scenarios', f), 'utf8'));

/** Pieces of YAML syntax that make a small change interesting. */
const TOKENS = [': ', '- ', '&a ', '*a', '<<: *a', '[', ']', '{', '}', '"', "'", '\t', '\n', '---\n', '!!binary ', '? ', '|', '>-', '#', ',', '~', '%YAML 1.1\n', '\u001b[31m', '\u0000', '\u00a0', '🦆', '..'] as const;

/** A string to insert: a YAML token, random unicode or a long run. */
const insertion = fc.oneof(
  fc.constantFrom(...TOKENS),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
  fc.string({ unit: 'binary', maxLength: 4 }),
  fc.integer({ min: 1, max: 64 }).map((n) => 'x'.repeat(n * 64)),
);

type TextEdit = { op: 'insert'; at: number; text: string } | { op: 'delete'; at: number; length: number } | { op: 'duplicateLine'; at: number } | { op: 'truncate'; at: number };

const textEdit: fc.Arbitrary<TextEdit> = fc.oneof(
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), text: insertion }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ op: fc.constant('duplicateLine' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
);

function applyEdit(text: string, edit: TextEdit): string {
  const at = text.length === 0 ? 0 : edit.at % (text.length + 1);
  switch (edit.op) {
    case 'insert':
      return text.slice(0, at) + edit.text + text.slice(at);
    case 'delete':
      return text.slice(0, at) + text.slice(at + edit.length);
    case 'truncate':
      return text.slice(0, at);
    case 'duplicateLine': {
      const lines = text.split('\n');
      const i = edit.at % lines.length;
      lines.splice(i, 0, lines[i] ?? '');
      return lines.join('\n');
    }
  }
}

/** A seed text with one to four edits. */
export function mutatedText(seeds: readonly string[]): fc.Arbitrary<string> {
  return fc
    .tuple(fc.constantFrom(...seeds), fc.array(textEdit, { minLength: 1, maxLength: 4 }))
    .map(([seed, edits]) => edits.reduce(applyEdit, seed));
}

/** Values that break validators: wrong types, edges of ranges, odd strings. */
export const oddValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1.5, 1e308, -0, '', ' ', '0', '-1', '1h30m', '10s10h', '../../etc/passwd', 'Bad_NS', 'x'.repeat(300), '🦆', 'NaN', [], {}, [[]], { '': 1 }),
  fc.jsonValue({ maxDepth: 3 }),
  fc.string({ maxLength: 20 }),
  fc.integer(),
  fc.double(),
);

type ValueEdit = { op: 'replace' | 'delete' | 'addKey' | 'wrap'; pick: number; key: string; value: unknown };

const valueEdit: fc.Arbitrary<ValueEdit> = fc.record({
  op: fc.constantFrom('replace' as const, 'delete' as const, 'addKey' as const, 'wrap' as const),
  pick: fc.nat(),
  key: fc.oneof(fc.constantFrom('spec', 'analysis', 'interval', 'name', '__proto__', 'constructor', ''), fc.string({ maxLength: 8 })),
  value: oddValue,
});

/** Every path to a node of `value`, the root first, in document order. */
function paths(value: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((item, i) => paths(item, [...prefix, i], out));
  else if (typeof value === 'object' && value !== null) for (const [k, v] of Object.entries(value)) paths(v, [...prefix, k], out);
  return out;
}

function applyValueEdit(root: unknown, edit: ValueEdit): unknown {
  const copy = structuredClone(root);
  const all = paths(copy);
  const path = all[edit.pick % all.length] as (string | number)[];
  if (path.length === 0) return edit.op === 'wrap' ? [copy] : edit.op === 'replace' ? edit.value : copy;
  const parent = path.slice(0, -1).reduce((node: unknown, key) => (node as Record<string | number, unknown>)[key], copy) as Record<string | number, unknown>;
  const key = path[path.length - 1] as string | number;
  if (edit.op === 'replace') parent[key] = edit.value;
  else if (edit.op === 'delete') {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key];
  } else if (edit.op === 'wrap') parent[key] = [parent[key]];
  else {
    const target = parent[key];
    if (typeof target === 'object' && target !== null && !Array.isArray(target)) Object.defineProperty(target, edit.key, { value: edit.value, enumerable: true, writable: true, configurable: true });
    else parent[key] = edit.value;
  }
  return copy;
}

/** A seed value with one to three edits at random paths. */
export function mutatedValue(seeds: readonly unknown[]): fc.Arbitrary<unknown> {
  return fc
    .tuple(fc.constantFrom(...seeds), fc.array(valueEdit, { minLength: 1, maxLength: 3 }))
    .map(([seed, edits]) => edits.reduce(applyValueEdit, seed));
}

/** A field path as `shared/api` writes it: `spec.analysis.webhooks[2].timeout`, `metadata.annotations["a/b"]`, or empty. */
export const FIELD_PATH = /^(?:(?:[A-Za-z_$][\w$-]*|\[\d+\]|\["(?:[^"\\]|\\.)*"\])(?:\.[A-Za-z_$][\w$-]*|\[\d+\]|\["(?:[^"\\]|\\.)*"\])*)?$/;

/**
 * Runs `act` and returns the CPU milliseconds this process spent meanwhile (everything runs in-process): a
 * bound on work that stays steady when the machine is shared, unlike wall time.
 */
export async function timed<T>(act: () => Promise<T> | T): Promise<{ value: T; ms: number }> {
  const start = process.cpuUsage();
  const value = await act();
  const used = process.cpuUsage(start);
  return { value, ms: (used.user + used.system) / 1000 };
}

/** Runs `act` synchronously and returns its value and the CPU milliseconds it took. */
export function cpuTimed<T>(act: () => T): { value: T; ms: number } {
  const start = process.cpuUsage();
  const value = act();
  const used = process.cpuUsage(start);
  return { value, ms: (used.user + used.system) / 1000 };
}
