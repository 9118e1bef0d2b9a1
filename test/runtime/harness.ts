/**
 * The serverless runtime on this machine: the real advance and watcher handlers (middy, Powertools, event
 * and Lambda context) over real adapters — DynamoDB Local, the EventBridge Scheduler/STS/EKS/Lambda fakes
 * through the real SDK clients, and a TLS Kubernetes emulator reached with EKS tokens that its
 * authenticator checks — with the workload world making pods ready on a virtual clock. Scheduler is played
 * from the fake's stored schedules; the watcher's kicks are delivered from the fake Lambda's queue.
 */
import { DynamoDBClient, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { inject } from 'vitest';
import { createAdvanceHandler } from '../../lambdas/advance/handler.ts';
import { loadConfig } from '../../lambdas/runtime/config.ts';
import { lambdaKick } from '../../lambdas/runtime/kick.ts';
import { buildPorts } from '../../lambdas/runtime/controller-ports.ts';
import type { PortOverrides, RuntimePorts } from '../../lambdas/runtime/ports.ts';
import { controllerLog, METRIC_NAMESPACE, type Observability } from '../../lambdas/runtime/observability.ts';
import { createWatcherHandler } from '../../lambdas/watcher/handler.ts';
import { createKubeClient, type KubeClient } from '../../shared/kube/index.ts';
import { createTable, DynamoDbCanaryStore } from '../../shared/store/index.ts';
import { standardCrds } from '../../sim/crds/index.ts';
import { createClusterState, startEmulator, type Emulator } from '../../sim/emulator/index.ts';
import { VirtualClock } from '../../sim/scenario/simulation.ts';
import { createWorld, type ImageBehaviour, type World } from '../../sim/world/index.ts';
import { startFakeEks, type FakeEks } from '../aws/eks.ts';
import { startFakeLambda, type FakeLambda } from '../aws/lambda.ts';
import { startFakeScheduler, type FakeScheduler } from '../aws/scheduler.ts';
import { SchedulerPlayer } from '../aws/scheduler-player.ts';
import { clientConfig } from '../aws/server.ts';
import { startFakeSts, type FakeSts } from '../aws/sts.ts';
import { startFakeEventBridge, startFakeSns, type FakeEventBridge, type FakeSns } from '../notify/aws-fakes.ts';
import { selfSignedCertificate } from '../aws/tls.ts';

export const CLUSTER = 'prod-eu';
export const ADVANCE_ARN = 'arn:aws:lambda:eu-west-1:111111111111:function:fledge-advance';
const EPOCH = '2026-01-01T00:00:00Z';

/** Everything a runtime test drives and inspects. */
export interface Runtime {
  readonly clock: VirtualClock;
  readonly world: World;
  readonly emulator: Emulator;
  /** A kubectl-like client (kubeconfig, no EKS token) for the test's own reads and writes. */
  readonly kubectl: KubeClient;
  readonly scheduler: FakeScheduler;
  readonly lambda: FakeLambda;
  readonly sts: FakeSts;
  readonly eks: FakeEks;
  /** Where alerts are published (the `TOPIC_ARN` topic) and phase changes put. */
  readonly sns: FakeSns;
  readonly eventBridge: FakeEventBridge;
  readonly ports: RuntimePorts;
  readonly tableName: string;
  readonly dynamodb: DynamoDBClient;
  /** Every log line and EMF document the handlers wrote, parsed. */
  readonly output: Array<Record<string, unknown>>;
  /** Invokes the advance handler; its context's remaining time is fixed, or a function (e.g. of the real clock). */
  advance(event: unknown, remainingMs?: number | (() => number)): Promise<unknown>;
  watcher(): Promise<unknown>;
  readonly player: SchedulerPlayer;
  /** Moves the clock by `ms`, settling the world on the way. */
  pass(ms: number): void;
  /** The next `n` store commits fail as DynamoDB throttling does (ProvisionedThroughputExceededException). */
  throttleCommits(n: number): void;
  /** Delivers the watcher's queued kicks to the advance handler. */
  deliverKicks(): Promise<void>;
  stop(): Promise<void>;
}

export interface RuntimeOptions {
  readonly images?: Readonly<Record<string, ImageBehaviour>>;
  /** Replaces ports (e.g. a store that throttles). */
  readonly overrides?: (base: PortOverrides) => PortOverrides;
}

let tables = 0;

export async function startRuntime(options: RuntimeOptions = {}): Promise<Runtime> {
  const clock = new VirtualClock(EPOCH);
  const state = createClusterState({ clock });
  const world = createWorld({ state, clock, tickMs: 10_000, images: options.images ?? {} });
  const sts = await startFakeSts();
  const eks = await startFakeEks();
  const scheduler = await startFakeScheduler({ now: () => clock.now().getTime() });
  const lambda = await startFakeLambda();
  const sns = await startFakeSns();
  const eventBridge = await startFakeEventBridge();
  const certificate = selfSignedCertificate();
  const verified = new Set<string>();
  const emulator = await startEmulator({
    state,
    clock,
    crds: standardCrds(),
    tls: certificate,
    authenticate: async (authorization) => {
      const token = authorization?.replace(/^Bearer /, '') ?? '';
      if (token === 'kubectl' || verified.has(token)) return true;
      // The token was signed at the virtual time; the authenticator's clock is the same one.
      await sts.verifyToken(token, CLUSTER, clock.now()).then(() => verified.add(token), () => undefined);
      return verified.has(token);
    },
  });
  eks.clusters.set(CLUSTER, { endpoint: emulator.url, caData: certificate.caData });
  const kubectl = createKubeClient({ cluster: { server: emulator.url, certificateAuthorityData: certificate.caData, tokenProvider: { token: async () => 'kubectl' } } });
  await kubectl.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'test' } });

  const tableName = `fledge-runtime-${process.pid}-${++tables}`;
  const dynamodbEndpoint = inject('dynamodbEndpoint');
  const dynamodb = new DynamoDBClient(clientConfig(dynamodbEndpoint));
  await createTable(dynamodb, tableName);

  const config = loadConfig({
    TABLE_NAME: tableName,
    SCHEDULE_GROUP: 'fledge',
    SCHEDULER_ROLE_ARN: 'arn:aws:iam::111111111111:role/fledge-scheduler',
    ADVANCE_FUNCTION_ARN: ADVANCE_ARN,
    DLQ_ARN: 'arn:aws:sqs:eu-west-1:111111111111:fledge-dlq',
    TOPIC_ARN: 'arn:aws:sns:eu-west-1:111111111111:fledge',
    CLUSTERS: JSON.stringify([{ name: CLUSTER, region: 'eu-west-1' }]),
    HISTORY_TTL_DAYS: '30',
  });
  const output: Array<Record<string, unknown>> = [];
  const observability = capturingObservability(output);
  const endpoints: Record<string, string> = { dynamodb: dynamodbEndpoint, scheduler: scheduler.endpoint, lambda: lambda.endpoint, sts: sts.endpoint, eks: eks.endpoint, sns: sns.url, eventbridge: eventBridge.url };
  const sdk = (service: string) => clientConfig(endpoints[service] ?? '');
  const base: { -readonly [K in keyof PortOverrides]: PortOverrides[K] } = {
    clientConfig: sdk,
    kick: lambdaKick(config, sdk),
    log: controllerLog(observability.logger),
  };
  // The store's own client, with a throttling switch in its middleware stack, so the real store code runs.
  let throttled = 0;
  const storeClient = new DynamoDBClient(clientConfig(dynamodbEndpoint));
  storeClient.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'TransactWriteItemsCommand' && throttled > 0) {
        throttled -= 1;
        throw new ProvisionedThroughputExceededException({ message: 'The level of configured provisioned throughput for the table was exceeded.', $metadata: { httpStatusCode: 400 } });
      }
      return next(args);
    },
    { step: 'initialize', name: 'fledgeTestThrottle' },
  );
  base.store ??= new DynamoDbCanaryStore({ tableName, client: storeClient });
  const ports = buildPorts(config, options.overrides ? options.overrides(base) : base);
  const context = (remainingMs: number | (() => number)): Context =>
    ({
      functionName: 'fledge-advance',
      awsRequestId: `req-${output.length}`,
      invokedFunctionArn: ADVANCE_ARN,
      memoryLimitInMB: '512',
      getRemainingTimeInMillis: typeof remainingMs === 'number' ? () => remainingMs : remainingMs,
    }) as unknown as Context;
  const advanceHandler = createAdvanceHandler(ports, observability, {
    now: () => clock.now(),
    // A sub-minute loop's wait moves virtual time, the world settling as it passes.
    sleep: async (ms) => pass(ms),
  });
  const watcherHandler = createWatcherHandler(ports, observability);
  const advance = (event: unknown, remainingMs: number | (() => number) = 900_000) => advanceHandler(event, context(remainingMs));
  const player = new SchedulerPlayer(scheduler, (event) => advance(event));

  function pass(ms: number): void {
    const from = clock.now().getTime();
    for (let t = 10_000; t <= ms; t += 10_000) world.tick(new Date(from + t));
    clock.set(from + ms);
    world.tick(clock.now());
  }

  return {
    clock,
    world,
    emulator,
    kubectl,
    scheduler,
    lambda,
    sts,
    eks,
    sns,
    eventBridge,
    ports,
    tableName,
    dynamodb,
    output,
    advance,
    watcher: () => watcherHandler({}, context(60_000)),
    player,
    pass,
    throttleCommits: (n) => {
      throttled = n;
    },
    deliverKicks: async () => {
      const queued = lambda.queued.splice(0);
      await Promise.all(queued.map((kick) => advance(kick.payload)));
    },
    stop: async () => {
      await emulator.stop();
      await Promise.all([sts.stop(), eks.stop(), scheduler.stop(), lambda.stop(), sns.close(), eventBridge.close()]);
      dynamodb.destroy();
      storeClient.destroy();
    },
  };
}

/**
 * Powertools Logger and Metrics whose output (JSON lines, EMF documents) is captured instead of printed, so
 * tests assert the keys, the metrics and that no secret is written.
 */
function capturingObservability(sink: Array<Record<string, unknown>>): Observability {
  const write = (line: unknown): void => {
    for (const text of String(line).split('\n')) {
      if (text.trim() === '') continue;
      try {
        sink.push(JSON.parse(text) as Record<string, unknown>);
      } catch {
        sink.push({ raw: text });
      }
    }
  };
  const console = { log: write, info: write, warn: write, error: write, debug: write, trace: write } as unknown as Console;
  const logger = new Logger({ serviceName: 'fledge', logLevel: 'DEBUG' });
  const metrics = new Metrics({ namespace: METRIC_NAMESPACE, serviceName: 'fledge' });
  (logger as unknown as { console: Console }).console = console;
  (metrics as unknown as { console: Console }).console = console;
  // Metrics with their own dimensions (errors by kind) are flushed by a Metrics of their own.
  const single = metrics.singleMetric.bind(metrics);
  metrics.singleMetric = () => {
    const made = single();
    (made as unknown as { console: Console }).console = console;
    return made;
  };
  return { logger, metrics };
}
