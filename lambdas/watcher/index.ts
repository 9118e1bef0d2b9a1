/**
 * The watcher Lambda: every minute, for each configured cluster, finds new canaries, new revisions, interval
 * changes and deletions, and manages the schedules. The config is read at init (a bad setting fails the
 * container's start); the logger, metrics and ports are built by the first event and kept for the container's
 * life.
 */
import { loadConfig } from '../runtime/config.ts';
import { onFirstInvocation } from '../runtime/first-invocation.ts';
import { lambdaKick } from '../runtime/kick.ts';
import { controllerLog, createObservability } from '../runtime/observability.ts';
import { buildBasePorts } from '../runtime/ports.ts';
import { createWatcherHandler } from './handler.ts';

const config = loadConfig();

export const handler = onFirstInvocation(() => {
  const observability = createObservability(config.serviceName);
  return createWatcherHandler(buildBasePorts(config, { log: controllerLog(observability.logger), kick: lambdaKick(config) }), observability);
});
