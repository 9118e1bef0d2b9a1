import { createClusterState } from '../../../sim/emulator/index.ts';
import type { EmulatorState, GroupVersionResource, KubeObject } from '../../../sim/emulator/index.ts';
import { WORLD_RESOURCES, createWorld } from '../../../sim/world/index.ts';
import type { Condition } from '../../../sim/world/objects.ts';
import type { TickReport, World, WorldOptions } from '../../../sim/world/index.ts';

/** The virtual clock's start, as in scenarios. */
export const START = Date.parse('2026-01-01T00:00:00Z');

/** The resources the world reads and writes, plus the ones its tests create. */
export const R = {
  ...WORLD_RESOURCES,
  hpas: WORLD_RESOURCES.horizontalPodAutoscalers,
  crds: { group: 'apiextensions.k8s.io', version: 'v1', resource: 'customresourcedefinitions' },
} as const satisfies Record<string, GroupVersionResource>;

/** A Condition as read back in tests. */
export type Cond = Condition;

/** A world over the real in-memory ClusterState, with a virtual clock the test moves. */
export interface Sim {
  readonly state: EmulatorState;
  readonly world: World;
  /** Milliseconds since START. */
  elapsed(): number;
  /** Moves the clock by `seconds` (default 60) and runs one tick at the new time. */
  advance(seconds?: number): TickReport;
  /** Runs one tick without moving the clock. */
  tick(): TickReport;
  get(gvr: GroupVersionResource, name: string, namespace?: string): KubeObject;
  list(gvr: GroupVersionResource, namespace?: string): KubeObject[];
  create(gvr: GroupVersionResource, object: KubeObject): KubeObject;
  /** Read-modify-write of the main resource. */
  edit(gvr: GroupVersionResource, name: string, change: (o: KubeObject) => void, namespace?: string): KubeObject;
}

export function simulate(options: Omit<WorldOptions, 'state' | 'clock'> = {}): Sim {
  let now = START;
  const clock = { now: () => new Date(now) };
  const state = createClusterState({ clock });
  const world = createWorld({ state, clock, ...options });
  const get = (gvr: GroupVersionResource, name: string, namespace = 'default'): KubeObject => {
    const o = state.get(gvr, state.resourceType(gvr)?.namespaced === false ? undefined : namespace, name);
    if (!o) throw new Error(`${gvr.resource} ${namespace}/${name} not found`);
    return o;
  };
  return {
    state,
    world,
    elapsed: () => now - START,
    advance(seconds = 60) {
      now += seconds * 1000;
      return world.tick(new Date(now));
    },
    tick: () => world.tick(new Date(now)),
    get,
    list: (gvr, namespace) => state.list(gvr, namespace),
    create: (gvr, object) => state.create(gvr, { ...object, metadata: { namespace: 'default', ...object.metadata } }),
    edit(gvr, name, change, namespace = 'default') {
      const o = structuredClone(get(gvr, name, namespace));
      change(o);
      return state.update(gvr, o);
    },
  };
}

/** A Deployment of `replicas` pods running `image`, selected by `app: <name>`. */
export function deployment(name: string, image: string, spec: Record<string, unknown> = {}, labels: Record<string, string> = { app: name }): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default' },
    spec: {
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'app', image }] } },
      ...spec,
    },
  };
}

/** A DaemonSet running `image`, selected by `app: <name>`. */
export function daemonSet(name: string, image: string, spec: Record<string, unknown> = {}, templateSpec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name, namespace: 'default' },
    spec: {
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image }], ...templateSpec } },
      ...spec,
    },
  };
}

export function setImage(o: KubeObject, image: string): void {
  const spec = o['spec'] as { template: { spec: { containers: Array<{ image: string }> } } };
  const first = spec.template.spec.containers[0];
  if (first) first.image = image;
}

export function status(o: KubeObject): Record<string, unknown> {
  return (o['status'] ?? {}) as Record<string, unknown>;
}

export function condition(o: KubeObject, type: string): Cond | undefined {
  return ((status(o)['conditions'] ?? []) as Cond[]).find((c) => c.type === type);
}

export function specReplicas(o: KubeObject): number {
  return (o['spec'] as { replicas: number }).replicas;
}

export function isReady(pod: KubeObject): boolean {
  return condition(pod, 'Ready')?.status === 'True';
}

/** Pods whose controller is `owner`. */
export function podsOf(sim: Sim, owner: KubeObject): KubeObject[] {
  return sim.list(R.pods, owner.metadata.namespace).filter((p) => p.metadata.ownerReferences?.some((r) => r.controller && r.uid === owner.metadata.uid));
}

/** ReplicaSets controlled by Deployment `name`, oldest first. */
export function replicaSetsOf(sim: Sim, name: string): KubeObject[] {
  const d = sim.get(R.deployments, name);
  return sim.list(R.replicaSets).filter((rs) => rs.metadata.ownerReferences?.some((r) => r.controller && r.uid === d.metadata.uid));
}

/** The image of a pod's first container. */
export function podImage(pod: KubeObject): string | undefined {
  return (pod['spec'] as { containers: Array<{ image?: string }> }).containers[0]?.image;
}
