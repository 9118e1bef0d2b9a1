import { FledgeError } from '../../shared/errors.ts';

/** A misconfigured world (an invalid image behaviour, a clock going backwards) or a simulation that cannot settle. */
export class WorldError extends FledgeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WorldError';
  }
}
