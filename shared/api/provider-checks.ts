/**
 * What a Canary asks of its provider, checked against the capability table (`providers.ts`) and the limits of
 * each router, so that a Canary `explain` calls valid is one the controller can route: asking a provider for
 * what it cannot do is an error naming the provider, never a silent no-op. The kubernetes provider is left out
 * (Flagger documents it as ignoring these settings; `strategy.ts` warns), and so are providers Fledge has no
 * router for (refused as a whole elsewhere).
 */
import { capabilitiesOf, type MatchField } from './providers.ts';
import type { FieldIssue, PathTokens } from './paths.ts';
import { formatPath, isRecord } from './paths.ts';

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

/** References a router needs to find its objects. */
const REQUIRED_REFS: Readonly<Record<string, { readonly path: PathTokens; readonly what: string }>> = {
  gatewayapi: { path: ['spec', 'service', 'gatewayRefs'], what: 'at least one Gateway (or a Service, for GAMMA) to attach the HTTPRoute to' },
  nginx: { path: ['spec', 'ingressRef'], what: 'the Ingress to clone as the canary Ingress' },
  alb: { path: ['spec', 'ingressRef'], what: 'the Ingress whose paths the forward action takes over' },
};

function present(spec: Record<string, unknown>, path: PathTokens): boolean {
  let value: unknown = { spec };
  for (const token of path) value = isRecord(value) ? value[String(token)] : undefined;
  return Array.isArray(value) ? value.length > 0 : isRecord(value) && typeof value.name === 'string' && value.name !== '';
}

/** The errors of a Canary spec asking its provider for what it cannot do. */
export function providerIssues(spec: Record<string, unknown>): FieldIssue[] {
  const errors: FieldIssue[] = [];
  const issue: Issue = (tokens, message) => errors.push({ path: formatPath(tokens), message });
  const provider = typeof spec.provider === 'string' && spec.provider !== '' ? spec.provider : 'istio';
  const name = provider.split(':', 1)[0] ?? '';
  const capabilities = capabilitiesOf(provider);
  if (!capabilities || !capabilities.supported || name === 'kubernetes') return errors;
  const required = REQUIRED_REFS[name];
  if (required && !present(spec, required.path)) issue(required.path, `is required with the ${provider} provider: ${required.what}`);
  const analysis = isRecord(spec.analysis) ? spec.analysis : {};
  const matches = Array.isArray(analysis.match) ? analysis.match : [];
  matches.forEach((match, i) => {
    if (!isRecord(match)) return;
    const at = ['spec', 'analysis', 'match', i];
    for (const field of MATCH_FIELDS) {
      if (match[field] === undefined || capabilities.match.includes(field)) continue;
      issue([...at, field], capabilities.match.length === 0 ? `the ${provider} provider cannot do A/B testing` : `the ${provider} provider cannot route on ${field}; it routes on ${capabilities.match.join(', ')}`);
    }
    MATCH_LIMITS[name]?.(match, at, issue);
  });
  if (name === 'nginx' && matches.length > 0 && analysis.iterations === undefined) {
    issue(['spec', 'analysis', 'match'], 'the nginx provider sends every matching request to the canary, so it cannot split them by weight: set analysis.iterations (A/B testing)');
  }
  if (analysis.mirror === true && !capabilities.mirroring) issue(['spec', 'analysis', 'mirror'], `the ${provider} provider cannot mirror traffic`);
  if (analysis.sessionAffinity !== undefined && !capabilities.sessionAffinity) issue(['spec', 'analysis', 'sessionAffinity'], `the ${provider} provider has no session affinity`);
  return errors;
}
