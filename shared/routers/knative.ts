/**
 * `provider: knative`: the Knative Service's `spec.traffic` (Flagger's KnativeRouter). The primary is the Revision
 * pinned in the annotation `flagger.app/primary-revision` (pinned by the Knative Service workload, or here when
 * first reconciled: the latest created one); the canary is the latest Revision, routed as `latestRevision: true`.
 * Routes are read from `status.traffic`, where Knative resolves "latest" to the latest *ready* Revision: until
 * the canary's is ready, its share still reaches the primary, and the reading says so. Until Knative has
 * reconciled the last write (`status.observedGeneration`), the reading is "written, not applied yet".
 * A user's own `spec.traffic` is kept in `fledge.dev/original-traffic` and given back on finalize.
 */
import type { RouteReading, RouteSpec } from '../api/routes.ts';
import type { Canary } from '../api/types.ts';
import {
  ORIGINAL_TRAFFIC_ANNOTATION,
  PRIMARY_REVISION_ANNOTATION,
  knativeServiceRef,
  pinPrimaryRevision,
  type KnativeService,
  type TrafficTarget,
} from '../kube/knative.ts';
import type { KubeClient, ObjectRef } from '../kube/types.ts';
import { RouterError } from './errors.ts';
import { dotted, namespaceOf } from './names.ts';
import type { RouteWrite, Router, RouterDeps } from './types.ts';

export { KNATIVE_API_VERSION, ORIGINAL_TRAFFIC_ANNOTATION, PRIMARY_REVISION_ANNOTATION, type TrafficTarget } from '../kube/knative.ts';

/** `spec.traffic` for a split: the latest Revision (the canary) first, then the pinned primary (Flagger's order). */
export function knativeTraffic(primaryRevision: string, routes: Pick<RouteSpec, 'primary' | 'canary'>): TrafficTarget[] {
  return [
    { latestRevision: true, percent: routes.canary },
    { revisionName: primaryRevision, percent: routes.primary },
  ];
}

/**
 * The split `status.traffic` gives, by the Revision requests really reach: the canary's share is what reaches
 * the latest created Revision while it is not the pinned primary; everything else stays on the stable side
 * (the pinned primary, reached by name or through a `latestRevision` entry while the latest *ready* Revision is
 * still the primary, and, for the moment between a re-pin and the next reconcile, the Revision pinned before).
 */
export function readKnativeTraffic(canary: Canary, service: KnativeService): RouteReading {
  const where = `Knative Service ${dotted(canary, service.metadata.name)}`;
  const primaryRevision = service.metadata.annotations?.[PRIMARY_REVISION_ANNOTATION];
  if (!primaryRevision) return { ok: false, reason: `${where} has no ${PRIMARY_REVISION_ANNOTATION} annotation` };
  const latest = service.status?.latestCreatedRevisionName;
  const generation = service.metadata.generation;
  const observed = service.status?.observedGeneration ?? 0;
  if (generation !== undefined && observed < generation) {
    // Knative has not routed the spec.traffic last written yet: the split it will give, not applied.
    const reason = `${where}: Knative has not reconciled generation ${generation} yet (status.observedGeneration ${observed})`;
    const entry = (service.spec?.traffic ?? []).find((t) => t.latestRevision === true);
    const share = latest !== undefined && latest !== primaryRevision ? (entry?.percent ?? 0) : 0;
    return { ok: false, reason, written: { primary: 100 - share, canary: share, mirrored: false, matched: null } };
  }
  let primary = 0;
  let canaryPercent = 0;
  for (const target of service.status?.traffic ?? []) {
    if (latest !== undefined && latest !== primaryRevision && target.revisionName === latest) canaryPercent += target.percent ?? 0;
    else primary += target.percent ?? 0;
  }
  if (primary + canaryPercent === 0) return { ok: false, reason: `${where}: status.traffic routes nothing yet` };
  return { ok: true, primary, canary: canaryPercent, mirrored: false, matched: null };
}

/**
 * `spec.traffic` as Fledge keeps it: Fledge's own two entries, the pinned primary by name and the latest Revision,
 * are left alone (in-flight weights are never reset). Fledge's two entries naming another Revision (the primary
 * was re-pinned by a promotion or a restore) keep the canary's share, the rest moving to the pinned primary. Any
 * other traffic (the user's own, or Knative's default of everything on the latest) becomes all on the primary.
 */
export function managedTraffic(primaryRevision: string, traffic: readonly TrafficTarget[] | undefined): TrafficTarget[] | undefined {
  const entries = traffic ?? [];
  const latest = entries.filter((t) => t.latestRevision === true && t.revisionName === undefined && t.tag === undefined);
  const named = entries.filter((t) => t.latestRevision !== true && t.revisionName !== undefined && t.tag === undefined);
  const fledgeShaped = entries.length === 2 && latest.length === 1 && named.length === 1;
  if (fledgeShaped && named[0]?.revisionName === primaryRevision) return undefined;
  const canaryShare = fledgeShaped ? (latest[0]?.percent ?? 0) : 0;
  return knativeTraffic(primaryRevision, { primary: 100 - canaryShare, canary: canaryShare });
}

/** The Knative router. */
export class KnativeRouter implements Router {
  readonly provider = 'knative';
  private readonly kube: KubeClient;

  constructor(deps: RouterDeps) {
    this.kube = deps.kube;
  }

  private ref(canary: Canary): ObjectRef {
    return knativeServiceRef(namespaceOf(canary), canary.spec.targetRef.name);
  }

  private async service(canary: Canary): Promise<KnativeService> {
    const service = await this.kube.get<KnativeService>(this.ref(canary));
    if (!service) throw new RouterError(`Knative Service ${dotted(canary, canary.spec.targetRef.name)} not found`);
    return service;
  }

  /** Flagger's Knative Initialize: everything on the pinned primary, nothing on the latest Revision yet. */
  async initialize(canary: Canary): Promise<void> {
    await this.reconcile(canary);
  }

  /**
   * Pins the primary Revision if nothing has (the latest created, as Flagger does), keeping a user's own traffic
   * split to give back, and brings `spec.traffic` to Fledge's two entries without resetting a split in flight.
   */
  async reconcile(canary: Canary): Promise<RouteWrite> {
    let service = await this.service(canary);
    if (!service.metadata.annotations?.[PRIMARY_REVISION_ANNOTATION]) {
      const latest = service.status?.latestCreatedRevisionName;
      if (!latest) return { kind: 'pending', reason: `Knative Service ${dotted(canary, service.metadata.name)} has no revision yet` };
      await pinPrimaryRevision(this.kube, service, latest);
      service = await this.service(canary);
    }
    const primaryRevision = service.metadata.annotations?.[PRIMARY_REVISION_ANNOTATION] as string;
    const traffic = managedTraffic(primaryRevision, service.spec?.traffic);
    if (traffic !== undefined) await this.kube.patch(this.ref(canary), 'merge', { metadata: { resourceVersion: service.metadata.resourceVersion }, spec: { traffic } });
    return { kind: 'applied' };
  }

  async setRoutes(canary: Canary, routes: RouteSpec): Promise<RouteWrite> {
    if ((routes.match?.length ?? 0) > 0 || routes.mirrored) throw new RouterError(`Knative Service ${dotted(canary, canary.spec.targetRef.name)}: Knative routes by percent only (no match, no mirror)`);
    const service = await this.service(canary);
    const primaryRevision = service.metadata.annotations?.[PRIMARY_REVISION_ANNOTATION];
    if (!primaryRevision) throw new RouterError(`update Knative Service ${dotted(canary, service.metadata.name)}: no ${PRIMARY_REVISION_ANNOTATION} annotation; it is set when the Canary is initialized`);
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
