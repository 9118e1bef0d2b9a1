/**
 * The webhook payload checksum of a revision (session cookies are derived in `shared/hash.ts`).
 * Not for security: they identify a revision, they do not protect it.
 */
import { fnv1a32 } from '../hash.ts';
import { canonicalJson } from '../json.ts';

// Kubernetes' SafeEncodeString alphabet (no vowels, no look-alikes), as Flagger's hashes use.
const SAFE = 'bcdfghjklmnpqrstvwxz2456789';

/**
 * The webhook payload checksum of a revision: a hash of its pod-template hash and tracked config hashes
 * (Flagger's `canaryChecksum` over `lastAppliedSpec` and `trackedConfigs`).
 */
export function revisionChecksum(spec: string, trackedConfigs: Readonly<Record<string, string>>): string {
  const digits = String(fnv1a32(canonicalJson({ lastAppliedSpec: spec, trackedConfigs })));
  let out = '';
  for (let i = 0; i < digits.length; i++) out += SAFE[digits.charCodeAt(i) % SAFE.length];
  return out;
}
