/**
 * What each canary's last tick read, kept by the controller between ticks (per Lambda container, per
 * `fledge local` process) so the next tick can GET all of it in its first wave, beside the Canary and the state
 * load, instead of discovering it wave by wave (the facts, then the apex Service, then the DestinationRules…).
 *
 * Only refs are kept, never objects: every tick still reads everything fresh from the API server, so nothing
 * served is older than the tick. The reads a tick makes follow from the Canary's spec, which rarely changes
 * between ticks; when it does, a read no longer needed costs one wasted GET once, and a new one is read on
 * demand and remembered for the tick after. A container's first tick of a canary has nothing to recall and
 * takes the extra waves once.
 */
import type { CanaryId } from '../api/state.ts';
import type { TickRead } from '../kube/tick-cache.ts';

/** How many canaries' reads a memory keeps by default; the least recently used are dropped beyond. */
export const DEFAULT_READ_MEMORY_CANARIES = 2_000;

/**
 * A bounded (least recently used) memory of each canary's observed reads. Build one with the controller deps
 * and keep it for as long as they live.
 * @example
 * const deps: ControllerDeps = { ...ports, readMemory: new TickReadMemory() };
 */
export class TickReadMemory {
  private readonly reads = new Map<string, readonly TickRead[]>();
  private readonly capacity: number;

  constructor(capacity: number = DEFAULT_READ_MEMORY_CANARIES) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) throw new RangeError(`TickReadMemory: capacity: expected a positive integer, got ${capacity}`);
    this.capacity = capacity;
  }

  /** The reads of the canary's last remembered tick (none for a canary not seen, or forgotten). */
  recall(id: CanaryId): readonly TickRead[] {
    return this.reads.get(keyOf(id)) ?? [];
  }

  /** Keeps `reads` as the canary's latest, making it the most recently used. */
  remember(id: CanaryId, reads: readonly TickRead[]): void {
    const key = keyOf(id);
    this.reads.delete(key);
    this.reads.set(key, reads);
    while (this.reads.size > this.capacity) {
      const oldest = this.reads.keys().next().value as string;
      this.reads.delete(oldest);
    }
  }

  /** Drops the canary (gone, or not runnable). */
  forget(id: CanaryId): void {
    this.reads.delete(keyOf(id));
  }

  /** How many canaries are remembered. */
  get size(): number {
    return this.reads.size;
  }
}

function keyOf(id: CanaryId): string {
  return `${id.cluster}/${id.namespace}/${id.name}`;
}
