/** The provider objects as pure data: rendered for representative specs, read back, including the A/B merge. */
import { describe, expect, it } from 'vitest';
import type { CanarySpec } from '../../shared/api/types.ts';
import {
  apisixCanaryHttp,
  contourRoutes,
  glooRoutes,
  insertPredicate,
  kumaServiceTag,
  quantityValue,
  readContourRoutes,
  readGlooRoutes,
  readSkipperIngress,
  readTraefikService,
  readTrafficSplit,
  skipperIngressSpec,
  smiVersionOf,
  traefikServices,
  trafficSplitSpec,
} from '../../shared/routers/index.ts';
import { canaryFor } from '../workload/fixtures.ts';

const app = (spec: Partial<CanarySpec> = {}) => canaryFor('app', spec);

describe('SMI TrafficSplit', () => {
  it.each([
    ['linkerd', 'v1alpha1'],
    ['osm', 'v1alpha2'],
    ['smi:v1alpha2', 'v1alpha2'],
    ['smi:v1alpha3', 'v1alpha3'],
  ])('%s writes TrafficSplit %s', (provider, version) => {
    expect(smiVersionOf(provider)).toBe(version);
  });

  it('writes v1alpha1 weights as quantities and later versions as integers, canary first', () => {
    expect(trafficSplitSpec(app(), 'v1alpha1', { primary: 90, canary: 10 })).toEqual({ service: 'app', backends: [{ service: 'app-canary', weight: '10' }, { service: 'app-primary', weight: '90' }] });
    expect(trafficSplitSpec(app(), 'v1alpha3', { primary: 90, canary: 10 }).backends).toEqual([{ service: 'app-canary', weight: 10 }, { service: 'app-primary', weight: 90 }]);
  });

  it.each([
    ['10', 10],
    ['500m', 0.5],
    ['1k', 1000],
    [7, 7],
    ['ten', undefined],
  ])('reads the quantity %s as %s', (value, expected) => {
    expect(quantityValue(value)).toBe(expected);
  });

  it('reads weights as shares of their sum, and no route without weights', () => {
    expect(readTrafficSplit(app(), { backends: [{ service: 'app-canary', weight: 1 }, { service: 'app-primary', weight: 3 }] })).toEqual({ ok: true, primary: 75, canary: 25, mirrored: false, matched: null });
    expect(readTrafficSplit(app(), { backends: [{ service: 'other', weight: 100 }] })).toEqual({ ok: false, reason: 'TrafficSplit app.test does not contain routes for app-primary and app-canary' });
  });
});

describe('Contour HTTPProxy', () => {
  const split = { primary: 0, canary: 100, mirrored: false };

  it('maps header matches as Flagger does (prefix and suffix to contains), regex kept, each header one ANDed condition', () => {
    const canary = app({ provider: 'contour' });
    const routes = contourRoutes(canary, { ...split, match: [{ headers: { a: { exact: '1' }, b: { prefix: 'x' }, c: { suffix: 'y' }, d: { regex: '^z' } } }] });

    expect(routes[0]?.conditions).toEqual([
      { prefix: '/', header: { name: 'a', exact: '1' } },
      { prefix: '/', header: { name: 'b', contains: 'x' } },
      { prefix: '/', header: { name: 'c', contains: 'y' } },
      { prefix: '/', header: { name: 'd', regex: '^z' } },
    ]);
    expect(routes[1]?.services.map((s) => s.weight)).toEqual([100, 0]);
    expect(readContourRoutes(canary, { routes })).toEqual({ ok: true, primary: 100, canary: 0, mirrored: false, matched: { primary: 0, canary: 100 } });
  });

  it('merges each analysis match with each service match (cartesian), one route each', () => {
    const canary = app({ provider: 'contour', service: { port: 80, match: [{ uri: { prefix: '/a' } }, { uri: { prefix: '/b' } }] } });
    const routes = contourRoutes(canary, { ...split, match: [{ headers: { x: { exact: '1' } } }, { headers: { y: { exact: '2' } } }] });

    expect(routes.map((r) => r.conditions)).toEqual([
      [{ prefix: '/a', header: { name: 'x', exact: '1' } }],
      [{ prefix: '/b', header: { name: 'x', exact: '1' } }],
      [{ prefix: '/a', header: { name: 'y', exact: '2' } }],
      [{ prefix: '/b', header: { name: 'y', exact: '2' } }],
      [{ prefix: '/a' }],
      [{ prefix: '/b' }],
    ]);
  });

  it('takes timeout and retries from spec.service, Linkerd’s override header on each service', () => {
    const canary = app({ service: { port: 80, timeout: '30s', retries: { attempts: 2, retryOn: '5xx' } } });
    const [route] = contourRoutes(canary, { primary: 90, canary: 10, mirrored: false });

    expect(route).toMatchObject({ timeoutPolicy: { response: '30s', idle: '5m' }, retryPolicy: { count: 2, retryOn: ['5xx'] } });
    expect(route?.services[1]).toEqual({ name: 'app-canary', port: 80, weight: 10, requestHeadersPolicy: { set: [{ name: 'l5d-dst-override', value: 'app-canary.test.svc.cluster.local:80' }] } });
  });
});

describe('Gloo RouteTable', () => {
  it('turns header prefixes and suffixes into escaped regexes and a method match into methods', () => {
    const canary = app({ provider: 'gloo' });
    const routes = glooRoutes(canary, { primary: 50, canary: 50, mirrored: false, match: [{ headers: { a: { prefix: 'v1.2' }, b: { suffix: '+x' } } }] });

    expect(routes[0]?.matchers).toEqual([{ headers: [{ name: 'a', value: 'v1\\.2.*', regex: true }, { name: 'b', value: '.*\\+x', regex: true }] }]);
    expect(routes[1]?.matchers).toBeUndefined();
    expect(readGlooRoutes(canary, { routes })).toEqual({ ok: true, primary: 100, canary: 0, mirrored: false, matched: { primary: 50, canary: 50 } });
  });

  it('routes the paths of service.match by default and omits zero weights', () => {
    const canary = app({ provider: 'gloo', service: { port: 9898, match: [{ uri: { exact: '/health' }, method: { exact: 'GET' } }] } });
    const [route] = glooRoutes(canary, { primary: 100, canary: 0, mirrored: false });

    expect(route?.matchers).toEqual([{ methods: ['GET'], exact: '/health' }]);
    expect(route?.routeAction.multi.destinations.map((d) => d.weight)).toEqual([100, undefined]);
  });
});

describe('Traefik, Kuma, APISIX, Skipper', () => {
  it('leaves the canary out of the TraefikService while it has no weight', () => {
    expect(traefikServices(app(), { primary: 100, canary: 0 })).toEqual([{ name: 'app-primary', namespace: 'test', port: 9898, weight: 100 }]);
    expect(readTraefikService(app(), { weighted: { services: traefikServices(app(), { primary: 70, canary: 30 }) } })).toMatchObject({ primary: 70, canary: 30 });
  });

  it('tags Kuma services <name>_<namespace>_svc_<port>', () => {
    expect(kumaServiceTag(app(), 'app-primary')).toBe('app-primary_test_svc_9898');
  });

  it('copies the APISIX rule at top priority with a canary backend like the primary one', () => {
    const rule = { name: 'r', match: { paths: ['/*'] }, plugins: [{ name: 'cors', enable: true }], backends: [{ serviceName: 'app', servicePort: 80, subset: 'v1' }] };
    expect(apisixCanaryHttp(app(), rule, { primary: 90, canary: 10 })).toEqual({
      ...rule,
      priority: 10000,
      backends: [
        { serviceName: 'app-primary', servicePort: 80, subset: 'v1', weight: 90 },
        { serviceName: 'app-canary', servicePort: 80, subset: 'v1', weight: 10 },
      ],
    });
  });

  it.each([
    [undefined, 'Weight(100)', 'Weight(100)'],
    ['Host("a") && Weight(100)', 'False()', 'False() && Host("a")'],
    ['False() && Method("GET")', 'Weight(100)', 'Weight(100) && Method("GET")'],
  ])('puts Skipper’s predicate first: %s + %s', (raw, insert, expected) => {
    expect(insertPredicate(raw, insert)).toBe(expected);
  });

  it('rewires every apex path of every rule and reads all traffic on the primary while the copy is disabled', () => {
    const canary = app({ provider: 'skipper', ingressRef: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: 'web' } });
    const path = (service: string) => ({ path: '/', pathType: 'Prefix', backend: { service: { name: service, port: { number: 80 } } } });
    const spec = skipperIngressSpec(canary, { rules: [{ host: 'a', http: { paths: [path('app'), path('other')] } }, { host: 'b', http: { paths: [path('app')] } }] });

    expect(spec.rules?.map((r) => r.http?.paths.map((p) => p.backend.service?.name))).toEqual([
      ['app-primary', 'other', 'app-canary'],
      ['app-primary', 'app-canary'],
    ]);
    const weights = JSON.stringify({ 'app-canary': 10, 'app-primary': 90 });
    expect(readSkipperIngress(canary, { 'zalando.org/backend-weights': weights, 'zalando.org/skipper-predicate': 'Weight(100)' })).toMatchObject({ primary: 90, canary: 10 });
    expect(readSkipperIngress(canary, { 'zalando.org/backend-weights': weights, 'zalando.org/skipper-predicate': 'False()' })).toMatchObject({ primary: 100, canary: 0 });
  });
});
