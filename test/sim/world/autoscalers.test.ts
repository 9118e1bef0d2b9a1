import { describe, expect, it } from 'vitest';
import { routerCrds } from '../../../sim/crds/index.ts';
import type { KubeObject } from '../../../sim/emulator/index.ts';
import { R, condition, deployment, simulate, specReplicas, status } from './harness.ts';

function hpa(target: string, minReplicas: number | undefined, maxReplicas: number): KubeObject {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: target, namespace: 'default' },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: target }, ...(minReplicas !== undefined ? { minReplicas } : {}), maxReplicas },
  };
}

const [kedaCrd] = routerCrds(['keda']) as [KubeObject];

function scaledObject(target: string, spec: Record<string, unknown>, annotations?: Record<string, string>): KubeObject {
  return {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledObject',
    metadata: { name: target, namespace: 'default', ...(annotations ? { annotations } : {}) },
    spec: { scaleTargetRef: { name: target }, ...spec },
  };
}

describe('HorizontalPodAutoscaler controller', () => {
  it.each([
    { name: 'raises replicas to minReplicas', replicas: 1, min: 2, max: 5, desired: 2, limited: ['True', 'TooFewReplicas'] },
    { name: 'lowers replicas to maxReplicas', replicas: 8, min: 2, max: 5, desired: 5, limited: ['True', 'TooManyReplicas'] },
    { name: 'leaves replicas within bounds', replicas: 3, min: 2, max: 5, desired: 3, limited: ['False', 'DesiredWithinRange'] },
  ])('$name', ({ replicas, min, max, desired, limited }) => {
    const sim = simulate();
    sim.create(R.deployments, deployment('podinfo', 'app:1', { replicas }));
    sim.create(R.hpas, hpa('podinfo', min, max));
    sim.tick();

    expect(specReplicas(sim.get(R.deployments, 'podinfo'))).toBe(desired);
    expect(status(sim.get(R.deployments, 'podinfo'))['readyReplicas']).toBe(desired);
    const h = sim.get(R.hpas, 'podinfo');
    expect(status(h)).toMatchObject({ currentReplicas: desired, desiredReplicas: desired });
    const c = condition(h, 'ScalingLimited');
    expect([c?.status, c?.reason]).toEqual(limited);
  });

  it('clamps again when someone else scales the target out of bounds', () => {
    const sim = simulate();
    sim.create(R.deployments, deployment('podinfo', 'app:1', { replicas: 3 }));
    sim.create(R.hpas, hpa('podinfo', undefined, 4));
    sim.tick();
    sim.edit(R.deployments, 'podinfo', (d) => ((d['spec'] as { replicas: number }).replicas = 9));
    sim.advance();
    expect(specReplicas(sim.get(R.deployments, 'podinfo'))).toBe(4);
    expect(condition(sim.get(R.hpas, 'podinfo'), 'ScalingLimited')?.reason).toBe('TooManyReplicas');
    sim.edit(R.deployments, 'podinfo', (d) => ((d['spec'] as { replicas: number }).replicas = 2));
    sim.advance();
    expect(specReplicas(sim.get(R.deployments, 'podinfo'))).toBe(2);
    expect(condition(sim.get(R.hpas, 'podinfo'), 'ScalingLimited')?.reason).toBe('DesiredWithinRange');
  });

  it('records the scale it made in lastScaleTime and the AbleToScale condition', () => {
    const sim = simulate();
    sim.create(R.deployments, deployment('podinfo', 'app:1', { replicas: 1 }));
    sim.create(R.hpas, hpa('podinfo', 3, 5));
    sim.advance(30);
    expect(status(sim.get(R.hpas, 'podinfo'))['lastScaleTime']).toBe('2026-01-01T00:00:30Z');
    expect(condition(sim.get(R.hpas, 'podinfo'), 'AbleToScale')?.status).toBe('True');
  });

  it('leaves a target scaled to zero alone, as the real controller does', () => {
    const sim = simulate();
    sim.create(R.deployments, deployment('podinfo', 'app:1', { replicas: 0 }));
    sim.create(R.hpas, hpa('podinfo', 2, 5));
    sim.tick();
    expect(specReplicas(sim.get(R.deployments, 'podinfo'))).toBe(0);
    const h = sim.get(R.hpas, 'podinfo');
    expect(status(h)['desiredReplicas']).toBe(0);
    expect(condition(h, 'ScalingActive')).toMatchObject({ status: 'False', reason: 'ScalingDisabled' });
  });

  it('reports a missing target', () => {
    const sim = simulate();
    sim.create(R.hpas, hpa('ghost', 1, 3));
    sim.tick();
    expect(condition(sim.get(R.hpas, 'ghost'), 'AbleToScale')).toMatchObject({ status: 'False', reason: 'FailedGetScale' });
  });
});

describe('KEDA ScaledObject controller', () => {
  it.each([
    { name: 'raises to minReplicaCount', replicas: 1, spec: { minReplicaCount: 3, maxReplicaCount: 6 }, desired: 3 },
    { name: 'lowers to maxReplicaCount', replicas: 9, spec: { minReplicaCount: 1, maxReplicaCount: 6 }, desired: 6 },
    { name: 'scales from zero with active triggers', replicas: 0, spec: {}, desired: 1 },
  ])('$name', ({ replicas, spec, desired }) => {
    const sim = simulate();
    sim.state.create(R.crds, kedaCrd);
    sim.create(R.deployments, deployment('podinfo', 'app:1', { replicas }));
    sim.create(R.scaledObjects, scaledObject('podinfo', spec));
    sim.tick();
    expect(specReplicas(sim.get(R.deployments, 'podinfo'))).toBe(desired);
    const so = sim.get(R.scaledObjects, 'podinfo');
    expect(status(so)).toMatchObject({ scaleTargetKind: 'apps/v1.Deployment', originalReplicaCount: replicas, hpaName: 'keda-hpa-podinfo' });
    expect(condition(so, 'Ready')?.status).toBe('True');
  });

  it('pins the target at autoscaling.keda.sh/paused-replicas, as Flagger uses to scale a canary to zero', () => {
    const sim = simulate();
    sim.state.create(R.crds, kedaCrd);
    sim.create(R.deployments, deployment('podinfo', 'app:1', { replicas: 3 }));
    sim.create(R.scaledObjects, scaledObject('podinfo', { minReplicaCount: 2 }, { 'autoscaling.keda.sh/paused-replicas': '0' }));
    sim.tick();
    expect(specReplicas(sim.get(R.deployments, 'podinfo'))).toBe(0);
    expect(condition(sim.get(R.scaledObjects, 'podinfo'), 'Paused')?.status).toBe('True');
  });
});
