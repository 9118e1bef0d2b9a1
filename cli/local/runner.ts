/**
 * `fledge local`'s engine room: the watcher and advance loops of the Lambdas in one process, on the
 * in-process scheduler (which honours intervals below a minute as they are). Every step still goes through
 * `shared/controller`: load, observe, decide, act, commit, mirror, announce.
 */
import type { AdvanceResult, ControllerDeps } from '../../shared/controller/types.ts';
import { runScheduledAdvance } from '../../shared/controller/scheduled.ts';
import { watchCluster, type WatchReport } from '../../shared/controller/watch.ts';
import { InProcessSchedules, systemTimer, type AdvanceEvent, type Timer } from '../../shared/schedule/index.ts';

/** Options of {@link startLocalRunner}. */
export interface LocalRunnerOptions {
  /** The cluster's controller deps (kube client from the kubeconfig, the store, the ports). */
  readonly deps: ControllerDeps;
  /** How often the watcher passes. @default 10000 */
  readonly watchEveryMs?: number;
  /** @default the system timer */
  readonly timer?: Timer;
  /** Told about every step, with the canary it was for. */
  readonly onStep?: (event: AdvanceEvent, result: AdvanceResult) => void;
  /** Told about every watcher pass. */
  readonly onWatch?: (report: WatchReport) => void;
  /** Told about failures (a pass or a step that threw); the loops go on. */
  readonly onError?: (error: unknown, where: string) => void;
}

/** A running local controller. */
export interface LocalRunner {
  readonly schedules: InProcessSchedules;
  /** Runs one watcher pass now (the loop runs them too). */
  watchOnce(): Promise<void>;
  /** Resolves once no pass or step is in flight (tests wait on it between moves of a virtual clock). */
  settled(): Promise<void>;
  /** Stops between steps: no new pass or step starts; those in flight finish. */
  stop(): Promise<void>;
}

/**
 * Starts the watcher loop (a pass at once, then every `watchEveryMs`) and the schedules it manages.
 * @example
 * const runner = startLocalRunner({ deps, onStep: (event, result) => print(event, result) });
 * process.once('SIGINT', () => runner.stop());
 */
export function startLocalRunner(options: LocalRunnerOptions): LocalRunner {
  const timer = options.timer ?? systemTimer;
  const { deps } = options;
  const inFlight = new Set<Promise<unknown>>();
  let stopped = false;
  const track = <T>(work: Promise<T>): Promise<T> => {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work)).catch(() => undefined);
    return work;
  };
  const advance = async (event: AdvanceEvent): Promise<void> => {
    if (stopped) return;
    await runScheduledAdvance(
      {
        controller: async () => deps,
        store: deps.store,
        schedules,
        now: () => new Date(timer.now()),
        sleep: (ms) => new Promise((resolve) => timer.setTimeout(resolve, ms)),
        singleStep: true,
        onStep: (result) => options.onStep?.(event, result),
      },
      event,
    );
  };
  const schedules: InProcessSchedules = new InProcessSchedules({
    timer,
    fire: (event) => track(advance(event)),
    onError: (error) => options.onError?.(error, 'step'),
  });
  const watchOnce = async (): Promise<void> => {
    if (stopped) return;
    const report = await watchCluster({
      cluster: deps.cluster,
      kube: deps.kube,
      store: deps.store,
      schedules,
      kick: async (event) => {
        void track(advance(event)).catch((error: unknown) => options.onError?.(error, 'step'));
      },
    });
    options.onWatch?.(report);
  };
  let handle: unknown;
  const loop = (): void => {
    if (stopped) return;
    void track(watchOnce())
      .catch((error: unknown) => options.onError?.(error, 'watch'))
      .finally(() => {
        if (!stopped) handle = timer.setTimeout(loop, options.watchEveryMs ?? 10_000);
      });
  };
  loop();
  return {
    schedules,
    watchOnce,
    settled: async () => {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    stop: async () => {
      stopped = true;
      if (handle !== undefined) timer.clearTimeout(handle);
      await schedules.stop();
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}
