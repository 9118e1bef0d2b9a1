/**
 * The Router port (DESIGN §4, STYLE 9–11): Flagger's four verbs, with named parameters, one implementation
 * per provider. Routes are always read back from the cluster objects, never assumed.
 */
import type { AnalysisMatch, Canary } from '../api/types.ts';
import type { KubeClient } from '../kube/types.ts';

/** Session-affinity cookies, each `name=value` (see the engine's `SessionCookies`). */
export interface SessionCookies {
  /** Requests carrying it go 100% to the canary; canary responses of the weighted route set it. */
  readonly canary?: string;
  /** Requests carrying it stay on the primary; primary responses set it (`primaryCookieName`). */
  readonly primary?: string;
  /** The cookie of an earlier run: requests carrying it go to the primary and the response expires it. */
  readonly previous?: string;
}

/** A complete traffic split for `setRoutes`; `primary + canary = 100`. */
export interface RouteSpec {
  readonly primary: number;
  readonly canary: number;
  /** Mirror requests to the canary (responses discarded). */
  readonly mirrored: boolean;
  /** Percent of requests mirrored when `mirrored`. @default 100 */
  readonly mirrorWeight?: number;
  /** A/B testing: matching requests get `primary`/`canary`, all others stay 100% on the primary. */
  readonly match?: readonly AnalysisMatch[];
  readonly session?: SessionCookies;
}

/** Weights of the A/B match route. */
export interface MatchedWeights {
  readonly primary: number;
  readonly canary: number;
}

/**
 * The routes as the cluster objects give them: weights of the default (unmatched) route, mirroring, and the
 * A/B match route's weights when one exists — or why they cannot be read (`ok: false`).
 */
export type RouteReading =
  | {
      readonly ok: true;
      readonly primary: number;
      readonly canary: number;
      readonly mirrored: boolean;
      readonly matched: MatchedWeights | null;
      /** Session cookies found in the router objects. */
      readonly session?: SessionCookies;
    }
  | { readonly ok: false; readonly reason: string };

/**
 * The outcome of a write. `pending`: the backend accepted it but has not applied it yet (routers whose
 * backend converges asynchronously, like Gateway API's `Accepted` condition); ask again next tick.
 */
export type RouteWrite =
  | { readonly kind: 'applied'; readonly session?: SessionCookies }
  | { readonly kind: 'pending'; readonly reason: string; readonly session?: SessionCookies };

/** What a router needs to know of the target: its selector label and value, and discovered ports. */
export interface TargetMetadata {
  readonly label: string;
  readonly labelValue: string;
  readonly ports: Readonly<Record<string, number>>;
}

/** The Router port. */
export interface Router {
  readonly provider: string;
  /**
   * Creates or updates what must exist before the primary is ready: the `<apex>-primary` and `<apex>-canary`
   * Services (Flagger's `kubeRouter.Initialize`).
   */
  initialize(canary: Canary): Promise<void>;
  /**
   * Creates or updates the apex Service and the provider's objects. Never resets weights: an existing split,
   * mirror or session route is carried over; only the rest of the spec is brought in line with the Canary.
   */
  reconcile(canary: Canary): Promise<RouteWrite>;
  /** Writes a complete split; touches only weights, mirroring, match and session routes. Idempotent. */
  setRoutes(canary: Canary, routes: RouteSpec): Promise<RouteWrite>;
  /** Reads the split back from the cluster. */
  getRoutes(canary: Canary): Promise<RouteReading>;
  /** On Canary deletion: gives back objects Fledge took over (apex Service, VirtualService) as they were. */
  finalize(canary: Canary): Promise<void>;
}

/** What every router is built with. */
export interface RouterDeps {
  readonly kube: KubeClient;
  /**
   * The target's selector and ports (the workload room's `metadata`). Called at most once per router call;
   * pass a memoized function to share one read of the target across a tick.
   */
  readonly targetMetadata: (canary: Canary) => Promise<TargetMetadata>;
}
