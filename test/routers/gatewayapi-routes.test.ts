/** The HTTPRoute `<apex>` as pure data: rendered for representative specs, read back, judged by its parents' status. */
import { describe, expect, it } from 'vitest';
import type { RouteSpec } from '../../shared/api/routes.ts';
import type { CanaryAnalysis, CanaryService } from '../../shared/api/types.ts';
import { RouterError, httpRouteSpec, mergeRouteMatches, notAcceptedReason, readHttpRoute, routeMatches } from '../../shared/routers/index.ts';
import { canaryFor } from '../workload/fixtures.ts';

const REFS = [{ name: 'public', namespace: 'gateways' }];
const context = { intervalSeconds: 60 };
const canary = (service: Partial<CanaryService> = {}, analysis: Partial<CanaryAnalysis> = {}) =>
  canaryFor('podinfo', { provider: 'gatewayapi:v1', service: { port: 9898, gatewayRefs: REFS, ...service }, analysis: { interval: '1m', ...analysis } });
const backend = (name: string, weight: number) => ({ group: '', kind: 'Service', name, port: 9898, weight });
const ROOT = [{ path: { type: 'PathPrefix', value: '/' } }];

describe('HTTPRoute layouts', () => {
  it('renders one weighted rule with parents, hostnames, filters and timeouts', () => {
    const c = canary({
      hosts: ['app.example.com'],
      headers: { request: { set: { 'x-b': '2', 'x-a': '1' }, remove: ['x-debug'] }, response: { add: { 'x-served-by': 'fledge' } } },
      rewrite: { uri: '/v2', authority: 'internal.example.com' },
      corsPolicy: { allowOrigin: ['https://example.com'], allowHeaders: ['x-token'], exposeHeaders: ['x-id'], allowCredentials: true, maxAge: '10m' },
      mirror: [{ backendRef: { name: 'shadow', port: 8080 } }],
      timeout: '30s',
    });
    expect(httpRouteSpec(c, { primary: 90, canary: 10, mirrored: false }, context)).toEqual({
      parentRefs: REFS,
      hostnames: ['app.example.com'],
      rules: [
        {
          matches: ROOT,
          filters: [
            { type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'x-a', value: '1' }, { name: 'x-b', value: '2' }], remove: ['x-debug'] } },
            { type: 'ResponseHeaderModifier', responseHeaderModifier: { add: [{ name: 'x-served-by', value: 'fledge' }] } },
            { type: 'URLRewrite', urlRewrite: { hostname: 'internal.example.com', path: { type: 'ReplaceFullPath', replaceFullPath: '/v2' } } },
            { type: 'RequestMirror', requestMirror: { backendRef: { name: 'shadow', port: 8080 } } },
            { type: 'CORS', cors: { allowOrigins: ['https://example.com'], allowHeaders: ['x-token'], exposeHeaders: ['x-id'], allowCredentials: true, maxAge: 600 } },
          ],
          backendRefs: [backend('podinfo-primary', 90), backend('podinfo-canary', 10)],
          timeouts: { request: '30s' },
        },
      ],
    });
  });

  it('attaches to a Service parent for GAMMA', () => {
    const gamma = [{ group: '', kind: 'Service', name: 'podinfo', port: 9898 }];
    expect(httpRouteSpec(canary({ gatewayRefs: gamma }), { primary: 100, canary: 0, mirrored: false }, context).parentRefs).toEqual(gamma);
  });

  it('merges each analysis match into each service match (the cartesian product), analysis headers and query winning', () => {
    const service = routeMatches([
      { uri: { prefix: '/api' }, method: { exact: 'GET' }, headers: { 'x-tenant': { exact: 'a' } } },
      { uri: { exact: '/login' } },
    ]);
    const analysis = routeMatches([{ headers: { 'x-canary': { exact: 'insider' } } }, { queryParams: { variant: { regex: 'b|c' } } }]);
    expect(mergeRouteMatches(analysis, service)).toEqual([
      { path: { type: 'PathPrefix', value: '/api' }, method: 'GET', headers: [{ type: 'Exact', name: 'x-canary', value: 'insider' }] },
      { path: { type: 'Exact', value: '/login' }, headers: [{ type: 'Exact', name: 'x-canary', value: 'insider' }] },
      { path: { type: 'PathPrefix', value: '/api' }, method: 'GET', headers: [{ type: 'Exact', name: 'x-tenant', value: 'a' }], queryParams: [{ type: 'RegularExpression', name: 'variant', value: 'b|c' }] },
      { path: { type: 'Exact', value: '/login' }, queryParams: [{ type: 'RegularExpression', name: 'variant', value: 'b|c' }] },
    ]);
    expect(mergeRouteMatches(analysis, [])).toEqual(analysis);
    expect(mergeRouteMatches([], service)).toEqual(service);
  });

  it('renders A/B testing as the merged match rule first, then everything else on the primary', () => {
    const c = canary({ match: [{ uri: { prefix: '/api' } }] });
    const routes: RouteSpec = { primary: 0, canary: 100, mirrored: false, match: [{ headers: { 'x-canary': { exact: 'insider' } } }] };
    const spec = httpRouteSpec(c, routes, context);
    expect(spec.rules).toEqual([
      { matches: [{ path: { type: 'PathPrefix', value: '/api' }, headers: [{ type: 'Exact', name: 'x-canary', value: 'insider' }] }], backendRefs: [backend('podinfo-primary', 0), backend('podinfo-canary', 100)] },
      { matches: [{ path: { type: 'PathPrefix', value: '/api' } }], backendRefs: [backend('podinfo-primary', 100)] },
    ]);
    expect(readHttpRoute(c, spec)).toEqual({ ok: true, primary: 100, canary: 0, mirrored: false, matched: { primary: 0, canary: 100 } });
  });

  it.each<[string, RouteSpec, object]>([
    ['a weighted split', { primary: 70, canary: 30, mirrored: false }, { ok: true, primary: 70, canary: 30, mirrored: false, matched: null }],
    ['a blue/green mirror', { primary: 100, canary: 0, mirrored: true }, { ok: true, primary: 100, canary: 0, mirrored: true, matched: null }],
  ])('reads %s back as written', (_name, routes, expected) => {
    const c = canary();
    expect(readHttpRoute(c, httpRouteSpec(c, routes, context))).toEqual(expected);
  });

  it('renders sticky rules for session affinity and reads the cookies back', () => {
    const c = canary({}, { sessionAffinity: { cookieName: 'flagger-cookie', primaryCookieName: 'primary-cookie', maxAge: 600 } });
    const spec = httpRouteSpec(c, { primary: 80, canary: 20, mirrored: false, session: { canary: 'flagger-cookie=abc', primary: 'primary-cookie=xyz' } }, context);
    expect(spec.rules?.map((r) => r.matches?.[0]?.headers?.[0]?.value ?? r.matches?.[0]?.path?.value)).toEqual(['.*flagger-cookie.*abc.*', '.*primary-cookie.*xyz.*', '/']);
    expect(spec.rules?.[2]?.backendRefs?.map((b) => b.filters?.[0]?.responseHeaderModifier?.add?.[0]?.value)).toEqual(['primary-cookie=xyz; Max-Age=60', 'flagger-cookie=abc; Max-Age=600']);
    expect(readHttpRoute(c, spec)).toEqual({ ok: true, primary: 80, canary: 20, mirrored: false, matched: null, session: { canary: 'flagger-cookie=abc', primary: 'primary-cookie=xyz' } });
    const after = httpRouteSpec(c, { primary: 100, canary: 0, mirrored: false, session: { previous: 'flagger-cookie=abc' } }, context);
    expect(after.rules?.[0]?.filters).toEqual([{ type: 'ResponseHeaderModifier', responseHeaderModifier: { add: [{ name: 'Set-Cookie', value: 'flagger-cookie=abc; Max-Age=-1' }] } }]);
    expect(readHttpRoute(c, after)).toMatchObject({ primary: 100, canary: 0, session: { previous: 'flagger-cookie=abc' } });
  });

  it('refuses what the Gateway API cannot express, naming it', () => {
    expect(() => httpRouteSpec(canary({ gatewayRefs: [] }), { primary: 100, canary: 0, mirrored: false }, context)).toThrow(RouterError);
    expect(() => routeMatches([{ headers: { 'x-a': { prefix: 'b' } } }])).toThrow('Gateway API supports only exact and regex header matches, got {"prefix":"b"} for "x-a"');
  });
});

describe('whether the parents accepted the route', () => {
  const c = canary();
  const spec = httpRouteSpec(c, { primary: 100, canary: 0, mirrored: false }, context);
  const parent = (status: string, observedGeneration: number, reason = 'Accepted') => ({
    parents: [{ parentRef: { group: 'gateway.networking.k8s.io', kind: 'Gateway', ...REFS[0]! }, conditions: [{ type: 'Accepted', status, reason, observedGeneration }] }],
  });
  it.each<[string, Parameters<typeof notAcceptedReason>[2], string | undefined]>([
    ['accepted at the current generation', parent('True', 3), undefined],
    ['accepted at a later generation', parent('True', 4), undefined],
    ['no status yet', undefined, 'HTTPRoute podinfo.test is not accepted yet by Gateway gateways/public: no status from its controller'],
    ['accepted at an older generation', parent('True', 2), 'HTTPRoute podinfo.test generation 3 is not accepted yet by Gateway gateways/public (observed generation 2); holding traffic until it is'],
    ['refused', parent('False', 3, 'NotAllowedByListeners'), 'HTTPRoute podinfo.test is not accepted by Gateway gateways/public: NotAllowedByListeners; holding traffic until it is'],
  ])('%s', (_name, status, reason) => {
    expect(notAcceptedReason(c, spec, status, 3)).toBe(reason);
  });
});
