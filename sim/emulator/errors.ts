import { FledgeError } from '../../shared/errors.ts';

/** A `Status` cause: one field-level reason of a failure. */
export interface StatusCause {
  readonly reason: string;
  readonly message: string;
  readonly field?: string;
}

/** `Status.details`, as a real API server fills it. */
export interface StatusDetails {
  readonly name?: string;
  readonly group?: string;
  readonly kind?: string;
  readonly uid?: string;
  readonly causes?: readonly StatusCause[];
  readonly retryAfterSeconds?: number;
}

/** The `Status` object a real API server answers failures with. */
export interface Status {
  readonly kind: 'Status';
  readonly apiVersion: 'v1';
  readonly metadata: Record<string, never>;
  readonly status: 'Failure' | 'Success';
  readonly message: string;
  readonly reason: string;
  readonly details?: StatusDetails;
  readonly code: number;
}

/**
 * A failure with the reason and HTTP code a real API server would give it (`NotFound`/404, `Conflict`/409, …).
 * Raised by the storage layer and the HTTP layer alike; `toStatus()` renders it for the wire.
 */
export class ApiError extends FledgeError {
  readonly reason: string;
  readonly code: number;
  readonly details: StatusDetails;

  constructor(code: number, reason: string, message: string, details: StatusDetails = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ApiError';
    this.code = code;
    this.reason = reason;
    this.details = details;
  }

  /** The error as a `Status` object. */
  toStatus(): Status {
    const details = Object.keys(this.details).length > 0 ? { details: this.details } : {};
    return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: this.message, reason: this.reason, ...details, code: this.code };
  }
}

/** Identifies an object in error messages and `Status.details`: `deployments.apps "podinfo"`. */
export interface ObjectRef {
  readonly group: string;
  readonly resource: string;
  readonly kind?: string;
  readonly name: string;
}

function qualified(ref: ObjectRef): string {
  return ref.group === '' ? ref.resource : `${ref.resource}.${ref.group}`;
}

function detailsOf(ref: ObjectRef, extra: Partial<StatusDetails> = {}): StatusDetails {
  return { name: ref.name, group: ref.group, kind: ref.resource, ...extra };
}

/** 404 for a missing object: `deployments.apps "podinfo" not found`. */
export function notFound(ref: ObjectRef): ApiError {
  return new ApiError(404, 'NotFound', `${qualified(ref)} "${ref.name}" not found`, detailsOf(ref));
}

/** 404 for a path or resource type the server does not serve. */
export function resourceNotFound(what: string): ApiError {
  return new ApiError(404, 'NotFound', `the server could not find the requested resource (${what})`, {});
}

/** 409 when the name is taken: `deployments.apps "podinfo" already exists`. */
export function alreadyExists(ref: ObjectRef): ApiError {
  return new ApiError(409, 'AlreadyExists', `${qualified(ref)} "${ref.name}" already exists`, detailsOf(ref));
}

/** 409 for a stale resourceVersion or failed precondition, with the real server's wording. */
export function conflict(ref: ObjectRef, why = 'the object has been modified; please apply your changes to the latest version and try again'): ApiError {
  return new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(ref)} "${ref.name}": ${why}`, detailsOf(ref));
}

/** 422 with field causes: `Deployment.apps "x" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0`. */
export function invalid(ref: ObjectRef & { readonly kind: string }, causes: readonly StatusCause[]): ApiError {
  const kind = ref.group === '' ? ref.kind : `${ref.kind}.${ref.group}`;
  const list = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message));
  const text = list.length === 1 ? list[0] : `[${list.join(', ')}]`;
  return new ApiError(422, 'Invalid', `${kind} "${ref.name}" is invalid: ${text}`, { name: ref.name, group: ref.group, kind: ref.kind, causes });
}

/** 400 for a malformed request. */
export function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message);
}

/** Message of a `FieldValueRequired` cause: `Required value`. */
export function required(field: string, detail?: string): StatusCause {
  return { reason: 'FieldValueRequired', message: detail ? `Required value: ${detail}` : 'Required value', field };
}

/** A `FieldValueInvalid` cause: `Invalid value: "x": detail`. */
export function invalidValue(field: string, value: unknown, detail: string): StatusCause {
  return { reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(value)}: ${detail}`, field };
}

/** A `FieldValueForbidden` cause. */
export function forbiddenField(field: string, detail: string): StatusCause {
  return { reason: 'FieldValueForbidden', message: `Forbidden: ${detail}`, field };
}
