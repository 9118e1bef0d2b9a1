/**
 * The generated sweep (STYLE.md item 8): every FILE of the grid in `sweep-grid.ts` is played whole through the
 * real controller against the emulator, and every tick of every run is checked against the invariants a release
 * must keep, whatever its provider, analysis, target and world; the run's end is checked against what its world
 * makes of the release.
 */
import { describe, expect, it } from 'vitest';
import { formatIssue, parseScenario } from '../../../sim/scenario/parse.ts';
import { runScenario, type RunResult } from '../../../sim/scenario/run.ts';
import { summaryJson, tickLineJson } from '../../../sim/scenario/output.ts';
import type { TickLine } from '../../../sim/scenario/types.ts';
import {
  NEW_IMAGE,
  OLD_IMAGE,
  PAIRS,
  REPLICAS,
  STRATEGIES,
  SWEEP_MAX_TICKS,
  WEIGHTED,
  WORLDS,
  scenarioFile,
  sweepCases,
  type SweepCase,
  type World,
} from './sweep-grid.ts';

/**
 * Flagger's phase transitions (`pkg/controller/scheduler.go`), self-loops aside. '' is a canary Flagger has not seen.
 * Promoting → Failed is Fledge's: a promoted primary that never becomes ready fails the release instead of
 * leaving it in Finalising for ever (seed 000, Flagger issue #1898).
 */
const TRANSITIONS: Readonly<Record<string, readonly string[]>> = {
  '': ['Initializing'],
  Initializing: ['Initialized'],
  Initialized: ['Progressing', 'Waiting'],
  Waiting: ['Progressing'],
  Progressing: ['WaitingPromotion', 'Promoting', 'Failed'],
  WaitingPromotion: ['Promoting', 'Progressing', 'Failed'],
  Promoting: ['Finalising', 'Failed'],
  Finalising: ['Succeeded', 'Failed'],
  Succeeded: ['Progressing', 'Waiting'],
  Failed: ['Progressing', 'Waiting'],
  Terminating: ['Terminated'],
  Terminated: [],
};

const RESTING = new Set(['Initialized', 'Succeeded', 'Failed']);

async function play(c: SweepCase): Promise<RunResult> {
  const parsed = parseScenario(scenarioFile(c), `${c.name}.yaml`);
  if (!parsed.ok) throw new Error(parsed.issues.map(formatIssue).join('\n'));
  return runScenario(parsed.file);
}

/** `fledge simulate --json`'s stdout for a run. */
function jsonOutput({ lines, summary }: RunResult): string {
  return [...lines.map(tickLineJson), summaryJson(summary)].join('\n');
}

/** Traffic on the primary, live or A/B-matched. */
function primaryTraffic(line: TickLine): boolean {
  return line.routes.primary > 0 || (line.routes.matched?.primary ?? 0) > 0;
}

/** Traffic on the canary, live or A/B-matched. */
function canaryTraffic(line: TickLine): boolean {
  return line.routes.canary > 0 || (line.routes.matched?.canary ?? 0) > 0;
}

function checkEveryTick(lines: readonly TickLine[]): void {
  const promotedAt = lines.find((l) => l.phase === 'Promoting')?.tick ?? Infinity;
  const failedAt = lines.find((l) => l.phase === 'Failed')?.tick ?? Infinity;
  let phase = '';
  for (const line of lines) {
    const at = `tick ${line.tick} (${line.phase})`;
    expect(line.routes.primary + line.routes.canary, `weights sum to 100, ${at}`).toBe(100);
    if (line.routes.matched !== null) expect(line.routes.matched.primary + line.routes.matched.canary, `matched weights sum to 100, ${at}`).toBe(100);
    if (canaryTraffic(line)) {
      expect(line.canary?.replicas ?? 0, `canary replicas behind its traffic, ${at}`).toBeGreaterThan(0);
      expect(line.canary?.readyReplicas ?? 0, `ready canary replicas behind its traffic, ${at}`).toBeGreaterThan(0);
    }
    if ((line.tick > promotedAt || line.tick >= failedAt) && primaryTraffic(line)) {
      expect(line.primary?.readyReplicas ?? 0, `ready primary replicas behind its traffic after a promotion or failure, ${at}`).toBeGreaterThan(0);
    }
    if (line.phase !== phase) expect(TRANSITIONS[phase], `${phase || "''"} → ${line.phase} is one of Flagger's transitions, ${at}`).toContain(line.phase);
    phase = line.phase;
  }
}

/**
 * All traffic on one side: the live split, and the A/B match route when one is left in place (Flagger keeps it,
 * all on the primary, after a release).
 */
function expectAllOn(side: 'primary' | 'canary', line: TickLine): void {
  const split = side === 'primary' ? { primary: 100, canary: 0 } : { primary: 0, canary: 100 };
  expect(line.routes).toMatchObject({ ...split, mirrored: false });
  if (line.routes.matched !== null) expect(line.routes.matched, 'the A/B match route').toEqual(split);
}

function checkOutcome(world: World, { lines, summary }: RunResult): void {
  const last = lines.at(-1) as TickLine;
  expect(lines.length, 'rests before maxTicks').toBeLessThan(SWEEP_MAX_TICKS);
  expect(RESTING.has(last.phase), `ends in a resting phase, not ${last.phase}`).toBe(true);
  switch (world) {
    case 'healthy':
    case 'readyLate':
      expect(last.phase).toBe('Succeeded');
      expect(summary.primaryImage).toBe(NEW_IMAGE);
      expectAllOn('primary', last);
      expect(last.primary?.readyReplicas).toBe(last.primary?.replicas);
      expect(last.canary?.replicas).toBe(0);
      return;
    case 'errorRate':
    case 'neverReady':
      expect(last.phase).toBe('Failed');
      expect(summary.primaryImage).toBe(OLD_IMAGE);
      expectAllOn('primary', last);
      expect(last.canary?.replicas).toBe(0);
      return;
    case 'promotionRestore':
      expect(last.phase).toBe('Failed');
      expectAllOn('primary', last);
      expect(last.primary?.image).toBe(OLD_IMAGE);
      expect(last.primary?.readyReplicas).toBeGreaterThan(0);
      expect(last.canary?.replicas).toBe(0);
      return;
    case 'promotionHold':
      expect(last.phase).toBe('Failed');
      expect(last.canaryWeight).toBe(100);
      expectAllOn('canary', last);
      expect(last.canary?.readyReplicas).toBeGreaterThan(0);
      return;
    default: {
      const never: never = world;
      throw new Error(`unknown world ${String(never)}`);
    }
  }
}

/** The canary weights a weighted analysis on Istio walks through when the release goes all the way. */
const WEIGHTS: Partial<Record<SweepCase['analysis'], readonly number[]>> = {
  stepWeight: [10, 20, 30],
  overshoot: [30, 60],
  stepWeights: [5, 25, 50],
  mirrorCanary: [10, 20],
};

/** Worlds in which the analysis passes and the canary is promoted (whatever becomes of the promotion). */
const PROMOTED_WORLDS: ReadonlySet<World> = new Set(['healthy', 'readyLate', 'promotionRestore', 'promotionHold']);

/** What the knobs must visibly do: the gate holds the promotion, weights follow the analysis, stepWeightPromotion steps back. */
function checkKnobs(c: SweepCase, { lines, summary }: RunResult): void {
  if (!PROMOTED_WORLDS.has(c.world)) return;
  const said = lines.flatMap((l) => l.events.map((e) => e.message));
  expect(lines.filter((l) => l.phase === 'WaitingPromotion').length > 0, 'held in WaitingPromotion by the gate').toBe(c.gate);
  expect(said.filter((m) => m.startsWith('Copying podinfo.test template spec to podinfo-primary.test'))).toHaveLength(1);
  const weights = WEIGHTS[c.analysis];
  if (c.provider === 'istio' && weights !== undefined) expect(summary.canaryWeights).toEqual(weights);
  if (c.provider === 'kubernetes') expect(summary.canaryWeights).toEqual([]);
  if (c.world === 'healthy' || c.world === 'readyLate') {
    const stepped = said.some((m) => /^Advance podinfo\.test primary weight \d+$/.test(m));
    expect(stepped, 'primary weight advanced by stepWeightPromotion').toBe(c.stepWeightPromotion && c.provider === 'istio');
  }
}

const CASES = sweepCases();

/** Every 18th case is played a second time, and must print byte for byte what it printed in the sweep (or a first time, when filtered out). */
const DETERMINISM_SAMPLE = CASES.filter((_, i) => i % 18 === 5);
const printed = new Map<string, string>();

describe('the generated sweep', () => {
  it('covers every pair under every world, and every knob value under every world', () => {
    expect(CASES).toHaveLength(WORLDS.length * PAIRS.length);
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
    for (const world of WORLDS) {
      const under = CASES.filter((c) => c.world === world);
      expect(new Set(under.map((c) => c.strategy)), `strategies under ${world}`).toEqual(new Set(STRATEGIES));
      expect(new Set(under.map((c) => c.replicas)), `replicas under ${world}`).toEqual(new Set(REPLICAS));
      expect(new Set(under.map((c) => c.gate)), `gate under ${world}`).toEqual(new Set([true, false]));
      expect(new Set(under.filter((c) => WEIGHTED.has(c.analysis)).map((c) => c.stepWeightPromotion)), `stepWeightPromotion under ${world}`).toEqual(
        new Set([true, false]),
      );
    }
  });

  it.each(CASES)('$name', async (c) => {
    const run = await play(c);

    checkEveryTick(run.lines);
    checkOutcome(c.world, run);
    checkKnobs(c, run);
    if (DETERMINISM_SAMPLE.includes(c)) printed.set(c.name, jsonOutput(run));
  });

  it('prints byte-identical --json when a FILE is played again', async () => {
    expect(DETERMINISM_SAMPLE.length).toBeGreaterThan(2);
    for (const c of DETERMINISM_SAMPLE) {
      const first = printed.get(c.name) ?? jsonOutput(await play(c));
      const again = jsonOutput(await play(c));

      expect(again, c.name).toBe(first);
    }
  });
});
