/**
 * Validation of an object against our schema with ajv, translating ajv's errors into field-path issues a
 * Flagger user can act on: one issue per problem, `oneOf` failures explained by what is missing or
 * conflicting rather than by every failed branch.
 */
import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { Schema } from './schema-common.ts';
import type { FieldIssue, PathTokens } from './paths.ts';
import { describeValue, formatPath, isRecord, pointerToTokens } from './paths.ts';

/** An ajv instance that understands the Kubernetes structural-schema extensions our schema uses. */
export function createAjv(options: { strict?: boolean } = {}): Ajv {
  const ajv = new Ajv({ allErrors: true, verbose: true, strict: options.strict ?? true, strictTypes: false, strictRequired: false });
  for (const keyword of [
    'x-kubernetes-int-or-string',
    'x-kubernetes-validations',
    'x-kubernetes-preserve-unknown-fields',
  ]) {
    ajv.addKeyword(keyword);
  }
  // Kubernetes ignores formats it does not know and Flagger's CRD uses several; none is enforced here.
  for (const format of ['url', 'int32', 'date-time', 'string']) ajv.addFormat(format, true);
  return ajv;
}

const ajv = createAjv();
const compiled = new WeakMap<object, ValidateFunction>();

function validatorFor(schema: Schema): ValidateFunction {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  return validate;
}

/** Validates `data` against `schema` and returns every problem as a field-path issue (empty when valid). */
export function validateAgainstSchema(schema: Schema, data: unknown, base: PathTokens = []): FieldIssue[] {
  const validate = validatorFor(schema);
  if (validate(data)) return [];
  return translate(validate.errors ?? [], data, base);
}

function translate(errors: readonly ErrorObject[], data: unknown, base: PathTokens): FieldIssue[] {
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
    const tokens = [...base, ...pointerToTokens(error.instancePath, data)];
    issues.push(...explain(error, tokens));
  }
  return dedupe(issues);
}

function explain(error: ErrorObject, tokens: PathTokens): FieldIssue[] {
  const path = formatPath(tokens);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return [{ path: formatPath([...tokens, String(params.missingProperty)]), message: 'is required' }];
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map((v) => (v === '' ? '""' : String(v))).join(', ');
      return [{ path, message: `must be one of ${allowed} (got ${describeValue(error.data)})` }];
    }
    case 'type':
      return [{ path, message: `must be ${article(String(params.type))} (got ${describeValue(error.data)})` }];
    case 'pattern':
      return [{ path, message: `must match ${String(params.pattern)} (got ${describeValue(error.data)})` }];
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return [{ path, message: `must be ${String(params.comparison)} ${String(params.limit)} (got ${describeValue(error.data)})` }];
    case 'minLength':
      return [{ path, message: `must have at least ${String(params.limit)} characters (got ${describeValue(error.data)})` }];
    case 'maxLength':
      return [{ path, message: `must have at most ${String(params.limit)} characters` }];
    case 'maxItems':
      return [{ path, message: `must have at most ${String(params.limit)} items (got ${(error.data as unknown[]).length})` }];
    case 'oneOf':
    case 'anyOf':
      return explainJunction(error, tokens);
    default:
      return [{ path, message: error.message ?? `fails ${error.keyword}` }];
  }
}

function article(type: string): string {
  if (type === 'object') return 'an object';
  if (type === 'array') return 'a list';
  if (type === 'integer') return 'an integer';
  return `a ${type}`;
}

/**
 * Explains a failed `oneOf`/`anyOf` whose branches each require some keys (Flagger's pattern for "exactly
 * one of", "at most one of" and the analysis modes): missing common keys, none or several of the
 * alternatives set, or — when exactly one alternative is set — what is wrong inside that branch.
 */
function explainJunction(error: ErrorObject, tokens: PathTokens): FieldIssue[] {
  const data = error.data;
  const path = formatPath(tokens);
  if (!isRecord(data)) return []; // the type error of this node says it already
  const branches = error.schema as Schema[];
  const requiredSets = branches.filter((b) => b.required !== undefined).map((b) => b.required ?? []);
  const allowsNone = branches.some((b) => b.not !== undefined);
  const common = requiredSets.reduce<string[]>(
    (acc, set, i) => (i === 0 ? [...set] : acc.filter((key) => set.includes(key))),
    [],
  );
  const alternatives = [...new Set(requiredSets.flat())].filter((key) => !common.includes(key));
  const issues: FieldIssue[] = common
    .filter((key) => !(key in data))
    .map((key) => ({ path: formatPath([...tokens, key]), message: 'is required' }));
  const present = alternatives.filter((key) => key in data);
  if (present.length > 1 && error.keyword === 'oneOf') {
    issues.push({ path, message: `must set only one of ${alternatives.join(', ')} (found ${present.join(' and ')})` });
  } else if (present.length === 0 && !allowsNone) {
    if (error.keyword === 'anyOf') {
      const [first, ...others] = alternatives;
      issues.push({
        path: formatPath([...tokens, first ?? '']),
        message: `is required${others.length > 0 ? ` (or its deprecated alias ${others.join(', ')})` : ''}`,
      });
    } else {
      issues.push({ path, message: `must set one of ${alternatives.join(', ')}` });
    }
  } else if (present.length === 1 && issues.length === 0) {
    const branch = branches.find((b) => b.required?.includes(present[0] ?? ''));
    if (branch?.properties) issues.push(...validateAgainstSchema({ type: 'object', properties: branch.properties }, data, tokens));
  }
  if (issues.length === 0) issues.push({ path, message: error.message ?? 'is not one of the allowed forms' });
  return issues;
}

function dedupe(issues: FieldIssue[]): FieldIssue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = `${issue.path}\u0000${issue.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
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
