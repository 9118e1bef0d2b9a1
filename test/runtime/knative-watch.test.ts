/**
 * The watcher Lambda and a Canary whose target is a Knative Service (`serving.knative.dev/v1`): through the real
 * handler, the EKS token, the Scheduler and Lambda fakes, it schedules the new canary and kicks its first step,
 * and once the canary rests it tells a changed `spec.template` as a new revision and kicks again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scheduleName } from '../../shared/schedule/index.ts';
import { targetKindOf } from '../../shared/workload/index.ts';
import type { KubeObject } from '../../shared/kube/index.ts';
import { CLUSTER, startRuntime, type Runtime } from './harness.ts';

const id = { cluster: CLUSTER, namespace: 'test', name: 'shop' };
const KSVC = { apiVersion: 'serving.knative.dev/v1', kind: 'Service', namespace: 'test', name: 'shop' };
const service = (image: string): KubeObject =>
  ({ apiVersion: KSVC.apiVersion, kind: 'Service', metadata: { name: 'shop', namespace: 'test' }, spec: { template: { spec: { containers: [{ image }] } } } }) as KubeObject;
/** The watcher's hash of a Knative Service, from the table of target kinds. */
const knativeHash = (object: KubeObject): string => targetKindOf(KSVC)?.revisionHash(object) ?? '';
/** Whether this build runs Knative canaries (the provider is switched on in its own branch). */

let rt: Runtime;

beforeAll(async () => {
  rt = await startRuntime();
  await rt.kubectl.create(service('shop:1'));
  await rt.kubectl.create({
    apiVersion: 'flagger.app/v1beta1',
    kind: 'Canary',
    metadata: { name: 'shop', namespace: 'test' },
    spec: { provider: 'knative', targetRef: { apiVersion: KSVC.apiVersion, kind: 'Service', name: 'shop' }, analysis: { interval: '1m', threshold: 2, maxWeight: 50, stepWeight: 25 } },
  });
  rt.pass(10_000);
});
afterAll(() => rt.stop());

const shopSchedule = () => rt.scheduler.schedules.get(`fledge/${scheduleName(id)}`);

describe('the watcher Lambda with a Knative Service target', () => {
  it('schedules a new Canary and kicks its first step', async () => {
    await rt.watcher();

    expect(shopSchedule()).toMatchObject({ State: 'ENABLED', ScheduleExpression: 'rate(1 minute)' });
    expect(rt.lambda.queued.splice(0).map((k) => k.payload)).toEqual([{ ...id, intervalMs: 60_000 }]);
  });

  it('has the kicked step initialize the canary, its state created', async () => {
    await rt.advance({ ...id, intervalMs: 60_000 });
    for (let i = 0; i < 5 && (await rt.ports.store.load(id))?.state.phase !== 'Initialized'; i++) {
      rt.pass(60_000);
      await rt.advance({ ...id, intervalMs: 60_000 });
    }

    expect((await rt.ports.store.load(id))?.state).toMatchObject({ phase: 'Initialized', lastAppliedSpec: knativeHash(service('shop:1')) });
  });

  it('kicks the resting canary when its spec.template changes, not before', async () => {
    expect(shopSchedule()?.State).toBe('DISABLED');
    await rt.watcher();
    expect(rt.lambda.queued).toEqual([]);

    await rt.kubectl.patch(KSVC, 'merge', { spec: { template: { spec: { containers: [{ image: 'shop:2' }] } } } });
    rt.pass(10_000);
    await rt.watcher();

    expect(shopSchedule()?.State).toBe('ENABLED');
    expect(rt.lambda.queued.map((k) => k.payload)).toEqual([{ ...id, intervalMs: 60_000 }]);
    expect(rt.output.some((line) => line['message'] === 'kick: new revision' && line['canary'] === 'shop')).toBe(true);
  });
});
