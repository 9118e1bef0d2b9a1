/**
 * A Gateway API implementation's route controller: for every HTTPRoute it writes `status.parents`, one entry per
 * `parentRef`, with an `Accepted` condition for the generation it judged, as Envoy Gateway, Istio or the AWS
 * Gateway API Controller do. A Gateway parent accepts the route when it exists and one of its listeners allows
 * routes from the route's namespace (`allowedRoutes.namespaces.from`: `Same`, the default, or `All`); a Service
 * parent (GAMMA) when the Service exists. A slow controller (`acceptAfterTicks`) judges a new generation only
 * that long after it first saw it, so the status keeps the old `observedGeneration` meanwhile.
 */
import type { GroupVersionResource, KubeObject } from '../emulator/types.ts';
import type { WorldContext } from './context.ts';

const HTTP_ROUTES: GroupVersionResource = { group: 'gateway.networking.k8s.io', version: 'v1', resource: 'httproutes' };
const GATEWAYS: GroupVersionResource = { group: 'gateway.networking.k8s.io', version: 'v1', resource: 'gateways' };
const SERVICES: GroupVersionResource = { group: '', version: 'v1', resource: 'services' };

/** The controller name the emulated implementation writes in `status.parents[].controllerName`. */
export const GATEWAY_CONTROLLER_NAME = 'fledge.dev/emulated-gateway-controller';

/** How the emulated Gateway API controller behaves (`spec.world.gatewayApi` of a scenario). */
export interface GatewayApiBehaviour {
  /** Ticks of virtual time between a route generation first seen and its status being written. @default 0 */
  readonly acceptAfterTicks?: number;
}

interface ParentRef {
  group?: string;
  kind?: string;
  namespace?: string;
  name: string;
  sectionName?: string;
  port?: number;
}

interface Listener {
  name?: string;
  allowedRoutes?: { namespaces?: { from?: string } };
}

/** The route controller's memory: when each route generation was first seen, in virtual epoch milliseconds. */
export class RouteBook {
  private readonly seen = new Map<string, number>();

  firstSeen(route: KubeObject, now: Date): number {
    const key = `${route.metadata.uid}/${route.metadata.generation ?? 0}`;
    let at = this.seen.get(key);
    if (at === undefined) {
      at = now.getTime();
      this.seen.set(key, at);
    }
    return at;
  }
}

function judge(ctx: WorldContext, route: KubeObject, parent: ParentRef): { status: 'True' | 'False'; reason: string; message: string } {
  const routeNs = route.metadata.namespace ?? 'default';
  const namespace = parent.namespace ?? routeNs;
  if ((parent.kind ?? 'Gateway') === 'Service') {
    return ctx.cluster.get(SERVICES, namespace, parent.name)
      ? { status: 'True', reason: 'Accepted', message: 'Route is accepted' }
      : { status: 'False', reason: 'NoMatchingParent', message: `Service ${namespace}/${parent.name} not found` };
  }
  const gateway = ctx.cluster.get(GATEWAYS, namespace, parent.name);
  if (!gateway) return { status: 'False', reason: 'NoMatchingParent', message: `Gateway ${namespace}/${parent.name} not found` };
  const listeners = ((gateway['spec'] as { listeners?: Listener[] } | undefined)?.listeners ?? []).filter((l) => parent.sectionName === undefined || l.name === parent.sectionName);
  const allowed = listeners.some((l) => {
    const from = l.allowedRoutes?.namespaces?.from ?? 'Same';
    return from === 'All' || from === 'Selector' || (from === 'Same' && namespace === routeNs);
  });
  return allowed
    ? { status: 'True', reason: 'Accepted', message: 'Route is accepted' }
    : { status: 'False', reason: 'NotAllowedByListeners', message: `no listener of Gateway ${namespace}/${parent.name} allows routes from namespace ${routeNs}` };
}

/** One pass of the route controller over every HTTPRoute. */
export function syncGatewayRoutes(ctx: WorldContext): void {
  const wait = (ctx.gatewayApi.acceptAfterTicks ?? 0) * ctx.tickMs;
  for (const route of ctx.cluster.list(HTTP_ROUTES)) {
    if (route.metadata.deletionTimestamp) continue;
    if (ctx.now.getTime() - ctx.routes.firstSeen(route, ctx.now) < wait) continue;
    const generation = route.metadata.generation ?? 1;
    const previous = ((route['status'] as { parents?: Array<{ parentRef: ParentRef; conditions?: Array<{ type: string; status: string; lastTransitionTime?: string }> }> } | undefined)?.parents ?? []);
    const parents = ((route['spec'] as { parentRefs?: ParentRef[] } | undefined)?.parentRefs ?? []).map((parentRef) => {
      const verdict = judge(ctx, route, parentRef);
      const before = previous.find((p) => JSON.stringify(p.parentRef) === JSON.stringify(parentRef))?.conditions?.find((c) => c.type === 'Accepted');
      const lastTransitionTime = before && before.status === verdict.status && before.lastTransitionTime ? before.lastTransitionTime : ctx.now.toISOString().replace(/\.\d{3}Z$/, 'Z');
      return {
        parentRef,
        controllerName: GATEWAY_CONTROLLER_NAME,
        conditions: [{ type: 'Accepted', status: verdict.status, reason: verdict.reason, message: verdict.message, observedGeneration: generation, lastTransitionTime }],
      };
    });
    ctx.cluster.updateStatus(HTTP_ROUTES, route, { ...(route['status'] as Record<string, unknown> | undefined), parents });
  }
}
