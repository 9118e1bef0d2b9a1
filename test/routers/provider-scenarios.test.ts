/**
 * Every provider of `examples/scenarios/<provider>-*.yaml` played whole through the real controller against the
 * emulator: a weighted canary promoted and a rollback (capabilities: provider-capabilities.test.ts). Each
 * asserts the provider's object as the emulator holds it (read back every tick, not Fledge's state), and the
 * ready example in `examples/<provider>/` is played too.
 */
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../shared/kube/index.ts';
import type { TickLine } from '../../sim/scenario/types.ts';
import { V0, V1, documents, play, tickAt, type Ref } from './scenario-harness.ts';

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

    // Tick 5 rolls back; tick 6 scales the canary down once the routes read back all-primary.
    expect(summary).toEqual({ ticks: 6, phase: 'Failed', canaryWeights: [10], primaryImage: V0 });
    checkInvariants(lines);
    expect(part(objects.get(4) as KubeObject)).toEqual(expected(90, 10));
    expect(part(objects.get(5) as KubeObject)).toEqual(expected(100, 0));
    expect(lines.find((l) => l.tick === 5)?.canary?.replicas).toBeGreaterThan(0);
    expect(lines.at(-1)?.canary?.replicas).toBe(0);
    expect(lines.at(-1)?.routes).toEqual({ primary: 100, canary: 0, mirrored: false, matched: null });
    expect(lines.flatMap((l) => l.events.map((e) => e.message))).toContain('Canary failed! Scaling down podinfo.test');
  });
});
