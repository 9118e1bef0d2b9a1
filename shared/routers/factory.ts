/**
 * `spec.provider[:version]` → a parsed provider → its router. An unknown name is a validation error naming
 * the known ones (never a silent fallback, unlike Flagger's); a provider Fledge refuses on purpose (App Mesh)
 * says why.
 */
import { PROVIDER_CAPABILITIES, supportedProviders, type ProviderName } from '../api/providers.ts';
import { CANARY_PROVIDERS, type Canary } from '../api/types.ts';
import { AlbRouter } from './alb.ts';
import { ApisixRouter } from './apisix.ts';
import { ContourRouter } from './contour.ts';
import { RetiredProviderError, UnknownProviderError } from './errors.ts';
import { GatewayApiRouter } from './gatewayapi.ts';
import { GlooRouter } from './gloo.ts';
import { IstioRouter } from './istio.ts';
import { KnativeRouter } from './knative.ts';
import { KubernetesRouter } from './kubernetes.ts';
import { KumaRouter } from './kuma.ts';
import { NginxRouter } from './nginx.ts';
import { SkipperRouter } from './skipper.ts';
import { SmiRouter, smiVersionOf } from './smi.ts';
import { TraefikRouter } from './traefik.ts';
import type { Router, RouterDeps } from './types.ts';

/** Every provider name Flagger accepts, without version (the keys of `PROVIDER_CAPABILITIES`). */
export const PROVIDER_NAMES = Object.keys(PROVIDER_CAPABILITIES) as ProviderName[];
export type { ProviderName };

/** The providers Fledge has a router for: those `PROVIDER_CAPABILITIES` marks supported. */
export const SUPPORTED_PROVIDERS: readonly ProviderName[] = supportedProviders();

/** A parsed `spec.provider`: its name and, for versioned providers (`gatewayapi:v1`), the version. */
export interface ProviderSpec {
  readonly name: ProviderName;
  readonly version?: string;
}

/** Parses `provider[:version]`; `undefined`/empty means `defaultProvider`. */
export function parseProvider(provider: string | undefined, defaultProvider = 'istio'): ProviderSpec {
  const raw = provider || defaultProvider;
  const [name = '', version] = raw.split(':', 2);
  if (!(PROVIDER_NAMES as readonly string[]).includes(name)) throw new UnknownProviderError(raw, CANARY_PROVIDERS);
  return version ? { name: name as ProviderName, version } : { name: name as ProviderName };
}

/**
 * The router for a Canary's provider.
 *
 * @example
 * const router = createRouter(canary.spec.provider, { kube, targetMetadata: (c) => workload.metadata(c) });
 * await router.setRoutes(canary, { primary: 90, canary: 10, mirrored: false });
 */
export function createRouter(provider: string | undefined, deps: RouterDeps, defaultProvider?: string): Router {
  const parsed = parseProvider(provider, defaultProvider);
  switch (parsed.name) {
    case 'kubernetes':
      return new KubernetesRouter(deps);
    case 'istio':
      return new IstioRouter(deps);
    case 'gatewayapi':
      if (parsed.version !== undefined && parsed.version !== 'v1' && parsed.version !== 'v1beta1') {
        throw new UnknownProviderError(provider ?? parsed.name, CANARY_PROVIDERS);
      }
      return new GatewayApiRouter(deps, parsed.version ?? 'v1');
    case 'nginx':
      return new NginxRouter(deps);
    case 'alb':
      return new AlbRouter(deps);
    case 'linkerd':
    case 'osm':
    case 'smi':
      return new SmiRouter(parsed.name, smiVersionOf(provider ?? parsed.name), deps);
    case 'contour':
      return new ContourRouter(deps);
    case 'traefik':
      return new TraefikRouter(deps);
    case 'gloo':
      return new GlooRouter(deps);
    case 'kuma':
      return new KumaRouter(deps);
    case 'apisix':
      return new ApisixRouter(deps);
    case 'skipper':
      return new SkipperRouter(deps);
    case 'knative':
      return new KnativeRouter(deps);
    case 'appmesh':
      throw new RetiredProviderError(provider ?? parsed.name, PROVIDER_CAPABILITIES.appmesh.retired);
    default: {
      const unreachable: never = parsed.name;
      throw new UnknownProviderError(String(unreachable), CANARY_PROVIDERS);
    }
  }
}

/** The router for `canary` (its `spec.provider`). */
export function routerFor(canary: Canary, deps: RouterDeps, defaultProvider?: string): Router {
  return createRouter(canary.spec.provider, deps, defaultProvider);
}
