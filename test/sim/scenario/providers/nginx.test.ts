/**
 * `examples/scenarios/nginx-*.yaml` and Flagger's NGINX tutorial (`examples/nginx/`): releases through
 * ingress-nginx played through the real controller against the emulator, asserting the canary Ingress read back
 * from the emulator and that the user's Ingress is never modified.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../../shared/kube/index.ts';
import { PROMOTED, ROLLED_BACK, V0, V1, messages, phases, play, scenarioFiles, tick } from './play.ts';

const ingress = (name: string) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', namespace: 'test', name });
const OBJECTS = { user: ingress('podinfo'), canary: ingress('podinfo-canary') };
const USER_SPEC = {
  ingressClassName: 'nginx',
  rules: [{ host: 'app.example.com', http: { paths: [{ pathType: 'Prefix', path: '/', backend: { service: { name: 'podinfo', port: { number: 80 } } } }] } }],
};
const CANARY_SPEC = {
  ingressClassName: 'nginx',
  rules: [{ host: 'app.example.com', http: { paths: [{ pathType: 'Prefix', path: '/', backend: { service: { name: 'podinfo-canary', port: { number: 80 } } } }] } }],
};
const KEPT = { 'nginx.ingress.kubernetes.io/proxy-body-size': '8m' };
const annotationsOf = (o: KubeObject | undefined) => o?.metadata.annotations;

/** The user's Ingress as the scenario created it: the same spec and annotations, generation 1. */
function untouched(user: KubeObject | undefined): void {
  expect(user?.['spec']).toEqual(USER_SPEC);
  expect(user?.metadata.annotations).toEqual(KEPT);
  expect(user?.metadata.generation).toBe(1);
}

const PLAYED = new Set<string>();
const played = (name: string) => {
  PLAYED.add(name);
  return name;
};

describe('NGINX scenarios', () => {
  it('promotes a weighted canary by the canary Ingress’s canary-weight, the user’s Ingress untouched', async () => {
    const mid = await play(played('nginx-canary'), OBJECTS, { maxTicks: 6 });
    expect(tick(mid.lines, 6).routes).toEqual({ primary: 70, canary: 30, mirrored: false, matched: null });
    const canaryIngress = mid.objects['canary'] as KubeObject;
    expect(canaryIngress['spec']).toEqual(CANARY_SPEC);
    expect(canaryIngress.metadata.labels).toEqual({ app: 'podinfo' });
    expect(annotationsOf(canaryIngress)).toEqual({ ...KEPT, 'nginx.ingress.kubernetes.io/canary': 'true', 'nginx.ingress.kubernetes.io/canary-weight': '30' });
    expect(canaryIngress.metadata.ownerReferences).toMatchObject([{ kind: 'Canary', name: 'podinfo', controller: true }]);
    untouched(mid.objects['user']);

    const whole = await play('nginx-canary', OBJECTS);
    expect(phases(whole.lines)).toEqual(PROMOTED);
    expect(whole.summary).toEqual({ ticks: 11, phase: 'Succeeded', canaryWeights: [10, 20, 30, 40, 50], primaryImage: V1 });
    expect(annotationsOf(whole.objects['canary'])).toEqual({ ...KEPT, 'nginx.ingress.kubernetes.io/canary': 'true', 'nginx.ingress.kubernetes.io/canary-weight': '0' });
    untouched(whole.objects['user']);
  });

  it('rolls a failing release back to canary-weight 0', async () => {
    const run = await play(played('nginx-rollback'), OBJECTS);
    expect(phases(run.lines)).toEqual(ROLLED_BACK);
    // The rollback's tick, then the one that scales the canary down once the routes read back all-primary.
    expect(run.summary).toEqual({ ticks: 7, phase: 'Failed', canaryWeights: [10], primaryImage: V0 });
    expect(messages(run.lines)).toContain('Rolling back podinfo.test failed checks threshold reached 2');
    expect(annotationsOf(run.objects['canary'])?.['nginx.ingress.kubernetes.io/canary-weight']).toBe('0');
    expect(tick(run.lines, 6).routes).toEqual({ primary: 100, canary: 0, mirrored: false, matched: null });
    untouched(run.objects['user']);
  });

  it('routes by header value and cookie during A/B testing, and drops them after the promotion', async () => {
    const mid = await play(played('nginx-ab-testing'), OBJECTS, { maxTicks: 5 });
    expect(tick(mid.lines, 5).routes).toEqual({ primary: 100, canary: 0, mirrored: false, matched: { primary: 0, canary: 100 } });
    expect(annotationsOf(mid.objects['canary'])).toEqual({
      ...KEPT,
      'nginx.ingress.kubernetes.io/canary': 'true',
      'nginx.ingress.kubernetes.io/canary-weight': '0',
      'nginx.ingress.kubernetes.io/canary-by-header': 'x-canary',
      'nginx.ingress.kubernetes.io/canary-by-header-value': 'insider',
      'nginx.ingress.kubernetes.io/canary-by-cookie': 'canary',
    });

    const whole = await play('nginx-ab-testing', OBJECTS);
    expect(phases(whole.lines)).toEqual(PROMOTED);
    expect(messages(whole.lines)).toContain('Advance podinfo.test canary iteration 3/3');
    expect(annotationsOf(whole.objects['canary'])).toEqual({ ...KEPT, 'nginx.ingress.kubernetes.io/canary': 'true', 'nginx.ingress.kubernetes.io/canary-weight': '0' });
    untouched(whole.objects['user']);
  });

  it('routes by header pattern during A/B testing', async () => {
    const mid = await play(played('nginx-ab-header-pattern'), OBJECTS, { maxTicks: 4 });
    expect(annotationsOf(mid.objects['canary'])).toMatchObject({
      'nginx.ingress.kubernetes.io/canary-by-header': 'user-agent',
      'nginx.ingress.kubernetes.io/canary-by-header-pattern': '.*Firefox.*',
    });
    expect(annotationsOf(mid.objects['canary'])?.['nginx.ingress.kubernetes.io/canary-by-header-value']).toBeUndefined();
    const whole = await play('nginx-ab-header-pattern');
    expect(phases(whole.lines)).toEqual(PROMOTED);
  });

  it('plays every nginx scenario file', () => {
    expect(scenarioFiles('nginx')).toEqual([...PLAYED].sort());
  });
});

describe("Flagger's NGINX tutorial (examples/nginx)", () => {
  const DIR = new URL('../../../../examples/nginx/', import.meta.url);
  const MANIFESTS = ['deployment.yaml', 'hpa.yaml', 'ingress.yaml', 'metric-template.yaml', 'canary.yaml'];
  /** The tutorial's manifests and one of its Scenarios as one file. */
  const tutorial = (scenario: string): string =>
    [...MANIFESTS.map((f) => readFileSync(new URL(f, DIR), 'utf8')), readFileSync(new URL(`scenarios/${scenario}`, DIR), 'utf8')].join('\n---\n');

  it('promotes the good release 5% at a time', async () => {
    const run = await play('nginx-good-release', { canary: ingress('podinfo-canary'), user: ingress('podinfo') }, { text: tutorial('good-release.yaml') });
    expect(phases(run.lines)).toEqual(PROMOTED);
    expect(run.summary).toEqual({ ticks: 16, phase: 'Succeeded', canaryWeights: [5, 10, 15, 20, 25, 30, 35, 40, 45, 50], primaryImage: 'ghcr.io/stefanprodan/podinfo:6.7.2' });
    expect(tick(run.lines, 4).webhooks.map((w) => `${w.type}:${w.name}:${w.result}`)).toEqual(['pre-rollout:acceptance-test:pass']);
    expect(tick(run.lines, 5).webhooks.map((w) => `${w.type}:${w.name}:${w.result}`)).toEqual(['rollout:load-test:pass']);
    expect(tick(run.lines, 4).primary?.replicas).toBe(2);
    expect(run.objects['user']?.metadata.generation).toBe(1);
    expect(run.objects['canary']?.metadata.annotations).toMatchObject({ 'nginx.ingress.kubernetes.io/canary-weight': '0' });
  });

  it('halts on the custom latency template when the P99 is above half a second', async () => {
    const slow = tutorial('good-release.yaml').replace('latency: [0.045]', 'latency: [0.9]');
    const run = await play('nginx-slow-release', {}, { text: slow, maxTicks: 6 });
    expect(tick(run.lines, 5)).toMatchObject({ phase: 'Progressing', canaryWeight: 5, failedChecks: 1 });
    expect(tick(run.lines, 5).events.map((e) => e.message)).toEqual([expect.stringMatching(/^Halt podinfo\.test advancement latency 0\.9\d* > 0\.5$/)]);
  });

  it('rolls the failing release back after ten failed checks', async () => {
    const run = await play('nginx-bad-release', {}, { text: tutorial('bad-release.yaml') });
    expect(phases(run.lines)).toEqual(ROLLED_BACK);
    // The rollback's tick, then the one that scales the canary down once the routes read back all-primary.
    expect(run.summary).toEqual({ ticks: 15, phase: 'Failed', canaryWeights: [5], primaryImage: 'ghcr.io/stefanprodan/podinfo:6.7.1' });
    expect(messages(run.lines)).toEqual(expect.arrayContaining(['Halt podinfo.test advancement success rate 90.00% < 99%', 'Rolling back podinfo.test failed checks threshold reached 10']));
  });
});
