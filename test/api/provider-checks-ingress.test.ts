/**
 * A Canary asking its provider for what it cannot do is a validation error naming the provider (the capability
 * table of `providers.ts` plus each router's limits), the same for `fledge explain` and the controller since
 * both validate with `parseCanary`.
 */
import { describe, expect, it } from 'vitest';
import { formatIssue, parseCanary } from '../../shared/api/index.ts';
import { PROVIDER_CAPABILITIES } from '../../shared/api/providers.ts';
import { SUPPORTED_PROVIDERS } from '../../shared/routers/factory.ts';

type Spec = Record<string, unknown>;

const INGRESS = { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: 'podinfo' };
const REFS: Record<string, Spec> = {
  'gatewayapi:v1': { service: { port: 80, gatewayRefs: [{ name: 'public', namespace: 'gateways' }] } },
  nginx: { ingressRef: INGRESS, service: { port: 80 } },
  alb: { ingressRef: INGRESS, service: { port: 80 } },
};

function canary(provider: string, analysis: Spec = {}, spec: Spec = REFS[provider] ?? { service: { port: 80 } }): Spec {
  return {
    apiVersion: 'flagger.app/v1beta1',
    kind: 'Canary',
    metadata: { name: 'podinfo', namespace: 'test' },
    spec: { provider, targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo' }, ...spec, analysis: { interval: '1m', threshold: 5, ...analysis } },
  };
}

function errorsOf(object: Spec): string[] {
  const result = parseCanary(object);
  return result.ok ? [] : result.errors.map(formatIssue);
}

const AB = (match: unknown[]) => ({ iterations: 3, match });

describe('provider capabilities in validation', () => {
  it.each<[string, string, Spec, Spec | undefined, string[]]>([
    ['gatewayapi routes A/B on headers and query parameters', 'gatewayapi:v1', AB([{ headers: { 'x-canary': { exact: 'insider' } }, queryParams: { v: { regex: 'b.*' } } }]), undefined, []],
    ['gatewayapi cannot route on source labels', 'gatewayapi:v1', AB([{ sourceLabels: { app: 'tester' } }]), undefined, ['spec.analysis.match[0].sourceLabels: provider "gatewayapi:v1" cannot route on sourceLabels: it routes A/B tests on headers, queryParams only']],
    ['gatewayapi matches headers by exact value or regex only', 'gatewayapi:v1', AB([{ headers: { 'x-canary': { prefix: 'in' } } }]), undefined, ['spec.analysis.match[0].headers.x-canary.prefix: the gatewayapi provider matches headers by exact value or regex only']],
    ['gatewayapi needs gatewayRefs', 'gatewayapi:v1', { maxWeight: 50, stepWeight: 10 }, { service: { port: 80 } }, ['spec.service.gatewayRefs: is required with the gatewayapi:v1 provider: at least one Gateway (or a Service, for GAMMA) to attach the HTTPRoute to']],
    ['gatewayapi mirrors and keeps sessions', 'gatewayapi:v1', { iterations: 3, mirror: true }, undefined, []],
    ['nginx routes A/B by header value, pattern and cookie', 'nginx', AB([{ headers: { 'x-canary': { exact: 'insider' } } }, { headers: { 'user-agent': { regex: '.*Firefox.*' } } }, { headers: { cookie: { exact: 'canary' } } }]), undefined, []],
    ['nginx cannot route on query parameters', 'nginx', AB([{ queryParams: { v: { exact: 'b' } } }]), undefined, ['spec.analysis.match[0].queryParams: provider "nginx" cannot route on queryParams: it routes A/B tests on headers only']],
    ['nginx cannot split matching requests by weight', 'nginx', { maxWeight: 50, stepWeight: 10, match: [{ headers: { 'x-canary': { exact: 'insider' } } }] }, undefined, ['spec.analysis.match: the nginx provider sends every matching request to the canary, so it cannot split them by weight: set analysis.iterations (A/B testing)']],
    ['nginx routes a cookie by its name', 'nginx', AB([{ headers: { cookie: { regex: 'canary=.*' } } }]), undefined, ['spec.analysis.match[0].headers.cookie: the nginx provider routes a cookie by its name: use exact: <cookie name> (canary-by-cookie)']],
    ['nginx cannot mirror', 'nginx', { iterations: 3, mirror: true }, undefined, ['spec.analysis.mirror: provider "nginx" cannot mirror traffic; remove mirror or use a provider that can (istio, gatewayapi:v1)']],
    ['nginx has no session affinity', 'nginx', { maxWeight: 50, stepWeight: 10, sessionAffinity: { cookieName: 'c' } }, undefined, ['spec.analysis.sessionAffinity: provider "nginx" has no session affinity; remove sessionAffinity or use a provider that has it (istio, gatewayapi:v1, alb)']],
    ['nginx needs ingressRef', 'nginx', { maxWeight: 50, stepWeight: 10 }, { service: { port: 80 } }, ['spec.ingressRef: is required with the nginx provider: the Ingress to clone as the canary Ingress']],
    ['alb routes A/B on headers (exact, prefix, suffix) and exact query strings', 'alb', AB([{ headers: { 'x-canary': { prefix: 'in' } } }, { queryParams: { v: { exact: 'b' } } }]), undefined, []],
    ['alb cannot match a regex', 'alb', AB([{ headers: { 'x-canary': { regex: 'in.*' } } }]), undefined, ['spec.analysis.match[0].headers.x-canary.regex: the alb provider cannot match a regex: ALB rule conditions take exact values and * / ? wildcards (use exact, prefix or suffix)']],
    ['alb keeps sessions by target-group stickiness', 'alb', { maxWeight: 50, stepWeight: 10, sessionAffinity: { cookieName: 'c' } }, undefined, []],
    ['alb cannot mirror', 'alb', { iterations: 3, mirror: true }, undefined, ['spec.analysis.mirror: provider "alb" cannot mirror traffic; remove mirror or use a provider that can (istio, gatewayapi:v1)']],
    ['istio keeps every capability', 'istio', { ...AB([{ sourceLabels: { app: 'tester' } }]), mirror: true }, undefined, []],
  ])('%s', (_name, provider, analysis, spec, errors) => {
    expect(errorsOf(canary(provider, analysis, spec))).toEqual(errors);
  });

  it('keeps the capability table and the router registry in step', () => {
    const supported = Object.entries(PROVIDER_CAPABILITIES).filter(([, c]) => c.supported).map(([name]) => name);
    expect([...SUPPORTED_PROVIDERS]).toEqual(supported);
    for (const name of ['gatewayapi', 'nginx', 'alb']) expect(SUPPORTED_PROVIDERS).toContain(name);
  });
});
