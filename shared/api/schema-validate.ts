/**
 * Validation of an object against our schema with ajv, translating ajv's errors into field-path issues a
 * Flagger user can act on: one issue per problem, `oneOf` failures explained by what is missing or
 * conflicting rather than by every failed branch.
 */
import type { ErrorObject } from 'ajv';
import { crdDurationMessage } from './duration.ts';
import type { Schema } from './schema-common.ts';
import { DURATION_PATTERN } from './schema-common.ts';
import { branchKey, branchSchema } from './schema-branches.ts';
import { SCHEMAS } from './schema.ts';
import type { FieldIssue, PathTokens } from './paths.ts';
import { formatPath, isRecord, pointerToTokens, uniqueIssues } from './paths.ts';
import { broken, expectedType, isValueType, notOneOf, required } from './messages.ts';
import { precompiledValidators } from './validators.generated.ts';

/** An ajv validator: it sets `errors` on itself after each call. */
interface Validator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

interface Validators {
  readonly kinds: ReadonlyMap<Schema, Validator>;
  readonly branches: Readonly<Record<string, Validator>>;
}

let validators: Validators | undefined;

// Compiled ahead of time (precompile.ts): no process pays ajv's compiler, and a Lambda's init does not even
// build the validators, only the first validation does.
function validatorFor(schema: Schema): Validator {
  validators ??= ((all) => ({
    kinds: new Map<Schema, Validator>([
      [SCHEMAS.Canary, all.Canary],
      [SCHEMAS.MetricTemplate, all.MetricTemplate],
      [SCHEMAS.AlertProvider, all.AlertProvider],
    ]),
    branches: all.BRANCHES,
  }))(precompiledValidators() as Record<keyof typeof SCHEMAS, Validator> & { BRANCHES: Record<string, Validator> });
  const validate = validators.kinds.get(schema) ?? validators.branches[branchKey(schema)];
  if (!validate) {
    throw new Error('validateAgainstSchema: no precompiled validator for this schema; only the kinds\' schemas (SCHEMAS) and their junction branches are compiled, by shared/api/precompile.ts');
  }
  return validate;
}

/** Options of {@link validateAgainstSchema}. */
export interface SchemaValidationOptions {
  /** Tokens of `data` within the whole object, prefixed to every path. */
  readonly base?: PathTokens;
  /** What to add when the field at (whole-object) `tokens` is missing: the text after `required; `. */
  readonly requiredHint?: (tokens: PathTokens) => string | undefined;
}

/** Validates `data` against `schema` and returns every problem as a field-path issue (empty when valid). */
export function validateAgainstSchema(schema: Schema, data: unknown, options: SchemaValidationOptions = {}): FieldIssue[] {
  const validate = validatorFor(schema);
  if (validate(data)) return [];
  const errors = validate.errors ?? [];
  const issues = translate(errors, data, options);
  // Never report "invalid" without saying why, even for an error shape not explained above.
  if (issues.length === 0) return [{ path: formatPath(options.base ?? []), message: errors[0]?.message ?? 'is invalid' }];
  return issues;
}

function translate(errors: readonly ErrorObject[], data: unknown, options: SchemaValidationOptions): FieldIssue[] {
  const junctions = errors
    .filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf')
    .sort((a, b) => a.schemaPath.length - b.schemaPath.length);
  const suppressed: string[] = [];
  for (const junction of junctions) {
    if (!suppressed.some((prefix) => junction.schemaPath.startsWith(prefix))) suppressed.push(`${junction.schemaPath}/`);
  }
  const issues: FieldIssue[] = [];
  for (const error of errors) {
    if (suppressed.some((prefix) => error.schemaPath.startsWith(prefix))) continue;
    const tokens = [...(options.base ?? []), ...pointerToTokens(error.instancePath, data)];
    issues.push(...explain(error, tokens, options));
  }
  return uniqueIssues(issues);
}

const COMPARISONS: Record<string, string> = { '>=': 'at least', '<=': 'at most', '>': 'greater than', '<': 'less than' };

function explain(error: ErrorObject, tokens: PathTokens, options: SchemaValidationOptions): FieldIssue[] {
  const path = formatPath(tokens);
  const params = error.params as Record<string, unknown>;
  const value = error.data;
  switch (error.keyword) {
    case 'required':
      return [missing([...tokens, String(params.missingProperty)], options)];
    case 'enum':
      return [{ path, message: notOneOf(params.allowedValues as unknown[], value) }];
    case 'type': {
      const types = String(params.type).split(',').filter(isValueType);
      return [{ path, message: expectedType(types, value) }];
    }
    case 'pattern':
      if (params.pattern === DURATION_PATTERN && typeof value === 'string') return [{ path, message: crdDurationMessage(value) }];
      return [{ path, message: broken(`must match ${String(params.pattern)}`, value) }];
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const comparison = String(params.comparison);
      return [{ path, message: broken(`must be ${COMPARISONS[comparison] ?? comparison} ${String(params.limit)}`, value) }];
    }
    case 'minLength':
      return [{ path, message: broken(params.limit === 1 ? 'must not be empty' : `must have at least ${String(params.limit)} characters`, value) }];
    case 'maxLength':
      return [{ path, message: `must have at most ${String(params.limit)} characters; got ${String((value as string).length)} characters` }];
    case 'maxItems':
      return [{ path, message: `must have at most ${String(params.limit)} items; got ${String((value as unknown[]).length)} items` }];
    case 'oneOf':
    case 'anyOf':
      return explainJunction(error, tokens, options);
    default:
      return [{ path, message: error.message ?? `fails ${error.keyword}` }];
  }
}

function missing(tokens: PathTokens, options: SchemaValidationOptions): FieldIssue {
  return { path: formatPath(tokens), message: required(options.requiredHint?.(tokens)) };
}

/**
 * Explains a failed `oneOf`/`anyOf`: of plain types (an int-or-string port) by the types expected; of
 * branches that each require some keys (Flagger's pattern for "exactly one of", "at most one of" and the
 * analysis modes) by the missing common keys, none or several of the alternatives set, or — when exactly
 * one alternative is set — what is wrong inside that branch.
 */
function explainJunction(error: ErrorObject, tokens: PathTokens, options: SchemaValidationOptions): FieldIssue[] {
  const data = error.data;
  const path = formatPath(tokens);
  const branches = error.schema as Schema[];
  const plainTypes = branches.every((b) => b.type !== undefined && b.required === undefined);
  if (!isRecord(data) || plainTypes) {
    const types = branches.flatMap((b) => (b.type === undefined ? [] : [b.type]));
    // Branches of keys on a value that is no object: the type error of this node says it already.
    return types.length === branches.length ? [{ path, message: expectedType(types, data) }] : [];
  }
  const requiredSets = branches.filter((b) => b.required !== undefined).map((b) => b.required ?? []);
  const allowsNone = branches.some((b) => b.not !== undefined);
  const common = requiredSets.reduce<string[]>(
    (acc, set, i) => (i === 0 ? [...set] : acc.filter((key) => set.includes(key))),
    [],
  );
  const alternatives = [...new Set(requiredSets.flat())].filter((key) => !common.includes(key));
  const issues: FieldIssue[] = common.filter((key) => !(key in data)).map((key) => missing([...tokens, key], options));
  const present = alternatives.filter((key) => key in data);
  if (present.length > 1 && error.keyword === 'oneOf') {
    issues.push({ path, message: `must set only one of ${alternatives.join(', ')} (found ${present.join(' and ')})` });
  } else if (present.length === 0 && !allowsNone) {
    // `anyOf` lists a field and its deprecated aliases: the field is what is missing.
    if (error.keyword === 'anyOf') issues.push(missing([...tokens, alternatives[0] ?? ''], options));
    else issues.push({ path, message: `must set one of ${alternatives.join(', ')}` });
  } else if (present.length === 1 && issues.length === 0) {
    const branch = branches.find((b) => b.required?.includes(present[0] ?? ''));
    const sub = branch === undefined ? undefined : branchSchema(branch);
    if (sub) issues.push(...validateAgainstSchema(sub, data, { ...options, base: tokens }));
  }
  if (issues.length === 0) issues.push({ path, message: error.message ?? 'is not one of the allowed forms' });
  return issues;
}

/**
 * Lists fields of `data` our schema does not declare. Kubernetes prunes them silently, so a typo such as
 * `stepWeigth` would be lost; these become warnings.
 */
export function unknownFields(schema: Schema, data: unknown, tokens: PathTokens = []): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (schema['x-kubernetes-preserve-unknown-fields']) return issues;
  if (Array.isArray(data)) {
    if (schema.items) data.forEach((item, i) => issues.push(...unknownFields(schema.items as Schema, item, [...tokens, i])));
    return issues;
  }
  if (!isRecord(data)) return issues;
  if (schema.properties) {
    for (const [key, value] of Object.entries(data)) {
      const child = schema.properties[key];
      if (child) issues.push(...unknownFields(child, value, [...tokens, key]));
      else if (!schema.additionalProperties) {
        issues.push({ path: formatPath([...tokens, key]), message: 'is not a field of this kind; Kubernetes drops it' });
      }
    }
  } else if (schema.additionalProperties) {
    for (const [key, value] of Object.entries(data)) {
      issues.push(...unknownFields(schema.additionalProperties, value, [...tokens, key]));
    }
  }
  return issues;
}
