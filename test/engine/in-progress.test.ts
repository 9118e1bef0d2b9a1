/**
 * Fledge's IN_PROGRESS answer: a pre-rollout or rollout hook that answers `{"status":"IN_PROGRESS"}` keeps the
 * canary where it is without counting a failed check (as ECS lifecycle hooks do); a gate answering so stays closed.
 */
import { describe, expect, it } from 'vitest';
import type { CanaryWebhook } from '../../shared/api/types.ts';
import { alertsOf, canary, check, facts, routes, state } from './fixtures.ts';
import type { Case } from './fixtures.ts';

const hook = (name: string, type: CanaryWebhook['type']): CanaryWebhook => ({ name, type, url: `http://tester/${name}` });
const progressing = (weight: number, patch = {}) => state('Progressing', { canaryWeight: weight, ...patch });
const at = (weight: number) => facts({ routes: routes(100 - weight, weight) });

describe('a check hook in progress', () => {
  it.each<Case>([
    {
      name: 'waits on a pre-rollout hook in progress without a failed check or a traffic step',
      canary: canary({ webhooks: [hook('smoke', 'pre-rollout')] }),
      state: progressing(0),
      answers: { hooks: { smoke: 'inProgress' } },
      phase: 'Progressing',
      decision: 'wait',
      types: ['reconcileRouter', 'recordEvent', 'recordEvent'],
      messages: ['Starting canary analysis for podinfo.test', 'Halt podinfo.test advancement pre-rollout check smoke in progress, retry after 30s'],
      then: (d) => {
        expect(d.next).toMatchObject({ failedChecks: 0, canaryWeight: 0 });
        expect(d.webhooks).toEqual([{ name: 'smoke', type: 'pre-rollout', outcome: 'pending', statusCode: 200, detail: '{"status":"IN_PROGRESS","retryAfterSeconds":30}' }]);
      },
    },
    {
      name: 'waits on a rollout hook in progress, keeping its failed checks and weight, and asks no metric',
      canary: canary({ webhooks: [hook('load', 'rollout')] }),
      state: progressing(20, { failedChecks: 1 }),
      facts: at(20),
      answers: { hooks: { load: 'inProgress' } },
      phase: 'Progressing',
      decision: 'wait',
      types: ['reconcileRouter', 'recordEvent'],
      messages: ['Halt podinfo.test advancement rollout check load in progress, retry after 30s'],
      then: (d) => {
        expect(d.next).toMatchObject({ failedChecks: 1, canaryWeight: 20 });
        expect(d.asked.flat().some((n) => n.type === 'metric')).toBe(false);
        expect(alertsOf(d)).toEqual([]);
      },
    },
    {
      name: 'never rolls back for a check in progress, one short of the threshold',
      canary: canary({ webhooks: [hook('load', 'rollout')] }),
      state: progressing(20, { failedChecks: 2 }),
      facts: at(20),
      answers: { hooks: { load: 'inProgress' } },
      phase: 'Progressing',
      decision: 'wait',
      then: (d) => expect(d.next.failedChecks).toBe(2),
    },
    {
      name: 'still counts a failed check when the same hook fails',
      canary: canary({ webhooks: [hook('load', 'rollout')] }),
      state: progressing(20, { failedChecks: 1 }),
      facts: at(20),
      answers: { hooks: { load: 'fail' } },
      decision: 'halt',
      then: (d) => expect(d.next.failedChecks).toBe(2),
    },
    {
      name: 'advances once the hook in progress passes',
      canary: canary({ webhooks: [hook('load', 'rollout')] }),
      state: progressing(20, { failedChecks: 1 }),
      facts: at(20),
      decision: 'advance',
      then: (d) => expect(d.next).toMatchObject({ failedChecks: 1, canaryWeight: 30 }),
    },
    {
      name: 'keeps a confirm-rollout gate in progress closed, as a closed gate',
      canary: canary({ webhooks: [hook('start', 'confirm-rollout')] }),
      state: state('Succeeded', { lastAppliedSpec: 'old', lastPromotedSpec: 'old' }),
      answers: { hooks: { start: 'inProgress' } },
      phase: 'Waiting',
      decision: 'wait',
      messages: ['Halt podinfo.test advancement waiting for approval start'],
    },
  ])('$name', (row) => {
    check(row);
  });
});
