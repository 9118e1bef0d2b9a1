/** The nginx canary Ingress annotations and the ALB actions and conditions, as pure data. */
import { describe, expect, it } from 'vitest';
import type { RouteSpec } from '../../shared/api/routes.ts';
import type { CanaryAnalysis } from '../../shared/api/types.ts';
import { albAnnotations, albIngressSpec, annotationsFor, baseAnnotations, readAlbAnnotations, readAnnotations, rewiredSpec, type Ingress } from '../../shared/routers/index.ts';
import { canaryFor } from '../workload/fixtures.ts';

const P = 'nginx.ingress.kubernetes.io';
const nginx = canaryFor('podinfo', { provider: 'nginx', ingressRef: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: 'web' }, service: { port: 80 } });
const alb = (analysis: Partial<CanaryAnalysis> = {}) =>
  canaryFor('podinfo', { provider: 'alb', ingressRef: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: 'web' }, service: { port: 80 }, analysis: { interval: '1m', ...analysis } });
const path = (service: string, port: { number?: number; name?: string }, at = '/') => ({ path: at, pathType: 'Prefix', backend: { service: { name: service, port } } });
const USER: Ingress = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name: 'web', namespace: 'test' },
  spec: { rules: [{ host: 'app.example.com', http: { paths: [path('podinfo', { number: 80 }), path('static', { number: 8080 }, '/static')] } }] },
};

describe('nginx canary Ingress', () => {
  it('clones the user spec with only the apex backend rewired', () => {
    expect(rewiredSpec(nginx, USER, (s) => ({ service: { ...s, name: 'podinfo-canary' } }))).toEqual({
      rules: [{ host: 'app.example.com', http: { paths: [path('podinfo-canary', { number: 80 }), path('static', { number: 8080 }, '/static')] } }],
    });
    expect(USER.spec.rules?.[0]?.http?.paths?.[0]?.backend.service?.name).toBe('podinfo');
    expect(() => rewiredSpec({ ...nginx, spec: { ...nginx.spec, service: { port: 80, name: 'other' } } }, USER, () => undefined)).toThrow('backend other not found in Ingress web.test');
  });

  it('starts from the user annotations without kubectl’s or any canary one, at weight 0', () => {
    expect(baseAnnotations({ 'kubectl.kubernetes.io/last-applied-configuration': '{}', [`${P}/canary-by-header`]: 'x', [`${P}/proxy-body-size`]: '8m' })).toEqual({
      [`${P}/proxy-body-size`]: '8m',
      [`${P}/canary`]: 'true',
      [`${P}/canary-weight`]: '0',
    });
  });

  it.each<[string, RouteSpec, Record<string, string>, object]>([
    ['a weighted split', { primary: 70, canary: 30, mirrored: false }, { [`${P}/canary`]: 'true', [`${P}/canary-weight`]: '30' }, { primary: 70, canary: 30, matched: null }],
    [
      'header value and cookie A/B',
      { primary: 0, canary: 100, mirrored: false, match: [{ headers: { 'x-canary': { exact: 'insider' } } }, { headers: { cookie: { exact: 'canary' } } }] },
      { [`${P}/canary`]: 'true', [`${P}/canary-weight`]: '0', [`${P}/canary-by-header`]: 'x-canary', [`${P}/canary-by-header-value`]: 'insider', [`${P}/canary-by-cookie`]: 'canary' },
      { primary: 100, canary: 0, matched: { primary: 0, canary: 100 } },
    ],
    [
      'header pattern A/B',
      { primary: 0, canary: 100, mirrored: false, match: [{ headers: { 'user-agent': { regex: '.*Firefox.*' } } }] },
      { [`${P}/canary`]: 'true', [`${P}/canary-weight`]: '0', [`${P}/canary-by-header`]: 'user-agent', [`${P}/canary-by-header-pattern`]: '.*Firefox.*' },
      { primary: 100, canary: 0, matched: { primary: 0, canary: 100 } },
    ],
    ['back to the primary', { primary: 100, canary: 0, mirrored: false, match: [{ headers: { 'x-canary': { exact: 'insider' } } }] }, { [`${P}/canary`]: 'true', [`${P}/canary-weight`]: '0' }, { primary: 100, canary: 0, matched: null }],
  ])('annotates %s and reads it back', (_name, routes, annotations, reading) => {
    const written = annotationsFor({ [`${P}/canary`]: 'true', [`${P}/canary-weight`]: '40', [`${P}/canary-by-header`]: 'old' }, routes);
    expect(written).toEqual(annotations);
    expect(readAnnotations(nginx, written)).toEqual({ ok: true, mirrored: false, ...reading });
  });

  it('cannot split matching requests by weight, and says so', () => {
    expect(() => annotationsFor({}, { primary: 50, canary: 50, mirrored: false, match: [{ headers: { 'x-a': { exact: '1' } } }] })).toThrow('nginx sends every matching request to the canary: an A/B split must be 0/100, got 50/50');
    expect(readAnnotations(nginx, { [`${P}/canary-weight`]: 'ten' })).toEqual({ ok: false, reason: `Ingress web-canary.test: annotation ${P}/canary-weight is not a weight: "ten"` });
  });
});

describe('ALB actions and conditions', () => {
  const forward = (primary: number, canary: number) => ({ type: 'forward', forwardConfig: { targetGroups: [{ serviceName: 'podinfo-primary', servicePort: '80', weight: primary }, { serviceName: 'podinfo-canary', servicePort: '80', weight: canary }] } });

  it('sends every apex path through the weighted forward action, other paths untouched', () => {
    const c = alb();
    expect(albIngressSpec(c, USER.spec, { primary: 80, canary: 20, mirrored: false }).rules?.[0]?.http?.paths).toEqual([path('podinfo', { name: 'use-annotation' }), path('static', { number: 8080 }, '/static')]);
    const annotations = albAnnotations(c, { primary: 80, canary: 20, mirrored: false });
    expect(Object.keys(annotations)).toEqual(['alb.ingress.kubernetes.io/actions.podinfo']);
    expect(JSON.parse(annotations['alb.ingress.kubernetes.io/actions.podinfo'] ?? '')).toEqual(forward(80, 20));
    expect(readAlbAnnotations(c, 'web', annotations)).toEqual({ ok: true, primary: 80, canary: 20, mirrored: false, matched: null });
  });

  it('puts one conditional rule per analysis match before a fallback on the primary', () => {
    const c = alb();
    const routes: RouteSpec = { primary: 0, canary: 100, mirrored: false, match: [{ headers: { 'x-canary': { exact: 'insider' }, 'user-agent': { suffix: 'Mobile' } } }, { queryParams: { variant: { exact: 'b' } } }] };
    expect(albIngressSpec(c, USER.spec, routes).rules?.[0]?.http?.paths?.map((p) => p.backend.service?.name)).toEqual(['podinfo', 'podinfo-match-1', 'podinfo-default', 'static']);
    const a = albAnnotations(c, routes);
    expect(JSON.parse(a['alb.ingress.kubernetes.io/conditions.podinfo'] ?? '')).toEqual([
      { field: 'http-header', httpHeaderConfig: { httpHeaderName: 'x-canary', values: ['insider'] } },
      { field: 'http-header', httpHeaderConfig: { httpHeaderName: 'user-agent', values: ['*Mobile'] } },
    ]);
    expect(JSON.parse(a['alb.ingress.kubernetes.io/conditions.podinfo-match-1'] ?? '')).toEqual([{ field: 'query-string', queryStringConfig: { values: [{ key: 'variant', value: 'b' }] } }]);
    expect(JSON.parse(a['alb.ingress.kubernetes.io/actions.podinfo-default'] ?? '')).toEqual(forward(100, 0));
    expect(readAlbAnnotations(c, 'web', a)).toEqual({ ok: true, primary: 100, canary: 0, mirrored: false, matched: { primary: 0, canary: 100 } });
  });

  it('turns session affinity into target-group stickiness', () => {
    const a = albAnnotations(alb({ sessionAffinity: { cookieName: 'c', maxAge: 900 } }), { primary: 90, canary: 10, mirrored: false });
    expect(JSON.parse(a['alb.ingress.kubernetes.io/actions.podinfo'] ?? '').forwardConfig.targetGroupStickinessConfig).toEqual({ enabled: true, durationSeconds: 900 });
  });

  it('reads relative weights as percentages and says what is missing', () => {
    const c = alb();
    const relative = JSON.stringify({ type: 'forward', forwardConfig: { targetGroups: [{ serviceName: 'podinfo-primary', servicePort: '80', weight: 3 }, { serviceName: 'podinfo-canary', servicePort: '80', weight: 1 }] } });
    expect(readAlbAnnotations(c, 'web', { 'alb.ingress.kubernetes.io/actions.podinfo': relative })).toMatchObject({ primary: 75, canary: 25 });
    expect(readAlbAnnotations(c, 'web', {})).toEqual({ ok: false, reason: 'Ingress web.test: annotation alb.ingress.kubernetes.io/actions.podinfo not found' });
    expect(() => albAnnotations(c, { primary: 0, canary: 100, mirrored: false, match: [{ headers: { 'x-a': { regex: 'a.*' } } }] })).toThrow('alb routes headers by exact value, prefix or suffix');
  });
});
