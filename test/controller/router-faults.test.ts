/**
 * A router write that the API server refuses: the tick fails cleanly (the effect is reported, nothing is
 * committed) and the next tick converges, for each write of each router verb. Faults are injected by the
 * emulator on the wire, so the real client, the router and the controller all run.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { advanceCanary, type AdvanceResult } from '../../shared/controller/index.ts';
import type { KubeObject } from '../../shared/kube/index.ts';
import type { FaultAction, FaultMatcher } from '../../sim/emulator/index.ts';
import { formatIssue, parseScenario } from '../../sim/scenario/parse.ts';
import { startSimulation, type Simulation } from '../../sim/scenario/simulation.ts';
import { DEPLOYMENT, file, scenario } from '../sim/scenario/fixtures.ts';

const MINUTE = 60_000;
const TICKS = 12;
let sim: Simulation | undefined;

afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

function canaryFor(provider: 'kubernetes' | 'istio'): string {
  const analysis = provider === 'kubernetes' ? '{interval: 1m, threshold: 5, iterations: 2}' : '{interval: 1m, threshold: 5, maxWeight: 20, stepWeight: 10}';
  return `
apiVersion: flagger.app/v1beta1
kind: Canary
metadata: {name: podinfo, namespace: test}
spec:
  provider: ${provider}
  targetRef: {apiVersion: apps/v1, kind: Deployment, name: podinfo}
  service: {port: 9898}
  analysis: ${analysis}
`;
}

interface Tick {
  readonly result: AdvanceResult;
  readonly version: number | undefined;
}

/** Ticks 1..TICKS, a new image at tick 3, with `fault` injected from the start. */
async function run(provider: 'kubernetes' | 'istio', fault?: { matcher: FaultMatcher; action: FaultAction }): Promise<{ ticks: Tick[]; fired: number; s: Simulation }> {
  const parsed = parseScenario(file(DEPLOYMENT, canaryFor(provider), scenario('  maxTicks: 50')), 'router-faults.yaml');
  if (!parsed.ok) throw new Error(parsed.issues.map(formatIssue).join('\n'));
  const s = await startSimulation(parsed.file);
  sim = s;
  const injected = fault ? s.emulator.faults.add(fault.matcher, fault.action) : undefined;
  const ticks: Tick[] = [];
  for (let n = 1; n <= TICKS; n++) {
    if (n === 3) {
      await s.kube.patch({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'test', name: 'podinfo' }, 'strategic', {
        spec: { template: { spec: { containers: [{ name: 'podinfod', image: 'podinfo:2' }] } } },
      });
    }
    const now = new Date(Date.parse('2026-01-01T00:00:00Z') + n * MINUTE);
    s.clock.set(now.getTime());
    const result = await advanceCanary(s.deps, s.id, now, { tick: n });
    s.world.tick(now);
    ticks.push({ result, version: (await s.deps.store.load(s.id))?.version });
  }
  return { ticks, fired: injected?.fired ?? 0, s };
}

const refused: FaultAction = { type: 'status', code: 500, reason: 'InternalError', message: 'etcdserver: request timed out' };

describe.each([
  {
    provider: 'kubernetes' as const,
    writes: [
      { verb: 'initialize', effect: 'initialize', matcher: { verb: 'create', resource: 'services', nth: 1 } },
      { verb: 'reconcile', effect: 'reconcileRouter', matcher: { verb: 'create', resource: 'services', nth: 3 } },
    ],
  },
  {
    provider: 'istio' as const,
    writes: [
      { verb: 'initialize', effect: 'initialize', matcher: { verb: 'create', resource: 'services', nth: 1 } },
      { verb: 'reconcile (DestinationRule create)', effect: 'reconcileRouter', matcher: { verb: 'create', resource: 'destinationrules', nth: 1 } },
      { verb: 'reconcile (VirtualService create)', effect: 'reconcileRouter', matcher: { verb: 'create', resource: 'virtualservices', nth: 1 } },
      { verb: 'setRoutes (first traffic step)', effect: 'setRoutes', matcher: { verb: 'update', resource: 'virtualservices', nth: 1 } },
      { verb: 'setRoutes (back to the primary)', effect: 'setRoutes', matcher: { verb: 'update', resource: 'virtualservices', nth: 3 } },
    ],
  },
])('$provider router', ({ provider, writes }) => {
  it.each(writes)('a refused write in $verb fails its tick, commits nothing, and the next tick converges', async ({ effect, matcher }) => {
    const { ticks, fired } = await run(provider, { matcher, action: refused });

    expect(fired).toBe(1);
    const failedAt = ticks.findIndex((t) => t.result.kind !== 'advanced');
    expect(failedAt).toBeGreaterThanOrEqual(0);
    const failed = ticks[failedAt] as Tick;
    expect(failed.result.kind).toBe('effectFailed');
    if (failed.result.kind === 'effectFailed') {
      expect(failed.result.effect.type).toBe(effect);
      expect(failed.result.error).toContain('etcdserver: request timed out');
    }
    // Nothing committed by the failed tick: the version is the one before it.
    expect(failed.version).toBe(ticks[failedAt - 1]?.version);
    // Every other tick advances, and the run still ends promoted.
    expect(ticks.filter((t) => t.result.kind !== 'advanced')).toHaveLength(1);
    const last = ticks[ticks.length - 1]?.result;
    expect(last?.kind === 'advanced' && last.step.next.phase).toBe('Succeeded');
  });
});

describe('istio router, concurrent creation', () => {
  it.each(['destinationrules', 'virtualservices'])('a %s create answered AlreadyExists (another invocation won) is not a failure', async (resource) => {
    // The object is stored, then the answer says it already existed, as when a concurrent tick created it first.
    const { ticks, fired, s } = await run('istio', { matcher: { verb: 'create', resource }, action: { type: 'status', code: 409, reason: 'AlreadyExists', afterCommit: true } });

    expect(fired).toBe(1);
    expect(ticks.map((t) => t.result.kind)).toEqual(Array.from({ length: TICKS }, () => 'advanced'));
    const vs = await s.kube.get<KubeObject & { spec: { http: { route: { weight?: number }[] }[] } }>({ apiVersion: 'networking.istio.io/v1beta1', kind: 'VirtualService', namespace: 'test', name: 'podinfo' });
    expect(vs?.spec.http[0]?.route.map((r) => r.weight)).toEqual([100, 0]);
  });

  it('a create refused with a 409 that is not AlreadyExists is a failure', async () => {
    const { ticks } = await run('istio', { matcher: { verb: 'create', resource: 'virtualservices' }, action: { type: 'status', code: 409, reason: 'Conflict', message: 'operation cannot be fulfilled' } });

    const failed = ticks.find((t) => t.result.kind !== 'advanced');
    expect(failed?.result.kind === 'effectFailed' && failed.result.error).toContain('operation cannot be fulfilled');
  });
});
