/**
 * The routers of linkerd/smi/osm, contour, traefik, gloo, kuma, apisix and skipper against the emulator:
 * what each creates, that reconcile takes an existing object over without resetting its weights and keeps
 * the user's original spec, that finalize gives it back or deletes the overlay, and their errors.
 */
import { describe, expect, it } from 'vitest';
import type { Canary, CanarySpec } from '../../shared/api/types.ts';
import type { KubeObject } from '../../shared/kube/types.ts';
import { ORIGINAL_CONFIGURATION_ANNOTATION, RouterError, createRouter, type RouterDeps } from '../../shared/routers/index.ts';
import { CREATED_BY_ANNOTATION } from '../../shared/routers/weighted-object.ts';
import type { KubeHarness } from '../kube/harness.ts';
import { routerDepsForFile } from './harness.ts';
import { canaryFor, deploymentFor } from '../workload/fixtures.ts';

let h: KubeHarness;
let deps: RouterDeps;
routerDepsForFile((harness, routerDeps) => {
  h = harness;
  deps = routerDeps;
});

type Ref = { apiVersion: string; kind: string; name: string; namespace?: string };
const get = async (ref: Ref) => (await h.kube.get<KubeObject>(ref)) as KubeObject;

/** A Deployment `name` and its Canary, the Services initialized. */
async function setUp(name: string, spec: Partial<CanarySpec>): Promise<Canary> {
  await h.kube.create(deploymentFor(name));
  const canary = canaryFor(name, spec);
  await createRouter(spec.provider, deps).initialize(canary);
  return canary;
}

describe('smi (TrafficSplit)', () => {
  const ts = (name: string, version = 'v1alpha2'): Ref => ({ apiVersion: `split.smi-spec.io/${version}`, kind: 'TrafficSplit', namespace: 'test', name });

  it('creates the TrafficSplit owned by the Canary, with the apex metadata and every request on the primary', async () => {
    const canary = await setUp('split', { provider: 'osm', service: { port: 9898, apex: { labels: { team: 'web' }, annotations: { 'example.com/a': 'b' } } } });
    const router = createRouter('osm', deps);

    await router.reconcile(canary);

    const made = await get(ts('split'));
    expect(made['spec']).toEqual({ service: 'split', backends: [{ service: 'split-canary', weight: 0 }, { service: 'split-primary', weight: 100 }] });
    expect(made.metadata.labels).toEqual({ team: 'web' });
    expect(made.metadata.annotations).toMatchObject({ 'example.com/a': 'b', 'kustomize.toolkit.fluxcd.io/reconcile': 'disabled' });
    expect(made.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Canary', name: 'split', controller: true });
    expect((await get({ apiVersion: 'v1', kind: 'Service', namespace: 'test', name: 'split' }))['spec']).toMatchObject({ selector: { app: 'split-primary' } });
  });

  it('keeps an in-flight split when reconciled again, and the root service of service.hosts', async () => {
    const canary = await setUp('inflight', { provider: 'smi:v1alpha3', service: { port: 9898, hosts: ['inflight.test.svc.cluster.local'] } });
    const router = createRouter('smi:v1alpha3', deps);
    await router.reconcile(canary);
    await router.setRoutes(canary, { primary: 70, canary: 30, mirrored: false });

    await router.reconcile(canary);

    expect(await router.getRoutes(canary)).toEqual({ ok: true, primary: 70, canary: 30, mirrored: false, matched: null });
    expect((await get(ts('inflight', 'v1alpha3')))['spec']).toMatchObject({ service: 'inflight.test.svc.cluster.local' });
  });

  it('reads linkerd v1alpha1 weights in any quantity form, as shares of their sum', async () => {
    const canary = await setUp('quantity', { provider: 'linkerd' });
    await h.kube.create({ apiVersion: 'split.smi-spec.io/v1alpha1', kind: 'TrafficSplit', metadata: { name: 'quantity', namespace: 'test' }, spec: { service: 'quantity', backends: [{ service: 'quantity-canary', weight: '250m' }, { service: 'quantity-primary', weight: '750m' }] } } as unknown as KubeObject);

    expect(await createRouter('linkerd', deps).getRoutes(canary)).toEqual({ ok: true, primary: 75, canary: 25, mirrored: false, matched: null });
  });

  it('takes over a TrafficSplit of the user without resetting its weights, and gives its spec back on finalize', async () => {
    const canary = await setUp('mine', { provider: 'osm' });
    const original = { service: 'mine', backends: [{ service: 'mine-canary', weight: 20 }, { service: 'mine-primary', weight: 80 }, { service: 'legacy', weight: 0 }] };
    await h.kube.create({ apiVersion: 'split.smi-spec.io/v1alpha2', kind: 'TrafficSplit', metadata: { name: 'mine', namespace: 'test' }, spec: original } as unknown as KubeObject);
    const router = createRouter('osm', deps);

    await router.reconcile(canary);

    const taken = await get(ts('mine'));
    expect(taken['spec']).toEqual({ service: 'mine', backends: [{ service: 'mine-canary', weight: 20 }, { service: 'mine-primary', weight: 80 }] });
    expect(JSON.parse(taken.metadata.annotations?.[ORIGINAL_CONFIGURATION_ANNOTATION] ?? '')).toEqual(original);
    await router.setRoutes(canary, { primary: 100, canary: 0, mirrored: false });

    await router.finalize(canary);

    expect((await get(ts('mine')))['spec']).toEqual(original);
  });

  it('says which object is missing when routes are read or written before reconcile', async () => {
    const canary = canaryFor('none', { provider: 'osm' });
    const router = createRouter('osm', deps);

    expect(await router.getRoutes(canary)).toEqual({ ok: false, reason: 'TrafficSplit none.test not found' });
    await expect(router.setRoutes(canary, { primary: 90, canary: 10, mirrored: false })).rejects.toThrow('update TrafficSplit none.test: not found; it is created when the Canary is reconciled');
  });
});

describe('traefik (TraefikService)', () => {
  it('keeps the fields of a taken-over TraefikService besides its weighted services, and restores it', async () => {
    const canary = await setUp('tr', { provider: 'traefik', service: { port: 80, targetPort: 9898 } });
    const ref = { apiVersion: 'traefik.io/v1alpha1', kind: 'TraefikService', namespace: 'test', name: 'tr' };
    const original = { weighted: { services: [{ name: 'tr', port: 80 }], sticky: { cookie: { name: 'lvl' } } } };
    await h.kube.create({ apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: 'tr', namespace: 'test' }, spec: original } as unknown as KubeObject);
    const router = createRouter('traefik', deps);

    await router.reconcile(canary);
    await router.setRoutes(canary, { primary: 60, canary: 40, mirrored: false });

    expect((await get(ref))['spec']).toEqual({
      weighted: { sticky: { cookie: { name: 'lvl' } }, services: [{ name: 'tr-primary', namespace: 'test', port: 80, weight: 60 }, { name: 'tr-canary', namespace: 'test', port: 80, weight: 40 }] },
    });
    await router.finalize(canary);
    expect((await get(ref))['spec']).toEqual(original);
  });
});

describe('gloo (Upstreams + RouteTable)', () => {
  it('creates an Upstream per Service with its selector and the config of spec.upstreamRef', async () => {
    await h.kube.create({ apiVersion: 'gloo.solo.io/v1', kind: 'Upstream', metadata: { name: 'template', namespace: 'test' }, spec: { loadBalancerConfig: { roundRobin: {} }, useHttp2: true, static: { hosts: [] } } } as unknown as KubeObject);
    const canary = await setUp('gl', { provider: 'gloo', upstreamRef: { apiVersion: 'gloo.solo.io/v1', kind: 'Upstream', name: 'template' } });

    await createRouter('gloo', deps).reconcile(canary);

    const primary = await get({ apiVersion: 'gloo.solo.io/v1', kind: 'Upstream', namespace: 'test', name: 'test-gl-primaryupstream-9898' });
    expect(primary['spec']).toEqual({ loadBalancerConfig: { roundRobin: {} }, useHttp2: true, kube: { serviceName: 'gl-primary', serviceNamespace: 'test', servicePort: 9898, selector: { app: 'gl-primary' } } });
    expect(primary.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Canary', name: 'gl' });
    const canaryUpstream = await get({ apiVersion: 'gloo.solo.io/v1', kind: 'Upstream', namespace: 'test', name: 'test-gl-canaryupstream-9898' });
    expect((canaryUpstream['spec'] as { kube: unknown }).kube).toEqual({ serviceName: 'gl-canary', serviceNamespace: 'test', servicePort: 9898, selector: { app: 'gl' } });
  });

  it('names a missing upstreamRef', async () => {
    const canary = await setUp('gl2', { provider: 'gloo', upstreamRef: { apiVersion: 'gloo.solo.io/v1', kind: 'Upstream', name: 'absent' } });

    await expect(createRouter('gloo', deps).reconcile(canary)).rejects.toThrow('Upstream absent.test (spec.upstreamRef) not found');
  });
});

describe('kuma (TrafficRoute, cluster-scoped)', () => {
  const ref = (name: string) => ({ apiVersion: 'kuma.io/v1alpha1', kind: 'TrafficRoute', name });

  it('creates the TrafficRoute in the Canary’s mesh, marked as Fledge’s, and deletes it on finalize', async () => {
    const canary = await setUp('km', { provider: 'kuma' });
    canary.metadata.annotations = { 'kuma.io/mesh': 'edge' };
    const router = createRouter('kuma', deps);

    await router.reconcile(canary);

    const made = await get(ref('km'));
    expect(made['mesh']).toBe('edge');
    expect(made.metadata.ownerReferences).toBeUndefined();
    expect(made.metadata.annotations?.[CREATED_BY_ANNOTATION]).toBe('test/km');
    await router.finalize(canary);
    expect(await h.kube.get(ref('km'))).toBeUndefined();
  });
});

describe('apisix (canary ApisixRoute)', () => {
  const route = (name: string, backends: unknown[]) =>
    ({ apiVersion: 'apisix.apache.org/v2', kind: 'ApisixRoute', metadata: { name, namespace: 'test', labels: { app: name } }, spec: { http: [{ name: 'other', match: { paths: ['/x'] }, backends: [{ serviceName: 'x', servicePort: 80 }] }, { name: 'rule1', match: { paths: ['/*'] }, backends }] } }) as unknown as KubeObject;

  it('copies the http route whose backend is the apex, leaves the user’s route alone, and deletes the copy on finalize', async () => {
    await h.kube.create(route('ax', [{ serviceName: 'ax', servicePort: 80, resolveGranularity: 'service' }]));
    const canary = await setUp('ax', { provider: 'apisix', routeRef: { apiVersion: 'apisix.apache.org/v2', kind: 'ApisixRoute', name: 'ax' } });
    const router = createRouter('apisix', deps);

    await router.reconcile(canary);
    await router.setRoutes(canary, { primary: 75, canary: 25, mirrored: false });

    const copy = await get({ apiVersion: 'apisix.apache.org/v2', kind: 'ApisixRoute', namespace: 'test', name: 'ax-ax-canary' });
    expect(copy['spec']).toEqual({
      http: [
        {
          name: 'rule1',
          match: { paths: ['/*'] },
          priority: 10000,
          backends: [
            { serviceName: 'ax-primary', servicePort: 80, resolveGranularity: 'service', weight: 75 },
            { serviceName: 'ax-canary', servicePort: 80, resolveGranularity: 'service', weight: 25 },
          ],
        },
      ],
    });
    expect(copy.metadata.labels).toEqual({ app: 'ax' });
    expect((await get({ apiVersion: 'apisix.apache.org/v2', kind: 'ApisixRoute', namespace: 'test', name: 'ax' }))['spec']).toEqual(route('ax', [{ serviceName: 'ax', servicePort: 80, resolveGranularity: 'service' }])['spec']);
    await router.finalize(canary);
    expect(await h.kube.get({ apiVersion: 'apisix.apache.org/v2', kind: 'ApisixRoute', namespace: 'test', name: 'ax-ax-canary' })).toBeUndefined();
  });

  it('still takes new weights when the user’s route was deleted meanwhile, so a rollback is not blocked', async () => {
    await h.kube.create(route('ax3', [{ serviceName: 'ax3', servicePort: 80 }]));
    const canary = await setUp('ax3', { provider: 'apisix', routeRef: { apiVersion: 'apisix.apache.org/v2', kind: 'ApisixRoute', name: 'ax3' } });
    const router = createRouter('apisix', deps);
    await router.reconcile(canary);
    await router.setRoutes(canary, { primary: 60, canary: 40, mirrored: false });
    await h.kube.delete({ apiVersion: 'apisix.apache.org/v2', kind: 'ApisixRoute', namespace: 'test', name: 'ax3' });

    await router.setRoutes(canary, { primary: 100, canary: 0, mirrored: false });

    expect(await router.getRoutes(canary)).toEqual({ ok: true, primary: 100, canary: 0, mirrored: false, matched: null });
  });

  it('refuses a route whose apex rule has two backends, naming it', async () => {
    await h.kube.create(route('ax2', [{ serviceName: 'ax2', servicePort: 80 }, { serviceName: 'y', servicePort: 80 }]));
    const canary = await setUp('ax2', { provider: 'apisix', routeRef: { apiVersion: 'apisix.apache.org/v2', kind: 'ApisixRoute', name: 'ax2' } });

    await expect(createRouter('apisix', deps).reconcile(canary)).rejects.toThrow(RouterError);
    await expect(createRouter('apisix', deps).reconcile(canary)).rejects.toThrow('ApisixRoute ax2.test (spec.routeRef): http route rule1 must have only one backend, ax2');
  });
});

describe('skipper (canary Ingress)', () => {
  it('still takes new weights when the user’s Ingress was deleted meanwhile, so a rollback is not blocked', async () => {
    const ingress = { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', namespace: 'test', name: 'sk0' };
    await h.kube.create({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'sk0', namespace: 'test' }, spec: { rules: [{ http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'sk0', port: { number: 80 } } } }] } }] } } as unknown as KubeObject);
    const canary = await setUp('sk0', { provider: 'skipper', ingressRef: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: 'sk0' } });
    const router = createRouter('skipper', deps);
    await router.reconcile(canary);
    await router.setRoutes(canary, { primary: 70, canary: 30, mirrored: false });
    await h.kube.delete(ingress);

    await router.setRoutes(canary, { primary: 100, canary: 0, mirrored: false });

    expect(await router.getRoutes(canary)).toEqual({ ok: true, primary: 100, canary: 0, mirrored: false, matched: null });
    expect((await get({ ...ingress, name: 'sk0-canary' })).metadata.annotations?.['zalando.org/skipper-predicate']).toBe('False()');
  });

  it('names an ingressRef without a path to the apex', async () => {
    await h.kube.create({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'sk', namespace: 'test' }, spec: { rules: [{ http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'other', port: { number: 80 } } } }] } }] } } as unknown as KubeObject);
    const canary = await setUp('sk', { provider: 'skipper', ingressRef: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: 'sk' } });

    await expect(createRouter('skipper', deps).reconcile(canary)).rejects.toThrow('Ingress sk.test (spec.ingressRef): no path has the backend sk');
  });
});
