/**
 * The world's router controllers: a Gateway API implementation's route status (accepting, refusing, slow) and
 * the AWS Load Balancer Controller's Ingress reconcile (load balancer status, TargetGroupBindings).
 */
import { describe, expect, it } from 'vitest';
import { routerCrds } from '../../../sim/crds/index.ts';
import type { GroupVersionResource, KubeObject } from '../../../sim/emulator/index.ts';
import { simulate, R, type Sim } from './harness.ts';

const ROUTES: GroupVersionResource = { group: 'gateway.networking.k8s.io', version: 'v1', resource: 'httproutes' };
const GATEWAYS: GroupVersionResource = { group: 'gateway.networking.k8s.io', version: 'v1', resource: 'gateways' };
const SERVICES: GroupVersionResource = { group: '', version: 'v1', resource: 'services' };
const INGRESSES: GroupVersionResource = { group: 'networking.k8s.io', version: 'v1', resource: 'ingresses' };
const BINDINGS: GroupVersionResource = { group: 'elbv2.k8s.aws', version: 'v1beta1', resource: 'targetgroupbindings' };

function withCrds(options: Parameters<typeof simulate>[0] = {}): Sim {
  const sim = simulate(options);
  for (const crd of routerCrds(['gatewayapi', 'alb'])) sim.state.create(R.crds, crd);
  return sim;
}

const service = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { selector: { app: name }, ports: [{ port: 80 }] } });
const gateway = (from: string): KubeObject => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'Gateway',
  metadata: { name: 'public', namespace: 'gateways' },
  spec: { gatewayClassName: 'example', listeners: [{ name: 'http', protocol: 'HTTP', port: 80, allowedRoutes: { namespaces: { from } } }] },
});
const route = (parentRefs: unknown[]): KubeObject => ({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'web' }, spec: { parentRefs, rules: [{ backendRefs: [{ name: 'web', port: 80 }] }] } });
const accepted = (sim: Sim) =>
  ((sim.get(ROUTES, 'web')['status'] as { parents: Array<{ conditions: Array<{ status: string; reason: string; observedGeneration: number }> }> }).parents ?? []).map((p) => {
    const c = p.conditions[0]!;
    return `${c.status}:${c.reason}@${c.observedGeneration}`;
  });

describe('the Gateway API route controller', () => {
  it('accepts a route whose Gateway allows its namespace, and a Service parent that exists (GAMMA)', () => {
    const sim = withCrds();
    sim.create(GATEWAYS, gateway('All'));
    sim.create(SERVICES, service('mesh'));
    sim.create(ROUTES, route([{ name: 'public', namespace: 'gateways' }, { group: '', kind: 'Service', name: 'mesh' }]));
    sim.tick();
    expect(accepted(sim)).toEqual(['True:Accepted@1', 'True:Accepted@1']);
  });

  it.each([
    ['a Gateway that only allows its own namespace', () => gateway('Same'), 'False:NotAllowedByListeners@1'],
    ['a missing Gateway', undefined, 'False:NoMatchingParent@1'],
  ])('refuses a route attached to %s', (_name, make, verdict) => {
    const sim = withCrds();
    if (make) sim.create(GATEWAYS, make());
    sim.create(ROUTES, route([{ name: 'public', namespace: 'gateways' }]));
    sim.tick();
    expect(accepted(sim)).toEqual([verdict]);
  });

  it('judges a new generation only acceptAfterTicks after it first saw it, keeping the old observedGeneration meanwhile', () => {
    const sim = withCrds({ gatewayApi: { acceptAfterTicks: 2 } });
    sim.create(GATEWAYS, gateway('All'));
    sim.create(ROUTES, route([{ name: 'public', namespace: 'gateways' }]));
    sim.tick();
    expect(sim.get(ROUTES, 'web')['status']).toBeUndefined();
    sim.advance(60);
    expect(sim.get(ROUTES, 'web')['status']).toBeUndefined();
    sim.advance(60);
    expect(accepted(sim)).toEqual(['True:Accepted@1']);
    sim.edit(ROUTES, 'web', (o) => {
      (o['spec'] as { hostnames?: string[] }).hostnames = ['web.example.com'];
    });
    sim.advance(60); // first seen at 3m
    expect(accepted(sim)).toEqual(['True:Accepted@1']);
    sim.advance(60);
    expect(accepted(sim)).toEqual(['True:Accepted@1']);
    sim.advance(60); // two ticks later
    expect(accepted(sim)).toEqual(['True:Accepted@2']);
  });
});

describe('the AWS Load Balancer Controller', () => {
  const ALB_INGRESS: KubeObject = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      name: 'web',
      annotations: {
        'alb.ingress.kubernetes.io/actions.web': JSON.stringify({ type: 'forward', forwardConfig: { targetGroups: [{ serviceName: 'web-primary', servicePort: '80', weight: 90 }, { serviceName: 'web-canary', servicePort: '80', weight: 10 }] } }),
      },
    },
    spec: { ingressClassName: 'alb', rules: [{ http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { name: 'use-annotation' } } } }] } }] },
  };
  const hostname = (sim: Sim) => (sim.get(INGRESSES, 'web')['status'] as { loadBalancer?: { ingress?: Array<{ hostname: string }> } } | undefined)?.loadBalancer?.ingress?.[0]?.hostname;
  const bound = (sim: Sim) => sim.list(BINDINGS, 'default').map((b) => (b['spec'] as { serviceRef: { name: string } }).serviceRef.name).sort();

  it('provisions one load balancer and binds a target group per Service of the forward action', () => {
    const sim = withCrds();
    sim.create(SERVICES, service('web-primary'));
    sim.create(SERVICES, service('web-canary'));
    sim.create(INGRESSES, ALB_INGRESS);
    sim.tick();
    expect(hostname(sim)).toMatch(/^k8s-defaultweb-[0-9a-f]{8}\.us-east-1\.elb\.amazonaws\.com$/);
    expect(bound(sim)).toEqual(['web-canary', 'web-primary']);
  });

  it('changes nothing for an Ingress it cannot build, and unbinds target groups no longer used', () => {
    const sim = withCrds();
    sim.create(SERVICES, service('web-primary'));
    sim.create(INGRESSES, ALB_INGRESS);
    sim.tick();
    expect(hostname(sim)).toBeUndefined();
    expect(bound(sim)).toEqual([]);
    sim.create(SERVICES, service('web-canary'));
    sim.create(SERVICES, service('web'));
    sim.tick();
    expect(bound(sim)).toEqual(['web-canary', 'web-primary']);
    sim.edit(INGRESSES, 'web', (o) => {
      (o['spec'] as { rules: Array<{ http: { paths: Array<{ backend: unknown }> } }> }).rules[0]!.http.paths[0]!.backend = { service: { name: 'web', port: { number: 80 } } };
    });
    sim.tick();
    expect(bound(sim)).toEqual(['web']);
  });

  it('leaves Ingresses of other classes alone', () => {
    const sim = withCrds();
    sim.create(SERVICES, service('web'));
    sim.create(INGRESSES, { ...ALB_INGRESS, metadata: { name: 'web' }, spec: { ingressClassName: 'nginx', rules: [{ http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }] } });
    sim.tick();
    expect(hostname(sim)).toBeUndefined();
    expect(bound(sim)).toEqual([]);
  });
});
