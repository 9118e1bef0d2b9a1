/**
 * A Canary asking its provider for what the capability table says it cannot do is invalid, naming the
 * provider; the router registry reads the same table, so `explain` and the controller agree.
 */
import { describe, expect, it } from 'vitest';
import { formatIssue, parseCanary, PROVIDER_CAPABILITIES } from '../../shared/api/index.ts';
import { SUPPORTED_PROVIDERS, createRouter, RetiredProviderError } from '../../shared/routers/index.ts';
import type { RouterDeps } from '../../shared/routers/index.ts';
import { baseObject } from './samples.ts';

type Spec = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function canary(provider: string, patch: (spec: Spec) => void = () => {}): Record<string, unknown> {
  const object = baseObject('Canary') as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  Object.assign(object.spec, { provider, service: { port: 9898 } });
  patch(object.spec);
  return object;
}

const errorsOf = (object: unknown): string[] => {
  const result = parseCanary(object);
  return result.ok ? [] : result.errors.map(formatIssue);
};

const header = { headers: { 'x-canary': { exact: 'insider' } } };

describe('provider capabilities in validation', () => {
  it.each<{ name: string; provider: string; patch: (spec: Spec) => void; error: string }>([
    {
      name: 'App Mesh, retired, names its replacement',
      provider: 'appmesh',
      patch: () => {},
      error: 'spec.provider: "appmesh" is no longer supported: AWS App Mesh was discontinued on 2026-09-30; use "gatewayapi:v1" with the AWS Gateway API Controller for VPC Lattice',
    },
    {
      name: 'App Mesh v1beta2 too',
      provider: 'appmesh:v1beta2',
      patch: () => {},
      error: 'spec.provider: "appmesh:v1beta2" is no longer supported: AWS App Mesh was discontinued on 2026-09-30; use "gatewayapi:v1" with the AWS Gateway API Controller for VPC Lattice',
    },
    {
      name: 'A/B testing on linkerd',
      provider: 'linkerd',
      patch: (s) => Object.assign(s.analysis, { match: [header] }),
      error: 'spec.analysis.match[0].headers: provider "linkerd" cannot route on headers: it has no A/B testing',
    },
    {
      name: 'a query-parameter match on contour',
      provider: 'contour',
      patch: (s) => Object.assign(s.analysis, { match: [{ queryParams: { beta: { exact: 'on' } } }] }),
      error: 'spec.analysis.match[0].queryParams: provider "contour" cannot route on queryParams: it routes A/B tests on headers only',
    },
    {
      name: 'mirroring on traefik',
      provider: 'traefik',
      patch: (s) => Object.assign(s.analysis, { mirror: true }),
      error: 'spec.analysis.mirror: provider "traefik" cannot mirror traffic; remove mirror or use a provider that can (istio, gatewayapi:v1)',
    },
    {
      name: 'session affinity on gloo',
      provider: 'gloo',
      patch: (s) => Object.assign(s.analysis, { sessionAffinity: { cookieName: 'flagger-cookie' } }),
      error: 'spec.analysis.sessionAffinity: provider "gloo" has no session affinity; remove sessionAffinity or use a provider that has it (istio, gatewayapi:v1, alb)',
    },
    {
      name: 'apisix without routeRef',
      provider: 'apisix',
      patch: () => {},
      error: 'spec.routeRef: is required with the apisix provider: the ApisixRoute whose backend is the apex Service, e.g. {apiVersion: apisix.apache.org/v2, kind: ApisixRoute, name: podinfo}',
    },
    {
      name: 'skipper without ingressRef',
      provider: 'skipper',
      patch: () => {},
      error: 'spec.ingressRef: is required with the skipper provider: the Ingress whose backend is the apex Service, e.g. {apiVersion: networking.k8s.io/v1, kind: Ingress, name: podinfo}',
    },
    {
      name: 'A/B testing on an Istio TCP service',
      provider: 'istio',
      patch: (s) => Object.assign(s.service, { appProtocol: 'TCP' }) && Object.assign(s.analysis, { match: [header] }),
      error: 'spec.analysis.match: a TCP service (spec.service.appProtocol: tcp) is routed by weight only on provider "istio"; remove match',
    },
    {
      name: 'mirroring an Istio TCP service',
      provider: 'istio',
      patch: (s) => Object.assign(s.service, { appProtocol: 'tcp' }) && Object.assign(s.analysis, { mirror: true }),
      error: 'spec.analysis.mirror: a TCP service (spec.service.appProtocol: tcp) is routed by weight only on provider "istio"; remove mirror',
    },
  ])('rejects $name', ({ provider, patch, error }) => {
    expect(errorsOf(canary(provider, patch))).toContain(error);
  });

  it.each(['contour', 'gloo'])('accepts header A/B testing on %s', (provider) => {
    expect(errorsOf(canary(provider, (s) => Object.assign(s.analysis, { match: [header] })))).toEqual([]);
  });

  it('accepts everything on istio', () => {
    const spec = (s: Spec) => Object.assign(s.analysis, { match: [{ ...header, queryParams: { a: { exact: 'b' } }, sourceLabels: { app: 'x' } }], mirror: true, sessionAffinity: { cookieName: 'c' } });
    expect(errorsOf(canary('istio', spec))).toEqual([]);
  });

  const knative = (patch: (spec: Spec) => void = () => {}) =>
    canary('knative', (s) => {
      s.targetRef = { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'podinfo' };
      delete s.service;
      patch(s);
    });

  it('accepts a weighted canary of a Knative Service on knative, as Flagger\'s Knative tutorial has it', () => {
    expect(errorsOf(knative())).toEqual([]);
  });

  it.each<{ name: string; patch: (spec: Spec) => void; error: string }>([
    { name: 'A/B testing', patch: (s) => Object.assign(s.analysis, { match: [header] }), error: 'spec.analysis.match[0].headers: provider "knative" cannot route on headers: it has no A/B testing' },
    { name: 'mirroring', patch: (s) => Object.assign(s.analysis, { mirror: true }), error: 'spec.analysis.mirror: provider "knative" cannot mirror traffic; remove mirror or use a provider that can (istio, gatewayapi:v1)' },
    {
      name: 'session affinity',
      patch: (s) => Object.assign(s.analysis, { sessionAffinity: { cookieName: 'flagger-cookie' } }),
      error: 'spec.analysis.sessionAffinity: provider "knative" has no session affinity; remove sessionAffinity or use a provider that has it (istio, gatewayapi:v1, alb)',
    },
    { name: 'an autoscalerRef (Flagger: a Knative Service scales itself)', patch: (s) => (s.autoscalerRef = { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', name: 'podinfo' }), error: 'spec.autoscalerRef: a Knative Service scales its Revisions itself: remove autoscalerRef' },
  ])('rejects $name on knative, naming the provider', ({ patch, error }) => {
    expect(errorsOf(knative(patch))).toEqual([error]);
  });

  it('rejects the knative provider with a Deployment target, and a Knative Service target with another provider (Flagger\'s verifyKnativeCanary)', () => {
    expect(errorsOf(canary('knative'))).toEqual(['spec.targetRef: provider "knative" releases a Knative Service: set apiVersion serving.knative.dev/v1 and kind Service; got apps/v1 Deployment']);
    expect(errorsOf(knative((s) => (s.provider = 'istio')))).toEqual(['spec.provider: a Knative Service target (serving.knative.dev/v1 Service) is released with provider "knative" only; got "istio"']);
    expect(errorsOf(knative((s) => delete s.provider))).toEqual(['spec.provider: a Knative Service target (serving.knative.dev/v1 Service) is released with provider "knative" only; got "istio"']);
  });
});

describe('the router registry and the capability table', () => {
  const deps = { kube: {}, targetMetadata: () => Promise.reject(new Error('unused')) } as unknown as RouterDeps;

  it('has a router for exactly the providers the table calls supported', () => {
    const table = Object.entries(PROVIDER_CAPABILITIES).filter(([, caps]) => caps.supported).map(([name]) => name);
    expect([...SUPPORTED_PROVIDERS].sort()).toEqual(table.sort());
    for (const name of table.filter((n) => n !== 'alb')) {
      const provider = name === 'smi' ? 'smi:v1alpha2' : name === 'gatewayapi' ? 'gatewayapi:v1' : name;
      expect(createRouter(provider, deps).provider.split(':', 1)[0], provider).toBe(name);
    }
  });

  it('refuses App Mesh in the registry with the same words as validation', () => {
    expect(() => createRouter('appmesh', deps)).toThrow(RetiredProviderError);
    expect(() => createRouter('appmesh:v1beta2', deps)).toThrow('spec.provider: "appmesh:v1beta2": AWS App Mesh was discontinued on 2026-09-30; use "gatewayapi:v1" with the AWS Gateway API Controller for VPC Lattice');
  });
});
