/**
 * The runner's own rules (SCENARIOS.md): virtual time, the settle order behind `readyAfterTicks`, the stop
 * rule, and timeline entries that cannot apply.
 */
import { describe, expect, it } from 'vitest';
import { ScenarioRunError } from '../../../sim/scenario/errors.ts';
import { formatIssue, parseScenario } from '../../../sim/scenario/parse.ts';
import { runScenario, type RunResult } from '../../../sim/scenario/run.ts';
import { DEPLOYMENT, canary, file, scenario } from './fixtures.ts';

async function run(text: string): Promise<RunResult> {
  const parsed = parseScenario(text, 'scenario.yaml');
  if (!parsed.ok) throw new Error(parsed.issues.map(formatIssue).join('\n'));
  return runScenario(parsed.file);
}

const NEW_IMAGE = '    - {tick: 3, setImage: {target: podinfo, image: podinfo:slow}}';

describe('runScenario', () => {
  it('stops after the tick that rests in Initialized when no timeline entry remains', async () => {
    const { lines, summary } = await run(file(DEPLOYMENT, canary(), scenario('  maxTicks: 10')));

    expect(lines.map((l) => l.phase)).toEqual(['Initializing', 'Initialized']);
    expect(summary).toEqual({ ticks: 2, phase: 'Initialized', canaryWeights: [], primaryImage: 'ghcr.io/stefanprodan/podinfo:6.0.0' });
  });

  it('keeps running while a timeline entry remains, and until spec.minTicks', async () => {
    const later = await run(file(DEPLOYMENT, canary(), scenario('  timeline:\n    - {tick: 4, patch: {apiVersion: v1, kind: Service, name: podinfo, mergePatch: {metadata: {labels: {x: y}}}}}')));
    const minimum = await run(file(DEPLOYMENT, canary(), scenario('  minTicks: 6')));

    expect(later.lines).toHaveLength(4);
    expect(minimum.lines).toHaveLength(6);
  });

  it('keeps running in a resting phase while the controller still has work in flight', async () => {
    const quick = canary().replace('  service: {port: 9898}', '  progressDeadlineSeconds: 120\n  service: {port: 9898}');
    const world = '  world:\n    primary: {neverReadyAfterPromotion: true}';

    const { lines } = await run(file(DEPLOYMENT, quick, scenario(`  timeline:\n${NEW_IMAGE}\n${world}`)));

    // Failed when the promotion fails, then two more ticks: the restored primary takes the traffic back, then
    // the canary that carried it is scaled down once the routes read back all-primary.
    const failedAt = lines.findIndex((l) => l.phase === 'Failed');
    expect(failedAt).toBeGreaterThan(0);
    expect(lines.slice(failedAt).map((l) => l.phase)).toEqual(['Failed', 'Failed', 'Failed']);
    expect(lines.at(-2)?.events.map((e) => e.message)).toEqual(['Primary restored to the last promoted revision']);
    expect(lines.at(-2)?.canary?.replicas).toBeGreaterThan(0);
    expect(lines.at(-1)?.canary?.replicas).toBe(0);
  });

  it('keeps running after Initialized when a release landed while the canary initialized', async () => {
    const { lines } = await run(file(DEPLOYMENT, canary(), scenario('  timeline:\n    - {tick: 2, setImage: {target: podinfo, image: podinfo:slow}}')));

    expect(lines.map((l) => l.phase).slice(0, 3)).toEqual(['Initializing', 'Initialized', 'Progressing']);
    expect(lines.at(-1)?.phase).toBe('Succeeded');
  });

  it('stops after the tick in which a deleted Canary is Terminated, its line read from the stored state', async () => {
    const deleted = '    - {tick: 4, delete: {apiVersion: flagger.app/v1beta1, kind: Canary, name: podinfo}}';

    const { lines, summary } = await run(file(DEPLOYMENT, canary(), scenario(`  maxTicks: 20\n  timeline:\n${NEW_IMAGE}\n${deleted}`)));

    expect(lines.map((l) => l.phase)).toEqual(['Initializing', 'Initialized', 'Progressing', 'Terminated']);
    expect(lines.at(-1)).toMatchObject({ tick: 4, canaryWeight: 0, primary: null });
    expect(summary).toMatchObject({ ticks: 4, phase: 'Terminated' });
  });

  it('moves the virtual clock by the analysis interval from 2026-01-01T00:00:00Z', async () => {
    const { lines } = await run(file(DEPLOYMENT, canary().replace('interval: 1m', 'interval: 30s'), scenario('  maxTicks: 2')));

    expect(lines.map((l) => l.time)).toEqual(['2026-01-01T00:00:30Z', '2026-01-01T00:01:00Z']);
  });

  it.each([
    { readyAfterTicks: 0, interval: '1m', ready: [2, 2, 2] },
    { readyAfterTicks: 1, interval: '1m', ready: [0, 2, 2] },
    { readyAfterTicks: 2, interval: '1m', ready: [0, 0, 2] },
    { readyAfterTicks: 1, interval: '30s', ready: [0, 2, 2] },
    { readyAfterTicks: 2, interval: '2m', ready: [0, 0, 2] },
  ])('makes canary pods ready $readyAfterTicks ticks of $interval after the tick that creates them', async ({ readyAfterTicks, interval, ready }) => {
    const world = `  world:\n    images:\n      podinfo:slow: {readyAfterTicks: ${readyAfterTicks}}`;

    const { lines } = await run(file(DEPLOYMENT, canary().replace('interval: 1m', `interval: ${interval}`), scenario(`  maxTicks: 5\n  timeline:\n${NEW_IMAGE}\n${world}`)));

    expect(lines[2]?.events.map((e) => e.message)).toEqual(['New revision detected! Scaling up podinfo.test']);
    expect(lines.slice(2, 5).map((l) => l.canary?.readyReplicas)).toEqual(ready);
  });

  it('applies a replaced Canary from its tick on', async () => {
    const replaced = canary().replace('iterations: 3', 'iterations: 1').trim();
    const apply = replaced.split('\n').map((line, i) => (i === 0 ? `      apply:\n        ${line}` : `        ${line}`)).join('\n');

    const { lines } = await run(file(DEPLOYMENT, canary(), scenario(`  timeline:\n${NEW_IMAGE}\n    - tick: 3\n${apply}`)));

    expect(lines.flatMap((l) => l.events.map((e) => e.message))).toContain('Advance podinfo.test canary iteration 1/1');
    expect(lines.at(-1)?.phase).toBe('Succeeded');
  });

  it('refuses a runtime control before the controller has seen the Canary', async () => {
    const text = file(DEPLOYMENT, canary(), scenario('  timeline:\n    - {tick: 1, run: pause}'));

    const error = await run(text).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ScenarioRunError);
    expect((error as ScenarioRunError).issues.map(formatIssue)).toEqual([
      'Scenario test-scenario: spec.timeline[0].run: at tick 1: the controller has not seen Canary podinfo.test yet; run controls from a later tick',
    ]);
    expect((error as ScenarioRunError).message).toBe((error as ScenarioRunError).issues.map(formatIssue).join('\n'));
  });

  it('refuses to patch or delete an object that does not exist at its tick', async () => {
    const text = file(DEPLOYMENT, canary(), scenario('  timeline:\n    - {tick: 2, delete: {apiVersion: v1, kind: ConfigMap, name: missing}}'));

    const error = await run(text).catch((e: unknown) => e);

    expect((error as ScenarioRunError).issues.map(formatIssue)).toEqual([
      'Scenario test-scenario: spec.timeline[0].delete: at tick 2: ConfigMap test/missing not found',
    ]);
  });
});
