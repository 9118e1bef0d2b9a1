/**
 * A deleted Canary against the emulator through the real client: gone without a finalizer (Terminated
 * committed once), and `revertOnDeletion` (Flagger's finalizer added, the target reverted, the finalizer
 * removed so the API server completes the deletion).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { CanaryState } from '../../shared/api/state.ts';
import { advanceCanary, canaryRef } from '../../shared/controller/index.ts';
import { FLAGGER_FINALIZER } from '../../shared/engine/index.ts';
import type { KubeObject } from '../../shared/kube/index.ts';
import { formatIssue, parseScenario } from '../../sim/scenario/parse.ts';
import { startSimulation, type Simulation } from '../../sim/scenario/simulation.ts';
import { DEPLOYMENT, file, scenario } from '../sim/scenario/fixtures.ts';

const MINUTE = 60_000;
let sim: Simulation | undefined;

afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

/** A user's own apex Service, which Fledge takes over and gives back on revert. */
const APEX = `
apiVersion: v1
kind: Service
metadata: {name: podinfo, namespace: test}
spec:
  selector: {app: podinfo}
  ports: [{name: http, port: 9898, targetPort: 9898}]
`;

function canaryText(revertOnDeletion: boolean): string {
  return `
apiVersion: flagger.app/v1beta1
kind: Canary
metadata: {name: podinfo, namespace: test}
spec:
  provider: kubernetes
  revertOnDeletion: ${revertOnDeletion}
  targetRef: {apiVersion: apps/v1, kind: Deployment, name: podinfo}
  service: {port: 9898}
  analysis: {interval: 1m, threshold: 5, iterations: 3}
`;
}

async function start(revertOnDeletion: boolean): Promise<Simulation> {
  const parsed = parseScenario(file(DEPLOYMENT, APEX, canaryText(revertOnDeletion), scenario('  maxTicks: 50')), 'deletion.yaml');
  if (!parsed.ok) throw new Error(parsed.issues.map(formatIssue).join('\n'));
  sim = await startSimulation(parsed.file);
  return sim;
}

/** One tick at minute `n`: the controller, then the world settles, as the scenario runner does. */
async function tick(s: Simulation, n: number) {
  const now = new Date(Date.parse('2026-01-01T00:00:00Z') + n * MINUTE);
  s.clock.set(now.getTime());
  const result = await advanceCanary(s.deps, s.id, now, { tick: n });
  s.world.tick(now);
  return result;
}

async function state(s: Simulation): Promise<CanaryState | undefined> {
  return (await s.deps.store.load(s.id))?.state;
}

async function canaryObject(s: Simulation): Promise<KubeObject | undefined> {
  return s.kube.get<KubeObject>(canaryRef(s.id));
}

async function deployment(s: Simulation, name: string): Promise<KubeObject | undefined> {
  return s.kube.get<KubeObject>({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'test', name });
}

async function clusterEvents(s: Simulation): Promise<string[]> {
  const events = await s.kube.list<KubeObject>('v1', 'Event', { namespace: 'test' });
  return events.map((e) => String(e['message']));
}

function replicas(object: KubeObject | undefined): unknown {
  return (object?.['spec'] as { replicas?: number } | undefined)?.replicas;
}

describe('a Canary deleted without revertOnDeletion', () => {
  it('gets no finalizer', async () => {
    const s = await start(false);
    await tick(s, 1);
    await tick(s, 2);

    expect((await canaryObject(s))?.metadata.finalizers ?? []).toEqual([]);
  });

  it('is committed Terminated once, with the event in history and an alert, then simply not found', async () => {
    const s = await start(false);
    await tick(s, 1);
    await tick(s, 2);
    s.notifier.drain();
    expect(await s.kube.delete(canaryRef(s.id))).toBe(true);

    const gone = await tick(s, 3);

    expect(gone.kind).toBe('advanced');
    expect(gone.kind === 'advanced' && gone.step.active).toBe(false);
    expect(await state(s)).toMatchObject({ phase: 'Terminated', version: 3 });
    const history = (await s.deps.store.history(s.id)).items;
    expect(history.at(-1)).toMatchObject({ tick: 3, decision: 'deleted', phaseBefore: 'Initialized', phaseAfter: 'Terminated', events: [{ type: 'Normal', message: 'Terminated canary podinfo.test' }] });
    expect(s.notifier.drain().map((a) => `${a.severity}: ${a.message}`)).toEqual([
      "warn: Canary podinfo.test deleted in phase Initialized: not reverted (no revertOnDeletion finalizer on it); its primary, Services and routes are left to the cluster's garbage collection; Deployment/podinfo, scaled to zero by it, scaled back up",
    ]);
    expect(await clusterEvents(s)).not.toContain('Terminated canary podinfo.test');
    // Fledge's safety: the primary went with the Canary, so podinfo, which Fledge had scaled to zero, is back.
    expect(await deployment(s, 'podinfo-primary')).toBeUndefined();
    expect(replicas(await deployment(s, 'podinfo'))).toBe(2);
    expect((await deployment(s, 'podinfo'))?.metadata.annotations?.['fledge.dev/scaled-to-zero-by']).toBeUndefined();

    const after = await tick(s, 4);

    expect(after.kind).toBe('notFound');
    expect(await state(s)).toMatchObject({ phase: 'Terminated', version: 3 });
    expect((await s.deps.store.history(s.id)).items).toHaveLength(history.length);
    expect(s.notifier.drain()).toEqual([]);
  });
});

describe('a Canary deleted with revertOnDeletion', () => {
  it('gets Flagger\'s finalizer on its first tick', async () => {
    const s = await start(true);

    await tick(s, 1);

    expect((await canaryObject(s))?.metadata.finalizers).toEqual([FLAGGER_FINALIZER]);
  });

  it('is held Terminating until the target is back and ready, then the router is finalized and the finalizer removed', async () => {
    const s = await start(true);
    await tick(s, 1);
    await tick(s, 2);
    expect(replicas(await deployment(s, 'podinfo'))).toBe(0);
    await s.kube.delete(canaryRef(s.id));
    expect((await canaryObject(s))?.metadata.deletionTimestamp).toBeDefined();

    const terminating = await tick(s, 3);

    expect(terminating.kind === 'advanced' && terminating.step.active).toBe(true);
    expect(await state(s)).toMatchObject({ phase: 'Terminating' });
    expect(replicas(await deployment(s, 'podinfo'))).toBe(2);
    // The facts of this tick saw the target at zero: the apex still selects the primary's pods.
    const apexThen = await s.kube.get<KubeObject>({ apiVersion: 'v1', kind: 'Service', namespace: 'test', name: 'podinfo' });
    expect((apexThen?.['spec'] as { selector?: unknown }).selector).toEqual({ app: 'podinfo-primary' });
    expect((await canaryObject(s))?.metadata.finalizers).toEqual([FLAGGER_FINALIZER]);
    expect(await clusterEvents(s)).toContain('Terminating canary podinfo.test');

    const terminated = await tick(s, 4);

    expect(terminated.kind === 'advanced' && terminated.step.active).toBe(false);
    expect(await state(s)).toMatchObject({ phase: 'Terminated' });
    expect(await canaryObject(s)).toBeUndefined();
    const apex = await s.kube.get<KubeObject>({ apiVersion: 'v1', kind: 'Service', namespace: 'test', name: 'podinfo' });
    expect((apex?.['spec'] as { selector?: unknown }).selector).toEqual({ app: 'podinfo' });
    expect((await deployment(s, 'podinfo'))?.['status']).toMatchObject({ readyReplicas: 2 });
    expect(await deployment(s, 'podinfo-primary')).toBeUndefined();
    expect(await clusterEvents(s)).toContain('Terminated canary podinfo.test');

    expect((await tick(s, 5)).kind).toBe('notFound');
  });

  it('lets the Canary go at once when its target was deleted with it (kubectl delete -f of the whole app)', async () => {
    const s = await start(true);
    await tick(s, 1);
    await tick(s, 2);
    await s.kube.delete({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'test', name: 'podinfo' });
    await s.kube.delete(canaryRef(s.id));

    expect((await tick(s, 3)).kind).toBe('advanced');
    expect(await state(s)).toMatchObject({ phase: 'Terminated' });
    expect(await canaryObject(s)).toBeUndefined();
  });

  it('lets the Canary go without a revert when revertOnDeletion was turned off, its target back up from zero', async () => {
    const s = await start(true);
    await tick(s, 1);
    await tick(s, 2);
    await s.kube.patch(canaryRef(s.id), 'merge', { spec: { revertOnDeletion: false } });
    await s.kube.delete(canaryRef(s.id));

    expect((await tick(s, 3)).kind).toBe('advanced');

    expect(await state(s)).toMatchObject({ phase: 'Terminated' });
    expect(await canaryObject(s)).toBeUndefined();
    expect(replicas(await deployment(s, 'podinfo'))).toBe(2);
    // Not reverted: the apex Service keeps selecting the primary's pods, as Flagger leaves it.
    const apex = await s.kube.get<KubeObject>({ apiVersion: 'v1', kind: 'Service', namespace: 'test', name: 'podinfo' });
    expect((apex?.['spec'] as { selector?: unknown }).selector).toEqual({ app: 'podinfo-primary' });
    expect((await tick(s, 4)).kind).toBe('notFound');
  });

  it('does not hold the deletion of a Canary it cannot run: the finalizer goes, the next tick finds it gone', async () => {
    const s = await start(true);
    await tick(s, 1);
    await tick(s, 2);
    await s.kube.patch(canaryRef(s.id), 'merge', { spec: { provider: 'appmesh' } });
    await s.kube.delete(canaryRef(s.id));

    expect((await tick(s, 3)).kind).toBe('invalid');
    expect(await canaryObject(s)).toBeUndefined();

    expect((await tick(s, 4)).kind).toBe('advanced');
    expect(await state(s)).toMatchObject({ phase: 'Terminated' });
  });

  it('retries a refused finalizer removal on the next tick, with nothing committed', async () => {
    const s = await start(true);
    await tick(s, 1);
    await tick(s, 2);
    await s.kube.delete(canaryRef(s.id));
    await tick(s, 3);
    const version = (await s.deps.store.load(s.id))?.version;
    const fault = s.emulator.faults.add({ resource: 'canaries', verb: 'patch', name: 'podinfo' }, { type: 'status', code: 500, reason: 'InternalError', message: 'etcd timeout' });

    const failed = await tick(s, 4);

    expect(failed.kind === 'effectFailed' && failed.effect.type).toBe('removeFinalizer');
    expect(await s.deps.store.load(s.id)).toMatchObject({ version, state: { phase: 'Terminating' } });
    expect(await canaryObject(s)).toBeDefined();
    s.emulator.faults.clear();
    expect(fault.fired).toBe(1);

    expect((await tick(s, 5)).kind).toBe('advanced');
    expect(await state(s)).toMatchObject({ phase: 'Terminated' });
    expect(await canaryObject(s)).toBeUndefined();
  });
});
