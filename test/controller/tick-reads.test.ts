/**
 * The tick's reads, counted in the emulator's request log: each object is fetched once per tick unless the
 * tick wrote it in between, and nothing read in one tick is served to the next.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parseCanary } from '../../shared/api/index.ts';
import { advanceCanary, canaryRef, type ControllerDeps } from '../../shared/controller/index.ts';
import type { CanaryStore } from '../../shared/store/index.ts';
import type { RequestRecord } from '../../sim/emulator/index.ts';
import { formatIssue, parseScenario } from '../../sim/scenario/parse.ts';
import { startSimulation, type Simulation } from '../../sim/scenario/simulation.ts';
import { DEPLOYMENT, canary, file, scenario } from '../sim/scenario/fixtures.ts';

const MINUTE = 60_000;
let sim: Simulation | undefined;

afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

async function start(provider: string): Promise<Simulation> {
  const text = canary().replace('provider: kubernetes', `provider: ${provider}`);
  const parsed = parseScenario(file(DEPLOYMENT, text, scenario('  maxTicks: 50')), 'tick-reads.yaml');
  if (!parsed.ok) throw new Error(parsed.issues.map(formatIssue).join('\n'));
  sim = await startSimulation(parsed.file);
  return sim;
}

/** One tick at minute `n`, then the world settles; returns the requests the controller sent. */
async function tick(s: Simulation, n: number, deps: ControllerDeps = s.deps): Promise<RequestRecord[]> {
  const now = new Date(Date.parse('2026-01-01T00:00:00Z') + n * MINUTE);
  s.clock.set(now.getTime());
  const first = s.emulator.requestLog.length;
  await advanceCanary(deps, s.id, now, { tick: n });
  const requests = s.emulator.requestLog.slice(first);
  s.world.tick(now);
  return requests;
}

async function setImage(s: Simulation, image: string): Promise<void> {
  await s.kube.patch({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'test', name: 'podinfo' }, 'strategic', {
    spec: { template: { spec: { containers: [{ name: 'podinfod', image }] } } },
  });
}

/**
 * GETs of an object the tick had read before with no write that could have changed it in between (a write
 * to the same resource and name, or a create in that resource: the log has no name for a POST).
 */
function repeatedReads(requests: readonly RequestRecord[]): string[] {
  const base = (r: RequestRecord): string => (r.resource ?? '').split('/')[0] ?? '';
  const read = new Set<string>();
  const repeated: string[] = [];
  for (const r of requests) {
    const key = `${base(r)} ${r.namespace ?? ''}/${r.name ?? ''}`;
    if (r.verb === 'get') {
      if (read.has(key)) repeated.push(key);
      read.add(key);
    } else if (r.verb !== 'list') {
      for (const k of [...read]) if (k.startsWith(`${base(r)} `) && (r.name === undefined || k === key)) read.delete(k);
    }
  }
  return repeated;
}

describe('reads of one tick', () => {
  it.each(['istio', 'kubernetes'])('fetches each object once per tick through a whole release (%s)', async (provider) => {
    // Prepare
    const s = await start(provider);
    const ticks: RequestRecord[][] = [];

    // Act: initialization, a new revision, analysis and promotion.
    ticks.push(await tick(s, 1), await tick(s, 2));
    await setImage(s, 'podinfo:2');
    for (let n = 3; n <= 10; n++) ticks.push(await tick(s, n));

    // Assess
    expect((await s.deps.store.load(s.id))?.state.phase).toBe('Succeeded');
    expect(ticks.map(repeatedReads)).toEqual(ticks.map(() => []));
    const gets = ticks.map((requests) => requests.filter((r) => r.verb === 'get').length);
    expect(Math.max(...gets)).toBeGreaterThan(0);
  });

  it('reads the cluster afresh on the tick after a lost commit race', async () => {
    // Prepare: a tick that loses the race after reading (and scaling up) revision 2.
    const s = await start('istio');
    await tick(s, 1);
    await tick(s, 2);
    await setImage(s, 'podinfo:2');
    const store = s.deps.store;
    const losing: CanaryStore = {
      load: (id) => store.load(id),
      history: (id, range) => store.history(id, range),
      list: (filter) => store.list(filter),
      commit: async () => ({ kind: 'conflict' }),
    };
    await tick(s, 3, { ...s.deps, store: losing });

    // Act: another release lands before the next tick.
    await setImage(s, 'podinfo:3');
    const requests = await tick(s, 4);

    // Assess: the tick read the target again and started the run on the revision the cluster holds now.
    expect(requests.some((r) => r.verb === 'get' && r.resource === 'deployments' && r.name === 'podinfo')).toBe(true);
    const parsed = parseCanary(await s.kube.get(canaryRef(s.id)));
    if (!parsed.ok) throw new Error('the Canary is invalid');
    const current = await s.deps.portsFor(parsed.value, s.kube).workload.targetHash(parsed.value);
    expect((await s.deps.store.load(s.id))?.state).toMatchObject({ phase: 'Progressing', lastAppliedSpec: current });
  });
});
