/**
 * `provider: contour`: the HTTPProxy `<apex>` (Flagger's ContourRouter). One route per `uri.prefix` of
 * `service.match` (default `/`; Flagger takes only the first) whose services are `<apex>-primary` and `<apex>-canary` with
 * weights, Linkerd's `l5d-dst-override` header, and the timeout and retry policies of `spec.service`. A/B
 * testing puts one route per match first — the cartesian merge of `analysis.match` with `service.match`, each
 * a prefix condition and one header condition per header (Contour ANDs the conditions of a route) — then the
 * default route, all on the primary.
 */
import type { RouteReading, RouteSpec } from '../api/routes.ts';
import type { Canary, HeaderMatch, ServiceMatch } from '../api/types.ts';
import type { KubeObject } from '../kube/types.ts';
import { RouterError } from './errors.ts';
import { mergeMatches } from './istio-routes.ts';
import { dotted, namespaceOf, serviceNames } from './names.ts';
import type { RouterDeps } from './types.ts';
import { WeightedObjectRouter, type RenderedObject, type WeightedObjectLayout } from './weighted-object.ts';

/** The Contour API version of HTTPProxy. */
export const CONTOUR_API_VERSION = 'projectcontour.io/v1';

/** A Contour header condition. */
export interface HeaderCondition {
  name: string;
  exact?: string;
  contains?: string;
  regex?: string;
  present?: boolean;
}

/** A Contour match condition. */
export interface MatchCondition {
  prefix?: string;
  header?: HeaderCondition;
}

interface ContourService {
  name: string;
  port: number;
  weight: number;
  requestHeadersPolicy: { set: { name: string; value: string }[] };
}

/** One HTTPProxy route. */
export interface ContourRoute {
  conditions: MatchCondition[];
  timeoutPolicy?: { response: string; idle: string };
  retryPolicy?: { count: number; perTryTimeout?: string; retryOn?: string[] };
  services: ContourService[];
}

/** The prefix Flagger routes: `service.match[0].uri.prefix`, else `/`. */
function prefixOf(match: ServiceMatch | undefined): string {
  return match?.uri?.prefix || '/';
}

/** Flagger's mapping: exact stays exact, prefix and suffix become `contains`; Fledge adds regex. */
function headerCondition(name: string, match: HeaderMatch): HeaderCondition {
  if (match.suffix) return { name, contains: match.suffix };
  if (match.prefix) return { name, contains: match.prefix };
  if (match.regex) return { name, regex: match.regex };
  return { name, exact: match.exact ?? '' };
}

function route(canary: Canary, conditions: MatchCondition[], primary: number, canaryWeight: number): ContourRoute {
  const service = canary.spec.service;
  const names = serviceNames(canary);
  const port = service?.port ?? 80;
  const backend = (name: string, weight: number): ContourService => ({
    name,
    port,
    weight,
    requestHeadersPolicy: { set: [{ name: 'l5d-dst-override', value: `${name}.${namespaceOf(canary)}.svc.cluster.local:${port}` }] },
  });
  const out: ContourRoute = { conditions, services: [backend(names.primary, primary), backend(names.canary, canaryWeight)] };
  if (service?.timeout) out.timeoutPolicy = { response: service.timeout, idle: '5m' };
  if (service?.retries) {
    out.retryPolicy = {
      count: service.retries.attempts ?? 1,
      ...(service.retries.perTryTimeout ? { perTryTimeout: service.retries.perTryTimeout } : {}),
      ...(service.retries.retryOn ? { retryOn: service.retries.retryOn.split(',').map((s) => s.trim()) } : {}),
    };
  }
  return out;
}

/** The HTTPProxy routes for `routes`. */
export function contourRoutes(canary: Canary, routes: RouteSpec): ContourRoute[] {
  const serviceMatch = canary.spec.service?.match;
  // Contour ANDs a route's conditions: each prefix of service.match is a route of its own.
  const prefixes = [...new Set(serviceMatch && serviceMatch.length > 0 ? serviceMatch.map(prefixOf) : ['/'])];
  const defaults = (primary: number, canaryWeight: number): ContourRoute[] => prefixes.map((prefix) => route(canary, [{ prefix }], primary, canaryWeight));
  if (!routes.match || routes.match.length === 0) return defaults(routes.primary, routes.canary);
  const matched = mergeMatches(routes.match, serviceMatch).map((m) => {
    if (m.queryParams || m.sourceLabels) throw new RouterError(`HTTPProxy ${dotted(canary, serviceNames(canary).apex)}: Contour routes A/B tests on headers only`);
    const headers = Object.entries(m.headers ?? {}).map(([name, value]) => ({ prefix: prefixOf(m), header: headerCondition(name, value) }));
    return route(canary, headers.length > 0 ? headers : [{ prefix: prefixOf(m) }], routes.primary, routes.canary);
  });
  return [...matched, ...defaults(100, 0)];
}

/** The split an HTTPProxy gives: the last route is a default one, an earlier one with a header condition the A/B route. */
export function readContourRoutes(canary: Canary, spec: { routes?: ContourRoute[] } | undefined): RouteReading {
  const names = serviceNames(canary);
  const all = spec?.routes ?? [];
  const weights = (r: ContourRoute): { primary: number; canary: number } | undefined => {
    const primary = r.services?.find((s) => s.name === names.primary);
    const canaryService = r.services?.find((s) => s.name === names.canary);
    if (!primary && !canaryService) return undefined;
    return { primary: primary?.weight ?? 0, canary: canaryService?.weight ?? 0 };
  };
  const main = all.length > 0 ? weights(all[all.length - 1] as ContourRoute) : undefined;
  if (!main || main.primary + main.canary === 0) return { ok: false, reason: `HTTPProxy ${dotted(canary, names.apex)} services not found` };
  const abRoute = all.slice(0, -1).find((r) => r.conditions?.some((c) => c.header));
  const matched = abRoute ? (weights(abRoute) ?? null) : null;
  return { ok: true, primary: main.primary, canary: main.canary, mirrored: false, matched };
}

class HttpProxyLayout implements WeightedObjectLayout {
  readonly apiVersion = CONTOUR_API_VERSION;
  readonly kind = 'HTTPProxy';

  name(canary: Canary): string {
    return serviceNames(canary).apex;
  }

  render(canary: Canary, routes: RouteSpec, current: KubeObject | undefined): RenderedObject {
    const spec = { ...((current?.['spec'] as Record<string, unknown> | undefined) ?? {}), routes: contourRoutes(canary, routes) };
    return { fields: { spec } };
  }

  read(canary: Canary, object: KubeObject): RouteReading {
    return readContourRoutes(canary, object['spec'] as { routes?: ContourRoute[] } | undefined);
  }
}

/** The Contour router. */
export class ContourRouter extends WeightedObjectRouter {
  constructor(deps: RouterDeps) {
    super('contour', deps, new HttpProxyLayout());
  }
}
