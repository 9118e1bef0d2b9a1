/**
 * A `spec.provider` value the CRD accepts but Fledge has no router for yet, picked from the capability table so
 * the tests of that refusal keep working as routers land; `undefined` once every provider has one.
 */
import { capabilitiesOf } from '../../shared/api/providers.ts';
import { CANARY_PROVIDERS } from '../../shared/api/types.ts';
import { SUPPORTED_PROVIDERS } from '../../shared/routers/factory.ts';

export const UNSUPPORTED_PROVIDER: string | undefined = CANARY_PROVIDERS.find((p) => {
  const capabilities = capabilitiesOf(p);
  return capabilities !== undefined && !capabilities.supported && capabilities.retired === undefined;
});

/** The refusal of `provider`, as validation words it. */
export function unsupportedMessage(provider: string): string {
  return `"${provider}" is a Flagger provider Fledge does not support yet; supported: ${SUPPORTED_PROVIDERS.join(', ')}`;
}
