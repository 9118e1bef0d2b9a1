/**
 * Fuzzing `fledge simulate`'s parsing: mutated example scenarios are accepted or refused with issues that
 * name a document and a field path; nothing throws. A sample of them also goes through the command itself,
 * in-process, which must exit 0 (it ran) or 2 (invalid input), never 1.
 */
import { writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseManifestText } from '../../shared/manifests/index.ts';
import { formatIssue, parseScenario } from '../../sim/scenario/parse.ts';
import { fledge, RAW_CONTROL, tempFile } from '../cli/run.ts';
import { FIELD_PATH, SCENARIOS, cpuTimed, mutatedText, mutatedValue, timed } from './mutate.ts';

/** Each example scenario as its list of documents, to mutate one of them as data. */
const SCENARIO_DOCUMENTS = SCENARIOS.map((text) => parseManifestText(text, 'seed').documents.map((d) => d.value));

/** An example scenario with one of its documents mutated as data. */
const mutatedScenario = fc
  .tuple(fc.constantFrom(...SCENARIO_DOCUMENTS), fc.nat())
  .chain(([documents, pick]) => {
    const index = pick % documents.length;
    return mutatedValue([documents[index]]).map((mutated) => documents.map((d, i) => stringify(i === index ? mutated : d)).join('---\n'));
  });

function parseChecked(text: string): boolean {
  const { value: result, ms } = cpuTimed(() => parseScenario(text, 'fuzz.yaml'));
  expect(ms).toBeLessThan(2_000);
  if (result.ok) return true;
  expect(result.issues.length).toBeGreaterThan(0);
  for (const issue of result.issues) {
    expect(issue.document.trim()).not.toBe('');
    expect(issue.path).toMatch(FIELD_PATH);
    expect(formatIssue(issue)).not.toContain('\n');
  }
  return false;
}

describe("fledge simulate's parsing, fuzzed", () => {
  it('accepts mutated scenario text or names every problem', () => {
    fc.assert(fc.property(mutatedText(SCENARIOS), (text) => void parseChecked(text)), { numRuns: 150 });
  });

  it('accepts a scenario with a mutated document or names every problem', () => {
    fc.assert(fc.property(mutatedScenario, (text) => void parseChecked(text)), { numRuns: 150 });
  });

  it('never ends a mutated scenario past the command boundary', async () => {
    const file = tempFile('scenario.yaml', '');
    let ran = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof(mutatedScenario, mutatedText(SCENARIOS)), async (text) => {
        // A valid scenario runs the emulator and the controller: a few of them, bounded to 2 ticks, are enough.
        if (parseScenario(text, file).ok && ran++ >= 2) return;
        writeFileSync(file, text);
        const { value: run, ms } = await timed(() => fledge('simulate', file, '--json', '--max-ticks', '2'));
        expect(ms).toBeLessThan(10_000);
        expect([0, 2]).toContain(run.code);
        expect(`${run.stdout}${run.stderr}`).not.toMatch(RAW_CONTROL);
        if (run.code === 2) expect(run.stderr).not.toBe('');
        else for (const line of run.stdout.trimEnd().split('\n')) JSON.parse(line);
      }),
      { numRuns: 25 },
    );
  });
});
