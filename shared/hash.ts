/**
 * Small deterministic hashes shared by the engine and the routers. Not for security: they identify, they do
 * not protect.
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

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Ten letters derived from `seed` (Flagger draws them at random; Fledge derives them to stay deterministic). */
function cookieValue(seed: string): string {
  let out = '';
  let hash = fnv1a32(seed);
  for (let i = 0; i < 10; i++) {
    if (i === 5) hash = fnv1a32(`${seed}#${hash}`);
    out += LETTERS[hash % LETTERS.length];
    hash = Math.floor(hash / LETTERS.length);
  }
  return out;
}

/**
 * The session-affinity cookie (`name=value`) of one run for the canary or the primary: the one derivation,
 * used by the engine and, when it is called without cookies, by a router.
 * @example sessionCookie('flagger-cookie', 'test/podinfo/…', 'canary') // 'flagger-cookie=QxkTrwbBcP'
 */
export function sessionCookie(cookieName: string, seed: string, role: 'canary' | 'primary'): string {
  return `${cookieName}=${cookieValue(`${seed}/${role}`)}`;
}
