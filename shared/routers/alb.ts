/**
 * `provider: alb`: weighted target groups on the AWS Load Balancer Controller (what Flagger users have asked
 * for since 2020, Flagger #659). Fledge takes over the user's Ingress (`spec.ingressRef`): every path routed to
 * the apex Service is rewired to the forward action `<apex>` (backend port `use-annotation`), whose
 * `alb.ingress.kubernetes.io/actions.<apex>` annotation splits traffic between the target groups of
 * `<apex>-primary` and `<apex>-canary`; A/B testing adds `conditions.<apex>` (see `alb-actions.ts`). No second
 * Ingress, so no second load balancer. The user's spec is kept and given back on finalize.
 */
import type { RouteReading, RouteSpec } from '../api/routes.ts';
import type { Canary } from '../api/types.ts';
import { canonicalJson } from '../json.ts';
import type { KubeClient, ObjectRef } from '../kube/types.ts';
import { USE_ANNOTATION, actionNames, albAnnotations, isFledgeKey, readAlbAnnotations } from './alb-actions.ts';
import { RouterError } from './errors.ts';
import { ORIGINAL_CONFIGURATION_ANNOTATION, dotted, namespaceOf, serviceNames } from './names.ts';
import { ingressNames, type Ingress } from './nginx.ts';
import { ServicesReconciler } from './services.ts';
import { keepOriginal, originalSpec } from './takeover.ts';
import type { RouteWrite, Router, RouterDeps } from './types.ts';

type IngressPath = NonNullable<NonNullable<NonNullable<Ingress['spec']['rules']>[number]['http']>['paths']>[number];

/** An Ingress with the load balancer status the controller writes. */
interface AlbIngress extends Ingress {
  status?: { loadBalancer?: { ingress?: Array<{ hostname?: string }> } };
}

/** The user's spec with every path to the apex sent through the actions for `routes`. */
export function albIngressSpec(canary: Canary, original: Ingress['spec'], routes: RouteSpec): Ingress['spec'] {
  const apex = serviceNames(canary).apex;
  const names = actionNames(canary);
  const action = (name: string, path: IngressPath): IngressPath => ({ ...structuredClone(path), backend: { service: { name, port: { name: USE_ANNOTATION } } } });
  const matches = routes.match ?? [];
  const spec = structuredClone(original);
  let found = false;
  for (const rule of spec.rules ?? []) {
    if (!rule.http?.paths) continue;
    rule.http.paths = rule.http.paths.flatMap((path) => {
      if (path.backend.service?.name !== apex) return [path];
      found = true;
      if (matches.length === 0) return [action(names.main, path)];
      return [...matches.map((_, i) => action(names.matched(i), path)), action(names.fallback, path)];
    });
  }
  if (!found) throw new RouterError(`backend ${apex} not found in Ingress ${dotted(canary, ingressNames(canary).ingress)}: route the apex Service ${apex} from one of its paths`);
  return spec;
}

/** The ALB router. */
export class AlbRouter implements Router {
  readonly provider = 'alb';
  private readonly kube: KubeClient;
  private readonly services: ServicesReconciler;

  constructor(deps: RouterDeps) {
    this.kube = deps.kube;
    this.services = new ServicesReconciler(deps);
  }

  private ref(canary: Canary): ObjectRef {
    return { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', namespace: namespaceOf(canary), name: ingressNames(canary).ingress };
  }

  private async ingress(canary: Canary): Promise<AlbIngress> {
    const current = await this.kube.get<AlbIngress>(this.ref(canary));
    if (!current) throw new RouterError(`Ingress ${dotted(canary, ingressNames(canary).ingress)} not found (spec.ingressRef)`);
    return current;
  }

  initialize(canary: Canary): Promise<void> {
    return this.services.initialize(canary);
  }

  /** Rewires the Ingress to the actions, keeping the split its annotations carry (100/0 the first time). */
  /** The apex Service and the Ingress's actions at once: neither write depends on the other. */
  async reconcile(canary: Canary): Promise<RouteWrite> {
    await Promise.all([this.services.reconcileApex(canary), this.reconcileIngress(canary)]);
    return { kind: 'applied' };
  }

  private async reconcileIngress(canary: Canary): Promise<void> {
    const current = await this.ingress(canary);
    const reading = readAlbAnnotations(canary, current.metadata.name, current.metadata.annotations ?? {});
    const analysisMatch = canary.spec.analysis.match ?? [];
    let routes: RouteSpec = { primary: 100, canary: 0, mirrored: false, ...(analysisMatch.length > 0 ? { match: analysisMatch } : {}) };
    if (reading.ok) {
      // Reconcile never moves live traffic (see the Istio router): a split carrying canary traffic without
      // conditions stays one until setRoutes changes it.
      const keepUnmatched = analysisMatch.length > 0 && reading.matched === null && reading.canary > 0;
      const matching = analysisMatch.length > 0 && !keepUnmatched;
      const split = matching && reading.matched ? reading.matched : reading;
      routes = { primary: split.primary, canary: split.canary, mirrored: false, ...(matching ? { match: analysisMatch } : {}) };
    }
    await this.write(canary, current, routes);
  }

  async setRoutes(canary: Canary, routes: RouteSpec): Promise<RouteWrite> {
    await this.write(canary, await this.ingress(canary), routes);
    return { kind: 'applied' };
  }

  /**
   * The split of the actions, once the controller provisioned the load balancer and while the paths still go
   * through them (a GitOps tool may have put the user's backends back: reconcile rewires them).
   */
  async getRoutes(canary: Canary): Promise<RouteReading> {
    const current = await this.kube.get<AlbIngress>(this.ref(canary));
    const where = `Ingress ${dotted(canary, ingressNames(canary).ingress)}`;
    if (!current) return { ok: false, reason: `${where} not found` };
    const reading = readAlbAnnotations(canary, current.metadata.name, current.metadata.annotations ?? {});
    if (!reading.ok) return reading;
    const main = actionNames(canary).main;
    const routed = (current.spec.rules ?? []).some((r) => r.http?.paths?.some((p) => p.backend.service?.name === main && p.backend.service.port?.name === USE_ANNOTATION));
    if (!routed) return { ok: false, reason: `${where} has no path forwarding through action ${main} (its backends were changed); reconcile rewires them` };
    const written = { primary: reading.primary, canary: reading.canary, mirrored: false, matched: reading.matched };
    if (!current.status?.loadBalancer?.ingress?.some((i) => i.hostname)) {
      return { ok: false, reason: `${where} has no load balancer yet: the AWS Load Balancer Controller has not reconciled it`, written };
    }
    return reading;
  }

  /** Gives the Ingress its original spec back and removes Fledge's actions, conditions and kept original. */
  async finalize(canary: Canary): Promise<void> {
    await this.services.finalize(canary);
    const current = await this.kube.get<AlbIngress>(this.ref(canary));
    if (!current) return;
    const original = originalSpec<Ingress['spec']>(canary, current);
    const annotations = Object.fromEntries(Object.entries(current.metadata.annotations ?? {}).filter(([key]) => !isFledgeKey(canary, key) && key !== ORIGINAL_CONFIGURATION_ANNOTATION));
    await this.kube.replace({ ...current, metadata: { ...current.metadata, annotations }, spec: original ?? current.spec });
  }

  private async write(canary: Canary, current: AlbIngress, routes: RouteSpec): Promise<void> {
    const original = originalSpec<Ingress['spec']>(canary, current) ?? current.spec;
    const spec = albIngressSpec(canary, original, routes);
    const kept = Object.fromEntries(Object.entries(current.metadata.annotations ?? {}).filter(([key]) => !isFledgeKey(canary, key)));
    let annotations = { ...kept, ...albAnnotations(canary, routes) };
    const specChanged = canonicalJson(spec) !== canonicalJson(current.spec);
    if (specChanged) annotations = keepOriginal(canary, current, annotations, original);
    if (!specChanged && canonicalJson(annotations) === canonicalJson(current.metadata.annotations ?? {})) return;
    await this.kube.replace({ ...current, metadata: { ...current.metadata, annotations }, spec });
  }
}
