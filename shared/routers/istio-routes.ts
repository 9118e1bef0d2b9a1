/**
 * The VirtualService `<apex>` as pure data: built from a Canary and a split, and read back into a split.
 * Layouts (Flagger's IstioRouter): one weighted route; A/B — a match route first, then the default route
 * 100% on the primary; session affinity — sticky cookie routes before the weighted route, whose destinations
 * set the cookies; mirroring on the weighted (or A/B match) route.
 */
import type { RouteReading, RouteSpec, SessionCookies } from '../api/routes.ts';
import type { AnalysisMatch, Canary, ServiceMatch, SessionAffinity } from '../api/types.ts';
import { RouterError } from './errors.ts';
import { isTcp, readTcpRoutes, tcpRoutes, type TcpRoute } from './istio-tcp.ts';
import { dotted, serviceNames } from './names.ts';

/** Name of the route matching the canary session cookie (Flagger's). */
export const STICKY_ROUTE = 'sticky-route';
/** Name of the route matching the primary session cookie. */
export const STICKY_PRIMARY_ROUTE = 'sticky-route-primary';
/** Flagger's default cookie lifetime, in seconds. */
export const DEFAULT_COOKIE_MAX_AGE = 86_400;

/** Istio header operations. */
export interface HeaderOperations {
  add?: Record<string, string>;
  set?: Record<string, string>;
  remove?: string[];
}

/** One `http[].route[]` destination. */
export interface HttpRouteDestination {
  destination: { host: string; port?: { number: number } };
  weight?: number;
  headers?: { request?: HeaderOperations; response?: HeaderOperations };
}

/** One `http[]` route. */
export interface HttpRoute {
  name?: string;
  match?: ServiceMatch[];
  rewrite?: { uri?: string; authority?: string };
  timeout?: string;
  retries?: unknown;
  corsPolicy?: unknown;
  headers?: { request?: HeaderOperations; response?: HeaderOperations };
  route: HttpRouteDestination[];
  mirror?: { host: string; port?: { number: number } };
  mirrorPercentage?: { value: number };
  [field: string]: unknown;
}

/** The VirtualService spec fields Fledge manages. */
export interface VirtualServiceSpec {
  hosts?: string[];
  gateways?: string[];
  http?: HttpRoute[];
  tcp?: TcpRoute[];
  [field: string]: unknown;
}

/** The fields shared by every route Fledge writes (`spec.service`). */
function baseRoute(canary: Canary): Omit<HttpRoute, 'route'> {
  const service = canary.spec.service;
  const out: Omit<HttpRoute, 'route'> = {};
  if (service?.match && service.match.length > 0) out.match = service.match;
  if (service?.rewrite && (service.rewrite.uri !== undefined || service.rewrite.authority !== undefined)) {
    out.rewrite = {
      ...(service.rewrite.uri !== undefined ? { uri: service.rewrite.uri } : {}),
      ...(service.rewrite.authority !== undefined ? { authority: service.rewrite.authority } : {}),
    };
  }
  if (service?.timeout) out.timeout = service.timeout;
  if (service?.retries) out.retries = service.retries;
  if (service?.corsPolicy) out.corsPolicy = service.corsPolicy;
  if (service?.headers) out.headers = structuredClone(service.headers);
  return out;
}

/** A destination; the port is set when traffic comes through a gateway and ports are discovered (Flagger). */
function destination(canary: Canary, host: string, weight: number): HttpRouteDestination {
  const service = canary.spec.service;
  const gateways = service?.gateways ?? [];
  const withPort = service?.portDiscovery === true && ((gateways.length > 0 && gateways[0] !== 'mesh') || service.delegation === true);
  return { destination: withPort ? { host, port: { number: service.port } } : { host }, weight };
}

/** Analysis matches merged into the service's own matches: each pair combined, the analysis' conditions win. */
export function mergeMatches(analysis: readonly (AnalysisMatch | ServiceMatch)[], service: readonly ServiceMatch[] | undefined): ServiceMatch[] {
  const own = analysis.map((m) => clean({ headers: m.headers, queryParams: m.queryParams, sourceLabels: m.sourceLabels }));
  if (!service || service.length === 0) return own;
  const merged: ServiceMatch[] = [];
  for (const a of own) {
    for (const d of service) {
      merged.push(clean({ ...structuredClone(d), ...(a.headers ? { headers: a.headers } : {}), ...(a.queryParams ? { queryParams: a.queryParams } : {}), ...(a.sourceLabels ? { sourceLabels: a.sourceLabels } : {}) }));
    }
  }
  return merged;
}

function clean<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** `name=value` → the Cookie header match Flagger writes (`.*name.*value.*`). */
export function cookieMatch(cookie: string): ServiceMatch {
  const [name, value] = splitCookie(cookie);
  return { headers: { Cookie: { regex: `.*${name}.*${value}.*` } } };
}

function splitCookie(cookie: string): [string, string] {
  const at = cookie.indexOf('=');
  if (at <= 0) throw new RouterError(`session cookie "${cookie}": expected name=value`);
  return [cookie.slice(0, at), cookie.slice(at + 1)];
}

/** The `Set-Cookie` value: the cookie, its lifetime, then the attributes `sessionAffinity` asks for. */
export function setCookieValue(cookie: string, maxAge: number, affinity?: SessionAffinity): string {
  const parts = [cookie, `Max-Age=${maxAge}`];
  if (affinity?.domain) parts.push(`Domain=${affinity.domain}`);
  if (affinity?.path) parts.push(`Path=${affinity.path}`);
  if (affinity?.httpOnly) parts.push('HttpOnly');
  if (affinity?.secure) parts.push('Secure');
  if (affinity?.sameSite) parts.push(`SameSite=${affinity.sameSite}`);
  if (affinity?.partitioned) parts.push('Partitioned');
  return parts.join('; ');
}

function withResponseCookie<T extends HttpRoute | HttpRouteDestination>(holder: T, value: string): T {
  const headers = structuredClone(holder.headers ?? {});
  headers.response = { ...headers.response, add: { ...headers.response?.add, 'Set-Cookie': value } };
  return { ...holder, headers };
}

/** What the layout needs besides the split: the analysis interval (the primary cookie's lifetime). */
export interface LayoutContext {
  readonly intervalSeconds: number;
}

/** The `http` routes for `routes`; session cookies must already be resolved (see `IstioRouter`). */
export function httpRoutes(canary: Canary, routes: RouteSpec, context: LayoutContext): HttpRoute[] {
  const names = serviceNames(canary);
  const base = baseRoute(canary);
  const service = canary.spec.service;
  const mirror = (route: HttpRoute): HttpRoute => {
    if (!routes.mirrored) return route;
    const out: HttpRoute = { ...route, mirror: { host: names.canary } };
    if (routes.mirrorWeight !== undefined && routes.mirrorWeight > 0) out.mirrorPercentage = { value: routes.mirrorWeight };
    return out;
  };
  if (routes.match && routes.match.length > 0) {
    return [
      mirror({ ...base, match: mergeMatches(routes.match, service?.match), route: [destination(canary, names.primary, routes.primary), destination(canary, names.canary, routes.canary)] }),
      { ...base, route: [destination(canary, names.primary, 100)] },
    ];
  }
  let weighted: HttpRoute = mirror({ ...base, route: [destination(canary, names.primary, routes.primary), destination(canary, names.canary, routes.canary)] });
  const affinity = canary.spec.analysis.sessionAffinity;
  const session = routes.session ?? {};
  if (!affinity) return [weighted];
  if (routes.canary > 0 && session.canary) {
    const maxAge = affinity.maxAge || DEFAULT_COOKIE_MAX_AGE;
    const [primaryDest, canaryDest] = weighted.route as [HttpRouteDestination, HttpRouteDestination];
    const primaryCookie = affinity.primaryCookieName ? session.primary : undefined;
    weighted = {
      ...weighted,
      route: [
        primaryCookie ? withResponseCookie(primaryDest, setCookieValue(primaryCookie, context.intervalSeconds, affinity)) : primaryDest,
        withResponseCookie(canaryDest, setCookieValue(session.canary, maxAge, affinity)),
      ],
    };
    const sticky: HttpRoute[] = [
      { ...base, name: STICKY_ROUTE, match: mergeMatches([cookieMatch(session.canary)], service?.match), route: [destination(canary, names.primary, 0), destination(canary, names.canary, 100)] },
    ];
    if (primaryCookie) {
      sticky.push({ ...base, name: STICKY_PRIMARY_ROUTE, match: mergeMatches([cookieMatch(primaryCookie)], service?.match), route: [destination(canary, names.primary, 100), destination(canary, names.canary, 0)] });
    }
    return [...sticky, weighted];
  }
  if (routes.canary === 0 && session.previous) {
    const expire = withResponseCookie<HttpRoute>({ ...base, name: STICKY_ROUTE, match: mergeMatches([cookieMatch(session.previous)], service?.match), route: weighted.route }, setCookieValue(session.previous, -1, affinity));
    return [expire, weighted];
  }
  return [weighted];
}

/** Hosts and gateways: the apex host and the `mesh` gateway added when absent; none with delegation. */
export function hostsAndGateways(canary: Canary): Pick<VirtualServiceSpec, 'hosts' | 'gateways'> {
  const service = canary.spec.service;
  const apex = serviceNames(canary).apex;
  if (service?.delegation) {
    if ((service.hosts?.length ?? 0) > 0 || (service.gateways?.length ?? 0) > 0) {
      throw new RouterError(`VirtualService ${dotted(canary, apex)} cannot have hosts and gateways when delegation is enabled (spec.service.delegation)`);
    }
    return {};
  }
  const hosts = [...(service?.hosts ?? [])];
  if (!hosts.includes(apex) && !hosts.includes('*')) hosts.push(apex);
  const gateways = [...(service?.gateways ?? [])];
  if (gateways.length === 0) gateways.push('mesh');
  return { hosts, gateways };
}

/** The VirtualService spec for `routes`. */
export function virtualServiceSpec(canary: Canary, routes: RouteSpec, context: LayoutContext): VirtualServiceSpec {
  if (isTcp(canary)) return { ...hostsAndGateways(canary), tcp: tcpRoutes(canary, routes) };
  return { ...hostsAndGateways(canary), http: httpRoutes(canary, routes, context) };
}

function weightOf(route: HttpRoute, host: string): number | undefined {
  const found = route.route.find((d) => d.destination.host === host);
  if (!found) return undefined;
  return found.weight ?? (route.route.length === 1 ? 100 : 0);
}

function cookieOf(route: HttpRoute | undefined): string | undefined {
  const regex = route?.match?.[0]?.headers?.Cookie?.regex;
  if (!regex) return undefined;
  const parts = regex.split('.*');
  return parts.length === 4 && parts[1] && parts[2] ? `${parts[1]}=${parts[2]}` : undefined;
}

/** The split a VirtualService gives: default route weights, mirroring, A/B match weights, session cookies. */
export function readRoutes(canary: Canary, spec: VirtualServiceSpec | undefined): RouteReading {
  if (isTcp(canary)) return readTcpRoutes(canary, spec?.tcp);
  const names = serviceNames(canary);
  const http = (spec?.http ?? []).filter((r) => Array.isArray(r.route));
  const weighted = http.filter((r) => !r.name?.startsWith(STICKY_ROUTE));
  const missing = { ok: false as const, reason: `VirtualService ${dotted(canary, names.apex)} does not contain routes for ${names.primary} and ${names.canary}` };
  const main = weighted[weighted.length - 1];
  if (!main) return missing;
  const primary = weightOf(main, names.primary) ?? 0;
  const canaryWeight = weightOf(main, names.canary) ?? 0;
  if (primary === 0 && canaryWeight === 0) return missing;
  const matchRoute = weighted.slice(0, -1).find((r) => weightOf(r, names.canary) !== undefined);
  const matched = matchRoute ? { primary: weightOf(matchRoute, names.primary) ?? 0, canary: weightOf(matchRoute, names.canary) ?? 0 } : null;
  const mirrored = weighted.some((r) => r.mirror?.host === names.canary);
  const stickyCanary = http.find((r) => r.name === STICKY_ROUTE);
  const session: SessionCookies = {};
  const sticky = cookieOf(stickyCanary);
  if (sticky && stickyCanary && (weightOf(stickyCanary, names.canary) ?? 0) === 100) Object.assign(session, { canary: sticky });
  else if (sticky) Object.assign(session, { previous: sticky });
  const primaryCookie = cookieOf(http.find((r) => r.name === STICKY_PRIMARY_ROUTE));
  if (primaryCookie) Object.assign(session, { primary: primaryCookie });
  return { ok: true, primary, canary: canaryWeight, mirrored, matched, ...(Object.keys(session).length > 0 ? { session } : {}) };
}

/** The mirror percentage of the route that mirrors, when one sets it. */
export function mirrorWeightOf(spec: VirtualServiceSpec | undefined): number | undefined {
  return spec?.http?.find((r) => r.mirror && r.mirrorPercentage)?.mirrorPercentage?.value;
}
