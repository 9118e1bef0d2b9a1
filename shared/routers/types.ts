/**
 * The Router port (DESIGN §4, STYLE 9–11): Flagger's four verbs, with named parameters, one implementation
 * per provider. Routes are always read back from the cluster objects, never assumed.
 */
import type { RouteReading, RouteSpec, SessionCookies } from '../api/routes.ts';
import type { TargetMetadata } from '../api/target-metadata.ts';
import type { Canary } from '../api/types.ts';
import type { KubeClient } from '../kube/types.ts';

export type { TargetMetadata } from '../api/target-metadata.ts';

/**
 * The outcome of a write. `pending`: the backend accepted it but has not applied it yet (routers whose
 * backend converges asynchronously, like Gateway API's `Accepted` condition); ask again next tick.
 */
export type RouteWrite =
  | { readonly kind: 'applied'; readonly session?: SessionCookies }
  | { readonly kind: 'pending'; readonly reason: string; readonly session?: SessionCookies };

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
