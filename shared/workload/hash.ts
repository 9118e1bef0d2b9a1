import { createHash } from 'node:crypto';
import { canonicalJson } from '../json.ts';
import type { PodTemplateSpec } from './objects.ts';

/** The node selector Flagger adds to a DaemonSet to "scale it to zero" (no node matches it). */
export const DAEMONSET_SCALE_TO_ZERO_SELECTOR = { 'flagger.app/scale-to-zero': 'true' } as const;

/**
 * Set by `scaleToZero` on the target: the name of the Canary (same namespace) that scaled it to zero, so a
 * target left at zero by a Canary deleted without a revert can be found again (see `reviveOrphanedTargets`).
 */
export const SCALED_BY_ANNOTATION = 'fledge.dev/scaled-to-zero-by';


/** The first 16 hex digits of the SHA-256 of `text` (Flagger's config checksums are 8 bytes too). */
export function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/**
 * A stable hash of a pod template: what decides whether the target changed. Like Flagger it covers the
 * whole template, metadata included, and ignores what Flagger ignores: the DaemonSet scale-to-zero node
 * selector, an empty node selector, and the `creationTimestamp: null` that serializers add to templates.
 */
export function templateHash(template: PodTemplateSpec): string {
  return shortHash(canonicalJson(normalizeTemplate(template)));
}

/** The template as hashed: see {@link templateHash}. */
export function normalizeTemplate(template: PodTemplateSpec): PodTemplateSpec {
  const metadata = { ...template.metadata };
  if (metadata.creationTimestamp === null) delete metadata.creationTimestamp;
  const spec = { ...template.spec };
  if (spec.nodeSelector) {
    const nodeSelector = { ...spec.nodeSelector };
    for (const key of Object.keys(DAEMONSET_SCALE_TO_ZERO_SELECTOR)) delete nodeSelector[key];
    if (Object.keys(nodeSelector).length === 0) delete spec.nodeSelector;
    else spec.nodeSelector = nodeSelector;
  }
  return Object.keys(metadata).length === 0 ? { spec } : { metadata, spec };
}

/**
 * Checksum of a ConfigMap's or Secret's contents. Unlike Flagger (which hashes `data` only), `binaryData`
 * counts too: a change there reaches the pods as surely as one in `data`.
 */
export function configChecksum(contents: { data?: Record<string, string>; binaryData?: Record<string, string> }): string {
  const hashed: Record<string, unknown> = { data: contents.data ?? {} };
  if (contents.binaryData && Object.keys(contents.binaryData).length > 0) hashed.binaryData = contents.binaryData;
  return shortHash(canonicalJson(hashed));
}

/**
 * A UUID-shaped value derived from `seed`, for Flagger's `flagger-id` pod annotation: Flagger puts a random
 * UUID there so each promotion rolls the primary; deriving it from the promoted revision keeps that effect
 * (a new revision or new config contents give a new id) while staying deterministic.
 */
export function derivedId(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  const variant = ((parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * A Knative Service's revision hash: its `spec.template`, from which Knative makes a new Revision (not
 * `spec.traffic` or the annotations the router writes).
 */
export function knativeTemplateHash(service: { readonly spec?: { readonly template?: unknown } }): string {
  return shortHash(canonicalJson(service.spec?.template ?? {}));
}
