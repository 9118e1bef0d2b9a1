/**
 * The read wave: a tick GETs what the canary's last tick observed beside the Canary and the state load, so its
 * facts and the router's reconcile are served from the tick cache instead of a wave each. Timed with the
 * emulator's latency fault: a request that starts before the first one of the tick has answered is in the
 * first wave. Self-healing stays: the reconcile still compares every object with what it should be, and
 * writes the drifted ones, together.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { advanceCanary, TickReadMemory, type ControllerDeps } from '../../shared/controller/index.ts';
import type { KubeObject } from '../../shared/kube/index.ts';
import type { RequestRecord } from '../../sim/emulator/index.ts';
import { formatIssue, parseScenario } from '../../sim/scenario/parse.ts';
import { startSimulation, type Simulation } from '../../sim/scenario/simulation.ts';
import { DEPLOYMENT, canary, file, scenario } from '../sim/scenario/fixtures.ts';
import { requestSpan, sequentialRoundTrips } from '../bench/round-trips.ts';

const MINUTE = 60_000;
const LATENCY_MS = 60;
let sim: Simulation | undefined;

afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

/** An Istio canary initialized and progressing on podinfo:2 (its third tick done: the memory is warm). */
async function progressing(): Promise<Simulation> {
  const text = canary().replace('provider: kubernetes', 'provider: istio');
  const parsed = parseScenario(file(DEPLOYMENT, text, scenario('  maxTicks: 50')), 'prefetch.yaml');
  if (!parsed.ok) throw new Error(parsed.issues.map(formatIssue).join('\n'));
  const s = await startSimulation(parsed.file);
  sim = s;
  await tick(s, 1);
  await tick(s, 2);
  await s.kube.patch({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'test', name: 'podinfo' }, 'strategic', {
    spec: { template: { spec: { containers: [{ name: 'podinfod', image: 'podinfo:2' }] } } },
  });
  await tick(s, 3);
  expect((await s.deps.store.load(s.id))?.state.phase).toBe('Progressing');
  return s;
}

/** One tick at minute `n` with the latency on, then the world settles; returns the controller's requests. */
async function tick(s: Simulation, n: number, deps: ControllerDeps = s.deps, latencyMs = 0): Promise<RequestRecord[]> {
  const now = new Date(Date.parse('2026-01-01T00:00:00Z') + n * MINUTE);
  s.clock.set(now.getTime());
  const first = s.emulator.requestLog.length;
  s.emulator.faults.setLatency(latencyMs);
  try {
    await advanceCanary(deps, s.id, now, { tick: n });
  } finally {
    s.emulator.faults.setLatency(0);
  }
  const requests = s.emulator.requestLog.slice(first);
  s.world.tick(now);
  return requests;
}

/** The GETs that started after the tick's first request had answered: reads of a later wave. */
function lateReads(requests: readonly RequestRecord[]): string[] {
  const firstEnd = requestSpan(requests[0] as RequestRecord).endMs;
  return requests.filter((r) => r.verb === 'get' && r.time.getTime() >= firstEnd).map((r) => `${r.resource} ${r.name}`);
}

const reads = (requests: readonly RequestRecord[]) => requests.filter((r) => r.verb === 'get').map((r) => `${r.resource} ${r.name}`).sort();

describe('the read wave', () => {
  it('reads everything in the first wave on a warm tick, and makes no more requests than a cold one', async () => {
    const s = await progressing();

    // A controller that never saw the canary (a cold container) discovers the reads wave by wave…
    const cold = await tick(s, 4, { ...s.deps, readMemory: new TickReadMemory() }, LATENCY_MS);
    // …one that did (the simulation's deps keep their memory across ticks) reads them all at once.
    const warm = await tick(s, 5, s.deps, LATENCY_MS);

    expect(lateReads(cold).sort()).toEqual(reads(cold).filter((r) => r !== 'canaries podinfo'));
    expect(lateReads(warm)).toEqual([]);
    expect(reads(warm)).toEqual(reads(cold));
    expect(warm.filter((r) => r.verb === 'get').length).toBe(cold.filter((r) => r.verb === 'get').length);
    expect(sequentialRoundTrips(warm.map(requestSpan))).toBeLessThan(sequentialRoundTrips(cold.map(requestSpan)));
  });

  it('reads on demand what the memory lacks, and remembers it for the next tick', async () => {
    const s = await progressing();
    const memory = new TickReadMemory();
    const deps = { ...s.deps, readMemory: memory };

    await tick(s, 4, deps);
    const remembered = memory.recall(s.id).map((read) => `${read.ref.kind} ${read.ref.name}`);
    const warm = await tick(s, 5, deps, LATENCY_MS);

    // The Canary itself is read every tick anyway; the rest is what the facts and the router's reconcile read.
    expect(remembered.sort()).toEqual([
      'Deployment podinfo',
      'Deployment podinfo-primary',
      'DestinationRule podinfo-canary',
      'DestinationRule podinfo-primary',
      'Service podinfo',
      'VirtualService podinfo',
    ]);
    expect(lateReads(warm)).toEqual([]);
  });

  it('still repairs a drifted DestinationRule and apex Service, writing both in one wave', async () => {
    const s = await progressing();
    await tick(s, 4);
    const ref = (kind: string, apiVersion: string, name: string) => ({ apiVersion, kind, namespace: 'test', name });
    const rule = ref('DestinationRule', 'networking.istio.io/v1beta1', 'podinfo-canary');
    const apex = ref('Service', 'v1', 'podinfo');
    // Someone edits the router's objects between two ticks.
    const drifted = (await s.kube.get(rule)) as KubeObject;
    await s.kube.replace({ ...drifted, spec: { host: 'podinfo-canary', trafficPolicy: { loadBalancer: { simple: 'RANDOM' } } } });
    await s.kube.patch(apex, 'merge', { spec: { selector: { app: 'someone-else' } } });

    const requests = await tick(s, 5, s.deps, LATENCY_MS);

    expect(((await s.kube.get(rule)) as KubeObject)['spec']).toEqual({ host: 'podinfo-canary' });
    expect((((await s.kube.get(apex)) as KubeObject)['spec'] as { selector: unknown }).selector).toEqual({ app: 'podinfo-primary' });
    // The reconcile saw the drift in the prefetched objects (no second read of them), and wrote both at once.
    expect(lateReads(requests)).toEqual([]);
    const writes = requests.filter((r) => r.verb !== 'get' && (r.resource === 'destinationrules' || r.resource === 'services'));
    expect(writes.map((r) => `${r.verb} ${r.resource} ${r.name}`).sort()).toEqual(['update destinationrules podinfo-canary', 'update services podinfo']);
    const [a, b] = writes.map((r) => r.time.getTime()) as [number, number];
    expect(Math.abs(a - b)).toBeLessThan(LATENCY_MS / 2);
  });
});

describe('TickReadMemory', () => {
  const id = (name: string) => ({ cluster: 'prod', namespace: 'test', name });
  const read = (name: string) => ({ ref: { apiVersion: 'v1', kind: 'Service', namespace: 'test', name } });

  it('keeps the most recently used canaries up to its capacity', () => {
    const memory = new TickReadMemory(2);
    memory.remember(id('a'), [read('a')]);
    memory.remember(id('b'), [read('b')]);
    memory.remember(id('a'), [read('a2')]);
    memory.remember(id('c'), [read('c')]);

    expect(memory.size).toBe(2);
    expect(memory.recall(id('b'))).toEqual([]);
    expect(memory.recall(id('a'))).toEqual([read('a2')]);
    expect(memory.recall(id('c'))).toEqual([read('c')]);
    memory.forget(id('c'));
    expect(memory.recall(id('c'))).toEqual([]);
  });

  it('refuses a capacity that is not a positive integer, naming it', () => {
    expect(() => new TickReadMemory(0)).toThrow('TickReadMemory: capacity: expected a positive integer, got 0');
  });
});
