/**
 * One validation for `explain`, `simulate` and the controller: Kubernetes name rules on every name and
 * reference, the provider's capabilities from PROVIDER_CAPABILITIES, and durations and ports whose errors say
 * what to write instead.
 */
import { describe, expect, it } from 'vitest';
import { PROVIDER_CAPABILITIES, formatIssue, parseFlaggerObject, supportedProviders, type ProviderCapabilities, type ProviderName } from '../../shared/api/index.ts';
import { baseObject } from './samples.ts';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Patch = (object: Obj) => void;

function parsed(kind: string, patch: Patch) {
  const object = baseObject(kind) as Obj;
  if (kind === 'Canary') object.spec.provider = 'istio';
  patch(object);
  const result = parseFlaggerObject(object);
  return { errors: result.ok ? [] : result.errors.map(formatIssue), warnings: result.warnings.map(formatIssue) };
}
const canaryErrors = (patch: Patch) => parsed('Canary', patch).errors;

const long = (n: number, letter = 'a') => letter.repeat(n);
const SUBDOMAIN = "must be an RFC 1123 subdomain: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit";
const LABEL = "must be an RFC 1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit";
const SERVICE = "must be an RFC 1035 label: lowercase letters, digits and '-', starting with a letter and ending with a letter or digit";

describe('Kubernetes name rules', () => {
  it.each<{ name: string; kind?: string; patch: Patch; error: string }>([
    { name: 'a path as the name', patch: (o) => (o.metadata.name = '../../etc/passwd'), error: `metadata.name: ${SUBDOMAIN}; got "../../etc/passwd"; for example "etc-passwd"` },
    { name: 'a 300-character name', patch: (o) => (o.metadata.name = long(300)), error: 'metadata.name: must have at most 253 characters; got 300 characters; for example "' + long(253) + '"' },
    { name: 'an emoji name', patch: (o) => (o.metadata.name = '🙂'), error: `metadata.name: ${SUBDOMAIN}; got "🙂"` },
    { name: 'a namespace with capitals and underscores', patch: (o) => (o.metadata.namespace = 'Bad_NS'), error: `metadata.namespace: ${LABEL}; got "Bad_NS"; for example "bad-ns"` },
    { name: 'a dotted namespace', patch: (o) => (o.metadata.namespace = 'team.a'), error: `metadata.namespace: ${LABEL}; got "team.a"; for example "team-a"` },
    { name: 'a MetricTemplate name', kind: 'MetricTemplate', patch: (o) => (o.metadata.name = 'Error Rate'), error: `metadata.name: ${SUBDOMAIN}; got "Error Rate"; for example "error-rate"` },
    { name: 'an AlertProvider name', kind: 'AlertProvider', patch: (o) => (o.metadata.name = 'on_call'), error: `metadata.name: ${SUBDOMAIN}; got "on_call"; for example "on-call"` },
    {
      name: 'a MetricTemplate secretRef',
      kind: 'MetricTemplate',
      patch: (o) => (o.spec.provider.secretRef = { name: 'Creds' }),
      error: `spec.provider.secretRef.name: ${SUBDOMAIN}; got "Creds"; for example "creds"`,
    },
    { name: 'an AlertProvider secretRef', kind: 'AlertProvider', patch: (o) => ((o.spec.secretRef = { name: 'x/y' }), delete o.spec.address), error: `spec.secretRef.name: ${SUBDOMAIN}; got "x/y"; for example "x-y"` },
  ])('refuses $name', ({ kind = 'Canary', patch, error }) => {
    expect(parsed(kind, patch).errors).toContain(error);
  });

  it.each<{ name: string; patch: Patch; error: string }>([
    { name: 'a target name with capitals', patch: (o) => (o.spec.targetRef.name = 'PodInfo'), error: `spec.targetRef.name: ${SUBDOMAIN}; got "PodInfo"; for example "podinfo"` },
    {
      name: 'a target name with no room for -primary',
      patch: (o) => (o.spec.targetRef.name = long(250)),
      error: `spec.targetRef.name: must have at most 245 characters so that ${long(250)}-primary fits in 253; got 250 characters; for example "${long(245)}"`,
    },
    {
      name: 'a dotted target name, which cannot name the Services',
      patch: (o) => (o.spec.targetRef.name = 'pod.info'),
      error: `spec.targetRef.name: names the Services: ${SERVICE}; got "pod.info"; for example "pod-info"`,
    },
    {
      name: 'a target name too long for the Service podinfo-primary',
      patch: (o) => (o.spec.targetRef.name = long(60)),
      error: `spec.targetRef.name: names the Services: must have at most 55 characters so that the Service ${long(60)}-primary fits in 63; got 60 characters; for example "${long(55)}"`,
    },
    { name: 'a Service target starting with a digit', patch: (o) => (o.spec.targetRef = { apiVersion: 'v1', kind: 'Service', name: '1api' }), error: `spec.targetRef.name: ${SERVICE}; got "1api"; for example "api"` },
    { name: 'a service name', patch: (o) => (o.spec.service = { port: 80, name: 'Web' }), error: `spec.service.name: names the Services: ${SERVICE}; got "Web"; for example "web"` },
    {
      name: 'an autoscalerRef name',
      patch: (o) => (o.spec.autoscalerRef = { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', name: 'HPA' }),
      error: `spec.autoscalerRef.name: ${SUBDOMAIN}; got "HPA"; for example "hpa"`,
    },
    {
      name: 'an ingressRef name',
      patch: (o) => (o.spec.ingressRef = { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: '../ingress' }),
      error: `spec.ingressRef.name: ${SUBDOMAIN}; got "../ingress"; for example "ingress"`,
    },
    { name: 'a routeRef name', patch: (o) => (o.spec.routeRef = { apiVersion: 'apisix.apache.org/v2', kind: 'ApisixRoute', name: 'R_1' }), error: `spec.routeRef.name: ${SUBDOMAIN}; got "R_1"; for example "r-1"` },
    {
      name: 'an upstreamRef namespace',
      patch: (o) => (o.spec.upstreamRef = { apiVersion: 'gloo.solo.io/v1', kind: 'Upstream', name: 'up', namespace: 'Gloo System' }),
      error: `spec.upstreamRef.namespace: ${LABEL}; got "Gloo System"; for example "gloo-system"`,
    },
    { name: 'a gatewayRefs name', patch: (o) => (o.spec.service = { port: 80, gatewayRefs: [{ name: 'Public GW' }] }), error: `spec.service.gatewayRefs[0].name: ${SUBDOMAIN}; got "Public GW"; for example "public-gw"` },
    {
      name: 'a templateRef name and namespace',
      patch: (o) => (o.spec.analysis.metrics = [{ name: 'errors', templateRef: { name: 'A_B', namespace: 'x/y' }, thresholdRange: { max: 1 } }]),
      error: `spec.analysis.metrics[0].templateRef.name: ${SUBDOMAIN}; got "A_B"; for example "a-b"`,
    },
    {
      name: 'an alert providerRef',
      patch: (o) => (o.spec.analysis.alerts = [{ name: 'on-call', providerRef: { name: 'Slack!' } }]),
      error: `spec.analysis.alerts[0].providerRef.name: ${SUBDOMAIN}; got "Slack!"; for example "slack"`,
    },
  ])('refuses $name in a Canary', ({ patch, error }) => {
    expect(canaryErrors(patch)).toContain(error);
  });

  it('accepts the names Kubernetes accepts', () => {
    expect(
      canaryErrors((o) => {
        o.metadata = { name: 'web.v2-canary', namespace: 'team-a' };
        o.spec.targetRef.name = long(55);
        o.spec.autoscalerRef = { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', name: 'web.hpa' };
        o.spec.analysis.metrics = [{ name: 'errors', templateRef: { name: 'error-rate', namespace: 'flagger-system' }, thresholdRange: { max: 1 } }];
      }),
    ).toEqual([]);
  });
});

describe('the provider, from PROVIDER_CAPABILITIES', () => {
  const names = Object.keys(PROVIDER_CAPABILITIES) as ProviderName[];
  const capsOf = (name: ProviderName): ProviderCapabilities => PROVIDER_CAPABILITIES[name];

  it('supports every provider but the retired ones, which say why', () => {
    for (const name of names) expect(capsOf(name).supported || capsOf(name).retired !== undefined, name).toBe(true);
    expect(supportedProviders()).toContain('knative');
  });

  it('refuses a retired provider, naming its replacement', () => {
    expect(canaryErrors((o) => (o.spec.provider = 'appmesh'))).toEqual([
      'spec.provider: "appmesh" is no longer supported: AWS App Mesh was discontinued on 2026-09-30; use "gatewayapi:v1" with the AWS Gateway API Controller for VPC Lattice',
    ]);
  });

  it('refuses A/B match fields the provider cannot route, naming it', () => {
    const errors = canaryErrors((o) => {
      o.spec.provider = 'nginx';
      o.spec.analysis = { interval: '1m', threshold: 5, iterations: 10, match: [{ headers: { x: { exact: '1' } }, queryParams: { beta: { exact: 'on' } } }] };
    });
    expect(errors).toContain('spec.analysis.match[0].queryParams: provider "nginx" cannot route on queryParams: it routes A/B tests on headers only');
    expect(errors.filter((e) => e.includes('match[0].headers'))).toEqual([]);
  });

  it('refuses A/B testing on a provider without any match', () => {
    expect(
      canaryErrors((o) => {
        o.spec.provider = 'linkerd';
        o.spec.analysis = { interval: '1m', threshold: 5, iterations: 10, match: [{ headers: { x: { exact: '1' } } }] };
      }),
    ).toContain('spec.analysis.match[0].headers: provider "linkerd" cannot route on headers: it has no A/B testing');
  });

  it('refuses mirroring and session affinity on a provider without them, naming it', () => {
    const errors = canaryErrors((o) => {
      o.spec.provider = 'contour';
      o.spec.analysis.mirror = true;
      o.spec.analysis.sessionAffinity = { cookieName: 'flagger-cookie' };
    });
    expect(errors).toContain('spec.analysis.mirror: provider "contour" cannot mirror traffic; remove mirror or use a provider that can (istio, gatewayapi:v1)');
    expect(errors).toContain('spec.analysis.sessionAffinity: provider "contour" has no session affinity; remove sessionAffinity or use a provider that has it (istio, gatewayapi:v1, alb)');
  });

  it('keeps warnings, not errors, for the kubernetes provider, which Flagger documents as ignoring them', () => {
    const result = parsed('Canary', (o) => {
      o.spec.provider = 'kubernetes';
      o.spec.analysis = { interval: '1m', threshold: 5, iterations: 3, mirror: true, match: [{ headers: { x: { exact: '1' } } }] };
    });
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual(
      expect.arrayContaining(['spec.analysis.match: A/B testing is not supported by the kubernetes provider; ignored', 'spec.analysis.mirror: the kubernetes provider cannot mirror traffic; ignored']),
    );
  });

  it('accepts what istio can do', () => {
    expect(
      canaryErrors((o) => {
        o.spec.analysis = { interval: '1m', threshold: 5, iterations: 10, mirror: true, match: [{ headers: { x: { exact: '1' } }, queryParams: { b: { exact: '1' } }, sourceLabels: { app: 'a' } }] };
      }),
    ).toEqual([]);
  });
});

describe('durations and ports say what to write', () => {
  it.each([
    ['1h30m', 'write "90m"'],
    ['1h', 'write "60m"'],
    ['1.5m', 'write "90s"'],
    ['90', 'add the unit, e.g. "90s"'],
    ['2h', 'write "120m"'],
  ])('interval %s: one unit, and the same length written that way', (interval, fix) => {
    expect(canaryErrors((o) => (o.spec.analysis.interval = interval))).toEqual([
      `spec.analysis.interval: must be a whole number of seconds or minutes (one unit, as the Flagger CRD requires), such as 30s or 5m; got "${interval}": ${fix}`,
    ]);
  });

  it('warns that 10s10h is read as 10h10s (Go adds the parts), rather than accepting it silently', () => {
    const result = parsed('Canary', (o) => (o.spec.analysis.interval = '10s10h'));
    expect(result.errors).toEqual([]);
    expect(result.warnings).toContain('spec.analysis.interval: is read as 10h10s: Go adds up the parts when units repeat or are out of order; write it as 10h10s if that is meant; got "10s10h"');
  });

  it('does not warn about a duration in the usual order', () => {
    expect(parsed('Canary', (o) => (o.spec.analysis.interval = '1m30s')).warnings.filter((w) => w.includes('interval'))).toEqual([]);
  });

  it('reports a mapping given as targetPort as a type error, not as a required empty key', () => {
    expect(canaryErrors((o) => (o.spec.service = { port: 80, targetPort: { a: 1 } }))).toEqual(['spec.service.targetPort: expected an integer or a string, got {"a":1}']);
  });
});
