/**
 * Revisions: a target pod-template hash plus its tracked configs' hashes. A new revision differs from both
 * the last applied and the last promoted one, so going back to the promoted spec never starts a run.
 */
import type { Revision, Tick } from './tick.ts';

/** Same pod template and same tracked config hashes. */
export function sameRevision(a: Revision, b: Revision): boolean {
  if (a.spec !== b.spec) return false;
  const keys = Object.keys(a.trackedConfigs);
  if (keys.length !== Object.keys(b.trackedConfigs).length) return false;
  return keys.every((key) => a.trackedConfigs[key] === b.trackedConfigs[key]);
}

/** True when the target runs a revision that is neither the last applied nor the last promoted one. */
export function isNewRevision(t: Tick): boolean {
  const current = t.current;
  const applied = t.applied;
  const promoted = t.promoted;
  if (applied !== undefined && sameRevision(current, applied)) return false;
  if (promoted !== undefined && sameRevision(current, promoted)) return false;
  return true;
}
