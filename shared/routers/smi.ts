/**
 * `provider: linkerd`, `smi:v1alpha1|v1alpha2|v1alpha3` and `osm`: the SMI TrafficSplit `<apex>` (Flagger's
 * SmiRouter and Smiv1alpha2/3Router). Its root service is `service.hosts[0]` or the apex; the backends are
 * `<apex>-canary` then `<apex>-primary`. linkerd uses `v1alpha1`, whose weights are Kubernetes quantities
 * (written as whole numbers, read in any quantity form); osm uses `v1alpha2`, whose weights are integers.
 */
import type { RouteReading, RouteSpec } from '../api/routes.ts';
import type { Canary } from '../api/types.ts';
import type { KubeObject } from '../kube/types.ts';
import { RouterError } from './errors.ts';
import { dotted, serviceNames } from './names.ts';
import type { RouterDeps } from './types.ts';
import { WeightedObjectRouter, type RenderedObject, type WeightedObjectLayout } from './weighted-object.ts';

/** The TrafficSplit versions Flagger writes. */
export const SMI_VERSIONS = ['v1alpha1', 'v1alpha2', 'v1alpha3'] as const;
/** One of {@link SMI_VERSIONS}. */
export type SmiVersion = (typeof SMI_VERSIONS)[number];

interface TrafficSplitBackend {
  service: string;
  weight?: number | string;
}

interface TrafficSplitSpec {
  service: string;
  backends: TrafficSplitBackend[];
}

/** A Kubernetes quantity as a number (`"500m"` → 0.5, `"1"` → 1); `undefined` when it is none. */
export function quantityValue(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return undefined;
  const found = /^([+-]?\d+(?:\.\d+)?)(m|k|M|G)?$/.exec(value.trim());
  if (!found) return undefined;
  const scale = { m: 1e-3, k: 1e3, M: 1e6, G: 1e9 }[found[2] ?? ''] ?? 1;
  return Number(found[1]) * scale;
}

/** The TrafficSplit spec for `routes`. */
export function trafficSplitSpec(canary: Canary, version: SmiVersion, routes: Pick<RouteSpec, 'primary' | 'canary'>): TrafficSplitSpec {
  const names = serviceNames(canary);
  const weight = (n: number): number | string => (version === 'v1alpha1' ? String(n) : n);
  return {
    service: canary.spec.service?.hosts?.[0] || names.apex,
    backends: [
      { service: names.canary, weight: weight(routes.canary) },
      { service: names.primary, weight: weight(routes.primary) },
    ],
  };
}

/** The split a TrafficSplit gives: backends' weights as shares of their sum (SMI weights are ratios). */
export function readTrafficSplit(canary: Canary, spec: Partial<TrafficSplitSpec> | undefined): RouteReading {
  const names = serviceNames(canary);
  let primary = 0;
  let canaryWeight = 0;
  for (const backend of spec?.backends ?? []) {
    const weight = quantityValue(backend.weight) ?? 0;
    if (backend.service === names.primary) primary = weight;
    if (backend.service === names.canary) canaryWeight = weight;
  }
  const total = primary + canaryWeight;
  if (total <= 0) return { ok: false, reason: `TrafficSplit ${dotted(canary, names.apex)} does not contain routes for ${names.primary} and ${names.canary}` };
  const primaryShare = Math.round((primary / total) * 100);
  return { ok: true, primary: primaryShare, canary: 100 - primaryShare, mirrored: false, matched: null };
}

class TrafficSplitLayout implements WeightedObjectLayout {
  readonly apiVersion: string;
  readonly kind = 'TrafficSplit';
  private readonly version: SmiVersion;

  constructor(version: SmiVersion) {
    this.version = version;
    this.apiVersion = `split.smi-spec.io/${version}`;
  }

  name(canary: Canary): string {
    return serviceNames(canary).apex;
  }

  render(canary: Canary, routes: RouteSpec): RenderedObject {
    if (routes.match && routes.match.length > 0) throw new RouterError(`TrafficSplit ${dotted(canary, this.name(canary))}: SMI cannot route on analysis.match`);
    return { fields: { spec: trafficSplitSpec(canary, this.version, routes) } };
  }

  read(canary: Canary, object: KubeObject): RouteReading {
    return readTrafficSplit(canary, object['spec'] as Partial<TrafficSplitSpec> | undefined);
  }
}

/** The SMI router for one TrafficSplit version (`linkerd`: v1alpha1, `osm`: v1alpha2, `smi:<version>`). */
export class SmiRouter extends WeightedObjectRouter {
  constructor(provider: string, version: SmiVersion, deps: RouterDeps) {
    super(provider, deps, new TrafficSplitLayout(version));
  }
}

/** The TrafficSplit version of an SMI `spec.provider`. */
export function smiVersionOf(provider: string): SmiVersion {
  if (provider === 'linkerd') return 'v1alpha1';
  if (provider === 'osm') return 'v1alpha2';
  const version = provider.split(':')[1];
  if ((SMI_VERSIONS as readonly string[]).includes(version ?? '')) return version as SmiVersion;
  throw new RouterError(`spec.provider: expected one of ${SMI_VERSIONS.map((v) => `smi:${v}`).join(', ')}, got "${provider}"`);
}
