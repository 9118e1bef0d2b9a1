/**
 * One controller tick against real things: the Kubernetes API emulator through the real client, the workload
 * world, the in-memory store. What is asserted is what the cluster and the store hold afterwards.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { CanaryState } from '../../shared/api/state.ts';
import { advanceCanary, runtimeControl, type ControllerDeps } from '../../shared/controller/index.ts';
import type { WebhookCall } from '../../shared/hooks/index.ts';
import type { KubeObject } from '../../shared/kube/index.ts';
import type { CanaryStore } from '../../shared/store/index.ts';
import { formatIssue, parseScenario } from '../../sim/scenario/parse.ts';
import { startSimulation, type Simulation } from '../../sim/scenario/simulation.ts';
import { DEPLOYMENT, canary, file, scenario } from '../sim/scenario/fixtures.ts';
import { REFUSED_PROVIDER, refusalMessage } from '../routers/refused.ts';

const MINUTE = 60_000;
let sim: Simulation | undefined;

afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

async function start(canaryText = canary()): Promise<Simulation> {
  const parsed = parseScenario(file(DEPLOYMENT, canaryText, scenario('  maxTicks: 50')), 'controller.yaml');
  if (!parsed.ok) throw new Error(parsed.issues.map(formatIssue).join('\n'));
  sim = await startSimulation(parsed.file);
  return sim;
}

/** One tick at minute `n`: the controller, then the world settles, as the scenario runner does. */
async function tick(s: Simulation, n: number, deps: ControllerDeps = s.deps) {
  const now = new Date(Date.parse('2026-01-01T00:00:00Z') + n * MINUTE);
  s.clock.set(now.getTime());
  const result = await advanceCanary(deps, s.id, now, { tick: n });
  s.world.tick(now);
  return result;
}

async function state(s: Simulation): Promise<CanaryState | undefined> {
  return (await s.deps.store.load(s.id))?.state;
}

async function clusterEvents(s: Simulation): Promise<string[]> {
  const events = await s.kube.list<KubeObject>('v1', 'Event', { namespace: 'test' });
  return events.map((e) => String(e['message']));
}

async function setImage(s: Simulation, image: string): Promise<void> {
  await s.kube.patch({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'test', name: 'podinfo' }, 'strategic', {
    spec: { template: { spec: { containers: [{ name: 'podinfod', image }] } } },
  });
}

describe('advanceCanary', () => {
  it('applies the step, commits state and history, mirrors the status and records the events', async () => {
    const s = await start();

    expect((await tick(s, 1)).kind).toBe('advanced');
    const second = await tick(s, 2);

    expect(second.kind).toBe('advanced');
    expect(await state(s)).toMatchObject({ phase: 'Initialized', version: 2 });
    const history = await s.deps.store.history(s.id);
    expect(history.items.map((i) => [i.tick, i.phaseAfter, i.actor])).toEqual([
      [1, 'Initializing', 'fledge-simulate'],
      [2, 'Initialized', 'fledge-simulate'],
    ]);
    const object = await s.kube.get<KubeObject>({ apiVersion: 'flagger.app/v1beta1', kind: 'Canary', namespace: 'test', name: 'podinfo' });
    expect(object?.['status']).toMatchObject({ phase: 'Initialized', canaryWeight: 0, conditions: [{ type: 'Promoted', status: 'True', reason: 'Initialized' }] });
    expect(await clusterEvents(s)).toContain('Initialization done! podinfo.test');
    expect(await s.kube.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'test', name: 'podinfo-primary' })).toBeDefined();
  });

  it('says and mirrors nothing when it loses the commit race', async () => {
    const s = await start();
    await tick(s, 1);
    await tick(s, 2);
    await setImage(s, 'podinfo:2');
    const losing: CanaryStore = { ...bind(s.deps.store), commit: async () => ({ kind: 'conflict' }) };
    const before = await clusterEvents(s);

    const result = await tick(s, 3, { ...s.deps, store: losing });

    expect(result.kind).toBe('conflict');
    expect(await state(s)).toMatchObject({ phase: 'Initialized', version: 2 });
    expect(await clusterEvents(s)).toEqual(before);
    expect(s.notifier.drain()).toEqual([{ severity: 'info', message: 'New Deployment detected, initialization completed.' }]);
    const object = await s.kube.get<KubeObject>({ apiVersion: 'flagger.app/v1beta1', kind: 'Canary', namespace: 'test', name: 'podinfo' });
    expect((object?.['status'] as { phase?: string }).phase).toBe('Initialized');
  });

  it('commits nothing when a cluster write fails, and decides again on the next tick', async () => {
    const s = await start();
    await tick(s, 1);
    await tick(s, 2);
    await setImage(s, 'podinfo:2');
    s.emulator.faults.add({ resource: 'deployments', verb: 'patch', name: 'podinfo' }, { type: 'status', code: 403, reason: 'Forbidden', message: 'scaling is not allowed' });
    s.emulator.faults.add({ resource: 'deployments', verb: 'update', name: 'podinfo' }, { type: 'status', code: 403, reason: 'Forbidden', message: 'scaling is not allowed' });
    s.emulator.faults.add({ resource: 'deployments/scale', name: 'podinfo' }, { type: 'status', code: 403, reason: 'Forbidden', message: 'scaling is not allowed' });

    const failed = await tick(s, 3);

    expect(failed.kind).toBe('effectFailed');
    expect(failed.kind === 'effectFailed' && failed.effect.type).toBe('scaleCanary');
    expect(await state(s)).toMatchObject({ phase: 'Initialized', version: 2 });
    expect((await clusterEvents(s)).some((m) => m.startsWith('scaleCanary failed: '))).toBe(true);
    expect(await clusterEvents(s)).not.toContain('New revision detected! Scaling up podinfo.test');

    const retried = await tick(s, 4);

    expect(retried.kind).toBe('advanced');
    expect(await state(s)).toMatchObject({ phase: 'Progressing', version: 3 });
    expect(await clusterEvents(s)).toContain('New revision detected! Scaling up podinfo.test');
  });

  it('forwards every recorded event to the Canary\'s event webhooks, with Flagger\'s payload', async () => {
    const s = await start(canary('    webhooks:\n      - {name: audit, type: event, url: http://audit.test/, metadata: {team: payments}}'));
    const calls: WebhookCall[] = [];
    const hooks = { call: async (call: WebhookCall) => (calls.push(call), s.hooks.call(call)) };

    await tick(s, 1, { ...s.deps, hooks });
    await tick(s, 2, { ...s.deps, hooks });

    expect(calls.map((c) => [c.name, c.type, c.payload.phase, c.payload.metadata])).toEqual([
      ['audit', 'event', 'Initialized', { team: 'payments', eventMessage: 'Initialization done! podinfo.test', eventType: 'Normal', timestamp: String(Date.parse('2026-01-01T00:02:00Z')) }],
    ]);
  });

  it('refuses a Canary whose provider Fledge refuses, naming the field', async () => {
    const provider = REFUSED_PROVIDER;
    const s = await start();
    await s.kube.patch({ apiVersion: 'flagger.app/v1beta1', kind: 'Canary', namespace: 'test', name: 'podinfo' }, 'merge', { spec: { provider } });

    const result = await tick(s, 1);

    expect(result).toEqual({
      kind: 'invalid',
      errors: [{ path: 'spec.provider', message: refusalMessage(provider) }],
    });
    expect((await clusterEvents(s)).some((m) => m.startsWith(`Canary podinfo.test is invalid: spec.provider: "${provider}"`))).toBe(true);
  });

  it('reports a Canary that does not exist', async () => {
    const s = await start();

    expect(await advanceCanary(s.deps, { ...s.id, name: 'missing' }, new Date('2026-01-01T00:01:00Z'))).toEqual({ kind: 'notFound' });
  });

  it.each([
    {
      issues: 'one issue',
      analysis: { webhooks: [{ name: 'smoke', url: 'smoke-test' }] },
      event: 'Canary podinfo.test is invalid: spec.analysis.webhooks[0].url: must be an absolute http(s) URL; got "smoke-test"',
    },
    {
      // One issue per line: the messages themselves contain '; '.
      issues: 'issues',
      analysis: { webhooks: [{ name: 'smoke', url: 'smoke-test' }], sessionAffinity: { cookieName: 'same', primaryCookieName: 'same' } },
      event: [
        'Canary podinfo.test is invalid:',
        '  spec.analysis.webhooks[0].url: must be an absolute http(s) URL; got "smoke-test"',
        '  spec.analysis.sessionAffinity.primaryCookieName: must differ from cookieName (both "same")',
      ].join('\n'),
    },
  ])('refuses an invalid Canary and records its $issues on it with the field paths', async ({ analysis, event }) => {
    const s = await start();
    await s.kube.patch({ apiVersion: 'flagger.app/v1beta1', kind: 'Canary', namespace: 'test', name: 'podinfo' }, 'merge', { spec: { analysis } });

    const result = await tick(s, 1);

    expect(result.kind).toBe('invalid');
    expect(await state(s)).toBeUndefined();
    expect(await clusterEvents(s)).toEqual([event]);
  });
});

describe('runtimeControl', () => {
  it('queues a control the next tick consumes, and knows no canary the controller has not seen', async () => {
    const s = await start();
    const now = new Date('2026-01-01T00:00:30Z');

    expect(await runtimeControl(s.deps, s.id, { action: 'pause', requestedBy: 'test:alice' }, now)).toEqual({ kind: 'notFound' });
    await tick(s, 1);
    await tick(s, 2);
    expect(await runtimeControl(s.deps, s.id, { action: 'pause', requestedBy: 'test:alice', reason: 'freeze' }, new Date('2026-01-01T00:02:30Z'))).toEqual({
      kind: 'requested',
      version: 3,
    });
    await setImage(s, 'podinfo:2');

    await tick(s, 3);

    expect(await state(s)).toMatchObject({ phase: 'Initialized', paused: true, controls: [] });
    expect(s.events.drain().map((e) => e.message)).toContain('skipping canary run as object is paused');
  });
});

/** The store's methods bound to it, so a test can replace one of them. */
function bind(store: CanaryStore): CanaryStore {
  return {
    load: store.load.bind(store),
    commit: store.commit.bind(store),
    history: store.history.bind(store),
    list: store.list.bind(store),
  };
}
