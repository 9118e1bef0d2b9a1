/**
 * Fuzzing the manifest reader: whatever the text, it returns documents and one-line problems, never throws,
 * and stays fast; what it reads back from JSON or YAML it was given is the data that was written.
 */
import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { formatProblem, parseManifestText } from '../../shared/manifests/index.ts';
import { CORPUS, cpuTimed, mutatedText } from './mutate.ts';

/** Reads `text` and checks what must hold of any answer. */
function readChecked(text: string): void {
  const { value: read, ms } = cpuTimed(() => parseManifestText(text, 'fuzz.yaml'));
  expect(ms).toBeLessThan(2_000);
  const lines = text.split('\n').length;
  for (const problem of read.problems) {
    expect(formatProblem(problem)).not.toContain('\n');
    expect(problem.message).not.toMatch(/Maximum call stack/);
    if (problem.line !== undefined) expect(problem.line).toBeLessThanOrEqual(lines);
  }
  for (const document of read.documents) expect(document.line).toBeLessThanOrEqual(lines);
}

describe('the manifest reader, fuzzed', () => {
  it('answers any string without throwing', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.string({ unit: 'grapheme', maxLength: 300 })), (text) => readChecked(text)),
      { numRuns: 300 },
    );
  });

  it("answers mutations of Flagger's documentation corpus without throwing", () => {
    fc.assert(fc.property(mutatedText(CORPUS), (text) => readChecked(text)), { numRuns: 400 });
  });

  it('reads back the data written as JSON or as YAML', () => {
    const data = fc.dictionary(fc.string({ maxLength: 10 }).filter((k) => k !== '<<'), fc.jsonValue({ maxDepth: 4 }), { minKeys: 1 });
    fc.assert(
      fc.property(data, fc.boolean(), (value, asJson) => {
        const text = asJson ? JSON.stringify(value, null, 1) : stringify(value);
        const read = parseManifestText(text, 'data');
        expect(read.problems).toEqual([]);
        expect(JSON.stringify(read.documents.map((d) => d.value))).toBe(JSON.stringify([value]));
      }),
      { numRuns: 300 },
    );
  });
});
