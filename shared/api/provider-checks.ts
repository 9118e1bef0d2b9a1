/**
 * What `spec.provider` can do, checked against what the Canary asks for, from the one capability table
 * (`providers.ts`) the router registry also reads, so that a Canary `explain` calls valid is one the controller
 * can route: a retired provider, an A/B match field, mirroring or session affinity the
 * provider's router cannot give, a router's own limits on matches, and the reference object a router needs,
 * are errors naming the provider, never silent no-ops. The kubernetes provider is left out (Flagger documents
 * it as ignoring these settings; `strategy.ts` warns).
 */
import type { FieldIssue, PathTokens } from './paths.ts';
import { formatPath, isRecord } from './paths.ts';
import { capabilitiesOf, type MatchField } from './providers.ts';

type Issue = (tokens: PathTokens, message: string) => void;

const MATCH_FIELDS: readonly MatchField[] = ['headers', 'queryParams', 'sourceLabels'];

/** `exact`, `prefix`, `suffix`, `regex`: the kind of a string match, or undefined. */
function kindOf(match: unknown): string | undefined {
  if (!isRecord(match)) return undefined;
  return ['exact', 'prefix', 'suffix', 'regex'].find((k) => match[k] !== undefined);
}

/** Limits of one router beyond the table, on one `analysis.match` entry. */
const MATCH_LIMITS: Readonly<Record<string, (match: Record<string, unknown>, at: PathTokens, issue: Issue) => void>> = {
  gatewayapi: (match, at, issue) => {
    for (const field of ['headers', 'queryParams'] as const) {
      for (const [name, value] of Object.entries(isRecord(match[field]) ? match[field] : {})) {
        const kind = kindOf(value);
        if (kind === 'prefix' || kind === 'suffix') issue([...at, field, name, kind], `the gatewayapi provider matches ${field === 'headers' ? 'headers' : 'query parameters'} by exact value or regex only`);
      }
    }
  },
  nginx: (match, at, issue) => {
    for (const [name, value] of Object.entries(isRecord(match.headers) ? match.headers : {})) {
      const kind = kindOf(value);
      if (name.toLowerCase() === 'cookie' && kind !== 'exact') issue([...at, 'headers', name], 'the nginx provider routes a cookie by its name: use exact: <cookie name> (canary-by-cookie)');
      else if (kind === 'prefix' || kind === 'suffix') issue([...at, 'headers', name, kind], 'the nginx provider matches a header by exact value (canary-by-header-value) or regex (canary-by-header-pattern) only');
    }
  },
  alb: (match, at, issue) => {
    for (const [name, value] of Object.entries(isRecord(match.headers) ? match.headers : {})) {
      if (kindOf(value) === 'regex') issue([...at, 'headers', name, 'regex'], 'the alb provider cannot match a regex: ALB rule conditions take exact values and * / ? wildcards (use exact, prefix or suffix)');
    }
    for (const [name, value] of Object.entries(isRecord(match.queryParams) ? match.queryParams : {})) {
      if (kindOf(value) !== 'exact') issue([...at, 'queryParams', name], 'the alb provider matches query parameters by exact value only');
    }
  },
};

/** The reference object each provider's router starts from. */
const REQUIRED_REFS: Readonly<Record<string, { readonly path: PathTokens; readonly what: string }>> = {
  gatewayapi: { path: ['spec', 'service', 'gatewayRefs'], what: 'at least one Gateway (or a Service, for GAMMA) to attach the HTTPRoute to' },
  nginx: { path: ['spec', 'ingressRef'], what: 'the Ingress to clone as the canary Ingress' },
  alb: { path: ['spec', 'ingressRef'], what: 'the Ingress whose paths the forward action takes over' },
  apisix: { path: ['spec', 'routeRef'], what: 'the ApisixRoute whose backend is the apex Service, e.g. {apiVersion: apisix.apache.org/v2, kind: ApisixRoute, name: podinfo}' },
  skipper: { path: ['spec', 'ingressRef'], what: 'the Ingress whose backend is the apex Service, e.g. {apiVersion: networking.k8s.io/v1, kind: Ingress, name: podinfo}' },
};

function present(spec: Record<string, unknown>, path: PathTokens): boolean {
  let value: unknown = { spec };
  for (const token of path) value = isRecord(value) ? value[String(token)] : undefined;
  return Array.isArray(value) ? value.length > 0 : isRecord(value) && typeof value.name === 'string' && value.name !== '';
}

/** The Knative Serving API version a Knative Service target names. */
const KNATIVE_SERVING = 'serving.knative.dev/v1';

/**
 * Flagger's `verifyKnativeCanary`: a Knative Service target goes with the knative provider and only with it, and
 * scales itself, so it takes no autoscalerRef.
 */
function knativeIssues(spec: Record<string, unknown>, name: string, provider: string, issue: Issue): void {
  const target = isRecord(spec.targetRef) ? spec.targetRef : {};
  const knativeTarget = target.kind === 'Service' && target.apiVersion === KNATIVE_SERVING;
  if (knativeTarget && name !== 'knative') {
    issue(['spec', 'provider'], `a Knative Service target (${KNATIVE_SERVING} Service) is released with provider "knative" only; got "${provider}"`);
  }
  if (!knativeTarget && name === 'knative') {
    const got = `${typeof target.apiVersion === 'string' ? target.apiVersion : '(no apiVersion)'} ${typeof target.kind === 'string' ? target.kind : '(no kind)'}`;
    issue(['spec', 'targetRef'], `provider "knative" releases a Knative Service: set apiVersion ${KNATIVE_SERVING} and kind Service; got ${got}`);
  }
  if (knativeTarget && spec.autoscalerRef !== undefined) issue(['spec', 'autoscalerRef'], 'a Knative Service scales its Revisions itself: remove autoscalerRef');
}

/** The errors of a Canary spec asking its provider for what it cannot do; `provider` defaults as the controller does. */
export function providerIssues(spec: Record<string, unknown>, defaultProvider = 'istio'): FieldIssue[] {
  const errors: FieldIssue[] = [];
  const issue: Issue = (tokens, message) => errors.push({ path: formatPath(tokens), message });
  const provider = typeof spec.provider === 'string' && spec.provider !== '' ? spec.provider : defaultProvider;
  const name = provider.split(':', 1)[0] ?? '';
  const caps = capabilitiesOf(provider);
  if (caps) knativeIssues(spec, name, provider, issue);
  // An unknown name is the schema's error; kubernetes documents ignoring these settings (strategy warnings).
  if (!caps || name === 'kubernetes') return errors;
  if (caps.retired) {
    issue(['spec', 'provider'], `"${provider}" is no longer supported: ${caps.retired}`);
    return errors;
  }
  const required = REQUIRED_REFS[name];
  if (required && !present(spec, required.path)) issue(required.path, `is required with the ${provider} provider: ${required.what}`);
  const analysis = isRecord(spec.analysis) ? spec.analysis : {};
  const matches = Array.isArray(analysis.match) ? analysis.match : [];
  matches.forEach((match, i) => {
    if (!isRecord(match)) return;
    const at = ['spec', 'analysis', 'match', i];
    for (const field of MATCH_FIELDS) {
      if (match[field] === undefined || caps.match.includes(field)) continue;
      const can = caps.match.length > 0 ? `it routes A/B tests on ${caps.match.join(', ')} only` : 'it has no A/B testing';
      issue([...at, field], `provider "${provider}" cannot route on ${field}: ${can}`);
    }
    MATCH_LIMITS[name]?.(match, at, issue);
  });
  if (name === 'nginx' && matches.length > 0 && analysis.iterations === undefined) {
    issue(['spec', 'analysis', 'match'], 'the nginx provider sends every matching request to the canary, so it cannot split them by weight: set analysis.iterations (A/B testing)');
  }
  if (analysis.mirror === true && !caps.mirroring) issue(['spec', 'analysis', 'mirror'], `provider "${provider}" cannot mirror traffic; remove mirror or use a provider that can (istio, gatewayapi:v1)`);
  if (analysis.sessionAffinity !== undefined && !caps.sessionAffinity) {
    issue(['spec', 'analysis', 'sessionAffinity'], `provider "${provider}" has no session affinity; remove sessionAffinity or use a provider that has it (istio, gatewayapi:v1, alb)`);
  }
  const service = isRecord(spec.service) ? spec.service : {};
  if (name === 'istio' && typeof service.appProtocol === 'string' && service.appProtocol.toLowerCase() === 'tcp') {
    const asked = { match: matches.length > 0, mirror: analysis.mirror === true, sessionAffinity: analysis.sessionAffinity !== undefined };
    for (const field of ['match', 'mirror', 'sessionAffinity'] as const) {
      if (asked[field]) issue(['spec', 'analysis', field], `a TCP service (spec.service.appProtocol: tcp) is routed by weight only on provider "istio"; remove ${field}`);
    }
  }
  return errors;
}
