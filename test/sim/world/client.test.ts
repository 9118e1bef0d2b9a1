import { AppsV1Api, CoreV1Api, KubeConfig, setHeaderOptions } from '@kubernetes/client-node';
import type { V1Deployment } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { createClusterState, startEmulator } from '../../../sim/emulator/index.ts';
import type { Emulator } from '../../../sim/emulator/index.ts';
import { createWorld } from '../../../sim/world/index.ts';
import { START } from './harness.ts';

const V1 = 'ghcr.io/stefanprodan/podinfo:6.0.0';
const SLOW = 'ghcr.io/stefanprodan/podinfo:6.0.1';

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.stop();
  emulator = undefined;
});

function podinfo(): V1Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'podinfo', namespace: 'default' },
    spec: {
      replicas: 4,
      selector: { matchLabels: { app: 'podinfo' } },
      template: { metadata: { labels: { app: 'podinfo' } }, spec: { containers: [{ name: 'podinfod', image: V1, ports: [{ containerPort: 9898 }] }] } },
    },
  };
}

describe('the world behind the emulator, observed through @kubernetes/client-node', () => {
  it('rolls a Deployment out within its default surge and unavailability bounds, as a client sees it', async () => {
    // Prepare: one state, served over HTTP and driven by the world on a virtual clock
    let now = START;
    const clock = { now: () => new Date(now) };
    const state = createClusterState({ clock });
    emulator = await startEmulator({ state, clock });
    const world = createWorld({ state, clock, images: { [SLOW]: { readyAfterTicks: 1 } } });
    const kc = new KubeConfig();
    kc.loadFromString(emulator.kubeconfig());
    const apps = kc.makeApiClient(AppsV1Api);
    const core = kc.makeApiClient(CoreV1Api);

    await apps.createNamespacedDeployment({ namespace: 'default', body: podinfo() });
    world.tick();
    const created = await apps.readNamespacedDeployment({ name: 'podinfo', namespace: 'default' });

    // Act: `kubectl set image`, then one tick a minute
    await apps.patchNamespacedDeployment(
      { name: 'podinfo', namespace: 'default', body: { spec: { template: { spec: { containers: [{ name: 'podinfod', image: SLOW }] } } } } },
      setHeaderOptions('Content-Type', 'application/strategic-merge-patch+json'),
    );
    const observed: Array<{ pods: number; ready: number; reason: string | undefined }> = [];
    for (let i = 0; i < 10; i++) {
      now += 60_000;
      world.tick();
      const d = await apps.readNamespacedDeployment({ name: 'podinfo', namespace: 'default' });
      const pods = await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=podinfo' });
      const ready = pods.items.filter((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
      const reason = d.status?.conditions?.find((c) => c.type === 'Progressing')?.reason;
      observed.push({ pods: pods.items.length, ready, reason });
      if (reason === 'NewReplicaSetAvailable' && d.status?.observedGeneration === 2) break;
    }

    // Assess
    expect(created.status).toMatchObject({ replicas: 4, readyReplicas: 4, availableReplicas: 4, updatedReplicas: 4 });
    expect(observed.length).toBeGreaterThan(1);
    expect(Math.max(...observed.map((o) => o.pods))).toBe(5);
    expect(Math.min(...observed.map((o) => o.ready))).toBe(3);
    expect(observed.at(-1)).toEqual({ pods: 4, ready: 4, reason: 'NewReplicaSetAvailable' });
    const replicaSets = await apps.listNamespacedReplicaSet({ namespace: 'default', labelSelector: 'app=podinfo' });
    const byImage = Object.fromEntries(replicaSets.items.map((rs) => [rs.spec?.template?.spec?.containers[0]?.image, rs.spec?.replicas]));
    expect(byImage).toEqual({ [V1]: 0, [SLOW]: 4 });
    for (const rs of replicaSets.items) expect(rs.metadata?.name).toBe(`podinfo-${rs.metadata?.labels?.['pod-template-hash']}`);
  });

  it('follows a scale made through the scale subresource', async () => {
    let now = START;
    const clock = { now: () => new Date(now) };
    const state = createClusterState({ clock });
    emulator = await startEmulator({ state, clock });
    const world = createWorld({ state, clock });
    const kc = new KubeConfig();
    kc.loadFromString(emulator.kubeconfig());
    const apps = kc.makeApiClient(AppsV1Api);
    await apps.createNamespacedDeployment({ namespace: 'default', body: podinfo() });
    world.tick();

    await apps.replaceNamespacedDeploymentScale({ name: 'podinfo', namespace: 'default', body: { metadata: { name: 'podinfo', namespace: 'default' }, spec: { replicas: 0 } } });
    now += 60_000;
    world.tick();
    const scale = await apps.readNamespacedDeploymentScale({ name: 'podinfo', namespace: 'default' });

    expect(scale.spec?.replicas).toBe(0);
    expect(scale.status?.replicas ?? 0).toBe(0);
    expect((await apps.readNamespacedDeployment({ name: 'podinfo', namespace: 'default' })).status?.readyReplicas).toBeUndefined();
  });
});
