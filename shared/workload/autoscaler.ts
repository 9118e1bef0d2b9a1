/**
 * The primary's autoscaler: Flagger copies the target's HorizontalPodAutoscaler (autoscaling/v2) or KEDA
 * ScaledObject as `<name>-primary`, pointed at `<target>-primary`, with `primaryScalerReplicas` and
 * `primaryScalerQueries` applied; while the target is scaled to zero its ScaledObject is paused.
 */
import type { Canary } from '../api/types.ts';
import type { KubeClient } from '../kube/types.ts';
import { WorkloadError } from './errors.ts';
import { canonicalJson } from '../json.ts';
import { canaryNamespace, canaryOwnerReferences, filterMetadata, primaryName } from './labels.ts';
import type { HorizontalPodAutoscaler, ScaledObject } from './objects.ts';

/** KEDA's annotation that holds a ScaledObject's target at a fixed replica count. */
export const KEDA_PAUSED_REPLICAS_ANNOTATION = 'autoscaling.keda.sh/paused-replicas';

const HPA_API_VERSION = 'autoscaling/v2';
const KEDA_API_VERSION = 'keda.sh/v1alpha1';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A trigger query rewritten for the primary: `<target>` and `<target>-canary` become `<target>-primary`,
 * leaving `<target>-primary` alone (Flagger's best effort; `primaryScalerQueries` overrides it per trigger).
 */
export function primaryQuery(query: string, targetName: string): string {
  const pattern = new RegExp(`${escapeRegExp(targetName)}(?:-canary)?(?!-primary)`, 'g');
  return query.replace(pattern, `${targetName}-primary`);
}

/** The spec of the primary HPA built from the target's. */
export function primaryHpaSpec(canary: Canary, source: HorizontalPodAutoscaler): HorizontalPodAutoscaler['spec'] {
  const overrides = canary.spec.autoscalerRef?.primaryScalerReplicas;
  const spec: HorizontalPodAutoscaler['spec'] = {
    scaleTargetRef: { apiVersion: source.spec.scaleTargetRef.apiVersion, kind: source.spec.scaleTargetRef.kind, name: primaryName(canary) },
    maxReplicas: overrides?.maxReplicas ?? source.spec.maxReplicas,
  };
  const minReplicas = overrides?.minReplicas ?? source.spec.minReplicas;
  if (minReplicas !== undefined) spec.minReplicas = minReplicas;
  if (source.spec.metrics !== undefined) spec.metrics = source.spec.metrics;
  if (source.spec.behavior !== undefined) spec.behavior = source.spec.behavior;
  return spec;
}

/** The spec of the primary ScaledObject built from the target's. */
export function primaryScaledObjectSpec(canary: Canary, source: ScaledObject): ScaledObject['spec'] {
  const targetName = canary.spec.targetRef.name;
  const queries = canary.spec.autoscalerRef?.primaryScalerQueries ?? {};
  const overrides = canary.spec.autoscalerRef?.primaryScalerReplicas;
  const triggers = source.spec.triggers.map((trigger) => {
    const query = trigger.metadata?.query;
    if (query === undefined) return trigger;
    const override = trigger.name !== undefined ? queries[trigger.name] : undefined;
    return { ...trigger, metadata: { ...trigger.metadata, query: override ?? primaryQuery(query, targetName) } };
  });
  const { scaleTargetRef } = source.spec;
  const spec: ScaledObject['spec'] = {
    scaleTargetRef: {
      ...(scaleTargetRef.apiVersion !== undefined ? { apiVersion: scaleTargetRef.apiVersion } : {}),
      ...(scaleTargetRef.kind !== undefined ? { kind: scaleTargetRef.kind } : {}),
      name: primaryName(canary),
      ...(scaleTargetRef.envSourceContainerName !== undefined ? { envSourceContainerName: scaleTargetRef.envSourceContainerName } : {}),
    },
    triggers,
  };
  const copied = ['pollingInterval', 'cooldownPeriod', 'idleReplicaCount', 'advanced', 'fallback'] as const;
  for (const field of copied) if (source.spec[field] !== undefined) (spec as Record<string, unknown>)[field] = source.spec[field];
  const min = overrides?.minReplicas ?? source.spec.minReplicaCount;
  const max = overrides?.maxReplicas ?? source.spec.maxReplicaCount;
  if (min !== undefined) spec.minReplicaCount = min;
  if (max !== undefined) spec.maxReplicaCount = max;
  return spec;
}

async function readSource<T extends HorizontalPodAutoscaler | ScaledObject>(kube: KubeClient, canary: Canary): Promise<T> {
  const ref = canary.spec.autoscalerRef;
  if (!ref) throw new WorkloadError('Canary has no spec.autoscalerRef');
  const apiVersion = ref.kind === 'HorizontalPodAutoscaler' ? HPA_API_VERSION : KEDA_API_VERSION;
  const source = await kube.get<T>({ apiVersion, kind: ref.kind, namespace: canaryNamespace(canary), name: ref.name });
  if (!source) throw new WorkloadError(`${ref.kind} ${ref.name}.${canaryNamespace(canary)} (spec.autoscalerRef) not found`);
  return source;
}

/**
 * Creates `<autoscaler>-primary` when missing. With `init` false (promotion) an existing one is brought in
 * line with the target's autoscaler when its spec or labels differ. Idempotent.
 */
export async function reconcilePrimaryAutoscaler(kube: KubeClient, canary: Canary, init: boolean): Promise<void> {
  const ref = canary.spec.autoscalerRef;
  if (!ref) return;
  const source = await readSource<HorizontalPodAutoscaler | ScaledObject>(kube, canary);
  const spec =
    ref.kind === 'HorizontalPodAutoscaler'
      ? primaryHpaSpec(canary, source as HorizontalPodAutoscaler)
      : primaryScaledObjectSpec(canary, source as ScaledObject);
  const namespace = canaryNamespace(canary);
  const name = `${ref.name}-primary`;
  const labels = filterMetadata(source.metadata.labels);
  const existing = await kube.get<HorizontalPodAutoscaler | ScaledObject>({ apiVersion: source.apiVersion, kind: ref.kind, namespace, name });
  if (!existing) {
    const ownerReferences = canaryOwnerReferences(canary);
    await kube.create({
      apiVersion: source.apiVersion,
      kind: ref.kind,
      metadata: { name, namespace, labels, ...(ownerReferences.length > 0 ? { ownerReferences } : {}) },
      spec,
    });
    return;
  }
  if (init) return;
  if (canonicalJson(existing.spec) === canonicalJson(spec) && canonicalJson(existing.metadata.labels ?? {}) === canonicalJson(labels)) return;
  await kube.replace({ ...existing, metadata: { ...existing.metadata, labels }, spec });
}

/** Holds the target's ScaledObject at zero replicas while the target is scaled down (HPAs need nothing). */
export async function pauseTargetScaler(kube: KubeClient, canary: Canary): Promise<void> {
  const ref = canary.spec.autoscalerRef;
  if (ref?.kind !== 'ScaledObject') return;
  await kube.patch({ apiVersion: KEDA_API_VERSION, kind: 'ScaledObject', namespace: canaryNamespace(canary), name: ref.name }, 'merge', {
    metadata: { annotations: { [KEDA_PAUSED_REPLICAS_ANNOTATION]: '0' } },
  });
}

/** Lets the target's ScaledObject scale again. */
export async function resumeTargetScaler(kube: KubeClient, canary: Canary): Promise<void> {
  const ref = canary.spec.autoscalerRef;
  if (ref?.kind !== 'ScaledObject') return;
  await kube.patch({ apiVersion: KEDA_API_VERSION, kind: 'ScaledObject', namespace: canaryNamespace(canary), name: ref.name }, 'merge', {
    metadata: { annotations: { [KEDA_PAUSED_REPLICAS_ANNOTATION]: null } },
  });
}

/** The target autoscaler's minimum when above 1 (Flagger's scale-from-zero floor), else `undefined`. */
export async function autoscalerMinimum(kube: KubeClient, canary: Canary): Promise<number | undefined> {
  const ref = canary.spec.autoscalerRef;
  if (!ref) return undefined;
  let source: HorizontalPodAutoscaler | ScaledObject;
  try {
    source = await readSource<HorizontalPodAutoscaler | ScaledObject>(kube, canary);
  } catch (error) {
    if (error instanceof WorkloadError) return undefined;
    throw error;
  }
  const min = ref.kind === 'HorizontalPodAutoscaler' ? (source as HorizontalPodAutoscaler).spec.minReplicas : (source as ScaledObject).spec.minReplicaCount;
  return min !== undefined && min > 1 ? min : undefined;
}
