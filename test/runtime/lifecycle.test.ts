/**
 * End to end through the real Lambda handlers: a Canary created, initialized, released to Succeeded, and a
 * bad release rolled back, with the schedule enabled and disabled at the right moments, the Canary's status
 * and events mirrored, and every log line carrying the canary's keys.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../shared/kube/index.ts';
import { CLUSTER, startRuntime, type Runtime } from './harness.ts';
import { deployPodinfo, events, id, minute, schedule, setImage, status, until } from './podinfo.ts';

let rt: Runtime;

beforeAll(async () => {
  rt = await startRuntime({ images: { 'podinfo:bad': { crashLoop: true } } });
  await deployPodinfo(rt);
});
afterAll(() => rt.stop());

describe('the advance and watcher Lambdas', () => {
  it('find a new Canary, schedule it, and initialize it, then disable the schedule at rest', async () => {
    await rt.watcher();

    expect(schedule(rt)).toMatchObject({ State: 'ENABLED', ScheduleExpression: 'rate(1 minute)', FlexibleTimeWindow: { Mode: 'OFF' } });
    expect(rt.lambda.queued.map((k) => k.payload)).toEqual([{ ...id, intervalMs: 60_000 }]);

    await rt.deliverKicks();
    const phases = await until(rt, 'Initialized', 5);

    expect(phases.at(-1)).toBe('Initialized');
    expect(await status(rt)).toMatchObject({ phase: 'Initialized', canaryWeight: 0 });
    expect(await events(rt)).toContain('Initialization done! podinfo.test');
    expect(await rt.kubectl.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'test', name: 'podinfo-primary' })).toBeDefined();
  });

  it('costs nothing at rest: the schedule stays disabled and the watcher changes nothing', async () => {
    rt.scheduler.requests.length = 0;
    const history = (await rt.ports.store.history(id)).items.length;

    await minute(rt);
    await minute(rt);

    expect(rt.scheduler.requests.filter((r) => r.method !== 'GET')).toEqual([]);
    expect(rt.lambda.queued).toEqual([]);
    expect((await rt.ports.store.history(id)).items.length).toBe(history);
  });

  it('starts a new revision at once, releases it to Succeeded, and disables the schedule again', async () => {
    await setImage(rt, 'podinfo:2');

    await rt.watcher();
    expect(schedule(rt)?.State).toBe('ENABLED');
    expect(rt.lambda.queued).toHaveLength(1);
    await rt.deliverKicks();
    expect((await rt.ports.store.load(id))?.state.phase).toBe('Progressing');

    await until(rt, 'Succeeded', 12);

    expect(await status(rt)).toMatchObject({ phase: 'Succeeded', canaryWeight: 0 });
    const primary = await rt.kubectl.get<KubeObject>({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'test', name: 'podinfo-primary' });
    expect(JSON.stringify(primary?.['spec'])).toContain('podinfo:2');
    expect(await events(rt)).toContain('Promotion completed! Scaling down podinfo.test');
  });

  it('rolls a bad release back, keeping the primary on the good revision', async () => {
    await setImage(rt, 'podinfo:bad');

    await rt.watcher();
    await rt.deliverKicks();
    const phases = await until(rt, 'Failed', 10);

    // The rollback's step leaves the schedule on; the next one scales the canary down, then it is disabled.
    expect(phases.slice(-2)).toEqual(['Failed', 'Failed']);
    expect((await rt.ports.store.history(id, { order: 'descending', limit: 2 })).items.map((i) => i.decision)).toEqual(['scaleDown', 'rollback']);
    const target = await rt.kubectl.get<KubeObject>({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'test', name: 'podinfo' });
    expect((target?.['spec'] as { replicas?: number }).replicas).toBe(0);
    expect(await status(rt)).toMatchObject({ phase: 'Failed', canaryWeight: 0 });
    const primary = await rt.kubectl.get<KubeObject>({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'test', name: 'podinfo-primary' });
    expect(JSON.stringify(primary?.['spec'])).toContain('podinfo:2');
    expect((await events(rt)).some((m) => m.startsWith('Rolling back podinfo.test'))).toBe(true);
  });

  it('keeps one controller deps object per cluster for the container, so its read memory lasts across invocations', async () => {
    const deps = await rt.ports.controller(CLUSTER);

    expect(await rt.ports.controller(CLUSTER)).toBe(deps);
    const remembered = deps.readMemory?.recall(id).map((read) => `${read.ref.kind} ${read.ref.name}`) ?? [];
    expect(remembered).toEqual(expect.arrayContaining(['Deployment podinfo', 'Deployment podinfo-primary']));
  });

  it('publishes the alerts to the SNS topic and every phase change to EventBridge, through the real notifiers', () => {
    const rollback = rt.sns.published.find((m) => (JSON.parse(m.message) as { severity: string; phase: string }).phase === 'Failed');
    expect(rollback?.topicArn).toBe('arn:aws:sns:eu-west-1:111111111111:fledge');
    expect(rollback?.attributes).toMatchObject({ severity: { dataType: 'String', value: 'error' }, phase: { dataType: 'String', value: 'Failed' }, canary: { dataType: 'String', value: 'podinfo' }, namespace: { dataType: 'String', value: 'test' }, cluster: { dataType: 'String', value: CLUSTER } });
    const phases = rt.eventBridge.events
      .filter((e) => e.Source === 'fledge' && e.DetailType === 'Canary Phase Change')
      .map((e) => (JSON.parse(e.Detail) as { phaseAfter: string }).phaseAfter);
    expect(phases).toEqual(expect.arrayContaining(['Initialized', 'Progressing', 'Succeeded', 'Failed']));
  });

  it('logs every step with the canary keys and counts steps, promotions and rollbacks in EMF', () => {
    const steps = rt.output.filter((line) => line['decision'] !== undefined);
    expect(steps.length).toBeGreaterThan(5);
    for (const line of steps) expect(line).toMatchObject({ cluster: CLUSTER, namespace: 'test', canary: 'podinfo', service: 'fledge', function_name: 'fledge-advance' });
    const emf = rt.output.filter((line) => line['_aws'] !== undefined);
    const total = (name: string) => emf.reduce((sum, doc) => sum + (typeof doc[name] === 'number' ? (doc[name] as number) : Array.isArray(doc[name]) ? (doc[name] as number[]).reduce((a, b) => a + b, 0) : 0), 0);
    expect(total('promotions')).toBe(1);
    expect(total('rollbacks')).toBe(1);
    expect(total('steps')).toBe(steps.length);
    expect(emf[0]?.['_aws']).toMatchObject({ CloudWatchMetrics: [{ Namespace: 'Fledge' }] });
  });
});
