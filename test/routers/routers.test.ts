import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Canary, CanaryService } from '../../shared/api/types.ts';
import type { KubeObject } from '../../shared/kube/types.ts';
import {
  ISTIO_API_VERSION,
  ORIGINAL_CONFIGURATION_ANNOTATION,
  RetiredProviderError,
  UnknownProviderError,
  createRouter,
  parseProvider,
  type Router,
  type RouterDeps,
} from '../../shared/routers/index.ts';
import type { KubeHarness } from '../kube/harness.ts';
import { routerDepsForFile } from './harness.ts';
import { REFUSED_PROVIDER, refusalReason } from './refused.ts';
import { canaryFor, deploymentFor } from '../workload/fixtures.ts';

let h: KubeHarness;
let deps: RouterDeps;
routerDepsForFile((harness, routerDeps) => {
  h = harness;
  deps = routerDeps;
});
beforeEach(() => h.counter.reset());

const svc = (name: string) => ({ apiVersion: 'v1', kind: 'Service', namespace: 'test', name });
const vs = (name: string) => ({ apiVersion: ISTIO_API_VERSION, kind: 'VirtualService', namespace: 'test', name });
const getSpec = async (ref: { apiVersion: string; kind: string; namespace: string; name: string }) => ((await h.kube.get<KubeObject>(ref)) as KubeObject)['spec'] as Record<string, unknown>;

async function canaryWithTarget(name: string, provider: 'kubernetes' | 'istio', service: Partial<CanaryService> = {}, analysis: Canary['spec']['analysis'] = { interval: '1m' }): Promise<Canary> {
  await h.kube.create(deploymentFor(name, { spec: { containers: [{ name: 'podinfod', image: 'podinfo:1', ports: [{ name: 'http', containerPort: 9898 }, { name: 'grpc', containerPort: 9999 }] }] } }));
  return canaryFor(name, { provider, service: { port: 9898, ...service }, analysis });
}

describe('kubernetes router', () => {
  let canary: Canary;
  let router: Router;
  beforeAll(async () => {
    canary = await canaryWithTarget('l4', 'kubernetes', { portDiscovery: true, appProtocol: 'http', targetPort: 'http', canary: { labels: { tier: 'canary' } } });
    router = createRouter('kubernetes', deps);
  });

  it('creates the primary and canary Services with Flagger’s selectors, ports and labels', async () => {
    await router.initialize(canary);
    expect(await getSpec(svc('l4-canary'))).toMatchObject({
      type: 'ClusterIP',
      selector: { app: 'l4' },
      ports: [
        { name: 'http', protocol: 'TCP', port: 9898, targetPort: 'http', appProtocol: 'http' },
        { name: 'grpc', protocol: 'TCP', port: 9999, targetPort: 9999 },
      ],
    });
    expect((await getSpec(svc('l4-primary')))['selector']).toEqual({ app: 'l4-primary' });
    const made = (await h.kube.get<KubeObject>(svc('l4-canary'))) as KubeObject;
    expect(made.metadata.labels).toEqual({ tier: 'canary', app: 'l4-canary' });
    expect(made.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Canary', name: 'l4', controller: true });
  });

  it('points the apex at the primary and reads 100/0 back', async () => {
    await router.reconcile(canary);
    expect((await getSpec(svc('l4')))['selector']).toEqual({ app: 'l4-primary' });
    expect(await router.getRoutes(canary)).toEqual({ ok: true, primary: 100, canary: 0, mirrored: false, matched: null });
  });

  it('moves the apex to the canary only for a 0/100 split, and reconcile keeps it there', async () => {
    await router.setRoutes(canary, { primary: 50, canary: 50, mirrored: false });
    expect(await router.getRoutes(canary)).toMatchObject({ primary: 100, canary: 0 });
    await router.setRoutes(canary, { primary: 0, canary: 100, mirrored: false });
    expect((await getSpec(svc('l4')))['selector']).toEqual({ app: 'l4' });
    await router.reconcile(canary);
    expect(await router.getRoutes(canary)).toMatchObject({ primary: 0, canary: 100 });
    await router.setRoutes(canary, { primary: 100, canary: 0, mirrored: false });
    expect(await router.getRoutes(canary)).toMatchObject({ primary: 100, canary: 0 });
  });

  it('writes nothing when the Services are already as wanted', async () => {
    await router.initialize(canary);
    await router.reconcile(canary);
    expect(h.counter.counts()).toMatchObject({ create: 0, replace: 0, patch: 0 });
  });

  it('takes over an existing apex Service and gives it back on finalize', async () => {
    const owned = await canaryWithTarget('taken', 'kubernetes');
    await h.kube.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'taken', namespace: 'test' }, spec: { selector: { app: 'taken' }, ports: [{ name: 'http', port: 9898 }] } });
    await router.reconcile(owned);
    expect((await getSpec(svc('taken')))['selector']).toEqual({ app: 'taken-primary' });
    await router.finalize(owned);
    expect((await getSpec(svc('taken')))['selector']).toEqual({ app: 'taken' });
  });

  it('keeps a taken-over apex on the canary across reconciles once traffic was switched to it', async () => {
    const owned = await canaryWithTarget('switched', 'kubernetes');
    await h.kube.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'switched', namespace: 'test' }, spec: { selector: { app: 'switched' }, ports: [{ name: 'http', port: 9898 }] } });
    await router.reconcile(owned);
    await router.setRoutes(owned, { primary: 0, canary: 100, mirrored: false });
    await router.reconcile(owned);
    expect(await router.getRoutes(owned)).toMatchObject({ primary: 0, canary: 100 });
    await router.setRoutes(owned, { primary: 100, canary: 0, mirrored: false });
    await router.reconcile(owned);
    expect(await router.getRoutes(owned)).toMatchObject({ primary: 100, canary: 0 });
    expect(((await h.kube.get<KubeObject>(svc('switched'))) as KubeObject).metadata.annotations?.['fledge.dev/apex-on-canary']).toBeUndefined();
  });

  it('reports a missing apex instead of guessing', async () => {
    expect(await router.getRoutes(await canaryWithTarget('noapex', 'kubernetes'))).toEqual({ ok: false, reason: 'Service noapex.test not found' });
  });
});

describe('istio router', () => {
  let canary: Canary;
  let router: Router;
  beforeAll(async () => {
    canary = await canaryWithTarget('mesh', 'istio', { gateways: ['public-gateway'], hosts: ['app.example.com'], trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } });
    router = createRouter('istio', deps);
    await router.initialize(canary);
  });

  it('creates the DestinationRules and a VirtualService with everything on the primary', async () => {
    await router.reconcile(canary);
    expect(await getSpec({ apiVersion: ISTIO_API_VERSION, kind: 'DestinationRule', namespace: 'test', name: 'mesh-canary' })).toEqual({ host: 'mesh-canary', trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } });
    const spec = await getSpec(vs('mesh'));
    expect(spec).toMatchObject({ hosts: ['app.example.com', 'mesh'], gateways: ['public-gateway'] });
    expect(await router.getRoutes(canary)).toEqual({ ok: true, primary: 100, canary: 0, mirrored: false, matched: null });
    const made = (await h.kube.get<KubeObject>(vs('mesh'))) as KubeObject;
    expect(made.metadata.annotations).toMatchObject({ 'kustomize.toolkit.fluxcd.io/reconcile': 'disabled' });
  });

  it('reads back the split it writes, with one read and one write', async () => {
    h.counter.reset();
    expect(await router.setRoutes(canary, { primary: 70, canary: 30, mirrored: false })).toEqual({ kind: 'applied' });
    expect(h.counter.counts()).toMatchObject({ get: 1, replace: 1 });
    h.counter.reset();
    expect(await router.getRoutes(canary)).toEqual({ ok: true, primary: 70, canary: 30, mirrored: false, matched: null });
    expect(h.counter.total).toBe(1);
  });

  it('does not write again when the split is already there', async () => {
    h.counter.reset();
    await router.setRoutes(canary, { primary: 70, canary: 30, mirrored: false });
    expect(h.counter.counts()).toMatchObject({ get: 1, replace: 0 });
  });

  it('never resets weights on reconcile, while bringing other fields in line', async () => {
    const changed: Canary = { ...canary, spec: { ...canary.spec, service: { ...canary.spec.service!, timeout: '7s' } } };
    await router.reconcile(changed);
    expect(await router.getRoutes(changed)).toMatchObject({ primary: 70, canary: 30 });
    expect(((await getSpec(vs('mesh')))['http'] as Array<{ timeout?: string }>)[0]?.timeout).toBe('7s');
  });

  it('mirrors and switches to an A/B match route on request', async () => {
    await router.setRoutes(canary, { primary: 100, canary: 0, mirrored: true, mirrorWeight: 40 });
    expect(await router.getRoutes(canary)).toEqual({ ok: true, primary: 100, canary: 0, mirrored: true, matched: null });
    await router.setRoutes(canary, { primary: 0, canary: 100, mirrored: false, match: [{ headers: { 'x-canary': { exact: 'insider' } } }] });
    expect(await router.getRoutes(canary)).toEqual({ ok: true, primary: 100, canary: 0, mirrored: false, matched: { primary: 0, canary: 100 } });
    await router.setRoutes(canary, { primary: 100, canary: 0, mirrored: false });
    expect(await router.getRoutes(canary)).toEqual({ ok: true, primary: 100, canary: 0, mirrored: false, matched: null });
  });

  it('keeps all traffic on the canary across reconciles of an A/B Canary, adding the match route only with the split back on the primary', async () => {
    const match = [{ headers: { 'x-canary': { exact: 'insider' } } }];
    const ab = await canaryWithTarget('abtest', 'istio', {}, { interval: '1m', match });
    await router.initialize(ab);
    await router.reconcile(ab);
    await router.setRoutes(ab, { primary: 0, canary: 100, mirrored: false });

    await router.reconcile(ab);

    expect(await router.getRoutes(ab)).toEqual({ ok: true, primary: 0, canary: 100, mirrored: false, matched: null });
    await router.setRoutes(ab, { primary: 100, canary: 0, mirrored: false });
    await router.reconcile(ab);
    expect(await router.getRoutes(ab)).toEqual({ ok: true, primary: 100, canary: 0, mirrored: false, matched: { primary: 100, canary: 0 } });
  });

  it('hands out stable session cookies for a run and expires them after', async () => {
    const sticky = await canaryWithTarget('sticky', 'istio', {}, { interval: '1m', sessionAffinity: { cookieName: 'flagger-cookie', primaryCookieName: 'primary-cookie' } });
    await router.initialize(sticky);
    await router.reconcile(sticky);
    const first = await router.setRoutes(sticky, { primary: 90, canary: 10, mirrored: false });
    expect(first.session?.canary).toMatch(/^flagger-cookie=[A-Za-z]{10}$/);
    expect(first.session?.primary).toMatch(/^primary-cookie=[A-Za-z]{10}$/);
    const second = await router.setRoutes(sticky, { primary: 80, canary: 20, mirrored: false });
    expect(second.session).toEqual(first.session);
    expect(await router.getRoutes(sticky)).toMatchObject({ primary: 80, canary: 20, session: first.session });
    const done = await router.setRoutes(sticky, { primary: 100, canary: 0, mirrored: false });
    expect(done.session).toEqual({ previous: first.session?.canary });
    const http = (await getSpec(vs('sticky')))['http'] as Array<{ name?: string; headers?: unknown }>;
    expect(http[0]).toMatchObject({ name: 'sticky-route', headers: { response: { add: { 'Set-Cookie': `${first.session?.canary}; Max-Age=-1` } } } });
    const next = await router.setRoutes(sticky, { primary: 90, canary: 10, mirrored: false });
    expect(next.session?.canary).not.toBe(first.session?.canary);
  });

  it('takes over an existing VirtualService and restores it on finalize', async () => {
    const taken = await canaryWithTarget('legacy', 'istio');
    const original = { hosts: ['legacy'], http: [{ route: [{ destination: { host: 'legacy' } }] }] };
    await h.kube.create({ apiVersion: ISTIO_API_VERSION, kind: 'VirtualService', metadata: { name: 'legacy', namespace: 'test' }, spec: original });
    await router.initialize(taken);
    await router.reconcile(taken);
    const takenOver = (await h.kube.get<KubeObject>(vs('legacy'))) as KubeObject;
    expect(JSON.parse(takenOver.metadata.annotations?.[ORIGINAL_CONFIGURATION_ANNOTATION] ?? '{}')).toEqual(original);
    expect(await router.getRoutes(taken)).toMatchObject({ ok: true, primary: 100, canary: 0 });
    await router.finalize(taken);
    expect(await getSpec(vs('legacy'))).toEqual(original);
  });

  it('reports a missing VirtualService', async () => {
    expect(await router.getRoutes(await canaryWithTarget('novs', 'istio'))).toEqual({ ok: false, reason: 'VirtualService novs.test not found' });
  });
});

describe('provider factory', () => {
  it.each([
    [undefined, { name: 'istio' }],
    ['kubernetes', { name: 'kubernetes' }],
    ['gatewayapi:v1', { name: 'gatewayapi', version: 'v1' }],
    ['smi:v1alpha3', { name: 'smi', version: 'v1alpha3' }],
  ])('parses %s', (provider, expected) => {
    expect(parseProvider(provider)).toEqual(expected);
  });

  it('rejects an unknown provider naming the known ones', () => {
    expect(() => createRouter('envoy', deps)).toThrow(UnknownProviderError);
    expect(() => createRouter('envoy', deps)).toThrow(/^spec\.provider: expected one of alb, apisix, appmesh, .*, traefik, got "envoy"$/);
  });

  it('says plainly why it refuses a Flagger provider', () => {
    expect(() => createRouter(REFUSED_PROVIDER, deps)).toThrow(RetiredProviderError);
    expect(() => createRouter(REFUSED_PROVIDER, deps)).toThrow(`spec.provider: "${REFUSED_PROVIDER}": ${refusalReason(REFUSED_PROVIDER)}`);
  });

  it('builds the implemented routers', () => {
    expect(createRouter('kubernetes', deps).provider).toBe('kubernetes');
    expect(createRouter('istio', deps).provider).toBe('istio');
  });
});
