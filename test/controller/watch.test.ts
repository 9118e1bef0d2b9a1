/** The watcher's pure diff: what changes for each situation a canary can be in, and nothing for the rest. */
import { describe, expect, it } from 'vitest';
import { planWatch, type WatchedCanary, type WatchInput } from '../../shared/controller/watch.ts';
import type { CanaryStateSummary } from '../../shared/store/index.ts';
import { canaryKey } from '../../shared/api/state.ts';
import { scheduleName } from '../../shared/schedule/index.ts';

const id = { cluster: 'prod', namespace: 'test', name: 'podinfo' };
const key = canaryKey(id);
const name = scheduleName(id);
const watched = (over: Partial<WatchedCanary> = {}): WatchedCanary => ({ id, intervalMs: 60_000, deleting: false, revision: { spec: 'aaa', trackedConfigs: { 'configmap/cfg': '1' } }, ...over });
const state = (over: Partial<CanaryStateSummary> = {}): CanaryStateSummary =>
  ({ phase: 'Succeeded', canaryWeight: 0, failedChecks: 0, iterations: 0, lastAppliedSpec: 'aaa', lastPromotedSpec: 'aaa', trackedConfigs: { 'configmap/cfg': '1' }, conditions: [], controls: [], paused: false, lastTransitionTime: '2026-01-01T00:00:00Z', ...over }) as CanaryStateSummary;
const input = (canaries: WatchedCanary[], states: Record<string, CanaryStateSummary>, schedules: Record<string, boolean>, intervals?: Record<string, number>): WatchInput => ({
  canaries,
  states: new Map(Object.entries(states)),
  schedules: new Map(Object.entries(schedules)),
  ...(intervals ? { intervals: new Map(Object.entries(intervals)) } : {}),
});
const types = (plan: ReturnType<typeof planWatch>) => plan.map((a) => `${a.type}: ${a.reason}`);

describe('planWatch', () => {
  it.each<[string, WatchInput, string[]]>([
    ['schedules and kicks a new canary', input([watched()], {}, {}), ['createSchedule: new canary', 'kick: new canary']],
    ['changes nothing for a canary at rest on its promoted revision', input([watched()], { [key]: state() }, { [name]: false }), []],
    ['enables and kicks on a new pod template', input([watched({ revision: { spec: 'bbb', trackedConfigs: { 'configmap/cfg': '1' } } })], { [key]: state() }, { [name]: false }), ['enableSchedule: new revision', 'kick: new revision']],
    ['enables and kicks on a changed tracked config', input([watched({ revision: { spec: 'aaa', trackedConfigs: { 'configmap/cfg': '2' } } })], { [key]: state() }, { [name]: false }), ['enableSchedule: new revision', 'kick: new revision']],
    ['does not restart for a return to the promoted revision after a failure', input([watched()], { [key]: state({ phase: 'Failed', lastAppliedSpec: 'bad' }) }, { [name]: false }), []],
    ['ignores a revision already pending behind a gate', input([watched({ revision: { spec: 'ccc', trackedConfigs: {} } })], { [key]: state({ pendingRevision: { spec: 'ccc', trackedConfigs: {}, detectedAt: 'x' } }) }, { [name]: true }), []],
    ['re-enables, without a kick, the schedule of a rolled-back canary still to be scaled down', input([watched()], { [key]: state({ phase: 'Failed', lastAppliedSpec: 'bad', canaryScaleDownPending: true }) }, { [name]: false }), ['enableSchedule: canary scale-down pending after a rollback']],
    ['leaves the enabled schedule of a rolled-back canary still to be scaled down alone', input([watched()], { [key]: state({ phase: 'Failed', lastAppliedSpec: 'bad', canaryScaleDownPending: true }) }, { [name]: true }), []],
    ['re-creates the missing schedule of a run in flight', input([watched()], { [key]: state({ phase: 'Progressing' }) }, {}), ['createSchedule: run in flight (Progressing)']],
    ['re-enables the disabled schedule of a run in flight', input([watched()], { [key]: state({ phase: 'Promoting' }) }, { [name]: false }), ['enableSchedule: run in flight (Promoting)']],
    ['updates the schedule of a run in flight whose interval changed', input([watched({ intervalMs: 30_000 })], { [key]: state({ phase: 'Progressing' }) }, { [name]: true }, { [name]: 60_000 }), ['updateSchedule: interval changed from 60000 ms']],
    ['wakes a resting canary for a runtime control', input([watched()], { [key]: state({ controls: [{ action: 'retry', requestedBy: 'cli:a', requestedAt: 'x' }] }) }, { [name]: false }), ['enableSchedule: control requested (retry)', 'kick: control requested (retry)']],
    ['wakes a resting canary being deleted (revertOnDeletion)', input([watched({ deleting: true })], { [key]: state() }, { [name]: false }), ['enableSchedule: canary being deleted', 'kick: canary being deleted']],
    ['kicks a canary gone from the cluster once to record its end', input([], { [key]: state() }, { [name]: false }), ['kick: canary deleted']],
    ['deletes the schedule of a canary gone and Terminated', input([], { [key]: state({ phase: 'Terminated' }) }, { [name]: false }), ['deleteSchedule: canary deleted']],
    ['schedules and kicks a Canary re-created after its predecessor was Terminated', input([watched()], { [key]: state({ phase: 'Terminated' }) }, {}), ['createSchedule: canary re-created', 'kick: canary re-created']],
    ['enables and kicks a re-created Canary whose old schedule is still there', input([watched()], { [key]: state({ phase: 'Terminated' }) }, { [name]: false }), ['enableSchedule: canary re-created', 'kick: canary re-created']],
    ['leaves a gone, Terminated canary without schedule alone', input([], { [key]: state({ phase: 'Terminated' }) }, {}), []],
  ])('%s', (_name, given, expected) => {
    expect(types(planWatch(given))).toEqual(expected);
  });

  it('is O(changes): 10,000 canaries at rest plan nothing', () => {
    const canaries: WatchedCanary[] = [];
    const states: Record<string, CanaryStateSummary> = {};
    const schedules: Record<string, boolean> = {};
    for (let i = 0; i < 10_000; i++) {
      const c = { ...id, name: `app-${i}` };
      canaries.push(watched({ id: c }));
      states[canaryKey(c)] = state();
      schedules[scheduleName(c)] = false;
    }
    expect(planWatch(input(canaries, states, schedules))).toEqual([]);
  });
});
