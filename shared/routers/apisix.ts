/**
 * `provider: apisix`: the ApisixRoute `<route>-<apex>-canary` (Flagger's ApisixRouter), built from the
 * http route of `spec.routeRef` whose single backend is the apex Service: the same route at priority 10000
 * with two weighted backends, `<apex>-primary` and `<apex>-canary`, so it wins over the user's route. The
 * user's ApisixRoute is never modified; finalize deletes the canary route, giving traffic back to it.
 */
import type { RouteReading, RouteSpec } from '../api/routes.ts';
import type { Canary } from '../api/types.ts';
import type { KubeClient, KubeObject } from '../kube/types.ts';
import { RouterError } from './errors.ts';
import { dotted, serviceNames } from './names.ts';
import type { RouterDeps } from './types.ts';
import { WeightedObjectRouter, type RenderedObject, type WeightedObjectLayout } from './weighted-object.ts';

/** The APISIX API version Flagger writes. */
export const APISIX_API_VERSION = 'apisix.apache.org/v2';
/** Flagger's priority of the canary route. */
export const APISIX_CANARY_PRIORITY = 10_000;

interface Backend {
  serviceName: string;
  servicePort?: number | string;
  resolveGranularity?: string;
  subset?: string;
  weight?: number;
}

interface HttpRoute {
  name?: string;
  priority?: number;
  backends?: Backend[];
  [field: string]: unknown;
}

function routeRefName(canary: Canary): string {
  const name = canary.spec.routeRef?.name;
  if (!name) throw new RouterError(`Canary ${dotted(canary, canary.metadata.name ?? '')}: spec.routeRef is required with provider apisix; set the ApisixRoute whose backend is the apex Service`);
  return name;
}

/** `<route>-<apex>-canary`. */
export function apisixCanaryRouteName(canary: Canary): string {
  return `${routeRefName(canary)}-${serviceNames(canary).apex}-canary`;
}

/** The canary route's http route, from the user's one that sends to the apex. */
export function apisixCanaryHttp(canary: Canary, source: HttpRoute, routes: Pick<RouteSpec, 'primary' | 'canary'>): HttpRoute {
  const names = serviceNames(canary);
  const backend = source.backends?.[0] as Backend;
  return {
    ...structuredClone(source),
    priority: APISIX_CANARY_PRIORITY,
    backends: [
      { ...structuredClone(backend), serviceName: names.primary, weight: routes.primary },
      {
        serviceName: names.canary,
        ...(backend.servicePort !== undefined ? { servicePort: backend.servicePort } : {}),
        ...(backend.resolveGranularity ? { resolveGranularity: backend.resolveGranularity } : {}),
        ...(backend.subset ? { subset: backend.subset } : {}),
        weight: routes.canary,
      },
    ],
  };
}

/** The split of a canary ApisixRoute: the weights of the http route that sends to the primary. */
export function readApisixRoute(canary: Canary, spec: { http?: HttpRoute[] } | undefined): RouteReading {
  const names = serviceNames(canary);
  const route = (spec?.http ?? []).find((r) => r.backends?.some((b) => b.serviceName === names.primary));
  const primary = route?.backends?.find((b) => b.serviceName === names.primary)?.weight ?? 0;
  const canaryWeight = route?.backends?.find((b) => b.serviceName === names.canary)?.weight ?? 0;
  if (!route || primary + canaryWeight <= 0) return { ok: false, reason: `ApisixRoute ${dotted(canary, apisixCanaryRouteName(canary))} has no backend ${names.primary}` };
  return { ok: true, primary, canary: canaryWeight, mirrored: false, matched: null };
}

/** The canary route with only its weights changed. */
function reweighted(canary: Canary, spec: { http?: HttpRoute[]; [field: string]: unknown }, routes: Pick<RouteSpec, 'primary' | 'canary'>): unknown {
  const names = serviceNames(canary);
  const weightOf = (service: string): number | undefined => (service === names.primary ? routes.primary : service === names.canary ? routes.canary : undefined);
  const http = (spec.http ?? []).map((r) => ({ ...r, backends: r.backends?.map((b) => (weightOf(b.serviceName) === undefined ? b : { ...b, weight: weightOf(b.serviceName) })) }));
  return { ...spec, http };
}

class ApisixRouteLayout implements WeightedObjectLayout {
  readonly apiVersion = APISIX_API_VERSION;
  readonly kind = 'ApisixRoute';
  readonly onFinalize = 'delete';
  private readonly kube: KubeClient;

  constructor(kube: KubeClient) {
    this.kube = kube;
  }

  name(canary: Canary): string {
    return apisixCanaryRouteName(canary);
  }

  async render(canary: Canary, routes: RouteSpec, current: KubeObject | undefined): Promise<RenderedObject> {
    const refName = routeRefName(canary);
    const source = await this.kube.get({ apiVersion: APISIX_API_VERSION, kind: 'ApisixRoute', namespace: canary.metadata.namespace || 'default', name: refName });
    const what = `ApisixRoute ${dotted(canary, refName)} (spec.routeRef)`;
    // Without the user's route the copy still takes new weights: a rollback is never blocked by a deleted reference.
    if (!source && current) return { fields: { spec: reweighted(canary, current['spec'] as { http?: HttpRoute[] }, routes) }, labels: { ...current.metadata.labels }, annotations: { ...current.metadata.annotations } };
    if (!source) throw new RouterError(`${what} not found`);
    const spec = (source['spec'] as { http?: HttpRoute[]; [field: string]: unknown } | undefined) ?? {};
    if (!spec.http || spec.http.length === 0) throw new RouterError(`${what}: spec.http is empty`);
    const apex = serviceNames(canary).apex;
    const target = spec.http.find((r) => r.backends?.some((b) => b.serviceName === apex));
    if (!target) throw new RouterError(`${what}: no http route has the backend ${apex}`);
    if (target.backends?.length !== 1) throw new RouterError(`${what}: http route ${target.name ?? ''} must have only one backend, ${apex}`);
    return {
      fields: { spec: { ...structuredClone(spec), http: [apisixCanaryHttp(canary, target, routes)] } },
      labels: { ...source.metadata.labels },
      annotations: Object.fromEntries(Object.entries(source.metadata.annotations ?? {}).filter(([key]) => key !== 'kubectl.kubernetes.io/last-applied-configuration')),
    };
  }

  read(canary: Canary, object: KubeObject): RouteReading {
    return readApisixRoute(canary, object['spec'] as { http?: HttpRoute[] } | undefined);
  }
}

/** The APISIX router. */
export class ApisixRouter extends WeightedObjectRouter {
  constructor(deps: RouterDeps) {
    super('apisix', deps, new ApisixRouteLayout(deps.kube));
  }
}
