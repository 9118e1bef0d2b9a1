/**
 * A Lambda handler built on its first invocation and kept for the container's life. The container's init then
 * only loads the code and reads the config; what the handler is made of (Powertools' Logger and Metrics, the
 * ports and their caches) is built once, by the first event, and reused by every later one.
 */

/**
 * The handler `build()` returns, built on the first call; a `build()` that throws is tried again on the next.
 * @example
 * export const handler = onFirstInvocation(() => createAdvanceHandler(buildPorts(config), createObservability('fledge')));
 */
export function onFirstInvocation<E, C, R>(build: () => (event: E, context: C) => Promise<R>): (event: E, context: C) => Promise<R> {
  let built: ((event: E, context: C) => Promise<R>) | undefined;
  return async (event, context) => (built ??= build())(event, context);
}
