/**
 * The advance Lambda: fired by EventBridge Scheduler once per analysis interval (and by the watcher at once
 * on a new revision), it advances one canary. The config is read at init (a bad setting fails the container's
 * start); the logger, metrics and ports are built by the first event and kept for the container's life.
 */
import { loadConfig } from '../runtime/config.ts';
import { buildPorts } from '../runtime/controller-ports.ts';
import { onFirstInvocation } from '../runtime/first-invocation.ts';
import { controllerLog, createObservability } from '../runtime/observability.ts';
import { createAdvanceHandler } from './handler.ts';

const config = loadConfig();

export const handler = onFirstInvocation(() => {
  const observability = createObservability(config.serviceName);
  return createAdvanceHandler(buildPorts(config, { log: controllerLog(observability.logger) }), observability);
});
