/**
 * A Canary deleted, with and without `revertOnDeletion` (Flagger's finalizer `finalizer.flagger.app`): the
 * finalizer added while it is wanted, Terminating while the target is reverted, traffic moved back only once
 * the target can serve, Terminated; and a Canary found gone (404) committed as Terminated.
 */
import { describe, expect, it } from 'vitest';
import type { Canary } from '../../shared/api/types.ts';
import { FLAGGER_FINALIZER, canaryDeleted } from '../../shared/engine/index.ts';
import { NOW, alertsOf, canary, check, facts, state, workload } from './fixtures.ts';
import type { Case } from './fixtures.ts';

const REVERT = canary({}, { revertOnDeletion: true });
const missingPrimary = workload({ exists: false, readiness: { kind: 'wait', reason: 'deployment podinfo-primary.test not found' }, replicas: 0, availableReplicas: 0 });

function withFinalizers(c: Canary, finalizers: string[]): Canary {
  return { ...c, metadata: { ...c.metadata, finalizers } };
}

function deleting(c: Canary, finalizers: string[] = [FLAGGER_FINALIZER]): Canary {
  return { ...c, metadata: { ...c.metadata, finalizers, deletionTimestamp: '2026-01-01T00:59:30Z' } };
}

const targetAtZero = facts({ target: { replicas: 0, availableReplicas: 0, readiness: { kind: 'ready' } } });
const WAITING_AT_ZERO = 'Waiting for podinfo.test to be ready before traffic moves back to it: canary podinfo.test is scaled to zero';

describe('the finalizer', () => {
  it.each<Case>([
    {
      name: 'is added on initialization with revertOnDeletion',
      canary: REVERT,
      state: 'new',
      facts: facts({ primary: missingPrimary }),
      phase: 'Initializing',
      types: ['addFinalizer', 'initialize'],
    },
    {
      name: 'is not added without revertOnDeletion',
      state: 'new',
      facts: facts({ primary: missingPrimary }),
      types: ['initialize'],
    },
    {
      name: 'is not added again when the Canary carries it',
      canary: withFinalizers(REVERT, ['other.example.com', FLAGGER_FINALIZER]),
      state: state('Succeeded'),
      facts: facts({ target: { templateHash: 'rev-1' } }),
      decision: 'idle',
      types: ['reconcileRouter'],
    },
    {
      name: 'is added to a suspended canary too (Flagger adds it on every sync)',
      canary: canary({}, { revertOnDeletion: true, suspend: true }),
      state: state('Succeeded'),
      decision: 'suspended',
      types: ['addFinalizer', 'recordEvent'],
    },
  ])('$name', (row) => {
    check(row);
  });
});

describe('deletion with revertOnDeletion', () => {
  it.each<Case>([
    {
      name: 'enters Terminating, scales the target back up and keeps the traffic where it is while the target is at zero',
      canary: deleting(REVERT),
      state: state('Succeeded', { lastAppliedSpec: 'rev-1' }),
      facts: targetAtZero,
      phase: 'Terminating',
      decision: 'wait',
      types: ['recordEvent', 'revertTarget', 'recordEvent'],
      messages: ['Terminating canary podinfo.test', WAITING_AT_ZERO],
      then: (d) => expect(d.active).toBe(true),
    },
    {
      name: 'keeps waiting while the target is not ready, without saying Terminating again',
      canary: deleting(REVERT),
      state: state('Terminating'),
      facts: facts({ target: { readiness: { kind: 'wait', reason: 'deployment podinfo.test not ready: 0 of 2 updated replicas are available' }, availableReplicas: 0 } }),
      phase: 'Terminating',
      decision: 'wait',
      types: ['revertTarget', 'recordEvent'],
      messages: ['Waiting for podinfo.test to be ready before traffic moves back to it: deployment podinfo.test not ready: 0 of 2 updated replicas are available'],
    },
    {
      name: 'gives the traffic back at once to a target whose platform routes only to ready copies (a Knative Service), ready or not',
      canary: deleting(REVERT),
      state: state('Terminating', { canaryWeight: 20 }),
      facts: facts({ target: { readiness: { kind: 'wait', reason: 'Knative Revision podinfo-00002.test is not ready' }, availableReplicas: 0, routesOnlyWhenReady: true } }),
      phase: 'Terminated',
      decision: 'terminated',
      types: ['revertTarget', 'finalizeRouter', 'removeFinalizer', 'recordEvent'],
    },
    {
      name: 'waits until the target has the primary\'s replicas',
      canary: deleting(REVERT),
      state: state('Terminating'),
      facts: facts({ target: { replicas: 1, availableReplicas: 1 }, primary: workload({ replicas: 3, availableReplicas: 3 }) }),
      phase: 'Terminating',
      types: ['revertTarget', 'recordEvent'],
    },
    {
      name: 'points the router back at the ready target, removes the finalizer and ends Terminated',
      canary: deleting(REVERT),
      state: state('Terminating', { canaryWeight: 20 }),
      phase: 'Terminated',
      decision: 'terminated',
      types: ['revertTarget', 'finalizeRouter', 'removeFinalizer', 'recordEvent'],
      messages: ['Terminated canary podinfo.test'],
      then: (d) => {
        expect(d.active).toBe(false);
        expect(d.next.canaryWeight).toBe(0);
        expect(d.next.conditions.at(-1)).toMatchObject({ type: 'Promoted', reason: 'Terminated' });
      },
    },
    {
      name: 'reverts in one step mid-analysis when the target already serves',
      canary: deleting(REVERT),
      state: state('Progressing', { canaryWeight: 20 }),
      phase: 'Terminated',
      types: ['recordEvent', 'revertTarget', 'finalizeRouter', 'removeFinalizer', 'recordEvent'],
      messages: ['Terminating canary podinfo.test', 'Terminated canary podinfo.test'],
    },
    {
      name: 'removes the finalizer at once when the target was deleted too, as nothing is left to revert',
      canary: deleting(REVERT),
      state: state('Succeeded'),
      facts: facts({ target: { exists: false, replicas: 0, availableReplicas: 0, readiness: { kind: 'wait', reason: 'deployment podinfo.test not found' } } }),
      phase: 'Terminated',
      types: ['recordEvent', 'removeFinalizer', 'recordEvent', 'recordEvent'],
      messages: ['Terminating canary podinfo.test', 'Deployment podinfo.test not found', 'Terminated canary podinfo.test'],
    },
    {
      name: 'is handled before suspend and pause',
      canary: deleting(canary({}, { revertOnDeletion: true, suspend: true })),
      state: { ...state('Succeeded'), paused: true },
      facts: targetAtZero,
      phase: 'Terminating',
      types: ['recordEvent', 'revertTarget', 'recordEvent'],
    },
  ])('$name', (row) => {
    check(row);
  });
});

describe('deletion without a revert', () => {
  it.each<Case>([
    {
      name: 'ends Terminated at once with an alert when another finalizer holds the Canary',
      canary: deleting(canary(), ['other.example.com']),
      state: state('Progressing', { canaryWeight: 20, pendingRevision: { spec: 'rev-3', trackedConfigs: {}, detectedAt: NOW } }),
      phase: 'Terminated',
      decision: 'deleted',
      types: ['reviveOrphanedTargets', 'notify'],
      messages: [],
      then: (d) => {
        expect(alertsOf(d)).toEqual([
          "warn: Canary podinfo.test deleted in phase Progressing: not reverted (no revertOnDeletion finalizer on it); its primary, Services and routes are left to the cluster's garbage collection",
        ]);
        expect(d.active).toBe(false);
        expect(d.next.pendingRevision).toBeUndefined();
      },
    },
    {
      name: 'removes Flagger\'s finalizer left from an earlier revertOnDeletion, so the deletion is not blocked',
      canary: deleting(canary()),
      state: state('Succeeded'),
      phase: 'Terminated',
      types: ['removeFinalizer', 'reviveOrphanedTargets', 'notify'],
    },
    {
      name: 'does nothing more once Terminated while another finalizer still holds the Canary',
      canary: deleting(canary(), ['other.example.com']),
      state: state('Terminated'),
      decision: 'noop',
      types: [],
      messages: [],
    },
  ])('$name', (row) => {
    check(row);
  });

  it('starts a Canary created again after a deletion over as a new one', () => {
    check({
      name: '',
      state: state('Terminated'),
      facts: facts({ primary: missingPrimary }),
      phase: 'Initializing',
      decision: 'initialize',
      types: ['initialize'],
      then: (d) => expect(d.phaseBefore).toBeUndefined(),
    });
  });
});

describe('canaryDeleted', () => {
  const before = state('Progressing', { canaryWeight: 30, failedChecks: 1, pendingRevision: { spec: 'rev-3', trackedConfigs: {}, detectedAt: NOW } });

  it('commits Terminated with the event kept in history and an alert, nothing in flight', () => {
    const d = canaryDeleted(before, { name: 'podinfo', namespace: 'test' }, NOW);

    expect(d.next).toMatchObject({ phase: 'Terminated', canaryWeight: 0, failedChecks: 1, phaseEnteredAt: NOW, lastTransitionTime: NOW });
    expect(d.next.pendingRevision).toBeUndefined();
    expect(d.next.conditions.at(-1)).toMatchObject({ type: 'Promoted', reason: 'Terminated', status: 'Unknown' });
    expect(d.events).toEqual([{ type: 'Normal', message: 'Terminated canary podinfo.test' }]);
    expect(d.effects.map((e) => e.type)).toEqual(['reviveOrphanedTargets', 'notify']);
    expect(d).toMatchObject({ decision: 'deleted', active: false, phaseBefore: 'Progressing' });
  });

  it('reports in its alert the targets scaled back up from zero', () => {
    const d = canaryDeleted(state('Succeeded'), { name: 'podinfo', namespace: 'test' }, NOW, ['Deployment/podinfo']);

    expect(d.effects.flatMap((e) => (e.type === 'notify' ? [`${e.severity}: ${e.message}`] : []))).toEqual([
      "warn: Canary podinfo.test deleted in phase Succeeded: not reverted (no revertOnDeletion finalizer on it); its primary, Services and routes are left to the cluster's garbage collection; Deployment/podinfo, scaled to zero by it, scaled back up",
    ]);
  });

  it('says when the revert was cut short by someone removing the finalizer', () => {
    const d = canaryDeleted(state('Terminating'), { name: 'podinfo', namespace: 'test' }, NOW);

    expect(d.effects.flatMap((e) => (e.type === 'notify' ? [e.message] : []))).toEqual([
      "Canary podinfo.test deleted before its revert completed (finalizer finalizer.flagger.app removed by someone else); its primary, Services and routes are left to the cluster's garbage collection",
    ]);
  });

  it('is deterministic and JSON-round-trippable', () => {
    const a = canaryDeleted(before, { name: 'podinfo', namespace: 'test' }, NOW);
    const b = canaryDeleted(before, { name: 'podinfo', namespace: 'test' }, NOW);

    expect(a).toEqual(b);
    expect(JSON.parse(JSON.stringify(a))).toEqual(a);
  });
});
