/**
 * The controller's announcements through the real notification path: a release played by the real controller
 * against the emulator, alerts to SNS and EventBridge and phase changes to EventBridge through the real SDK
 * clients and local endpoints. A destination that refuses never fails a step, and what it refused is delivered
 * on the next announcement. Webhook URLs never reach the controller's log, events or history.
 */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SNSClient } from '@aws-sdk/client-sns';
import { afterEach, describe, expect, it } from 'vitest';
import { advanceCanary, type ControllerDeps, type ControllerLogEntry } from '../../shared/controller/index.ts';
import { HttpHookCaller } from '../../shared/hooks/index.ts';
import type { KubeObject } from '../../shared/kube/index.ts';
import { EventBridgePublisher, Notifications, SnsNotifier, type NotifyLogEntry } from '../../shared/notify/index.ts';
import { formatIssue, parseScenario } from '../../sim/scenario/parse.ts';
import { startSimulation, type Simulation } from '../../sim/scenario/simulation.ts';
import { freePort } from '../setup/free-port.ts';
import { DEPLOYMENT, canary, file, scenario } from '../sim/scenario/fixtures.ts';
import { TEST_CREDENTIALS, startFakeEventBridge, startFakeSns } from './aws-fakes.ts';

const MINUTE = 60_000;
const stops: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

async function setup(extra = '') {
  const [sns, bus] = await Promise.all([startFakeSns(), startFakeEventBridge()]);
  stops.push(() => sns.close(), () => bus.close());
  const snsClient = new SNSClient({ region: 'us-east-1', endpoint: sns.url, credentials: TEST_CREDENTIALS, maxAttempts: 1 });
  const eventsClient = new EventBridgeClient({ region: 'us-east-1', endpoint: bus.url, credentials: TEST_CREDENTIALS, maxAttempts: 1 });
  stops.push(() => snsClient.destroy(), () => eventsClient.destroy());
  const parsed = parseScenario(file(DEPLOYMENT, canary(extra), scenario('  maxTicks: 50')), 'notify.yaml');
  if (!parsed.ok) throw new Error(parsed.issues.map(formatIssue).join('\n'));
  const sim = await startSimulation(parsed.file);
  stops.push(() => sim.stop());
  const events = new EventBridgePublisher({ client: eventsClient, now: () => sim.clock.now() });
  const notifyLogs: NotifyLogEntry[] = [];
  const notifications = new Notifications({
    cluster: sim.deps.cluster,
    reader: sim.kube,
    channels: [new SnsNotifier({ client: snsClient, topicArn: 'arn:aws:sns:us-east-1:123456789012:fledge' }), events],
    phaseChanges: events,
    log: (entry) => notifyLogs.push(entry),
  });
  const hooks = new HttpHookCaller({ sleep: async () => undefined });
  stops.push(() => hooks.close());
  const logs: ControllerLogEntry[] = [];
  const deps: ControllerDeps = { ...sim.deps, alerts: notifications, phaseChanges: notifications, hooks, log: (entry) => logs.push(entry) };
  return { sns, bus, sim, deps, notifications, logs, notifyLogs };
}

async function tick(s: Simulation, deps: ControllerDeps, n: number) {
  const now = new Date(Date.parse('2026-01-01T00:00:00Z') + n * MINUTE);
  s.clock.set(now.getTime());
  const result = await advanceCanary(deps, s.id, now, { tick: n });
  s.world.tick(now);
  return result;
}

async function setImage(s: Simulation, image: string): Promise<void> {
  await s.kube.patch({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'test', name: 'podinfo' }, 'strategic', {
    spec: { template: { spec: { containers: [{ name: 'podinfod', image }] } } },
  });
}

describe('controller announcements through SNS and EventBridge', () => {
  it('publishes every phase change and every alert, with the images before and after', async () => {
    const { sns, bus, sim, deps } = await setup();

    for (let n = 1; n <= 2; n++) await tick(sim, deps, n);
    await setImage(sim, 'ghcr.io/stefanprodan/podinfo:6.0.1');
    for (let n = 3; n <= 12; n++) await tick(sim, deps, n);

    const state = (await sim.deps.store.load(sim.id))?.state;
    expect(state?.phase).toBe('Succeeded');
    const changes = bus.events.filter((e) => e.DetailType === 'Canary Phase Change').map((e) => JSON.parse(e.Detail) as Record<string, unknown>);
    const transitions = changes.map((c) => `${String(c['phaseBefore'])}→${String(c['phaseAfter'])}`);
    expect(transitions[0]).toBe('null→Initializing');
    expect(transitions).toContain('Initializing→Initialized');
    expect(transitions).toContain('Initialized→Progressing');
    expect(transitions.at(-1)).toMatch(/→Succeeded$/);
    // One event per committed phase change, in history's order.
    const history = (await sim.deps.store.history(sim.id)).items.filter((i) => i.phaseBefore !== i.phaseAfter);
    expect(transitions).toEqual(history.map((i) => `${i.phaseBefore ?? null}→${i.phaseAfter}`));
    expect(changes.at(-1)).toMatchObject({
      cluster: 'fledge-simulate',
      namespace: 'test',
      canary: 'podinfo',
      revision: state?.lastAppliedSpec,
      images: { before: 'ghcr.io/stefanprodan/podinfo:6.0.0', after: 'ghcr.io/stefanprodan/podinfo:6.0.1' },
    });

    const alerts = sns.published.map((m) => JSON.parse(m.message) as { message: string; phase: string; fields: { name: string; value: string }[] });
    const newRevision = alerts.find((a) => a.message === 'New revision detected, progressing canary analysis.');
    expect(newRevision?.phase).toBe('Progressing');
    expect(newRevision?.fields.map((f) => f.name)).toEqual(['Cluster', 'Target', 'Failed checks threshold', 'Progress deadline', 'Traffic routing', 'Image before', 'Image after']);
    expect(newRevision?.fields.find((f) => f.name === 'Image after')?.value).toBe('ghcr.io/stefanprodan/podinfo:6.0.1');
    const alertEvents = bus.events.filter((e) => e.DetailType === 'Canary Alert');
    expect(alertEvents).toHaveLength(sns.published.length);
    expect(sns.published.at(-1)?.attributes['phase']).toEqual({ dataType: 'String', value: 'Succeeded' });
  });

  it('never fails a step for a refused delivery, and delivers it on the next announcement', async () => {
    const { sns, bus, sim, deps, notifications, notifyLogs } = await setup();
    sns.refuse(5, 'InternalError');
    bus.refuse(1);

    const first = await tick(sim, deps, 1);
    expect(first.kind).toBe('advanced');
    expect(notifications.pending()).toEqual({ eventbridge: 1 });
    expect(notifyLogs.some((l) => l.destination === 'eventbridge' && l.level === 'warn')).toBe(true);

    const second = await tick(sim, deps, 2);
    expect(second.kind).toBe('advanced');
    expect((await sim.deps.store.load(sim.id))?.state.phase).toBe('Initialized');
    const transitions = bus.events.filter((e) => e.DetailType === 'Canary Phase Change').map((e) => JSON.parse(e.Detail) as { phaseAfter: string });
    expect(transitions.map((t) => t.phaseAfter)).toEqual(['Initializing', 'Initialized']);
    expect(notifications.pending()['eventbridge']).toBe(0);
  });

  it('keeps webhook URL secrets out of the log, the events and the history', async () => {
    const port = await freePort();
    const url = `http://hook-user:hook-pass@127.0.0.1:${port}/events?token=very-secret-token`;
    const { sim, deps, logs } = await setup(`    webhooks:\n      - {name: audit, type: event, url: "${url}", retries: 1}\n      - {name: smoke, type: pre-rollout, url: "${url}"}`);

    for (let n = 1; n <= 2; n++) await tick(sim, deps, n);
    await setImage(sim, 'ghcr.io/stefanprodan/podinfo:6.0.1');
    for (let n = 3; n <= 5; n++) await tick(sim, deps, n);

    const history = (await sim.deps.store.history(sim.id)).items;
    const events = (await sim.kube.list<KubeObject>('v1', 'Event', { namespace: 'test' })).map((e) => String(e['message']));
    expect(logs.some((l) => l.message.startsWith('event webhook audit failed: POST http://127.0.0.1:'))).toBe(true);
    expect(events.some((m) => m.startsWith(`Halt podinfo.test advancement pre-rollout check smoke failed POST http://127.0.0.1:${port}/events failed`))).toBe(true);
    const shown = JSON.stringify({ logs, history, events });
    for (const secret of ['very-secret-token', 'hook-pass', 'hook-user']) expect(shown).not.toContain(secret);
  });

  it('publishes the Terminated phase change and its alert when the Canary is deleted', async () => {
    const { sns, bus, sim, deps } = await setup();
    for (let n = 1; n <= 2; n++) await tick(sim, deps, n);
    await sim.kube.delete({ apiVersion: 'flagger.app/v1beta1', kind: 'Canary', namespace: 'test', name: 'podinfo' });

    expect((await tick(sim, deps, 3)).kind).toBe('advanced');

    const last = JSON.parse(bus.events.filter((e) => e.DetailType === 'Canary Phase Change').at(-1)?.Detail ?? '{}') as Record<string, unknown>;
    expect(last).toMatchObject({ phaseBefore: 'Initialized', phaseAfter: 'Terminated', images: { before: 'ghcr.io/stefanprodan/podinfo:6.0.0' } });
    expect(sns.published.at(-1)?.attributes).toMatchObject({ severity: { value: 'warn' }, phase: { value: 'Terminated' } });
  });
});
