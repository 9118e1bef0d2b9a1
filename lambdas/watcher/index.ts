/**
 * The watcher Lambda: every minute, for each configured cluster, finds new canaries, new revisions, interval
 * changes and deletions, and manages the schedules. Ports are built once per container, at module scope.
 */
import { loadConfig } from '../runtime/config.ts';
import { controllerLog, createObservability } from '../runtime/observability.ts';
import { lambdaKick } from '../runtime/kick.ts';
import { buildBasePorts } from '../runtime/ports.ts';
import { createWatcherHandler } from './handler.ts';

const config = loadConfig();
const observability = createObservability(config.serviceName);
const ports = buildBasePorts(config, { log: controllerLog(observability.logger), kick: lambdaKick(config) });

export const handler = createWatcherHandler(ports, observability);
