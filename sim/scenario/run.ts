/**
 * The scenario runner behind `fledge simulate`: one analysis tick at a time in virtual time, each tick
 *
 *   1. the clock moves one analysis interval (2026-01-01T00:00:00Z + the intervals so far);
 *   2. the timeline entries of the tick apply, in file order;
 *   3. the world settles over the interval (several times, evenly spaced, the last at the new time): the
 *      Deployment/ReplicaSet/DaemonSet/HPA controllers and kubelets bring the cluster up to date (timeline
 *      changes rolled out, `minReadySeconds` availability and progress deadlines as of now), as a real
 *      cluster would have between two analysis ticks;
 *   4. the controller runs its tick (the same `advanceCanary` the advance Lambda runs);
 *   5. the world settles again, so pods the controller created are ready within the same tick when their
 *      image has `readyAfterTicks: 0`, and N ticks later otherwise;
 *   6. the tick's line is read back from the cluster (routes through the router's `getRoutes`, workloads as
 *      the emulator holds them) and from the recorders (events, alerts, webhook calls).
 *
 * The world also settles once at the start, before tick 1. The run stops after `maxTicks`, or earlier after
 * a tick whose phase is Initialized, Succeeded or Failed when no timeline entry remains and the controller
 * is at rest: its step left nothing in flight (the engine's `active` is false) and no cluster write is
 * waiting to be retried. In every ordinary run that is SCENARIOS.md's rule to the letter; it differs where
 * Fledge still works in a resting phase — a primary being restored after a failed promotion (phase Failed),
 * a release made while the canary initialized (phase Initialized, its run starting next), a new revision
 * waiting for a ready primary — which the contract's rule would cut off. Fledge's extensions: Terminated (the
 * Canary was deleted, and reverted first with `revertOnDeletion`) is a resting phase too, since nothing is left
 * to advance (the `--json` lines then take the phase from the controller's stored state); and `spec.minTicks`
 * keeps the run going at least that long in any case.
 */
import { parseCanary, type Canary } from '../../shared/api/index.ts';
import { analysisIntervalMs } from '../../shared/api/defaults.ts';
import type { HistoryItem } from '../../shared/api/state.ts';
import { advanceCanary, canaryRef, type AdvanceResult } from '../../shared/controller/index.ts';
import type { KubeClient } from '../../shared/kube/index.ts';
import { isKnativeService, knativeServiceRef, PRIMARY_REVISION_ANNOTATION } from '../../shared/kube/knative.ts';
import type { WorkloadSummary } from '../world/index.ts';
import { ScenarioRunError } from './errors.ts';
import { formatTime, summarize } from './output.ts';
import { settleInterval, startSimulation, type Simulation } from './simulation.ts';
import { applyEntry } from './timeline.ts';
import type { RouteView, ScenarioFile, ScenarioSpec, ScenarioSummary, TickLine, WorkloadView } from './types.ts';

export { ScenarioRunError } from './errors.ts';

/** Phases after which a run with no timeline entry left stops, once the controller is at rest. */
const RESTING_PHASES: ReadonlySet<string> = new Set(['Initialized', 'Succeeded', 'Failed', 'Terminated']);

/** Options of {@link runScenario}. */
export interface RunOptions {
  /** Overrides the Scenario's `spec.maxTicks`. */
  readonly maxTicks?: number;
  /** Called with each line as soon as its tick is done. */
  readonly onLine?: (line: TickLine) => void;
  /**
   * Called after the last tick, before the emulator stops: for tests that inspect the cluster's objects and the
   * history the controller committed (oldest first, at most 500 items).
   */
  readonly inspect?: (kube: KubeClient, history: readonly HistoryItem[]) => Promise<void>;
  /** Awaited after each tick with its line, before the next: for tests that inspect objects mid-run. */
  readonly onTick?: (line: TickLine, kube: KubeClient) => Promise<void>;
}

/** What a run produced. */
export interface RunResult {
  readonly lines: readonly TickLine[];
  readonly summary: ScenarioSummary;
}

/**
 * Plays a parsed scenario FILE to its end.
 * @throws ScenarioRunError when the API server refuses an object of FILE or a timeline entry cannot apply.
 * @example
 * const parsed = parseScenario(text, 'happy.yaml');
 * if (parsed.ok) for (const line of (await runScenario(parsed.file)).lines) console.log(tickLineJson(line));
 */
export async function runScenario(file: ScenarioFile, options: RunOptions = {}): Promise<RunResult> {
  const sim = await startSimulation(file);
  try {
    const maxTicks = options.maxTicks ?? file.scenario.maxTicks;
    const timeline = file.scenario.timeline;
    const lines: TickLine[] = [];
    for (let tick = 1; tick <= maxTicks; tick++) {
      const canaryNow = await readCanary(sim);
      const previous = sim.clock.now().getTime();
      const interval = analysisIntervalMs((canaryNow ?? file.canary).spec.analysis?.interval);
      sim.clock.set(previous + interval);
      const now = sim.clock.now();

      for (const entry of timeline) if (entry.tick === tick) await applyEntry(sim, file.scenario.name, entry);
      settleInterval(sim, previous, interval);
      const result = await advanceCanary(sim.deps, sim.id, now, { tick });
      sim.world.tick(now);

      const line = await observe(sim, file, tick, now);
      lines.push(line);
      options.onLine?.(line);
      await options.onTick?.(line, sim.kube);
      if (runEndsAfter(file.scenario, tick, line.phase, result)) break;
    }
    if (options.inspect !== undefined) await options.inspect(sim.kube, (await sim.deps.store.history(sim.id, { limit: 500 })).items);
    return { lines, summary: summarize(lines) };
  } finally {
    await sim.stop();
  }
}

/**
 * True when a run stops after `tick`, whose controller tick returned `result` and left the canary in `phase`:
 * at least `minTicks` ran, the phase is a resting one, the controller is at rest, and no timeline entry is left.
 */
export function runEndsAfter(scenario: Pick<ScenarioSpec, 'minTicks' | 'timeline'>, tick: number, phase: string, result: AdvanceResult): boolean {
  return tick >= scenario.minTicks && RESTING_PHASES.has(phase) && atRest(result) && !scenario.timeline.some((entry) => entry.tick > tick);
}

/**
 * True when the controller has nothing in flight after its tick: the step it committed needs no further
 * steps, or there is no Canary (deleted, invalid) to work on. A cluster write that failed is retried on the
 * next tick, so the controller is not at rest then.
 */
function atRest(result: AdvanceResult): boolean {
  switch (result.kind) {
    case 'advanced':
    case 'conflict':
      return !result.step.active;
    case 'effectFailed':
      return false;
    case 'notFound':
    case 'invalid':
    case 'superseded':
      return true;
    default: {
      const never: never = result;
      throw new Error(`unknown advance result ${JSON.stringify(never)}`);
    }
  }
}

/** The Canary as the cluster holds it now, or undefined when it was deleted (or made invalid). */
async function readCanary(sim: Simulation): Promise<Canary | undefined> {
  const object = await sim.kube.get(canaryRef(sim.id));
  if (object === undefined) return undefined;
  const parsed = parseCanary(object);
  return parsed.ok ? parsed.value : undefined;
}

/** Reads the tick's line back from the store, the cluster and the recorders. */
async function observe(sim: Simulation, file: ScenarioFile, tick: number, now: Date): Promise<TickLine> {
  const canary = (await readCanary(sim)) ?? file.canary;
  const state = (await sim.deps.store.load(sim.id))?.state;
  const namespace = sim.id.namespace;
  const target = canary.spec.targetRef.name;
  return {
    tick,
    time: formatTime(now.getTime()),
    phase: state?.phase ?? '',
    canaryWeight: state?.canaryWeight ?? 0,
    failedChecks: state?.failedChecks ?? 0,
    iterations: state?.iterations ?? 0,
    routes: await readRoutes(sim, canary),
    primary: isKnativeService(canary.spec.targetRef) ? await knativePrimary(sim, namespace, target) : workload(sim, namespace, `${target}-primary`),
    canary: workload(sim, namespace, target),
    events: sim.events.drain(),
    alerts: sim.notifier.drain(),
    webhooks: sim.hooks.drain(),
  };
}

/** The split the router's objects give; all traffic on the primary while they cannot be read (before init). */
async function readRoutes(sim: Simulation, canary: Canary): Promise<RouteView> {
  try {
    const reading = await sim.deps.portsFor(canary, sim.kube).router.getRoutes(canary);
    if (reading.ok) return { primary: reading.primary, canary: reading.canary, mirrored: reading.mirrored, matched: reading.matched };
    // Written but not applied yet (a Gateway API parent has not accepted it): the split the objects will give.
    if (reading.written) return { ...reading.written };
  } catch (error) {
    if (error instanceof ScenarioRunError) throw error;
  }
  return { primary: 100, canary: 0, mirrored: false, matched: null };
}

function workload(sim: Simulation, namespace: string, name: string): WorkloadView | null {
  return view(sim.world.workloadSummary(namespace, name));
}

/** A Knative Service's primary: the Revision its `flagger.app/primary-revision` annotation pins, read back from the cluster. */
async function knativePrimary(sim: Simulation, namespace: string, name: string): Promise<WorkloadView | null> {
  const service = await sim.kube.get(knativeServiceRef(namespace, name));
  const pinned = service?.metadata.annotations?.[PRIMARY_REVISION_ANNOTATION];
  return pinned === undefined ? null : view(sim.world.revisionSummary(namespace, pinned));
}

function view(summary: WorkloadSummary | undefined): WorkloadView | null {
  return summary === undefined ? null : { replicas: summary.replicas, readyReplicas: summary.readyReplicas, image: summary.image ?? '' };
}
