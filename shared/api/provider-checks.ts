/**
 * What `spec.provider` can do, checked against what the Canary asks for, from the one capability table
 * (`providers.ts`) the router registry also reads: a retired provider, an A/B match field, mirroring or session
 * affinity the provider's router cannot give, and the reference object a router needs, are errors naming the
 * provider, never silent no-ops. A provider Fledge has no router for yet is a warning (Flagger would run it).
 */
import type { FieldIssue } from './paths.ts';
import { isRecord } from './paths.ts';
import { capabilitiesOf, type MatchField } from './providers.ts';

/** The reference object each provider's router starts from. */
const REQUIRED_REFS: Readonly<Record<string, { readonly field: 'ingressRef' | 'routeRef'; readonly hint: string }>> = {
  apisix: { field: 'routeRef', hint: 'set the ApisixRoute whose backend is the apex Service, e.g. {apiVersion: apisix.apache.org/v2, kind: ApisixRoute, name: podinfo}' },
  skipper: { field: 'ingressRef', hint: 'set the Ingress whose backend is the apex Service, e.g. {apiVersion: networking.k8s.io/v1, kind: Ingress, name: podinfo}' },
};

const MATCH_FIELDS: readonly MatchField[] = ['headers', 'queryParams', 'sourceLabels'];

/** Errors and warnings of a Canary spec against its provider's capabilities; `provider` defaults as the controller does. */
export function checkProviderCapabilities(spec: Record<string, unknown>, defaultProvider = 'istio'): { errors: FieldIssue[]; warnings: FieldIssue[] } {
  const errors: FieldIssue[] = [];
  const warnings: FieldIssue[] = [];
  const provider = typeof spec.provider === 'string' && spec.provider !== '' ? spec.provider : defaultProvider;
  const caps = capabilitiesOf(provider);
  // An unknown name is the schema's error; kubernetes documents ignoring these settings (strategy warnings).
  if (!caps || provider === 'kubernetes') return { errors, warnings };
  if (caps.retired) {
    errors.push({ path: 'spec.provider', message: `"${provider}" is no longer supported: ${caps.retired}` });
    return { errors, warnings };
  }
  if (!caps.supported) warnings.push({ path: 'spec.provider', message: `"${provider}" is a Flagger provider Fledge does not support yet: the controller will not run this Canary` });
  const analysis = isRecord(spec.analysis) ? spec.analysis : {};
  const matches = Array.isArray(analysis.match) ? analysis.match : [];
  matches.forEach((match, i) => {
    if (!isRecord(match)) return;
    for (const field of MATCH_FIELDS) {
      if (match[field] === undefined || caps.match.includes(field)) continue;
      const can = caps.match.length > 0 ? `it routes A/B tests on ${caps.match.join(', ')} only` : 'it has no A/B testing';
      errors.push({ path: `spec.analysis.match[${i}].${field}`, message: `provider "${provider}" cannot route on ${field}: ${can}` });
    }
  });
  if (analysis.mirror === true && !caps.mirroring) errors.push({ path: 'spec.analysis.mirror', message: `provider "${provider}" cannot mirror traffic; remove mirror or use a provider that can (istio, gatewayapi:v1)` });
  if (isRecord(analysis.sessionAffinity) && !caps.sessionAffinity) {
    errors.push({ path: 'spec.analysis.sessionAffinity', message: `provider "${provider}" has no session affinity; remove sessionAffinity or use a provider that has it (istio, gatewayapi:v1)` });
  }
  const service = isRecord(spec.service) ? spec.service : {};
  if (provider === 'istio' && typeof service.appProtocol === 'string' && service.appProtocol.toLowerCase() === 'tcp') {
    for (const field of ['match', 'mirror', 'sessionAffinity'] as const) {
      const asked = field === 'match' ? matches.length > 0 : field === 'mirror' ? analysis.mirror === true : isRecord(analysis.sessionAffinity);
      if (asked) errors.push({ path: `spec.analysis.${field}`, message: `a TCP service (spec.service.appProtocol: tcp) is routed by weight only on provider "istio"; remove ${field}` });
    }
  }
  const required = REQUIRED_REFS[provider.split(':', 1)[0] ?? ''];
  if (required && !(isRecord(spec[required.field]) && typeof (spec[required.field] as Record<string, unknown>).name === 'string')) {
    errors.push({ path: `spec.${required.field}`, message: `required with provider "${provider}"; ${required.hint}` });
  }
  return { errors, warnings };
}
