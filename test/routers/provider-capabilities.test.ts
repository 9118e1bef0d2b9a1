/**
 * The capabilities of the mesh and ingress providers as whole releases (`examples/scenarios/<provider>-*.yaml`):
 * A/B testing with the cartesian merge, revertOnDeletion of a taken-over object or an overlay copy, and a
 * retired provider refused, each asserted on the objects read back from the emulator.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../shared/kube/index.ts';
import { formatIssue, parseScenario } from '../../sim/scenario/parse.ts';
import { EXAMPLES, V1, play } from './scenario-harness.ts';

const ns = 'test';
const spec = (o: KubeObject) => o['spec'];

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
