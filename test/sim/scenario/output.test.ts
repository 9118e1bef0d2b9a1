import { describe, expect, it } from 'vitest';
import { formatTime, humanLine, humanSummary, summarize, summaryJson, tickLineJson, weightBar } from '../../../sim/scenario/output.ts';
import { Script } from '../../../sim/scenario/script.ts';
import type { TickLine } from '../../../sim/scenario/types.ts';

function line(tick: number, phase: string, canary: number, extra: Partial<TickLine> = {}): TickLine {
  return {
    tick,
    time: formatTime(Date.UTC(2026, 0, 1) + tick * 60_000),
    phase,
    canaryWeight: canary,
    failedChecks: 0,
    iterations: 0,
    routes: { primary: 100 - canary, canary, mirrored: false, matched: null },
    primary: { replicas: 2, readyReplicas: 2, image: 'podinfo:1' },
    canary: { replicas: 2, readyReplicas: 2, image: 'podinfo:2' },
    events: [],
    alerts: [],
    webhooks: [],
    ...extra,
  };
}

describe('tickLineJson', () => {
  it('writes the fields in the order of SCENARIOS.md whatever the input order', () => {
    const shuffled = {
      webhooks: [{ result: 'pass', phase: 'Progressing', type: 'pre-rollout', name: 'acceptance-test' }],
      alerts: [{ message: 'New revision detected, progressing canary analysis.', severity: 'info' }],
      events: [{ message: 'Advance podinfo.test canary weight 10', type: 'Normal' }],
      canary: { image: 'ghcr.io/stefanprodan/podinfo:6.0.1', readyReplicas: 2, replicas: 2 },
      primary: { image: 'ghcr.io/stefanprodan/podinfo:6.0.0', readyReplicas: 2, replicas: 2 },
      routes: { matched: null, mirrored: false, canary: 10, primary: 90 },
      iterations: 0,
      failedChecks: 0,
      canaryWeight: 10,
      phase: 'Progressing',
      time: '2026-01-01T00:03:00Z',
      tick: 3,
    } as unknown as TickLine;

    expect(tickLineJson(shuffled)).toBe(
      '{"tick":3,"time":"2026-01-01T00:03:00Z","phase":"Progressing","canaryWeight":10,"failedChecks":0,"iterations":0,' +
        '"routes":{"primary":90,"canary":10,"mirrored":false,"matched":null},' +
        '"primary":{"replicas":2,"readyReplicas":2,"image":"ghcr.io/stefanprodan/podinfo:6.0.0"},' +
        '"canary":{"replicas":2,"readyReplicas":2,"image":"ghcr.io/stefanprodan/podinfo:6.0.1"},' +
        '"events":[{"type":"Normal","message":"Advance podinfo.test canary weight 10"}],' +
        '"alerts":[{"severity":"info","message":"New revision detected, progressing canary analysis."}],' +
        '"webhooks":[{"name":"acceptance-test","type":"pre-rollout","phase":"Progressing","result":"pass"}]}',
    );
  });

  it('writes a missing workload as null and an A/B split as an object', () => {
    const json = JSON.parse(tickLineJson(line(1, 'Initializing', 0, { primary: null, routes: { primary: 100, canary: 0, mirrored: false, matched: { primary: 0, canary: 100 } } })));

    expect(json.primary).toBeNull();
    expect(json.routes.matched).toEqual({ primary: 0, canary: 100 });
  });
});

describe('formatTime', () => {
  it('formats to the second in UTC', () => {
    expect(formatTime(Date.UTC(2026, 0, 1, 0, 3))).toBe('2026-01-01T00:03:00Z');
  });
});

describe('summarize', () => {
  it.each([
    { name: 'lists the Progressing weights of a promotion', phases: [['Initialized', 0], ['Progressing', 0], ['Progressing', 10], ['Progressing', 20], ['Promoting', 20], ['Finalising', 0], ['Succeeded', 0]], weights: [10, 20] },
    { name: 'shows a restarted analysis as repeated ladders', phases: [['Progressing', 10], ['Progressing', 20], ['Progressing', 0], ['Progressing', 10], ['Progressing', 20]], weights: [10, 20, 10, 20] },
    { name: 'collapses consecutive repeats of a halted step', phases: [['Progressing', 10], ['Progressing', 10], ['Progressing', 10], ['Failed', 0]], weights: [10] },
    { name: 'ignores weights outside Progressing', phases: [['Promoting', 50], ['Failed', 100]], weights: [] },
  ] as const)('$name', ({ phases, weights }) => {
    const lines = phases.map(([phase, canary], i) => line(i + 1, phase, canary));

    expect(summarize(lines).canaryWeights).toEqual(weights);
  });

  it('reports ticks, the last phase and the primary image at the end', () => {
    const lines = [line(1, 'Initialized', 0), line(2, 'Succeeded', 0, { primary: { replicas: 2, readyReplicas: 2, image: 'podinfo:9' } })];

    expect(summaryJson(summarize(lines))).toBe('{"summary":{"ticks":2,"phase":"Succeeded","canaryWeights":[],"primaryImage":"podinfo:9"}}');
    expect(summarize([line(1, 'Initializing', 0, { primary: null })]).primaryImage).toBeNull();
  });
});

describe('the human view', () => {
  it.each([
    [0, '[░░░░░░░░░░░░░░░░░░░░]'],
    [1, '[█░░░░░░░░░░░░░░░░░░░]'],
    [10, '[██░░░░░░░░░░░░░░░░░░]'],
    [50, '[██████████░░░░░░░░░░]'],
    [100, '[████████████████████]'],
  ])('draws %i%% as %s', (weight, bar) => {
    expect(weightBar(weight)).toBe(bar);
  });

  it('shows tick, elapsed time, phase, the bar and the events on one line', () => {
    const text = humanLine(
      line(3, 'Progressing', 10, { events: [{ type: 'Normal', message: 'Advance podinfo.test canary weight 10' }, { type: 'Warning', message: 'Halt' }] }),
      '2026-01-01T00:00:00Z',
    );

    expect(text).toBe('tick   3   +0:03:00  Progressing       [██░░░░░░░░░░░░░░░░░░]  10%  Advance podinfo.test canary weight 10 · ⚠ Halt');
    expect(text).not.toContain('\n');
  });

  it('sums the run up', () => {
    expect(humanSummary({ ticks: 12, phase: 'Succeeded', canaryWeights: [10, 20], primaryImage: 'podinfo:2' })).toBe(
      'Succeeded after 12 ticks; canary weights 10 → 20; primary runs podinfo:2',
    );
  });
});

describe('Script', () => {
  it('answers one per call, repeats the last and knows nothing of unlisted names', () => {
    const script = new Script<string | number>({ gate: ['fail', 'fail', 'pass'], other: [1] });

    expect([script.next('gate'), script.next('gate'), script.next('gate'), script.next('gate')]).toEqual(['fail', 'fail', 'pass', 'pass']);
    expect(script.next('other')).toBe(1);
    expect(script.has('missing')).toBe(false);
    expect(script.next('missing')).toBeUndefined();
  });
});
