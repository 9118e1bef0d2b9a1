/**
 * `provider: gatewayapi:v1` / `gatewayapi:v1beta1`: the HTTPRoute `<apex>` (Flagger's GatewayAPIRouter and
 * GatewayAPIV1Beta1Router) over the three Services, attached to `spec.service.gatewayRefs` — Gateways, the AWS
 * Gateway API Controller's VPC Lattice service networks, or a Service (GAMMA). Its data plane converges
 * asynchronously: until every parent has accepted the route's current generation, writes return `pending`
 * and `getRoutes` says why, so the engine holds the release where it is.
 */
import { analysisIntervalMs } from '../api/defaults.ts';
import type { RouteReading, RouteSpec } from '../api/routes.ts';
import type { Canary } from '../api/types.ts';
import { canonicalJson } from '../json.ts';
import type { KubeClient, KubeObject, ObjectRef } from '../kube/types.ts';
import { GATEWAY_API_GROUP, httpRouteSpec, notAcceptedReason, readHttpRoute, type HttpRouteSpec, type RouteParentStatus } from './gatewayapi-routes.ts';
import { resolveSession } from './istio.ts';
import { dotted, managedAnnotations, namespaceOf, ownerReferences, serviceNames } from './names.ts';
import { ServicesReconciler } from './services.ts';
import { createOnce, keepOriginal, originalSpec } from './takeover.ts';
import type { RouteWrite, Router, RouterDeps } from './types.ts';

interface HttpRoute extends KubeObject {
  spec: HttpRouteSpec;
  status?: { parents?: RouteParentStatus[] };
}

/** The Gateway API versions Flagger's provider names. */
export type GatewayApiVersion = 'v1' | 'v1beta1';

/** The Gateway API router. */
export class GatewayApiRouter implements Router {
  readonly provider: string;
  private readonly apiVersion: string;
  private readonly kube: KubeClient;
  private readonly services: ServicesReconciler;

  constructor(deps: RouterDeps, version: GatewayApiVersion = 'v1') {
    this.provider = `gatewayapi:${version}`;
    this.apiVersion = `${GATEWAY_API_GROUP}/${version}`;
    this.kube = deps.kube;
    this.services = new ServicesReconciler(deps);
  }

  private ref(canary: Canary): ObjectRef {
    return { apiVersion: this.apiVersion, kind: 'HTTPRoute', namespace: namespaceOf(canary), name: serviceNames(canary).apex };
  }

  initialize(canary: Canary): Promise<void> {
    return this.services.initialize(canary);
  }

  /** Brings the HTTPRoute in line with the Canary, keeping the split, mirror and sticky rules it carries. */
  /** The apex Service and the HTTPRoute at once: neither write depends on the other. */
  async reconcile(canary: Canary): Promise<RouteWrite> {
    const [, write] = await Promise.all([this.services.reconcileApex(canary), this.reconcileRoute(canary)]);
    return write;
  }

  private async reconcileRoute(canary: Canary): Promise<RouteWrite> {
    const current = await this.kube.get<HttpRoute>(this.ref(canary));
    const reading = current ? readHttpRoute(canary, current.spec) : undefined;
    const analysisMatch = canary.spec.analysis.match ?? [];
    let routes: RouteSpec = { primary: 100, canary: 0, mirrored: false, ...(analysisMatch.length > 0 ? { match: analysisMatch } : {}) };
    if (reading?.ok) {
      // As the Istio router: reconcile never moves live traffic, so a split carrying canary traffic without a
      // match rule stays one until setRoutes changes it.
      const keepUnmatched = analysisMatch.length > 0 && reading.matched === null && reading.canary > 0;
      const matching = analysisMatch.length > 0 && !keepUnmatched;
      const split = matching && reading.matched ? reading.matched : reading;
      routes = {
        primary: split.primary,
        canary: split.canary,
        mirrored: reading.mirrored,
        ...(matching ? { match: analysisMatch } : {}),
        ...(reading.session ? { session: reading.session } : {}),
      };
    }
    return this.write(canary, current, routes);
  }

  async setRoutes(canary: Canary, routes: RouteSpec): Promise<RouteWrite> {
    const current = await this.kube.get<HttpRoute>(this.ref(canary));
    const session = resolveSession(canary, routes, current ? readHttpRoute(canary, current.spec) : undefined);
    const write = await this.write(canary, current, { ...routes, ...(session ? { session } : {}) });
    return session ? { ...write, session } : write;
  }

  /** The split of the HTTPRoute, once every parent accepted its current generation; else why not. */
  async getRoutes(canary: Canary): Promise<RouteReading> {
    const current = await this.kube.get<HttpRoute>(this.ref(canary));
    if (!current) return { ok: false, reason: `HTTPRoute ${dotted(canary, serviceNames(canary).apex)} not found` };
    const reason = notAcceptedReason(canary, current.spec, current.status, current.metadata.generation);
    const reading = readHttpRoute(canary, current.spec);
    if (reason === undefined) return reading;
    return reading.ok ? { ok: false, reason, written: { primary: reading.primary, canary: reading.canary, mirrored: reading.mirrored, matched: reading.matched } } : { ok: false, reason };
  }

  /** Gives a taken-over HTTPRoute its original spec back; one Fledge created is left to garbage collection. */
  async finalize(canary: Canary): Promise<void> {
    await this.services.finalize(canary);
    const current = await this.kube.get<HttpRoute>(this.ref(canary));
    if (!current) return;
    const original = originalSpec<HttpRouteSpec>(canary, current);
    if (original) await this.kube.replace({ ...current, spec: original });
  }

  /** Create-or-update; writes nothing when it already is as wanted; `pending` until the parents accept it. */
  private async write(canary: Canary, current: HttpRoute | undefined, routes: RouteSpec): Promise<RouteWrite> {
    const intervalSeconds = Math.round(analysisIntervalMs(canary.spec.analysis.interval) / 1000);
    const desired = httpRouteSpec(canary, routes, { intervalSeconds });
    const metadata = canary.spec.service?.apex;
    let written: HttpRoute | undefined = current;
    if (!current) {
      const owners = ownerReferences(canary);
      written = await createOnce(this.kube, canary, {
        apiVersion: this.apiVersion,
        kind: 'HTTPRoute',
        metadata: {
          name: serviceNames(canary).apex,
          namespace: namespaceOf(canary),
          labels: { ...metadata?.labels },
          annotations: managedAnnotations(metadata?.annotations),
          ...(owners.length > 0 ? { ownerReferences: owners } : {}),
        },
        spec: desired,
      } as HttpRoute);
    } else {
      const spec: HttpRouteSpec = { ...current.spec, ...desired };
      if (!desired.hostnames) delete spec.hostnames;
      // Annotations other controllers added (the AWS Gateway API Controller's) are kept, as Flagger keeps them.
      const labels = { ...current.metadata.labels, ...metadata?.labels };
      let annotations = managedAnnotations({ ...current.metadata.annotations, ...metadata?.annotations });
      const specChanged = canonicalJson(spec) !== canonicalJson(current.spec);
      if (specChanged) annotations = keepOriginal(canary, current, annotations, current.spec);
      const same = !specChanged && canonicalJson(labels) === canonicalJson(current.metadata.labels ?? {}) && canonicalJson(annotations) === canonicalJson(current.metadata.annotations ?? {});
      if (!same) written = await this.kube.replace({ ...current, metadata: { ...current.metadata, labels, annotations }, spec });
    }
    if (!written) return { kind: 'pending', reason: `HTTPRoute ${dotted(canary, serviceNames(canary).apex)} was created concurrently; reading it next tick` };
    const reason = notAcceptedReason(canary, written.spec, written.status, written.metadata.generation);
    return reason === undefined ? { kind: 'applied' } : { kind: 'pending', reason };
  }
}
