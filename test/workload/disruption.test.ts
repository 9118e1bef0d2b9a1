/**
 * Whether promoting would leave the primary with no available pod (seed 000): the update strategy the
 * promotion copies from the target, resolved as the Deployment and DaemonSet controllers resolve it, and the
 * `updateDisruptive` fact `observe()` reports on the primary, read from the emulator through the real client.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DaemonSetWorkload, DeploymentWorkload, daemonSetUpdateDisruptive, deploymentUpdateDisruptive, scaledValue, type DaemonSet } from '../../shared/workload/index.ts';
import { startKube, type KubeHarness } from '../kube/harness.ts';
import { canaryFor, deploymentFor, hpaFor } from './fixtures.ts';

describe('scaledValue', () => {
  it.each([
    { value: 2, total: 10, roundUp: false, expected: 2 },
    { value: '25%', total: 3, roundUp: false, expected: 0 },
    { value: '25%', total: 3, roundUp: true, expected: 1 },
    { value: '100%', total: 4, roundUp: false, expected: 4 },
    { value: '50%', total: 3, roundUp: true, expected: 2 },
    { value: 'half', total: 3, roundUp: true, expected: undefined },
    { value: undefined, total: 3, roundUp: true, expected: undefined },
  ])('resolves $value of $total (round up: $roundUp) to $expected', ({ value, total, roundUp, expected }) => {
    expect(scaledValue(value, total, roundUp)).toBe(expected);
  });
});

describe('deploymentUpdateDisruptive', () => {
  it.each([
    { name: 'Recreate', strategy: { type: 'Recreate' }, replicas: 2, expected: true },
    { name: 'Recreate with no replica', strategy: { type: 'Recreate' }, replicas: 0, expected: false },
    { name: 'the default rolling update', strategy: undefined, replicas: 2, expected: false },
    { name: 'the default rolling update of one replica (surge first)', strategy: { type: 'RollingUpdate' }, replicas: 1, expected: false },
    { name: 'maxUnavailable 100%', strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '100%', maxSurge: 0 } }, replicas: 3, expected: true },
    { name: 'maxUnavailable equal to the replicas', strategy: { rollingUpdate: { maxUnavailable: 2, maxSurge: 1 } }, replicas: 2, expected: true },
    { name: 'maxUnavailable below the replicas', strategy: { rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } }, replicas: 2, expected: false },
    { name: 'maxUnavailable 50% rounded down below the replicas', strategy: { rollingUpdate: { maxUnavailable: '50%', maxSurge: 0 } }, replicas: 1, expected: true },
    { name: 'maxUnavailable 40% of 2 rounded down to 0, surge 0: one pod may go', strategy: { rollingUpdate: { maxUnavailable: '40%', maxSurge: 0 } }, replicas: 1, expected: true },
    { name: 'maxUnavailable 0 with a surge', strategy: { rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } }, replicas: 1, expected: false },
  ])('$name: $expected', ({ strategy, replicas, expected }) => {
    expect(deploymentUpdateDisruptive(strategy, replicas)).toBe(expected);
  });
});

describe('daemonSetUpdateDisruptive', () => {
  it.each([
    { name: 'the default (maxUnavailable 1) on one node', strategy: { type: 'RollingUpdate' }, desired: 1, expected: true },
    { name: 'the default (maxUnavailable 1) on three nodes', strategy: undefined, desired: 3, expected: false },
    { name: 'maxUnavailable 100%', strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '100%' } }, desired: 3, expected: true },
    { name: 'maxUnavailable 50% rounded up on two nodes', strategy: { rollingUpdate: { maxUnavailable: '50%' } }, desired: 2, expected: false },
    { name: 'maxUnavailable 60% rounded up on two nodes', strategy: { rollingUpdate: { maxUnavailable: '60%' } }, desired: 2, expected: true },
    { name: 'a surge (the new pod is ready before the old one goes)', strategy: { rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } }, desired: 1, expected: false },
    { name: 'no node', strategy: { rollingUpdate: { maxUnavailable: '100%' } }, desired: 0, expected: false },
  ])('$name: $expected', ({ strategy, desired, expected }) => {
    expect(daemonSetUpdateDisruptive(strategy, desired)).toBe(expected);
  });
});

describe('observe() reports whether promoting disrupts the primary', () => {
  let h: KubeHarness;
  const now = { now: new Date('2026-01-01T00:10:00Z') };
  beforeAll(async () => {
    h = await startKube();
  });
  afterAll(async () => {
    await h.stop();
  });

  it.each([
    { name: 'recreate', strategy: { type: 'Recreate', rollingUpdate: null }, expected: true },
    { name: 'rolling', strategy: { type: 'RollingUpdate' }, expected: false },
    { name: 'allatonce', strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '100%', maxSurge: 0 } }, expected: true },
  ])('is $expected for the $name strategy the promotion copies from the target', async ({ name, strategy, expected }) => {
    const workload = new DeploymentWorkload({ kube: h.kube });
    const canary = canaryFor(name);
    await h.kube.create(deploymentFor(name));
    await workload.initialize(canary);
    // The target's strategy, not the primary's, is what the promotion will apply (null drops the defaulted rollingUpdate).
    await h.kube.patch({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'test', name }, 'merge', { spec: { strategy } });

    const seen = await workload.observe(canary, now);

    expect(seen.primary.updateDisruptive).toBe(expected);
  });

  it('counts the primary\'s replicas when an autoscaler owns them', async () => {
    const workload = new DeploymentWorkload({ kube: h.kube });
    const canary = canaryFor('scaled', { autoscalerRef: { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', name: 'scaled' } });
    await h.kube.create({ ...deploymentFor('scaled', { replicas: 1 }), spec: { ...deploymentFor('scaled', { replicas: 1 }).spec, strategy: { rollingUpdate: { maxUnavailable: 1, maxSurge: 1 } } } });
    await h.kube.create(hpaFor('scaled', 'scaled', 3, 6));
    await workload.initialize(canary);
    await h.kube.patch({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'test', name: 'scaled-primary' }, 'merge', { spec: { replicas: 3 } });

    expect((await workload.observe(canary, now)).primary.updateDisruptive).toBe(false);
  });

  it('is false while there is no primary', async () => {
    const workload = new DeploymentWorkload({ kube: h.kube });
    await h.kube.create({ ...deploymentFor('alone'), spec: { ...deploymentFor('alone').spec, strategy: { type: 'Recreate' } } });

    expect((await workload.observe(canaryFor('alone'), now)).primary.updateDisruptive).toBe(false);
  });

  it('reads a DaemonSet\'s nodes from the primary\'s status', async () => {
    const workload = new DaemonSetWorkload({ kube: h.kube });
    const canary = canaryFor('agent', {}, 'DaemonSet');
    const daemonSet: DaemonSet = {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'agent', namespace: 'test' },
      spec: {
        selector: { matchLabels: { name: 'agent' } },
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 2 } },
        template: { metadata: { labels: { name: 'agent' } }, spec: { containers: [{ name: 'agent', image: 'agent:1' }] } },
      },
    };
    await h.kube.create(daemonSet);
    await workload.initialize(canary);
    const primary = { apiVersion: 'apps/v1', kind: 'DaemonSet', namespace: 'test', name: 'agent-primary' };
    const nodes = async (desiredNumberScheduled: number) => {
      const status = { desiredNumberScheduled, currentNumberScheduled: desiredNumberScheduled, numberMisscheduled: 0, numberReady: desiredNumberScheduled, numberAvailable: desiredNumberScheduled };
      await h.kube.patch(primary, 'merge', { status }, { subresource: 'status' });
      return (await workload.observe(canary, now)).primary.updateDisruptive;
    };

    expect(await nodes(2)).toBe(true);
    expect(await nodes(3)).toBe(false);
  });
});
