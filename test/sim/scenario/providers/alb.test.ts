/**
 * `examples/scenarios/alb-*.yaml`: releases on ALB weighted target groups played through the real controller
 * against the emulator and its emulated AWS Load Balancer Controller, asserting the user's Ingress (rewired to
 * the forward action and back), its annotations, its one load balancer and the TargetGroupBindings.
 */
import { describe, expect, it } from 'vitest';
import type { KubeClient, KubeObject } from '../../../../shared/kube/index.ts';
import { PROMOTED, ROLLED_BACK, V0, V1, messages, phases, play, scenarioFiles, tick } from './play.ts';

const INGRESS = { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', namespace: 'test', name: 'podinfo' };
const ACTION = 'alb.ingress.kubernetes.io/actions.podinfo';
const USER_ANNOTATIONS = { 'alb.ingress.kubernetes.io/scheme': 'internet-facing', 'alb.ingress.kubernetes.io/target-type': 'ip' };
const path = (service: string, port: Record<string, unknown>) => ({ pathType: 'Prefix', path: '/', backend: { service: { name: service, port } } });
const specWith = (...paths: unknown[]) => ({ ingressClassName: 'alb', rules: [{ host: 'app.example.com', http: { paths } }] });
const USER_SPEC = specWith(path('podinfo', { number: 80 }));
const forward = (primary: number, canary: number, sticky?: number) => ({
  type: 'forward',
  forwardConfig: {
    targetGroups: [
      { serviceName: 'podinfo-primary', servicePort: '80', weight: primary },
      { serviceName: 'podinfo-canary', servicePort: '80', weight: canary },
    ],
    ...(sticky === undefined ? {} : { targetGroupStickinessConfig: { enabled: true, durationSeconds: sticky } }),
  },
});
const annotation = (o: KubeObject | undefined, key: string): unknown => {
  const raw = o?.metadata.annotations?.[key];
  return raw === undefined ? undefined : JSON.parse(raw);
};
const hostname = (o: KubeObject | undefined) => (o?.['status'] as { loadBalancer?: { ingress?: Array<{ hostname?: string }> } } | undefined)?.loadBalancer?.ingress?.[0]?.hostname;

/** The load balancers (alb Ingresses) and TargetGroupBindings of namespace test, read back after the run. */
function balancers(): { ingresses: KubeObject[]; bindings: KubeObject[]; services: KubeObject[]; inspect: (kube: KubeClient) => Promise<void> } {
  const out = { ingresses: [] as KubeObject[], bindings: [] as KubeObject[], services: [] as KubeObject[], inspect: async (kube: KubeClient) => {
    out.services = await kube.list('v1', 'Service', { namespace: 'test' });
    out.ingresses = await kube.list('networking.k8s.io/v1', 'Ingress', { namespace: 'test' });
    out.bindings = await kube.list('elbv2.k8s.aws/v1beta1', 'TargetGroupBinding', { namespace: 'test' });
  } };
  return out;
}

const PLAYED = new Set<string>();
const played = (name: string) => {
  PLAYED.add(name);
  return name;
};

describe('ALB scenarios', () => {
  it('promotes a weighted canary through the forward action of the one Ingress and its one load balancer', async () => {
    const seen = balancers();
    const mid = await play(played('alb-canary'), { ingress: INGRESS }, { maxTicks: 6, inspect: seen.inspect });
    expect(tick(mid.lines, 6).routes).toEqual({ primary: 70, canary: 30, mirrored: false, matched: null });
    const ingress = mid.objects['ingress'] as KubeObject;
    expect(ingress['spec']).toEqual(specWith(path('podinfo', { name: 'use-annotation' })));
    expect(annotation(ingress, ACTION)).toEqual(forward(70, 30));
    expect(JSON.parse(ingress.metadata.annotations?.['flagger.kubernetes.app/original-configuration'] ?? '{}')).toEqual(USER_SPEC);
    expect(ingress.metadata.annotations).toMatchObject(USER_ANNOTATIONS);
    expect(seen.ingresses.map((i) => i.metadata.name)).toEqual(['podinfo']);
    expect(hostname(ingress)).toMatch(/^k8s-testpodinfo-[0-9a-f]{8}\.us-east-1\.elb\.amazonaws\.com$/);
    expect(seen.bindings.map((b) => (b['spec'] as { serviceRef: unknown }).serviceRef).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual([
      { name: 'podinfo-canary', port: 80 },
      { name: 'podinfo-primary', port: 80 },
    ]);

    const whole = await play('alb-canary', { ingress: INGRESS });
    expect(phases(whole.lines)).toEqual(PROMOTED);
    expect(whole.summary).toEqual({ ticks: 11, phase: 'Succeeded', canaryWeights: [10, 20, 30, 40, 50], primaryImage: V1 });
    expect(annotation(whole.objects['ingress'], ACTION)).toEqual(forward(100, 0));
    expect(hostname(whole.objects['ingress'])).toBe(hostname(ingress));
  });

  it('rolls a failing release back to 100% on the primary target group', async () => {
    const run = await play(played('alb-rollback'), { ingress: INGRESS });
    expect(phases(run.lines)).toEqual(ROLLED_BACK);
    // The rollback's tick, then the one that scales the canary down once the routes read back all-primary.
    expect(run.summary).toEqual({ ticks: 7, phase: 'Failed', canaryWeights: [10], primaryImage: V0 });
    expect(messages(run.lines)).toContain('Rolling back podinfo.test failed checks threshold reached 2');
    expect(annotation(run.objects['ingress'], ACTION)).toEqual(forward(100, 0));
  });

  it('sends header and query-string matches to the canary through rule conditions, everything else to the primary', async () => {
    const mid = await play(played('alb-ab-testing'), { ingress: INGRESS }, { maxTicks: 5 });
    expect(tick(mid.lines, 5).routes).toEqual({ primary: 100, canary: 0, mirrored: false, matched: { primary: 0, canary: 100 } });
    const ingress = mid.objects['ingress'] as KubeObject;
    expect(ingress['spec']).toEqual(specWith(path('podinfo', { name: 'use-annotation' }), path('podinfo-match-1', { name: 'use-annotation' }), path('podinfo-default', { name: 'use-annotation' })));
    expect(annotation(ingress, ACTION)).toEqual(forward(0, 100));
    expect(annotation(ingress, 'alb.ingress.kubernetes.io/conditions.podinfo')).toEqual([{ field: 'http-header', httpHeaderConfig: { httpHeaderName: 'x-canary', values: ['insider'] } }]);
    expect(annotation(ingress, 'alb.ingress.kubernetes.io/actions.podinfo-match-1')).toEqual(forward(0, 100));
    expect(annotation(ingress, 'alb.ingress.kubernetes.io/conditions.podinfo-match-1')).toEqual([{ field: 'query-string', queryStringConfig: { values: [{ key: 'variant', value: 'b' }] } }]);
    expect(annotation(ingress, 'alb.ingress.kubernetes.io/actions.podinfo-default')).toEqual(forward(100, 0));

    const whole = await play('alb-ab-testing', { ingress: INGRESS });
    expect(phases(whole.lines)).toEqual(PROMOTED);
    expect(annotation(whole.objects['ingress'], ACTION)).toEqual(forward(100, 0));
  });

  it('keeps clients on their target group with target-group stickiness', async () => {
    const mid = await play(played('alb-session-affinity'), { ingress: INGRESS }, { maxTicks: 5 });
    expect(annotation(mid.objects['ingress'], ACTION)).toEqual(forward(80, 20, 3600));
    const whole = await play('alb-session-affinity');
    expect(whole.summary.canaryWeights).toEqual([10, 20, 30]);
  });

  it('gives the user’s Ingress back on deletion with revertOnDeletion', async () => {
    const seen = balancers();
    const run = await play(played('alb-revert-on-deletion'), { ingress: INGRESS }, { inspect: seen.inspect });
    expect(run.summary.phase).toBe('Terminated');
    const ingress = run.objects['ingress'] as KubeObject;
    expect(ingress['spec']).toEqual(USER_SPEC);
    expect(ingress.metadata.annotations).toEqual(USER_ANNOTATIONS);
    expect(seen.bindings.map((b) => (b['spec'] as { serviceRef: unknown }).serviceRef)).toEqual([{ name: 'podinfo', port: 80 }]);
    expect(seen.services.find((s) => s.metadata.name === 'podinfo')?.['spec']).toMatchObject({ selector: { app: 'podinfo' } });
  });

  it('plays every alb scenario file', () => {
    expect(scenarioFiles('alb')).toEqual([...PLAYED].sort());
  });
});
