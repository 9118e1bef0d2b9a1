/**
 * Deterministic hashing and naming for the simulated controllers: the same cluster always gets the same
 * ReplicaSet names, pod-template hashes and pod names, so simulated runs replay byte for byte.
 */
import { canonicalJson } from '../../shared/json.ts';


/** Structural equality of JSON values, key order ignored. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

/** 32-bit FNV-1a over the UTF-8 bytes of `text`, the hash Kubernetes uses for pod-template hashes. */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The alphabet Kubernetes uses for generated names: no vowels, no look-alike digits, so no accidental words. */
const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** Kubernetes' `SafeEncodeString`: each character of `text` mapped onto the safe alphabet. */
export function safeEncode(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) out += SAFE_ALPHABET[text.charCodeAt(i) % SAFE_ALPHABET.length];
  return out;
}

/** Labels a controller adds to the pods it makes; they are not part of the template a user wrote. */
export const CONTROLLER_HASH_LABELS = ['pod-template-hash', 'controller-revision-hash', 'pod-template-generation'] as const;

/** `template` without the controller-added hash labels, so a ReplicaSet's template compares equal to its Deployment's. */
export function stripHashLabels(template: unknown): unknown {
  if (template === null || typeof template !== 'object') return template;
  const t = template as { metadata?: { labels?: Record<string, string> } };
  const labels = t.metadata?.labels;
  if (!labels || !CONTROLLER_HASH_LABELS.some((l) => l in labels)) return template;
  const kept = Object.fromEntries(Object.entries(labels).filter(([k]) => !(CONTROLLER_HASH_LABELS as readonly string[]).includes(k)));
  return { ...t, metadata: { ...t.metadata, labels: kept } };
}

/**
 * The pod-template hash of `template`: FNV-1a of its canonical JSON (controller hash labels ignored), with the
 * collision count mixed in as Kubernetes does, encoded in the safe alphabet. Stable across runs and processes.
 */
export function podTemplateHash(template: unknown, collisionCount = 0): string {
  const text = canonicalJson(stripHashLabels(template ?? {})) + (collisionCount > 0 ? `#${collisionCount}` : '');
  return safeEncode(String(fnv1a32(text)));
}

/** A 5-character name suffix derived from `seed`, like the API server's `generateName` suffixes. */
export function nameSuffix(seed: string): string {
  let h = fnv1a32(seed);
  let out = '';
  for (let i = 0; i < 5; i++) {
    out += SAFE_ALPHABET[h % SAFE_ALPHABET.length];
    h = Math.floor(h / SAFE_ALPHABET.length);
  }
  return out;
}
