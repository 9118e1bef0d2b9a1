/**
 * `provider: kubernetes`: L4 routing through the apex Service only. It cannot split traffic, so Flagger
 * forces blue/green and never moves traffic with it; what the apex selects is the whole route. Fledge uses
 * the one switch L4 allows — the apex selecting the canary pods when the canary is to get everything (a
 * promotion that failed must not leave traffic on an unready primary).
 */
import type { RouteReading, RouteSpec } from '../api/routes.ts';
import type { Canary } from '../api/types.ts';
import { dotted, serviceNames } from './names.ts';
import { ServicesReconciler } from './services.ts';
import type { RouteWrite, Router, RouterDeps } from './types.ts';

/** The Kubernetes (L4) router. */
export class KubernetesRouter implements Router {
  readonly provider = 'kubernetes';
  private readonly services: ServicesReconciler;

  constructor(deps: RouterDeps) {
    this.services = new ServicesReconciler(deps);
  }

  initialize(canary: Canary): Promise<void> {
    return this.services.initialize(canary);
  }

  async reconcile(canary: Canary): Promise<RouteWrite> {
    await this.services.reconcileApex(canary);
    return { kind: 'applied' };
  }

  /** Only `{primary: 0, canary: 100}` moves the apex to the canary pods; any other split selects the primary. */
  async setRoutes(canary: Canary, routes: RouteSpec): Promise<RouteWrite> {
    await this.services.selectApex(canary, routes.primary === 0 && routes.canary === 100);
    return { kind: 'applied' };
  }

  /** 100/0 unless the apex selects the canary pods; never mirrored, never matched. */
  async getRoutes(canary: Canary): Promise<RouteReading> {
    const onCanary = await this.services.apexOnCanary(canary);
    if (onCanary === undefined) return { ok: false, reason: `Service ${dotted(canary, serviceNames(canary).apex)} not found` };
    return onCanary ? { ok: true, primary: 0, canary: 100, mirrored: false, matched: null } : { ok: true, primary: 100, canary: 0, mirrored: false, matched: null };
  }

  finalize(canary: Canary): Promise<void> {
    return this.services.finalize(canary);
  }
}
