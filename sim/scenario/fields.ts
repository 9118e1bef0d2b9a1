/**
 * Small field readers for the scenario parser: each reads one field, and on a wrong value records an issue
 * with the field's path and the value received, worded by `shared/api`'s messages (`expected a number, got
 * "ten"`, `must be at least 1; got 0`, `required`), so every message of `fledge simulate` reads the same.
 */
import { broken, expectedType, required } from '../../shared/api/messages.ts';

/** A plain mapping as produced by the YAML parser. */
export type Mapping = Record<string, unknown>;

/** Collects `path: message` problems of one document. */
export interface IssueSink {
  add(path: string, message: string): void;
}

/** True for a YAML mapping (not a list, not null). */
export function isMapping(value: unknown): value is Mapping {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Joins a parent path and a key the way field paths are written (`spec.timeline[2].tick`). */
export function join(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return parent === '' ? key : `${parent}.${key}`;
}

/**
 * Joins a parent path and a key taken from the input, quoting a key that is not a plain name as `shared/api`
 * does (`spec.world.images["ghcr.io/acme/app:1.0"]`, `spec.timeline[0].setImage[""]`), so the path stays readable
 * whatever the key.
 */
export function joinKey(parent: string, key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(key) ? join(parent, key) : `${parent}[${JSON.stringify(key)}]`;
}

/** Records one issue per key of `value` that is not in `known`. */
export function rejectUnknown(value: Mapping, path: string, known: readonly string[], sink: IssueSink): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) sink.add(joinKey(path, key), `is not a field of this kind; known: ${known.join(', ')}`);
  }
}

/** Reads a required non-empty string. */
export function readString(value: unknown, path: string, sink: IssueSink): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  sink.add(path, value === undefined ? required() : typeof value === 'string' ? broken('must not be empty', value) : expectedType('string', value));
  return undefined;
}

/** Reads an optional non-empty string. */
export function readOptionalString(value: unknown, path: string, sink: IssueSink): string | undefined {
  return value === undefined ? undefined : readString(value, path, sink);
}

/** Inclusive bounds of a number field; no `max` is no upper bound. */
export interface Bounds {
  readonly min: number;
  readonly max?: number;
}

/** Reads an optional number within `bounds`, an integer when `type` is `integer`. */
function readOptionalBounded(value: unknown, path: string, sink: IssueSink, bounds: Bounds, type: 'integer' | 'number'): number | undefined {
  if (value === undefined) return undefined;
  const ok = typeof value === 'number' && (type === 'integer' ? Number.isInteger(value) : Number.isFinite(value));
  if (!ok) {
    sink.add(path, expectedType(type, value));
    return undefined;
  }
  if (value < bounds.min || (bounds.max !== undefined && value > bounds.max)) {
    sink.add(path, broken(bounds.max === undefined ? `must be at least ${bounds.min}` : `must be between ${bounds.min} and ${bounds.max}`, value));
    return undefined;
  }
  return value;
}

/** Reads an optional integer within `[min, max]`. */
export function readOptionalInteger(value: unknown, path: string, sink: IssueSink, bounds: Bounds): number | undefined {
  return readOptionalBounded(value, path, sink, bounds, 'integer');
}

/** Reads an optional finite number within `[min, max]`. */
export function readOptionalNumber(value: unknown, path: string, sink: IssueSink, bounds: Bounds): number | undefined {
  return readOptionalBounded(value, path, sink, bounds, 'number');
}

/** Reads an optional boolean. */
export function readOptionalBoolean(value: unknown, path: string, sink: IssueSink): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'boolean') return value;
  sink.add(path, expectedType('boolean', value));
  return undefined;
}

/** Reads an optional mapping; null counts as absent (an empty YAML value). */
export function readOptionalMapping(value: unknown, path: string, sink: IssueSink): Mapping | undefined {
  if (value === undefined || value === null) return undefined;
  if (isMapping(value)) return value;
  sink.add(path, expectedType('object', value));
  return undefined;
}

/** Reads a required mapping. */
export function readMapping(value: unknown, path: string, sink: IssueSink): Mapping | undefined {
  if (value === undefined) {
    sink.add(path, required());
    return undefined;
  }
  if (isMapping(value)) return value;
  sink.add(path, expectedType('object', value));
  return undefined;
}
