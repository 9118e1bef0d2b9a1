/**
 * `fledge local`'s runner on the simulated cluster with a virtual timer: a Canary with a 10 s interval found
 * by the watcher, initialized, then a release promoted to Succeeded, every step on its 10 s slot (an
 * interval below Scheduler's minute, honoured), and a clean stop between steps.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AdvanceResult } from '../../shared/controller/index.ts';
import type { AdvanceEvent, Timer } from '../../shared/schedule/index.ts';
import { formatIssue, parseScenario } from '../../sim/scenario/parse.ts';
import { startSimulation, type Simulation } from '../../sim/scenario/simulation.ts';
import { startLocalRunner, type LocalRunner } from '../../cli/local/runner.ts';
import { stepLines, watchLines, weightBar } from '../../cli/local/progress.ts';
import { DEPLOYMENT, canary, file, scenario } from '../sim/scenario/fixtures.ts';

let sim: Simulation | undefined;
let runner: LocalRunner | undefined;
afterEach(async () => {
  await runner?.stop();
  await sim?.stop();
});

/** The simulation's virtual clock as a timer; `advance` fires what falls due and lets the work settle. */
function virtualTimer(s: Simulation) {
  const pending = new Map<number, { at: number; fire: () => void }>();
  let next = 0;
  const timer: Timer = {
    now: () => s.clock.now().getTime(),
    setTimeout: (fire, ms) => {
      pending.set(++next, { at: s.clock.now().getTime() + ms, fire });
      return next;
    },
    clearTimeout: (handle) => void pending.delete(handle as number),
  };
  const advance = async (ms: number, settle: () => Promise<void>) => {
    const end = s.clock.now().getTime() + ms;
    for (;;) {
      const due = [...pending.entries()].filter(([, p]) => p.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      pending.delete(due[0]);
      if (due[1].at > s.clock.now().getTime()) {
        s.clock.set(due[1].at);
        s.world.tick(s.clock.now());
      }
      due[1].fire();
      await settle();
    }
    s.clock.set(end);
    s.world.tick(s.clock.now());
  };
  return { timer, advance };
}

describe('fledge local runner', () => {
  it('finds, initializes and promotes a release with a 10 s interval, stepping every 10 s', async () => {
    const text = canary().replace('interval: 1m', 'interval: 10s');
    const parsed = parseScenario(file(DEPLOYMENT, text, scenario('  maxTicks: 50')), 'local.yaml');
    if (!parsed.ok) throw new Error(parsed.issues.map(formatIssue).join('\n'));
    const s = await startSimulation(parsed.file);
    sim = s;
    const { timer, advance } = virtualTimer(s);
    const steps: Array<{ at: number; event: AdvanceEvent; result: AdvanceResult }> = [];
    runner = startLocalRunner({ deps: s.deps, timer, watchEveryMs: 10_000, onStep: (event, result) => steps.push({ at: s.clock.now().getTime(), event, result }) });
    const r = runner;
    const phase = async () => (await s.deps.store.load(s.id))?.state.phase;

    await r.settled();
    for (let i = 0; i < 12 && (await phase()) !== 'Initialized'; i++) await advance(10_000, () => r.settled());
    expect(await phase()).toBe('Initialized');

    await s.kube.patch({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'test', name: 'podinfo' }, 'strategic', {
      spec: { template: { spec: { containers: [{ name: 'podinfod', image: 'podinfo:2' }] } } },
    });
    const released = s.clock.now().getTime();
    for (let i = 0; i < 30 && (await phase()) !== 'Succeeded'; i++) await advance(10_000, () => r.settled());

    expect(await phase()).toBe('Succeeded');
    const run = steps.filter((x) => x.at >= released && x.result.kind === 'advanced');
    const scheduled = run.filter((x) => x.event.scheduledTime !== undefined);
    expect(scheduled.length).toBeGreaterThan(2);
    for (const x of scheduled) expect(x.at - Date.parse(x.event.scheduledTime ?? '')).toBeLessThan(1000);
    // Kicked at the watcher's pass, then on every 10 s slot: no step late, none doubled.
    const gaps = run.slice(1).map((x, i) => x.at - (run[i]?.at ?? 0));
    expect(new Set(gaps)).toEqual(new Set([10_000]));
    expect((await r.schedules.list())[0]?.enabled).toBe(false);
  });

  it('prints a step as phase, weight bar and decision, then its events', () => {
    expect(weightBar(25)).toBe('[#####...............]  25%');
    const lines = stepLines(
      { cluster: 'c', namespace: 'test', name: 'podinfo' },
      { kind: 'advanced', version: 3, problems: [], step: { kind: 'decided', next: { phase: 'Progressing', canaryWeight: 10 } as never, effects: [], events: [{ type: 'Normal', message: 'Advance podinfo.test canary weight 10' }], decision: 'advance', message: 'weight 10', metrics: [], webhooks: [], active: true, phaseBefore: 'Progressing' } },
      new Date('2026-01-01T12:00:10Z'),
    );
    expect(lines).toEqual([
      '12:00:10 test/podinfo             Progressing      [##..................]  10%  advance: weight 10',
      '         - Advance podinfo.test canary weight 10',
    ]);
  });

  it('prints one line per canary a watcher pass acted on, each reason once', () => {
    const id = { cluster: 'c', namespace: 'test', name: 'podinfo' };
    const other = { cluster: 'c', namespace: 'prod', name: 'api' };
    const lines = watchLines(
      [
        { type: 'createSchedule', id, intervalMs: 10_000, reason: 'new canary' },
        { type: 'kick', id, intervalMs: 10_000, reason: 'new canary' },
        { type: 'updateSchedule', id: other, intervalMs: 30_000, reason: 'interval changed from 60000 ms' },
        { type: 'kick', id: other, intervalMs: 30_000, reason: 'new revision' },
      ],
      new Date('2026-01-01T12:00:10Z'),
    );
    expect(lines).toEqual(['12:00:10 test/podinfo: new canary', '12:00:10 prod/api: interval changed from 60000 ms; new revision']);
    expect(watchLines([], new Date())).toEqual([]);
  });
});
