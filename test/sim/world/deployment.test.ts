import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../sim/emulator/index.ts';
import { R, START, condition, deployment, isReady, podImage, podsOf, replicaSetsOf, setImage, simulate, specReplicas, status } from './harness.ts';
import type { Sim } from './harness.ts';

const V1 = 'ghcr.io/stefanprodan/podinfo:6.0.0';
const V2 = 'ghcr.io/stefanprodan/podinfo:6.0.1';
const SLOW = 'ghcr.io/stefanprodan/podinfo:slow';
const BAD = 'ghcr.io/stefanprodan/podinfo:bad';
const images = { [SLOW]: { readyAfterTicks: 1 }, [BAD]: { neverReady: true } };

const at = (seconds: number): string => new Date(START + seconds * 1000).toISOString().replace('.000Z', 'Z');

function activePodsByImage(sim: Sim, app: string): Map<string, KubeObject[]> {
  const out = new Map<string, KubeObject[]>();
  for (const pod of sim.list(R.pods)) {
    if (pod.metadata.labels?.['app'] !== app) continue;
    const image = podImage(pod) ?? '';
    out.set(image, [...(out.get(image) ?? []), pod]);
  }
  return out;
}

describe('Deployment controller', () => {
  it('creates a ReplicaSet named by the pod-template hash that owns the pods', () => {
    const sim = simulate();
    sim.create(R.deployments, deployment('podinfo', V1, { replicas: 2 }));
    sim.tick();

    const d = sim.get(R.deployments, 'podinfo');
    const [rs, ...others] = replicaSetsOf(sim, 'podinfo');
    expect(others).toEqual([]);
    const hash = rs?.metadata.labels?.['pod-template-hash'];
    expect(rs?.metadata.name).toBe(`podinfo-${hash}`);
    expect(rs?.metadata.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo', uid: d.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    expect((rs?.['spec'] as { selector: unknown }).selector).toEqual({ matchLabels: { app: 'podinfo', 'pod-template-hash': hash } });
    const pods = podsOf(sim, rs as KubeObject);
    expect(pods).toHaveLength(2);
    for (const pod of pods) {
      expect(pod.metadata.name).toMatch(new RegExp(`^podinfo-${hash}-[bcdfghjklmnpqrstvwxz2456789]{5}$`));
      expect(pod.metadata.labels).toEqual({ app: 'podinfo', 'pod-template-hash': hash });
    }
  });

  it('derives the same pod-template hash from the same template in any world, and another from another template', () => {
    const hashOf = (image: string): string | undefined => {
      const sim = simulate();
      sim.create(R.deployments, deployment('podinfo', image));
      sim.tick();
      return replicaSetsOf(sim, 'podinfo')[0]?.metadata.labels?.['pod-template-hash'];
    };
    expect(hashOf(V1)).toBe(hashOf(V1));
    expect(hashOf(V1)).not.toBe(hashOf(V2));
  });

  it('brings a new Deployment of a default image to full availability within its first tick', () => {
    const sim = simulate();
    sim.create(R.deployments, deployment('podinfo', V1, { replicas: 3 }));
    sim.tick();

    const d = sim.get(R.deployments, 'podinfo');
    const rsName = replicaSetsOf(sim, 'podinfo')[0]?.metadata.name;
    expect(status(d)).toMatchObject({ observedGeneration: 1, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3 });
    expect(status(d)['unavailableReplicas']).toBeUndefined();
    expect(condition(d, 'Available')).toMatchObject({ status: 'True', reason: 'MinimumReplicasAvailable' });
    expect(condition(d, 'Progressing')).toMatchObject({ status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${rsName}" has successfully progressed.` });
    expect(d.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('1');
  });

  it('defaults spec.replicas to 1', () => {
    const sim = simulate();
    sim.create(R.deployments, deployment('podinfo', V1));
    sim.tick();
    expect(status(sim.get(R.deployments, 'podinfo'))).toMatchObject({ replicas: 1, readyReplicas: 1 });
  });

  it.each([
    { name: 'default 25%/25% of 4', replicas: 4, strategy: undefined, maxSurge: 1, maxUnavailable: 1 },
    { name: 'surge only', replicas: 10, strategy: { maxSurge: 3, maxUnavailable: 0 }, maxSurge: 3, maxUnavailable: 0 },
    { name: 'unavailable only, as a percentage', replicas: 5, strategy: { maxSurge: 0, maxUnavailable: '40%' }, maxSurge: 0, maxUnavailable: 2 },
    { name: 'percentages rounded surge up, unavailable down', replicas: 3, strategy: { maxSurge: '50%', maxUnavailable: '50%' }, maxSurge: 2, maxUnavailable: 1 },
    { name: 'a single replica', replicas: 1, strategy: undefined, maxSurge: 1, maxUnavailable: 0 },
  ])('rolls $name within maxSurge and maxUnavailable at every write and ends NewReplicaSetAvailable', ({ replicas, strategy, maxSurge, maxUnavailable }) => {
    // Prepare
    const sim = simulate({ images });
    const spec = { replicas, ...(strategy ? { strategy: { type: 'RollingUpdate', rollingUpdate: strategy } } : {}) };
    sim.create(R.deployments, deployment('podinfo', V1, spec));
    sim.tick();
    let maxTotal = 0;
    let minAvailable = Infinity;
    sim.state.onChange(({ gvr }) => {
      if (gvr.resource !== 'pods') return;
      const pods = [...activePodsByImage(sim, 'podinfo').values()].flat();
      maxTotal = Math.max(maxTotal, pods.length);
      minAvailable = Math.min(minAvailable, pods.filter(isReady).length);
    });

    // Act
    sim.edit(R.deployments, 'podinfo', (d) => setImage(d, SLOW));
    const reasons: Array<string | undefined> = [];
    do {
      sim.advance();
      reasons.push(condition(sim.get(R.deployments, 'podinfo'), 'Progressing')?.reason);
    } while (reasons.length < 20 && reasons.at(-1) !== 'NewReplicaSetAvailable');

    // Assess
    expect(maxTotal).toBe(replicas + maxSurge);
    expect(minAvailable).toBe(replicas - maxUnavailable);
    expect(reasons.length).toBeGreaterThan(1);
    expect(reasons.slice(0, -1).every((r) => r === 'ReplicaSetUpdated')).toBe(true);
    expect(reasons.at(-1)).toBe('NewReplicaSetAvailable');
    const d = sim.get(R.deployments, 'podinfo');
    expect(status(d)).toMatchObject({ observedGeneration: 2, replicas, updatedReplicas: replicas, readyReplicas: replicas, availableReplicas: replicas });
    expect([...activePodsByImage(sim, 'podinfo').keys()]).toEqual([SLOW]);
    expect(replicaSetsOf(sim, 'podinfo').map(specReplicas).sort()).toEqual([0, replicas]);
  });

  it('Recreate removes every old pod before the new ReplicaSet exists, leaving no ready replica in between', () => {
    // Prepare
    const sim = simulate({ images });
    sim.create(R.deployments, deployment('podinfo', V1, { replicas: 3, strategy: { type: 'Recreate' } }));
    sim.tick();
    const overlaps: string[] = [];
    sim.state.onChange(({ gvr, object }) => {
      const byImage = activePodsByImage(sim, 'podinfo');
      if ((byImage.get(V1)?.length ?? 0) > 0 && (byImage.get(SLOW)?.length ?? 0) > 0) overlaps.push(`old and new pods at once after ${gvr.resource} ${object.metadata.name}`);
      if (gvr.resource === 'replicasets' && (object['spec'] as { template: KubeObject }).template && (byImage.get(V1)?.length ?? 0) > 0 && replicaSetsOf(sim, 'podinfo').length > 1) {
        overlaps.push(`new ReplicaSet ${object.metadata.name} while old pods run`);
      }
    });

    // Act
    sim.edit(R.deployments, 'podinfo', (d) => setImage(d, SLOW));
    sim.advance();
    const between = sim.get(R.deployments, 'podinfo');
    sim.advance();

    // Assess
    expect(overlaps).toEqual([]);
    expect(status(between)).toMatchObject({ replicas: 3, updatedReplicas: 3 });
    expect(status(between)['readyReplicas']).toBeUndefined();
    expect(condition(between, 'Available')).toMatchObject({ status: 'False', reason: 'MinimumReplicasUnavailable' });
    const done = sim.get(R.deployments, 'podinfo');
    expect(status(done)).toMatchObject({ replicas: 3, readyReplicas: 3, availableReplicas: 3 });
    expect(condition(done, 'Progressing')?.reason).toBe('NewReplicaSetAvailable');
  });

  it.each([
    { deadline: undefined, seconds: 600 },
    { deadline: 120, seconds: 120 },
  ])('a never-ready image reaches ProgressDeadlineExceeded just after $seconds s of virtual time', ({ deadline, seconds }) => {
    // Prepare
    const sim = simulate({ images });
    sim.create(R.deployments, deployment('podinfo', BAD, { replicas: 2, ...(deadline ? { progressDeadlineSeconds: deadline } : {}) }));
    sim.tick();
    const rsName = replicaSetsOf(sim, 'podinfo')[0]?.metadata.name;

    // Act: tick every minute up to the deadline, then one second past it
    const seen: Array<{ progressing?: string; available?: string }> = [];
    while (sim.elapsed() < seconds * 1000) {
      sim.advance();
      const d = sim.get(R.deployments, 'podinfo');
      seen.push({ progressing: condition(d, 'Progressing')?.reason, available: condition(d, 'Available')?.reason });
    }
    sim.advance(1);

    // Assess
    expect(seen.every((s) => s.progressing === 'ReplicaSetUpdated' && s.available === 'MinimumReplicasUnavailable')).toBe(true);
    const d = sim.get(R.deployments, 'podinfo');
    expect(condition(d, 'Progressing')).toEqual({
      type: 'Progressing',
      status: 'False',
      reason: 'ProgressDeadlineExceeded',
      message: `ReplicaSet "${rsName}" has timed out progressing.`,
      lastUpdateTime: at(seconds + 1),
      lastTransitionTime: at(seconds + 1),
    });
    expect(condition(d, 'Available')).toMatchObject({ status: 'False', reason: 'MinimumReplicasUnavailable' });
    expect(status(d)).toMatchObject({ replicas: 2, updatedReplicas: 2, unavailableReplicas: 2 });
  });

  it('a stuck rollout keeps the old pods serving, times out, and a fixed template completes it', () => {
    // Prepare
    const sim = simulate({ images });
    sim.create(R.deployments, deployment('podinfo', V1, { replicas: 2 }));
    sim.tick();

    // Act
    sim.edit(R.deployments, 'podinfo', (d) => setImage(d, BAD));
    sim.advance(); // the controller sees the new template at 60 s: the deadline counts from there
    for (let i = 0; i < 10; i++) sim.advance();
    const beforeDeadline = sim.get(R.deployments, 'podinfo');
    sim.advance();
    const stuck = sim.get(R.deployments, 'podinfo');
    sim.edit(R.deployments, 'podinfo', (d) => setImage(d, V2));
    sim.advance();

    // Assess
    expect(condition(beforeDeadline, 'Progressing')).toMatchObject({ status: 'True', reason: 'ReplicaSetUpdated' });
    expect(status(stuck)).toMatchObject({ replicas: 3, updatedReplicas: 1, readyReplicas: 2, availableReplicas: 2 });
    expect(condition(stuck, 'Available')?.status).toBe('True');
    expect(condition(stuck, 'Progressing')).toMatchObject({ status: 'False', reason: 'ProgressDeadlineExceeded' });
    const fixed = sim.get(R.deployments, 'podinfo');
    expect(condition(fixed, 'Progressing')).toMatchObject({ status: 'True', reason: 'NewReplicaSetAvailable' });
    expect([...activePodsByImage(sim, 'podinfo').keys()]).toEqual([V2]);
  });

  it.each([0, 1, 3])('pods of an image with readyAfterTicks %i become ready exactly that many ticks after they are created', (n) => {
    const sim = simulate({ images: { 'app:x': { readyAfterTicks: n } } });
    sim.create(R.deployments, deployment('podinfo', 'app:x', { replicas: 2 }));
    const ready: number[] = [];
    for (let i = 0; i <= n + 1; i++) {
      if (i === 0) sim.tick();
      else sim.advance();
      ready.push((status(sim.get(R.deployments, 'podinfo'))['readyReplicas'] as number | undefined) ?? 0);
    }
    expect(ready).toEqual([...Array<number>(n).fill(0), 2, 2]);
  });

  it.each([5, 20, 60])('pods become ready readyAfterTicks × tickMs after they start, however often the world syncs (every %is)', (every) => {
    const sim = simulate({ tickMs: 30_000, images: { 'app:x': { readyAfterTicks: 2 } } });
    sim.create(R.deployments, deployment('podinfo', 'app:x', { replicas: 2 }));
    sim.tick();
    let readyAt: number | undefined;
    while (readyAt === undefined && sim.elapsed() < 180_000) {
      sim.advance(every);
      if (status(sim.get(R.deployments, 'podinfo'))['readyReplicas'] === 2) readyAt = sim.elapsed() / 1000;
    }
    expect(readyAt).toBe(60);
  });

  it('a crash-looping image restarts on the kubelet back-off in virtual time: at once, then 10s doubling to 5m', () => {
    // Prepare
    const sim = simulate({ images: { 'app:crash': { crashLoop: true } } });
    sim.create(R.deployments, deployment('podinfo', 'app:crash'));
    sim.tick();
    const seen: unknown[] = [];

    // Act
    for (const second of [0, 9, 10, 29, 30, 70, 150, 310, 609, 610, 910, 1210]) {
      sim.advance(second - sim.elapsed() / 1000);
      const [pod] = sim.list(R.pods);
      const [container] = (status(pod as KubeObject)['containerStatuses'] ?? []) as Array<{ ready: boolean; restartCount: number; state: { waiting?: { reason: string; message: string } }; lastState: { terminated?: { finishedAt: string } } }>;
      expect({ phase: status(pod as KubeObject)['phase'], ready: isReady(pod as KubeObject), containerReady: container?.ready, waiting: container?.state.waiting?.reason }).toEqual({ phase: 'Running', ready: false, containerReady: false, waiting: 'CrashLoopBackOff' });
      seen.push([second, container?.restartCount, /^back-off (\S+) /.exec(container?.state.waiting?.message ?? '')?.[1], container?.lastState.terminated?.finishedAt]);
    }

    // Assess
    expect(seen).toEqual([
      [0, 1, '10s', at(0)],
      [9, 1, '10s', at(0)],
      [10, 2, '20s', at(10)],
      [29, 2, '20s', at(10)],
      [30, 3, '40s', at(30)],
      [70, 4, '1m20s', at(70)],
      [150, 5, '2m40s', at(150)],
      [310, 6, '5m0s', at(310)],
      [609, 6, '5m0s', at(310)],
      [610, 7, '5m0s', at(610)],
      [910, 8, '5m0s', at(910)],
      [1210, 9, '5m0s', at(1210)],
    ]);
    expect(status(sim.get(R.deployments, 'podinfo'))['readyReplicas']).toBeUndefined();
  });

  it('reports the same crash-loop restarts at a time whether the world synced often or once', () => {
    const often = simulate({ images: { 'app:crash': { crashLoop: true } } });
    const once = simulate({ images: { 'app:crash': { crashLoop: true } } });
    for (const sim of [often, once]) {
      sim.create(R.deployments, deployment('podinfo', 'app:crash'));
      sim.tick();
    }
    for (let i = 0; i < 60; i++) often.advance(10);
    once.advance(600);
    const container = (sim: Sim): unknown => (status(sim.list(R.pods)[0] as KubeObject)['containerStatuses'] as unknown[])[0];
    expect(container(often)).toMatchObject({ restartCount: 6 });
    expect(container(often)).toEqual(container(once));
  });

  it('scales to zero and back', () => {
    const sim = simulate();
    sim.create(R.deployments, deployment('podinfo', V1, { replicas: 3 }));
    sim.tick();

    sim.edit(R.deployments, 'podinfo', (d) => ((d['spec'] as { replicas: number }).replicas = 0));
    sim.advance();
    const zero = sim.get(R.deployments, 'podinfo');
    expect(sim.list(R.pods)).toEqual([]);
    expect(status(zero)).toEqual({ observedGeneration: 2, conditions: expect.any(Array) });
    expect(condition(zero, 'Available')?.status).toBe('True');
    expect(condition(zero, 'Progressing')?.reason).toBe('NewReplicaSetAvailable');
    expect(sim.world.workloadSummary('default', 'podinfo')).toEqual({ kind: 'Deployment', replicas: 0, readyReplicas: 0, image: V1 });

    sim.edit(R.deployments, 'podinfo', (d) => ((d['spec'] as { replicas: number }).replicas = 2));
    sim.advance();
    expect(sim.world.workloadSummary('default', 'podinfo')).toEqual({ kind: 'Deployment', replicas: 2, readyReplicas: 2, image: V1 });
    expect(replicaSetsOf(sim, 'podinfo')).toHaveLength(1);
  });

  it('counts a pod available only once it has been ready for longer than minReadySeconds', () => {
    const sim = simulate();
    sim.create(R.deployments, deployment('podinfo', V1, { minReadySeconds: 90 }));
    const seen: Array<[unknown, unknown, unknown]> = [];
    for (const step of [0, 60, 30, 1]) {
      if (step === 0) sim.tick();
      else sim.advance(step);
      const d = sim.get(R.deployments, 'podinfo');
      seen.push([status(d)['readyReplicas'], status(d)['availableReplicas'], condition(d, 'Available')?.status]);
    }
    expect(seen).toEqual([
      [1, undefined, 'False'],
      [1, undefined, 'False'],
      [1, undefined, 'False'],
      [1, 1, 'True'],
    ]);
  });

  it('a paused Deployment does not roll out but still scales, and resumes the rollout when unpaused', () => {
    // Prepare
    const sim = simulate();
    sim.create(R.deployments, deployment('podinfo', V1, { replicas: 2 }));
    sim.tick();

    // Act
    sim.edit(R.deployments, 'podinfo', (d) => {
      Object.assign(d['spec'] as object, { paused: true, replicas: 4 });
      setImage(d, V2);
    });
    sim.advance();
    const paused = sim.get(R.deployments, 'podinfo');
    const pausedImages = [...activePodsByImage(sim, 'podinfo').entries()].map(([image, pods]) => [image, pods.length]);
    sim.edit(R.deployments, 'podinfo', (d) => ((d['spec'] as { paused: boolean }).paused = false));
    sim.advance();

    // Assess
    expect(pausedImages).toEqual([[V1, 4]]);
    expect(replicaSetsOf(sim, 'podinfo')).toHaveLength(2);
    expect(condition(paused, 'Progressing')).toMatchObject({ status: 'Unknown', reason: 'DeploymentPaused', message: 'Deployment is paused' });
    const resumed = sim.get(R.deployments, 'podinfo');
    expect(condition(resumed, 'Progressing')).toMatchObject({ status: 'True', reason: 'NewReplicaSetAvailable' });
    expect([...activePodsByImage(sim, 'podinfo').entries()].map(([image, pods]) => [image, pods.length])).toEqual([[V2, 4]]);
  });

  it('rolling back to an earlier template reuses its ReplicaSet under the next revision', () => {
    const sim = simulate();
    sim.create(R.deployments, deployment('podinfo', V1));
    sim.tick();
    const first = replicaSetsOf(sim, 'podinfo')[0]?.metadata.name;
    sim.edit(R.deployments, 'podinfo', (d) => setImage(d, V2));
    sim.advance();
    sim.edit(R.deployments, 'podinfo', (d) => setImage(d, V1));
    sim.advance();

    const revisions = Object.fromEntries(replicaSetsOf(sim, 'podinfo').map((rs) => [rs.metadata.name, [rs.metadata.annotations?.['deployment.kubernetes.io/revision'], specReplicas(rs)]]));
    expect(Object.keys(revisions)).toHaveLength(2);
    expect(revisions[first ?? '']).toEqual(['3', 1]);
    expect(sim.get(R.deployments, 'podinfo').metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('3');
  });

  it('keeps at most revisionHistoryLimit old ReplicaSets', () => {
    const sim = simulate();
    sim.create(R.deployments, deployment('podinfo', 'app:0', { revisionHistoryLimit: 2 }));
    sim.tick();
    for (let i = 1; i <= 5; i++) {
      sim.edit(R.deployments, 'podinfo', (d) => setImage(d, `app:${i}`));
      sim.advance();
    }
    const kept = replicaSetsOf(sim, 'podinfo').map((rs) => (rs['spec'] as { template: KubeObject }).template);
    expect(kept.map((t) => podImage(t as unknown as KubeObject)).sort()).toEqual(['app:3', 'app:4', 'app:5']);
  });

  it('leaves a pod Pending and Unschedulable when its nodeSelector matches no node', () => {
    const sim = simulate({ nodes: [{ name: 'a' }, { name: 'b', labels: { disk: 'ssd' } }] });
    sim.create(R.deployments, deployment('ssd', V1, { template: { metadata: { labels: { app: 'ssd' } }, spec: { nodeSelector: { disk: 'ssd' }, containers: [{ name: 'app', image: V1 }] } } }));
    sim.create(R.deployments, deployment('gpu', V1, { template: { metadata: { labels: { app: 'gpu' } }, spec: { nodeSelector: { gpu: 'yes' }, containers: [{ name: 'app', image: V1 }] } } }));
    sim.tick();

    const [ssd] = podsOf(sim, replicaSetsOf(sim, 'ssd')[0] as KubeObject);
    const [gpu] = podsOf(sim, replicaSetsOf(sim, 'gpu')[0] as KubeObject);
    expect((ssd?.['spec'] as { nodeName?: string }).nodeName).toBe('b');
    expect(status(gpu as KubeObject)['phase']).toBe('Pending');
    expect(condition(gpu as KubeObject, 'PodScheduled')).toMatchObject({ status: 'False', reason: 'Unschedulable' });
    expect(condition(sim.get(R.deployments, 'gpu'), 'Available')?.status).toBe('False');
  });

  it('is deterministic: the same inputs give identical objects', () => {
    const run = (): unknown => {
      const sim = simulate({ images });
      sim.create(R.deployments, deployment('podinfo', V1, { replicas: 3 }));
      sim.tick();
      sim.edit(R.deployments, 'podinfo', (d) => setImage(d, SLOW));
      for (let i = 0; i < 4; i++) sim.advance();
      return [R.deployments, R.replicaSets, R.pods].map((gvr) => sim.list(gvr));
    };
    expect(run()).toEqual(run());
  });

  it('settles: a tick with nothing to do writes nothing', () => {
    const sim = simulate();
    sim.create(R.deployments, deployment('podinfo', V1, { replicas: 2 }));
    sim.tick();
    expect(sim.advance()).toMatchObject({ tick: 2, passes: 1, writes: 0 });
  });
});
