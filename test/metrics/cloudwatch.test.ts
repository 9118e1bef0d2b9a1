/**
 * The CloudWatch provider and the `alb` builtins through the real AWS SDK CloudWatch client, pointed at a local
 * server answering GetMetricData in CloudWatch's JSON 1.0 protocol; the test asserts the exact request (target
 * header, window, queries) and that it is SigV4-signed for `monitoring`.
 */
import { describe, expect, it } from 'vitest';
import type { MetricTemplateProvider } from '../../shared/api/types.ts';
import { RealMetricChecker } from '../../shared/metrics/checker.ts';
import { createCloudWatchProvider } from '../../shared/metrics/cloudwatch.ts';
import { realProviders } from '../../shared/metrics/factory.ts';
import type { MetricCheckRequest } from '../../shared/metrics/types.ts';
import { KubeConflictError } from '../../shared/kube/errors.ts';
import { crdFor } from '../../sim/crds/routers.ts';
import { kubeForFile } from '../kube/harness.ts';
import { recordingServerForFile } from './recording-server.ts';

const server = recordingServerForFile();
const cluster = kubeForFile();
const NOW = new Date('2026-03-01T12:00:00Z');
const CREDENTIALS = { accessKeyId: 'AKIDCW', secretAccessKey: 'cw-secret' };

function provider(interval = '1m'): ReturnType<typeof createCloudWatchProvider> {
  return createCloudWatchProvider({ region: 'eu-west-1', interval, now: () => NOW, settings: { endpoint: server.url, credentials: CREDENTIALS, maxAttempts: 1 } });
}

const QUERY = JSON.stringify([
  { Id: 'e1', Expression: 'm1 / m2', Label: 'ratio' },
  { Id: 'm1', MetricStat: { Metric: { Namespace: 'MyApp', MetricName: 'Errors' }, Period: 60, Stat: 'Sum' }, ReturnData: false },
  { Id: 'm2', MetricStat: { Metric: { Namespace: 'MyApp', MetricName: 'Requests' }, Period: 60, Stat: 'Sum' }, ReturnData: false },
]);

describe('the CloudWatch provider', () => {
  it('calls GetMetricData over the last 10 intervals with at most 20 points and reads the newest value', async () => {
    server.answer({ body: { MetricDataResults: [{ Id: 'e1', Label: 'ratio', Timestamps: [1772366340, 1772366280], Values: [0.25, 0.5], StatusCode: 'Complete' }], Messages: [] } });

    const result = await provider('2m').query(QUERY);

    expect(result).toEqual({ kind: 'value', value: 0.25 });
    const request = server.requests[0];
    expect([request?.method, request?.path, request?.headers['x-amz-target'], request?.headers['content-type']]).toEqual([
      'POST',
      '/',
      'GraniteServiceVersion20100801.GetMetricData',
      'application/x-amz-json-1.0',
    ]);
    expect(JSON.parse(request?.body ?? '')).toEqual({
      StartTime: NOW.getTime() / 1000 - 1200,
      EndTime: NOW.getTime() / 1000,
      MaxDatapoints: 20,
      MetricDataQueries: JSON.parse(QUERY),
    });
    expect(String(request?.headers.authorization)).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDCW\/\d{8}\/eu-west-1\/monitoring\/aws4_request, /u);
  });

  it.each<[string, unknown, unknown]>([
    ['no result', { MetricDataResults: [] }, { kind: 'noData', reason: 'no values found' }],
    ['a result without values', { MetricDataResults: [{ Id: 'e1', Values: [], Timestamps: [] }] }, { kind: 'noData', reason: 'no values found' }],
    ['two results with values', { MetricDataResults: [{ Id: 'a', Values: [1] }, { Id: 'b', Values: [2] }] }, { kind: 'multipleValues', count: 2 }],
  ])('answers %s', async (_name, body, expected) => {
    server.answer({ body });
    expect(await provider().query(QUERY)).toEqual(expected);
  });

  it('answers a CloudWatch error as an error, and a query that is not JSON without calling', async () => {
    server.answer({ status: 400, headers: { 'x-amzn-query-error': 'InvalidParameterValue;Sender' }, body: { __type: 'com.amazonaws.cloudwatch#InvalidParameterValueException', message: 'bad Id' } });
    const failed = await provider().query(QUERY);
    expect(failed.kind).toBe('error');
    expect(failed.kind === 'error' && failed.error).toMatch(/^error requesting cloudwatch: .*bad Id/u);
    expect(await provider().query('not json')).toEqual({ kind: 'error', error: expect.stringMatching(/^error unmarshaling query: /u) });
    expect(server.requests).toHaveLength(1);
  });

  it('is online when CloudWatch answers an empty GetMetricData with 400, offline on a server error', async () => {
    server.answer({ status: 400, body: { __type: 'com.amazonaws.cloudwatch#InvalidParameterValueException', message: 'MetricDataQueries is empty' } });
    expect(await provider().isOnline()).toEqual({ online: true });
    expect(JSON.parse(server.requests[0]?.body ?? '')).toEqual({ StartTime: 0, EndTime: 0, MetricDataQueries: [] });
    server.answer({ status: 500, body: { __type: 'InternalFailure', message: 'down' } });
    expect((await provider().isOnline()).online).toBe(false);
  });

  it('needs a region', () => {
    const factory = realProviders();
    const spec: MetricTemplateProvider = { type: 'cloudwatch' };
    expect(() => factory({ spec, interval: '1m', request: {} as MetricCheckRequest })).toThrow('cloudwatch region not specified (spec.provider.region)');
  });
});

describe('alb builtin metrics', () => {
  const ARN = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/k8s-test-podinfoc-0a1b2c3d4e/73e2d6bc24d8a067';
  const checker = (): RealMetricChecker =>
    new RealMetricChecker({ kube: cluster.kube, providers: realProviders({ now: () => NOW, cloudWatch: { endpoint: server.url, credentials: CREDENTIALS, maxAttempts: 1 } }) });
  const request = (name: 'request-success-rate' | 'request-duration'): MetricCheckRequest => ({
    name,
    source: 'builtin',
    observer: 'alb',
    metric: { name, interval: '1m' },
    model: { name: 'podinfo', namespace: 'test', target: 'podinfo', service: 'podinfo', ingress: 'podinfo', interval: '1m', variables: {} },
  });

  it('fails naming the TargetGroupBinding kind when the AWS Load Balancer Controller is not installed', async () => {
    // The emulator serves the AWS Load Balancer Controller's CRD with the routers' ones: take it away here.
    await cluster.kube
      .delete({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: 'targetgroupbindings.elbv2.k8s.aws' })
      .catch(() => undefined);
    const observation = await checker().check(request('request-success-rate'));
    expect(observation).toEqual({
      provider: 'cloudwatch',
      result: { kind: 'error', error: 'TargetGroupBinding (elbv2.k8s.aws/v1beta1) is not served by the cluster; the alb builtins need the AWS Load Balancer Controller' },
    });
  });

  it('fails naming the TargetGroupBinding it looked for when there is none', async () => {
    await cluster.kube
      .create(crdFor({ group: 'elbv2.k8s.aws', versions: ['v1beta1'], kind: 'TargetGroupBinding', plural: 'targetgroupbindings' }))
      .catch((error: unknown) => {
        // The standard CRDs of a later emulator may already serve it.
        if (!(error instanceof KubeConflictError)) throw error;
      });
    const observation = await checker().check(request('request-success-rate'));
    expect(observation).toEqual({
      provider: 'cloudwatch',
      result: { kind: 'error', error: 'no TargetGroupBinding in test with spec.serviceRef.name podinfo-canary; the alb builtins read the canary target group\'s CloudWatch metrics' },
    });
  });

  it('reads the success rate of the canary target group from 5XX and request counts', async () => {
    for (const [name, service, arn] of [
      ['k8s-primary', 'podinfo-primary', ARN.replace('0a1b2c3d4e', 'ffffffffff')],
      ['k8s-canary', 'podinfo-canary', ARN],
    ] as const) {
      await cluster.kube.create({
        apiVersion: 'elbv2.k8s.aws/v1beta1',
        kind: 'TargetGroupBinding',
        metadata: { name, namespace: 'test' },
        spec: { serviceRef: { name: service, port: 80 }, targetGroupARN: arn, targetType: 'ip' },
      });
    }
    server.answer({ body: { MetricDataResults: [{ Id: 'successRate', Label: 'request-success-rate', Values: [98.5], Timestamps: [1772366340] }] } });

    const observation = await checker().check(request('request-success-rate'));

    expect(observation.result).toEqual({ kind: 'value', value: 98.5 });
    const body = JSON.parse(server.requests[0]?.body ?? '') as { MetricDataQueries: unknown; StartTime: number };
    const search = (metric: string): string =>
      `SEARCH('{AWS/ApplicationELB,LoadBalancer,TargetGroup} MetricName="${metric}" TargetGroup="targetgroup/k8s-test-podinfoc-0a1b2c3d4e/73e2d6bc24d8a067"', 'Sum', 60)`;
    expect(body.MetricDataQueries).toEqual([
      { Id: 'errors', Expression: search('HTTPCode_Target_5XX_Count'), ReturnData: false },
      { Id: 'requests', Expression: search('RequestCount'), ReturnData: false },
      { Id: 'successRate', Expression: '100 * (1 - FILL(SUM(errors), 0) / SUM(requests))', Label: 'request-success-rate', ReturnData: true },
    ]);
    expect(body.StartTime).toBe(NOW.getTime() / 1000 - 600);
    expect(observation.query).toBe(JSON.stringify(body.MetricDataQueries));
    expect(String(server.requests[0]?.headers.authorization)).toContain('/eu-west-1/monitoring/aws4_request');
  });

  it('reads the p99 TargetResponseTime in milliseconds', async () => {
    server.answer({ body: { MetricDataResults: [{ Id: 'duration', Values: [412.5] }] } });
    const observation = await checker().check(request('request-duration'));
    expect(observation.result).toEqual({ kind: 'value', value: 412.5 });
    const body = JSON.parse(server.requests[0]?.body ?? '') as { MetricDataQueries: unknown };
    expect(body.MetricDataQueries).toEqual([
      {
        Id: 'p99',
        Expression: `SEARCH('{AWS/ApplicationELB,LoadBalancer,TargetGroup} MetricName="TargetResponseTime" TargetGroup="targetgroup/k8s-test-podinfoc-0a1b2c3d4e/73e2d6bc24d8a067"', 'p99', 60)`,
        ReturnData: false,
      },
      { Id: 'duration', Expression: 'MAX(p99) * 1000', Label: 'request-duration', ReturnData: true },
    ]);
  });
});
