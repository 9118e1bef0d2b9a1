/** The podinfo Deployment and Canary the runtime tests release, and the minute-by-minute drive. */
import type { KubeObject } from '../../shared/kube/index.ts';
import { scheduleName } from '../../shared/schedule/index.ts';
import { CLUSTER, type Runtime } from './harness.ts';

export const id = { cluster: CLUSTER, namespace: 'test', name: 'podinfo' };
export const canaryRef = { apiVersion: 'flagger.app/v1beta1', kind: 'Canary', namespace: 'test', name: 'podinfo' };
const deploymentRef = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'test', name: 'podinfo' };

/** Creates podinfo (image `podinfo:1`) and its Canary (kubernetes provider, `analysis` as given). */
export async function deployPodinfo(rt: Runtime, analysis: Record<string, unknown> = { interval: '1m', threshold: 2, iterations: 2 }): Promise<void> {
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
      analysis,
    },
  });
  rt.pass(10_000);
}

/** One minute of the runtime: the clock moves, the watcher runs, its kicks are delivered, Scheduler fires. */
export async function minute(rt: Runtime): Promise<void> {
  rt.pass(60_000);
  await rt.watcher();
  await rt.deliverKicks();
  await rt.player.fire(rt.clock.now());
}

/** Runs minutes until the canary rests in `phase` with its schedule disabled; the phases seen. */
export async function until(rt: Runtime, phase: string, maxMinutes: number): Promise<string[]> {
  const seen: string[] = [];
  for (let i = 0; i < maxMinutes; i++) {
    await minute(rt);
    const current = (await rt.ports.store.load(id))?.state.phase ?? 'none';
    seen.push(current);
    if (current === phase && schedule(rt)?.State === 'DISABLED') return seen;
  }
  throw new Error(`not ${phase} with a disabled schedule after ${maxMinutes} minutes: ${seen.join(' → ')}`);
}

export function schedule(rt: Runtime) {
  return rt.scheduler.schedules.get(`fledge/${scheduleName(id)}`);
}

export async function status(rt: Runtime): Promise<Record<string, unknown> | undefined> {
  return (await rt.kubectl.get<KubeObject>(canaryRef))?.['status'] as Record<string, unknown> | undefined;
}

export async function events(rt: Runtime): Promise<string[]> {
  return (await rt.kubectl.list<KubeObject>('v1', 'Event', { namespace: 'test' })).map((e) => String(e['message']));
}

export async function setImage(rt: Runtime, image: string): Promise<void> {
  await rt.kubectl.patch(deploymentRef, 'strategic', { spec: { template: { spec: { containers: [{ name: 'podinfod', image }] } } } });
  rt.pass(10_000);
}

export async function version(rt: Runtime): Promise<number> {
  return (await rt.ports.store.load(id))?.version ?? 0;
}
