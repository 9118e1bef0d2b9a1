import { kubeTime } from './events.ts';
import type { KubeClient } from './types.ts';

/** The `Promoted` condition Flagger keeps in `status.conditions`. */
export interface StatusCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastUpdateTime: string;
  lastTransitionTime: string;
}

/** The parts of a Canary that status mirroring reads: identity, target kind, and the status as it is now. */
export interface MirroredCanary {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name?: string; readonly namespace?: string };
  readonly spec: { readonly targetRef: { readonly kind: string } };
  readonly status?: {
    readonly conditions?: ReadonlyArray<{ type: string; status: string; reason?: string; lastTransitionTime?: string }>;
    readonly trackedConfigs?: Readonly<Record<string, string>>;
  };
}

/** What Fledge's state says the Canary's status is; written to `/status` as it is. */
export interface StatusMirror {
  readonly phase: string;
  readonly canaryWeight: number;
  readonly failedChecks: number;
  readonly iterations: number;
  readonly lastAppliedSpec?: string;
  readonly lastPromotedSpec?: string;
  /** `configmap/<name>` / `secret/<name>` → checksum. */
  readonly trackedConfigs?: Readonly<Record<string, string>>;
  /** When the phase last changed. */
  readonly lastTransitionTime: Date;
  readonly sessionAffinityCookie?: string;
  readonly previousSessionAffinityCookie?: string;
  readonly primarySessionAffinityCookie?: string;
}

const CONDITION_BY_PHASE: Readonly<Record<string, { status: StatusCondition['status']; message: (kind: string) => string }>> = {
  Initializing: { status: 'Unknown', message: (kind) => `New ${kind} detected, starting initialization.` },
  Initialized: { status: 'True', message: (kind) => `${kind} initialization completed.` },
  Waiting: { status: 'Unknown', message: () => 'Waiting for approval.' },
  WaitingPromotion: { status: 'Unknown', message: () => 'Waiting for approval.' },
  Progressing: { status: 'Unknown', message: () => 'New revision detected, progressing canary analysis.' },
  Promoting: { status: 'Unknown', message: () => 'Canary analysis completed, starting primary rolling update.' },
  Finalising: { status: 'Unknown', message: () => 'Canary analysis completed, routing all traffic to primary.' },
  Succeeded: { status: 'True', message: () => 'Canary analysis completed successfully, promotion finished.' },
  Failed: { status: 'False', message: (kind) => `Canary analysis failed, ${kind} scaled to zero.` },
};

/**
 * The `Promoted` condition for `phase`, Flagger's wording; `undefined` when the current condition already
 * has the same status and reason (Flagger leaves it alone then). The transition time only moves when the
 * condition's status changes.
 */
export function promotedCondition(canary: MirroredCanary, phase: string, now: Date): StatusCondition | undefined {
  const kind = canary.spec.targetRef.kind;
  const entry = CONDITION_BY_PHASE[phase] ?? { status: 'Unknown' as const, message: (k: string) => `New ${k} detected, starting initialization.` };
  const current = canary.status?.conditions?.find((c) => c.type === 'Promoted');
  if (current && current.status === entry.status && current.reason === phase) return undefined;
  const time = kubeTime(now);
  return {
    type: 'Promoted',
    status: entry.status,
    reason: phase,
    message: entry.message(kind),
    lastUpdateTime: time,
    lastTransitionTime: current && current.status === entry.status && current.lastTransitionTime ? current.lastTransitionTime : time,
  };
}

/**
 * The JSON merge patch that makes `canary.status` mirror `mirror`. Tracked configs that disappeared are
 * nulled out (a merge patch merges maps key by key).
 */
export function statusPatch(canary: MirroredCanary, mirror: StatusMirror, now: Date): { status: Record<string, unknown> } {
  const status: Record<string, unknown> = {
    phase: mirror.phase,
    canaryWeight: mirror.canaryWeight,
    failedChecks: mirror.failedChecks,
    iterations: mirror.iterations,
    lastTransitionTime: kubeTime(mirror.lastTransitionTime),
  };
  if (mirror.lastAppliedSpec !== undefined) status.lastAppliedSpec = mirror.lastAppliedSpec;
  if (mirror.lastPromotedSpec !== undefined) status.lastPromotedSpec = mirror.lastPromotedSpec;
  if (mirror.sessionAffinityCookie !== undefined) status.sessionAffinityCookie = mirror.sessionAffinityCookie;
  if (mirror.previousSessionAffinityCookie !== undefined) status.previousSessionAffinityCookie = mirror.previousSessionAffinityCookie;
  if (mirror.primarySessionAffinityCookie !== undefined) status.primarySessionAffinityCookie = mirror.primarySessionAffinityCookie;
  if (mirror.trackedConfigs !== undefined) {
    const tracked: Record<string, string | null> = { ...mirror.trackedConfigs };
    for (const key of Object.keys(canary.status?.trackedConfigs ?? {})) if (!(key in tracked)) tracked[key] = null;
    status.trackedConfigs = tracked;
  }
  const condition = promotedCondition(canary, mirror.phase, now);
  if (condition) status.conditions = [condition];
  return { status };
}

/**
 * Writes `mirror` to the Canary's `/status` subresource with one merge patch (no read, no resourceVersion:
 * the status is a mirror of Fledge's state and never read back as truth, so last writer wins by design).
 */
export async function mirrorCanaryStatus(kube: KubeClient, canary: MirroredCanary, mirror: StatusMirror, now: Date): Promise<void> {
  const name = canary.metadata.name;
  if (!name) throw new Error('mirrorCanaryStatus: the Canary has no metadata.name');
  await kube.patch(
    { apiVersion: canary.apiVersion, kind: canary.kind, namespace: canary.metadata.namespace, name },
    'merge',
    statusPatch(canary, mirror, now),
    { subresource: 'status' },
  );
}
