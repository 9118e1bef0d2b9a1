import { FledgeError } from '../errors.ts';
import type { FieldIssue } from './paths.ts';
import { formatIssue } from './paths.ts';

/**
 * `<kind> <name> is invalid: <issue>` for one issue; for several, each on a line of its own, indented, since
 * messages themselves contain `; ` (`must be at least 1; got 0`). Kubernetes' API server words it the same way.
 * @example invalidObjectMessage('Canary', 'podinfo.test', [{ path: 'spec.analysis.stepWeight', message: 'must be at least 1; got 0' }])
 * // 'Canary podinfo.test is invalid: spec.analysis.stepWeight: must be at least 1; got 0'
 */
export function invalidObjectMessage(kind: string, objectName: string, issues: readonly FieldIssue[]): string {
  const lines = issues.map(formatIssue);
  return `${kind} ${objectName} is invalid:${lines.length === 1 ? ` ${lines[0] ?? ''}` : lines.map((line) => `\n  ${line}`).join('')}`;
}

/** A Flagger object that failed validation; `issues` lists every problem with its field path. */
export class InvalidObjectError extends FledgeError {
  readonly kind: string;
  readonly objectName: string;
  readonly issues: readonly FieldIssue[];

  constructor(kind: string, objectName: string, issues: readonly FieldIssue[]) {
    super(invalidObjectMessage(kind, objectName, issues));
    this.name = 'InvalidObjectError';
    this.kind = kind;
    this.objectName = objectName;
    this.issues = issues;
  }
}
