import { formatIssue as formatFieldIssue } from '../../shared/api/paths.ts';
import { FledgeError } from '../../shared/errors.ts';
import type { ScenarioIssue } from './types.ts';

/**
 * Formats one issue as a line of stderr: the document, then `shared/api`'s `path: message`.
 * @example formatIssue({ document: 'Canary podinfo', path: 'spec.analysis.stepWeight', message: 'expected a number, got "ten"' })
 * // 'Canary podinfo: spec.analysis.stepWeight: expected a number, got "ten"'
 */
export function formatIssue(issue: ScenarioIssue): string {
  return `${issue.document}: ${formatFieldIssue(issue)}`;
}

/**
 * A scenario FILE found invalid while it runs, e.g. the emulator refuses one of its objects (422 Invalid) or a
 * timeline entry names an object that does not exist at its tick. `fledge simulate` prints the issues and exits 2.
 */
export class ScenarioRunError extends FledgeError {
  readonly issues: readonly ScenarioIssue[];

  constructor(issues: readonly ScenarioIssue[], options?: { cause?: unknown }) {
    super(issues.map(formatIssue).join('\n'), options);
    this.name = 'ScenarioRunError';
    this.issues = issues;
  }
}
