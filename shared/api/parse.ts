/**
 * Parsing of Flagger objects: a plain object (from YAML, JSON or the Kubernetes API) becomes a typed
 * `Canary`, `MetricTemplate` or `AlertProvider`, or a list of field-path errors. Nothing of the input is
 * dropped; `spec.canaryAnalysis` is moved to `spec.analysis` (deprecated alias) and explicit nulls are
 * removed, as the Kubernetes API server does.
 */
import { parseFledgeOptions } from './annotations.ts';
import type { FledgeOptions } from './annotations.ts';
import { InvalidObjectError } from './errors.ts';
import { requiredHint } from './hints.ts';
import { broken, expectedType, notOneOf } from './messages.ts';
import type { FieldIssue } from './paths.ts';
import { formatPath, isRecord, uniqueIssues } from './paths.ts';
import { SCHEMAS } from './schema.ts';
import { unknownFields, validateAgainstSchema } from './schema-validate.ts';
import type { SemanticFindings } from './semantic.ts';
import { checkAlertProvider, checkCanary, checkMetricTemplate } from './semantic.ts';
import { deriveStrategy } from './strategy.ts';
import type { AlertProvider, Canary, FlaggerKind, FlaggerObject, MetricTemplate } from './types.ts';
import { API_VERSION, FLAGGER_KINDS } from './types.ts';
import { DEFAULTS } from './defaults.ts';

/** The API group of the Flagger kinds. */
export const API_GROUP = 'flagger.app';

/** A parsed object, or every reason it is not one. Warnings never block. */
export type ParseResult<T> =
  | { readonly ok: true; readonly value: T; readonly warnings: FieldIssue[] }
  | { readonly ok: false; readonly errors: FieldIssue[]; readonly warnings: FieldIssue[] };

/** A parsed Canary also carries its Fledge knobs (`fledge.dev/*` annotations). */
export type CanaryParseResult =
  | { readonly ok: true; readonly value: Canary; readonly options: FledgeOptions; readonly warnings: FieldIssue[] }
  | { readonly ok: false; readonly errors: FieldIssue[]; readonly warnings: FieldIssue[] };

/** True when `object` claims to be one of the Flagger kinds (any `flagger.app/*` version). */
export function isFlaggerObject(object: unknown): object is { apiVersion: string; kind: FlaggerKind } {
  return (
    isRecord(object) &&
    typeof object.apiVersion === 'string' &&
    object.apiVersion.split('/')[0] === API_GROUP &&
    (FLAGGER_KINDS as readonly unknown[]).includes(object.kind)
  );
}

interface Prepared {
  object: Record<string, unknown>;
  errors: FieldIssue[];
  warnings: FieldIssue[];
}

function prepare(input: unknown, kind: FlaggerKind): Prepared | { errors: FieldIssue[] } {
  if (!isRecord(input)) return { errors: [{ path: '', message: expectedType('object', input) }] };
  const warnings: FieldIssue[] = [];
  const errors: FieldIssue[] = [];
  const object = pruneNulls(structuredClone(input), [], warnings) as Record<string, unknown>;
  if (object.kind !== kind) errors.push({ path: 'kind', message: broken(`must be ${kind}`, object.kind) });
  if (object.apiVersion !== API_VERSION) {
    if (typeof object.apiVersion === 'string' && object.apiVersion.startsWith(`${API_GROUP}/`)) {
      warnings.push({
        path: 'apiVersion',
        message: broken(`is read as ${API_VERSION}, the only version Flagger's CRDs serve`, object.apiVersion),
      });
      object.apiVersion = API_VERSION;
    } else {
      errors.push({ path: 'apiVersion', message: broken(`must be ${API_VERSION}`, object.apiVersion) });
    }
  }
  return { object, errors, warnings };
}

/** Drops null values: the API server prunes nulls of non-nullable fields before validating. */
function pruneNulls(value: unknown, tokens: (string | number)[], warnings: FieldIssue[]): unknown {
  if (Array.isArray(value)) return value.map((item, i) => pruneNulls(item, [...tokens, i], warnings));
  if (!isRecord(value)) return value;
  for (const [key, child] of Object.entries(value)) {
    if (child === null) {
      delete value[key];
      warnings.push({ path: formatPath([...tokens, key]), message: 'is empty (null) and is dropped' });
    } else {
      value[key] = pruneNulls(child, [...tokens, key], warnings);
    }
  }
  return value;
}

function finish<T>(kind: FlaggerKind, prepared: Prepared, semantic: SemanticFindings): ParseResult<T> {
  const schema = SCHEMAS[kind];
  const schemaErrors = validateAgainstSchema(schema, prepared.object, { requiredHint: (tokens) => requiredHint(kind, tokens) });
  // One message per field: a semantic rule adds nothing where the schema already rejected the value.
  const flagged = new Set(schemaErrors.map((issue) => issue.path));
  const errors = [...prepared.errors, ...schemaErrors, ...semantic.errors.filter((issue) => !flagged.has(issue.path))];
  const warnings = [...prepared.warnings, ...unknownFields(schema, prepared.object), ...semantic.warnings];
  const unique = uniqueIssues(errors);
  return unique.length > 0 ? { ok: false, errors: unique, warnings } : { ok: true, value: prepared.object as T, warnings };
}

/**
 * Parses a Canary: schema, semantic rules and `fledge.dev/*` annotations, every error with its field path.
 * @example
 * const result = parseCanary(yaml.parse(text));
 * if (!result.ok) for (const e of result.errors) console.error(`${e.path}: ${e.message}`);
 */
export function parseCanary(input: unknown): CanaryParseResult {
  const prepared = prepare(input, 'Canary');
  if (!('object' in prepared)) return { ok: false, errors: prepared.errors, warnings: [] };
  const spec = prepared.object.spec;
  if (isRecord(spec) && spec.canaryAnalysis !== undefined) {
    if (spec.analysis === undefined) {
      spec.analysis = spec.canaryAnalysis;
      prepared.warnings.push({ path: 'spec.canaryAnalysis', message: 'is deprecated; read as spec.analysis' });
    } else {
      prepared.warnings.push({ path: 'spec.canaryAnalysis', message: 'is ignored: spec.analysis is set' });
    }
    delete spec.canaryAnalysis;
  }
  const semantic = checkCanary(prepared.object);
  const annotations = parseFledgeOptions(prepared.object.metadata);
  const result = finish<Canary>('Canary', prepared, {
    errors: [...semantic.errors, ...annotations.errors],
    warnings: [...semantic.warnings, ...annotations.warnings],
  });
  if (!result.ok) return result;
  const canary = result.value;
  const provider = canary.spec.provider ?? DEFAULTS.provider;
  const strategyWarnings = deriveStrategy(canary.spec.analysis, provider).warnings;
  return { ok: true, value: canary, options: annotations.options, warnings: [...result.warnings, ...strategyWarnings] };
}

function parseWith<T>(kind: FlaggerKind, input: unknown, check: (object: Record<string, unknown>) => SemanticFindings): ParseResult<T> {
  const prepared = prepare(input, kind);
  if (!('object' in prepared)) return { ok: false, errors: prepared.errors, warnings: [] };
  return finish<T>(kind, prepared, check(prepared.object));
}

/** Parses a MetricTemplate. */
export function parseMetricTemplate(input: unknown): ParseResult<MetricTemplate> {
  return parseWith('MetricTemplate', input, checkMetricTemplate);
}

/** Parses an AlertProvider. */
export function parseAlertProvider(input: unknown): ParseResult<AlertProvider> {
  return parseWith('AlertProvider', input, checkAlertProvider);
}

/** Parses any of the three kinds, dispatching on `kind`. */
export function parseFlaggerObject(input: unknown): ParseResult<FlaggerObject> {
  const kind = isRecord(input) ? input.kind : undefined;
  if (kind === 'Canary') return parseCanary(input);
  if (kind === 'MetricTemplate') return parseMetricTemplate(input);
  if (kind === 'AlertProvider') return parseAlertProvider(input);
  return { ok: false, errors: [{ path: 'kind', message: notOneOf(FLAGGER_KINDS, kind) }], warnings: [] };
}

/**
 * Parses a Canary or throws {@link InvalidObjectError} listing every problem: for callers (such as tests
 * and fixtures) for whom an invalid object is a programming error.
 */
export function parseCanaryOrThrow(input: unknown): Canary {
  const result = parseCanary(input);
  if (result.ok) return result.value;
  const name = isRecord(input) && isRecord(input.metadata) ? String(input.metadata.name) : '(unnamed)';
  throw new InvalidObjectError('Canary', name, result.errors);
}
