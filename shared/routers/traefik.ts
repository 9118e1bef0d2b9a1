/**
 * `provider: traefik`: the TraefikService `<apex>` of `traefik.io/v1alpha1` (Flagger's TraefikRouter), a
 * weighted round robin over `<apex>-primary` and, while it carries traffic, `<apex>-canary`. An IngressRoute
 * of the user's points at it.
 */
import type { RouteReading, RouteSpec } from '../api/routes.ts';
import type { Canary } from '../api/types.ts';
import type { KubeObject } from '../kube/types.ts';
import { dotted, namespaceOf, serviceNames } from './names.ts';
import type { RouterDeps } from './types.ts';
import { WeightedObjectRouter, type RenderedObject, type WeightedObjectLayout } from './weighted-object.ts';

/** The Traefik API version Flagger writes. */
export const TRAEFIK_API_VERSION = 'traefik.io/v1alpha1';

interface WeightedService {
  name: string;
  namespace: string;
  port: number;
  weight: number;
}

/** The `spec.weighted.services` for `routes`: the canary only while it has a weight, as Flagger writes it. */
export function traefikServices(canary: Canary, routes: Pick<RouteSpec, 'primary' | 'canary'>): WeightedService[] {
  const names = serviceNames(canary);
  const port = canary.spec.service?.port ?? 80;
  const namespace = namespaceOf(canary);
  const services: WeightedService[] = [{ name: names.primary, namespace, port, weight: routes.primary }];
  if (routes.canary > 0) services.push({ name: names.canary, namespace, port, weight: routes.canary });
  return services;
}

/** The split a TraefikService gives. */
export function readTraefikService(canary: Canary, spec: { weighted?: { services?: WeightedService[] } } | undefined): RouteReading {
  const names = serviceNames(canary);
  const services = spec?.weighted?.services ?? [];
  const primary = services.find((s) => s.name === names.primary)?.weight ?? 0;
  const canaryWeight = services.find((s) => s.name === names.canary)?.weight ?? 0;
  if (primary + canaryWeight <= 0) return { ok: false, reason: `TraefikService ${dotted(canary, names.apex)} services not found` };
  const primaryShare = Math.round((primary / (primary + canaryWeight)) * 100);
  return { ok: true, primary: primaryShare, canary: 100 - primaryShare, mirrored: false, matched: null };
}

class TraefikServiceLayout implements WeightedObjectLayout {
  readonly apiVersion = TRAEFIK_API_VERSION;
  readonly kind = 'TraefikService';

  name(canary: Canary): string {
    return serviceNames(canary).apex;
  }

  render(canary: Canary, routes: RouteSpec, current: KubeObject | undefined): RenderedObject {
    const spec = (current?.['spec'] as Record<string, unknown> | undefined) ?? {};
    const weighted = (spec['weighted'] as Record<string, unknown> | undefined) ?? {};
    return { fields: { spec: { ...spec, weighted: { ...weighted, services: traefikServices(canary, routes) } } } };
  }

  read(canary: Canary, object: KubeObject): RouteReading {
    return readTraefikService(canary, object['spec'] as { weighted?: { services?: WeightedService[] } } | undefined);
  }
}

/** The Traefik router. */
export class TraefikRouter extends WeightedObjectRouter {
  constructor(deps: RouterDeps) {
    super('traefik', deps, new TraefikServiceLayout());
  }
}
