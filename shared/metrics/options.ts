/**
 * What every HTTP metric provider is built from: the template's `spec.provider`, the decoded secret, the
 * metric's interval (look-back windows are multiples of it), the clock and the request timeout.
 */
import { parseDuration } from '../api/duration.ts';
import type { MetricTemplateProvider } from '../api/types.ts';
import { ProviderConfigError } from './errors.ts';

/** The inputs of one provider. */
export interface ProviderOptions {
  readonly spec: MetricTemplateProvider;
  readonly secret?: Readonly<Record<string, string>>;
  /** The metric's interval, e.g. `1m`. */
  readonly interval: string;
  readonly now: () => Date;
  /** @default 5000 (Flagger's) */
  readonly timeoutMs?: number;
}

/** The value of secret key `key`, or a {@link ProviderConfigError} naming it. */
export function secretKey(options: ProviderOptions, key: string): string {
  const value = options.secret?.[key];
  if (value === undefined) {
    const where = options.spec.secretRef === undefined ? 'no spec.provider.secretRef is set' : `Secret ${options.spec.secretRef.name} has no key ${key}`;
    throw new ProviderConfigError(`${options.spec.type} credentials do not contain ${key} (${where})`);
  }
  return value;
}

/** The metric interval in milliseconds, or a {@link ProviderConfigError}. */
export function intervalMs(options: ProviderOptions): number {
  const ms = parseDuration(options.interval);
  if (ms === undefined || ms <= 0) throw new ProviderConfigError(`error parsing metric interval ${JSON.stringify(options.interval)}`);
  return ms;
}

/** `spec.provider.address` as a URL (trailing slashes removed), `fallback` when unset, or a {@link ProviderConfigError}. */
export function addressOf(options: ProviderOptions, fallback?: string): string {
  const address = options.spec.address !== undefined && options.spec.address !== '' ? options.spec.address : fallback;
  if (address === undefined) throw new ProviderConfigError(`${options.spec.type} address is not set (spec.provider.address)`);
  try {
    new URL(address);
  } catch {
    throw new ProviderConfigError(`${options.spec.type} address ${JSON.stringify(address)} is not a valid URL`);
  }
  return address.replace(/\/+$/u, '');
}
