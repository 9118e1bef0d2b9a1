/**
 * Istio's capabilities as whole releases (`examples/scenarios/istio-*.yaml`), each asserting the VirtualService
 * and DestinationRules the emulator holds: TCP routes, every HTTP option of `spec.service` with the A/B merge,
 * delegation, and a weighted mirror.
 */
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../shared/kube/index.ts';
import { V1, play, tickAt } from './scenario-harness.ts';

const VS = { apiVersion: 'networking.istio.io/v1beta1', kind: 'VirtualService', namespace: 'test', name: 'podinfo' };
const spec = (o: KubeObject | undefined) => (o as KubeObject)['spec'] as Record<string, unknown>;

describe('istio', () => {
  it('routes a TCP service (appProtocol: tcp) with a weighted tcp route on the ports of service.match', async () => {
    const { lines, summary, objects } = await play(['scenarios/istio-tcp.yaml'], VS);

    expect(summary).toEqual({ ticks: 9, phase: 'Succeeded', canaryWeights: [10, 20, 30], primaryImage: V1 });
    expect(spec(objects.get(tickAt(lines, 20)))).toEqual({
      hosts: ['podinfo'],
      gateways: ['mesh'],
      tcp: [{ match: [{ port: 9898 }], route: [{ destination: { host: 'podinfo-primary' }, weight: 80 }, { destination: { host: 'podinfo-canary' }, weight: 20 }] }],
    });
  });

  it('puts every HTTP option on each route, the A/B match merged with service.match, and the trafficPolicy on both DestinationRules', async () => {
    const rules: unknown[] = [];
    const { lines, summary, objects } = await play(['scenarios/istio-http-options.yaml'], VS, async (kube) => {
      for (const name of ['podinfo-primary', 'podinfo-canary']) rules.push((await kube.get({ apiVersion: 'networking.istio.io/v1beta1', kind: 'DestinationRule', namespace: 'test', name }))?.['spec']);
    });

    expect(summary).toMatchObject({ phase: 'Succeeded', primaryImage: V1 });
    expect(lines.find((l) => l.tick === 4)?.routes.matched).toEqual({ primary: 0, canary: 100 });
    const options = {
      rewrite: { uri: '/' },
      timeout: '5s',
      retries: { attempts: 3, perTryTimeout: '1s', retryOn: 'gateway-error,connect-failure,refused-stream' },
      corsPolicy: { allowOrigins: [{ exact: 'https://example.com' }], allowMethods: ['GET', 'POST'], maxAge: '24h' },
      headers: { request: { add: { 'x-envoy-upstream-rq-timeout-ms': '15000' } }, response: { remove: ['x-powered-by'] } },
    };
    const gateway = 'public-gateway.istio-system.svc.cluster.local';
    expect(spec(objects.get(4))).toEqual({
      hosts: ['app.example.com', 'podinfo'],
      gateways: [gateway],
      http: [
        {
          ...options,
          match: [{ uri: { prefix: '/api' }, headers: { 'x-canary': { exact: 'insider' } } }],
          route: [{ destination: { host: 'podinfo-primary' }, weight: 0 }, { destination: { host: 'podinfo-canary' }, weight: 100 }],
        },
        { ...options, match: [{ uri: { prefix: '/api' } }], route: [{ destination: { host: 'podinfo-primary' }, weight: 100 }] },
      ],
    });
    expect(rules).toEqual([
      { host: 'podinfo-primary', trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } },
      { host: 'podinfo-canary', trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } },
    ]);
  });

  it('leaves hosts and gateways to the root VirtualService with delegation, and routes to the discovered port', async () => {
    const { lines, summary, objects } = await play(['scenarios/istio-delegation.yaml'], VS);

    expect(summary.canaryWeights).toEqual([10, 20]);
    expect(spec(objects.get(tickAt(lines, 10)))).toEqual({
      http: [{ route: [{ destination: { host: 'podinfo-primary', port: { number: 9898 } }, weight: 90 }, { destination: { host: 'podinfo-canary', port: { number: 9898 } }, weight: 10 }] }],
    });
  });

  it('mirrors mirrorWeight percent of the requests during a blue/green analysis', async () => {
    const { lines, summary, objects } = await play(['scenarios/istio-mirror-weight.yaml'], VS);

    expect(summary).toEqual({ ticks: 9, phase: 'Succeeded', canaryWeights: [100], primaryImage: V1 });
    const mirroring = lines.filter((l) => l.routes.mirrored).map((l) => l.tick);
    expect(mirroring.length).toBeGreaterThanOrEqual(2);
    for (const tick of mirroring) {
      expect((spec(objects.get(tick))['http'] as unknown[])[0]).toMatchObject({
        mirror: { host: 'podinfo-canary' },
        mirrorPercentage: { value: 50 },
        route: [{ destination: { host: 'podinfo-primary' }, weight: 100 }, { destination: { host: 'podinfo-canary' }, weight: 0 }],
      });
    }
  });
});
