import { describe, expect, it } from 'vitest';
import {
  daemonSetExpectedState,
  daemonSetProgress,
  daemonSetReadiness,
  deploymentExpectedState,
  deploymentProgress,
  deploymentReadiness,
  type DaemonSet,
  type Deployment,
  type ExpectedState,
  type Readiness,
  type RolloutProgress,
} from '../../shared/workload/index.ts';

const NOW = new Date('2026-01-01T01:00:00Z');

function deployment(status: NonNullable<Deployment['status']>, replicas = 4, generation = 2): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'podinfo', generation },
    spec: { replicas, selector: {}, template: { spec: { containers: [] } } },
    status: { observedGeneration: 2, ...status },
  };
}

const progressing = { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' };
const unavailableSince = (time: string) => ({ type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', lastUpdateTime: time });

interface DeploymentCase {
  name: string;
  deployment: Deployment;
  threshold?: number;
  expected: Readiness;
}

describe('deploymentReadiness (Flagger)', () => {
  it.each<DeploymentCase>([
    { name: 'is ready when every replica is updated and available', deployment: deployment({ replicas: 4, updatedReplicas: 4, availableReplicas: 4, conditions: [progressing] }), expected: { kind: 'ready' } },
    {
      name: 'waits while the new generation is not observed',
      deployment: deployment({ replicas: 4, updatedReplicas: 4, availableReplicas: 4 }, 4, 3),
      expected: { kind: 'wait', reason: 'waiting for rollout to finish: observed deployment generation less than desired generation' },
    },
    {
      name: 'waits while replicas are being updated',
      deployment: deployment({ replicas: 4, updatedReplicas: 1, availableReplicas: 3, conditions: [progressing] }),
      expected: { kind: 'wait', reason: 'waiting for rollout to finish: 1 out of 4 new replicas have been updated' },
    },
    {
      name: 'waits while old replicas terminate',
      deployment: deployment({ replicas: 6, updatedReplicas: 4, availableReplicas: 4, conditions: [progressing] }),
      expected: { kind: 'wait', reason: 'waiting for rollout to finish: 2 old replicas are pending termination' },
    },
    {
      name: 'waits while fewer updated replicas than the threshold are available',
      deployment: deployment({ replicas: 4, updatedReplicas: 4, availableReplicas: 2, conditions: [progressing] }),
      expected: { kind: 'wait', reason: 'waiting for rollout to finish: 2 of 4 (readyThreshold 100%) updated replicas are available' },
    },
    {
      name: 'is ready at the threshold (50% of 4 updated)',
      deployment: deployment({ replicas: 4, updatedReplicas: 4, availableReplicas: 2, conditions: [progressing] }),
      threshold: 50,
      expected: { kind: 'ready' },
    },
    {
      name: 'truncates the threshold count as Flagger does (75% of 3 is 2)',
      deployment: deployment({ replicas: 3, updatedReplicas: 3, availableReplicas: 1, conditions: [progressing] }, 3),
      threshold: 75,
      expected: { kind: 'wait', reason: 'waiting for rollout to finish: 1 of 2 (readyThreshold 75%) updated replicas are available' },
    },
    {
      name: 'fails when the Deployment exceeded its progress deadline',
      deployment: deployment({ replicas: 4, updatedReplicas: 4, availableReplicas: 0, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }] }),
      expected: { kind: 'failed', reason: 'deployment "podinfo" exceeded its progress deadline' },
    },
    {
      name: 'fails when minimum availability is missing for longer than the Canary deadline',
      deployment: deployment({ replicas: 4, updatedReplicas: 4, availableReplicas: 0, conditions: [progressing, unavailableSince('2026-01-01T00:49:00Z')] }),
      expected: { kind: 'failed', reason: 'waiting for rollout to finish: 0 of 4 (readyThreshold 100%) updated replicas are available' },
    },
    {
      name: 'still waits when minimum availability is missing within the deadline',
      deployment: deployment({ replicas: 4, updatedReplicas: 4, availableReplicas: 0, conditions: [progressing, unavailableSince('2026-01-01T00:51:00Z')] }),
      expected: { kind: 'wait', reason: 'waiting for rollout to finish: 0 of 4 (readyThreshold 100%) updated replicas are available' },
    },
  ])('$name', ({ deployment: d, threshold, expected }) => {
    expect(deploymentReadiness(d, { now: NOW, deadlineSeconds: 600, thresholdPercent: threshold ?? 100 })).toEqual(expected);
  });
});

describe('deploymentExpectedState (Fledge hard check)', () => {
  it.each<[string, Deployment, ExpectedState]>([
    ['is reached when every desired replica is updated and available', deployment({ replicas: 4, updatedReplicas: 4, availableReplicas: 4 }), { kind: 'reached' }],
    ['is pending while the generation is not observed', deployment({ replicas: 4, updatedReplicas: 4, availableReplicas: 4 }, 4, 3), { kind: 'pending', reason: 'generation 3 not observed yet (observed 2)' }],
    ['is pending while replicas are not updated', deployment({ replicas: 4, updatedReplicas: 3, availableReplicas: 4 }), { kind: 'pending', reason: '3 of 4 replicas updated' }],
    ['is pending while old replicas run', deployment({ replicas: 5, updatedReplicas: 4, availableReplicas: 4 }), { kind: 'pending', reason: '1 old replicas still running' }],
    ['ignores ready thresholds: every desired replica must be available', deployment({ replicas: 4, updatedReplicas: 4, availableReplicas: 3 }), { kind: 'pending', reason: '3 of 4 updated replicas available' }],
    [
      'ignores conditions that claim progress (a stuck RollingUpdate)',
      deployment({ replicas: 4, updatedReplicas: 4, availableReplicas: 0, conditions: [{ type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated' }] }),
      { kind: 'pending', reason: '0 of 4 updated replicas available' },
    ],
  ])('%s', (_name, d, expected) => {
    expect(deploymentExpectedState(d)).toEqual(expected);
  });
});

describe('deploymentProgress (updated replicas available, for the deadline from the last progress)', () => {
  it.each<[string, Deployment, RolloutProgress]>([
    ['counts every replica once the rollout is complete', deployment({ replicas: 4, updatedReplicas: 4, availableReplicas: 4 }), { updatedAvailable: 4, desired: 4 }],
    ['counts nothing while a surged new pod is not ready yet (old pods are all that is available)', deployment({ replicas: 5, updatedReplicas: 1, availableReplicas: 4 }), { updatedAvailable: 0, desired: 4 }],
    ['counts the surged new pod once it is available', deployment({ replicas: 5, updatedReplicas: 1, availableReplicas: 5 }), { updatedAvailable: 1, desired: 4 }],
    ['keeps the count once the old pod it replaced is gone', deployment({ replicas: 4, updatedReplicas: 1, availableReplicas: 4 }), { updatedAvailable: 1, desired: 4 }],
    ['counts the available pods of a Recreate rollout', deployment({ replicas: 4, updatedReplicas: 4, availableReplicas: 2 }), { updatedAvailable: 2, desired: 4 }],
    ['never counts more than the updated pods', deployment({ replicas: 2, updatedReplicas: 2, availableReplicas: 4 }), { updatedAvailable: 2, desired: 4 }],
    ['counts nothing while the generation is not observed (the counts are the template before)', deployment({ replicas: 4, updatedReplicas: 4, availableReplicas: 4 }, 4, 3), { updatedAvailable: 0, desired: 4 }],
  ])('%s', (_name, d, expected) => {
    expect(deploymentProgress(d)).toEqual(expected);
  });
});

function daemonSet(status: NonNullable<DaemonSet['status']>, generation = 1): DaemonSet {
  return { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent', generation }, spec: { selector: {}, template: { spec: { containers: [] } } }, status: { observedGeneration: 1, ...status } };
}

describe('daemonSetReadiness (Flagger)', () => {
  const since = new Date('2026-01-01T00:55:00Z');
  it.each<[string, DaemonSet, Date | undefined, Readiness]>([
    ['is ready when every scheduled daemon is updated and available', daemonSet({ desiredNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 3 }), since, { kind: 'ready' }],
    ['waits while daemons update', daemonSet({ desiredNumberScheduled: 3, updatedNumberScheduled: 1, numberAvailable: 3 }), since, { kind: 'wait', reason: 'waiting for rollout to finish: 1 out of 3 new pods have been updated' }],
    ['waits while updated daemons become available', daemonSet({ desiredNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 2 }), since, { kind: 'wait', reason: 'waiting for rollout to finish: 2 of 3 updated pods are available' }],
    ['fails once the deadline from the phase start has passed', daemonSet({ desiredNumberScheduled: 3, updatedNumberScheduled: 1, numberAvailable: 1 }), new Date('2026-01-01T00:49:00Z'), { kind: 'failed', reason: 'exceeded its progressDeadlineSeconds: 600' }],
  ])('%s', (_name, ds, start, expected) => {
    expect(daemonSetReadiness(ds, { now: NOW, deadlineSeconds: 600, ...(start ? { since: start } : {}) })).toEqual(expected);
  });

  it.each<[string, DaemonSet, RolloutProgress]>([
    ['counts every daemon once updated and available', daemonSet({ desiredNumberScheduled: 3, currentNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 3 }), { updatedAvailable: 3, desired: 3 }],
    ['counts only what the old daemons still running cannot be', daemonSet({ desiredNumberScheduled: 3, currentNumberScheduled: 3, updatedNumberScheduled: 1, numberAvailable: 3 }), { updatedAvailable: 1, desired: 3 }],
    ['counts nothing while the updated daemon is not available', daemonSet({ desiredNumberScheduled: 3, currentNumberScheduled: 3, updatedNumberScheduled: 1, numberAvailable: 2 }), { updatedAvailable: 0, desired: 3 }],
    ['counts nothing while the generation is not observed', daemonSet({ desiredNumberScheduled: 3, currentNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 3 }, 2), { updatedAvailable: 0, desired: 3 }],
  ])('has a progress count that %s', (_name, ds, expected) => {
    expect(daemonSetProgress(ds)).toEqual(expected);
  });

  it('has a hard check that needs every scheduled daemon updated and available', () => {
    expect(daemonSetExpectedState(daemonSet({ desiredNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 3 }))).toEqual({ kind: 'reached' });
    expect(daemonSetExpectedState(daemonSet({ desiredNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 1 }))).toEqual({ kind: 'pending', reason: '1 of 3 updated pods available' });
  });
});
