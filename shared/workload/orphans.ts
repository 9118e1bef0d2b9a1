/**
 * Fledge's safety for a Canary deleted without `revertOnDeletion` (beyond Flagger, which leaves the target as
 * it is): a target Fledge scaled to zero whose primary is gone, or owned by the deleted Canary and so about to
 * be garbage-collected, would leave the application with no pod at all. Such a target is scaled back up to
 * the replicas it had when Fledge scaled it to zero (a DaemonSet loses Fledge's no-node selector). Fledge
 * finds it by the annotation `scaleToZero` leaves on it, since the Canary, and with it `targetRef`, is gone.
 */
import type { KubeClient, ObjectRef } from '../kube/types.ts';
import { ORIGINAL_REPLICAS_ANNOTATION } from './deployment.ts';
import { DAEMONSET_SCALE_TO_ZERO_SELECTOR, SCALED_BY_ANNOTATION } from './hash.ts';
import type { DaemonSet, Deployment } from './objects.ts';

/** A target scaled back up: `Deployment/podinfo`. */
export type RevivedTarget = `${'Deployment' | 'DaemonSet'}/${string}`;

/**
 * Scales back up every target in `namespace` that the Canary `canaryName`, now deleted, scaled to zero and
 * whose `<target>-primary` is gone or owned by that Canary. Returns what it scaled, in name order; idempotent
 * (a target already back up is no longer at zero).
 */
export async function reviveOrphanedTargets(kube: KubeClient, namespace: string, canaryName: string): Promise<RevivedTarget[]> {
  const [deployments, daemonSets] = await Promise.all([
    kube.list<Deployment>('apps/v1', 'Deployment', { namespace }),
    kube.list<DaemonSet>('apps/v1', 'DaemonSet', { namespace }),
  ]);
  const revived: RevivedTarget[] = [];
  const scaledBy = (o: Deployment | DaemonSet): boolean => o.metadata.annotations?.[SCALED_BY_ANNOTATION] === canaryName;
  const byName = (a: { metadata: { name: string } }, b: { metadata: { name: string } }): number => (a.metadata.name < b.metadata.name ? -1 : 1);
  for (const target of deployments.filter(scaledBy).sort(byName)) {
    if ((target.spec.replicas ?? 1) !== 0) continue;
    const ref = refOf(namespace, 'Deployment', target.metadata.name);
    if (!(await primaryGone(kube, ref, canaryName))) continue;
    const recorded = Number(target.metadata.annotations?.[ORIGINAL_REPLICAS_ANNOTATION]);
    const replicas = Number.isInteger(recorded) && recorded > 0 ? recorded : 1;
    await kube.patch(ref, 'merge', { metadata: { annotations: { [SCALED_BY_ANNOTATION]: null } }, spec: { replicas } });
    revived.push(`Deployment/${target.metadata.name}`);
  }
  for (const target of daemonSets.filter(scaledBy).sort(byName)) {
    const selector = target.spec.template.spec.nodeSelector ?? {};
    const keys = Object.keys(DAEMONSET_SCALE_TO_ZERO_SELECTOR).filter((key) => key in selector);
    if (keys.length === 0) continue;
    const ref = refOf(namespace, 'DaemonSet', target.metadata.name);
    if (!(await primaryGone(kube, ref, canaryName))) continue;
    await kube.patch(ref, 'merge', {
      metadata: { annotations: { [SCALED_BY_ANNOTATION]: null } },
      spec: { template: { spec: { nodeSelector: Object.fromEntries(keys.map((key) => [key, null])) } } },
    });
    revived.push(`DaemonSet/${target.metadata.name}`);
  }
  return revived;
}

function refOf(namespace: string, kind: 'Deployment' | 'DaemonSet', name: string): ObjectRef {
  return { apiVersion: 'apps/v1', kind, namespace, name };
}

/** The primary of `target` is missing, or will be: the deleted Canary owns it. */
async function primaryGone(kube: KubeClient, target: ObjectRef, canaryName: string): Promise<boolean> {
  const primary = await kube.get(refOf(target.namespace ?? 'default', target.kind as 'Deployment' | 'DaemonSet', `${target.name}-primary`));
  if (primary === undefined) return true;
  return (primary.metadata.ownerReferences ?? []).some((owner) => owner.kind === 'Canary' && owner.name === canaryName);
}
