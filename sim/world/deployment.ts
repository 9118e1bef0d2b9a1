import type { KubeObject } from '../emulator/types.ts';
import { GVR } from './cluster.ts';
import type { WorldContext } from './context.ts';
import { deploymentSpec, deploymentStatus, isDeploymentComplete, maxUnavailable, resolveFenceposts } from './deployment-spec.ts';
import type { DeploymentSpec, DeploymentStatus } from './deployment-spec.ts';
import { DeploymentReason, deploymentCondition, writeDeploymentStatus } from './deployment-status.ts';
import { jsonEqual, podTemplateHash, stripHashLabels } from './hash.ts';
import { findCondition, intField, isControlledBy, ownerReference, setCondition } from './objects.ts';
import { byCreation, podsByController } from './pods.ts';
import { replicaSetCounts, replicaSetSpec } from './replicaset.ts';

/** Annotation carrying the rollout revision on Deployments and their ReplicaSets. */
export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';

/** One Deployment being synced: what was read, and the status being built. */
interface Sync {
  readonly ctx: WorldContext;
  readonly deployment: KubeObject;
  readonly spec: DeploymentSpec;
  readonly stored: DeploymentStatus;
  readonly draft: DeploymentStatus;
}

const replicasOf = (rs: KubeObject): number => intField(replicaSetSpec(rs).replicas, 1);
const availableOf = (rs: KubeObject): number => replicaSetCounts(rs).availableReplicas;
const revisionOf = (rs: KubeObject): number => Number(rs.metadata.annotations?.[REVISION_ANNOTATION] ?? 0) || 0;
const sumReplicas = (list: readonly KubeObject[]): number => list.reduce((n, rs) => n + replicasOf(rs), 0);

/**
 * The deployment controller, one reconcile of every Deployment per call: ReplicaSets named
 * `<deployment>-<pod-template-hash>`, RollingUpdate within maxSurge/maxUnavailable, Recreate (old pods gone
 * before the new ReplicaSet is created), `paused`, revision history, and status with the `Progressing` and
 * `Available` conditions — the algorithm of kube-controller-manager's deployment controller.
 */
export function syncDeployments(ctx: WorldContext): void {
  for (const deployment of ctx.cluster.list(GVR.deployments)) syncDeployment(ctx, deployment);
}

function ownedReplicaSets(ctx: WorldContext, deployment: KubeObject): KubeObject[] {
  return ctx.cluster
    .list(GVR.replicaSets, deployment.metadata.namespace)
    .filter((rs) => isControlledBy(rs, deployment))
    .sort(byCreation);
}

/** Kubernetes' `FindNewReplicaSet`: the oldest ReplicaSet whose template equals the Deployment's, hash label aside. */
function findNewReplicaSet(spec: DeploymentSpec, replicaSets: readonly KubeObject[]): KubeObject | undefined {
  const wanted = stripHashLabels(spec.template);
  return replicaSets.find((rs) => jsonEqual(stripHashLabels(replicaSetSpec(rs).template), wanted));
}

function syncDeployment(ctx: WorldContext, deployment: KubeObject): void {
  ctx.primaries.observe(deployment);
  const stored = deploymentStatus(deployment);
  const sync: Sync = { ctx, deployment, spec: deploymentSpec(deployment), stored, draft: structuredClone(stored) };
  if (deployment.metadata.deletionTimestamp !== undefined) {
    const all = ownedReplicaSets(ctx, deployment);
    finish(sync, findNewReplicaSet(sync.spec, all), false);
    return;
  }
  checkPausedConditions(sync);
  if (sync.spec.paused) syncPaused(sync);
  else if (sync.spec.strategy.type === 'Recreate') rolloutRecreate(sync);
  else rolloutRolling(sync);
}

function finish(sync: Sync, newRS: KubeObject | undefined, trackProgress: boolean): void {
  const all = ownedReplicaSets(sync.ctx, sync.deployment);
  const fresh = newRS && all.find((rs) => rs.metadata.uid === newRS.metadata.uid);
  writeDeploymentStatus(sync.ctx, sync.deployment, sync.spec, sync.draft, sync.stored, all, fresh, trackProgress);
}

/** Kubernetes' `checkPausedConditions`: Progressing=Unknown while paused, and once resumed; a timeout is kept. */
function checkPausedConditions(sync: Sync): void {
  if (sync.spec.progressDeadlineSeconds === undefined) return;
  const cond = findCondition(sync.draft.conditions, 'Progressing');
  if (cond?.reason === DeploymentReason.ProgressDeadlineExceeded) return;
  const pausedShown = cond?.reason === DeploymentReason.DeploymentPaused;
  if (sync.spec.paused && !pausedShown) {
    sync.draft.conditions = setCondition(sync.draft.conditions, deploymentCondition('Progressing', 'Unknown', DeploymentReason.DeploymentPaused, 'Deployment is paused', sync.ctx.now));
  } else if (!sync.spec.paused && pausedShown) {
    sync.draft.conditions = setCondition(sync.draft.conditions, deploymentCondition('Progressing', 'Unknown', DeploymentReason.DeploymentResumed, 'Deployment is resumed', sync.ctx.now));
  }
}

function scaleReplicaSet(ctx: WorldContext, rs: KubeObject, replicas: number): boolean {
  if (replicasOf(rs) === replicas) return false;
  const fresh = ctx.cluster.get(GVR.replicaSets, rs.metadata.namespace, rs.metadata.name) ?? rs;
  ctx.cluster.update(GVR.replicaSets, { ...fresh, spec: { ...replicaSetSpec(fresh), replicas } });
  return true;
}

function setDeploymentRevision(ctx: WorldContext, deployment: KubeObject, revision: number): void {
  const fresh = ctx.cluster.get(GVR.deployments, deployment.metadata.namespace, deployment.metadata.name);
  if (!fresh || fresh.metadata.annotations?.[REVISION_ANNOTATION] === String(revision)) return;
  ctx.cluster.update(GVR.deployments, { ...fresh, metadata: { ...fresh.metadata, annotations: { ...fresh.metadata.annotations, [REVISION_ANNOTATION]: String(revision) } } });
}

/**
 * Kubernetes' `getNewReplicaSet`: finds the ReplicaSet of the current template (bringing its revision and
 * minReadySeconds up to date) or, with `create`, creates it — named by the template hash, bumping
 * `collisionCount` if that name is taken by another template.
 */
function getNewReplicaSet(sync: Sync, create: boolean): KubeObject | undefined {
  const { ctx, deployment, spec, draft } = sync;
  const all = ownedReplicaSets(ctx, deployment);
  const existing = findNewReplicaSet(spec, all);
  const olds = all.filter((rs) => rs !== existing);
  const revision = olds.reduce((max, rs) => Math.max(max, revisionOf(rs)), 0) + 1;
  if (existing) {
    const stale = revisionOf(existing) < revision;
    const updated =
      stale || intField(replicaSetSpec(existing).minReadySeconds, 0) !== spec.minReadySeconds
        ? ctx.cluster.update(GVR.replicaSets, {
            ...existing,
            metadata: { ...existing.metadata, annotations: { ...existing.metadata.annotations, ...(stale ? { [REVISION_ANNOTATION]: String(revision) } : {}) } },
            spec: { ...replicaSetSpec(existing), minReadySeconds: spec.minReadySeconds },
          })
        : existing;
    setDeploymentRevision(ctx, deployment, revisionOf(updated));
    if (spec.progressDeadlineSeconds !== undefined && !findCondition(draft.conditions, 'Progressing')) {
      draft.conditions = setCondition(draft.conditions, deploymentCondition('Progressing', 'True', DeploymentReason.FoundNewReplicaSet, `Found new replica set "${updated.metadata.name}"`, ctx.now));
    }
    return updated;
  }
  if (!create) return undefined;
  for (;;) {
    const hash = podTemplateHash(spec.template, draft.collisionCount);
    const name = `${deployment.metadata.name}-${hash}`;
    if (ctx.cluster.get(GVR.replicaSets, deployment.metadata.namespace, name)) {
      draft.collisionCount++;
      continue;
    }
    const template = spec.template;
    const labels = { ...(template.metadata?.labels ?? {}), 'pod-template-hash': hash };
    const selector = { ...spec.selector, matchLabels: { ...(spec.selector.matchLabels ?? {}), 'pod-template-hash': hash } };
    const replicas = spec.strategy.type === 'Recreate' ? spec.replicas : newReplicaSetReplicas(spec, olds, 0);
    const created = ctx.cluster.create(GVR.replicaSets, {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name, namespace: deployment.metadata.namespace, labels, annotations: { [REVISION_ANNOTATION]: String(revision) }, ownerReferences: [ownerReference(deployment)] },
      spec: { replicas, minReadySeconds: spec.minReadySeconds, selector, template: { ...template, metadata: { ...(template.metadata ?? {}), labels } } },
    });
    setDeploymentRevision(ctx, deployment, revision);
    if (spec.progressDeadlineSeconds !== undefined) {
      draft.conditions = setCondition(draft.conditions, deploymentCondition('Progressing', 'True', DeploymentReason.NewReplicaSetCreated, `Created new replica set "${name}"`, ctx.now));
    }
    return created;
  }
}

/** Kubernetes' `NewRSNewReplicas` for RollingUpdate: grow the new ReplicaSet as far as maxSurge allows. */
function newReplicaSetReplicas(spec: DeploymentSpec, others: readonly KubeObject[], current: number): number {
  const maxTotal = spec.replicas + resolveFenceposts(spec).maxSurge;
  const total = sumReplicas(others) + current;
  if (total >= maxTotal) return current;
  return current + Math.min(maxTotal - total, spec.replicas - current);
}

function rolloutRolling(sync: Sync): void {
  const { ctx, spec } = sync;
  const newRS = getNewReplicaSet(sync, true);
  const all = ownedReplicaSets(ctx, sync.deployment);
  const fresh = all.find((rs) => rs.metadata.uid === newRS?.metadata.uid);
  const olds = all.filter((rs) => rs !== fresh);
  if (fresh && reconcileNewReplicaSet(sync, fresh, olds)) return finish(sync, fresh, true);
  if (fresh && reconcileOldReplicaSets(sync, fresh, olds.filter((rs) => replicasOf(rs) > 0))) return finish(sync, fresh, true);
  if (isDeploymentComplete(spec, sync.deployment.metadata.generation ?? 0, sync.draft)) cleanupDeployment(sync, olds);
  finish(sync, fresh, true);
}

function reconcileNewReplicaSet(sync: Sync, newRS: KubeObject, olds: readonly KubeObject[]): boolean {
  const { spec, ctx } = sync;
  const current = replicasOf(newRS);
  if (current === spec.replicas) return false;
  if (current > spec.replicas) return scaleReplicaSet(ctx, newRS, spec.replicas);
  return scaleReplicaSet(ctx, newRS, newReplicaSetReplicas(spec, olds, current));
}

/**
 * Kubernetes' `reconcileOldReplicaSets`: scale old ReplicaSets down as far as `maxUnavailable` allows,
 * unhealthy replicas first, counting the new ReplicaSet's unavailable pods against the budget.
 */
function reconcileOldReplicaSets(sync: Sync, newRS: KubeObject, activeOlds: readonly KubeObject[]): boolean {
  const { spec, ctx } = sync;
  if (sumReplicas(activeOlds) === 0) return false;
  const minAvailable = spec.replicas - maxUnavailable(spec);
  const newUnavailable = replicasOf(newRS) - availableOf(newRS);
  const maxScaledDown = sumReplicas(activeOlds) + replicasOf(newRS) - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return false;

  let cleaned = 0;
  const olds = [...activeOlds].sort(byCreation).map((rs) => {
    const replicas = replicasOf(rs);
    const unhealthy = replicas - availableOf(rs);
    if (cleaned >= maxScaledDown || replicas === 0 || unhealthy <= 0) return { rs, replicas };
    const down = Math.min(maxScaledDown - cleaned, unhealthy);
    cleaned += down;
    scaleReplicaSet(ctx, rs, replicas - down);
    return { rs, replicas: replicas - down };
  });

  const available = availableOf(newRS) + activeOlds.reduce((n, rs) => n + availableOf(rs), 0);
  let scaledDown = 0;
  if (available > minAvailable) {
    const budget = available - minAvailable;
    for (const old of olds) {
      if (scaledDown >= budget) break;
      if (old.replicas === 0) continue;
      const down = Math.min(old.replicas, budget - scaledDown);
      scaleReplicaSet(ctx, old.rs, old.replicas - down);
      scaledDown += down;
    }
  }
  return cleaned + scaledDown > 0;
}

function rolloutRecreate(sync: Sync): void {
  const { ctx, spec } = sync;
  let newRS = getNewReplicaSet(sync, false);
  const olds = ownedReplicaSets(ctx, sync.deployment).filter((rs) => rs.metadata.uid !== newRS?.metadata.uid);
  let scaledDown = false;
  for (const rs of olds) if (replicasOf(rs) > 0) scaledDown = scaleReplicaSet(ctx, rs, 0) || scaledDown;
  if (scaledDown) return finish(sync, newRS, true);
  const pods = podsByController(ctx, sync.deployment.metadata.namespace);
  if (olds.some((rs) => (pods.get(rs.metadata.uid ?? '') ?? []).length > 0)) return finish(sync, newRS, true);
  if (!newRS) newRS = getNewReplicaSet(sync, true);
  else scaleReplicaSet(ctx, newRS, spec.replicas);
  if (isDeploymentComplete(spec, sync.deployment.metadata.generation ?? 0, sync.draft)) cleanupDeployment(sync, olds);
  finish(sync, newRS, true);
}

/** Kubernetes' `sync` for a paused Deployment: no rollout, but scaling still applies. */
function syncPaused(sync: Sync): void {
  const { ctx, spec } = sync;
  const newRS = getNewReplicaSet(sync, false);
  const olds = ownedReplicaSets(ctx, sync.deployment).filter((rs) => rs.metadata.uid !== newRS?.metadata.uid);
  scale(sync, newRS, olds);
  if (isDeploymentComplete(spec, sync.deployment.metadata.generation ?? 0, sync.draft)) cleanupDeployment(sync, olds);
  finish(sync, newRS, false);
}

/**
 * Kubernetes' `scale`: a single active ReplicaSet (or, with none active, the newest) takes the new size; a
 * saturated new ReplicaSet retires the old ones; otherwise the difference is shared out in proportion to size.
 */
function scale(sync: Sync, newRS: KubeObject | undefined, olds: readonly KubeObject[]): void {
  const { ctx, spec } = sync;
  const all = [...(newRS ? [newRS] : []), ...[...olds].sort(byCreation).reverse()];
  const active = all.filter((rs) => replicasOf(rs) > 0);
  const sole = active.length === 1 ? active[0] : active.length === 0 ? all[0] : undefined;
  if (sole) {
    scaleReplicaSet(ctx, sole, spec.replicas);
    return;
  }
  if (newRS && replicasOf(newRS) === spec.replicas && availableOf(newRS) === spec.replicas) {
    for (const rs of olds) scaleReplicaSet(ctx, rs, 0);
    return;
  }
  if (spec.strategy.type !== 'RollingUpdate') return;
  const total = sumReplicas(active);
  const allowed = spec.replicas > 0 ? spec.replicas + resolveFenceposts(spec).maxSurge : 0;
  const toAdd = allowed - total;
  if (toAdd === 0 || total === 0) return;
  // Largest first; newer first when growing, older first when shrinking; the rounding leftover goes to the first.
  const ordered = [...active].sort((a, b) => replicasOf(b) - replicasOf(a) || (toAdd > 0 ? -byCreation(a, b) : byCreation(a, b)));
  const shares = ordered.map((rs) => Math.trunc((toAdd * replicasOf(rs)) / total));
  const leftover = toAdd - shares.reduce((n, s) => n + s, 0);
  ordered.forEach((rs, i) => scaleReplicaSet(ctx, rs, Math.max(0, replicasOf(rs) + (shares[i] ?? 0) + (i === 0 ? leftover : 0))));
}

/** Kubernetes' `cleanupDeployment`: delete the oldest scaled-down ReplicaSets beyond `revisionHistoryLimit`. */
function cleanupDeployment(sync: Sync, olds: readonly KubeObject[]): void {
  const cleanable = olds
    .filter((rs) => replicasOf(rs) === 0 && replicaSetCounts(rs).replicas === 0 && rs.metadata.deletionTimestamp === undefined)
    .sort((a, b) => revisionOf(a) - revisionOf(b) || byCreation(a, b));
  const excess = cleanable.length - sync.spec.revisionHistoryLimit;
  for (const rs of cleanable.slice(0, Math.max(0, excess))) sync.ctx.cluster.delete(GVR.replicaSets, rs.metadata.namespace, rs.metadata.name);
}
