/**
 * `provider: knative`: the Knative Service's `spec.traffic` (Flagger's KnativeRouter). The primary is the
 * Revision pinned in the annotation `flagger.app/primary-revision` (the latest created one when first
 * reconciled); the canary is the latest Revision. Routes are read from `status.traffic`, where Knative
 * resolves "latest" to the latest *ready* Revision: until the canary's is ready, its share still reaches the
 * primary, and the reading says so.
 * A user's own `spec.traffic` is kept in `fledge.dev/original-traffic` and given back on finalize.
 *
 * Not in the registry yet: a Knative Service target needs its own workload (promotion pins the Revision).
 */
import type { RouteReading, RouteSpec } from '../api/routes.ts';
import type { Canary } from '../api/types.ts';
import type { KubeClient, KubeObject, ObjectRef } from '../kube/types.ts';
import { RouterError } from './errors.ts';
import { dotted, namespaceOf } from './names.ts';
import type { RouteWrite, Router, RouterDeps } from './types.ts';

/** The Knative Serving API version. */
export const KNATIVE_API_VERSION = 'serving.knative.dev/v1';
/** Flagger's annotation pinning the primary Revision. */
export const PRIMARY_REVISION_ANNOTATION = 'flagger.app/primary-revision';
/** Where Fledge keeps the user's own `spec.traffic` while it routes. */
export const ORIGINAL_TRAFFIC_ANNOTATION = 'fledge.dev/original-traffic';

/** One Knative traffic target. */
export interface TrafficTarget {
  revisionName?: string;
  latestRevision?: boolean;
  percent?: number;
  tag?: string;
}

interface KnativeService extends KubeObject {
  spec?: { traffic?: TrafficTarget[]; [field: string]: unknown };
  status?: { latestCreatedRevisionName?: string; traffic?: TrafficTarget[] };
}

/** `spec.traffic` for a split: the latest Revision (the canary) first, then the pinned primary. */
export function knativeTraffic(primaryRevision: string, routes: Pick<RouteSpec, 'primary' | 'canary'>): TrafficTarget[] {
  return [
    { latestRevision: true, percent: routes.canary },
    { revisionName: primaryRevision, percent: routes.primary },
  ];
}

/**
 * The split `status.traffic` gives, by where requests really go: to the pinned primary Revision (also through a
 * `latestRevision` entry while the latest ready Revision is still the primary, Knative's meaning of "latest"),
 * or to a newer latest Revision (the canary). Traffic to other tagged Revisions is neither.
 */
export function readKnativeTraffic(canary: Canary, service: KnativeService): RouteReading {
  const where = `Knative Service ${dotted(canary, service.metadata.name)}`;
  const primaryRevision = service.metadata.annotations?.[PRIMARY_REVISION_ANNOTATION];
  if (!primaryRevision) return { ok: false, reason: `${where} has no ${PRIMARY_REVISION_ANNOTATION} annotation` };
  let primary = 0;
  let canaryPercent = 0;
  for (const target of service.status?.traffic ?? []) {
    if (target.revisionName === primaryRevision) primary += target.percent ?? 0;
    else if (target.latestRevision === true) canaryPercent += target.percent ?? 0;
  }
  if (primary + canaryPercent === 0) return { ok: false, reason: `${where}: status.traffic routes nothing to the primary revision ${primaryRevision} or the latest one` };
  return { ok: true, primary, canary: canaryPercent, mirrored: false, matched: null };
}

/** The Knative router. */
export class KnativeRouter implements Router {
  readonly provider = 'knative';
  private readonly kube: KubeClient;

  constructor(deps: RouterDeps) {
    this.kube = deps.kube;
  }

  private ref(canary: Canary): ObjectRef {
    return { apiVersion: KNATIVE_API_VERSION, kind: 'Service', namespace: namespaceOf(canary), name: canary.spec.targetRef.name };
  }

  private async service(canary: Canary): Promise<KnativeService> {
    const service = await this.kube.get<KnativeService>(this.ref(canary));
    if (!service) throw new RouterError(`Knative Service ${dotted(canary, canary.spec.targetRef.name)} not found`);
    return service;
  }

  /** The Knative Service routes to its Revisions itself: no Services to create. */
  async initialize(): Promise<void> {}

  /** Pins the primary Revision once (the latest created), keeping a user's own traffic split to give back. */
  async reconcile(canary: Canary): Promise<RouteWrite> {
    const service = await this.service(canary);
    if (service.metadata.annotations?.[PRIMARY_REVISION_ANNOTATION]) return { kind: 'applied' };
    const latest = service.status?.latestCreatedRevisionName;
    if (!latest) return { kind: 'pending', reason: `Knative Service ${dotted(canary, service.metadata.name)} has no revision yet` };
    const annotations: Record<string, string | null> = { [PRIMARY_REVISION_ANNOTATION]: latest };
    if (service.spec?.traffic && service.spec.traffic.length > 0) annotations[ORIGINAL_TRAFFIC_ANNOTATION] = JSON.stringify(service.spec.traffic);
    await this.kube.patch(this.ref(canary), 'merge', { metadata: { annotations, resourceVersion: service.metadata.resourceVersion } });
    return { kind: 'applied' };
  }

  async setRoutes(canary: Canary, routes: RouteSpec): Promise<RouteWrite> {
    if ((routes.match?.length ?? 0) > 0 || routes.mirrored) throw new RouterError(`Knative Service ${dotted(canary, canary.spec.targetRef.name)}: Knative routes by percent only (no match, no mirror)`);
    const service = await this.service(canary);
    const primaryRevision = service.metadata.annotations?.[PRIMARY_REVISION_ANNOTATION];
    if (!primaryRevision) throw new RouterError(`update Knative Service ${dotted(canary, service.metadata.name)}: no ${PRIMARY_REVISION_ANNOTATION} annotation; it is set when the Canary is reconciled`);
    await this.kube.patch(this.ref(canary), 'merge', { metadata: { resourceVersion: service.metadata.resourceVersion }, spec: { traffic: knativeTraffic(primaryRevision, routes) } });
    return { kind: 'applied' };
  }

  async getRoutes(canary: Canary): Promise<RouteReading> {
    const service = await this.kube.get<KnativeService>(this.ref(canary));
    if (!service) return { ok: false, reason: `Knative Service ${dotted(canary, canary.spec.targetRef.name)} not found` };
    return readKnativeTraffic(canary, service);
  }

  /** Unpins the primary and gives the Service its own traffic back (Knative's default: the latest Revision). */
  async finalize(canary: Canary): Promise<void> {
    const service = await this.kube.get<KnativeService>(this.ref(canary));
    if (!service?.metadata.annotations?.[PRIMARY_REVISION_ANNOTATION]) return;
    const original = service.metadata.annotations[ORIGINAL_TRAFFIC_ANNOTATION];
    let traffic: TrafficTarget[] | null = null;
    try {
      if (original) traffic = JSON.parse(original) as TrafficTarget[];
    } catch (error) {
      throw new RouterError(`finalize Knative Service ${dotted(canary, service.metadata.name)}: cannot parse ${ORIGINAL_TRAFFIC_ANNOTATION}`, { cause: error });
    }
    await this.kube.patch(this.ref(canary), 'merge', {
      metadata: { resourceVersion: service.metadata.resourceVersion, annotations: { [PRIMARY_REVISION_ANNOTATION]: null, [ORIGINAL_TRAFFIC_ANNOTATION]: null } },
      spec: { traffic },
    });
  }
}
