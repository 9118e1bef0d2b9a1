/**
 * The Lambdas' exported `handler`s as Lambda runs them: configured only by environment variables (the
 * construct's contract, plus the SDK's own AWS_ENDPOINT_URL_<SERVICE> pointing at local fakes), called with an
 * event and a Lambda context, writing JSON logs and EMF to stdout.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTable } from '../../shared/store/index.ts';
import { scheduleName } from '../../shared/schedule/index.ts';
import { startFakeLambda, type FakeLambda } from '../aws/lambda.ts';
import { startFakeScheduler, type FakeScheduler } from '../aws/scheduler.ts';
import { clientConfig, TEST_CREDENTIALS } from '../aws/server.ts';
import { startEksKube, TEST_CLUSTER, type KubeHarness } from '../kube/harness.ts';

let kube: Awaited<ReturnType<typeof startEksKube>>;
let scheduler: FakeScheduler;
let lambda: FakeLambda;
const lines: string[] = [];
const write = process.stdout.write.bind(process.stdout);
const context = { functionName: 'fledge', awsRequestId: 'req-1', invokedFunctionArn: 'arn:aws:lambda:eu-west-1:111111111111:function:fledge', memoryLimitInMB: '512', getRemainingTimeInMillis: () => 60_000 } as unknown as Context;

beforeAll(async () => {
  kube = await startEksKube();
  scheduler = await startFakeScheduler();
  lambda = await startFakeLambda();
  const dynamodb = inject('dynamodbEndpoint');
  await createTable(new DynamoDBClient(clientConfig(dynamodb)), 'fledge-smoke');
  Object.assign(process.env, {
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: dynamodb,
    AWS_ENDPOINT_URL_SCHEDULER: scheduler.endpoint,
    AWS_ENDPOINT_URL_LAMBDA: lambda.endpoint,
    AWS_ENDPOINT_URL_STS: kube.sts.endpoint,
    AWS_ENDPOINT_URL_EKS: kube.eks.endpoint,
    TABLE_NAME: 'fledge-smoke',
    SCHEDULE_GROUP: 'fledge',
    SCHEDULER_ROLE_ARN: 'arn:aws:iam::111111111111:role/fledge-scheduler',
    ADVANCE_FUNCTION_ARN: 'arn:aws:lambda:eu-west-1:111111111111:function:fledge-advance',
    DLQ_ARN: 'arn:aws:sqs:eu-west-1:111111111111:fledge-dlq',
    TOPIC_ARN: 'arn:aws:sns:eu-west-1:111111111111:fledge',
    CLUSTERS: JSON.stringify([{ name: TEST_CLUSTER, region: 'eu-west-1' }]),
    POWERTOOLS_SERVICE_NAME: 'fledge',
  });
  await (kube as KubeHarness).kube.create({
    apiVersion: 'flagger.app/v1beta1',
    kind: 'Canary',
    metadata: { name: 'podinfo', namespace: 'test' },
    spec: { provider: 'kubernetes', targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo' }, service: { port: 9898 }, analysis: { interval: '1m', threshold: 2, iterations: 2 } },
  });
  process.stdout.write = ((chunk: string | Uint8Array) => {
    lines.push(...String(chunk).split('\n').filter((l) => l.trim() !== ''));
    return true;
  }) as typeof process.stdout.write;
});
afterAll(async () => {
  process.stdout.write = write;
  await Promise.all([kube.stop(), scheduler.stop(), lambda.stop()]);
});

describe('the exported handlers', () => {
  it('watcher: schedules the new Canary and kicks advance; advance: steps it and logs JSON with the canary keys', async () => {
    const { handler: watcher } = await import('../../lambdas/watcher/index.ts');
    const { handler: advance } = await import('../../lambdas/advance/index.ts');
    const id = { cluster: TEST_CLUSTER, namespace: 'test', name: 'podinfo' };

    const watched = await watcher({}, context);
    const kicked = lambda.queued.map((k) => k.payload);
    const advanced = await advance(kicked[0], context);

    expect(watched).toEqual({ clusters: [{ cluster: TEST_CLUSTER, canaries: 1, actions: 2, failures: 0 }] });
    expect(scheduler.schedules.get(`fledge/${scheduleName(id)}`)?.State).toBe('ENABLED');
    expect(kicked).toEqual([{ ...id, intervalMs: 60_000 }]);
    // The target Deployment does not exist: the step is committed and says so, as Flagger would.
    expect(advanced).toMatchObject({ outcome: 'ran', steps: ['advanced'] });
    const json = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(json.some((l) => l['canary'] === 'podinfo' && l['cluster'] === TEST_CLUSTER && l['decision'] !== undefined && l['function_request_id'] === 'req-1')).toBe(true);
    expect(json.some((l) => (l['_aws'] as { CloudWatchMetrics?: Array<{ Namespace: string }> } | undefined)?.CloudWatchMetrics?.[0]?.Namespace === 'Fledge')).toBe(true);
  });
});
