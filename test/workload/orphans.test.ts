/**
 * Fledge's safety for a Canary deleted without `revertOnDeletion`: a target it scaled to zero is scaled back up
 * when its primary is gone (or owned by the deleted Canary), and only then. Against the emulator.
 */
import { describe, expect, it } from 'vitest';
import type { Canary } from '../../shared/api/types.ts';
import { DaemonSetWorkload, SCALED_BY_ANNOTATION, reviveOrphanedTargets, type DaemonSet, type Deployment } from '../../shared/workload/index.ts';
import { deploymentWorkloadForFile } from './harness.ts';
import { canaryFor, deploymentFor, refs } from './fixtures.ts';

const env = deploymentWorkloadForFile();

const dep = refs.deployment;

/** A target `name` with 3 replicas, scaled to zero by the Canary `canary` (default: named as the target). */
async function scaledToZero(name: string, canaryName = name): Promise<Canary> {
  await env.h.kube.create(deploymentFor(name, { replicas: 3 }));
  const canary = canaryFor(name);
  const named = { ...canary, metadata: { ...canary.metadata, name: canaryName } };
  await env.workload.scaleToZero(named);
  return named;
}

async function replicasOf(name: string): Promise<number | undefined> {
  return (await env.h.kube.get<Deployment>(dep(name)))?.spec.replicas;
}

describe('reviveOrphanedTargets', () => {
  it('scales a target back to its recorded replicas when its primary is gone, once', async () => {
    await scaledToZero('gone');
    expect(await replicasOf('gone')).toBe(0);

    expect(await reviveOrphanedTargets(env.h.kube, 'test', 'gone')).toEqual(['Deployment/gone']);

    const target = await env.h.kube.get<Deployment>(dep('gone'));
    expect(target?.spec.replicas).toBe(3);
    expect(target?.metadata.annotations?.[SCALED_BY_ANNOTATION]).toBeUndefined();
    expect(await reviveOrphanedTargets(env.h.kube, 'test', 'gone')).toEqual([]);
  });

  it('scales a target back up when its primary belongs to the deleted Canary', async () => {
    await scaledToZero('owned');
    const primary = deploymentFor('owned-primary', { replicas: 3 });
    await env.h.kube.create({
      ...primary,
      metadata: { ...primary.metadata, ownerReferences: [{ apiVersion: 'flagger.app/v1beta1', kind: 'Canary', name: 'owned', uid: 'uid-owned', controller: true, blockOwnerDeletion: true }] },
    });

    expect(await reviveOrphanedTargets(env.h.kube, 'test', 'owned')).toEqual(['Deployment/owned']);
    expect(await replicasOf('owned')).toBe(3);
  });

  it('leaves a target at zero while a primary that is not the Canary\'s serves', async () => {
    await scaledToZero('served');
    await env.h.kube.create(deploymentFor('served-primary', { replicas: 3 }));

    expect(await reviveOrphanedTargets(env.h.kube, 'test', 'served')).toEqual([]);
    expect(await replicasOf('served')).toBe(0);
  });

  it('leaves a target that another Canary scaled to zero', async () => {
    await scaledToZero('theirs', 'someone-else');

    expect(await reviveOrphanedTargets(env.h.kube, 'test', 'theirs')).toEqual([]);
    expect(await replicasOf('theirs')).toBe(0);
  });

  it('takes the no-node selector off a DaemonSet whose primary is gone, keeping its own selector', async () => {
    const ref = { apiVersion: 'apps/v1', kind: 'DaemonSet', namespace: 'test', name: 'agent' };
    await env.h.kube.create({
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'agent', namespace: 'test' },
      spec: {
        selector: { matchLabels: { name: 'agent' } },
        template: { metadata: { labels: { name: 'agent' } }, spec: { containers: [{ name: 'agent', image: 'agent:1' }], nodeSelector: { pool: 'edge' } } },
      },
    } as DaemonSet);
    await new DaemonSetWorkload({ kube: env.h.kube }).scaleToZero(canaryFor('agent', {}, 'DaemonSet'));
    expect((await env.h.kube.get<DaemonSet>(ref))?.spec.template.spec.nodeSelector).toEqual({ pool: 'edge', 'flagger.app/scale-to-zero': 'true' });

    expect(await reviveOrphanedTargets(env.h.kube, 'test', 'agent')).toEqual(['DaemonSet/agent']);

    const target = await env.h.kube.get<DaemonSet>(ref);
    expect(target?.spec.template.spec.nodeSelector).toEqual({ pool: 'edge' });
    expect(target?.metadata.annotations?.[SCALED_BY_ANNOTATION]).toBeUndefined();
  });

  it('records the Canary that scaled the target to zero', async () => {
    await scaledToZero('recorded', 'podinfo-canary');

    expect((await env.h.kube.get<Deployment>(dep('recorded')))?.metadata.annotations?.[SCALED_BY_ANNOTATION]).toBe('podinfo-canary');
  });
});
