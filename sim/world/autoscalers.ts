import type { KubeObject } from '../emulator/types.ts';
import { GVR } from './cluster.ts';
import type { WorldContext } from './context.ts';
import { intField, timestamp } from './objects.ts';
import type { Condition } from './objects.ts';

interface ScaleTargetRef {
  apiVersion?: string;
  kind?: string;
  name?: string;
}

/** The Deployment an autoscaler targets, if the reference names one that exists. */
function targetDeployment(ctx: WorldContext, namespace: string | undefined, ref: ScaleTargetRef | undefined): KubeObject | undefined {
  if (!ref?.name || (ref.kind ?? 'Deployment') !== 'Deployment' || !(ref.apiVersion ?? 'apps/v1').startsWith('apps/')) return undefined;
  return ctx.cluster.get(GVR.deployments, namespace, ref.name);
}

function specReplicas(deployment: KubeObject): number {
  return intField((deployment['spec'] as { replicas?: unknown } | undefined)?.replicas, 1);
}

function setReplicas(ctx: WorldContext, deployment: KubeObject, replicas: number): void {
  ctx.cluster.update(GVR.deployments, { ...deployment, spec: { ...(deployment['spec'] as object), replicas } });
}

const clamp = (n: number, min: number, max: number): number => Math.min(Math.max(n, min), max);

/**
 * The replica count an autoscaler's metrics recommend. There is no metrics pipeline, so the recommendation is
 * the count the target was last given by someone other than the autoscaler (its manifest, `kubectl scale`,
 * the canary controller): the autoscaler clamps it, and keeps reporting the clamp while it holds.
 */
function recommendation(ctx: WorldContext, autoscaler: KubeObject, current: number): number {
  const key = autoscaler.metadata.uid ?? autoscaler.metadata.name;
  const memory = ctx.recommendations.get(key);
  if (memory && memory.wrote === current) return memory.recommended;
  ctx.recommendations.set(key, { recommended: current, wrote: undefined });
  return current;
}

function recordWrite(ctx: WorldContext, autoscaler: KubeObject, recommended: number, wrote: number): void {
  ctx.recommendations.set(autoscaler.metadata.uid ?? autoscaler.metadata.name, { recommended, wrote });
}

/**
 * A HorizontalPodAutoscaler (autoscaling/v2) without a metrics pipeline: the metrics recommend the count the
 * target was last given by others (see `recommendation`), so the controller keeps the target Deployment's
 * `spec.replicas` within `[minReplicas (default 1), maxReplicas]` and reports `ScalingLimited` while it
 * clamps. A target scaled to zero is left alone (`ScalingDisabled`), as the real controller does — Flagger
 * relies on that when it scales a canary down.
 */
function syncHorizontalPodAutoscaler(ctx: WorldContext, hpa: KubeObject): void {
  const spec = (hpa['spec'] ?? {}) as { scaleTargetRef?: ScaleTargetRef; minReplicas?: unknown; maxReplicas?: unknown };
  const previous = (hpa['status'] ?? {}) as { conditions?: Condition[]; lastScaleTime?: string };
  const at = timestamp(ctx.now);
  let conditions = previous.conditions ?? [];
  // As the HPA controller's setCondition: reason and message always refreshed, transition time only on a status change.
  const set = (type: string, status: Condition['status'], reason: string, message: string): void => {
    const current = conditions.find((c) => c.type === type);
    const lastTransitionTime = current && current.status === status && current.lastTransitionTime ? current.lastTransitionTime : at;
    const next = { type, status, lastTransitionTime, reason, message };
    conditions = current ? conditions.map((c) => (c.type === type ? next : c)) : [...conditions, next];
  };
  const target = targetDeployment(ctx, hpa.metadata.namespace, spec.scaleTargetRef);
  const status: Record<string, unknown> = {};
  if (hpa.metadata.generation !== undefined) status['observedGeneration'] = hpa.metadata.generation;
  if (previous.lastScaleTime) status['lastScaleTime'] = previous.lastScaleTime;
  if (!target) {
    const ref = spec.scaleTargetRef ?? {};
    set('AbleToScale', 'False', 'FailedGetScale', `the HPA controller was unable to get the target's current scale: ${String(ref.kind ?? 'Deployment').toLowerCase()}s.apps "${ref.name ?? ''}" not found`);
    status['desiredReplicas'] = 0;
  } else {
    const current = specReplicas(target);
    const min = Math.max(1, intField(spec.minReplicas, 1));
    const max = Math.max(min, intField(spec.maxReplicas, min));
    if (current === 0) {
      set('AbleToScale', 'True', 'SucceededGetScale', 'the HPA controller was able to get the target\'s current scale');
      set('ScalingActive', 'False', 'ScalingDisabled', 'scaling is disabled since the replica count of the target is zero');
      status['desiredReplicas'] = 0;
    } else {
      const recommended = recommendation(ctx, hpa, current);
      const desired = clamp(recommended, min, max);
      if (desired !== current) {
        setReplicas(ctx, target, desired);
        recordWrite(ctx, hpa, recommended, desired);
        status['lastScaleTime'] = at;
        set('AbleToScale', 'True', 'SucceededRescale', `the HPA controller was able to update the target scale to ${desired}`);
      } else {
        set('AbleToScale', 'True', 'ReadyForNewScale', 'recommended size matches current size');
      }
      set('ScalingActive', 'True', 'ValidMetricFound', 'the HPA was able to successfully calculate a replica count');
      if (recommended < min) set('ScalingLimited', 'True', 'TooFewReplicas', 'the desired replica count is less than the minimum replica count');
      else if (recommended > max) set('ScalingLimited', 'True', 'TooManyReplicas', 'the desired replica count is more than the maximum replica count');
      else set('ScalingLimited', 'False', 'DesiredWithinRange', 'the desired count is within the acceptable range');
      status['currentReplicas'] = current;
      status['desiredReplicas'] = desired;
    }
  }
  status['conditions'] = conditions;
  const fresh = ctx.cluster.get(GVR.horizontalPodAutoscalers, hpa.metadata.namespace, hpa.metadata.name);
  if (fresh) ctx.cluster.updateStatus(GVR.horizontalPodAutoscalers, fresh, status);
}

const PAUSED_REPLICAS = 'autoscaling.keda.sh/paused-replicas';
const PAUSED = 'autoscaling.keda.sh/paused';

/**
 * A KEDA ScaledObject (keda.sh/v1alpha1) whose triggers are taken to be active: the target Deployment is kept
 * within `[max(minReplicaCount, 1), maxReplicaCount]` (defaults 0 and 100). `autoscaling.keda.sh/paused-replicas`
 * pins the target at that count, as Flagger uses it to scale a canary to zero; `autoscaling.keda.sh/paused`
 * leaves it alone.
 */
function syncScaledObject(ctx: WorldContext, so: KubeObject): void {
  const spec = (so['spec'] ?? {}) as { scaleTargetRef?: ScaleTargetRef; minReplicaCount?: unknown; maxReplicaCount?: unknown };
  const previous = (so['status'] ?? {}) as { conditions?: Condition[]; originalReplicaCount?: number };
  const annotations = so.metadata.annotations ?? {};
  const target = targetDeployment(ctx, so.metadata.namespace, spec.scaleTargetRef);
  const ok = (type: string, value: boolean, reason: string, message: string): Condition => ({ type, status: value ? 'True' : 'False', reason, message });
  const status: Record<string, unknown> = {
    scaleTargetKind: 'apps/v1.Deployment',
    scaleTargetGVKR: { group: 'apps', version: 'v1', kind: 'Deployment', resource: 'deployments' },
    hpaName: `keda-hpa-${so.metadata.name}`,
  };
  if (!target) {
    status['conditions'] = [ok('Ready', false, 'ScaledObjectCheckFailed', `ScaledObject doesn't have correct scaleTargetRef specification: ${spec.scaleTargetRef?.name ?? ''} not found`)];
  } else {
    const current = specReplicas(target);
    status['originalReplicaCount'] = previous.originalReplicaCount ?? current;
    const pinned = annotations[PAUSED_REPLICAS];
    const paused = pinned !== undefined || annotations[PAUSED] === 'true';
    if (pinned !== undefined && /^\d+$/.test(pinned)) {
      setReplicas(ctx, target, Number(pinned));
      status['pausedReplicaCount'] = Number(pinned);
    } else if (!paused) {
      const min = Math.max(1, intField(spec.minReplicaCount, 0));
      const max = Math.max(min, intField(spec.maxReplicaCount, 100));
      const recommended = recommendation(ctx, so, current);
      const desired = clamp(recommended, min, max);
      if (desired !== current) {
        setReplicas(ctx, target, desired);
        recordWrite(ctx, so, recommended, desired);
      }
    }
    status['conditions'] = [
      ok('Ready', true, 'ScaledObjectReady', 'ScaledObject is defined correctly and is ready for scaling'),
      ok('Active', !paused, paused ? 'ScalerNotActive' : 'ScalerActive', paused ? 'Scaling is not performed because triggers are not active' : 'Scaling is performed because triggers are active'),
      ok('Fallback', false, 'NoFallbackFound', 'No fallbacks are active on this scaled object'),
      ok('Paused', paused, paused ? 'ScaledObjectPaused' : 'ScaledObjectUnpaused', paused ? 'ScaledObject is paused' : 'pause annotation removed for ScaledObject'),
    ];
  }
  const fresh = ctx.cluster.get(GVR.scaledObjects, so.metadata.namespace, so.metadata.name);
  if (fresh) ctx.cluster.updateStatus(GVR.scaledObjects, fresh, status);
}

/** The autoscalers: every HorizontalPodAutoscaler, then every KEDA ScaledObject (when their CRD is installed). */
export function syncAutoscalers(ctx: WorldContext): void {
  for (const hpa of ctx.cluster.list(GVR.horizontalPodAutoscalers)) syncHorizontalPodAutoscaler(ctx, hpa);
  for (const so of ctx.cluster.list(GVR.scaledObjects)) syncScaledObject(ctx, so);
}
