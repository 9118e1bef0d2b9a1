import { FledgeError } from '../errors.ts';

/** A tick that cannot go on for a reason that is a bug, not a cluster condition (e.g. a step that never decides). */
export class ControllerError extends FledgeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ControllerError';
  }
}
