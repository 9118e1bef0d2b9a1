import { describe, expect, it } from 'vitest';
import { step } from '../../shared/engine/index.ts';
import type { StepInput } from '../../shared/engine/index.ts';
import { goDurationMs, goFloat } from '../../shared/engine/index.ts';
import { NOW, canary, drive, facts, routes, state, workload } from './fixtures.ts';

const inputs: { name: string; input: StepInput }[] = [
  { name: 'a new canary', input: { canary: canary(), state: undefined, facts: facts({ primary: workload({ exists: false }) }), now: NOW } },
  { name: 'a new revision behind a gate', input: { canary: canary({ webhooks: [{ name: 'g', type: 'confirm-rollout', url: 'http://g/' }] }), state: state('Succeeded'), facts: facts(), now: NOW } },
  { name: 'an analysis step', input: { canary: canary(), state: state('Progressing', { canaryWeight: 10 }), facts: facts({ routes: routes(90, 10) }), now: NOW } },
  {
    name: 'a failed promotion',
    input: {
      canary: canary({ webhooks: [{ name: 'n', type: 'post-rollout', url: 'http://n/' }] }),
      state: state('Promoting', { canaryWeight: 50, promotingSince: '2026-01-01T00:00:00Z' }),
      facts: facts({ routes: routes(50, 50), primary: workload({ readiness: { kind: 'wait', reason: 'stuck' } }) }),
      now: NOW,
    },
  },
  {
    name: 'a primary rebuilt mid-analysis',
    input: { canary: canary(), state: state('Progressing', { canaryWeight: 20 }), facts: facts({ routes: routes(80, 20), primary: workload({ exists: false }) }), now: NOW },
  },
];

describe('determinism', () => {
  it.each(inputs)('gives deep-equal, JSON-round-trippable results for $name', ({ input }) => {
    const first = step(input);
    const second = step(structuredClone(input));
    expect(second).toEqual(first);
    expect(JSON.parse(JSON.stringify(first))).toEqual(first);
    const decided = drive(input);
    expect(JSON.parse(JSON.stringify(decided))).toEqual(decided);
    expect(drive(structuredClone(input))).toEqual(decided);
  });

  it.each(inputs)('numbers the effects of $name with unique deterministic ids', ({ input }) => {
    const d = drive(input);
    const ids = d.effects.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    ids.forEach((id, i) => expect(id).toBe(`test/podinfo/rev-2/${input.state?.version ?? 0}/${i}`));
  });

  it('does not change its input', () => {
    const input = inputs[2]?.input as StepInput;
    const copy = structuredClone(input);
    drive(input);
    expect(input).toEqual(copy);
  });
});

describe("Go formatting of Flagger's messages", () => {
  it.each([
    [99, '99'],
    [0.5, '0.5'],
    [0, '0'],
    [123456, '123456'],
    [1e6, '1e+06'],
    [0.00001, '1e-05'],
    [-2.5, '-2.5'],
  ])('prints %s like Go %%v as %s', (value, text) => {
    expect(goFloat(value)).toBe(text);
  });

  it.each([
    [0, '0s'],
    [450, '450ms'],
    [1000, '1s'],
    [1200, '1.2s'],
    [60_000, '1m0s'],
    [61_500, '1m1.5s'],
    [3_723_500, '1h2m3.5s'],
  ])('prints %s ms like a Go time.Duration as %s', (ms, text) => {
    expect(goDurationMs(ms)).toBe(text);
  });
});
