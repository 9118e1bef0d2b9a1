import type { Canary } from '../api/types.ts';
import { daemonSetUpdateDisruptive } from './disruption.ts';
import { WorkloadError } from './errors.ts';
import { DAEMONSET_SCALE_TO_ZERO_SELECTOR, SCALED_BY_ANNOTATION } from './hash.ts';
import { canaryNamespace } from './labels.ts';
import type { DaemonSet } from './objects.ts';
import { DEFAULT_PROGRESS_DEADLINE_SECONDS, PodWorkload, type Role } from './pod-workload.ts';
import { daemonSetExpectedState, daemonSetProgress, daemonSetReadiness, describe } from './readiness.ts';
import type { ExpectedState, Readiness, ReadinessContext, RolloutProgress } from './types.ts';

/** The spec fields Flagger copies from the target DaemonSet to the primary. */
const DAEMONSET_SETTINGS = ['minReadySeconds', 'revisionHistoryLimit', 'updateStrategy'] as const;

/**
 * The Workload of a `kind: DaemonSet` target (Flagger's DaemonSetController). A DaemonSet cannot be
 * scaled, so "zero" is a node selector no node matches (`flagger.app/scale-to-zero: "true"`), which the
 * template hash ignores.
 */
export class DaemonSetWorkload extends PodWorkload<DaemonSet> {
  readonly kind = 'DaemonSet' as const;

  protected settingsOf(target: DaemonSet): Record<string, unknown> {
    const settings: Record<string, unknown> = {};
    for (const key of DAEMONSET_SETTINGS) if (target.spec[key] !== undefined) settings[key] = target.spec[key];
    return settings;
  }

  protected primarySpecExtras(): Record<string, unknown> {
    return {};
  }

  protected validateTarget(target: DaemonSet, canary: Canary): void {
    const type = target.spec.updateStrategy?.type;
    if (type !== undefined && type !== '' && type !== 'RollingUpdate') {
      throw new WorkloadError(`daemonset ${target.metadata.name}.${canaryNamespace(canary)} must have RollingUpdate strategy but has ${type}`);
    }
  }

  protected override primaryTemplateOf(...args: Parameters<PodWorkload<DaemonSet>['primaryTemplateOf']>) {
    const template = super.primaryTemplateOf(...args);
    // The target is usually "scaled to zero" when promoted from; that selector must not reach the primary.
    const nodeSelector = { ...template.spec.nodeSelector };
    for (const key of Object.keys(DAEMONSET_SCALE_TO_ZERO_SELECTOR)) delete nodeSelector[key];
    const spec = { ...template.spec };
    if (Object.keys(nodeSelector).length > 0) spec.nodeSelector = nodeSelector;
    else delete spec.nodeSelector;
    return { ...template, spec };
  }

  protected readiness(object: DaemonSet, role: Role, canary: Canary, context: ReadinessContext): Readiness {
    const readiness = daemonSetReadiness(object, {
      now: context.now,
      deadlineSeconds: canary.spec.progressDeadlineSeconds ?? DEFAULT_PROGRESS_DEADLINE_SECONDS,
      ...(context.since ? { since: context.since } : {}),
    });
    return describe(readiness, `${role} daemonset ${object.metadata.name}.${canaryNamespace(canary)} not ready: `);
  }

  protected expectedOf(object: DaemonSet): ExpectedState {
    return daemonSetExpectedState(object);
  }

  protected progressOf(object: DaemonSet): RolloutProgress {
    return daemonSetProgress(object);
  }

  protected availableOf(object: DaemonSet): number {
    return object.status?.numberAvailable ?? 0;
  }

  protected replicasOf(object: DaemonSet): number {
    return object.status?.desiredNumberScheduled ?? 0;
  }

  /** `promote` copies the target's `updateStrategy`; the primary's nodes are the pods it applies to. */
  protected promotionDisruptive(target: DaemonSet, primary: DaemonSet): boolean {
    return daemonSetUpdateDisruptive(target.spec.updateStrategy, this.replicasOf(primary));
  }

  async scaleToZero(canary: Canary): Promise<void> {
    const target = await this.readTarget(canary);
    const selector = target.spec.template.spec.nodeSelector ?? {};
    const missing = Object.entries(DAEMONSET_SCALE_TO_ZERO_SELECTOR).some(([key, value]) => selector[key] !== value);
    if (missing) {
      await this.kube.patch(this.ref(canary, target.metadata.name), 'merge', {
        metadata: { annotations: { [SCALED_BY_ANNOTATION]: canary.metadata.name ?? null } },
        spec: { template: { spec: { nodeSelector: { ...DAEMONSET_SCALE_TO_ZERO_SELECTOR } } } },
      });
    }
  }

  /** Removes the no-node selector; returns the daemons the DaemonSet last wanted (the nodes decide, not Fledge). */
  async scaleFromZero(canary: Canary): Promise<number> {
    const target = await this.readTarget(canary);
    const selector = target.spec.template.spec.nodeSelector ?? {};
    const present = Object.keys(DAEMONSET_SCALE_TO_ZERO_SELECTOR).filter((key) => key in selector);
    if (present.length > 0) {
      const removal = Object.fromEntries(present.map((key) => [key, null]));
      await this.kube.patch(this.ref(canary, target.metadata.name), 'merge', { spec: { template: { spec: { nodeSelector: removal } } } });
    }
    return target.status?.desiredNumberScheduled ?? 0;
  }

  async finalize(canary: Canary): Promise<void> {
    await this.scaleFromZero(canary);
  }
}
