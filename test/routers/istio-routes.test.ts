import { describe, expect, it } from 'vitest';
import type { CanaryService, SessionAffinity } from '../../shared/api/types.ts';
import { hostsAndGateways, httpRoutes, readRoutes, setCookieValue, virtualServiceSpec } from '../../shared/routers/index.ts';
import type { RouteSpec } from '../../shared/api/routes.ts';
import { canaryFor } from '../workload/fixtures.ts';

const context = { intervalSeconds: 60 };
const withService = (service: Partial<CanaryService>, sessionAffinity?: SessionAffinity) =>
  canaryFor('podinfo', { service: { port: 9898, ...service }, analysis: { interval: '1m', ...(sessionAffinity ? { sessionAffinity } : {}) } });

const roundTrip = (routes: RouteSpec, service: Partial<CanaryService> = {}, affinity?: SessionAffinity) => {
  const canary = withService(service, affinity);
  return readRoutes(canary, virtualServiceSpec(canary, routes, context));
};

describe('VirtualService layouts read back as the split they were written with', () => {
  it.each<[string, RouteSpec, object]>([
    ['a weighted split', { primary: 90, canary: 10, mirrored: false }, { ok: true, primary: 90, canary: 10, mirrored: false, matched: null }],
    ['everything on the canary', { primary: 0, canary: 100, mirrored: false }, { ok: true, primary: 0, canary: 100, mirrored: false, matched: null }],
    ['mirroring', { primary: 100, canary: 0, mirrored: true, mirrorWeight: 50 }, { ok: true, primary: 100, canary: 0, mirrored: true, matched: null }],
    [
      'an A/B match route',
      { primary: 0, canary: 100, mirrored: false, match: [{ headers: { 'x-canary': { exact: 'insider' } } }] },
      { ok: true, primary: 100, canary: 0, mirrored: false, matched: { primary: 0, canary: 100 } },
    ],
  ])('%s', (_name, routes, expected) => {
    expect(roundTrip(routes)).toEqual(expected);
  });

  it('writes one weighted route with the service settings', () => {
    const canary = withService({ timeout: '5s', retries: { attempts: 3, perTryTimeout: '1s' }, rewrite: { uri: '/', type: 'ReplacePrefixMatch' }, headers: { request: { add: { 'x-a': '1' } } } });
    expect(httpRoutes(canary, { primary: 90, canary: 10, mirrored: false }, context)).toEqual([
      {
        timeout: '5s',
        retries: { attempts: 3, perTryTimeout: '1s' },
        rewrite: { uri: '/' },
        headers: { request: { add: { 'x-a': '1' } } },
        route: [
          { destination: { host: 'podinfo-primary' }, weight: 90 },
          { destination: { host: 'podinfo-canary' }, weight: 10 },
        ],
      },
    ]);
  });

  it('mirrors with the mirror weight as a percentage', () => {
    const [route] = httpRoutes(withService({}), { primary: 100, canary: 0, mirrored: true, mirrorWeight: 20 }, context);
    expect(route).toMatchObject({ mirror: { host: 'podinfo-canary' }, mirrorPercentage: { value: 20 } });
  });

  it('puts the A/B match route first, merged with the service matches, then the primary', () => {
    const canary = withService({ match: [{ uri: { prefix: '/api' } }] });
    const routes = httpRoutes(canary, { primary: 0, canary: 100, mirrored: false, match: [{ headers: { cookie: { regex: '^(.*?;)?(type=insider)(;.*)?$' } } }] }, context);
    expect(routes).toEqual([
      {
        match: [{ uri: { prefix: '/api' }, headers: { cookie: { regex: '^(.*?;)?(type=insider)(;.*)?$' } } }],
        route: [
          { destination: { host: 'podinfo-primary' }, weight: 0 },
          { destination: { host: 'podinfo-canary' }, weight: 100 },
        ],
      },
      { match: [{ uri: { prefix: '/api' } }], route: [{ destination: { host: 'podinfo-primary' }, weight: 100 }] },
    ]);
  });

  it('sets the destination port when traffic comes through a gateway and ports are discovered', () => {
    const [route] = httpRoutes(withService({ portDiscovery: true, gateways: ['public-gateway'] }), { primary: 100, canary: 0, mirrored: false }, context);
    expect(route?.route[0]?.destination).toEqual({ host: 'podinfo-primary', port: { number: 9898 } });
  });
});

describe('session affinity', () => {
  const affinity: SessionAffinity = { cookieName: 'flagger-cookie', maxAge: 21600 };

  it('sends sessions with the canary cookie to the canary and sets it on canary responses', () => {
    const canary = withService({}, affinity);
    const routes = httpRoutes(canary, { primary: 90, canary: 10, mirrored: false, session: { canary: 'flagger-cookie=abc' } }, context);
    expect(routes).toEqual([
      {
        name: 'sticky-route',
        match: [{ headers: { Cookie: { regex: '.*flagger-cookie.*abc.*' } } }],
        route: [
          { destination: { host: 'podinfo-primary' }, weight: 0 },
          { destination: { host: 'podinfo-canary' }, weight: 100 },
        ],
      },
      {
        route: [
          { destination: { host: 'podinfo-primary' }, weight: 90 },
          { destination: { host: 'podinfo-canary' }, weight: 10, headers: { response: { add: { 'Set-Cookie': 'flagger-cookie=abc; Max-Age=21600' } } } },
        ],
      },
    ]);
    expect(readRoutes(canary, { http: routes })).toEqual({ ok: true, primary: 90, canary: 10, mirrored: false, matched: null, session: { canary: 'flagger-cookie=abc' } });
  });

  it('pins primary sessions with the primary cookie for one interval', () => {
    const canary = withService({}, { ...affinity, primaryCookieName: 'primary-cookie' });
    const routes = httpRoutes(canary, { primary: 90, canary: 10, mirrored: false, session: { canary: 'flagger-cookie=abc', primary: 'primary-cookie=def' } }, context);
    expect(routes.map((r) => r.name)).toEqual(['sticky-route', 'sticky-route-primary', undefined]);
    expect(routes[1]?.route.map((d) => d.weight)).toEqual([100, 0]);
    expect(routes[2]?.route[0]?.headers).toEqual({ response: { add: { 'Set-Cookie': 'primary-cookie=def; Max-Age=60' } } });
    expect(readRoutes(canary, { http: routes })).toMatchObject({ session: { canary: 'flagger-cookie=abc', primary: 'primary-cookie=def' } });
  });

  it('expires the previous run’s cookie once the canary has no weight', () => {
    const canary = withService({}, affinity);
    const routes = httpRoutes(canary, { primary: 100, canary: 0, mirrored: false, session: { previous: 'flagger-cookie=abc' } }, context);
    expect(routes[0]).toMatchObject({ name: 'sticky-route', headers: { response: { add: { 'Set-Cookie': 'flagger-cookie=abc; Max-Age=-1' } } } });
    expect(routes[0]?.route.map((d) => d.weight)).toEqual([100, 0]);
    expect(readRoutes(canary, { http: routes })).toEqual({ ok: true, primary: 100, canary: 0, mirrored: false, matched: null, session: { previous: 'flagger-cookie=abc' } });
  });

  it('adds the cookie attributes the spec asks for', () => {
    expect(setCookieValue('c=v', 10, { cookieName: 'c', domain: 'example.com', path: '/', httpOnly: true, secure: true, sameSite: 'Strict', partitioned: true })).toBe(
      'c=v; Max-Age=10; Domain=example.com; Path=/; HttpOnly; Secure; SameSite=Strict; Partitioned',
    );
  });
});

describe('hosts and gateways', () => {
  it.each<[string, Partial<CanaryService>, object]>([
    ['adds the apex host and the mesh gateway', {}, { hosts: ['podinfo'], gateways: ['mesh'] }],
    ['keeps given hosts and gateways', { hosts: ['app.example.com'], gateways: ['public-gateway', 'mesh'] }, { hosts: ['app.example.com', 'podinfo'], gateways: ['public-gateway', 'mesh'] }],
    ['does not add the apex to a wildcard', { hosts: ['*'] }, { hosts: ['*'], gateways: ['mesh'] }],
    ['writes neither for a delegate VirtualService', { delegation: true }, {}],
  ])('%s', (_name, service, expected) => {
    expect(hostsAndGateways(withService(service))).toEqual(expected);
  });

  it('refuses hosts on a delegate VirtualService', () => {
    expect(() => hostsAndGateways(withService({ delegation: true, hosts: ['a'] }))).toThrow('VirtualService podinfo.test cannot have hosts and gateways when delegation is enabled (spec.service.delegation)');
  });
});

describe('reading', () => {
  it('reports a VirtualService without the primary and canary routes', () => {
    expect(readRoutes(withService({}), { http: [{ route: [{ destination: { host: 'other' }, weight: 100 }] }] })).toEqual({
      ok: false,
      reason: 'VirtualService podinfo.test does not contain routes for podinfo-primary and podinfo-canary',
    });
  });
});
