/**
 * A `<target>-primary` that disappears (deleted by hand, pruned by a GitOps tool, …) is rebuilt from a tested
 * revision, never from the target's current template as Flagger does: the last promoted revision, or in
 * Promoting/Finalising the analysed revision being promoted. Traffic stays off it until it is ready, and a run
 * under analysis restarts from its first step once it is.
 */
import { describe, expect, it } from 'vitest';
import type { Effect } from '../../shared/engine/index.ts';
import { ago, alertsOf, canary, check, facts, NOW, routes, routesSet, state, template, workload } from './fixtures.ts';
import type { Case, Driven } from './fixtures.ts';
import { World } from './world.ts';
import type { Observed } from './world.ts';

const MISSING = workload({ exists: false, readiness: { kind: 'wait', reason: 'deployment podinfo-primary.test not found' }, replicas: 0, availableReplicas: 0 });
const NOT_READY = 'podinfo-primary.test not ready: waiting for rollout to finish: 0 of 2 (readyThreshold 100%) updated replicas are available';
const REBUILDING = workload({ readiness: { kind: 'wait', reason: NOT_READY }, availableReplicas: 0 });
const REBUILT = 'Primary podinfo-primary.test was missing; rebuilt from the last promoted revision';
const REBUILT_PROMOTING = 'Primary podinfo-primary.test was missing; rebuilt from the revision being promoted';
const NOT_REBUILT =
  'Primary podinfo-primary.test is missing and the template of the revision it should run is not kept; it is not rebuilt from the untested revision of podinfo.test: revert podinfo.test to that revision or re-create podinfo-primary.test';
const NO_REPLICA = 'Primary podinfo-primary.test has no ready replica, routing all traffic to the canary';
const HELD = 'Routes left as they are until podinfo-primary.test is ready, the canary cannot take all traffic: ';
const INTERRUPTED = 'Analysis of podinfo.test interrupted; it restarts once podinfo-primary.test is ready';
const RESTARTING = 'Primary podinfo-primary.test is ready again, restarting analysis for podinfo.test';
const ALL_CANARY = { primary: 0, canary: 100, mirrored: false };
const ALL_PRIMARY = { primary: 100, canary: 0, mirrored: false };
const IDLE_TARGET = { templateHash: 'rev-2', template: template('rev-2'), replicas: 0, availableReplicas: 0 };

/** The `initialize` effect of a step. */
function initializeOf(d: Driven): Extract<Effect, { type: 'initialize' }> | undefined {
  return d.effects.find((e): e is Extract<Effect, { type: 'initialize' }> => e.type === 'initialize');
}

/** The primary is rebuilt from the pod template of `revision`, with `configs` as its config hashes. */
function rebuiltFrom(d: Driven, revision: string, configs: Record<string, string> = {}): void {
  expect(initializeOf(d)).toMatchObject({ type: 'initialize', template: template(revision), trackedConfigs: configs });
}

/** A run interrupted by a rebuilt primary: Progressing, no start time, all traffic left on the canary. */
const interrupted = (patch = {}) => state('Progressing', { canaryWeight: 100, progressingSince: undefined, ...patch });
const promoting = (phase: 'Promoting' | 'Finalising', patch = {}) =>
  state(phase, { canaryWeight: 50, promotingSince: ago(120), promotingTemplate: template('rev-2') as never, trackedConfigs: { 'configmap/podinfo-config': 'c2' }, ...patch });

describe('a primary that disappeared during a run', () => {
  it.each<Case>([
    {
      name: 'rebuilds it from the last promoted revision in Progressing, moves all traffic to the ready canary and interrupts the run',
      state: state('Progressing', { canaryWeight: 30, failedChecks: 1 }),
      facts: facts({ primary: MISSING, routes: routes(70, 30) }),
      phase: 'Progressing',
      decision: 'rebuild',
      types: ['reconcileRouter', 'recordEvent', 'recordEvent', 'setRoutes', 'initialize', 'notify', 'recordEvent'],
      messages: [REBUILT, NO_REPLICA, INTERRUPTED],
      then: (d) => {
        rebuiltFrom(d, 'rev-1');
        expect(routesSet(d)).toEqual([ALL_CANARY]);
        expect(alertsOf(d)).toEqual([`error: ${REBUILT}`]);
        expect(d.events.map((e) => e.type)).toEqual(['Warning', 'Warning', 'Normal']);
        expect(d.next).toMatchObject({ canaryWeight: 100, failedChecks: 0, iterations: 0, lastAppliedSpec: 'rev-2', lastPromotedSpec: 'rev-1' });
        expect(d.next.progressingSince).toBeUndefined();
        expect(d.active).toBe(true);
      },
    },
    {
      name: 'rebuilds it with the config hashes of the last promotion, not the configs the canary runs',
      state: state('Progressing', { lastPromotedConfigs: { 'configmap/podinfo-config': 'c1' }, trackedConfigs: { 'configmap/podinfo-config': 'c2' } }),
      facts: facts({ primary: MISSING, trackedConfigs: { 'configmap/podinfo-config': 'c2' }, routes: routes(90, 10) }),
      then: (d) => rebuiltFrom(d, 'rev-1', { 'configmap/podinfo-config': 'c1' }),
    },
    {
      name: 'interrupts a run waiting for promotion approval the same way, back in Progressing',
      state: state('WaitingPromotion', { canaryWeight: 50 }),
      facts: facts({ primary: MISSING, routes: routes(50, 50) }),
      phase: 'Progressing',
      messages: [REBUILT, NO_REPLICA, INTERRUPTED],
      then: (d) => {
        rebuiltFrom(d, 'rev-1');
        expect(routesSet(d)).toEqual([ALL_CANARY]);
      },
    },
    {
      name: 'drops the A/B match route so that every request reaches the canary',
      canary: canary({ stepWeight: undefined, maxWeight: undefined, iterations: 5, match: [{ headers: { 'x-canary': { exact: 'insider' } } }] }),
      state: state('Progressing', { iterations: 2 }),
      facts: facts({ primary: MISSING, routes: routes(100, 0, false, { primary: 0, canary: 100 }) }),
      then: (d) => expect(routesSet(d)).toEqual([ALL_CANARY]),
    },
    {
      name: 'leaves the routes as they are and says why when the canary is not ready to take all traffic',
      state: state('Progressing', { canaryWeight: 20 }),
      facts: facts({ primary: MISSING, routes: routes(80, 20), target: { readiness: { kind: 'wait', reason: 'canary deployment podinfo.test not ready: waiting for rollout to finish' } } }),
      phase: 'Progressing',
      types: ['reconcileRouter', 'recordEvent', 'recordEvent', 'initialize', 'notify', 'recordEvent'],
      messages: [REBUILT, `${HELD}canary deployment podinfo.test not ready: waiting for rollout to finish`, INTERRUPTED],
      then: (d) => expect(d.next.canaryWeight).toBe(20),
    },
    {
      name: 'does not pile all traffic on a canary that is not at full scale',
      state: state('Progressing', { canaryWeight: 20 }),
      facts: facts({ primary: MISSING, routes: routes(80, 20), target: { availableReplicas: 1 } }),
      messages: [REBUILT, `${HELD}canary podinfo.test has 1 of 2 replicas available`, INTERRUPTED],
      then: (d) => expect(routesSet(d)).toEqual([]),
    },
    {
      name: 'rebuilds it from the analysed revision being promoted, moves the traffic to the canary and restarts the promotion deadline',
      state: promoting('Promoting'),
      facts: facts({ primary: MISSING, routes: routes(50, 50), trackedConfigs: { 'configmap/podinfo-config': 'c2' } }),
      phase: 'Promoting',
      decision: 'rebuild',
      types: ['reconcileRouter', 'recordEvent', 'recordEvent', 'setRoutes', 'initialize', 'notify'],
      messages: [REBUILT_PROMOTING, NO_REPLICA],
      then: (d) => {
        rebuiltFrom(d, 'rev-2', { 'configmap/podinfo-config': 'c2' });
        expect(d.next).toMatchObject({ promotingSince: NOW, canaryWeight: 100, lastPromotedSpec: 'rev-1' });
        expect(alertsOf(d)).toEqual([`error: ${REBUILT_PROMOTING}`]);
      },
    },
    {
      name: 'rebuilds it from the revision being promoted even when the target changed since the promotion',
      state: promoting('Promoting'),
      facts: facts({ primary: MISSING, routes: routes(0, 100), target: { templateHash: 'rev-3', template: template('rev-3') } }),
      messages: [REBUILT_PROMOTING],
      then: (d) => rebuiltFrom(d, 'rev-2', { 'configmap/podinfo-config': 'c2' }),
    },
    {
      name: 'takes Finalising back to Promoting: the traffic is no longer on the primary',
      state: promoting('Finalising', { canaryWeight: 0 }),
      facts: facts({ primary: MISSING, routes: routes(100, 0) }),
      phase: 'Promoting',
      messages: [REBUILT_PROMOTING, NO_REPLICA],
      then: (d) => {
        rebuiltFrom(d, 'rev-2', { 'configmap/podinfo-config': 'c2' });
        expect(routesSet(d)).toEqual([ALL_CANARY]);
      },
    },
    {
      name: 'does not rebuild it from the untested target when no template of the revision is kept, and alerts',
      state: state('Progressing', { lastPromotedTemplate: undefined, canaryWeight: 10 }),
      facts: facts({ primary: MISSING, routes: routes(90, 10) }),
      phase: 'Progressing',
      decision: 'wait',
      types: ['reconcileRouter', 'recordEvent', 'notify', 'recordEvent', 'setRoutes'],
      messages: [NOT_REBUILT, NO_REPLICA],
      then: (d) => {
        expect(alertsOf(d)).toEqual([`error: ${NOT_REBUILT}`]);
        expect(d.next.lastAppliedSpec).toBe('rev-2');
        expect(d.next.primaryNotRebuiltAlerted).toBe(true);
      },
    },
    {
      name: 'does not repeat that alert on the next tick while the primary is still missing, but still records the event',
      state: state('Progressing', { lastPromotedTemplate: undefined, canaryWeight: 100, primaryNotRebuiltAlerted: true }),
      facts: facts({ primary: MISSING, routes: routes(0, 100) }),
      phase: 'Progressing',
      decision: 'wait',
      types: ['reconcileRouter', 'recordEvent'],
      messages: [NOT_REBUILT],
      then: (d) => {
        expect(alertsOf(d)).toEqual([]);
        expect(d.next.primaryNotRebuiltAlerted).toBe(true);
      },
    },
    {
      name: 're-arms that alert once the primary exists again',
      state: state('Succeeded', { lastPromotedTemplate: undefined, primaryNotRebuiltAlerted: true }),
      facts: facts(),
      then: (d) => {
        expect(d.next.primaryNotRebuiltAlerted).toBeUndefined();
      },
    },
  ])('$name', (row) => {
    check(row);
  });
});

describe('a primary that disappeared between runs', () => {
  it.each<Case>([
    {
      name: 'rebuilds it from the last promoted revision while Succeeded, not from the new revision the target carries',
      state: state('Succeeded'),
      facts: facts({ primary: MISSING, target: IDLE_TARGET }),
      phase: 'Succeeded',
      decision: 'rebuild',
      types: ['reconcileRouter', 'recordEvent', 'recordEvent', 'initialize', 'notify'],
      messages: [REBUILT, `${HELD}canary podinfo.test is scaled to zero`],
      then: (d) => {
        rebuiltFrom(d, 'rev-1');
        expect(d.next).toMatchObject({ lastAppliedSpec: 'rev-1', lastPromotedSpec: 'rev-1' });
        expect(d.active).toBe(false);
      },
    },
    {
      name: 'does not send all traffic to a target scaled up with a revision that was not analysed',
      state: state('Succeeded'),
      facts: facts({ primary: MISSING }),
      messages: [REBUILT, `${HELD}canary podinfo.test runs a revision that was not analysed`],
      then: (d) => {
        rebuiltFrom(d, 'rev-1');
        expect(routesSet(d)).toEqual([]);
      },
    },
    {
      name: 'lets a ready target that runs the promoted revision take the traffic while the primary is rebuilt',
      state: state('Initialized'),
      facts: facts({ primary: MISSING, target: { templateHash: 'rev-1', template: template('rev-1') } }),
      phase: 'Initialized',
      messages: [REBUILT, NO_REPLICA],
      then: (d) => expect(routesSet(d)).toEqual([ALL_CANARY]),
    },
    {
      name: 'rebuilds it from the last promoted revision after a rollback',
      state: state('Failed', { lastAppliedSpec: 'rev-2' }),
      facts: facts({ primary: MISSING, target: IDLE_TARGET }),
      phase: 'Failed',
      messages: [REBUILT, `${HELD}canary podinfo.test is scaled to zero`],
      then: (d) => rebuiltFrom(d, 'rev-1'),
    },
    {
      name: 'rebuilds it from the last promoted revision while a failed promotion is restored, the traffic staying on the canary',
      state: state('Failed', { lastAppliedSpec: 'rev-2', canaryWeight: 100, promotionFailure: { mode: 'restore', at: ago(60), reason: 'primary not ready' } }),
      facts: facts({ primary: MISSING, routes: routes(0, 100) }),
      phase: 'Failed',
      types: ['reconcileRouter', 'recordEvent', 'initialize', 'notify'],
      messages: [REBUILT],
      then: (d) => {
        rebuiltFrom(d, 'rev-1');
        expect(d.next.promotionFailure).toEqual({ mode: 'restore', at: ago(60), reason: 'primary not ready' });
        expect(d.active).toBe(true);
      },
    },
    {
      name: 'rebuilds it from the last promoted revision while a confirm-rollout gate holds the new one',
      state: state('Waiting', { lastAppliedSpec: 'rev-1', pendingRevision: { spec: 'rev-2', trackedConfigs: {}, detectedAt: ago(60) } }),
      facts: facts({ primary: MISSING, target: IDLE_TARGET }),
      phase: 'Waiting',
      messages: [REBUILT, `${HELD}canary podinfo.test is scaled to zero`],
      then: (d) => {
        rebuiltFrom(d, 'rev-1');
        expect(d.next.pendingRevision).toEqual({ spec: 'rev-2', trackedConfigs: {}, detectedAt: ago(60) });
      },
    },
    {
      name: 'rebuilds it during initialization from the revision it was first built from, not from a target changed since',
      state: state('Initializing', { lastAppliedSpec: undefined }),
      facts: facts({ primary: MISSING, target: IDLE_TARGET }),
      phase: 'Initializing',
      decision: 'rebuild',
      types: ['recordEvent', 'initialize', 'notify'],
      messages: [REBUILT],
      then: (d) => {
        rebuiltFrom(d, 'rev-1');
        expect(d.next).toMatchObject({ lastPromotedSpec: 'rev-1', lastPromotedTemplate: template('rev-1') });
      },
    },
    {
      name: 'rebuilds it from the target when the target runs the last promoted revision and no template is kept',
      state: state('Succeeded', { lastPromotedTemplate: undefined }),
      facts: facts({ primary: MISSING, target: { templateHash: 'rev-1', template: template('rev-1'), replicas: 0, availableReplicas: 0 } }),
      messages: [REBUILT, `${HELD}canary podinfo.test is scaled to zero`],
      then: (d) => {
        expect(initializeOf(d)).toBeDefined();
        expect(initializeOf(d)?.template).toBeUndefined();
      },
    },
    {
      name: 'keeps Flagger’s behaviour for a primary Fledge never built: built from the target, the phase going on',
      state: state('Succeeded', { lastPromotedSpec: undefined, lastPromotedTemplate: undefined, lastPromotedConfigs: undefined }),
      facts: facts({ primary: MISSING, target: { templateHash: 'rev-1', template: template('rev-1'), replicas: 0, availableReplicas: 0 } }),
      phase: 'Succeeded',
      decision: 'idle',
      types: ['reconcileRouter', 'initialize'],
      messages: [],
      then: (d) => expect(initializeOf(d)).toEqual({ id: expect.any(String), type: 'initialize' }),
    },
  ])('$name', (row) => {
    check(row);
  });
});

describe('a run interrupted by a rebuilt primary', () => {
  it.each<Case>([
    {
      name: 'waits while the rebuilt primary is not ready, the traffic staying on the canary',
      state: interrupted(),
      facts: facts({ primary: REBUILDING, routes: routes(0, 100) }),
      phase: 'Progressing',
      decision: 'wait',
      types: ['reconcileRouter', 'recordEvent'],
      messages: [NOT_READY],
    },
    {
      name: 'moves the traffic to the canary once it can take it, while the rebuilt primary has no pod',
      state: interrupted({ canaryWeight: 20 }),
      facts: facts({ primary: REBUILDING, routes: routes(80, 20) }),
      decision: 'wait',
      messages: [NO_REPLICA, NOT_READY],
      then: (d) => expect(routesSet(d)).toEqual([ALL_CANARY]),
    },
    {
      name: 'waits for the rebuilt primary with skipAnalysis too, instead of promoting past it',
      canary: canary({}, { skipAnalysis: true }),
      state: interrupted(),
      facts: facts({ primary: REBUILDING, routes: routes(0, 100) }),
      decision: 'wait',
      types: ['reconcileRouter', 'recordEvent'],
    },
    {
      name: 'keeps a pending promote request until the run has restarted',
      state: { ...interrupted(), controls: [{ action: 'promote', requestedBy: 'cli:alice', requestedAt: ago(5) }] },
      facts: facts({ primary: REBUILDING, routes: routes(0, 100) }),
      decision: 'wait',
      then: (d) => expect(d.next.controls.map((c) => c.action)).toEqual(['promote']),
    },
    {
      name: 'restarts the analysis from its first step once the rebuilt primary is ready, routes back on the primary',
      state: interrupted(),
      facts: facts({ routes: routes(0, 100) }),
      phase: 'Progressing',
      decision: 'restart',
      types: ['reconcileRouter', 'recordEvent', 'setRoutes'],
      messages: [RESTARTING],
      then: (d) => {
        expect(routesSet(d)).toEqual([ALL_PRIMARY]);
        expect(d.next).toMatchObject({ canaryWeight: 0, failedChecks: 0, iterations: 0, lastAppliedSpec: 'rev-2', progressingSince: NOW, canaryNotReadySince: NOW });
      },
    },
    {
      name: 'restarts as for any new revision when the target changed while the primary was rebuilt',
      state: interrupted(),
      facts: facts({ routes: routes(0, 100), target: { templateHash: 'rev-3', template: template('rev-3') } }),
      decision: 'restart',
      messages: ['New revision detected! Restarting analysis for podinfo.test'],
      then: (d) => expect(d.next.lastAppliedSpec).toBe('rev-3'),
    },
    {
      name: 'cancels the run when the target went back to the promoted revision meanwhile',
      state: interrupted(),
      facts: facts({ routes: routes(0, 100), target: { templateHash: 'rev-1', template: template('rev-1') } }),
      phase: 'Initialized',
      decision: 'cancel',
      then: (d) => expect(routesSet(d)).toEqual([ALL_PRIMARY]),
    },
  ])('$name', (row) => {
    check(row);
  });
});

/**
 * Every step: weights sum to 100, the canary keeps replicas while it carries traffic, and with `protectedPrimary`
 * (the canary was ready to take the traffic) a primary that is not ready gets none.
 */
function checkPath(path: readonly Observed[], protectedPrimary: boolean): void {
  for (const o of path) {
    expect(o.routes.primary + o.routes.canary, `step ${o.step}: weights sum to 100`).toBe(100);
    if (o.routes.canary > 0) expect(o.canaryReplicas, `step ${o.step}: canary replicas while it carries traffic`).toBeGreaterThan(0);
    if (protectedPrimary && !o.primaryReady) expect(o.routes.primary, `step ${o.step}: no traffic to an unready primary`).toBe(0);
  }
}

describe('paths through a lost primary', () => {
  const c = canary();
  const start = (rules = {}): World => {
    const world = new World(rules);
    world.run(c, (o) => o.result.next.phase === 'Initialized', 5);
    return world;
  };

  it('brings the primary back on the promoted revision, keeps traffic off it until ready, restarts the run and promotes', () => {
    const world = start({ rebuildTakes: 2 });
    world.deploy('rev-2');
    const before = world.run(c, (o) => o.routes.canary === 20);
    world.deletePrimary();
    const after = world.run(c, (o) => ['Succeeded', 'Failed'].includes(o.result.next.phase));
    checkPath([...before, ...after], true);

    const [lost, waiting, restarted] = after;
    expect(lost?.result.messages).toEqual([REBUILT, NO_REPLICA, INTERRUPTED]);
    expect(lost?.routes).toMatchObject(ALL_CANARY);
    expect(lost?.primaryReady).toBe(false);
    expect([waiting?.primaryReady, waiting?.routes.primary, waiting?.result.decision]).toEqual([false, 0, 'wait']);
    expect(restarted?.result.messages).toEqual([RESTARTING]);
    expect(restarted?.routes).toMatchObject(ALL_PRIMARY);
    expect(after.flatMap((o) => o.result.messages)).toContain('Starting canary analysis for podinfo.test');
    expect(after.filter((o) => o.result.next.phase === 'Progressing').map((o) => o.routes.canary)).toEqual([100, 100, 0, 10, 20, 30, 40, 50]);
    expect(after.at(-1)?.result.next.phase).toBe('Succeeded');
    expect(world.primaryRevision).toBe('rev-2');
  });

  it('never lets the canary’s revision reach the rebuilt primary before its run is analysed', () => {
    const world = start({ rebuildTakes: 1 });
    world.deploy('rev-2');
    world.run(c, (o) => o.routes.canary === 30);
    world.deletePrimary();
    world.step(c);

    expect(world.primaryRevision).toBe('rev-1');
  });

  it('finishes a promotion whose primary was lost with the revision being promoted', () => {
    const world = start({ rebuildTakes: 1 });
    world.deploy('rev-2');
    world.run(c, (o) => o.result.next.phase === 'Promoting');
    world.deletePrimary();
    const after = world.run(c, (o) => ['Succeeded', 'Failed'].includes(o.result.next.phase));
    checkPath(after, true);

    expect(after[0]?.result.messages).toEqual([REBUILT_PROMOTING, NO_REPLICA]);
    expect(after[0]?.routes).toMatchObject(ALL_CANARY);
    expect(world.primaryRevision).toBe('rev-2');
    expect(after.at(-1)?.result.next).toMatchObject({ phase: 'Succeeded', lastPromotedSpec: 'rev-2' });
  });

  it('rebuilds an idle primary from the promoted revision when a release arrives with the deletion, then runs the release', () => {
    const world = start({ rebuildTakes: 2 });
    world.deletePrimary();
    world.deploy('rev-2');
    const rebuilt = world.step(c);
    expect(rebuilt.result.decision).toBe('rebuild');
    expect(world.primaryRevision).toBe('rev-1');

    const after = world.run(c, (o) => ['Succeeded', 'Failed'].includes(o.result.next.phase));
    // The canary is scaled to zero between runs: nothing can take the primary's traffic until it is back.
    checkPath(after, false);
    expect(after[0]?.result.messages).toEqual(['Halt podinfo.test advancement, the new revision waits for a ready primary: podinfo-primary.test not ready: waiting for rollout to finish']);
    expect(after.at(-1)?.result.next.phase).toBe('Succeeded');
    expect(world.primaryRevision).toBe('rev-2');
  });
});
