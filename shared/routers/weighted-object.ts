/**
 * The shape most of Flagger's routers share: the traffic split lives in one object of the provider's API
 * (TrafficSplit, HTTPProxy, TraefikService, RouteTable, TrafficRoute, a canary ApisixRoute or Ingress).
 * `reconcile` creates it on 404 with the Canary as owner and the apex metadata, else carries the split it
 * finds over and replaces the object only when something else differs (Flagger's diff that ignores weights);
 * an object Fledge takes over keeps its original spec in an annotation so `finalize` can give it back.
 * Each provider supplies a {@link WeightedObjectLayout}: how its object is named, built and read.
 */
import type { RouteReading, RouteSpec } from '../api/routes.ts';
import type { Canary } from '../api/types.ts';
import { KubeConflictError } from '../kube/errors.ts';
import { canonicalJson } from '../json.ts';
import type { KubeClient, KubeObject, ObjectRef } from '../kube/types.ts';
import { RouterError } from './errors.ts';
import { KUBECTL_ANNOTATION, ORIGINAL_CONFIGURATION_ANNOTATION, managedAnnotations, namespaceOf, ownedBy, ownerReferences } from './names.ts';
import { ServicesReconciler } from './services.ts';
import { storedOriginalSpec } from './takeover.ts';
import type { RouteWrite, Router, RouterDeps } from './types.ts';

/** What a layout renders: the object's top-level content fields (`spec`, Kuma's `mesh`, …) and metadata it manages. */
export interface RenderedObject {
  readonly fields: Record<string, unknown>;
  /** Labels the object must carry. @default the Canary's `service.apex.labels` */
  readonly labels?: Record<string, string>;
  /** Annotations the object must carry (before Flux/Helm markers are added). @default `service.apex.annotations` */
  readonly annotations?: Record<string, string>;
}

/** One provider's object: its type, its name, how it is built for a split and read back. */
export interface WeightedObjectLayout {
  readonly apiVersion: string;
  readonly kind: string;
  /** Cluster-scoped kinds (Kuma's TrafficRoute) have no namespace and cannot be owned by a Canary. */
  readonly clusterScoped?: boolean;
  /**
   * On `finalize`: `restore` gives a taken-over object its original spec back (one Fledge created is left to
   * garbage collection, or deleted when it cannot be owned); `delete` removes the object, which only ever
   * overlays a user's own (a canary Ingress or ApisixRoute). @default 'restore'
   */
  readonly onFinalize?: 'restore' | 'delete';
  name(canary: Canary): string;
  /** The object for `routes`; `current` is the object as it is (undefined when missing). */
  render(canary: Canary, routes: RouteSpec, current: KubeObject | undefined): Promise<RenderedObject> | RenderedObject;
  /** The split the object gives. */
  read(canary: Canary, object: KubeObject): RouteReading;
}

/** Whether the object names this Canary as the one that created it (cluster-scoped objects cannot be owned). */
export const CREATED_BY_ANNOTATION = 'fledge.dev/created-by';

/**
 * The split `reconcile` keeps: the one found (the A/B match route's when the Canary has `analysis.match`), or
 * everything on the primary for a new object. As Istio's router does, a split without a match route that
 * already sends requests to the canary stays one until `setRoutes` changes it.
 */
export function carriedRoutes(canary: Canary, reading: RouteReading | undefined): RouteSpec {
  const analysisMatch = canary.spec.analysis.match ?? [];
  if (!reading?.ok) return { primary: 100, canary: 0, mirrored: false, ...(analysisMatch.length > 0 ? { match: analysisMatch } : {}) };
  const keepUnmatched = analysisMatch.length > 0 && reading.matched === null && reading.canary > 0;
  const matching = analysisMatch.length > 0 && !keepUnmatched;
  const split = matching && reading.matched ? reading.matched : reading;
  return { primary: split.primary, canary: split.canary, mirrored: false, ...(matching ? { match: analysisMatch } : {}) };
}

/** A router over one {@link WeightedObjectLayout}, plus the three Services every provider routes through. */
export class WeightedObjectRouter implements Router {
  readonly provider: string;
  protected readonly kube: KubeClient;
  protected readonly services: ServicesReconciler;
  private readonly layout: WeightedObjectLayout;

  constructor(provider: string, deps: RouterDeps, layout: WeightedObjectLayout) {
    this.provider = provider;
    this.kube = deps.kube;
    this.services = new ServicesReconciler(deps);
    this.layout = layout;
  }

  /** `Kind name.namespace` (cluster-scoped: `Kind name`), the way error messages name the object. */
  protected describe(canary: Canary): string {
    const name = this.layout.name(canary);
    return `${this.layout.kind} ${this.layout.clusterScoped ? name : `${name}.${namespaceOf(canary)}`}`;
  }

  protected ref(canary: Canary): ObjectRef {
    const base = { apiVersion: this.layout.apiVersion, kind: this.layout.kind, name: this.layout.name(canary) };
    return this.layout.clusterScoped ? base : { ...base, namespace: namespaceOf(canary) };
  }

  initialize(canary: Canary): Promise<void> {
    return this.services.initialize(canary);
  }

  async reconcile(canary: Canary): Promise<RouteWrite> {
    // The apex Service and the provider's object at once: neither write depends on the other.
    const reconcileObject = async (): Promise<void> => {
      const current = await this.kube.get(this.ref(canary));
      await this.write(canary, current, carriedRoutes(canary, current ? this.layout.read(canary, current) : undefined));
    };
    await Promise.all([this.services.reconcileApex(canary), reconcileObject()]);
    return { kind: 'applied' };
  }

  async setRoutes(canary: Canary, routes: RouteSpec): Promise<RouteWrite> {
    if (routes.primary === 0 && routes.canary === 0) throw new RouterError(`update ${this.describe(canary)}: no valid weights (both 0)`);
    const current = await this.kube.get(this.ref(canary));
    if (!current) throw new RouterError(`update ${this.describe(canary)}: not found; it is created when the Canary is reconciled`);
    await this.write(canary, current, routes);
    return { kind: 'applied' };
  }

  async getRoutes(canary: Canary): Promise<RouteReading> {
    const current = await this.kube.get(this.ref(canary));
    if (!current) return { ok: false, reason: `${this.describe(canary)} not found` };
    return this.layout.read(canary, current);
  }

  async finalize(canary: Canary): Promise<void> {
    await this.services.finalize(canary);
    const current = await this.kube.get(this.ref(canary));
    if (!current) return;
    const annotations = current.metadata.annotations ?? {};
    const createdHere = ownedBy(current.metadata.ownerReferences, canary) || annotations[CREATED_BY_ANNOTATION] === createdBy(canary);
    if (this.layout.onFinalize === 'delete' || (createdHere && this.layout.clusterScoped)) {
      if (createdHere) await this.kube.delete(this.ref(canary));
      return;
    }
    const original = storedOriginalSpec(annotations, this.describe(canary));
    if (original !== undefined) await this.kube.replace({ ...current, spec: original });
  }

  /** Create-or-update; writes nothing when the object already is as wanted. */
  private async write(canary: Canary, current: KubeObject | undefined, routes: RouteSpec): Promise<void> {
    const rendered = await this.layout.render(canary, routes, current);
    const apex = canary.spec.service?.apex;
    const labels = rendered.labels ?? { ...apex?.labels };
    const wanted = rendered.annotations ?? { ...apex?.annotations };
    if (!current) {
      const owners = this.layout.clusterScoped ? [] : ownerReferences(canary);
      const annotations = managedAnnotations(wanted);
      if (this.layout.clusterScoped) annotations[CREATED_BY_ANNOTATION] = createdBy(canary);
      const object: KubeObject = {
        apiVersion: this.layout.apiVersion,
        kind: this.layout.kind,
        metadata: {
          name: this.layout.name(canary),
          ...(this.layout.clusterScoped ? {} : { namespace: namespaceOf(canary) }),
          labels,
          annotations,
          ...(owners.length > 0 ? { ownerReferences: owners } : {}),
        },
        ...rendered.fields,
      };
      try {
        await this.kube.create(object);
      } catch (error) {
        // A concurrent invocation created it first; its content is what this one would have written.
        if (error instanceof KubeConflictError && error.alreadyExists) return;
        throw error;
      }
      return;
    }
    const next: KubeObject = { ...current, ...rendered.fields };
    const fieldsChanged = Object.keys(rendered.fields).some((key) => canonicalJson(current[key]) !== canonicalJson(rendered.fields[key]));
    const nextLabels = { ...current.metadata.labels, ...labels };
    const annotations = managedAnnotations({ ...current.metadata.annotations, ...wanted });
    const takenOver =
      !ownedBy(current.metadata.ownerReferences, canary) &&
      annotations[CREATED_BY_ANNOTATION] === undefined &&
      !annotations[KUBECTL_ANNOTATION] &&
      !annotations[ORIGINAL_CONFIGURATION_ANNOTATION];
    if (fieldsChanged && takenOver && current['spec'] !== undefined) annotations[ORIGINAL_CONFIGURATION_ANNOTATION] = JSON.stringify(current['spec']);
    const metadataChanged = canonicalJson(nextLabels) !== canonicalJson(current.metadata.labels ?? {}) || canonicalJson(annotations) !== canonicalJson(current.metadata.annotations ?? {});
    if (!fieldsChanged && !metadataChanged) return;
    await this.kube.replace({ ...next, metadata: { ...current.metadata, labels: nextLabels, annotations } });
  }
}

function createdBy(canary: Canary): string {
  return `${namespaceOf(canary)}/${canary.metadata.name}`;
}

