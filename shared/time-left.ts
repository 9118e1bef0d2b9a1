/**
 * The time left of the invocation a piece of work belongs to, carried through its async calls
 * (`AsyncLocalStorage`): the advance Lambda's ports are built once per container, but each invocation has its
 * own deadline, and concurrent invocations in one process (`fledge local`, tests) each keep theirs.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

const current = new AsyncLocalStorage<() => number>();

/**
 * Runs `work` with `remainingMs` (Lambda's `context.getRemainingTimeInMillis`) as its time left.
 * @example
 * await withTimeLeft(() => context.getRemainingTimeInMillis(), () => advanceCanary(deps, id, now));
 */
export function withTimeLeft<T>(remainingMs: () => number, work: () => Promise<T>): Promise<T> {
  return current.run(remainingMs, work);
}

/** Milliseconds left of the current invocation, or `undefined` outside {@link withTimeLeft} (no limit). */
export function timeLeftMs(): number | undefined {
  return current.getStore()?.();
}
