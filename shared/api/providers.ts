/**
 * What each `spec.provider` can do, in one table that validation (`explain`), the scenario runner and the
 * router registry all read, so that a Canary `explain` calls valid is one the controller can run.
 * Capabilities follow Flagger's routers; a capability a provider lacks is a validation error naming the
 * provider (never a silent no-op), except for `kubernetes`, which Flagger documents as ignoring them.
 */

/** The `analysis.match` fields a router can turn into routes. */
export type MatchField = 'headers' | 'queryParams' | 'sourceLabels';

/** What one provider's router does. */
export interface ProviderCapabilities {
  /** Whether Fledge has a router for it: every Flagger provider but the retired ones. */
  readonly supported: boolean;
  /** Weighted traffic shifting (progressive canary); without it only blue/green runs. */
  readonly weights: boolean;
  /** The `analysis.match` fields it routes on; empty: no A/B testing. */
  readonly match: readonly MatchField[];
  /** Traffic mirroring (`analysis.mirror`). */
  readonly mirroring: boolean;
  /** Session affinity (`analysis.sessionAffinity`). */
  readonly sessionAffinity: boolean;
  /** For a provider Fledge refuses on purpose: why, and what to use instead. */
  readonly retired?: string;
}

const weightsOnly = { weights: true, match: [], mirroring: false, sessionAffinity: false } as const;

/**
 * Every provider name Flagger accepts (without `:version`), with its capabilities. Only a retired provider is
 * not `supported`, and it says why in `retired`; a test keeps this table and the router registry in step.
 */
export const PROVIDER_CAPABILITIES = {
  kubernetes: { supported: true, weights: false, match: [], mirroring: false, sessionAffinity: false },
  istio: { supported: true, weights: true, match: ['headers', 'queryParams', 'sourceLabels'], mirroring: true, sessionAffinity: true },
  gatewayapi: { supported: true, weights: true, match: ['headers', 'queryParams'], mirroring: true, sessionAffinity: true },
  nginx: { supported: true, weights: true, match: ['headers'], mirroring: false, sessionAffinity: false },
  alb: { supported: true, weights: true, match: ['headers', 'queryParams'], mirroring: false, sessionAffinity: true },
  linkerd: { supported: true, ...weightsOnly },
  smi: { supported: true, ...weightsOnly },
  osm: { supported: true, ...weightsOnly },
  contour: { supported: true, weights: true, match: ['headers'], mirroring: false, sessionAffinity: false },
  traefik: { supported: true, ...weightsOnly },
  gloo: { supported: true, weights: true, match: ['headers'], mirroring: false, sessionAffinity: false },
  kuma: { supported: true, ...weightsOnly },
  apisix: { supported: true, ...weightsOnly },
  skipper: { supported: true, ...weightsOnly },
  knative: { supported: true, ...weightsOnly },
  appmesh: {
    supported: false,
    ...weightsOnly,
    retired:
      'AWS App Mesh was discontinued on 2026-09-30; use "gatewayapi:v1" with the AWS Gateway API Controller for VPC Lattice',
  },
} as const satisfies Record<string, ProviderCapabilities>;

/** A provider name without version, e.g. `gatewayapi`. */
export type ProviderName = keyof typeof PROVIDER_CAPABILITIES;

/** The capabilities of `provider` (`name[:version]`), or `undefined` for a name Flagger does not know. */
export function capabilitiesOf(provider: string): ProviderCapabilities | undefined {
  const name = provider.split(':', 1)[0] ?? '';
  return Object.hasOwn(PROVIDER_CAPABILITIES, name) ? PROVIDER_CAPABILITIES[name as ProviderName] : undefined;
}

/** The provider names Fledge has a router for. */
export function supportedProviders(): ProviderName[] {
  return (Object.keys(PROVIDER_CAPABILITIES) as ProviderName[]).filter((name) => PROVIDER_CAPABILITIES[name].supported);
}
