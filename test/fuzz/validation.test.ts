/**
 * Fuzzing validation: valid Flagger objects from the documentation corpus, mutated at random paths (wrong
 * types, edge values, unknown or removed fields), are either accepted and planned, or refused with field-path
 * errors; nothing throws.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseFlaggerObject, planCanary } from '../../shared/api/index.ts';
import type { CanaryPlan } from '../../shared/api/index.ts';
import { parseManifestText } from '../../shared/manifests/index.ts';
import { baseObject } from '../api/samples.ts';
import { CORPUS, FIELD_PATH, mutatedValue } from './mutate.ts';

// The corpus holds no valid AlertProvider: the smallest one, and the podinfo example with its fledge.dev knobs, join it.
const SEEDS = [...CORPUS, readFileSync(new URL('../../examples/podinfo/canary.yaml', import.meta.url), 'utf8')];
const FLAGGER_OBJECTS = [
  ...SEEDS.flatMap((text) => parseManifestText(text, 'seed').documents.map((d) => d.value)),
  baseObject('AlertProvider'),
  { ...baseObject('AlertProvider'), spec: { type: 'msteams', secretRef: { name: 'teams-url' }, channel: 'x', username: 'fledge' } },
].filter((value) => {
  const result = parseFlaggerObject(value);
  return typeof value === 'object' && value !== null && String((value as { apiVersion?: unknown }).apiVersion).startsWith('flagger.app/') && result.ok;
});

describe('validation, fuzzed', () => {
  it('has valid Flagger objects of every kind to start from', () => {
    const kinds = new Set(FLAGGER_OBJECTS.map((o) => (o as { kind: string }).kind));
    expect([...kinds].sort()).toEqual(['AlertProvider', 'Canary', 'MetricTemplate']);
  });

  it('accepts and plans a mutated object, or refuses it with field-path errors', () => {
    fc.assert(
      fc.property(mutatedValue(FLAGGER_OBJECTS), (value) => {
        const result = parseFlaggerObject(value);
        if (!result.ok) {
          expect(result.errors.length).toBeGreaterThan(0);
          for (const issue of result.errors) {
            expect(issue.path).toMatch(FIELD_PATH);
            expect(issue.message.trim()).not.toBe('');
            expect(issue.message).not.toContain('\n');
          }
          return;
        }
        if (result.value.kind === 'Canary') {
          const options = 'options' in result ? (result.options as CanaryPlan['options']) : undefined;
          const plan = planCanary(result.value, options, result.warnings);
          expect(plan.durations.promotionMs).toBeGreaterThanOrEqual(0);
        }
      }),
      { numRuns: 600 },
    );
  });
});
