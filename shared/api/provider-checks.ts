/**
 * What the Canary asks of its provider, held against `PROVIDER_CAPABILITIES`: a provider Fledge has no router
 * for, a retired one, and A/B match fields, mirroring or session affinity the provider's router cannot do are
 * errors naming the provider, so a Canary `explain` calls valid is one the controller can run. The kubernetes
 * provider is the exception Flagger documents: it ignores them, and `strategy.ts` warns.
 */
import { DEFAULTS } from './defaults.ts';
import type { FieldIssue } from './paths.ts';
import { formatPath, isRecord } from './paths.ts';
import type { MatchField, ProviderCapabilities, ProviderName } from './providers.ts';
import { PROVIDER_CAPABILITIES, capabilitiesOf, supportedProviders } from './providers.ts';

const MATCH_FIELDS: readonly MatchField[] = ['headers', 'queryParams', 'sourceLabels'];

/** The providers that can do what `can` asks, for the message. */
function providersThat(can: (caps: ProviderCapabilities) => boolean): string {
  const names = (Object.keys(PROVIDER_CAPABILITIES) as ProviderName[]).filter((name) => {
    const caps: ProviderCapabilities = PROVIDER_CAPABILITIES[name];
    return caps.retired === undefined && can(caps);
  });
  return names.join(', ');
}

/** Errors of `spec.provider` and of the analysis features it cannot route. */
export function providerIssues(spec: Record<string, unknown>): FieldIssue[] {
  const provider = typeof spec.provider === 'string' && spec.provider !== '' ? spec.provider : DEFAULTS.provider;
  const caps = capabilitiesOf(provider);
  if (caps === undefined) return []; // not a Flagger provider: the schema's enum says so
  const name = provider.split(':', 1)[0] as string;
  const issues: FieldIssue[] = [];
  if (caps.retired !== undefined) {
    return [{ path: 'spec.provider', message: `"${provider}" is retired: ${caps.retired}` }];
  }
  if (!caps.supported) {
    issues.push({ path: 'spec.provider', message: `"${provider}" is a Flagger provider Fledge does not support yet; supported: ${supportedProviders().join(', ')}` });
  }
  if (name === 'kubernetes') return issues;
  const analysis = isRecord(spec.analysis) ? spec.analysis : {};
  const match = Array.isArray(analysis.match) ? analysis.match : [];
  match.forEach((condition, i) => {
    if (!isRecord(condition)) return;
    for (const field of MATCH_FIELDS) {
      if (condition[field] === undefined || caps.match.includes(field)) continue;
      const at = formatPath(['spec', 'analysis', 'match', i, field]);
      const message =
        caps.match.length === 0
          ? `A/B testing is not supported by the ${name} provider; providers that match requests: ${providersThat((c) => c.match.length > 0)}`
          : `the ${name} provider matches requests on ${caps.match.join(' and ')} only; ${field} is matched by: ${providersThat((c) => c.match.includes(field))}`;
      issues.push({ path: at, message });
    }
  });
  if (analysis.mirror === true && !caps.mirroring) {
    issues.push({ path: 'spec.analysis.mirror', message: `traffic mirroring is not supported by the ${name} provider; remove it, or use one of: ${providersThat((c) => c.mirroring)}` });
  }
  if (isRecord(analysis.sessionAffinity) && !caps.sessionAffinity) {
    issues.push({
      path: 'spec.analysis.sessionAffinity',
      message: `session affinity is not supported by the ${name} provider; remove it, or use one of: ${providersThat((c) => c.sessionAffinity)}`,
    });
  }
  return issues;
}
