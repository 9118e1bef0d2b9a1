import { describe, expect, it } from 'vitest';
import type { Canary } from '../../shared/api/types.ts';
import { canary } from './fixtures.ts';
import { World } from './world.ts';
import type { Observed } from './world.ts';

const isTerminal = (o: Observed): boolean => ['Succeeded', 'Failed'].includes(o.result.next.phase);

/** Invariants every step of every path keeps. */
function checkInvariants(path: readonly Observed[]): void {
  for (const o of path) {
    const r = o.routes;
    expect(r.primary + r.canary, `step ${o.step}: weights sum to 100`).toBe(100);
    if (r.matched) expect(r.matched.primary + r.matched.canary, `step ${o.step}: matched weights sum to 100`).toBe(100);
    const canaryCarries = r.canary > 0 || (r.matched?.canary ?? 0) > 0 || r.mirrored;
    if (canaryCarries) expect(o.canaryReplicas, `step ${o.step}: the canary keeps replicas while it carries traffic`).toBeGreaterThan(0);
    if (o.result.next.phase === 'Failed' && !o.primaryReady) {
      expect(r.primary, `step ${o.step}: no traffic to an unready primary after a failure`).toBe(0);
    }
  }
}

/** Initializes the canary in `world` (two steps: create the primary, then Initialized). */
function initialize(world: World, c: Canary): void {
  const path = world.run(c, (o) => o.result.next.phase === 'Initialized', 5);
  expect(path.map((o) => o.result.next.phase)).toEqual(['Initializing', 'Initialized']);
}

function weights(path: readonly Observed[]): number[] {
  return path.filter((o) => o.result.next.phase === 'Progressing').map((o) => o.routes.canary);
}

describe('engine paths', () => {
  it('promotes a healthy canary step by step to Succeeded', () => {
    const world = new World();
    const c = canary({ webhooks: [{ name: 'acceptance-test', type: 'pre-rollout', url: 'http://tester/' }] });
    initialize(world, c);
    world.deploy('rev-2');
    const path = world.run(c, isTerminal);
    checkInvariants(path);
    expect(path.at(-1)?.result.next.phase).toBe('Succeeded');
    expect(weights(path)).toEqual([0, 10, 20, 30, 40, 50]);
    expect(path.flatMap((o) => o.result.messages)).toEqual([
      'New revision detected! Scaling up podinfo.test',
      'Starting canary analysis for podinfo.test',
      'Pre-rollout check acceptance-test passed',
      'Advance podinfo.test canary weight 10',
      'Advance podinfo.test canary weight 20',
      'Advance podinfo.test canary weight 30',
      'Advance podinfo.test canary weight 40',
      'Advance podinfo.test canary weight 50',
      'Copying podinfo.test template spec to podinfo-primary.test',
      'Routing all traffic to primary',
      'Promotion completed! Scaling down podinfo.test',
    ]);
    expect(world.primaryRevision).toBe('rev-2');
    expect(world.targetReplicas).toBe(0);
    expect(world.state?.lastPromotedSpec).toBe('rev-2');
  });

  it('rolls a failing canary back to Failed at the threshold', () => {
    const world = new World({ successRate: (rev) => (rev === 'rev-2' ? 53.42 : 100) });
    const c = canary();
    initialize(world, c);
    world.deploy('rev-2');
    const path = world.run(c, isTerminal);
    checkInvariants(path);
    expect(path.flatMap((o) => o.result.messages)).toEqual([
      'New revision detected! Scaling up podinfo.test',
      'Starting canary analysis for podinfo.test',
      'Advance podinfo.test canary weight 10',
      'Halt podinfo.test advancement success rate 53.42% < 99%',
      'Halt podinfo.test advancement success rate 53.42% < 99%',
      'Halt podinfo.test advancement success rate 53.42% < 99%',
      'Rolling back podinfo.test failed checks threshold reached 3',
      'Canary failed! Scaling down podinfo.test',
    ]);
    expect(world.routes).toEqual({ primary: 100, canary: 0, mirrored: false, matched: null });
    expect(world.primaryRevision).toBe('rev-1');
    // The rollback's step moved the traffic; the canary's pods go on the next step, once the routes read back.
    expect(world.targetReplicas).toBeGreaterThan(0);
    const scaledDown = world.step(c).result;
    expect([scaledDown.decision, scaledDown.next.phase, scaledDown.active, world.targetReplicas]).toEqual(['scaleDown', 'Failed', false, 0]);
    // The failed revision is not retried on its own; the next one starts a run.
    expect(world.step(c).result.decision).toBe('idle');
    world.deploy('rev-3');
    expect(world.step(c).result.next.phase).toBe('Progressing');
  });

  it('survives a promotion whose primary never becomes ready (Recreate): traffic on the canary, primary restored', () => {
    const world = new World({ primaryNeverReadyAfterPromotion: true, recreate: true });
    const c = canary({}, { progressDeadlineSeconds: 180 });
    initialize(world, c);
    world.deploy('rev-2');
    const path = world.run(c, (o) => o.result.decision === 'restored');
    checkInvariants(path);
    const messages = path.flatMap((o) => o.result.messages);
    expect(messages).toContain('Primary podinfo-primary.test has no ready replica, routing all traffic to the canary');
    expect(messages.some((m) => m.startsWith('Promotion failed, primary not ready: '))).toBe(true);
    expect(messages).toContain('Restoring podinfo-primary.test to the last promoted revision');
    expect(messages.at(-1)).toBe('Primary restored to the last promoted revision');
    expect(world.primaryRevision).toBe('rev-1');
    expect(world.routes.primary).toBe(100);
    // The canary carried everything until this step: its pods go on the next one, once the routes read back.
    expect(world.targetReplicas).toBeGreaterThan(0);
    expect(world.step(c).result.decision).toBe('scaleDown');
    expect(world.targetReplicas).toBe(0);
    expect(world.state?.phase).toBe('Failed');
    expect(world.state?.canaryWeight).toBe(0);
  });

  it('holds traffic on the canary after a failed promotion with fledge.dev/promotion-failure: hold', () => {
    const world = new World({ primaryNeverReadyAfterPromotion: true });
    const c = canary({}, { progressDeadlineSeconds: 120 }, { 'fledge.dev/promotion-failure': 'hold' });
    initialize(world, c);
    world.deploy('rev-2');
    const path = world.run(c, (o) => o.result.next.phase === 'Failed');
    world.run(c, () => false, 3).forEach((o) => path.push(o));
    checkInvariants(path);
    expect(world.state?.canaryWeight).toBe(100);
    expect(world.routes).toEqual({ primary: 0, canary: 100, mirrored: false, matched: null });
    expect(world.targetReplicas).toBeGreaterThan(0);
    expect(world.primaryRevision).toBe('rev-2');
  });

  it('runs blue/green on the kubernetes provider without moving traffic', () => {
    const world = new World();
    const c = canary({ stepWeight: undefined, maxWeight: undefined, iterations: 3 }, { provider: 'kubernetes' });
    initialize(world, c);
    world.deploy('rev-2');
    const path = world.run(c, isTerminal);
    checkInvariants(path);
    expect(path.every((o) => o.routes.canary === 0)).toBe(true);
    expect(path.flatMap((o) => o.result.messages).filter((m) => m.startsWith('Advance'))).toEqual([
      'Advance podinfo.test canary iteration 1/3',
      'Advance podinfo.test canary iteration 2/3',
      'Advance podinfo.test canary iteration 3/3',
    ]);
    expect(path.at(-1)?.result.next.phase).toBe('Succeeded');
  });

  it('runs an A/B test for its iterations, then promotes', () => {
    const world = new World();
    const c = canary({
      stepWeight: undefined,
      maxWeight: undefined,
      iterations: 2,
      match: [{ headers: { 'x-canary': { exact: 'insider' } } }],
    });
    initialize(world, c);
    world.deploy('rev-2');
    const path = world.run(c, isTerminal);
    checkInvariants(path);
    expect(path.some((o) => o.routes.matched?.canary === 100)).toBe(true);
    expect(path.at(-1)?.result.next.phase).toBe('Succeeded');
    expect(world.routes.canary).toBe(0);
  });

  it('restarts the analysis when a new revision arrives mid-analysis', () => {
    const world = new World();
    const c = canary();
    initialize(world, c);
    world.deploy('rev-2');
    world.run(c, (o) => o.routes.canary === 20);
    world.deploy('rev-3');
    const path = world.run(c, isTerminal);
    checkInvariants(path);
    expect(path[0]?.result.messages).toEqual(['New revision detected! Restarting analysis for podinfo.test']);
    expect(path.at(-1)?.result.next.phase).toBe('Succeeded');
    expect(world.primaryRevision).toBe('rev-3');
  });
});
