/**
 * Kubernetes name rules (apimachinery's `IsDNS1123Label`, `IsDNS1123Subdomain`, `IsDNS1035Label`) for every
 * name a Flagger object carries or refers to, as the API server applies them to the kind named: a name
 * `explain` accepts is one the cluster accepts, and one Flagger can derive its own objects' names from
 * (`<target>-primary`, `<service>-canary`).
 */
import { broken } from './messages.ts';
import type { FieldIssue, PathTokens } from './paths.ts';
import { formatPath, isRecord } from './paths.ts';
import type { FlaggerKind } from './types.ts';

const LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_LABEL = new RegExp(`^${LABEL}$`);
const DNS1123_SUBDOMAIN = new RegExp(`^${LABEL}(\\.${LABEL})*$`);
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** A name format: what the API server calls it, its pattern and its length limit. */
interface NameRule {
  readonly pattern: RegExp;
  readonly max: number;
  readonly describe: string;
}

/** Namespaces and other single labels. */
export const LABEL_RULE: NameRule = {
  pattern: DNS1123_LABEL,
  max: 63,
  describe: "an RFC 1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit",
};
/** Most object names (Deployments, custom resources, Secrets, Ingresses, HPAs). */
export const SUBDOMAIN_RULE: NameRule = {
  pattern: DNS1123_SUBDOMAIN,
  max: 253,
  describe: "an RFC 1123 subdomain: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit",
};
/** Service names. */
export const SERVICE_RULE: NameRule = {
  pattern: DNS1035_LABEL,
  max: 63,
  describe: "an RFC 1035 label: lowercase letters, digits and '-', starting with a letter and ending with a letter or digit",
};

/** The longest suffix Flagger appends to a name it derives objects from. */
const PRIMARY_SUFFIX = '-primary';

/** A close valid name to suggest: lowercase, other characters as '-', trimmed to what the rule allows. */
function suggestion(value: string, rule: NameRule, room: number): string | undefined {
  let name = value.toLowerCase().replace(rule === SUBDOMAIN_RULE ? /[^a-z0-9.-]+/g : /[^a-z0-9-]+/g, '-');
  name = name.replace(/-{2,}/g, '-').replace(/\.{2,}/g, '.').replace(/(^|\.)[-.]+|[-.]+($|\.)/g, '$1$2');
  if (rule === SERVICE_RULE) name = name.replace(/^[^a-z]+/, '');
  name = name.slice(0, rule.max - room).replace(/[-.]+$/, '');
  return name !== '' && name !== value && rule.pattern.test(name) ? name : undefined;
}

/**
 * Why `value` is not a valid name under `rule` (with `room` characters kept free for a suffix Flagger
 * appends), or `undefined` when it is.
 */
export function nameProblem(value: string, rule: NameRule, room = 0, derived?: string): string | undefined {
  const max = rule.max - room;
  const valid = rule.pattern.test(value);
  if (valid && value.length <= max) return undefined;
  const fix = suggestion(value, rule, room);
  const tail = fix === undefined ? '' : `; for example "${fix}"`;
  if (!valid) return `${broken(`must be ${rule.describe}`, value)}${tail}`;
  const why = derived ? ` so that ${derived} fits in ${rule.max}` : '';
  return `must have at most ${max} characters${why}; got ${value.length} characters${tail}`;
}

/** The name of a referenced object and, when the reference has one, its namespace. */
function refIssues(ref: unknown, at: PathTokens, nameRule: NameRule, issues: FieldIssue[], room = 0, derived?: (name: string) => string): void {
  if (!isRecord(ref)) return;
  if (typeof ref.name === 'string' && ref.name !== '') {
    const problem = nameProblem(ref.name, nameRule, room, derived?.(ref.name));
    if (problem) issues.push({ path: formatPath([...at, 'name']), message: problem });
  }
  if (typeof ref.namespace === 'string' && ref.namespace !== '') {
    const problem = nameProblem(ref.namespace, LABEL_RULE);
    if (problem) issues.push({ path: formatPath([...at, 'namespace']), message: problem });
  }
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** `metadata.name` (a custom resource: subdomain) and `metadata.namespace` (a label). */
function metadataIssues(object: Record<string, unknown>, issues: FieldIssue[]): void {
  refIssues(object.metadata, ['metadata'], SUBDOMAIN_RULE, issues);
}

/** The names in a Canary: its own, its target's (and the Services and primary derived from it), its references. */
function canaryIssues(spec: Record<string, unknown>, issues: FieldIssue[]): void {
  const target = isRecord(spec.targetRef) ? spec.targetRef : undefined;
  const service = isRecord(spec.service) ? spec.service : {};
  if (target?.kind === 'Service') {
    refIssues(target, ['spec', 'targetRef'], SERVICE_RULE, issues, PRIMARY_SUFFIX.length, (n) => `${n}${PRIMARY_SUFFIX}`);
  } else {
    refIssues(target, ['spec', 'targetRef'], SUBDOMAIN_RULE, issues, PRIMARY_SUFFIX.length, (n) => `${n}${PRIMARY_SUFFIX}`);
  }
  // Flagger names the apex, primary and canary Services after service.name, else after the target.
  const serviceName = typeof service.name === 'string' && service.name !== '' ? service.name : undefined;
  const apex = serviceName ?? (target?.kind === 'Service' ? undefined : typeof target?.name === 'string' ? target.name : undefined);
  const already = new Set(issues.map((issue) => issue.path));
  const apexPath = serviceName ? ['spec', 'service', 'name'] : ['spec', 'targetRef', 'name'];
  if (apex !== undefined && apex !== '' && !already.has(formatPath(apexPath))) {
    const problem = nameProblem(apex, SERVICE_RULE, PRIMARY_SUFFIX.length, `the Service ${apex}${PRIMARY_SUFFIX}`);
    if (problem) issues.push({ path: formatPath(apexPath), message: `names the Services: ${problem}` });
  }
  refIssues(spec.autoscalerRef, ['spec', 'autoscalerRef'], SUBDOMAIN_RULE, issues, PRIMARY_SUFFIX.length, (n) => `${n}${PRIMARY_SUFFIX}`);
  refIssues(spec.ingressRef, ['spec', 'ingressRef'], SUBDOMAIN_RULE, issues, '-canary'.length, (n) => `${n}-canary`);
  refIssues(spec.routeRef, ['spec', 'routeRef'], SUBDOMAIN_RULE, issues);
  refIssues(spec.upstreamRef, ['spec', 'upstreamRef'], SUBDOMAIN_RULE, issues);
  list(service.gatewayRefs).forEach((ref, i) => refIssues(ref, ['spec', 'service', 'gatewayRefs', i], SUBDOMAIN_RULE, issues));
  list(service.mirror).forEach((filter, i) => {
    if (isRecord(filter)) refIssues(filter.backendRef, ['spec', 'service', 'mirror', i, 'backendRef'], SUBDOMAIN_RULE, issues);
  });
  const analysis = isRecord(spec.analysis) ? spec.analysis : {};
  list(analysis.metrics).forEach((metric, i) => {
    if (isRecord(metric)) refIssues(metric.templateRef, ['spec', 'analysis', 'metrics', i, 'templateRef'], SUBDOMAIN_RULE, issues);
  });
  list(analysis.alerts).forEach((alert, i) => {
    if (isRecord(alert)) refIssues(alert.providerRef, ['spec', 'analysis', 'alerts', i, 'providerRef'], SUBDOMAIN_RULE, issues);
  });
}

/**
 * Every name of `object` (a Flagger `kind`) that the API server would refuse, or that would make a name
 * Flagger derives from it invalid, each with the rule and a close valid name.
 * @example nameIssues('Canary', { metadata: { name: 'Web_App' }, spec: {} }) // metadata.name: must be an RFC 1123 subdomain…
 */
export function nameIssues(kind: FlaggerKind, object: Record<string, unknown>): FieldIssue[] {
  const issues: FieldIssue[] = [];
  metadataIssues(object, issues);
  const spec = isRecord(object.spec) ? object.spec : {};
  if (kind === 'Canary') canaryIssues(spec, issues);
  else if (kind === 'MetricTemplate') {
    if (isRecord(spec.provider)) refIssues(spec.provider.secretRef, ['spec', 'provider', 'secretRef'], SUBDOMAIN_RULE, issues);
  } else refIssues(spec.secretRef, ['spec', 'secretRef'], SUBDOMAIN_RULE, issues);
  return issues;
}
