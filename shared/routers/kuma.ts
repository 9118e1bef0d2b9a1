/**
 * `provider: kuma`: the cluster-scoped TrafficRoute `<apex>` of `kuma.io/v1alpha1` (Flagger's KumaRouter):
 * every source, the apex's `kuma.io/service` tag as destination, and a split between the primary's and the
 * canary's tags (`<service>_<namespace>_svc_<port>`). Its mesh is the Canary's `kuma.io/mesh` annotation, or
 * `default`. Being cluster-scoped it cannot be owned by the Canary: Fledge marks the one it creates and deletes
 * it on finalize.
 */
import type { RouteReading, RouteSpec } from '../api/routes.ts';
import type { Canary } from '../api/types.ts';
import type { KubeObject } from '../kube/types.ts';
import { namespaceOf, serviceNames } from './names.ts';
import type { RouterDeps } from './types.ts';
import { WeightedObjectRouter, type RenderedObject, type WeightedObjectLayout } from './weighted-object.ts';

/** The Kuma API version of TrafficRoute. */
export const KUMA_API_VERSION = 'kuma.io/v1alpha1';
/** The tag Kuma names services by. */
export const KUMA_SERVICE_TAG = 'kuma.io/service';
/** The Canary annotation naming its mesh. */
export const KUMA_MESH_ANNOTATION = 'kuma.io/mesh';

interface Split {
  weight: number;
  destination: Record<string, string>;
}

/** `<service>_<namespace>_svc_<port>`, Kuma's tag for a Kubernetes Service port. */
export function kumaServiceTag(canary: Canary, service: string): string {
  return `${service}_${namespaceOf(canary)}_svc_${canary.spec.service?.port ?? 80}`;
}

/** The TrafficRoute spec for `routes`. */
export function trafficRouteSpec(canary: Canary, routes: Pick<RouteSpec, 'primary' | 'canary'>): Record<string, unknown> {
  const names = serviceNames(canary);
  return {
    sources: [{ match: { [KUMA_SERVICE_TAG]: '*' } }],
    destinations: [{ match: { [KUMA_SERVICE_TAG]: kumaServiceTag(canary, names.apex) } }],
    conf: {
      split: [
        { weight: routes.primary, destination: { [KUMA_SERVICE_TAG]: kumaServiceTag(canary, names.primary) } },
        { weight: routes.canary, destination: { [KUMA_SERVICE_TAG]: kumaServiceTag(canary, names.canary) } },
      ],
    },
  };
}

/** The split a TrafficRoute gives. */
export function readTrafficRoute(canary: Canary, spec: { conf?: { split?: Split[] } } | undefined): RouteReading {
  const names = serviceNames(canary);
  const weightOf = (service: string): number => spec?.conf?.split?.find((s) => s.destination?.[KUMA_SERVICE_TAG] === kumaServiceTag(canary, service))?.weight ?? 0;
  const primary = weightOf(names.primary);
  const canaryWeight = weightOf(names.canary);
  if (primary + canaryWeight <= 0) return { ok: false, reason: `TrafficRoute ${names.apex} does not contain routes for ${names.primary} and ${names.canary}` };
  const primaryShare = Math.round((primary / (primary + canaryWeight)) * 100);
  return { ok: true, primary: primaryShare, canary: 100 - primaryShare, mirrored: false, matched: null };
}

class TrafficRouteLayout implements WeightedObjectLayout {
  readonly apiVersion = KUMA_API_VERSION;
  readonly kind = 'TrafficRoute';
  readonly clusterScoped = true;

  name(canary: Canary): string {
    return serviceNames(canary).apex;
  }

  render(canary: Canary, routes: RouteSpec): RenderedObject {
    return { fields: { mesh: canary.metadata.annotations?.[KUMA_MESH_ANNOTATION] || 'default', spec: trafficRouteSpec(canary, routes) } };
  }

  read(canary: Canary, object: KubeObject): RouteReading {
    return readTrafficRoute(canary, object['spec'] as { conf?: { split?: Split[] } } | undefined);
  }
}

/** The Kuma router. */
export class KumaRouter extends WeightedObjectRouter {
  constructor(deps: RouterDeps) {
    super('kuma', deps, new TrafficRouteLayout());
  }
}
