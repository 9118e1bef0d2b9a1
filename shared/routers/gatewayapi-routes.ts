/**
 * The HTTPRoute `<apex>` as pure data (Flagger's GatewayAPIRouter): built from a Canary and a split, read back
 * into a split, and judged by its parents' status. Layouts: one weighted rule; A/B — the rule with the merged
 * matches and both backends first, then a rule 100% on the primary; session affinity — sticky cookie rules
 * before the weighted rule, whose backends set the cookies; blue/green mirroring as a RequestMirror filter.
 */
import type { RouteReading, RouteSpec, SessionCookies } from '../api/routes.ts';
import type { AnalysisMatch, Canary, CorsPolicy, GatewayRef, HeaderOperations, ServiceMatch, StringMatch } from '../api/types.ts';
import { parseDuration } from '../api/duration.ts';
import { RouterError } from './errors.ts';
import { DEFAULT_COOKIE_MAX_AGE, setCookieValue } from './istio-routes.ts';
import { dotted, serviceNames } from './names.ts';

/** Gateway API's group. */
export const GATEWAY_API_GROUP = 'gateway.networking.k8s.io';

/** A header or query parameter match. */
export interface NamedMatch {
  type: 'Exact' | 'RegularExpression';
  name: string;
  value: string;
}

/** One `rules[].matches[]` entry. */
export interface HttpRouteMatch {
  path?: { type: 'PathPrefix' | 'Exact' | 'RegularExpression'; value: string };
  method?: string;
  headers?: NamedMatch[];
  queryParams?: NamedMatch[];
}

/** A header modifier's lists. */
export interface HeaderFilter {
  add?: { name: string; value: string }[];
  set?: { name: string; value: string }[];
  remove?: string[];
}

/** A BackendObjectReference. */
export interface BackendObjectRef {
  group?: string;
  kind?: string;
  name: string;
  namespace?: string;
  port?: number;
}

/** One `filters[]` entry (the types Fledge writes). */
export interface HttpRouteFilter {
  type: 'RequestHeaderModifier' | 'ResponseHeaderModifier' | 'URLRewrite' | 'RequestMirror' | 'CORS';
  requestHeaderModifier?: HeaderFilter;
  responseHeaderModifier?: HeaderFilter;
  urlRewrite?: { hostname?: string; path?: { type: 'ReplaceFullPath' | 'ReplacePrefixMatch'; replaceFullPath?: string; replacePrefixMatch?: string } };
  requestMirror?: { backendRef: BackendObjectRef };
  cors?: Record<string, unknown>;
}

/** One `rules[].backendRefs[]` entry. */
export interface HttpBackendRef extends BackendObjectRef {
  weight?: number;
  filters?: HttpRouteFilter[];
}

/** One `rules[]` entry. */
export interface HttpRouteRule {
  matches?: HttpRouteMatch[];
  filters?: HttpRouteFilter[];
  backendRefs?: HttpBackendRef[];
  timeouts?: { request?: string; backendRequest?: string };
}

/** The HTTPRoute spec fields Fledge writes. */
export interface HttpRouteSpec {
  parentRefs?: GatewayRef[];
  hostnames?: string[];
  rules?: HttpRouteRule[];
  [field: string]: unknown;
}

/** One `status.parents[]` entry. */
export interface RouteParentStatus {
  parentRef: GatewayRef;
  controllerName?: string;
  conditions?: { type: string; status: string; reason?: string; message?: string; observedGeneration?: number }[];
}

function named(name: string, match: StringMatch, what: string): NamedMatch {
  if (match.exact !== undefined && match.exact !== '') return { type: 'Exact', name, value: match.exact };
  if (match.regex !== undefined && match.regex !== '') return { type: 'RegularExpression', name, value: match.regex };
  throw new RouterError(`Gateway API supports only exact and regex ${what} matches, got ${JSON.stringify(match)} for "${name}"`);
}

/** Istio-style matches → HTTPRouteMatches (Flagger's `mapRouteMatches`); an empty match is dropped. */
export function routeMatches(matches: readonly (ServiceMatch | AnalysisMatch)[] | undefined): HttpRouteMatch[] {
  const out: HttpRouteMatch[] = [];
  for (const m of matches ?? []) {
    const match: HttpRouteMatch = {};
    const service = m as ServiceMatch;
    if (service.uri) {
      if (service.uri.regex) match.path = { type: 'RegularExpression', value: service.uri.regex };
      else if (service.uri.exact) match.path = { type: 'Exact', value: service.uri.exact };
      else if (service.uri.prefix) match.path = { type: 'PathPrefix', value: service.uri.prefix };
      else throw new RouterError(`Gateway API doesn't support the uri match ${JSON.stringify(service.uri)}`);
    }
    if (service.method) {
      if (!service.method.exact) throw new RouterError(`Gateway API supports only an exact method match, got ${JSON.stringify(service.method)}`);
      match.method = service.method.exact;
    }
    const headers = Object.entries(m.headers ?? {}).map(([name, value]) => named(name, value, 'header'));
    if (headers.length > 0) match.headers = headers;
    const query = Object.entries(m.queryParams ?? {}).map(([name, value]) => named(name, value, 'query parameter'));
    if (query.length > 0) match.queryParams = query;
    if (Object.keys(match).length > 0) out.push(match);
  }
  return out;
}

/** The service's own matches, or Flagger's default `PathPrefix /`. */
export function serviceMatches(canary: Canary): HttpRouteMatch[] {
  const own = routeMatches(canary.spec.service?.match);
  return own.length > 0 ? own : [{ path: { type: 'PathPrefix', value: '/' } }];
}

/** The cartesian merge of analysis matches into service matches: the analysis' headers and query win (Flagger's). */
export function mergeRouteMatches(analysis: readonly HttpRouteMatch[], service: readonly HttpRouteMatch[]): HttpRouteMatch[] {
  if (analysis.length === 0) return structuredClone([...service]);
  if (service.length === 0) return structuredClone([...analysis]);
  const merged: HttpRouteMatch[] = [];
  for (const a of analysis) {
    for (const s of service) {
      const m = structuredClone(s);
      if (a.headers?.length) m.headers = structuredClone(a.headers);
      if (a.queryParams?.length) m.queryParams = structuredClone(a.queryParams);
      merged.push(m);
    }
  }
  return merged;
}

function headerFilter(ops: HeaderOperations): HeaderFilter {
  const sorted = (values: Record<string, string> | undefined) =>
    Object.entries(values ?? {})
      .map(([name, value]) => ({ name, value }))
      .sort((a, b) => a.name.localeCompare(b.name) || a.value.localeCompare(b.value));
  const out: HeaderFilter = {};
  const add = sorted(ops.add);
  const set = sorted(ops.set);
  if (add.length > 0) out.add = add;
  if (set.length > 0) out.set = set;
  if (ops.remove?.length) out.remove = [...ops.remove];
  return out;
}

function corsFilter(policy: CorsPolicy): Record<string, unknown> {
  const cors: Record<string, unknown> = {};
  if (policy.allowOrigin?.length) cors['allowOrigins'] = [...policy.allowOrigin];
  if (policy.allowMethods?.length) cors['allowMethods'] = [...policy.allowMethods];
  if (policy.allowHeaders?.length) cors['allowHeaders'] = [...policy.allowHeaders];
  if (policy.exposeHeaders?.length) cors['exposeHeaders'] = [...policy.exposeHeaders];
  if (policy.allowCredentials) cors['allowCredentials'] = true;
  const maxAgeMs = policy.maxAge ? parseDuration(policy.maxAge) : undefined;
  if (maxAgeMs !== undefined) cors['maxAge'] = Math.floor(maxAgeMs / 1000);
  return cors;
}

/** The rule-level filters of `spec.service` (Flagger's `makeFilters`): headers, URL rewrite, mirrors, CORS. */
export function serviceFilters(canary: Canary): HttpRouteFilter[] {
  const service = canary.spec.service;
  const filters: HttpRouteFilter[] = [];
  if (service?.headers?.request) filters.push({ type: 'RequestHeaderModifier', requestHeaderModifier: headerFilter(service.headers.request) });
  if (service?.headers?.response) filters.push({ type: 'ResponseHeaderModifier', responseHeaderModifier: headerFilter(service.headers.response) });
  if (service?.rewrite && (service.rewrite.uri || service.rewrite.authority)) {
    const rewrite: NonNullable<HttpRouteFilter['urlRewrite']> = {};
    if (service.rewrite.authority) rewrite.hostname = service.rewrite.authority;
    if (service.rewrite.uri) {
      rewrite.path =
        service.rewrite.type === 'ReplacePrefixMatch'
          ? { type: 'ReplacePrefixMatch', replacePrefixMatch: service.rewrite.uri }
          : { type: 'ReplaceFullPath', replaceFullPath: service.rewrite.uri };
    }
    filters.push({ type: 'URLRewrite', urlRewrite: rewrite });
  }
  for (const mirror of service?.mirror ?? []) filters.push({ type: 'RequestMirror', requestMirror: { backendRef: { ...mirror.backendRef } } });
  if (service?.corsPolicy) filters.push({ type: 'CORS', cors: corsFilter(service.corsPolicy) });
  return filters;
}

function backend(canary: Canary, name: string, weight: number): HttpBackendRef {
  return { group: '', kind: 'Service', name, port: canary.spec.service?.port ?? 80, weight };
}

function timeouts(canary: Canary): Pick<HttpRouteRule, 'timeouts'> {
  const service = canary.spec.service;
  if (!service?.timeout && !service?.backendTimeout) return {};
  return { timeouts: { ...(service.timeout ? { request: service.timeout } : {}), ...(service.backendTimeout ? { backendRequest: service.backendTimeout } : {}) } };
}

/** A rule with the service's filters and timeouts; `filters` empty are left out. */
function rule(canary: Canary, matches: HttpRouteMatch[], backendRefs: HttpBackendRef[], extraFilters: HttpRouteFilter[] = []): HttpRouteRule {
  const filters = [...serviceFilters(canary), ...extraFilters];
  return { matches, ...(filters.length > 0 ? { filters } : {}), backendRefs, ...timeouts(canary) };
}

function cookieRouteMatch(cookie: string): HttpRouteMatch {
  const at = cookie.indexOf('=');
  if (at <= 0) throw new RouterError(`session cookie "${cookie}": expected name=value`);
  return { headers: [{ type: 'RegularExpression', name: 'Cookie', value: `.*${cookie.slice(0, at)}.*${cookie.slice(at + 1)}.*` }] };
}

function withSetCookie(ref: HttpBackendRef, value: string): HttpBackendRef {
  return { ...ref, filters: [{ type: 'ResponseHeaderModifier', responseHeaderModifier: { add: [{ name: 'Set-Cookie', value }] } }] };
}

/** What the layout needs besides the split: the analysis interval (the primary cookie's lifetime). */
export interface RouteLayoutContext {
  readonly intervalSeconds: number;
}

/** The `rules` for `routes`; session cookies must already be resolved. */
export function httpRouteRules(canary: Canary, routes: RouteSpec, context: RouteLayoutContext): HttpRouteRule[] {
  const names = serviceNames(canary);
  const own = serviceMatches(canary);
  const mirror: HttpRouteFilter[] = routes.mirrored ? [{ type: 'RequestMirror', requestMirror: { backendRef: { group: '', kind: 'Service', name: names.canary, port: canary.spec.service?.port ?? 80 } } }] : [];
  if (routes.match && routes.match.length > 0) {
    return [
      rule(canary, mergeRouteMatches(routeMatches(routes.match), own), [backend(canary, names.primary, routes.primary), backend(canary, names.canary, routes.canary)], mirror),
      rule(canary, own, [backend(canary, names.primary, 100)]),
    ];
  }
  const weighted = rule(canary, own, [backend(canary, names.primary, routes.primary), backend(canary, names.canary, routes.canary)], mirror);
  const affinity = canary.spec.analysis.sessionAffinity;
  const session: SessionCookies = routes.session ?? {};
  if (!affinity) return [weighted];
  if (routes.canary > 0 && session.canary) {
    const [primaryRef, canaryRef] = weighted.backendRefs as [HttpBackendRef, HttpBackendRef];
    const primaryCookie = affinity.primaryCookieName ? session.primary : undefined;
    const sticky: HttpRouteRule[] = [
      rule(canary, mergeRouteMatches([cookieRouteMatch(session.canary)], routeMatches(canary.spec.service?.match)), [backend(canary, names.primary, 0), backend(canary, names.canary, 100)]),
    ];
    if (primaryCookie) {
      sticky.push(rule(canary, mergeRouteMatches([cookieRouteMatch(primaryCookie)], routeMatches(canary.spec.service?.match)), [backend(canary, names.primary, 100), backend(canary, names.canary, 0)]));
    }
    const setting: HttpRouteRule = {
      ...weighted,
      backendRefs: [
        primaryCookie ? withSetCookie(primaryRef, setCookieValue(primaryCookie, context.intervalSeconds, affinity)) : primaryRef,
        withSetCookie(canaryRef, setCookieValue(session.canary, affinity.maxAge || DEFAULT_COOKIE_MAX_AGE, affinity)),
      ],
    };
    return [...sticky, setting];
  }
  if (routes.canary === 0 && session.previous) {
    const expire: HttpRouteFilter = { type: 'ResponseHeaderModifier', responseHeaderModifier: { add: [{ name: 'Set-Cookie', value: `${session.previous}; Max-Age=-1` }] } };
    const expiring = rule(canary, mergeRouteMatches([cookieRouteMatch(session.previous)], routeMatches(canary.spec.service?.match)), weighted.backendRefs ?? [], [expire]);
    return [expiring, weighted];
  }
  return [weighted];
}

/** The HTTPRoute spec for `routes`: parents from `gatewayRefs`, hostnames from `hosts`, the rules. */
export function httpRouteSpec(canary: Canary, routes: RouteSpec, context: RouteLayoutContext): HttpRouteSpec {
  const service = canary.spec.service;
  const parents = service?.gatewayRefs ?? [];
  if (parents.length === 0) {
    throw new RouterError(`HTTPRoute ${dotted(canary, serviceNames(canary).apex)}: spec.service.gatewayRefs must name at least one Gateway (or Service, for GAMMA) with the gatewayapi provider`);
  }
  return {
    parentRefs: parents.map((p) => ({ ...p })),
    ...(service?.hosts?.length ? { hostnames: [...service.hosts] } : {}),
    rules: httpRouteRules(canary, routes, context),
  };
}

function weightOf(r: HttpRouteRule, name: string): number | undefined {
  const found = r.backendRefs?.find((b) => b.name === name);
  return found === undefined ? undefined : (found.weight ?? 1);
}

function cookieOf(r: HttpRouteRule | undefined): string | undefined {
  const header = r?.matches?.[0]?.headers?.find((h) => h.name === 'Cookie' && h.type === 'RegularExpression');
  const parts = header?.value.split('.*');
  return parts && parts.length === 4 && parts[1] && parts[2] ? `${parts[1]}=${parts[2]}` : undefined;
}

function isSticky(r: HttpRouteRule): boolean {
  return cookieOf(r) !== undefined;
}

/** The split an HTTPRoute spec gives: weighted rule, A/B match rule, mirroring, session cookies. */
export function readHttpRoute(canary: Canary, spec: HttpRouteSpec | undefined): RouteReading {
  const names = serviceNames(canary);
  const rules = spec?.rules ?? [];
  const missing = { ok: false as const, reason: `HTTPRoute ${dotted(canary, names.apex)} does not contain routes for ${names.primary} and ${names.canary}` };
  const split = rules.filter((r) => !isSticky(r) && weightOf(r, names.primary) !== undefined && weightOf(r, names.canary) !== undefined);
  const primaryOnly = rules.find((r) => !isSticky(r) && r.backendRefs?.length === 1 && r.backendRefs[0]?.name === names.primary);
  const main = split[0];
  if (!main) return missing;
  const mirrored = rules.some((r) => r.filters?.some((f) => f.type === 'RequestMirror' && f.requestMirror?.backendRef.name === names.canary));
  const session: { canary?: string; primary?: string; previous?: string } = {};
  for (const r of rules.filter(isSticky)) {
    const cookie = cookieOf(r) as string;
    const expires = r.filters?.some((f) => f.responseHeaderModifier?.add?.some((h) => h.name === 'Set-Cookie' && h.value.endsWith('; Max-Age=-1')));
    if (expires) session.previous = cookie;
    else if (weightOf(r, names.canary) === 100) session.canary = cookie;
    else if (weightOf(r, names.primary) === 100 && weightOf(r, names.canary) === 0) session.primary = cookie;
    else session.previous = cookie;
  }
  const weights = { primary: weightOf(main, names.primary) ?? 0, canary: weightOf(main, names.canary) ?? 0 };
  const base = primaryOnly ? { primary: 100, canary: 0, matched: weights } : { ...weights, matched: null };
  return { ok: true, ...base, mirrored, ...(Object.keys(session).length > 0 ? { session } : {}) };
}

function sameRef(a: GatewayRef, b: GatewayRef): boolean {
  const norm = (r: GatewayRef) => JSON.stringify([r.group ?? GATEWAY_API_GROUP, r.kind ?? 'Gateway', r.namespace ?? '', r.name, r.sectionName ?? '', r.port ?? 0]);
  return norm(a) === norm(b);
}

/**
 * Why the route is not applied yet, or `undefined` when every parent accepted its current generation (Flagger's
 * check since #1791, made stricter: a parent with no status at all is not accepted either).
 */
export function notAcceptedReason(canary: Canary, spec: HttpRouteSpec, status: { parents?: RouteParentStatus[] } | undefined, generation: number | undefined): string | undefined {
  const apex = dotted(canary, serviceNames(canary).apex);
  for (const parent of spec.parentRefs ?? []) {
    const entry = (status?.parents ?? []).find((p) => sameRef({ namespace: canary.metadata.namespace, ...p.parentRef }, { namespace: canary.metadata.namespace, ...parent }));
    const accepted = entry?.conditions?.find((c) => c.type === 'Accepted');
    const who = `${parent.kind ?? 'Gateway'} ${parent.namespace ?? canary.metadata.namespace ?? 'default'}/${parent.name}`;
    if (!accepted) return `HTTPRoute ${apex} is not accepted yet by ${who}: no status from its controller`;
    const observed = accepted.observedGeneration ?? 0;
    if (accepted.status !== 'True') {
      return `HTTPRoute ${apex} is not accepted by ${who}: ${accepted.reason ?? 'NotAccepted'}${accepted.message ? ` (${accepted.message})` : ''}; holding traffic until it is`;
    }
    if (generation !== undefined && observed < generation) {
      return `HTTPRoute ${apex} generation ${generation} is not accepted yet by ${who} (observed generation ${observed}); holding traffic until it is`;
    }
  }
  return undefined;
}
