/**
 * `provider: gloo`: two Upstreams `<ns>-<apex>-primaryupstream-<port>` / `-canaryupstream-` over the
 * primary and canary Services (their config copied from `spec.upstreamRef` when set) and the RouteTable
 * `<apex>` with a weighted multi-destination route (Flagger's GlooRouter). A/B testing puts one route per
 * match first — the cartesian merge of `analysis.match` with `service.match`: header and method matchers,
 * and the URI of the service's match — then the default route, all on the primary.
 */
import type { RouteReading, RouteSpec } from '../api/routes.ts';
import type { Canary, HeaderMatch, ServiceMatch } from '../api/types.ts';
import { KubeConflictError } from '../kube/errors.ts';
import { canonicalJson } from '../json.ts';
import type { KubeObject } from '../kube/types.ts';
import { RouterError } from './errors.ts';
import { mergeMatches } from './istio-routes.ts';
import { dotted, namespaceOf, ownerReferences, serviceNames } from './names.ts';
import type { Service } from './services.ts';
import type { RouteWrite, RouterDeps } from './types.ts';
import { WeightedObjectRouter, type RenderedObject, type WeightedObjectLayout } from './weighted-object.ts';

/** The Gloo Edge API versions of RouteTable and Upstream. */
export const GLOO_GATEWAY_API_VERSION = 'gateway.solo.io/v1';
export const GLOO_API_VERSION = 'gloo.solo.io/v1';

/** The Upstream config fields copied from `spec.upstreamRef` (Flagger's list). */
const UPSTREAM_CONFIG_FIELDS = [
  'labels',
  'sslConfig',
  'circuitBreakers',
  'connectionConfig',
  'loadBalancerConfig',
  'useHttp2',
  'initialStreamWindowSize',
  'initialConnectionWindowSize',
  'httpProxyHostName',
] as const;

/** The two Upstream names. */
export function upstreamNames(canary: Canary): { primary: string; canary: string } {
  const apex = serviceNames(canary).apex;
  const port = canary.spec.service?.port ?? 80;
  const ns = namespaceOf(canary);
  return { primary: `${ns}-${apex}-primaryupstream-${port}`, canary: `${ns}-${apex}-canaryupstream-${port}` };
}

interface Matcher {
  headers?: { name: string; value?: string; regex?: boolean }[];
  methods?: string[];
  prefix?: string;
  exact?: string;
  regex?: string;
}

interface Destination {
  destination: { upstream: { name: string; namespace: string } };
  weight?: number;
}

interface GlooRoute {
  matchers?: Matcher[];
  inheritablePathMatchers: boolean;
  routeAction: { multi: { destinations: Destination[] } };
}

/** Gloo matches a header exactly or by regex: a prefix or suffix becomes a regex. */
function headerMatcher(name: string, value: HeaderMatch): { name: string; value: string; regex?: boolean } {
  const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  if (value.regex) return { name, value: value.regex, regex: true };
  if (value.prefix) return { name, value: `${escape(value.prefix)}.*`, regex: true };
  if (value.suffix) return { name, value: `.*${escape(value.suffix)}`, regex: true };
  return { name, value: value.exact ?? '' };
}

function matcherOf(canary: Canary, match: ServiceMatch): Matcher {
  if (match.queryParams || match.sourceLabels) throw new RouterError(`RouteTable ${dotted(canary, serviceNames(canary).apex)}: Gloo routes A/B tests on headers only`);
  const out: Matcher = {};
  const headers = Object.entries(match.headers ?? {}).map(([name, value]) => headerMatcher(name, value));
  if (headers.length > 0) out.headers = headers;
  if (match.method?.exact) out.methods = [match.method.exact];
  if (match.uri?.prefix) out.prefix = match.uri.prefix;
  else if (match.uri?.exact) out.exact = match.uri.exact;
  else if (match.uri?.regex) out.regex = match.uri.regex;
  return out;
}

function glooRoute(canary: Canary, matchers: Matcher[] | undefined, primary: number, canaryWeight: number): GlooRoute {
  const names = upstreamNames(canary);
  const namespace = namespaceOf(canary);
  // Gloo omits a zero weight, as Flagger's objects show.
  const destination = (name: string, weight: number): Destination => ({ destination: { upstream: { name, namespace } }, ...(weight > 0 ? { weight } : {}) });
  return {
    ...(matchers && matchers.length > 0 ? { matchers } : {}),
    inheritablePathMatchers: true,
    routeAction: { multi: { destinations: [destination(names.primary, primary), destination(names.canary, canaryWeight)] } },
  };
}

/** The RouteTable routes for `routes`. */
export function glooRoutes(canary: Canary, routes: RouteSpec): GlooRoute[] {
  const serviceMatch = canary.spec.service?.match;
  const defaults = serviceMatch && serviceMatch.length > 0 ? serviceMatch.map((m) => matcherOf(canary, m)) : undefined;
  if (!routes.match || routes.match.length === 0) return [glooRoute(canary, defaults, routes.primary, routes.canary)];
  const matchers = mergeMatches(routes.match, serviceMatch).map((m) => matcherOf(canary, m));
  return [glooRoute(canary, matchers, routes.primary, routes.canary), glooRoute(canary, defaults, 100, 0)];
}

/** The split a RouteTable gives: the last route is the default one, an earlier one the A/B route. */
export function readGlooRoutes(canary: Canary, spec: { routes?: GlooRoute[] } | undefined): RouteReading {
  const names = upstreamNames(canary);
  const all = spec?.routes ?? [];
  const weights = (r: GlooRoute | undefined): { primary: number; canary: number } | undefined => {
    const destinations = r?.routeAction?.multi?.destinations ?? [];
    const primary = destinations.find((d) => d.destination?.upstream?.name === names.primary);
    const canaryDestination = destinations.find((d) => d.destination?.upstream?.name === names.canary);
    if (!primary || !canaryDestination) return undefined;
    return { primary: primary.weight ?? 0, canary: canaryDestination.weight ?? 0 };
  };
  const main = weights(all[all.length - 1]);
  if (!main || main.primary + main.canary === 0) return { ok: false, reason: `RouteTable ${dotted(canary, serviceNames(canary).apex)} destinations not found` };
  const matched = all.length > 1 ? (weights(all[0]) ?? null) : null;
  return { ok: true, primary: main.primary, canary: main.canary, mirrored: false, matched };
}

class RouteTableLayout implements WeightedObjectLayout {
  readonly apiVersion = GLOO_GATEWAY_API_VERSION;
  readonly kind = 'RouteTable';

  name(canary: Canary): string {
    return serviceNames(canary).apex;
  }

  render(canary: Canary, routes: RouteSpec, current: KubeObject | undefined): RenderedObject {
    const spec = (current?.['spec'] as Record<string, unknown> | undefined) ?? {};
    return { fields: { spec: { ...spec, routes: glooRoutes(canary, routes) } } };
  }

  read(canary: Canary, object: KubeObject): RouteReading {
    return readGlooRoutes(canary, object['spec'] as { routes?: GlooRoute[] } | undefined);
  }
}

/** The Gloo router. */
export class GlooRouter extends WeightedObjectRouter {
  constructor(deps: RouterDeps) {
    super('gloo', deps, new RouteTableLayout());
  }

  override async reconcile(canary: Canary): Promise<RouteWrite> {
    const names = serviceNames(canary);
    const upstreams = upstreamNames(canary);
    const config = await this.upstreamConfig(canary);
    await Promise.all([this.reconcileUpstream(canary, upstreams.primary, names.primary, config), this.reconcileUpstream(canary, upstreams.canary, names.canary, config)]);
    return super.reconcile(canary);
  }

  /** The config fields of `spec.upstreamRef`'s Upstream, or none. */
  private async upstreamConfig(canary: Canary): Promise<Record<string, unknown>> {
    const ref = canary.spec.upstreamRef;
    if (!ref) return {};
    const namespace = ref.namespace || namespaceOf(canary);
    const template = await this.kube.get({ apiVersion: GLOO_API_VERSION, kind: 'Upstream', namespace, name: ref.name });
    if (!template) throw new RouterError(`Upstream ${ref.name}.${namespace} (spec.upstreamRef) not found`);
    const spec = (template['spec'] as Record<string, unknown> | undefined) ?? {};
    return Object.fromEntries(UPSTREAM_CONFIG_FIELDS.filter((f) => spec[f] !== undefined).map((f) => [f, spec[f]]));
  }

  private async reconcileUpstream(canary: Canary, name: string, serviceName: string, config: Record<string, unknown>): Promise<void> {
    const namespace = namespaceOf(canary);
    const service = await this.kube.get<Service>({ apiVersion: 'v1', kind: 'Service', namespace, name: serviceName });
    if (!service) throw new RouterError(`create Upstream ${name}.${namespace}: Service ${serviceName}.${namespace} not found`);
    const spec = { ...config, kube: { serviceName, serviceNamespace: namespace, servicePort: canary.spec.service?.port ?? 80, selector: service.spec.selector ?? {} } };
    const ref = { apiVersion: GLOO_API_VERSION, kind: 'Upstream', namespace, name };
    const current = await this.kube.get(ref);
    if (current) {
      if (canonicalJson(current['spec']) !== canonicalJson(spec)) await this.kube.replace({ ...current, spec });
      return;
    }
    const owners = ownerReferences(canary);
    const labels = (config['labels'] as Record<string, string> | undefined) ?? {};
    try {
      await this.kube.create({ apiVersion: GLOO_API_VERSION, kind: 'Upstream', metadata: { name, namespace, labels, ...(owners.length > 0 ? { ownerReferences: owners } : {}) }, spec } as KubeObject);
    } catch (error) {
      if (!(error instanceof KubeConflictError && error.alreadyExists)) throw error;
    }
  }
}
