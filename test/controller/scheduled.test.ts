/**
 * One schedule firing through `runScheduledAdvance` on the simulated cluster: several steps per firing below
 * a minute, spaced by the interval and ending before the next firing or the invocation's deadline; the
 * schedule disabled at rest (not while a rollback's scale-down is pending) and enabled by a kick; stale and
 * repeated firings skipped.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runScheduledAdvance, type ScheduledDeps } from '../../shared/controller/index.ts';
import type { KubeObject } from '../../shared/kube/index.ts';
import { InProcessSchedules, type AdvanceEvent } from '../../shared/schedule/index.ts';
import { requestControl } from '../../shared/store/index.ts';
import { formatIssue, parseScenario } from '../../sim/scenario/parse.ts';
import { startSimulation, type Simulation } from '../../sim/scenario/simulation.ts';
import { DEPLOYMENT, canary, file, scenario } from '../sim/scenario/fixtures.ts';

let sim: Simulation | undefined;
let schedules: InProcessSchedules | undefined;
afterEach(async () => {
  await schedules?.stop();
  await sim?.stop();
  sim = undefined;
});

async function setup(interval: string, budgetMs = Number.POSITIVE_INFINITY) {
  const text = canary().replace('interval: 1m', `interval: ${interval}`).replace('iterations: 3', 'iterations: 20');
  const parsed = parseScenario(file(DEPLOYMENT, text, scenario('  maxTicks: 50')), 'scheduled.yaml');
  if (!parsed.ok) throw new Error(parsed.issues.map(formatIssue).join('\n'));
  const s = await startSimulation(parsed.file);
  sim = s;
  schedules = new InProcessSchedules({ fire: async () => undefined });
  const stepTimes: string[] = [];
  const deps: ScheduledDeps = {
    controller: async () => s.deps,
    store: s.deps.store,
    schedules,
    now: () => s.clock.now(),
    sleep: async (ms) => {
      s.clock.set(s.clock.now().getTime() + ms);
      s.world.tick(s.clock.now());
    },
    // The invocation's deadline, counted from the last scheduled firing in virtual time.
    remainingMs: () => deadline - s.clock.now().getTime(),
    onStep: () => stepTimes.push(s.clock.now().toISOString()),
  };
  let deadline = Number.POSITIVE_INFINITY;
  const fire = (over: Partial<AdvanceEvent> = {}) => {
    deadline = s.clock.now().getTime() + budgetMs;
    return runScheduledAdvance(deps, { ...s.id, intervalMs: parseInterval(interval), ...over });
  };
  const pass = (ms: number) => {
    s.clock.set(s.clock.now().getTime() + ms);
    s.world.tick(s.clock.now());
  };
  /** Initializes the canary, then releases podinfo:2 and kicks it: a run in flight. */
  const release = async () => {
    for (let i = 0; i < 5 && (await s.deps.store.load(s.id))?.state.phase !== 'Initialized'; i++) {
      pass(60_000);
      await fire();
    }
    await s.kube.patch({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'test', name: 'podinfo' }, 'strategic', {
      spec: { template: { spec: { containers: [{ name: 'podinfod', image: 'podinfo:2' }] } } },
    });
    pass(10_000);
    await fire();
    expect((await s.deps.store.load(s.id))?.state.phase).toBe('Progressing');
  };
  return { s, deps, fire, stepTimes, pass, schedules, release };
}

function parseInterval(text: string): number {
  return text.endsWith('s') ? Number(text.slice(0, -1)) * 1000 : Number(text.slice(0, -1)) * 60_000;
}

describe('runScheduledAdvance', () => {
  it('runs the steps of a minute in one firing when the interval is 10 s, spaced by the interval, ending before the next firing', async () => {
    const { s, fire, stepTimes, pass, release } = await setup('10s');
    await release();
    pass(10_000);
    stepTimes.length = 0;
    const start = s.clock.now().getTime();

    const outcome = await fire({ scheduledTime: s.clock.now().toISOString() });

    expect(outcome.kind).toBe('ran');
    expect(outcome.results.length).toBe(5);
    expect(stepTimes.map((t) => Date.parse(t) - start)).toEqual([0, 10_000, 20_000, 30_000, 40_000]);
    expect(s.clock.now().getTime() - start).toBeLessThan(60_000 - 5_000);
  });

  it('stops early when the invocation has too little time left', async () => {
    const { s, fire, pass, release } = await setup('10s', 22_000);
    await release();
    pass(10_000);

    const outcome = await fire({ scheduledTime: s.clock.now().toISOString() });

    expect(outcome.results.length).toBe(2);
  });

  it('skips a firing older than one interval, and a firing whose step was already taken', async () => {
    const { s, fire, pass } = await setup('1m');
    await fire();
    pass(60_000);
    const due = s.clock.now().toISOString();
    expect((await fire({ scheduledTime: due })).kind).toBe('ran');

    expect((await fire({ scheduledTime: due })).kind).toBe('duplicate');
    pass(150_000);
    expect((await fire({ scheduledTime: due })).kind).toBe('stale');
  });

  it('takes a redelivered firing for a duplicate from its one state load, with no other read a commit could fall between', async () => {
    const { s, deps, pass } = await setup('1m');
    await runScheduledAdvance(deps, { ...s.id, intervalMs: 60_000 });
    pass(60_000);
    const due = s.clock.now().toISOString();
    let loads = 0;
    // The history is no witness: a delivery that read it before another's commit and the state after used to
    // step a second time. Only the state item (version and step time together) may decide.
    const store = new Proxy(s.deps.store, {
      get(target, key, receiver) {
        if (key === 'history') return () => Promise.reject(new Error('a firing must not decide from the history'));
        if (key === 'load') return (...args: Parameters<typeof target.load>) => (loads++, target.load(...args));
        const value = Reflect.get(target, key, receiver) as unknown;
        // The store keeps private fields: its methods run on the store itself, not on the proxy.
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const guarded: ScheduledDeps = { ...deps, store, controller: async () => ({ ...s.deps, store }) };

    expect((await runScheduledAdvance(guarded, { ...s.id, intervalMs: 60_000, scheduledTime: due })).kind).toBe('ran');
    const version = (await s.deps.store.load(s.id))?.version;
    const concurrent = await Promise.all(Array.from({ length: 5 }, () => runScheduledAdvance(guarded, { ...s.id, intervalMs: 60_000, scheduledTime: due })));

    expect(concurrent.map((o) => o.kind)).toEqual(Array(5).fill('duplicate'));
    expect((await s.deps.store.load(s.id))?.version).toBe(version);
    // One load per delivery: the step's own, which decides.
    expect(loads).toBe(6);
  });

  it('enables the schedule when a kick starts a run, and disables it when a step leaves nothing in flight', async () => {
    const { s, fire, pass, schedules: port } = await setup('1m');
    await port.create({ canary: s.id, intervalMs: 60_000, enabled: false });

    const first = await fire();
    expect(first.results.map((r) => (r.kind === 'advanced' ? `${r.step.next.phase} ${r.step.active}` : r.kind))).toEqual(['Initializing true']);
    expect((await port.get(s.id))?.enabled).toBe(true);

    for (let i = 0; i < 5 && (await port.get(s.id))?.enabled; i++) {
      pass(60_000);
      await fire({ scheduledTime: s.clock.now().toISOString() });
    }
    expect((await s.deps.store.load(s.id))?.state.phase).toBe('Initialized');
    expect((await port.get(s.id))?.enabled).toBe(false);
  });

  it('keeps the schedule enabled after a rollback until the step that scales the canary down', async () => {
    const { s, fire, pass, release, schedules: port } = await setup('1m');
    await release();
    await port.create({ canary: s.id, intervalMs: 60_000, enabled: true });
    await requestControl(s.deps.store, s.id, { action: 'abort', requestedBy: 'cli:alice', requestedAt: s.clock.now().toISOString() });
    const target = () => s.kube.get<{ spec: { replicas?: number } } & KubeObject>({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'test', name: 'podinfo' });

    pass(60_000);
    const rollback = await fire({ scheduledTime: s.clock.now().toISOString() });
    expect(rollback.results.map((r) => (r.kind === 'advanced' ? `${r.step.decision} ${r.step.next.phase} ${r.step.active}` : r.kind))).toEqual(['rollback Failed true']);
    // Failed, a resting phase, yet the schedule stays on: the canary still has its pods to scale down.
    expect((await port.get(s.id))?.enabled).toBe(true);
    expect((await target())?.spec.replicas).toBeGreaterThan(0);

    pass(60_000);
    const scaledDown = await fire({ scheduledTime: s.clock.now().toISOString() });
    expect(scaledDown.results.map((r) => (r.kind === 'advanced' ? `${r.step.decision} ${r.step.next.phase} ${r.step.active}` : r.kind))).toEqual(['scaleDown Failed false']);
    expect((await port.get(s.id))?.enabled).toBe(false);
    expect((await target())?.spec.replicas).toBe(0);
  });

  it('deletes the schedule of a canary that is gone', async () => {
    const { s, fire, schedules: port } = await setup('1m');
    await port.create({ canary: s.id, intervalMs: 60_000, enabled: true });

    const outcome = await fire({ name: 'nothing-here', scheduledTime: s.clock.now().toISOString() });

    expect(outcome.results.map((r) => r.kind)).toEqual(['notFound']);
    expect(await port.get({ ...s.id, name: 'nothing-here' })).toBeUndefined();
  });
});
