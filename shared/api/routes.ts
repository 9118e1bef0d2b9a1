/**
 * Traffic routes, the one shape shared by the engine (which decides them), the routers (which write them to
 * the provider's objects and read them back) and the controller (which carries them between the two).
 */
import type { AnalysisMatch } from './types.ts';

/**
 * Session-affinity cookies of a route change (`analysis.sessionAffinity`, Istio and Gateway API), each
 * `name=value`.
 */
export interface SessionCookies {
  /** Requests carrying it go 100% to the canary; canary responses of the weighted route set it (`Max-Age` from the spec). */
  readonly canary?: string;
  /** Requests carrying it stay on the primary; primary responses set it (`primaryCookieName`). */
  readonly primary?: string;
  /**
   * The cookie of an earlier run (used without `canary`): requests carrying it go to the primary and the
   * response expires it (`Max-Age=-1`).
   */
  readonly previous?: string;
}

/**
 * A complete traffic split for `Router.setRoutes`; `primary + canary = 100`. What the router must make true:
 * - no `match`: one route for every request, split `primary`/`canary` (any A/B match route is removed);
 * - `match` (A/B testing, or a weighted canary whose analysis has `match`): requests matching any of the
 *   conditions are split `primary`/`canary`; every other request goes 100% to the primary;
 * - `mirrored`: the route carrying the split also mirrors `mirrorWeight`% of its requests to the canary;
 * - `session`: see {@link SessionCookies}; absent means no sticky route.
 * The kubernetes provider cannot split: `{primary: 0, canary: 100}` points the apex Service at the canary
 * pods (the engine uses it only to keep traffic off a primary that cannot serve it), any other split at the
 * primary pods; `reconcile` must keep whichever the apex selects.
 */
export interface RouteSpec {
  readonly primary: number;
  readonly canary: number;
  /** Mirror requests to the canary (responses discarded); `mirrorWeight` percent of them. */
  readonly mirrored: boolean;
  /** Percentage of requests mirrored when `mirrored`. @default 100 */
  readonly mirrorWeight?: number;
  /** The A/B match conditions (`analysis.match`); see above. */
  readonly match?: readonly AnalysisMatch[];
  readonly session?: SessionCookies;
}

/** Weights of the A/B match route. */
export interface MatchedWeights {
  readonly primary: number;
  readonly canary: number;
}

/**
 * The routes as the cluster objects give them (never assumed from state): weights of the default (unmatched)
 * route, mirroring, and the A/B match route's weights when one exists — or why they cannot be read or are not
 * applied yet (`ok: false`, e.g. `VirtualService podinfo.test not found`).
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
  | {
      readonly ok: false;
      readonly reason: string;
      /**
       * The split the objects hold when they are readable but not applied yet (a Gateway API parent has not
       * accepted the route's generation): what the data plane will route once it converges. Never used to
       * decide a step; views (`fledge simulate`) show it.
       */
      readonly written?: { readonly primary: number; readonly canary: number; readonly mirrored: boolean; readonly matched: MatchedWeights | null };
    };
