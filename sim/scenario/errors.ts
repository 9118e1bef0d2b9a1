import { FledgeError } from '../../shared/errors.ts';
import type { ScenarioIssue } from './types.ts';

/**
 * A scenario FILE found invalid while it runs, e.g. the emulator refuses one of its objects (422 Invalid) or a
 * timeline entry names an object that does not exist at its tick. `fledge simulate` prints the issues and exits 2.
 */
export class ScenarioRunError extends FledgeError {
  readonly issues: readonly ScenarioIssue[];

  constructor(issues: readonly ScenarioIssue[], options?: { cause?: unknown }) {
    super(issues.map((i) => (i.path === '' ? `${i.document}: ${i.message}` : `${i.document}: ${i.path}: ${i.message}`)).join('\n'), options);
    this.name = 'ScenarioRunError';
    this.issues = issues;
  }
}
