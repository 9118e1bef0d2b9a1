/**
 * The advance Lambda: fired by EventBridge Scheduler once per analysis interval (and by the watcher at once
 * on a new revision), it advances one canary. Ports are built once per container, at module scope.
 */
import { loadConfig } from '../runtime/config.ts';
import { controllerLog, createObservability } from '../runtime/observability.ts';
import { buildPorts } from '../runtime/controller-ports.ts';
import { createAdvanceHandler } from './handler.ts';

const config = loadConfig();
const observability = createObservability(config.serviceName);
const ports = buildPorts(config, { log: controllerLog(observability.logger) });

export const handler = createAdvanceHandler(ports, observability);
