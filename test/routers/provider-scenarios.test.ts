/**
 * Every provider of `examples/scenarios/<provider>-*.yaml` played whole through the real controller against the
 * emulator: a weighted canary promoted, a rollback, and the A/B capability where the provider has it. Each
 * asserts the provider's object as the emulator holds it (read back every tick, not Fledge's state), and the
 * ready example in `examples/<provider>/` is played too.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../shared/kube/index.ts';
import { formatIssue, parseScenario } from '../../sim/scenario/parse.ts';
import type { TickLine } from '../../sim/scenario/types.ts';
import { EXAMPLES, V0, V1, documents, play, tickAt, type Ref } from './scenario-harness.ts';

const ns = 'test';
const l5d = (name: string, port: number) => ({ set: [{ name: 'l5d-dst-override', value: `${name}.test.svc.cluster.local:${port}` }] });

interface ProviderCase {
  readonly provider: string;
  readonly watch: Ref;
  /** What the object must hold for a split (its routing part). */
  readonly expected: (primary: number, canary: number) => unknown;
  /** The routing part of an object. */
  readonly part: (object: KubeObject) => unknown;
}

const spec = (o: KubeObject) => o['spec'];

const CASES: ProviderCase[] = [
  {
    provider: 'linkerd',
    watch: { apiVersion: 'split.smi-spec.io/v1alpha1', kind: 'TrafficSplit', namespace: ns, name: 'podinfo' },
    expected: (p, c) => ({ service: 'podinfo', backends: [{ service: 'podinfo-canary', weight: String(c) }, { service: 'podinfo-primary', weight: String(p) }] }),
    part: spec,
  },
  {
    provider: 'osm',
    watch: { apiVersion: 'split.smi-spec.io/v1alpha2', kind: 'TrafficSplit', namespace: ns, name: 'podinfo' },
    expected: (p, c) => ({ service: 'podinfo', backends: [{ service: 'podinfo-canary', weight: c }, { service: 'podinfo-primary', weight: p }] }),
    part: spec,
  },
  {
    provider: 'smi',
    watch: { apiVersion: 'split.smi-spec.io/v1alpha3', kind: 'TrafficSplit', namespace: ns, name: 'podinfo' },
    expected: (p, c) => ({ service: 'podinfo', backends: [{ service: 'podinfo-canary', weight: c }, { service: 'podinfo-primary', weight: p }] }),
    part: spec,
  },
  {
    provider: 'contour',
    watch: { apiVersion: 'projectcontour.io/v1', kind: 'HTTPProxy', namespace: ns, name: 'podinfo' },
    expected: (p, c) => ({
      routes: [
        {
          conditions: [{ prefix: '/' }],
          timeoutPolicy: { response: '15s', idle: '5m' },
          retryPolicy: { count: 3, perTryTimeout: '5s', retryOn: ['5xx', 'gateway-error'] },
          services: [
            { name: 'podinfo-primary', port: 80, weight: p, requestHeadersPolicy: l5d('podinfo-primary', 80) },
            { name: 'podinfo-canary', port: 80, weight: c, requestHeadersPolicy: l5d('podinfo-canary', 80) },
          ],
        },
      ],
    }),
    part: spec,
  },
  {
    provider: 'traefik',
    watch: { apiVersion: 'traefik.io/v1alpha1', kind: 'TraefikService', namespace: ns, name: 'podinfo' },
    expected: (p, c) => ({
      weighted: {
        services: [
          { name: 'podinfo-primary', namespace: ns, port: 80, weight: p },
          ...(c > 0 ? [{ name: 'podinfo-canary', namespace: ns, port: 80, weight: c }] : []),
        ],
      },
    }),
    part: spec,
  },
  {
    provider: 'gloo',
    watch: { apiVersion: 'gateway.solo.io/v1', kind: 'RouteTable', namespace: ns, name: 'podinfo' },
    expected: (p, c) => ({
      routes: [
        {
          inheritablePathMatchers: true,
          routeAction: {
            multi: {
              destinations: [
                { destination: { upstream: { name: 'test-podinfo-primaryupstream-9898', namespace: ns } }, ...(p > 0 ? { weight: p } : {}) },
                { destination: { upstream: { name: 'test-podinfo-canaryupstream-9898', namespace: ns } }, ...(c > 0 ? { weight: c } : {}) },
              ],
            },
          },
        },
      ],
    }),
    part: spec,
  },
  {
    provider: 'kuma',
    watch: { apiVersion: 'kuma.io/v1alpha1', kind: 'TrafficRoute', name: 'podinfo' },
    expected: (p, c) => ({
      mesh: 'default',
      spec: {
        sources: [{ match: { 'kuma.io/service': '*' } }],
        destinations: [{ match: { 'kuma.io/service': 'podinfo_test_svc_9898' } }],
        conf: {
          split: [
            { weight: p, destination: { 'kuma.io/service': 'podinfo-primary_test_svc_9898' } },
            { weight: c, destination: { 'kuma.io/service': 'podinfo-canary_test_svc_9898' } },
          ],
        },
      },
    }),
    part: (o) => ({ mesh: o['mesh'], spec: o['spec'] }),
  },
  {
    provider: 'apisix',
    watch: { apiVersion: 'apisix.apache.org/v2', kind: 'ApisixRoute', namespace: ns, name: 'podinfo-podinfo-canary' },
    expected: (p, c) => ({
      http: [
        {
          name: 'rule1',
          match: { hosts: ['app.example.com'], paths: ['/*'] },
          priority: 10000,
          backends: [
            { serviceName: 'podinfo-primary', servicePort: 80, weight: p },
            { serviceName: 'podinfo-canary', servicePort: 80, weight: c },
          ],
        },
      ],
    }),
    part: spec,
  },
  {
    provider: 'skipper',
    watch: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', namespace: ns, name: 'podinfo-canary' },
    expected: (p, c) => ({
      annotations: {
        'zalando.org/backend-weights': JSON.stringify({ 'podinfo-canary': c, 'podinfo-primary': p }),
        'zalando.org/skipper-predicate': `${c > 0 ? 'Weight(100)' : 'False()'} && Header("X-Team", "frontend")`,
      },
      paths: [
        { path: '/', pathType: 'Prefix', backend: { service: { name: 'podinfo-primary', port: { number: 80 } } } },
        { path: '/', pathType: 'Prefix', backend: { service: { name: 'podinfo-canary', port: { number: 80 } } } },
      ],
    }),
    part: (o) => {
      const annotations = o.metadata.annotations ?? {};
      const rules = (o['spec'] as { rules: { http: { paths: unknown[] } }[] }).rules;
      return {
        annotations: { 'zalando.org/backend-weights': annotations['zalando.org/backend-weights'], 'zalando.org/skipper-predicate': annotations['zalando.org/skipper-predicate'] },
        paths: rules[0]?.http.paths,
      };
    },
  },
];

function checkInvariants(lines: readonly TickLine[]): void {
  for (const line of lines) {
    expect(line.routes.primary + line.routes.canary, `weights of tick ${line.tick}`).toBe(100);
    if (line.routes.canary > 0) expect(line.canary?.replicas, `canary replicas while it carries traffic, tick ${line.tick}`).toBeGreaterThan(0);
  }
}

describe.each(CASES)('$provider', ({ provider, watch, expected, part }) => {
  it('promotes a weighted canary (its ready example), the object carrying each step', async () => {
    const { lines, summary, objects } = await play([`${provider}/podinfo.yaml`, `${provider}/release.yaml`], watch);

    expect(summary).toEqual({ ticks: 9, phase: 'Succeeded', canaryWeights: [10, 20, 30], primaryImage: V1 });
    checkInvariants(lines);
    for (const weight of [10, 20, 30]) expect(part(objects.get(tickAt(lines, weight)) as KubeObject), `object at ${weight}%`).toEqual(expected(100 - weight, weight));
    expect(part(objects.get(9) as KubeObject)).toEqual(expected(100, 0));
    expect(lines.at(-1)?.canary?.replicas).toBe(0);
  });

  it('has the ready example as its self-contained canary scenario', () => {
    expect(documents([`scenarios/${provider}-canary.yaml`])).toEqual(documents([`${provider}/podinfo.yaml`, `${provider}/release.yaml`]));
  });

  it('rolls back on errors, the object giving everything back to the primary', async () => {
    const { lines, summary, objects } = await play([`scenarios/${provider}-rollback.yaml`], watch);

    expect(summary).toEqual({ ticks: 5, phase: 'Failed', canaryWeights: [10], primaryImage: V0 });
    checkInvariants(lines);
    expect(part(objects.get(4) as KubeObject)).toEqual(expected(90, 10));
    expect(part(objects.get(5) as KubeObject)).toEqual(expected(100, 0));
    expect(lines.at(-1)?.routes).toEqual({ primary: 100, canary: 0, mirrored: false, matched: null });
    expect(lines.flatMap((l) => l.events.map((e) => e.message))).toContain('Canary failed! Scaling down podinfo.test');
  });
});

describe('A/B testing by header: the cartesian merge of analysis.match with service.match', () => {
  const insider = { name: 'x-canary', exact: 'insider' };
  const cookieRegex = '^(.*?;)?(canary=always)(;.*)?$';

  it('contour: one route per merged match with a prefix and a header condition, then the default routes on the primary', async () => {
    const watch = { apiVersion: 'projectcontour.io/v1', kind: 'HTTPProxy', namespace: ns, name: 'podinfo' };
    const { lines, summary, objects } = await play(['scenarios/contour-ab-header.yaml'], watch);

    expect(summary).toEqual({ ticks: 8, phase: 'Succeeded', canaryWeights: [], primaryImage: V1 });
    expect(lines.find((l) => l.tick === 4)?.routes).toEqual({ primary: 100, canary: 0, mirrored: false, matched: { primary: 0, canary: 100 } });
    const routes = (spec(objects.get(4) as KubeObject) as { routes: { conditions: unknown; services: { name: string; weight: number }[] }[] }).routes;
    expect(routes.map((r) => r.conditions)).toEqual([
      [{ prefix: '/api', header: insider }],
      [{ prefix: '/v2', header: insider }],
      [{ prefix: '/api', header: { name: 'cookie', regex: cookieRegex } }],
      [{ prefix: '/v2', header: { name: 'cookie', regex: cookieRegex } }],
      [{ prefix: '/api' }],
      [{ prefix: '/v2' }],
    ]);
    expect(routes.map((r) => r.services.map((s) => `${s.name}=${s.weight}`).join(','))).toEqual([
      ...Array(4).fill('podinfo-primary=0,podinfo-canary=100'),
      ...Array(2).fill('podinfo-primary=100,podinfo-canary=0'),
    ]);
  });

  it('gloo: one route whose matchers are the merged matches, then the default route on the primary', async () => {
    const watch = { apiVersion: 'gateway.solo.io/v1', kind: 'RouteTable', namespace: ns, name: 'podinfo' };
    const { lines, summary, objects } = await play(['scenarios/gloo-ab-header.yaml'], watch);

    expect(summary).toEqual({ ticks: 8, phase: 'Succeeded', canaryWeights: [], primaryImage: V1 });
    expect(lines.find((l) => l.tick === 5)?.routes.matched).toEqual({ primary: 0, canary: 100 });
    const routes = (spec(objects.get(5) as KubeObject) as { routes: { matchers?: unknown; routeAction: { multi: { destinations: { weight?: number }[] } } }[] }).routes;
    const cookie = { name: 'cookie', value: cookieRegex, regex: true };
    const header = { name: 'x-canary', value: 'insider' };
    expect(routes.map((r) => r.matchers)).toEqual([
      [
        { headers: [header], prefix: '/api' },
        { headers: [header], prefix: '/v2' },
        { headers: [cookie], prefix: '/api' },
        { headers: [cookie], prefix: '/v2' },
      ],
      [{ prefix: '/api' }, { prefix: '/v2' }],
    ]);
    expect(routes.map((r) => r.routeAction.multi.destinations.map((d) => d.weight ?? 0))).toEqual([[0, 100], [100, 0]]);
  });
});

describe('a retired provider', () => {
  it('makes a scenario invalid, naming spec.provider and the replacement', () => {
    const text = readFileSync(new URL('scenarios/linkerd-canary.yaml', EXAMPLES), 'utf8').replace('provider: linkerd', 'provider: appmesh');
    const parsed = parseScenario(text, 'appmesh.yaml');

    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? [] : parsed.issues.map(formatIssue)).toContain(
      'Canary podinfo: spec.provider: "appmesh" is no longer supported: AWS App Mesh was discontinued on 2026-09-30; use "gatewayapi:v1" with the AWS Gateway API Controller for VPC Lattice',
    );
  });
});

describe('deleting the Canary with revertOnDeletion', () => {
  it('contour: gives a taken-over HTTPProxy its original spec back, having kept its other fields meanwhile', async () => {
    const watch = { apiVersion: 'projectcontour.io/v1', kind: 'HTTPProxy', namespace: ns, name: 'podinfo' };
    const original = { virtualhost: { fqdn: 'app.example.com' }, routes: [{ conditions: [{ prefix: '/' }], services: [{ name: 'podinfo', port: 80 }] }] };
    const { summary, objects } = await play(['scenarios/contour-revert-on-deletion.yaml'], watch);

    expect(summary).toEqual({ ticks: 6, phase: 'Terminated', canaryWeights: [10, 20], primaryImage: null });
    const taken = objects.get(5) as KubeObject;
    expect(taken['spec']).toMatchObject({ virtualhost: { fqdn: 'app.example.com' }, routes: [{ services: [{ name: 'podinfo-primary', weight: 80 }, { name: 'podinfo-canary', weight: 20 }] }] });
    expect(JSON.parse(taken.metadata.annotations?.['flagger.kubernetes.app/original-configuration'] ?? '')).toEqual(original);
    expect((objects.get(6) as KubeObject)['spec']).toEqual(original);
  });

  it('skipper: deletes the canary Ingress, the user’s Ingress never touched', async () => {
    const watch = { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', namespace: ns, name: 'podinfo-canary' };
    let userIngress: unknown;
    const { objects } = await play(['scenarios/skipper-revert-on-deletion.yaml'], watch, async (kube) => {
      userIngress = (await kube.get({ ...watch, name: 'podinfo' }))?.['spec'];
    });

    expect((objects.get(5) as KubeObject).metadata.annotations?.['zalando.org/backend-weights']).toBe(JSON.stringify({ 'podinfo-canary': 20, 'podinfo-primary': 80 }));
    expect(objects.get(6)).toBeUndefined();
    expect(userIngress).toEqual({ ingressClassName: 'skipper', rules: [{ host: 'app.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'podinfo', port: { number: 80 } } } }] } }] });
  });
});
