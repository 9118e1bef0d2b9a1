import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { Phase } from '../../shared/api/index.ts';
import { COLD_START_TARGETS, measureColdStart, type ColdStartReport } from './cold-start.ts';
import { measureDynamoDb, type DynamoReport } from './dynamodb.ts';
import { measureEngine, type EngineReport } from './engine.ts';
import { measureKubeRequests, PROGRESSING_REQUESTS_CEILING, stageOf, type KubeRequestsReport, type Stage } from './kube-requests.ts';
import { loadScenario, playScenario } from './podinfo.ts';
import { measureLongSimulation } from './long-simulation.ts';
import { ratiosOf, renderReport } from './report.ts';
import { measureRoundTrips, renderRoundTrips, ROUND_TRIP_STEPS, ROUND_TRIP_TARGET, sequentialRoundTrips, type RoundTripReport } from './round-trips.ts';

// The bench's own measurement functions with tiny counts, so `npm test` notices when the bench rots: a figure
// that went to zero, a bracket that leaked the harness's requests, a store that grew a third call per step.

let kube: KubeRequestsReport;
let dynamodb: DynamoReport;
let engine: EngineReport;
let coldStart: ColdStartReport;

beforeAll(async () => {
  kube = await measureKubeRequests();
  dynamodb = await measureDynamoDb({ endpoint: inject('dynamodbEndpoint'), commits: 3, tableName: `bench-test-${Date.now()}` });
  engine = await measureEngine({ iterations: 50, roundTrips: 3, maxMillis: 500 });
  const targets = COLD_START_TARGETS.filter((t) => t.baseline === true || t.name === 'shared/controller');
  coldStart = await measureColdStart({ rounds: 1, targets });
}, 120_000);

describe('Kubernetes requests per step', () => {
  it('plays the podinfo good release to Succeeded through initialization, progressing and promotion', () => {
    expect(kube.finalPhase).toBe('Succeeded');
    expect(kube.stages.map((s) => s.stage)).toEqual(['initialization', 'progressing', 'promotion']);
  });

  it(`keeps a progressing step above zero and at most ${PROGRESSING_REQUESTS_CEILING} requests`, () => {
    const progressing = kube.stages.find((s) => s.stage === 'progressing');
    expect(progressing?.requestsPerStep).toBeGreaterThan(0);
    expect(progressing?.maxRequests).toBeLessThanOrEqual(PROGRESSING_REQUESTS_CEILING);
  });

  it('counts every progressing step as reads and writes that change objects', () => {
    for (const tick of kube.ticks.filter((t) => t.stage === 'progressing')) {
      expect(tick.reads + tick.writes).toBe(tick.total);
      expect(tick.repeatReads).toBe(0);
      expect(tick.writes).toBeGreaterThan(0);
      expect(tick.objectsChanged).toBeGreaterThan(0);
      expect(tick.changedResources).toContain('canaries');
    }
  });

  it('counts the controller only, not the harness that changes the image between ticks', async () => {
    // Prepare: remember the harness's own PUT of the new image (tick 3), made before the controller runs.
    const harness = new Set<object>();
    const leaked: object[] = [];
    // Act
    await playScenario(loadScenario(), {
      maxTicks: 3,
      beforeController: async ({ sim }) => {
        for (const r of sim.emulator.requestLog) harness.add(r);
      },
      afterController: async (_context, sample) => {
        leaked.push(...sample.requests.filter((r) => harness.has(r)));
      },
    });
    // Assess
    expect(harness.size).toBeGreaterThan(0);
    expect(leaked).toEqual([]);
  });

  it.each<[Phase | undefined, Phase | '', Stage]>([
    [undefined, 'Initializing', 'initialization'],
    ['Initializing', 'Initialized', 'initialization'],
    ['Initialized', 'Initialized', 'idle'],
    ['Initialized', 'Progressing', 'progressing'],
    ['Progressing', 'WaitingPromotion', 'progressing'],
    ['Progressing', 'Promoting', 'promotion'],
    ['Finalising', 'Succeeded', 'promotion'],
    ['Succeeded', 'Succeeded', 'idle'],
    ['Progressing', 'Failed', 'rollback'],
  ])('puts a tick from %s to %s in the %s stage', (before, after, stage) => {
    expect(stageOf(before, after)).toBe(stage);
  });
});

describe('sequential round trips per step', () => {
  let roundTrips: RoundTripReport;
  beforeAll(async () => {
    roundTrips = await measureRoundTrips();
  }, 120_000);

  it('counts the longest chain of calls that waited for each other, a parallel wave once', () => {
    const wave = (startMs: number) => [0, 1, 2].map((k) => ({ startMs: startMs + k, endMs: startMs + k + 40 }));
    expect(sequentialRoundTrips([...wave(0), ...wave(45), { startMs: 90, endMs: 130 }])).toBe(3);
    expect(sequentialRoundTrips([])).toBe(0);
  });

  it(`meets ≤ ${ROUND_TRIP_TARGET} round trips (reads with the state load, writes, commit, announcements) for every kind of step`, () => {
    expect(roundTrips.rows.map((r) => r.step)).toEqual([...ROUND_TRIP_STEPS]);
    for (const row of roundTrips.rows) {
      expect(row.ticks, `${row.step} ticks measured`).toBeGreaterThan(0);
      // Two store calls (load, commit), each charged the latency: the commit counts.
      expect(row.storeCalls, `${row.step} store calls`).toBe(2);
      expect(row.roundTrips, `${row.step} round trips`).toBeGreaterThanOrEqual(3);
      expect(row.roundTrips, `${row.step} round trips`).toBeLessThanOrEqual(ROUND_TRIP_TARGET);
      expect(row.wallRoundTrips, `${row.step} wall time over the latency`).toBeGreaterThanOrEqual(row.roundTrips);
    }
  });

  it('makes no more Kubernetes requests per step than before the read wave (11 to 14 on the podinfo releases)', () => {
    const most: Record<string, number> = { 'steady weight step': 13, promotion: 12, 'traffic back to primary': 11, finalisation: 11, rollback: 14, 'rollback scale-down': 11 };
    for (const row of roundTrips.rows) expect(row.kubeRequests, row.step).toBeLessThanOrEqual(most[row.step] as number);
  });

  it('prints every figure beside its target', () => {
    const text = renderRoundTrips(roundTrips);
    for (const step of ROUND_TRIP_STEPS) expect(text).toMatch(new RegExp(`${step}\\s+\\d+ round trips .*target ≤ ${ROUND_TRIP_TARGET} besides webhooks and metrics, met\\)`));
  });
});

describe('DynamoDB calls per step', () => {
  it('makes one GetItem and one TransactWriteItems per committed step, without retries', () => {
    expect(dynamodb.committedTicks).toBe(kube.ticks.length);
    expect(dynamodb.callsPerCommittedStep).toBe(2);
    for (const tick of dynamodb.ticks) {
      expect(Object.keys(tick.commands)).toEqual(['GetItem', 'TransactWriteItems']);
      for (const c of Object.values(tick.commands)) expect([c.calls, c.attempts]).toEqual([1, 1]);
    }
  });

  it('sizes a state item that carries the pod template, and every item well below 400 KB', () => {
    expect(dynamodb.items.largestStateWithTemplate).toBe(true);
    expect(dynamodb.items.largestStateBytes).toBeGreaterThan(dynamodb.items.largestHistoryBytes);
    expect(dynamodb.items.historyItems).toBe(dynamodb.committedTicks);
    expect(dynamodb.items.largestShareOfLimit).toBeGreaterThan(0);
    expect(dynamodb.items.largestShareOfLimit).toBeLessThan(0.25);
  });

  it('times the bounded number of load + commit rounds asked for', () => {
    expect(dynamodb.latency.rounds).toBe(3);
    expect(dynamodb.latency.commit.p50).toBeGreaterThan(0);
    expect(dynamodb.latency.commit.p95).toBeGreaterThanOrEqual(dynamodb.latency.commit.p50);
  });
});

describe('engine step cost', () => {
  it('captures a real analysis step that advances the canary', () => {
    expect(engine.input).toMatchObject({ phase: 'Progressing', decision: 'advance' });
    expect(engine.input.canaryWeight).toBeGreaterThan(0);
    expect(engine.stepCallsPerTick).toBeGreaterThanOrEqual(2);
  });

  it('finds the engine a small share of a progressing tick', () => {
    expect(engine.iterations).toBeGreaterThan(0);
    expect(engine.stepsPerSecond).toBeGreaterThan(0);
    expect(engine.roundTripMicros).toBeGreaterThan(0);
    expect(engine.engineShareOfTick).toBeGreaterThan(0);
    expect(engine.engineShareOfTick).toBeLessThan(0.5);
  });
});

describe('cold-start proxy', () => {
  it('imports the controller and the SDK baseline in fresh processes and counts their module graphs', () => {
    const [sdk, controller] = coldStart.rows;
    expect(sdk?.importRatio).toBe(1);
    expect(controller?.importMs).toBeGreaterThan(0);
    expect(controller?.importRatio).toBeGreaterThan(0);
    expect(controller?.modules).toBeGreaterThan(sdk?.modules ?? 0);
    expect(controller?.sourceBytes).toBeGreaterThan(0);
    expect(coldStart.bundle).toMatch(/esbuild/);
  });
});

describe('report', () => {
  it('renders every benchmark and its headline ratios', () => {
    const ratios = ratiosOf({ kube, dynamodb, engine, coldStart });
    expect(ratios.dynamoCallsPerCommittedStep).toBe(2);
    expect(ratios.kubeRequestsPerObjectChanged).toBeGreaterThan(0);
    const text = renderReport({ startedAt: '2026-01-01T00:00:00Z', node: process.version, durationMs: 1, kube, dynamodb, engine, coldStart, ratios });
    for (const heading of ['1. Kubernetes requests', '2. DynamoDB', '3. Engine', '4. Cold-start', 'Headline ratios']) expect(text).toContain(heading);
    expect(text).toContain('calls per committed step: 2 over');
  });
});

describe('long-simulation peak memory', () => {
  it('runs simulate in a fresh process and reports its peak RSS beside the target', async () => {
    const memory = await measureLongSimulation({ ticks: 40 });
    expect(memory).toMatchObject({ scenario: 'test/bench/closed-gate.yaml', ticks: 40, targetMiB: 512, exitCode: 0 });
    expect(memory.peakRssMiB).toBeGreaterThan(30);
    expect(memory.peakRssMiB).toBeLessThan(memory.targetMiB);
    const ratios = ratiosOf({ kube, dynamodb, engine, coldStart });
    const text = renderReport({ startedAt: '2026-01-01T00:00:00Z', node: process.version, durationMs: 1, kube, dynamodb, engine, coldStart, memory, ratios });
    expect(text).toContain('5. Peak memory of a long simulation');
    expect(text).toMatch(new RegExp(`\\b40\\s+${memory.peakRssMiB}\\s+512\\s+yes\\b`));
  }, 120_000);
});
