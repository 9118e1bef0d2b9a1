/**
 * Knative Serving, as far as a traffic router sees it: each new template of a Knative Service becomes a
 * Revision `<service>-<configuration generation, 5 digits>` (or the template's own name); a Revision is ready as
 * its first container's image behaves (`readyAfterTicks`, `neverReady`, `crashLoop`); the Service's status
 * names the latest created and latest ready Revisions, and its `status.traffic` takes `spec.traffic` (by
 * default everything on the latest Revision) only once every Revision it names is ready — until then the
 * route keeps its previous traffic, as Knative's route controller does. Revisions scale as Knative's autoscaler
 * would under a steady load (`status.desiredReplicas` / `actualReplicas`): one pod while routed or starting,
 * none once ready without traffic.
 */
import type { GroupVersionResource, KubeObject } from '../emulator/types.ts';
import type { WorldContext } from './context.ts';
import { jsonEqual } from './hash.ts';

/** Knative Serving's resources. */
export const KNATIVE = {
  services: { group: 'serving.knative.dev', version: 'v1', resource: 'services' },
  revisions: { group: 'serving.knative.dev', version: 'v1', resource: 'revisions' },
} as const satisfies Record<string, GroupVersionResource>;

interface TrafficTarget {
  revisionName?: string;
  latestRevision?: boolean;
  percent?: number;
  tag?: string;
}

interface KnativeServiceSpec {
  template?: { metadata?: { name?: string }; spec?: { containers?: { image?: string }[] } };
  traffic?: TrafficTarget[];
}

/**
 * The Revision of the Service's current template: an existing one with the same spec (Knative makes a new
 * Revision only when the template changes, not the traffic), else `<service>-<n, 5 digits>` for the next
 * configuration generation, or the template's own name.
 */
export function revisionFor(service: KubeObject, revisions: readonly KubeObject[]): { name: string; generation: number; exists: boolean } {
  const spec = (service['spec'] ?? {}) as KnativeServiceSpec;
  const template = spec.template?.spec ?? {};
  const generationOf = (r: KubeObject): number => Number(r.metadata.labels?.['serving.knative.dev/configurationGeneration'] ?? 0);
  const named = spec.template?.metadata?.name;
  const same = revisions.find((r) => (named ? r.metadata.name === named : jsonEqual(r['spec'] ?? {}, template)));
  if (same) return { name: same.metadata.name, generation: generationOf(same), exists: true };
  const generation = Math.max(0, ...revisions.map(generationOf)) + 1;
  return { name: named || `${service.metadata.name}-${String(generation).padStart(5, '0')}`, generation, exists: false };
}

function readyCondition(ready: boolean, now: Date): Record<string, unknown> {
  return { type: 'Ready', status: ready ? 'True' : 'Unknown', reason: ready ? undefined : 'Deploying', lastTransitionTime: now.toISOString() };
}

function isReady(revision: KubeObject | undefined): boolean {
  const conditions = ((revision?.['status'] as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []);
  return conditions.some((c) => c.type === 'Ready' && c.status === 'True');
}

/**
 * Knative's autoscaler under a steady load: a Revision that gets traffic runs one pod; a new Revision starts at
 * its initial scale of one pod until it is ready; a ready Revision without traffic is scaled to zero.
 */
function desiredReplicas(routed: boolean, ready: boolean): number {
  return routed || !ready ? 1 : 0;
}

/** One pass of the Knative controllers over every Knative Service. */
export function syncKnativeServices(ctx: WorldContext): void {
  for (const service of ctx.cluster.list(KNATIVE.services)) {
    if (service.metadata.deletionTimestamp !== undefined) continue;
    const namespace = service.metadata.namespace;
    const spec = (service['spec'] ?? {}) as KnativeServiceSpec;
    const own = (): KubeObject[] => ctx.cluster.list(KNATIVE.revisions, namespace).filter((r) => r.metadata.labels?.['serving.knative.dev/service'] === service.metadata.name);
    const { name: latest, generation, exists } = revisionFor(service, own());
    if (!exists) {
      ctx.cluster.create(KNATIVE.revisions, {
        apiVersion: 'serving.knative.dev/v1',
        kind: 'Revision',
        metadata: {
          name: latest,
          namespace,
          labels: { 'serving.knative.dev/service': service.metadata.name, 'serving.knative.dev/configurationGeneration': String(generation) },
          ownerReferences: [{ apiVersion: service.apiVersion, kind: 'Service', name: service.metadata.name, uid: service.metadata.uid ?? '', controller: true }],
        },
        spec: structuredClone(spec.template?.spec ?? {}),
      });
    }
    const revisions = own();
    const readiness = new Map<string, boolean>();
    for (const revision of revisions) {
      const image = ((revision['spec'] as { containers?: { image?: string }[] } | undefined)?.containers ?? [])[0]?.image;
      const behaviour = ctx.images.behaviour(image);
      const born = ctx.pods.birthTime(revision, ctx.now);
      readiness.set(revision.metadata.name, !behaviour.neverReady && !behaviour.crashLoop && ctx.now.getTime() - born >= behaviour.readyAfterTicks * ctx.tickMs);
    }
    const generationOf = (name: string): number => Number(revisions.find((r) => r.metadata.name === name)?.metadata.labels?.['serving.knative.dev/configurationGeneration'] ?? 0);
    const readyNames = [...readiness.keys()].filter((name) => readiness.get(name) === true);
    const latestReady = readyNames.sort((a, b) => generationOf(b) - generationOf(a))[0];
    const previous = (service['status'] ?? {}) as { traffic?: TrafficTarget[] };
    const wanted = spec.traffic && spec.traffic.length > 0 ? spec.traffic : [{ latestRevision: true, percent: 100 }];
    const resolved = wanted.map((t) => ({ ...t, revisionName: t.latestRevision ? latestReady : t.revisionName }));
    const routable = resolved.every((t) => t.revisionName !== undefined && readiness.get(t.revisionName) === true);
    const traffic = routable ? resolved : previous.traffic;

    for (const revision of revisions) {
      const name = revision.metadata.name;
      const ready = readiness.get(name) === true;
      const desired = desiredReplicas((traffic ?? []).some((t) => t.revisionName === name && (t.percent ?? 0) > 0), ready);
      const existing = (revision['status'] as { conditions?: unknown[] } | undefined)?.conditions;
      // The condition keeps its transition time while the readiness it says holds.
      const conditions = existing !== undefined && isReady(revision) === ready ? existing : [readyCondition(ready, ctx.now)];
      ctx.cluster.updateStatus(KNATIVE.revisions, revision, { observedGeneration: revision.metadata.generation ?? 1, conditions, desiredReplicas: desired, actualReplicas: ready ? desired : 0 });
    }
    const status = {
      observedGeneration: service.metadata.generation ?? 1,
      latestCreatedRevisionName: latest,
      ...(latestReady ? { latestReadyRevisionName: latestReady } : {}),
      ...(traffic ? { traffic } : {}),
      conditions: [readyCondition(routable && latestReady === latest, ctx.now)],
    };
    ctx.cluster.updateStatus(KNATIVE.services, service, status);
  }
}

/** A Revision as the world's summary gives it: pods Knative's autoscaler wants, those ready, its image. */
export function revisionSummary(revision: KubeObject): { replicas: number; readyReplicas: number; image: string | undefined } {
  const status = (revision['status'] ?? {}) as { desiredReplicas?: number; actualReplicas?: number };
  const image = ((revision['spec'] as { containers?: { image?: string }[] } | undefined)?.containers ?? [])[0]?.image;
  return { replicas: status.desiredReplicas ?? 0, readyReplicas: status.actualReplicas ?? 0, image };
}
