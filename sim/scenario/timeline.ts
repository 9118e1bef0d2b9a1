/**
 * Applying a scenario's timeline entries to the emulated cluster, through the API as a user's kubectl would
 * (`set image`, `patch --type merge`, `apply`, `delete`), and the runtime controls through the controller's
 * `runtimeControl`, as the CLI does. An entry that cannot apply (its object is missing, the API server refuses
 * it) makes FILE invalid: a {@link ScenarioRunError} naming the entry.
 */
import { runtimeControl } from '../../shared/controller/index.ts';
import { KubeApiError, type KubeObject, type ObjectRef } from '../../shared/kube/index.ts';
import { isKnativeService, knativeServiceRef } from '../../shared/kube/knative.ts';
import { KNATIVE_DEFAULT_CONTAINER } from './resolve.ts';
import { ScenarioRunError } from './errors.ts';
import type { Simulation } from './simulation.ts';
import type { ObjectKey, TimelineAction, TimelineEntry } from './types.ts';

/** Who the runtime controls of a scenario are requested by. */
export const SCENARIO_ACTOR = 'scenario';

/** Applies one entry at the simulation's current time. */
export async function applyEntry(sim: Simulation, scenarioName: string, entry: TimelineEntry): Promise<void> {
  const path = `spec.timeline[${entry.index}].${entry.action.type}`;
  const fail = (message: string, cause?: unknown): never => {
    throw new ScenarioRunError([{ document: `Scenario ${scenarioName}`, path, message: `at tick ${entry.tick}: ${message}` }], { cause });
  };
  try {
    await apply(sim, entry.action, fail);
  } catch (error) {
    if (error instanceof KubeApiError) fail(`the API server refused it: ${error.message}`, error);
    throw error;
  }
}

async function apply(sim: Simulation, action: TimelineAction, fail: (message: string) => never): Promise<void> {
  const { kube } = sim;
  switch (action.type) {
    case 'setImage': {
      const workload = await findWorkload(sim, action.namespace, action.target);
      if (workload === undefined) return fail(`no Deployment, DaemonSet or Knative Service ${action.target} in namespace ${action.namespace}`);
      const podSpec = ((workload['spec'] as { template?: { spec?: Record<string, unknown> } }).template?.spec ?? {}) as {
        containers?: Array<{ name?: string; image?: string }>;
        initContainers?: Array<{ name?: string; image?: string }>;
      };
      const unnamed = isKnativeService(workload) ? KNATIVE_DEFAULT_CONTAINER : undefined;
      const container = [...(podSpec.containers ?? []), ...(podSpec.initContainers ?? [])].find((c) => (c.name ?? unnamed) === action.container);
      if (container === undefined) return fail(`${workload.kind} ${action.target} has no container ${action.container}`);
      container.image = action.image;
      await kube.replace(workload);
      return;
    }
    case 'patch': {
      if ((await kube.get(ref(action.object))) === undefined) return fail(`${describeKey(action.object)} not found`);
      await kube.patch(ref(action.object), 'merge', action.mergePatch);
      return;
    }
    case 'apply': {
      const object = structuredClone(action.object) as KubeObject;
      const existing = await kube.get(ref({ apiVersion: object.apiVersion, kind: object.kind, name: object.metadata.name, ...namespaceOf(object) }));
      if (existing === undefined) await kube.create(object);
      else await kube.replace({ ...object, metadata: { ...object.metadata, resourceVersion: existing.metadata.resourceVersion } });
      return;
    }
    case 'delete': {
      const deleted = await kube.delete(ref(action.object));
      if (!deleted) fail(`${describeKey(action.object)} not found`);
      return;
    }
    case 'run': {
      const result = await runtimeControl(sim.deps, sim.id, { action: action.control, requestedBy: SCENARIO_ACTOR }, sim.clock.now());
      if (result.kind === 'notFound') fail(`the controller has not seen Canary ${sim.id.name}.${sim.id.namespace} yet; run controls from a later tick`);
      if (result.kind === 'conflict') fail('the request lost every race with the controller');
      return;
    }
    default: {
      const unreachable: never = action;
      throw new Error(`unhandled timeline action ${JSON.stringify(unreachable)}`);
    }
  }
}

async function findWorkload(sim: Simulation, namespace: string, name: string): Promise<KubeObject | undefined> {
  for (const kind of ['Deployment', 'DaemonSet']) {
    const found = await sim.kube.get({ apiVersion: 'apps/v1', kind, namespace, name });
    if (found !== undefined) return found;
  }
  // Changing a Knative Service's template makes Knative create a new Revision.
  return await sim.kube.get(knativeServiceRef(namespace, name));
}

function ref(key: ObjectKey): ObjectRef {
  return key.namespace === undefined
    ? { apiVersion: key.apiVersion, kind: key.kind, name: key.name }
    : { apiVersion: key.apiVersion, kind: key.kind, name: key.name, namespace: key.namespace };
}

function namespaceOf(object: KubeObject): { namespace?: string } {
  return object.metadata.namespace === undefined ? {} : { namespace: object.metadata.namespace };
}

function describeKey(key: ObjectKey): string {
  return `${key.kind} ${key.namespace === undefined ? key.name : `${key.namespace}/${key.name}`}`;
}
