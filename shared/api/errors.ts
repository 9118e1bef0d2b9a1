import { FledgeError } from '../errors.ts';
import type { FieldIssue } from './paths.ts';
import { formatIssue } from './paths.ts';

/** A Flagger object that failed validation; `issues` lists every problem with its field path. */
export class InvalidObjectError extends FledgeError {
  readonly kind: string;
  readonly objectName: string;
  readonly issues: readonly FieldIssue[];

  constructor(kind: string, objectName: string, issues: readonly FieldIssue[]) {
    super(`${kind} ${objectName} is invalid: ${issues.map(formatIssue).join('; ')}`);
    this.name = 'InvalidObjectError';
    this.kind = kind;
    this.objectName = objectName;
    this.issues = issues;
  }
}
