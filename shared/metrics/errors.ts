import { FledgeError } from '../errors.ts';

/**
 * A metric provider that cannot be built from what its MetricTemplate and Secret say (bad address, a missing
 * secret key, a missing region). The checker reports it as the check's `error`, naming the template.
 */
export class ProviderConfigError extends FledgeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ProviderConfigError';
  }
}
