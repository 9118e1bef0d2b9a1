/**
 * The gatewayapi, nginx and alb routers against the emulator (no world running, so no controller writes status):
 * taking over objects without resetting in-flight weights, keeping and giving back the user's spec, and
 * reporting what is not applied yet.
 */
import { describe, expect, it } from 'vitest';
import type { Canary } from '../../shared/api/types.ts';
import type { KubeObject } from '../../shared/kube/types.ts';
import { ORIGINAL_CONFIGURATION_ANNOTATION, RouterError, createRouter, type RouterDeps } from '../../shared/routers/index.ts';
import type { KubeHarness } from '../kube/harness.ts';
import { routerDepsForFile } from './harness.ts';
import { canaryFor, deploymentFor } from '../workload/fixtures.ts';

let h: KubeHarness;
let deps: RouterDeps;
routerDepsForFile((harness, routerDeps) => {
  h = harness;
  deps = routerDeps;
});

const ref = (apiVersion: string, kind: string, name: string) => ({ apiVersion, kind, namespace: 'test', name });
const route = (name: string) => ref('gateway.networking.k8s.io/v1', 'HTTPRoute', name);
const ingress = (name: string) => ref('networking.k8s.io/v1', 'Ingress', name);
const get = async (r: ReturnType<typeof ref>) => (await h.kube.get<KubeObject>(r)) as KubeObject;
const userIngress = (name: string, backend: string, className: string): KubeObject => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name, namespace: 'test', annotations: { team: 'web' } },
  spec: { ingressClassName: className, rules: [{ host: `${name}.example.com`, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: backend, port: { number: 80 } } } }] } }] },
});

async function target(name: string, spec: Partial<Canary['spec']>): Promise<Canary> {
  await h.kube.create(deploymentFor(name));
  const canary = canaryFor(name, spec);
  await createRouter(canary.spec.provider, deps).initialize(canary);
  return canary;
}

describe('gatewayapi router', () => {
  const accept = async (name: string) => {
    const current = await get(route(name));
    await h.kube.replace({ ...current, status: { parents: [{ parentRef: { name: 'public', namespace: 'gateways' }, controllerName: 'example.com/gw', conditions: [{ type: 'Accepted', status: 'True', reason: 'Accepted', observedGeneration: current.metadata.generation }] }] } }, { subresource: 'status' });
  };

  it('reports a write as pending until its parents accept it, then reads the split', async () => {
    const canary = await target('gw', { provider: 'gatewayapi:v1', service: { port: 80, gatewayRefs: [{ name: 'public', namespace: 'gateways' }], apex: { labels: { tier: 'edge' }, annotations: { team: 'web' } } } });
    const router = createRouter('gatewayapi:v1', deps);
    expect(await router.reconcile(canary)).toEqual({ kind: 'pending', reason: 'HTTPRoute gw.test is not accepted yet by Gateway gateways/public: no status from its controller' });
    const made = await get(route('gw'));
    expect(made.metadata.labels).toEqual({ tier: 'edge' });
    expect(made.metadata.annotations).toMatchObject({ team: 'web', 'kustomize.toolkit.fluxcd.io/reconcile': 'disabled' });
    expect(made.metadata.ownerReferences).toMatchObject([{ kind: 'Canary', name: 'gw', controller: true }]);
    await accept('gw');
    expect(await router.getRoutes(canary)).toEqual({ ok: true, primary: 100, canary: 0, mirrored: false, matched: null });
    expect(await router.setRoutes(canary, { primary: 80, canary: 20, mirrored: false })).toMatchObject({ kind: 'pending', reason: expect.stringContaining('generation 2 is not accepted yet') });
    expect(await router.getRoutes(canary)).toEqual({
      ok: false,
      reason: 'HTTPRoute gw.test generation 2 is not accepted yet by Gateway gateways/public (observed generation 1); holding traffic until it is',
      written: { primary: 80, canary: 20, mirrored: false, matched: null },
    });
    await accept('gw');
    expect(await router.getRoutes(canary)).toMatchObject({ ok: true, primary: 80, canary: 20 });
  });

  it('takes over an existing HTTPRoute without resetting its weights, and gives its spec back on finalize', async () => {
    const canary = await target('taken', { provider: 'gatewayapi:v1beta1', service: { port: 80, gatewayRefs: [{ name: 'public', namespace: 'gateways' }], timeout: '9s' } });
    const backend = (name: string, weight: number) => ({ group: '', kind: 'Service', name, port: 80, weight });
    const original = { parentRefs: [{ name: 'old' }], rules: [{ backendRefs: [backend('taken-primary', 60), backend('taken-canary', 40)] }] };
    await h.kube.create({ apiVersion: 'gateway.networking.k8s.io/v1beta1', kind: 'HTTPRoute', metadata: { name: 'taken', namespace: 'test' }, spec: original });
    const router = createRouter('gatewayapi:v1beta1', deps);
    await router.reconcile(canary);
    const after = await get(route('taken'));
    expect(after['spec']).toMatchObject({ parentRefs: [{ name: 'public', namespace: 'gateways' }], rules: [{ backendRefs: [backend('taken-primary', 60), backend('taken-canary', 40)], timeouts: { request: '9s' } }] });
    expect(JSON.parse(after.metadata.annotations?.[ORIGINAL_CONFIGURATION_ANNOTATION] ?? '')).toEqual(original);
    await router.finalize(canary);
    expect((await get(route('taken')))['spec']).toEqual(original);
  });
});

describe('nginx router', () => {
  it('keeps the canary weight across reconciles and follows changes of the user’s Ingress', async () => {
    const canary = await target('web', { provider: 'nginx', ingressRef: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: 'web' }, service: { port: 80 } });
    await h.kube.create(userIngress('web', 'web', 'nginx'));
    const router = createRouter('nginx', deps);
    await router.reconcile(canary);
    await router.setRoutes(canary, { primary: 60, canary: 40, mirrored: false });
    const user = await get(ingress('web'));
    await h.kube.replace({ ...user, spec: { ...(user['spec'] as object), ingressClassName: 'nginx-internal' } });
    await router.reconcile(canary);
    expect(await router.getRoutes(canary)).toEqual({ ok: true, primary: 60, canary: 40, mirrored: false, matched: null });
    expect((await get(ingress('web-canary')))['spec']).toMatchObject({ ingressClassName: 'nginx-internal', rules: [{ http: { paths: [{ backend: { service: { name: 'web-canary' } } }] } }] });
    expect((await get(ingress('web'))).metadata.annotations).toEqual({ team: 'web' });
    await router.finalize(canary);
    expect(await h.kube.get(ingress('web-canary'))).toBeUndefined();
    expect(await h.kube.get(ingress('web'))).toBeDefined();
  });

  it('says which Ingress or backend is missing', async () => {
    const canary = await target('lost', { provider: 'nginx', ingressRef: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: 'nowhere' }, service: { port: 80 } });
    const router = createRouter('nginx', deps);
    await expect(router.reconcile(canary)).rejects.toThrow(new RouterError('Ingress nowhere.test not found (spec.ingressRef)'));
    await h.kube.create(userIngress('nowhere', 'something-else', 'nginx'));
    await expect(router.reconcile(canary)).rejects.toThrow('backend lost not found in Ingress nowhere.test');
  });
});

describe('alb router', () => {
  const ACTION = 'alb.ingress.kubernetes.io/actions.shop';

  it('waits for the load balancer, rewires backends a GitOps tool put back without moving traffic, and restores on finalize', async () => {
    const canary = await target('shop', { provider: 'alb', ingressRef: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: 'shop' }, service: { port: 80 } });
    const original = userIngress('shop', 'shop', 'alb');
    await h.kube.create(original);
    const router = createRouter('alb', deps);
    await router.reconcile(canary);
    await router.setRoutes(canary, { primary: 70, canary: 30, mirrored: false });
    expect(await router.getRoutes(canary)).toEqual({
      ok: false,
      reason: 'Ingress shop.test has no load balancer yet: the AWS Load Balancer Controller has not reconciled it',
      written: { primary: 70, canary: 30, mirrored: false, matched: null },
    });
    const provisioned = await get(ingress('shop'));
    await h.kube.replace({ ...provisioned, status: { loadBalancer: { ingress: [{ hostname: 'k8s-shop.elb.amazonaws.com' }] } } }, { subresource: 'status' });
    expect(await router.getRoutes(canary)).toMatchObject({ ok: true, primary: 70, canary: 30 });

    const rewired = await get(ingress('shop'));
    await h.kube.replace({ ...rewired, spec: original['spec'] });
    expect(await router.getRoutes(canary)).toEqual({ ok: false, reason: 'Ingress shop.test has no path forwarding through action shop (its backends were changed); reconcile rewires them' });
    await router.reconcile(canary);
    expect(await router.getRoutes(canary)).toMatchObject({ ok: true, primary: 70, canary: 30 });
    expect(JSON.parse((await get(ingress('shop'))).metadata.annotations?.[ACTION] ?? '')).toMatchObject({ forwardConfig: { targetGroups: [{ weight: 70 }, { weight: 30 }] } });

    await router.finalize(canary);
    const restored = await get(ingress('shop'));
    expect(restored['spec']).toEqual(original['spec']);
    expect(restored.metadata.annotations).toEqual({ team: 'web' });
  });
});
