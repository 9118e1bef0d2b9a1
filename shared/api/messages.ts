/**
 * The wording of every validation message, in one place so that `fledge explain`, `fledge simulate` and the
 * controller's status conditions read alike (the style `../shared/SCENARIOS.md` fixes):
 * - a value of the wrong type: `expected a number, got "ten"`;
 * - a value that breaks a rule: `must match ^[0-9]+(m|s); got "5"`, `must be one of istio, linkerd; got "istoi"`;
 * - a missing field: `required; set the Deployment, DaemonSet or Service to release`.
 * Received values are shown as JSON, shortened.
 */
import { describeValue } from './paths.ts';

/** The JSON types a field can expect. */
export const VALUE_TYPES = ['number', 'integer', 'string', 'boolean', 'object', 'array', 'null'] as const;
/** One of {@link VALUE_TYPES}. */
export type ValueType = (typeof VALUE_TYPES)[number];

const TYPE_NAMES: Record<ValueType, string> = {
  number: 'a number',
  integer: 'an integer',
  string: 'a string',
  boolean: 'a boolean',
  object: 'an object',
  array: 'a list',
  null: 'null',
};

/** True when `value` names one of {@link VALUE_TYPES}. */
export function isValueType(value: unknown): value is ValueType {
  return (VALUE_TYPES as readonly unknown[]).includes(value);
}

/** Joins words as people write them: `a`, `a or b`, `a, b or c`. */
export function orList(words: readonly string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} or ${words[words.length - 1] ?? ''}`;
}

/**
 * A value of the wrong type.
 * @example expectedType('number', 'ten') // 'expected a number, got "ten"'
 * @example expectedType(['integer', 'string'], true) // 'expected an integer or a string, got true'
 */
export function expectedType(expected: ValueType | readonly ValueType[], value: unknown): string {
  const types = typeof expected === 'string' ? [expected] : expected;
  return `expected ${orList(types.map((type) => TYPE_NAMES[type]))}, got ${describeValue(value)}`;
}

/**
 * A value that breaks a rule, with the value received.
 * @example broken('must match ^[0-9]+(m|s)', '5') // 'must match ^[0-9]+(m|s); got "5"'
 */
export function broken(rule: string, value: unknown): string {
  return `${rule}; got ${describeValue(value)}`;
}

/**
 * A value outside an enumeration; the empty string, when allowed, shows as `""`.
 * @example notOneOf(['restore', 'hold'], 'retry') // 'must be one of restore, hold; got "retry"'
 */
export function notOneOf(allowed: readonly unknown[], value: unknown): string {
  const names = allowed.map((v) => (v === '' ? '""' : String(v)));
  return broken(`must be one of ${names.join(', ')}`, value);
}

/**
 * A missing field, with what to add when known.
 * @example required('set the Deployment, DaemonSet or Service to release')
 */
export function required(hint?: string): string {
  return hint === undefined ? 'required' : `required; ${hint}`;
}
