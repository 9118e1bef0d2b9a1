/**
 * End to end through the real Lambda handlers: a Canary created, initialized, released to Succeeded, and a
 * bad release rolled back, with the schedule enabled and disabled at the right moments, the Canary's status
 * and events mirrored, and every log line carrying the canary's keys.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../shared/kube/index.ts';
import { scheduleName } from '../../shared/schedule/index.ts';
import { CLUSTER, startRuntime, type Runtime } from './harness.ts';

const id = { cluster: CLUSTER, namespace: 'test', name: 'podinfo' };
const canaryRef = { apiVersion: 'flagger.app/v1beta1', kind: 'Canary', namespace: 'test', name: 'podinfo' };
let rt: Runtime;

beforeAll(async () => {
  rt = await startRuntime({ images: { 'podinfo:bad': { crashLoop: true } } });
  await rt.kubectl.create({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'podinfo', namespace: 'test', labels: { app: 'podinfo' } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'podinfo' } },
      template: { metadata: { labels: { app: 'podinfo' } }, spec: { containers: [{ name: 'podinfod', image: 'podinfo:1', ports: [{ name: 'http', containerPort: 9898 }] }] } },
    },
  });
  await rt.kubectl.create({
    apiVersion: 'flagger.app/v1beta1',
    kind: 'Canary',
    metadata: { name: 'podinfo', namespace: 'test' },
    spec: {
      provider: 'kubernetes',
      targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo' },
      progressDeadlineSeconds: 120,
      service: { port: 9898 },
      analysis: { interval: '1m', threshold: 2, iterations: 2 },
    },
  });
  rt.pass(10_000);
});
afterAll(() => rt.stop());

/** One minute of the runtime: the clock moves, the watcher runs, its kicks are delivered, Scheduler fires. */
async function minute(): Promise<void> {
  rt.pass(60_000);
  await rt.watcher();
  await rt.deliverKicks();
  await rt.player.fire(rt.clock.now());
}

async function until(phase: string, maxMinutes: number): Promise<string[]> {
  const seen: string[] = [];
  for (let i = 0; i < maxMinutes; i++) {
    await minute();
    const current = (await rt.ports.store.load(id))?.state.phase ?? 'none';
    seen.push(current);
    if (current === phase && schedule()?.State === 'DISABLED') return seen;
  }
  throw new Error(`not ${phase} with a disabled schedule after ${maxMinutes} minutes: ${seen.join(' → ')}`);
}

function schedule() {
  return rt.scheduler.schedules.get(`fledge/${scheduleName(id)}`);
}

async function status(): Promise<Record<string, unknown> | undefined> {
  return (await rt.kubectl.get<KubeObject>(canaryRef))?.['status'] as Record<string, unknown> | undefined;
}

async function events(): Promise<string[]> {
  return (await rt.kubectl.list<KubeObject>('v1', 'Event', { namespace: 'test' })).map((e) => String(e['message']));
}

async function setImage(image: string): Promise<void> {
  await rt.kubectl.patch({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'test', name: 'podinfo' }, 'strategic', {
    spec: { template: { spec: { containers: [{ name: 'podinfod', image }] } } },
  });
}

describe('the advance and watcher Lambdas', () => {
  it('find a new Canary, schedule it, and initialize it, then disable the schedule at rest', async () => {
    await rt.watcher();

    expect(schedule()).toMatchObject({ State: 'ENABLED', ScheduleExpression: 'rate(1 minute)', FlexibleTimeWindow: { Mode: 'OFF' } });
    expect(rt.lambda.queued.map((k) => k.payload)).toEqual([{ ...id, intervalMs: 60_000 }]);

    await rt.deliverKicks();
    const phases = await until('Initialized', 5);

    expect(phases.at(-1)).toBe('Initialized');
    expect(await status()).toMatchObject({ phase: 'Initialized', canaryWeight: 0 });
    expect(await events()).toContain('Initialization done! podinfo.test');
    expect(await rt.kubectl.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'test', name: 'podinfo-primary' })).toBeDefined();
  });

  it('costs nothing at rest: the schedule stays disabled and the watcher changes nothing', async () => {
    rt.scheduler.requests.length = 0;
    const history = (await rt.ports.store.history(id)).items.length;

    await minute();
    await minute();

    expect(rt.scheduler.requests.filter((r) => r.method !== 'GET')).toEqual([]);
    expect(rt.lambda.queued).toEqual([]);
    expect((await rt.ports.store.history(id)).items.length).toBe(history);
  });

  it('starts a new revision at once, releases it to Succeeded, and disables the schedule again', async () => {
    await setImage('podinfo:2');
    rt.pass(10_000);

    await rt.watcher();
    expect(schedule()?.State).toBe('ENABLED');
    expect(rt.lambda.queued).toHaveLength(1);
    await rt.deliverKicks();
    expect((await rt.ports.store.load(id))?.state.phase).toBe('Progressing');

    await until('Succeeded', 12);

    expect(await status()).toMatchObject({ phase: 'Succeeded', canaryWeight: 0 });
    const primary = await rt.kubectl.get<KubeObject>({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'test', name: 'podinfo-primary' });
    expect(JSON.stringify(primary?.['spec'])).toContain('podinfo:2');
    expect(await events()).toContain('Promotion completed! Scaling down podinfo.test');
  });

  it('rolls a bad release back, keeping the primary on the good revision', async () => {
    await setImage('podinfo:bad');
    rt.pass(10_000);

    await rt.watcher();
    await rt.deliverKicks();
    await until('Failed', 10);

    expect(await status()).toMatchObject({ phase: 'Failed', canaryWeight: 0 });
    const primary = await rt.kubectl.get<KubeObject>({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'test', name: 'podinfo-primary' });
    expect(JSON.stringify(primary?.['spec'])).toContain('podinfo:2');
    expect((await events()).some((m) => m.startsWith('Rolling back podinfo.test'))).toBe(true);
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
