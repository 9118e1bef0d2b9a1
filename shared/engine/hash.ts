/**
 * Small deterministic hashes for the engine: the webhook payload checksum and session-affinity cookie values.
 * Not for security: they identify a revision, they do not protect it.
 */

/** FNV-1a, 32 bits, over the UTF-16 code units of `text`. */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** JSON with object keys sorted, so equal data always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

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

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Ten letters derived from `seed` (Flagger draws them at random; Fledge derives them to stay deterministic). */
export function cookieValue(seed: string): string {
  let out = '';
  let hash = fnv1a32(seed);
  for (let i = 0; i < 10; i++) {
    if (i === 5) hash = fnv1a32(`${seed}#${hash}`);
    out += LETTERS[hash % LETTERS.length];
    hash = Math.floor(hash / LETTERS.length);
  }
  return out;
}
