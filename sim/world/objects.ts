import type { KubeObject } from '../emulator/types.ts';

/** A condition as Deployments, Pods, DaemonSets and HPAs carry them. */
export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastUpdateTime?: string;
  lastTransitionTime?: string;
  lastProbeTime?: string | null;
}

/** A label selector: `matchLabels` and set-based `matchExpressions`. */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }>;
}

/** RFC 3339 with second precision, as the API server serialises times: `2026-01-01T00:00:00Z`. */
export function timestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Milliseconds of an RFC 3339 time, or `undefined` when absent or unparsable. */
export function parseTime(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/** The owner reference with `controller: true`, if any. */
export function controllerRef(object: KubeObject): { kind: string; name: string; uid: string } | undefined {
  return object.metadata.ownerReferences?.find((r) => r.controller === true);
}

/** Whether `owner` is the controller of `object` (matched by uid, as the garbage collector does). */
export function isControlledBy(object: KubeObject, owner: KubeObject): boolean {
  return owner.metadata.uid !== undefined && controllerRef(object)?.uid === owner.metadata.uid;
}

/** An owner reference that makes `owner` the controller of a dependent. */
export function ownerReference(owner: KubeObject): { apiVersion: string; kind: string; name: string; uid: string; controller: true; blockOwnerDeletion: true } {
  return { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name, uid: owner.metadata.uid ?? '', controller: true, blockOwnerDeletion: true };
}

/** Whether `labels` satisfy `selector`; an empty selector matches everything, as in Kubernetes. */
export function selectorMatches(selector: LabelSelector | undefined, labels: Record<string, string> | undefined): boolean {
  const have = labels ?? {};
  for (const [k, v] of Object.entries(selector?.matchLabels ?? {})) if (have[k] !== v) return false;
  for (const e of selector?.matchExpressions ?? []) {
    const present = Object.hasOwn(have, e.key);
    const value = have[e.key];
    switch (e.operator) {
      case 'In':
        if (!present || !(e.values ?? []).includes(value ?? '')) return false;
        break;
      case 'NotIn':
        if (present && (e.values ?? []).includes(value ?? '')) return false;
        break;
      case 'Exists':
        if (!present) return false;
        break;
      case 'DoesNotExist':
        if (present) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** Whether every entry of `nodeSelector` is among `labels` (a pod's `spec.nodeSelector` against a node). */
export function nodeSelectorMatches(nodeSelector: Record<string, string> | undefined, labels: Record<string, string>): boolean {
  return Object.entries(nodeSelector ?? {}).every(([k, v]) => labels[k] === v);
}

/** The condition of `type`, if present. */
export function findCondition(conditions: readonly Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

/**
 * `conditions` with `next` set, as Kubernetes' `SetDeploymentCondition` does: nothing changes when status and
 * reason are the same; otherwise the old condition is dropped and `next` appended, keeping the old
 * `lastTransitionTime` when only the reason changed.
 */
export function setCondition(conditions: readonly Condition[], next: Condition): Condition[] {
  const current = findCondition(conditions, next.type);
  if (current && current.status === next.status && current.reason === next.reason) return [...conditions];
  const merged = current && current.status === next.status && current.lastTransitionTime !== undefined ? { ...next, lastTransitionTime: current.lastTransitionTime } : next;
  return [...conditions.filter((c) => c.type !== next.type), merged];
}

/** A non-negative integer field, or `fallback` when missing or malformed. */
export function intField(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : fallback;
}

/**
 * Kubernetes' `GetScaledValueFromIntOrPercent`: an integer as is, `"25%"` as a share of `total` rounded up or
 * down; anything else is `undefined`.
 */
export function scaledIntOrPercent(value: unknown, total: number, roundUp: boolean): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  if (typeof value === 'string') {
    const m = /^(\d+)%$/.exec(value);
    if (m) {
      const share = (Number(m[1]) * total) / 100;
      return roundUp ? Math.ceil(share) : Math.floor(share);
    }
  }
  return undefined;
}
