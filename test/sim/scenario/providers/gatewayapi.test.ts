/**
 * `examples/scenarios/gatewayapi-*.yaml`: releases on the Gateway API played through the real controller against
 * the emulator and its emulated Gateway API controller, asserting the HTTPRoute read back from the emulator.
 */
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../../shared/kube/index.ts';
import type { HttpRouteSpec } from '../../../../shared/routers/gatewayapi-routes.ts';
import { PROMOTED, ROLLED_BACK, V0, V1, messages, phases, play, scenarioFiles, tick } from './play.ts';

const ROUTE = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', namespace: 'test', name: 'podinfo' };
const specOf = (o: KubeObject | undefined) => o?.['spec'] as HttpRouteSpec & { rules: NonNullable<HttpRouteSpec['rules']> };
const backends = (primary: number, canary: number) => [
  { group: '', kind: 'Service', name: 'podinfo-primary', port: 9898, weight: primary },
  { group: '', kind: 'Service', name: 'podinfo-canary', port: 9898, weight: canary },
];

const PLAYED = new Set<string>();
const played = (name: string) => {
  PLAYED.add(name);
  return name;
};

describe('Gateway API scenarios', () => {
  it('promotes a weighted canary, the HTTPRoute carrying the Canary’s parents, hosts, filters and timeouts', async () => {
    const mid = await play(played('gatewayapi-canary'), { route: ROUTE }, { maxTicks: 6 });
    expect(tick(mid.lines, 6).routes).toEqual({ primary: 70, canary: 30, mirrored: false, matched: null });
    const route = mid.objects['route'] as KubeObject;
    expect(specOf(route)).toEqual({
      parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'public', namespace: 'istio-ingress' }],
      hostnames: ['app.example.com'],
      rules: [
        {
          matches: [{ path: { type: 'PathPrefix', value: '/' } }],
          filters: [
            { type: 'RequestHeaderModifier', requestHeaderModifier: { add: [{ name: 'x-request-source', value: 'gateway' }] } },
            { type: 'ResponseHeaderModifier', responseHeaderModifier: { remove: ['x-powered-by'] } },
            { type: 'URLRewrite', urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/api' } } },
            { type: 'CORS', cors: { allowOrigins: ['https://example.com'], allowMethods: ['GET', 'POST'], maxAge: 86400 } },
          ],
          backendRefs: backends(70, 30),
          timeouts: { request: '15s', backendRequest: '10s' },
        },
      ],
    });
    expect(route['status']).toMatchObject({ parents: [{ parentRef: { name: 'public', namespace: 'istio-ingress' }, conditions: [{ type: 'Accepted', status: 'True', observedGeneration: route.metadata.generation }] }] });

    const whole = await play('gatewayapi-canary', { route: ROUTE });
    expect(phases(whole.lines)).toEqual(PROMOTED);
    expect(whole.summary).toEqual({ ticks: 11, phase: 'Succeeded', canaryWeights: [10, 20, 30, 40, 50], primaryImage: V1 });
    expect(specOf(whole.objects['route']).rules[0]?.backendRefs).toEqual(backends(100, 0));
  });

  it('rolls a failing release back on the v1beta1 HTTPRoute', async () => {
    const run = await play(played('gatewayapi-rollback'), { route: { ...ROUTE, apiVersion: 'gateway.networking.k8s.io/v1beta1' } });
    expect(phases(run.lines)).toEqual(ROLLED_BACK);
    // The rollback's tick, then the one that scales the canary down once the routes read back all-primary.
    expect(run.summary).toEqual({ ticks: 7, phase: 'Failed', canaryWeights: [10], primaryImage: V0 });
    expect(messages(run.lines)).toContain('Rolling back podinfo.test failed checks threshold reached 2');
    const route = run.objects['route'] as KubeObject;
    expect(route.apiVersion).toBe('gateway.networking.k8s.io/v1beta1');
    expect(specOf(route).rules).toEqual([{ matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: backends(100, 0) }]);
    expect(tick(run.lines, 7).canary?.replicas).toBe(0);
  });

  it('routes A/B matches, merged with the service’s own matches, to the canary and everything else to the primary', async () => {
    const mid = await play(played('gatewayapi-ab-testing'), { route: ROUTE }, { maxTicks: 5 });
    expect(tick(mid.lines, 5).routes).toEqual({ primary: 100, canary: 0, mirrored: false, matched: { primary: 0, canary: 100 } });
    const paths = [{ path: { type: 'PathPrefix', value: '/api' } }, { path: { type: 'PathPrefix', value: '/v2' } }];
    const header = [{ type: 'Exact', name: 'x-canary', value: 'insider' }];
    const cookie = [{ type: 'RegularExpression', name: 'cookie', value: '^(.*?;)?(canary=always)(;.*)?$' }];
    const query = [{ type: 'Exact', name: 'variant', value: 'b' }];
    expect(specOf(mid.objects['route']).rules).toEqual([
      {
        matches: [
          { ...paths[0], headers: header },
          { ...paths[1], headers: header },
          { ...paths[0], headers: cookie },
          { ...paths[1], headers: cookie },
          { ...paths[0], queryParams: query },
          { ...paths[1], queryParams: query },
        ],
        backendRefs: backends(0, 100),
      },
      { matches: paths, backendRefs: [backends(100, 0)[0]] },
    ]);

    const whole = await play('gatewayapi-ab-testing');
    expect(phases(whole.lines)).toEqual(PROMOTED);
    expect(messages(whole.lines)).toContain('Advance podinfo.test canary iteration 3/3');
    expect(whole.lines.at(-1)?.routes).toEqual({ primary: 100, canary: 0, mirrored: false, matched: { primary: 100, canary: 0 } });
  });

  it('mirrors requests to the canary during a blue/green analysis, then switches', async () => {
    const mid = await play(played('gatewayapi-blue-green-mirror'), { route: ROUTE }, { maxTicks: 5 });
    expect(tick(mid.lines, 5).routes).toEqual({ primary: 100, canary: 0, mirrored: true, matched: null });
    expect(specOf(mid.objects['route']).rules).toEqual([
      {
        matches: [{ path: { type: 'PathPrefix', value: '/' } }],
        filters: [{ type: 'RequestMirror', requestMirror: { backendRef: { group: '', kind: 'Service', name: 'podinfo-canary', port: 9898 } } }],
        backendRefs: backends(100, 0),
      },
    ]);
    const whole = await play('gatewayapi-blue-green-mirror');
    expect(phases(whole.lines)).toEqual(PROMOTED);
    expect(messages(whole.lines)).toContain('Stop traffic mirroring and route all traffic to canary');
    expect(whole.summary.canaryWeights).toEqual([100]);
  });

  it('keeps sessions on the canary with a sticky cookie rule and expires the cookie after the promotion', async () => {
    const mid = await play(played('gatewayapi-session-affinity'), { route: ROUTE }, { maxTicks: 5 });
    const rules = specOf(mid.objects['route']).rules;
    expect(rules).toHaveLength(3);
    const [stickyCanary, stickyPrimary, weighted] = rules;
    expect(stickyCanary?.matches?.[0]?.headers?.[0]).toMatchObject({ type: 'RegularExpression', name: 'Cookie', value: expect.stringMatching(/^\.\*flagger-cookie\.\*[A-Za-z0-9]+\.\*$/) });
    expect(stickyCanary?.backendRefs).toEqual(backends(0, 100));
    expect(stickyPrimary?.matches?.[0]?.headers?.[0]?.value).toMatch(/^\.\*primary-cookie\.\*[A-Za-z0-9]+\.\*$/);
    expect(stickyPrimary?.backendRefs).toEqual(backends(100, 0));
    expect(weighted?.backendRefs?.[1]).toMatchObject({ name: 'podinfo-canary', weight: 20, filters: [{ type: 'ResponseHeaderModifier', responseHeaderModifier: { add: [{ name: 'Set-Cookie', value: expect.stringMatching(/^flagger-cookie=[A-Za-z0-9]+; Max-Age=21600$/) }] } }] });
    expect(weighted?.backendRefs?.[0]?.filters?.[0]?.responseHeaderModifier?.add?.[0]?.value).toMatch(/^primary-cookie=[A-Za-z0-9]+; Max-Age=60$/);

    const whole = await play('gatewayapi-session-affinity', { route: ROUTE });
    expect(phases(whole.lines)).toEqual(PROMOTED);
    const after = specOf(whole.objects['route']).rules;
    expect(after).toHaveLength(2);
    expect(after[0]?.filters).toEqual([{ type: 'ResponseHeaderModifier', responseHeaderModifier: { add: [{ name: 'Set-Cookie', value: expect.stringMatching(/^flagger-cookie=[A-Za-z0-9]+; Max-Age=-1$/) }] } }]);
    expect(after[1]?.backendRefs).toEqual(backends(100, 0));
  });

  it('holds the release at its weight while the Gateway does not accept the route, and advances once it does', async () => {
    const run = await play(played('gatewayapi-not-accepted'), { route: ROUTE });
    const refused = 'HTTPRoute podinfo.test is not accepted by Gateway istio-ingress/public: NotAllowedByListeners (no listener of Gateway istio-ingress/public allows routes from namespace test); holding traffic until it is';
    expect(tick(run.lines, 4).events).toEqual([{ type: 'Warning', message: refused }]);
    expect(tick(run.lines, 5).events).toEqual([{ type: 'Warning', message: refused }]);
    for (const n of [4, 5]) expect(tick(run.lines, n)).toMatchObject({ phase: 'Progressing', canaryWeight: 0, failedChecks: 0 });
    expect(tick(run.lines, 6).events.map((e) => e.message)).toEqual(['Starting canary analysis for podinfo.test', 'Advance podinfo.test canary weight 10']);
    expect(phases(run.lines)).toEqual(PROMOTED);
    expect(run.summary.canaryWeights).toEqual([10, 20]);
    expect(run.objects['route']?.['status']).toMatchObject({ parents: [{ conditions: [{ type: 'Accepted', status: 'True', reason: 'Accepted' }] }] });
  });

  it('waits for a slow controller to accept each generation before analysing its weight', async () => {
    const run = await play(played('gatewayapi-slow-controller'));
    const held = (generation: number) => `HTTPRoute podinfo.test generation ${generation} is not accepted yet by Gateway istio-ingress/public (observed generation ${generation - 1}); holding traffic until it is`;
    expect(tick(run.lines, 5)).toMatchObject({ canaryWeight: 10, events: [{ type: 'Warning', message: held(2) }] });
    expect(tick(run.lines, 6).events.map((e) => e.message)).toEqual(['Advance podinfo.test canary weight 20']);
    expect(tick(run.lines, 7).events).toEqual([{ type: 'Warning', message: held(3) }]);
    // The canary keeps its pods until the route back to the primary is accepted.
    expect(tick(run.lines, 10)).toMatchObject({ phase: 'Finalising', events: [{ type: 'Warning', message: held(4) }], canary: { replicas: 2 } });
    expect(run.summary).toEqual({ ticks: 11, phase: 'Succeeded', canaryWeights: [10, 20], primaryImage: V1 });
  });

  it('keeps the pods of a rolled-back canary until a slow controller accepts the route back to the primary', async () => {
    const run = await play(played('gatewayapi-slow-rollback'), { route: ROUTE });
    const held = `HTTPRoute podinfo.test generation 3 is not accepted yet by Gateway istio-ingress/public (observed generation 2); holding traffic until it is`;
    // Tick 7 rolls back: the route back to the primary is written, Failed is committed, and the canary keeps its pods.
    expect(tick(run.lines, 7)).toMatchObject({ phase: 'Failed', canaryWeight: 0, canary: { replicas: 2 } });
    expect(tick(run.lines, 7).events.map((e) => e.message)).toContain('Canary failed! Scaling down podinfo.test');
    expect(tick(run.lines, 7).alerts.map((a) => a.severity)).toEqual(['error']);
    // Tick 8: generation 3 (all traffic to the primary) is not accepted yet, so requests may still reach the canary.
    expect(tick(run.lines, 8)).toMatchObject({ phase: 'Failed', events: [{ type: 'Warning', message: held }], canary: { replicas: 2 } });
    // Tick 9: accepted; only now is the canary scaled to zero, without another event or alert.
    expect(tick(run.lines, 9)).toMatchObject({ phase: 'Failed', events: [], alerts: [], canary: { replicas: 0 } });
    for (const line of run.lines.filter((l) => l.events.some((e) => e.message.includes('is not accepted yet')))) {
      expect(line.canary?.replicas, `canary replicas while a route generation is not accepted, tick ${line.tick}`).toBeGreaterThan(0);
    }
    const route = run.objects['route'] as KubeObject;
    expect(specOf(route).rules[0]?.backendRefs).toEqual(backends(100, 0));
    expect(route['status']).toMatchObject({ parents: [{ conditions: [{ type: 'Accepted', status: 'True', observedGeneration: route.metadata.generation }] }] });
    expect(run.summary).toEqual({ ticks: 9, phase: 'Failed', canaryWeights: [10], primaryImage: V0 });
  });

  it('plays every gatewayapi scenario file', () => {
    expect(scenarioFiles('gatewayapi')).toEqual([...PLAYED].sort());
  });
});
