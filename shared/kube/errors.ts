import { FledgeError } from '../errors.ts';
import type { KubeVerb } from './types.ts';

/** What a failed request was about, for messages that name the verb, kind and object. */
export interface KubeErrorContext {
  readonly verb: KubeVerb;
  readonly kind: string;
  /** `namespace/name`, `name`, or the collection for a list. */
  readonly object: string;
  /** HTTP status; 0 when no response arrived. */
  readonly status: number;
  /** The `reason` of the API server's Status (`NotFound`, `AlreadyExists`, `Conflict`, `Invalid`, …). */
  readonly reason: string;
  /** The API server's own message, or the transport error's. */
  readonly detail: string;
}

/** One field error of a 422 Invalid response (`details.causes[]`). */
export interface FieldCause {
  readonly field: string;
  readonly reason: string;
  readonly message: string;
}

/**
 * A Kubernetes API request failed. The subclasses say how; anything else (400, 401, 403, 405, 415) is this
 * base class. The message reads `<verb> <Kind> <object>: <detail> (HTTP <status> <reason>)`.
 */
export class KubeApiError extends FledgeError {
  readonly verb: KubeVerb;
  readonly kind: string;
  readonly object: string;
  readonly status: number;
  readonly reason: string;
  readonly detail: string;

  constructor(context: KubeErrorContext, options?: { cause?: unknown }) {
    const where = context.status > 0 ? `HTTP ${context.status} ${context.reason}` : context.reason;
    super(`${context.verb} ${context.kind} ${context.object}: ${context.detail} (${where})`, options);
    this.name = 'KubeApiError';
    this.verb = context.verb;
    this.kind = context.kind;
    this.object = context.object;
    this.status = context.status;
    this.reason = context.reason;
    this.detail = context.detail;
  }
}

/** 404: the object (or its namespace, or its kind) does not exist. */
export class KubeNotFoundError extends KubeApiError {
  constructor(context: KubeErrorContext, options?: { cause?: unknown }) {
    super(context, options);
    this.name = 'KubeNotFoundError';
  }
}

/** 409: `AlreadyExists` on create, or `Conflict` when the resourceVersion written is stale. */
export class KubeConflictError extends KubeApiError {
  constructor(context: KubeErrorContext, options?: { cause?: unknown }) {
    super(context, options);
    this.name = 'KubeConflictError';
  }

  /** `true` when a create found an object of the same name. */
  get alreadyExists(): boolean {
    return this.reason === 'AlreadyExists';
  }
}

/** 422: the object failed validation; `causes` lists the offending fields. */
export class KubeInvalidError extends KubeApiError {
  readonly causes: readonly FieldCause[];

  constructor(context: KubeErrorContext, causes: readonly FieldCause[], options?: { cause?: unknown }) {
    super(context, options);
    this.name = 'KubeInvalidError';
    this.causes = causes;
  }
}

/** The API server could not be reached or could not answer now (network, timeout, 429, 5xx): worth retrying. */
export class KubeUnavailableError extends KubeApiError {
  constructor(context: KubeErrorContext, options?: { cause?: unknown }) {
    super(context, options);
    this.name = 'KubeUnavailableError';
  }
}

/** The kind is served by no API group the server knows (discovery found nothing). */
export class KubeUnknownKindError extends FledgeError {
  constructor(apiVersion: string, kind: string) {
    super(`kind ${kind} of ${apiVersion} is not served by the API server (checked API discovery)`);
    this.name = 'KubeUnknownKindError';
  }
}

/** The kubeconfig cannot be used: missing, unreadable, or without a current cluster. */
export class KubeConfigError extends FledgeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KubeConfigError';
  }
}
