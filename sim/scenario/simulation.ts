/**
 * The simulated installation a scenario runs in: the Kubernetes API emulator (over HTTP, so the real client
 * runs), the workload world behind it on a virtual clock, an in-memory state store, and the controller's
 * ports wired to them, with the world answering metrics and webhooks and recorders collecting what each tick
 * said (events, alerts, webhook calls).
 */
import { parseCanary } from '../../shared/api/index.ts';
import { analysisIntervalMs } from '../../shared/api/defaults.ts';
import type { CanaryId } from '../../shared/api/state.ts';
import type { ControllerDeps, EventSink } from '../../shared/controller/index.ts';
import { targetPorts, TickReadMemory } from '../../shared/controller/index.ts';
import { createKubeClient, EventRecorder, KubeApiError, type EventInput, type InvolvedObject, type KubeClient, type KubeObject } from '../../shared/kube/index.ts';
import { MemoryCanaryStore } from '../../shared/store/index.ts';
import { createClusterState, startEmulator, type Clock, type Emulator } from '../emulator/index.ts';
import { createWorld, type World } from '../world/index.ts';
import { RecordingNotifier, WorldHooks, WorldMetrics } from './answers.ts';
import { ScenarioRunError } from './errors.ts';
import { standardCrds } from '../crds/index.ts';
import { SCENARIO_EPOCH, type EventView, type ScenarioFile, type ScenarioIssue, type ScenarioObject } from './types.ts';

/** The cluster name of simulated canaries. */
export const SIMULATED_CLUSTER = 'fledge-simulate';

/**
 * World settles between two controller ticks, evenly spaced over the interval, the last at the tick's time:
 * a real cluster's controllers keep working between two analysis ticks, so a rolling update with
 * `minReadySeconds` makes several steps per minute, and `ProgressDeadlineExceeded` or availability are
 * current when the controller reads them. The world runs on virtual time (its tick length is the live
 * Canary's analysis interval), so the number of settles changes how finely a rollout is sampled, never
 * when pods become ready.
 */
export const SETTLES_BEFORE_CONTROLLER = 5;

/**
 * Lets the world settle {@link SETTLES_BEFORE_CONTROLLER} times over the interval that started at `fromMs`
 * and lasts `intervalMs`, the last settle at its end (the controller's tick time).
 */
export function settleInterval(sim: Pick<Simulation, 'world'>, fromMs: number, intervalMs: number): void {
  for (let i = 1; i <= SETTLES_BEFORE_CONTROLLER; i++) {
    sim.world.tick(new Date(fromMs + Math.round((intervalMs * i) / SETTLES_BEFORE_CONTROLLER)));
  }
}

const CANARIES = { group: 'flagger.app', version: 'v1beta1', resource: 'canaries' } as const;

/** A clock that only moves when told to, and only forward. */
export class VirtualClock implements Clock {
  #now: number;

  constructor(start: string) {
    this.#now = Date.parse(start);
  }

  now(): Date {
    return new Date(this.#now);
  }

  /** Moves the clock to `epochMs`; never backwards. */
  set(epochMs: number): void {
    if (epochMs < this.#now) throw new Error(`virtual clock: ${new Date(epochMs).toISOString()} is before ${new Date(this.#now).toISOString()}`);
    this.#now = epochMs;
  }
}

/** Records every event the controller records on the Canary, then passes it on to the cluster. */
export class RecordingEvents implements EventSink {
  readonly #inner: EventSink;
  #events: EventView[] = [];

  constructor(inner: EventSink) {
    this.#inner = inner;
  }

  async record(involved: InvolvedObject, input: EventInput, now: Date): Promise<unknown> {
    this.#events.push({ type: input.type, message: input.message });
    return this.#inner.record(involved, input, now);
  }

  /** The events recorded since the last drain, in order, and forgets them. */
  drain(): EventView[] {
    const out = this.#events;
    this.#events = [];
    return out;
  }
}

/** A running simulation. */
export interface Simulation {
  readonly clock: VirtualClock;
  readonly emulator: Emulator;
  readonly world: World;
  readonly kube: KubeClient;
  readonly deps: ControllerDeps;
  readonly id: CanaryId;
  readonly events: RecordingEvents;
  readonly notifier: RecordingNotifier;
  readonly hooks: WorldHooks;
  stop(): Promise<void>;
}

/**
 * Starts the emulator with Flagger's and the routers' CRDs, creates the namespaces FILE names and its objects
 * (through the API, so they are validated as a real server would), and lets the world settle them at the
 * clock's start. Throws {@link ScenarioRunError} naming each object the API server refused.
 */
export async function startSimulation(file: ScenarioFile): Promise<Simulation> {
  const clock = new VirtualClock(SCENARIO_EPOCH);
  const state = createClusterState({ clock });
  const meta = file.canary.metadata;
  const id: CanaryId = { cluster: SIMULATED_CLUSTER, namespace: meta.namespace ?? 'default', name: meta.name ?? '' };
  // One scenario tick is one analysis interval of the Canary as the cluster holds it, as the runner moves the clock.
  const tickMs = (): number => {
    const live = state.get(CANARIES, id.namespace, id.name);
    const parsed = live === undefined ? undefined : parseCanary(live);
    return analysisIntervalMs((parsed?.ok ? parsed.value : file.canary).spec.analysis?.interval);
  };
  const routers = file.scenario.world.gatewayApi ? { gatewayApi: file.scenario.world.gatewayApi } : {};
  const world = createWorld({ state, clock, tickMs, images: file.scenario.world.images, primary: file.scenario.world.primary, ...routers });
  const emulator = await startEmulator({ state, clock, crds: standardCrds() });
  try {
    const kube = createKubeClient({ kubeconfig: emulator.kubeconfig(), fieldManager: 'fledge' });
    await createObjects(kube, file);
    world.tick(clock.now());

    const events = new RecordingEvents(new EventRecorder(kube, { component: 'fledge' }));
    const notifier = new RecordingNotifier();
    const hooks = new WorldHooks(file.scenario.world);
    const metrics = new WorldMetrics(file.scenario.world, async (namespace, target) => world.workloadSummary(namespace, target)?.image, kube);
    const deps: ControllerDeps = {
      cluster: SIMULATED_CLUSTER,
      kube,
      store: new MemoryCanaryStore(),
      portsFor: targetPorts(),
      metrics,
      hooks,
      alerts: { send: async (_canary, alert) => void (await notifier.post(alert)) },
      events,
      actor: 'fledge-simulate',
      readMemory: new TickReadMemory(),
    };
    return { clock, emulator, world, kube, deps, id, events, notifier, hooks, stop: () => emulator.stop() };
  } catch (error) {
    await emulator.stop();
    throw error;
  }
}

/** Creates the namespaces FILE's objects live in, then the objects, collecting every refusal. */
async function createObjects(kube: KubeClient, file: ScenarioFile): Promise<void> {
  const issues: ScenarioIssue[] = [];
  const declared = new Set(file.objects.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name));
  const named = [...new Set(file.objects.flatMap((o) => (o.metadata.namespace === undefined ? [] : [o.metadata.namespace])))].sort();
  for (const namespace of named) {
    if (declared.has(namespace)) continue;
    try {
      const existing = await kube.get({ apiVersion: 'v1', kind: 'Namespace', name: namespace });
      if (existing === undefined) await kube.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
    } catch (error) {
      if (!(error instanceof KubeApiError)) throw error;
      const first = file.objects.find((o) => o.metadata.namespace === namespace) as ScenarioObject;
      issues.push({ document: label(first), path: 'metadata.namespace', message: `the API server refused namespace ${JSON.stringify(namespace)}: ${error.message}` });
    }
  }
  if (issues.length > 0) throw new ScenarioRunError(issues);
  for (const object of file.objects) {
    try {
      await kube.create(object as KubeObject);
    } catch (error) {
      if (!(error instanceof KubeApiError)) throw error;
      issues.push({ document: label(object), path: '', message: `the API server refused it: ${error.message}` });
    }
  }
  if (issues.length > 0) throw new ScenarioRunError(issues);
}

/** How messages name an object: `Deployment podinfo`. */
export function label(object: Pick<ScenarioObject, 'kind' | 'metadata'>): string {
  return `${object.kind} ${object.metadata.name}`;
}
