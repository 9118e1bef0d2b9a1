/**
 * Benchmark 3: the pure engine's cost. The input of a real Progressing analysis step is captured from the
 * podinfo rollout (the Canary as served, the stored state, the facts the controller's own `gatherFacts` and
 * `obtainNeeds` return just before that tick), then `step` runs on it in a bounded loop. Its time is compared
 * with one emulator round trip (a GET of the Canary through client-node over loopback) and with the whole
 * controller tick, to show that deciding is negligible next to talking to the cluster.
 */
import { parseCanary, type CanaryState } from '../../shared/api/index.ts';
import { canaryRef, gatherFacts, obtainNeeds } from '../../shared/controller/index.ts';
import { step, type StepInput } from '../../shared/engine/index.ts';
import { kubeTime, withTickCache } from '../../shared/kube/index.ts';
import { loadScenario, playScenario, type TickContext } from './podinfo.ts';
import { median } from './stats.ts';

/** What benchmark 3 measured. */
export interface EngineReport {
  /** The captured step: tick, phase and canary weight before it, and the engine's decision. */
  readonly input: { readonly tick: number; readonly phase: string; readonly canaryWeight: number; readonly decision: string };
  /** `step` calls the controller makes on that tick (one per round of needs, plus the deciding one). */
  readonly stepCallsPerTick: number;
  readonly iterations: number;
  readonly stepsPerSecond: number;
  /** Mean time of one deciding `step` call, microseconds. */
  readonly stepMicros: number;
  /** Median client-side time of one GET of the Canary from the emulator, microseconds. */
  readonly roundTripMicros: number;
  readonly roundTrips: number;
  /** Engine time of a tick (all its `step` calls) / one round trip. */
  readonly engineToRoundTrip: number;
  /** Median wall time of a progressing controller tick, milliseconds. */
  readonly progressingTickMillis: number;
  /** Engine time of a tick / the tick's wall time. */
  readonly engineShareOfTick: number;
}

/** Options of {@link measureEngine}. */
export interface EngineOptions {
  /** Most `step` calls timed. @default 20 000 */
  readonly iterations?: number;
  /** Stop timing after this long even before `iterations`. @default 2 000 ms */
  readonly maxMillis?: number;
  /** Emulator round trips timed. @default 200 */
  readonly roundTrips?: number;
}

interface Captured {
  readonly tick: number;
  readonly input: StepInput;
  readonly calls: number;
  readonly roundTrips: number[];
}

/** Captures a Progressing step's input from the rollout, then times `step` on it. */
export async function measureEngine(options: EngineOptions = {}): Promise<EngineReport> {
  let captured: Captured | undefined;
  const samples = await playScenario(loadScenario(), {
    beforeController: async (context) => {
      captured ??= await capture(context, options.roundTrips ?? 200);
    },
  });
  if (captured === undefined) throw new Error('the rollout never reached an analysis step with canary traffic to capture');
  const { input } = captured;

  const first = step(input);
  if (first.kind !== 'decided') throw new Error(`the captured input of tick ${captured.tick} still needs ${first.needs.map((n) => n.key).join(', ')}`);
  const iterations = options.iterations ?? 20_000;
  const deadline = performance.now() + (options.maxMillis ?? 2_000);
  for (let i = 0; i < Math.min(200, iterations); i++) step(input); // warm-up: let the JIT settle
  let done = 0;
  const started = performance.now();
  while (done < iterations && (done % 100 !== 0 || performance.now() < deadline)) {
    step(input);
    done++;
  }
  const elapsed = performance.now() - started;
  const stepMicros = (elapsed * 1000) / done;
  const roundTripMicros = median(captured.roundTrips) * 1000;
  const progressing = samples.filter((s) => s.phaseAfter === 'Progressing' && s.phaseBefore === 'Progressing').map((s) => s.durationMs);
  const progressingTickMillis = median(progressing);
  const engineMicrosPerTick = stepMicros * captured.calls;
  return {
    input: { tick: captured.tick, phase: input.state?.phase ?? '', canaryWeight: input.state?.canaryWeight ?? 0, decision: first.decision },
    stepCallsPerTick: captured.calls,
    iterations: done,
    stepsPerSecond: (done * 1000) / elapsed,
    stepMicros,
    roundTripMicros,
    roundTrips: captured.roundTrips.length,
    engineToRoundTrip: engineMicrosPerTick / roundTripMicros,
    progressingTickMillis,
    engineShareOfTick: progressingTickMillis === 0 ? 0 : engineMicrosPerTick / (progressingTickMillis * 1000),
  };
}

/**
 * On the first tick that starts in Progressing with canary traffic (an analysis step with metric checks),
 * builds the engine's input exactly as the controller is about to: facts gathered, needs obtained round by
 * round. Times `roundTrips` GETs of the Canary meanwhile.
 */
async function capture({ sim, deps, tick, now }: TickContext, roundTrips: number): Promise<Captured | undefined> {
  const state: CanaryState | undefined = (await deps.store.load(sim.id))?.state;
  if (state?.phase !== 'Progressing' || state.canaryWeight === 0) return undefined;
  const object = await sim.kube.get(canaryRef(sim.id));
  const parsed = object === undefined ? undefined : parseCanary(object);
  if (parsed === undefined || !parsed.ok) throw new Error(`Canary ${sim.id.name}.${sim.id.namespace} is missing or invalid at tick ${tick}`);
  const canary = parsed.value;
  let facts = await gatherFacts(deps.portsFor(canary, withTickCache(deps.kube)), canary, state, now);
  let calls = 0;
  for (;;) {
    calls++;
    const result = step({ canary, state, facts, now: kubeTime(now) });
    if (result.kind === 'decided') break;
    if (calls >= 64) throw new Error(`the engine did not decide tick ${tick} after 64 rounds of needs`);
    // The world's metric and webhook answers repeat their last value, so asking once more changes no later tick.
    facts = await obtainNeeds(deps, facts, result.needs);
  }
  const times: number[] = [];
  for (let i = 0; i < roundTrips; i++) {
    const t0 = performance.now();
    await sim.kube.get(canaryRef(sim.id));
    times.push(performance.now() - t0);
  }
  return { tick, input: { canary, state, facts, now: kubeTime(now) }, calls, roundTrips: times };
}
