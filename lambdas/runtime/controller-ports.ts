/**
 * `buildPorts()`: the advance Lambda's ports — the base ports (`ports.ts`) and, per cluster, the controller's
 * deps: target ports, the real metric providers (`shared/metrics`), webhooks (`shared/hooks`), alert fan-out and
 * phase changes (`shared/notify`), events. This is the one module to change when a port gets its real
 * implementation; the defaults are replaced through {@link PortOverrides}.
 */
import { analysisPorts } from '../../shared/controller/analysis-ports.ts';
import { targetPorts } from '../../shared/controller/ports.ts';
import { TickReadMemory } from '../../shared/controller/read-memory.ts';
import type { ControllerDeps } from '../../shared/controller/types.ts';
import { EventRecorder } from '../../shared/kube/events.ts';
import type { RuntimeConfig } from './config.ts';
import { buildBasePorts, type AwsService, type PortOverrides, type RuntimePorts } from './ports.ts';

/**
 * Builds the ports once; call it at module scope. A cluster's controller deps are built on its first step and
 * kept for the container's life.
 * @example
 * const ports = buildPorts(loadConfig());
 * export const handler = createAdvanceHandler(ports, observability);
 */
export function buildPorts(config: RuntimeConfig, overrides: PortOverrides = {}): RuntimePorts {
  const base = buildBasePorts(config, overrides);
  const sdk = (service: AwsService) => overrides.clientConfig?.(service) ?? {};
  const log = overrides.log;
  const controllers = new Map<string, Promise<ControllerDeps>>();
  const controller = (cluster: string): Promise<ControllerDeps> => {
    let made = controllers.get(cluster);
    if (!made) {
      made = base.kube(cluster).then((client) => {
        const analysis = analysisPorts({
          cluster,
          kube: client,
          topicArn: config.topicArn,
          ...(config.eventBusName === undefined ? {} : { eventBusName: config.eventBusName }),
          clientConfig: (service) => sdk(service),
          ...(log ? { log } : {}),
        });
        return {
          cluster,
          kube: client,
          store: base.store,
          portsFor: targetPorts(),
          metrics: overrides.metrics ?? analysis.metrics,
          hooks: overrides.hooks ?? analysis.hooks,
          alerts: overrides.alerts ?? analysis.alerts,
          phaseChanges: analysis.phaseChanges,
          events: new EventRecorder(client, { component: 'fledge' }),
          actor: overrides.actor ?? 'fledge',
          historyTtlSeconds: config.historyTtlDays * 86_400,
          // Lives as long as the container: a warm container's steps read in one wave.
          readMemory: new TickReadMemory(),
          ...(log ? { log } : {}),
        };
      });
      controllers.set(cluster, made);
      made.catch(() => controllers.delete(cluster));
    }
    return made;
  };
  return { ...base, controller };
}
