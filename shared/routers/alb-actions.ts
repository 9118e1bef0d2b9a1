/**
 * The AWS Load Balancer Controller's Ingress annotations for a split, as pure data: the weighted forward action
 * `alb.ingress.kubernetes.io/actions.<apex>` (target groups `<apex>-primary` / `<apex>-canary`), and for A/B
 * testing `conditions.<apex>` on a copy of each routed path placed before a fallback action `<apex>-default` that
 * forwards everything else to the primary. The backends of the user's paths name the action: service `<apex>`,
 * port `use-annotation`. One Ingress, so one load balancer.
 */
import type { MatchedWeights, RouteReading, RouteSpec } from '../api/routes.ts';
import type { AnalysisMatch, Canary, StringMatch } from '../api/types.ts';
import { RouterError } from './errors.ts';
import { DEFAULT_COOKIE_MAX_AGE } from './istio-routes.ts';
import { dotted, serviceNames } from './names.ts';

/** The AWS Load Balancer Controller's annotation prefix. */
export const ALB_PREFIX = 'alb.ingress.kubernetes.io';
/** The backend port that makes the controller read the action annotation named by the backend service. */
export const USE_ANNOTATION = 'use-annotation';

/** One target group of a forward action. */
export interface TargetGroupTuple {
  serviceName: string;
  servicePort: string;
  weight: number;
}

/** The `actions.<name>` annotation's JSON. */
export interface ForwardAction {
  type: 'forward';
  forwardConfig: {
    targetGroups: TargetGroupTuple[];
    targetGroupStickinessConfig?: { enabled: boolean; durationSeconds?: number };
  };
}

/** One listener rule condition of a `conditions.<name>` annotation. */
export type RuleCondition =
  | { field: 'http-header'; httpHeaderConfig: { httpHeaderName: string; values: string[] } }
  | { field: 'query-string'; queryStringConfig: { values: Array<{ key: string; value: string }> } };

/** The action names of a Canary: the weighted (or first matched) one, extra matched ones, the A/B fallback. */
export function actionNames(canary: Canary): { readonly main: string; readonly fallback: string; matched(index: number): string } {
  const apex = serviceNames(canary).apex;
  return { main: apex, fallback: `${apex}-default`, matched: (index) => (index === 0 ? apex : `${apex}-match-${index}`) };
}

/** `actions.<name>` and `conditions.<name>` annotation keys. */
export const actionKey = (name: string): string => `${ALB_PREFIX}/actions.${name}`;
export const conditionsKey = (name: string): string => `${ALB_PREFIX}/conditions.${name}`;

/** The forward action sending `primary`/`canary` percent to the two target groups, sticky when the Canary asks. */
export function forwardAction(canary: Canary, weights: MatchedWeights): ForwardAction {
  const names = serviceNames(canary);
  const port = String(canary.spec.service?.port ?? 80);
  const affinity = canary.spec.analysis.sessionAffinity;
  return {
    type: 'forward',
    forwardConfig: {
      targetGroups: [
        { serviceName: names.primary, servicePort: port, weight: weights.primary },
        { serviceName: names.canary, servicePort: port, weight: weights.canary },
      ],
      ...(affinity ? { targetGroupStickinessConfig: { enabled: true, durationSeconds: affinity.maxAge || DEFAULT_COOKIE_MAX_AGE } } : {}),
    },
  };
}

/** An ALB header value: exact, or a prefix / suffix as the `*` wildcard ALB supports; no regular expressions. */
function headerValue(name: string, match: StringMatch & { suffix?: string }): string {
  if (match.exact !== undefined) return match.exact;
  if (match.prefix !== undefined) return `${match.prefix}*`;
  if (match.suffix !== undefined) return `*${match.suffix}`;
  throw new RouterError(`alb routes headers by exact value, prefix or suffix (ALB rule conditions have no regular expressions), got ${JSON.stringify(match)} for header "${name}"`);
}

/** The conditions of one analysis match: every header and query parameter must match (ALB ANDs conditions). */
export function ruleConditions(match: AnalysisMatch): RuleCondition[] {
  const out: RuleCondition[] = [];
  for (const [name, value] of Object.entries(match.headers ?? {})) out.push({ field: 'http-header', httpHeaderConfig: { httpHeaderName: name, values: [headerValue(name, value)] } });
  const query = Object.entries(match.queryParams ?? {}).map(([key, value]) => {
    if (value.exact === undefined) throw new RouterError(`alb routes query parameters by exact value only, got ${JSON.stringify(value)} for "${key}"`);
    return { key, value: value.exact };
  });
  if (query.length > 0) out.push({ field: 'query-string', queryStringConfig: { values: query } });
  if (out.length === 0) throw new RouterError(`alb: an analysis.match entry needs headers or queryParams, got ${JSON.stringify(match)}`);
  return out;
}

/** The action and condition annotations for `routes` (every other Fledge key of this Canary is removed). */
export function albAnnotations(canary: Canary, routes: RouteSpec): Record<string, string> {
  const names = actionNames(canary);
  const split = { primary: routes.primary, canary: routes.canary };
  const out: Record<string, string> = {};
  const match = routes.match ?? [];
  if (match.length === 0) {
    out[actionKey(names.main)] = JSON.stringify(forwardAction(canary, split));
    return out;
  }
  match.forEach((m, i) => {
    out[actionKey(names.matched(i))] = JSON.stringify(forwardAction(canary, split));
    out[conditionsKey(names.matched(i))] = JSON.stringify(ruleConditions(m));
  });
  out[actionKey(names.fallback)] = JSON.stringify(forwardAction(canary, { primary: 100, canary: 0 }));
  return out;
}

/** True for an annotation key Fledge writes for this Canary. */
export function isFledgeKey(canary: Canary, key: string): boolean {
  const apex = serviceNames(canary).apex;
  return [`${ALB_PREFIX}/actions.${apex}`, `${ALB_PREFIX}/conditions.${apex}`].some((prefix) => key === prefix || key.startsWith(`${prefix}-`));
}

function readAction(canary: Canary, raw: string | undefined, key: string): MatchedWeights | string {
  if (raw === undefined) return `annotation ${key} not found`;
  let action: ForwardAction;
  try {
    action = JSON.parse(raw) as ForwardAction;
  } catch {
    return `annotation ${key} is not JSON`;
  }
  const names = serviceNames(canary);
  const groups = action.forwardConfig?.targetGroups ?? [];
  const weight = (service: string) => groups.find((g) => g.serviceName === service)?.weight;
  const primary = weight(names.primary);
  const canaryWeight = weight(names.canary);
  if (primary === undefined || canaryWeight === undefined) return `annotation ${key} does not forward to ${names.primary} and ${names.canary}`;
  const total = primary + canaryWeight;
  // ALB weights are relative; read them as the percentages they give.
  return total === 0 ? { primary: 0, canary: 0 } : { primary: Math.round((primary * 100) / total), canary: 100 - Math.round((primary * 100) / total) };
}

/** The split the annotations give: the main action's weights, or with conditions the matched and fallback ones. */
export function readAlbAnnotations(canary: Canary, ingressName: string, annotations: Readonly<Record<string, string>>): RouteReading {
  const names = actionNames(canary);
  const where = `Ingress ${dotted(canary, ingressName)}`;
  const main = readAction(canary, annotations[actionKey(names.main)], actionKey(names.main));
  if (typeof main === 'string') return { ok: false, reason: `${where}: ${main}` };
  if (annotations[conditionsKey(names.main)] === undefined) return { ok: true, ...main, mirrored: false, matched: null };
  const fallback = readAction(canary, annotations[actionKey(names.fallback)], actionKey(names.fallback));
  if (typeof fallback === 'string') return { ok: false, reason: `${where}: ${fallback}` };
  return { ok: true, ...fallback, mirrored: false, matched: main };
}
