/**
 * The bench's rollout: examples/podinfo's good release (6.7.1 → 6.7.2 behind Istio, 10% more traffic per
 * minute up to 50%, then promotion) played tick by tick through the real controller against the Kubernetes
 * API emulator, with the podinfo manifests exactly as users run them.
 *
 * Why not `runScenario`: its harness reads the cluster back after every tick (routes, the Canary, workloads)
 * through the same client and emulator as the controller, so the emulator's counters cannot tell the two
 * apart. This driver runs the runner's loop (clock, timeline, world settles, controller, settle, when to stop)
 * from the runner's own exported pieces, reads nothing back over HTTP, and brackets each controller tick with
 * the emulator's request log and change feed, so only the controller's requests and writes are counted.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { analysisIntervalMs, parseCanary, type Canary, type Phase } from '../../shared/api/index.ts';
import { advanceCanary, canaryRef, type AdvanceResult, type ControllerDeps } from '../../shared/controller/index.ts';
import type { CanaryStore } from '../../shared/store/index.ts';
import type { RequestRecord } from '../../sim/emulator/index.ts';
import {
  applyEntry,
  formatIssue,
  parseScenarioSources,
  runEndsAfter,
  settleInterval,
  startSimulation,
  type ScenarioFile,
  type Simulation,
} from '../../sim/scenario/index.ts';

/** The repository root (test/bench/../..). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The podinfo example's files, read as one scenario, as `fledge simulate` reads them (README). */
export const PODINFO_GOOD_RELEASE = [
  'examples/podinfo/deployment.yaml',
  'examples/podinfo/hpa.yaml',
  'examples/podinfo/canary.yaml',
  'examples/podinfo/scenarios/good-release.yaml',
] as const;

/** One object the controller's tick created, changed or deleted, as the emulator's storage saw it. */
export interface ChangedObject {
  /** Plural resource: `deployments`, `virtualservices`, `events`. */
  readonly resource: string;
  readonly namespace: string;
  readonly name: string;
}

/** What one controller tick did, measured from outside the controller. */
export interface TickSample {
  readonly tick: number;
  /** The phase before the tick; `undefined` for a canary the store had never seen. */
  readonly phaseBefore: Phase | undefined;
  /** The phase the tick committed; `''` when it did not decide (not found, invalid). */
  readonly phaseAfter: Phase | '';
  /** The engine's decision (`advance`, `promote`, `wait`, …) or the result kind when it did not decide. */
  readonly decision: string;
  /** What the controller's tick returned. */
  readonly result: AdvanceResult;
  /** Every HTTP request the controller made during the tick, in order. */
  readonly requests: readonly RequestRecord[];
  /** Distinct objects the tick's writes changed (Events included; `resource` tells them apart). */
  readonly changed: readonly ChangedObject[];
  /** Wall time of the controller's tick, milliseconds. */
  readonly durationMs: number;
}

/** The running simulation and the tick about to run, for the hooks of {@link playScenario}. */
export interface TickContext {
  readonly sim: Simulation;
  /** The controller's dependencies (the simulation's, with the store of {@link PlayOptions.store}). */
  readonly deps: ControllerDeps;
  readonly tick: number;
  readonly now: Date;
}

/** Options of {@link playScenario}. */
export interface PlayOptions {
  /** The controller's state store. @default the simulation's in-memory store */
  readonly store?: CanaryStore;
  /** Stop after this many ticks. @default the Scenario's `spec.maxTicks` */
  readonly maxTicks?: number;
  /** Runs after the world settled, just before the controller's tick (outside the measurement). */
  readonly beforeController?: (context: TickContext) => Promise<void>;
  /** Runs after the controller's tick, before the world settles again (outside the measurement). */
  readonly afterController?: (context: TickContext, sample: TickSample) => Promise<void>;
}

/** Reads `files` (relative to the repository root) as one scenario; throws naming every issue. */
export function loadScenario(files: readonly string[] = PODINFO_GOOD_RELEASE): ScenarioFile {
  const sources = files.map((file) => ({ text: readFileSync(new URL(file, `file://${REPO_ROOT}`), 'utf8'), source: file }));
  const parsed = parseScenarioSources(sources);
  if (!parsed.ok) {
    throw new Error(`bench scenario ${files.join(' ')} is invalid:\n${parsed.issues.map(formatIssue).join('\n')}`);
  }
  return parsed.file;
}

/**
 * Plays `file` to its end (a resting phase with no timeline entry left, or `maxTicks`) and returns one sample
 * per controller tick.
 */
export async function playScenario(file: ScenarioFile, options: PlayOptions = {}): Promise<TickSample[]> {
  const sim = await startSimulation(file);
  try {
    const deps: ControllerDeps = options.store === undefined ? sim.deps : { ...sim.deps, store: options.store };
    // Timeline entries see the same store as the controller (a `run` entry queues its control there).
    const played: Simulation = { ...sim, deps };
    const { scenario } = file;
    const maxTicks = options.maxTicks ?? scenario.maxTicks;
    const samples: TickSample[] = [];
    let canary: Canary = file.canary;
    for (let tick = 1; tick <= maxTicks; tick++) {
      const previous = sim.clock.now().getTime();
      const interval = analysisIntervalMs(canary.spec.analysis?.interval);
      sim.clock.set(previous + interval);
      const now = sim.clock.now();
      for (const entry of scenario.timeline) if (entry.tick === tick) await applyEntry(played, scenario.name, entry);
      settleInterval(sim, previous, interval);
      const context: TickContext = { sim, deps, tick, now };
      await options.beforeController?.(context);

      const sample = await measuredTick(context);
      samples.push(sample);
      await options.afterController?.(context, sample);
      sim.world.tick(now);

      canary = readCanaryLocally(sim) ?? canary;
      if (runEndsAfter(scenario, tick, sample.phaseAfter, sample.result)) break;
    }
    return samples;
  } finally {
    await sim.stop();
  }
}

/** Runs the controller's tick between two marks of the emulator's request log and change feed. */
async function measuredTick({ sim, deps, tick, now }: TickContext): Promise<TickSample> {
  const changed = new Map<string, ChangedObject>();
  const detach = sim.emulator.state.onChange(({ gvr, object }) => {
    const namespace = object.metadata.namespace ?? '';
    changed.set(`${gvr.group}/${gvr.resource}/${namespace}/${object.metadata.name}`, { resource: gvr.resource, namespace, name: object.metadata.name });
  });
  const first = sim.emulator.requestLog.length;
  const started = performance.now();
  let result: AdvanceResult;
  try {
    result = await advanceCanary(deps, sim.id, now, { tick });
    // Let anything the tick left in flight (a post-rollout hook, a status write) reach the emulator now.
    await new Promise<void>((resolve) => setImmediate(resolve));
  } finally {
    detach();
  }
  const durationMs = performance.now() - started;
  const requests = sim.emulator.requestLog.slice(first);
  const decided = 'step' in result ? result.step : undefined;
  return {
    tick,
    phaseBefore: decided?.phaseBefore,
    phaseAfter: result.kind === 'advanced' ? result.step.next.phase : '',
    decision: decided?.decision ?? result.kind,
    result,
    requests,
    changed: [...changed.values()],
    durationMs,
  };
}

/**
 * The Canary as the emulator holds it, read from its storage (not over HTTP, so it is not counted): the next
 * interval comes from it, as in the runner.
 */
function readCanaryLocally(sim: Simulation): Canary | undefined {
  const ref = canaryRef(sim.id);
  const object = sim.emulator.state.get({ group: 'flagger.app', version: 'v1beta1', resource: 'canaries' }, ref.namespace, ref.name);
  if (object === undefined) return undefined;
  const parsed = parseCanary(object);
  return parsed.ok ? parsed.value : undefined;
}
