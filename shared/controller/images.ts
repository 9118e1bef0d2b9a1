/**
 * The images of a release, for alerts and phase changes: before, the last promoted template's (what the primary
 * runs); after, the target's template (what the canary runs).
 */
import type { CanaryState } from '../api/state.ts';
import type { Facts } from '../engine/types.ts';
import type { ReleaseImages } from '../notify/types.ts';

/** The images of a pod template: one container's image, or `name=image` pairs joined by `, `. */
export function templateImages(template: object | undefined): string | undefined {
  const containers = (template as { spec?: { containers?: unknown } } | undefined)?.spec?.containers;
  if (!Array.isArray(containers) || containers.length === 0) return undefined;
  const pairs = containers.flatMap((c: unknown) => {
    const { name, image } = (c ?? {}) as { name?: unknown; image?: unknown };
    return typeof image === 'string' ? [{ name: typeof name === 'string' ? name : '', image }] : [];
  });
  if (pairs.length === 0) return undefined;
  if (pairs.length === 1) return pairs[0]?.image;
  return pairs.map((p) => `${p.name}=${p.image}`).join(', ');
}

/**
 * The release's images: before from the state the step started from (its last promoted template; the step may
 * promote), after from the target as read this tick. Undefined when neither is known.
 */
export function releaseImages(before: CanaryState | undefined, facts: Pick<Facts, 'target'> | undefined): ReleaseImages | undefined {
  const old = templateImages(before?.lastPromotedTemplate);
  const current = templateImages(facts?.target.template);
  if (old === undefined && current === undefined) return undefined;
  return { ...(old === undefined ? {} : { before: old }), ...(current === undefined ? {} : { after: current }) };
}
