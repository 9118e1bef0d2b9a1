/**
 * Small field readers for the scenario parser: each reads one field, and on a wrong value records an issue
 * with the field's path and the value received, in the wording of `shared/api`'s validation
 * (`expected a number, got "ten"`), so every message of `fledge simulate` reads the same.
 */

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

/** Describes a received value for a message: strings quoted, lists and mappings by kind. */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}

/** Joins a parent path and a key the way field paths are written (`spec.timeline[2].tick`). */
export function join(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return parent === '' ? key : `${parent}.${key}`;
}

/** Records one issue per key of `value` that is not in `known`. */
export function rejectUnknown(value: Mapping, path: string, known: readonly string[], sink: IssueSink): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) sink.add(join(path, key), `unknown field; expected one of ${known.join(', ')}`);
  }
}

/** Reads a required non-empty string. */
export function readString(value: unknown, path: string, sink: IssueSink): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  sink.add(path, value === undefined ? 'required' : `expected a non-empty string, got ${describe(value)}`);
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

/** Reads an optional number within `bounds`, an integer when `noun` is `an integer`. */
function readOptionalBounded(value: unknown, path: string, sink: IssueSink, bounds: Bounds, noun: 'an integer' | 'a number'): number | undefined {
  if (value === undefined) return undefined;
  const ok = typeof value === 'number' && (noun === 'an integer' ? Number.isInteger(value) : Number.isFinite(value));
  if (!ok) {
    sink.add(path, `expected ${noun}, got ${describe(value)}`);
    return undefined;
  }
  if (value < bounds.min || (bounds.max !== undefined && value > bounds.max)) {
    const range = bounds.max === undefined ? `at least ${bounds.min}` : `between ${bounds.min} and ${bounds.max}`;
    sink.add(path, `expected ${noun} ${range}, got ${value}`);
    return undefined;
  }
  return value;
}

/** Reads an optional integer within `[min, max]`. */
export function readOptionalInteger(value: unknown, path: string, sink: IssueSink, bounds: Bounds): number | undefined {
  return readOptionalBounded(value, path, sink, bounds, 'an integer');
}

/** Reads an optional finite number within `[min, max]`. */
export function readOptionalNumber(value: unknown, path: string, sink: IssueSink, bounds: Bounds): number | undefined {
  return readOptionalBounded(value, path, sink, bounds, 'a number');
}

/** Reads an optional boolean. */
export function readOptionalBoolean(value: unknown, path: string, sink: IssueSink): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'boolean') return value;
  sink.add(path, `expected true or false, got ${describe(value)}`);
  return undefined;
}

/** Reads an optional mapping; null counts as absent (an empty YAML value). */
export function readOptionalMapping(value: unknown, path: string, sink: IssueSink): Mapping | undefined {
  if (value === undefined || value === null) return undefined;
  if (isMapping(value)) return value;
  sink.add(path, `expected a mapping, got ${describe(value)}`);
  return undefined;
}
