import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../sim/emulator/index.ts';
import { R, daemonSet, isReady, podImage, podsOf, setImage, simulate, status } from './harness.ts';
import type { Sim } from './harness.ts';

const V1 = 'agent:1';
const SLOW = 'agent:slow';
const images = { [SLOW]: { readyAfterTicks: 1 } };

const nodeOf = (pod: KubeObject): string | undefined => (pod['spec'] as { nodeName?: string }).nodeName;
const agentPods = (sim: Sim): KubeObject[] => podsOf(sim, sim.get(R.daemonSets, 'agent'));

/** Records, after every pod write, how many pods exist and on how many nodes a ready pod runs. */
function watchPods(sim: Sim): { maxPods: number; minReadyNodes: number } {
  const seen = { maxPods: 0, minReadyNodes: Infinity };
  sim.state.onChange(({ gvr }) => {
    if (gvr.resource !== 'pods') return;
    const pods = agentPods(sim);
    seen.maxPods = Math.max(seen.maxPods, pods.length);
    seen.minReadyNodes = Math.min(seen.minReadyNodes, new Set(pods.filter(isReady).map(nodeOf)).size);
  });
  return seen;
}

function rollOut(sim: Sim): number {
  sim.edit(R.daemonSets, 'agent', (ds) => setImage(ds, SLOW));
  let ticks = 0;
  do {
    sim.advance();
    ticks++;
  } while (ticks < 20 && !agentPods(sim).every((p) => podImage(p) === SLOW && isReady(p)));
  return ticks;
}

describe('DaemonSet controller', () => {
  it('runs one pod per node and reports it in status', () => {
    const sim = simulate();
    sim.create(R.daemonSets, daemonSet('agent', V1));
    sim.tick();
    expect(agentPods(sim).map(nodeOf).sort()).toEqual(['node-1', 'node-2', 'node-3']);
    expect(status(sim.get(R.daemonSets, 'agent'))).toEqual({
      observedGeneration: 1,
      desiredNumberScheduled: 3,
      currentNumberScheduled: 3,
      numberMisscheduled: 0,
      numberReady: 3,
      updatedNumberScheduled: 3,
      numberAvailable: 3,
    });
    expect(sim.world.workloadSummary('default', 'agent')).toEqual({ kind: 'DaemonSet', replicas: 3, readyReplicas: 3, image: V1 });
  });

  it('schedules only on nodes whose labels the nodeSelector matches', () => {
    const sim = simulate({ nodes: [{ name: 'a', labels: { role: 'edge' } }, { name: 'b' }, { name: 'c', labels: { role: 'edge' } }] });
    sim.create(R.daemonSets, daemonSet('agent', V1, {}, { nodeSelector: { role: 'edge' } }));
    sim.tick();
    expect(agentPods(sim).map(nodeOf).sort()).toEqual(['a', 'c']);
    expect(status(sim.get(R.daemonSets, 'agent'))['desiredNumberScheduled']).toBe(2);
  });

  it('scales to zero when the nodeSelector matches no node, and back when it is removed', () => {
    // Prepare
    const sim = simulate();
    sim.create(R.daemonSets, daemonSet('agent', V1));
    sim.tick();

    // Act
    const selector = (ds: KubeObject, value: Record<string, string> | undefined): void => {
      ((ds['spec'] as { template: { spec: Record<string, unknown> } }).template.spec)['nodeSelector'] = value;
    };
    sim.edit(R.daemonSets, 'agent', (ds) => selector(ds, { 'flagger.app/scale-to-zero': 'true' }));
    sim.advance();
    const zero = sim.get(R.daemonSets, 'agent');
    const podsAtZero = agentPods(sim).length;
    sim.edit(R.daemonSets, 'agent', (ds) => selector(ds, undefined));
    sim.advance();

    // Assess
    expect(podsAtZero).toBe(0);
    expect(status(zero)).toEqual({ observedGeneration: 2, desiredNumberScheduled: 0, currentNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0 });
    expect(status(sim.get(R.daemonSets, 'agent'))).toMatchObject({ desiredNumberScheduled: 3, numberReady: 3 });
  });

  it('rolls out node by node, never more than maxUnavailable nodes without a ready pod', () => {
    const sim = simulate({ images, nodes: 4 });
    sim.create(R.daemonSets, daemonSet('agent', V1));
    sim.tick();
    const seen = watchPods(sim);

    const ticks = rollOut(sim);

    expect(seen).toEqual({ maxPods: 4, minReadyNodes: 3 });
    expect(ticks).toBe(5); // one node per tick, and a tick for the last new pod to become ready
    expect(status(sim.get(R.daemonSets, 'agent'))).toMatchObject({ updatedNumberScheduled: 4, numberAvailable: 4, numberReady: 4 });
  });

  it('with maxSurge starts the new pod beside the old one and keeps every node served', () => {
    const sim = simulate({ images, nodes: 4 });
    sim.create(R.daemonSets, daemonSet('agent', V1, { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 2, maxUnavailable: 0 } } }));
    sim.tick();
    const seen = watchPods(sim);

    const ticks = rollOut(sim);

    expect(seen).toEqual({ maxPods: 6, minReadyNodes: 4 });
    expect(ticks).toBe(3); // two nodes at a time, each new pod ready a tick after it starts
    expect(agentPods(sim)).toHaveLength(4);
  });

  it('with OnDelete replaces a pod only when it is deleted', () => {
    const sim = simulate({ nodes: 2 });
    sim.create(R.daemonSets, daemonSet('agent', V1, { updateStrategy: { type: 'OnDelete' } }));
    sim.tick();
    sim.edit(R.daemonSets, 'agent', (ds) => setImage(ds, 'agent:2'));
    sim.advance();
    const untouched = agentPods(sim).map(podImage);
    const [first] = agentPods(sim);
    sim.state.delete(R.pods, 'default', first?.metadata.name ?? '');
    sim.advance();

    expect(untouched).toEqual([V1, V1]);
    expect(agentPods(sim).map(podImage).sort()).toEqual(['agent:1', 'agent:2']);
    expect(status(sim.get(R.daemonSets, 'agent'))['updatedNumberScheduled']).toBe(1);
  });
});
