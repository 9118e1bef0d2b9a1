/**
 * `provider: istio`: DestinationRules `<apex>-primary` / `<apex>-canary` and the VirtualService `<apex>`
 * (Flagger's IstioRouter), over the three Services. The VirtualService layout lives in `istio-routes.ts`.
 */
import { analysisIntervalMs } from '../api/defaults.ts';
import { sessionCookie } from '../hash.ts';
import type { RouteReading, RouteSpec, SessionCookies } from '../api/routes.ts';
import type { Canary } from '../api/types.ts';
import { KubeConflictError } from '../kube/errors.ts';
import { canonicalJson } from '../json.ts';
import type { KubeClient, KubeObject, ObjectRef } from '../kube/types.ts';
import { RouterError } from './errors.ts';
import { mirrorWeightOf, readRoutes, virtualServiceSpec, type VirtualServiceSpec } from './istio-routes.ts';
import { KUBECTL_ANNOTATION, ORIGINAL_CONFIGURATION_ANNOTATION, dotted, managedAnnotations, namespaceOf, ownedBy, ownerReferences, serviceNames } from './names.ts';
import { ServicesReconciler } from './services.ts';
import type { RouteWrite, Router, RouterDeps } from './types.ts';

/** The Istio API version Fledge writes (served by every Istio since 1.5). */
export const ISTIO_API_VERSION = 'networking.istio.io/v1beta1';

interface VirtualService extends KubeObject {
  spec: VirtualServiceSpec;
}

interface DestinationRule extends KubeObject {
  spec: { host: string; trafficPolicy?: unknown; [field: string]: unknown };
}

const MANAGED_SPEC_FIELDS = ['hosts', 'gateways', 'http', 'tcp'] as const;

/** The Istio router. */
export class IstioRouter implements Router {
  readonly provider = 'istio';
  private readonly kube: KubeClient;
  private readonly services: ServicesReconciler;

  constructor(deps: RouterDeps) {
    this.kube = deps.kube;
    this.services = new ServicesReconciler(deps);
  }

  private ref(canary: Canary, kind: 'VirtualService' | 'DestinationRule', name: string): ObjectRef {
    return { apiVersion: ISTIO_API_VERSION, kind, namespace: namespaceOf(canary), name };
  }

  initialize(canary: Canary): Promise<void> {
    return this.services.initialize(canary);
  }

  /**
   * The apex Service, both DestinationRules and the VirtualService are compared with what they should be and
   * written on drift, all at once: the API server keeps no reference between them (a VirtualService may name
   * hosts that do not exist yet), so the order of these writes means nothing.
   */
  async reconcile(canary: Canary): Promise<RouteWrite> {
    const names = serviceNames(canary);
    await Promise.all([
      this.services.reconcileApex(canary),
      this.reconcileDestinationRule(canary, names.primary),
      this.reconcileDestinationRule(canary, names.canary),
      this.reconcileVirtualService(canary),
    ]);
    return { kind: 'applied' };
  }

  private async reconcileVirtualService(canary: Canary): Promise<void> {
    const names = serviceNames(canary);
    const current = await this.kube.get<VirtualService>(this.ref(canary, 'VirtualService', names.apex));
    const reading = readRoutes(canary, current?.spec);
    const analysisMatch = canary.spec.analysis.match ?? [];
    let routes: RouteSpec = { primary: 100, canary: 0, mirrored: false, ...(analysisMatch.length > 0 ? { match: analysisMatch } : {}) };
    if (current && reading.ok) {
      // Reconcile never moves live traffic: a split without a match route that sends requests to the canary (all
      // of them, while the primary cannot serve) stays one until setRoutes changes it; adding the A/B match route
      // here would send every unmatched request back to the primary.
      const keepUnmatched = analysisMatch.length > 0 && reading.matched === null && reading.canary > 0;
      const matching = analysisMatch.length > 0 && !keepUnmatched;
      const split = matching && reading.matched ? reading.matched : reading;
      const mirrorWeight = mirrorWeightOf(current.spec);
      routes = {
        primary: split.primary,
        canary: split.canary,
        mirrored: reading.mirrored,
        ...(mirrorWeight !== undefined ? { mirrorWeight } : {}),
        ...(matching ? { match: analysisMatch } : {}),
        ...(reading.session ? { session: reading.session } : {}),
      };
    }
    await this.writeVirtualService(canary, current, routes);
  }

  async setRoutes(canary: Canary, routes: RouteSpec): Promise<RouteWrite> {
    const current = await this.kube.get<VirtualService>(this.ref(canary, 'VirtualService', serviceNames(canary).apex));
    const session = resolveSession(canary, routes, current ? readRoutes(canary, current.spec) : undefined);
    await this.writeVirtualService(canary, current, { ...routes, ...(session ? { session } : {}) });
    return session ? { kind: 'applied', session } : { kind: 'applied' };
  }

  async getRoutes(canary: Canary): Promise<RouteReading> {
    const apex = serviceNames(canary).apex;
    const current = await this.kube.get<VirtualService>(this.ref(canary, 'VirtualService', apex));
    if (!current) return { ok: false, reason: `VirtualService ${dotted(canary, apex)} not found` };
    return readRoutes(canary, current.spec);
  }

  /** Gives a taken-over VirtualService its original spec back; one Fledge created is left to garbage collection. */
  async finalize(canary: Canary): Promise<void> {
    await this.services.finalize(canary);
    const apex = serviceNames(canary).apex;
    const current = await this.kube.get<VirtualService>(this.ref(canary, 'VirtualService', apex));
    if (!current) return;
    const annotations = current.metadata.annotations ?? {};
    let original: VirtualServiceSpec | undefined;
    try {
      if (annotations[KUBECTL_ANNOTATION]) original = (JSON.parse(annotations[KUBECTL_ANNOTATION]) as { spec?: VirtualServiceSpec }).spec;
      else if (annotations[ORIGINAL_CONFIGURATION_ANNOTATION]) original = JSON.parse(annotations[ORIGINAL_CONFIGURATION_ANNOTATION]) as VirtualServiceSpec;
    } catch (error) {
      throw new RouterError(`finalize VirtualService ${dotted(canary, apex)}: cannot parse the stored original configuration`, { cause: error });
    }
    if (original) await this.kube.replace({ ...current, spec: original });
  }

  private async reconcileDestinationRule(canary: Canary, name: string): Promise<void> {
    const trafficPolicy = canary.spec.service?.trafficPolicy;
    const spec: DestinationRule['spec'] = { host: name, ...(trafficPolicy ? { trafficPolicy } : {}) };
    const current = await this.kube.get<DestinationRule>(this.ref(canary, 'DestinationRule', name));
    if (!current) {
      const owners = ownerReferences(canary);
      await this.createOrRetry(canary, {
        apiVersion: ISTIO_API_VERSION,
        kind: 'DestinationRule',
        metadata: { name, namespace: namespaceOf(canary), ...(owners.length > 0 ? { ownerReferences: owners } : {}) },
        spec,
      } as DestinationRule);
      return;
    }
    if (canonicalJson(current.spec) !== canonicalJson(spec)) await this.kube.replace({ ...current, spec });
  }

  /** Create-or-update of the VirtualService; writes nothing when it already is as wanted. */
  private async writeVirtualService(canary: Canary, current: VirtualService | undefined, routes: RouteSpec): Promise<void> {
    const intervalSeconds = Math.round(analysisIntervalMs(canary.spec.analysis.interval) / 1000);
    const desired = virtualServiceSpec(canary, routes, { intervalSeconds });
    const apex = serviceNames(canary).apex;
    const metadata = canary.spec.service?.apex;
    if (!current) {
      const owners = ownerReferences(canary);
      await this.createOrRetry(canary, {
        apiVersion: ISTIO_API_VERSION,
        kind: 'VirtualService',
        metadata: {
          name: apex,
          namespace: namespaceOf(canary),
          labels: { ...metadata?.labels },
          annotations: managedAnnotations(metadata?.annotations),
          ...(owners.length > 0 ? { ownerReferences: owners } : {}),
        },
        spec: desired,
      } as VirtualService);
      return;
    }
    const spec: VirtualServiceSpec = { ...current.spec };
    for (const field of MANAGED_SPEC_FIELDS) delete spec[field];
    Object.assign(spec, desired);
    const labels = { ...current.metadata.labels, ...metadata?.labels };
    const annotations = managedAnnotations({ ...current.metadata.annotations, ...metadata?.annotations });
    const specChanged = canonicalJson(spec) !== canonicalJson(current.spec);
    const takenOver = !ownedBy(current.metadata.ownerReferences, canary) && !annotations[KUBECTL_ANNOTATION] && !annotations[ORIGINAL_CONFIGURATION_ANNOTATION];
    if (specChanged && takenOver) annotations[ORIGINAL_CONFIGURATION_ANNOTATION] = JSON.stringify(current.spec);
    if (!specChanged && canonicalJson(labels) === canonicalJson(current.metadata.labels ?? {}) && canonicalJson(annotations) === canonicalJson(current.metadata.annotations ?? {})) return;
    await this.kube.replace({ ...current, metadata: { ...current.metadata, labels, annotations }, spec });
  }

  private async createOrRetry(canary: Canary, object: VirtualService | DestinationRule): Promise<void> {
    try {
      await this.kube.create(object);
    } catch (error) {
      // A concurrent invocation created it first; its content is what this one would have written.
      if (!(error instanceof KubeConflictError && error.alreadyExists)) {
        throw error instanceof RouterError ? error : wrap(error, `create ${object.kind} ${dotted(canary, object.metadata.name)}`);
      }
    }
  }
}

function wrap(error: unknown, what: string): unknown {
  return error instanceof Error ? error : new RouterError(`${what}: ${String(error)}`);
}

/**
 * The session cookies for a write: given ones first, then those already in the VirtualService, then new
 * ones derived (as the engine derives them, `sessionCookie`) from the Canary and the previous cookie:
 * deterministic, unlike Flagger's random values, and different for every run because each derives from the one before.
 */
export function resolveSession(canary: Canary, routes: RouteSpec, reading: RouteReading | undefined): SessionCookies | undefined {
  const affinity = canary.spec.analysis.sessionAffinity;
  if (!affinity) return undefined;
  const found = reading?.ok ? reading.session : undefined;
  const given = routes.session ?? {};
  if (routes.canary > 0) {
    const seed = `${namespaceOf(canary)}/${canary.metadata.name}/${canary.metadata.uid ?? ''}/${found?.previous ?? given.previous ?? ''}`;
    const canaryCookie = given.canary ?? found?.canary ?? sessionCookie(affinity.cookieName, seed, 'canary');
    const primaryCookie = affinity.primaryCookieName ? (given.primary ?? found?.primary ?? sessionCookie(affinity.primaryCookieName, seed, 'primary')) : undefined;
    return { canary: canaryCookie, ...(primaryCookie ? { primary: primaryCookie } : {}) };
  }
  const previous = given.previous ?? found?.canary ?? found?.previous;
  return previous ? { previous } : {};
}
