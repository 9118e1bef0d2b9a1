/**
 * Bounds the heap of a long in-process run. A simulation's live data is small and flat (about 90 MB after a
 * full collection, at tick 600 as at tick 200), but every tick allocates garbage that survives its awaits and
 * is promoted; with a heap limit of several GB, V8 lets the old generation grow past 500 MB before collecting
 * it. A full collection whenever the used heap passes `limitBytes` keeps the peak near that limit, at the cost
 * of one collection every few dozen ticks.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** The used-heap size past which a long run collects, by default. */
export const HEAP_GUARD_BYTES = 160 * 2 ** 20;

/** A function to call once per tick: it runs a full garbage collection when the used heap exceeds `limitBytes`. */
export function heapGuard(limitBytes = HEAP_GUARD_BYTES): () => void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as (() => void) | undefined;
  return () => {
    if (gc !== undefined && process.memoryUsage().heapUsed > limitBytes) gc();
  };
}
