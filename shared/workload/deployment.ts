import type { Canary } from '../api/types.ts';
import { autoscalerMinimum, pauseTargetScaler, resumeTargetScaler } from './autoscaler.ts';
import { deploymentUpdateDisruptive } from './disruption.ts';
import { canaryNamespace } from './labels.ts';
import { SCALED_BY_ANNOTATION } from './hash.ts';
import type { Deployment } from './objects.ts';
import { DEFAULT_PROGRESS_DEADLINE_SECONDS, PodWorkload, type Role } from './pod-workload.ts';
import { deploymentExpectedState, deploymentProgress, deploymentReadiness, describe } from './readiness.ts';
import type { ExpectedState, Readiness, ReadinessContext, RolloutProgress } from './types.ts';

/**
 * Where `scaleToZero` records the replica count the target had, so `scaleFromZero` can restore it even
 * though the target itself stays at zero between releases (a Fledge annotation on the Deployment's
 * metadata: the pod template, and so the revision hash, is untouched).
 */
export const ORIGINAL_REPLICAS_ANNOTATION = 'fledge.dev/original-replicas';

/** The spec fields Flagger copies from the target Deployment to the primary. */
const DEPLOYMENT_SETTINGS = ['progressDeadlineSeconds', 'minReadySeconds', 'revisionHistoryLimit', 'strategy'] as const;

/** The Workload of a `kind: Deployment` target (Flagger's DeploymentController). */
export class DeploymentWorkload extends PodWorkload<Deployment> {
  readonly kind = 'Deployment' as const;

  protected settingsOf(target: Deployment): Record<string, unknown> {
    const settings: Record<string, unknown> = {};
    for (const key of DEPLOYMENT_SETTINGS) if (target.spec[key] !== undefined) settings[key] = target.spec[key];
    return settings;
  }

  protected primarySpecExtras(target: Deployment): Record<string, unknown> {
    const replicas = target.spec.replicas;
    const recorded = Number(target.metadata.annotations?.[ORIGINAL_REPLICAS_ANNOTATION]);
    return { replicas: replicas !== undefined && replicas > 0 ? replicas : recorded > 0 ? recorded : 1 };
  }

  protected validateTarget(): void {}

  protected readiness(object: Deployment, role: Role, canary: Canary, context: ReadinessContext): Readiness {
    const analysis = canary.spec.analysis;
    const readiness = deploymentReadiness(object, {
      now: context.now,
      deadlineSeconds: canary.spec.progressDeadlineSeconds ?? DEFAULT_PROGRESS_DEADLINE_SECONDS,
      thresholdPercent: (role === 'primary' ? analysis.primaryReadyThreshold : analysis.canaryReadyThreshold) ?? 100,
    });
    const where = `${object.metadata.name}.${canaryNamespace(canary)}`;
    if (role === 'canary') return describe(readiness, `canary deployment ${where} not ready: `);
    if (readiness.kind === 'ready' && object.spec.replicas === 0) {
      return { kind: 'wait', reason: `halt ${canary.metadata.name}.${canaryNamespace(canary)} advancement: primary deployment is scaled to zero` };
    }
    return describe(readiness, `${where} not ready: `);
  }

  protected expectedOf(object: Deployment): ExpectedState {
    return deploymentExpectedState(object);
  }

  protected progressOf(object: Deployment): RolloutProgress {
    return deploymentProgress(object);
  }

  protected availableOf(object: Deployment): number {
    return object.status?.availableReplicas ?? 0;
  }

  protected replicasOf(object: Deployment): number {
    return object.spec.replicas ?? 1;
  }

  /** The target's strategy and, unless an autoscaler owns it, its replica count are what `promote` copies. */
  protected promotionDisruptive(target: Deployment, primary: Deployment, canary: Canary): boolean {
    const replicas = canary.spec.autoscalerRef ? (primary.spec.replicas ?? 1) : (target.spec.replicas ?? 1);
    return deploymentUpdateDisruptive(target.spec.strategy, replicas);
  }

  async scaleToZero(canary: Canary): Promise<void> {
    const target = await this.readTarget(canary);
    const current = target.spec.replicas ?? 1;
    if (current > 0) {
      await this.kube.patch(this.ref(canary, target.metadata.name), 'merge', {
        metadata: { annotations: { [ORIGINAL_REPLICAS_ANNOTATION]: String(current), [SCALED_BY_ANNOTATION]: canary.metadata.name ?? null } },
        spec: { replicas: 0 },
      });
    }
    await pauseTargetScaler(this.kube, canary);
  }

  async scaleFromZero(canary: Canary, replicas?: number): Promise<number> {
    await resumeTargetScaler(this.kube, canary);
    const target = await this.readTarget(canary);
    const wanted = replicas ?? (await this.fromZeroReplicas(canary, target));
    if (target.spec.replicas !== wanted) await this.kube.patch(this.ref(canary, target.metadata.name), 'merge', { spec: { replicas: wanted } });
    return wanted;
  }

  /** The scale-from-zero rule: target's own, recorded, primary's (no autoscaler), autoscaler minimum, 1. */
  private async fromZeroReplicas(canary: Canary, target: Deployment): Promise<number> {
    if ((target.spec.replicas ?? 0) > 0) return target.spec.replicas as number;
    const recorded = Number(target.metadata.annotations?.[ORIGINAL_REPLICAS_ANNOTATION]);
    if (recorded > 0) return recorded;
    if (!canary.spec.autoscalerRef) {
      const primary = await this.readPrimary(canary);
      if ((primary?.spec.replicas ?? 0) > 0) return primary?.spec.replicas as number;
      return 1;
    }
    return (await autoscalerMinimum(this.kube, canary)) ?? 1;
  }

  async finalize(canary: Canary): Promise<void> {
    const primary = await this.readPrimary(canary);
    if (!primary) {
      await this.scaleFromZero(canary);
      return;
    }
    await this.scaleFromZero(canary, primary.spec.replicas ?? 1);
  }
}

