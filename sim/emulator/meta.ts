import type { Clock, KubeObject } from './types.ts';

/** The wall clock, for `fledge emulator` and tests that do not care about time. */
export const wallClock: Clock = { now: () => new Date() };

/** RFC 3339 with second precision, as the API server writes timestamps: `2026-01-01T00:00:00Z`. */
export function timestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** murmur3's 32-bit finaliser: spreads a counter into well-mixed bits. */
function mix32(n: number): number {
  let h = n >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(8, '0').slice(8 - width);
}

/**
 * A deterministic source of UUID-shaped uids (version 4 layout), so that simulated runs replay byte for byte.
 * @param seed distinguishes independent sources
 */
export function deterministicUids(seed = 0): () => string {
  let seq = 0;
  return () => {
    const base = (seed * 0x9e3779b1 + seq++ * 4) >>> 0;
    const [a, b, c, d] = [mix32(base), mix32(base + 1), mix32(base + 2), mix32(base + 3)];
    return `${hex(a, 8)}-${hex(b >>> 16, 4)}-4${hex(b, 3)}-${hex(((c >>> 16) & 0x3fff) | 0x8000, 4)}-${hex(c, 4)}${hex(d, 8)}`;
  };
}

const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** A deterministic source of the 5-character suffixes the API server appends to `generateName`. */
export function nameSuffixes(seed = 0): () => string {
  let seq = 0;
  return () => {
    let h = mix32((seed * 0x85ebca6b + seq++) >>> 0);
    let out = '';
    for (let i = 0; i < 5; i++) {
      out += SUFFIX_ALPHABET[h % SUFFIX_ALPHABET.length];
      h = Math.floor(h / SUFFIX_ALPHABET.length);
    }
    return out;
  };
}

/** Deep copy through JSON, the way objects travel to and from storage. */
export function clone<T>(value: T): T {
  return structuredClone(value);
}

/** Structural equality of JSON values, key order ignored. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => jsonEqual(v, b[i]));
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const ka = Object.keys(ra).filter((k) => ra[k] !== undefined);
  const kb = Object.keys(rb).filter((k) => rb[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => jsonEqual(ra[k], rb[k]));
}

/** The part of an object whose changes bump `metadata.generation`: all but metadata (and status, when it is a subresource). */
export function specPart(object: KubeObject, statusIsSubresource: boolean): Record<string, unknown> {
  const { metadata: _m, apiVersion: _a, kind: _k, ...rest } = object;
  if (statusIsSubresource) delete rest['status'];
  return rest;
}
