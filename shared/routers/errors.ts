import { FledgeError } from '../errors.ts';

/** A router cannot do what it was asked with the objects it found; the message names kind, object and verb. */
export class RouterError extends FledgeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RouterError';
  }
}

/** `spec.provider` names no provider Flagger knows: a validation error naming the supported ones. */
export class UnknownProviderError extends FledgeError {
  readonly field = 'spec.provider';
  readonly value: string;

  constructor(value: string, known: readonly string[]) {
    super(`spec.provider: expected one of ${known.join(', ')}, got "${value}"`);
    this.name = 'UnknownProviderError';
    this.value = value;
  }
}

/** `spec.provider` names a provider Fledge refuses on purpose (App Mesh, discontinued): says why and what to use. */
export class RetiredProviderError extends FledgeError {
  readonly field = 'spec.provider';
  readonly value: string;

  constructor(value: string, why: string) {
    super(`spec.provider: "${value}": ${why}`);
    this.name = 'RetiredProviderError';
    this.value = value;
  }
}
