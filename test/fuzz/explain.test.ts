/**
 * Fuzzing `fledge explain` through the command boundary, in-process: mutated manifests never make it throw or
 * exit 1; it exits 0, or 2 with every problem named (a file problem, or an object's field-path errors).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseManifestText } from '../../shared/manifests/index.ts';
import { fledge, RAW_CONTROL, tempFile } from '../cli/run.ts';
import { CORPUS, FIELD_PATH, mutatedText, mutatedValue, timed } from './mutate.ts';

const SEEDS = [...CORPUS, readFileSync(new URL('../../examples/podinfo/canary.yaml', import.meta.url), 'utf8')];
const SEED_VALUES = SEEDS.flatMap((text) => parseManifestText(text, 'seed').documents.map((d) => d.value));
const FILE = tempFile('fuzz.yaml', '');

interface ExplainJson {
  readonly valid: boolean;
  readonly objects: { readonly valid: boolean; readonly errors: { readonly path: string; readonly message: string }[] }[];
}

async function explainChecked(text: string): Promise<void> {
  writeFileSync(FILE, text);
  const { value: run, ms } = await timed(() => fledge('explain', '--json', FILE));
  expect(ms).toBeLessThan(2_000);
  expect([0, 2]).toContain(run.code);
  expect(`${run.stdout}${run.stderr}`).not.toMatch(RAW_CONTROL);
  const out = JSON.parse(run.stdout) as ExplainJson;
  if (run.code === 0) {
    expect(out.valid).toBe(true);
    return;
  }
  expect(run.stderr).not.toBe('');
  for (const object of out.objects.filter((o) => !o.valid)) {
    expect(object.errors.length).toBeGreaterThan(0);
    for (const error of object.errors) expect(error.path).toMatch(FIELD_PATH);
  }
}

describe('fledge explain, fuzzed', () => {
  it('answers mutated text with exit 0 or named problems', async () => {
    await fc.assert(fc.asyncProperty(mutatedText(SEEDS), explainChecked), { numRuns: 150 });
  });

  it('answers mutated objects with exit 0 or field-path errors', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(mutatedValue(SEED_VALUES), { minLength: 1, maxLength: 3 }), (values) =>
        explainChecked(values.map((v) => stringify(v)).join('---\n')),
      ),
      { numRuns: 150 },
    );
  });
});
