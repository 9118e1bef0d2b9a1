/**
 * A bench-only decorator of the product's `CanaryStore`: while switched on, every call waits the same latency
 * the emulator injects into each Kubernetes request, and is recorded with its start and end, so a tick's commit
 * (and its state load) count as round trips like any request. The product's stores are not touched.
 */
import type { CanaryStore } from '../../shared/store/index.ts';

/** One store call as the bench saw it: milliseconds of `performance.timeOrigin`-based epoch time. */
export interface TimedCall {
  readonly method: keyof CanaryStore;
  readonly startMs: number;
  readonly endMs: number;
}

/** A store whose calls cost `latencyMs` while {@link TimedStore.on} is set. */
export interface TimedStore extends CanaryStore {
  /** The latency to add to each call; 0 (the default) switches the decorator off. */
  latencyMs: number;
  /** The calls made while the latency was on, oldest first. */
  readonly calls: TimedCall[];
}

/** Wraps `store` (see the module comment). */
export function timedStore(store: CanaryStore): TimedStore {
  const calls: TimedCall[] = [];
  const timed = <A extends unknown[], R>(method: keyof CanaryStore, call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const latency = decorated.latencyMs;
      if (latency <= 0) return call(...args);
      const startMs = Date.now();
      await new Promise((resolve) => setTimeout(resolve, latency));
      try {
        return await call(...args);
      } finally {
        calls.push({ method, startMs, endMs: Date.now() });
      }
    };
  const decorated: TimedStore = {
    latencyMs: 0,
    calls,
    load: timed('load', (id) => store.load(id)),
    commit: timed('commit', (id, expectedVersion, next, item) => store.commit(id, expectedVersion, next, item)),
    history: timed('history', (id, query) => store.history(id, query)),
    list: timed('list', (filter) => store.list(filter)),
  };
  return decorated;
}
