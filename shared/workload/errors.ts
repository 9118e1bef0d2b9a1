import { FledgeError } from '../errors.ts';

/**
 * A workload operation cannot proceed because of what is in the cluster: the target is missing, its
 * selector has none of the selector labels, a DaemonSet does not roll, a required config is missing.
 * The message names the object and says what was found and what was expected.
 */
export class WorkloadError extends FledgeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WorkloadError';
  }
}
