/**
 * A `spec.provider` value the CRD accepts but Fledge refuses, picked from the capability table so the tests of
 * that refusal follow it: since every other Flagger provider has a router, that is App Mesh, retired on purpose.
 */
import { capabilitiesOf } from '../../shared/api/providers.ts';
import { CANARY_PROVIDERS } from '../../shared/api/types.ts';

function refused(): string {
  const provider = CANARY_PROVIDERS.find((p) => capabilitiesOf(p)?.supported === false);
  if (provider === undefined) throw new Error('the capability table refuses no provider: the refusal tests have nothing left to refuse');
  return provider;
}

/** The first provider value the capability table refuses. */
export const REFUSED_PROVIDER: string = refused();

/** Why the table refuses `provider`. */
export function refusalReason(provider: string): string {
  const reason = capabilitiesOf(provider)?.retired;
  if (reason === undefined) throw new Error(`provider ${provider} is refused without a reason in the capability table`);
  return reason;
}

/** The refusal of `provider`, as validation words it (`spec.provider: <this>`). */
export function refusalMessage(provider: string): string {
  return `"${provider}" is no longer supported: ${refusalReason(provider)}`;
}
