/**
 * An AWS SDK client given as is, or as a function building it on first use (so a container that sends nothing
 * never builds it): either way, one client per notifier.
 */

/** A client, or a function that builds it once. */
export type LazyClient<T> = T | (() => Promise<T>);

/** Returns a getter that resolves `client`, building it at most once. */
export function lazyClient<T extends object>(client: LazyClient<T>): () => Promise<T> {
  let built: Promise<T> | undefined;
  return () => (typeof client === 'function' ? (built ??= (client as () => Promise<T>)()) : Promise.resolve(client));
}
