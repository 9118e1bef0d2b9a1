/**
 * `FledgeController`: the whole serverless control plane of Fledge in one construct.
 */
import { createHash } from 'node:crypto';
import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as eks from 'aws-cdk-lib/aws-eks';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { BY_CLUSTER_INDEX, BY_CLUSTER_PROJECTED, Keys } from '../shared/store/table.ts';
import { HANDLER_ARCHITECTURE, HANDLER_ENTRIES, HANDLER_RUNTIME, PROJECT_ROOT, nodejsBundlingOptions } from './bundling.ts';
import { grantClusterAccess } from './cluster-access.ts';
import { FLEDGE_SERVICE_NAME, FledgeMetric } from './metrics.ts';
import { acknowledgeFindings } from './nag.ts';
import { FledgeObservability, fledgeMetric } from './observability.ts';
import { resolveProps, type AlertSubscription, type FledgeControllerProps, type ResolvedProps } from './props.ts';

/** Timeout of both functions: a tick of sub-minute intervals runs several steps but ends before the next minute. */
export const FUNCTION_TIMEOUT = Duration.seconds(60);
/** Memory of both functions (CPU scales with it; 512 MB halves cold starts against 128 MB for a few cents). */
export const FUNCTION_MEMORY_MB = 512;

/** Which canaries a runtime-control grant covers. */
export interface RuntimeControlScope {
  /** Only canaries of this cluster. @default every cluster */
  readonly cluster?: string;
  /** Only canaries of this namespace (with `cluster`). @default every namespace */
  readonly namespace?: string;
}

/**
 * Fledge's control plane: the state table, the advance and watcher functions, the per-canary schedule group
 * with its Scheduler role and dead-letter queue, the watcher's one-minute schedule, the alert topic, access to
 * the listed EKS clusters, alarms and a dashboard.
 *
 * @example
 * new FledgeController(stack, 'Fledge', {
 *   clusters: [{ name: 'prod-eu', region: 'eu-west-1' }],
 *   alertSubscriptions: [{ kind: 'email', address: 'platform@example.com' }],
 * });
 */
export class FledgeController extends Construct {
  /** The single table of canary state and step history. */
  readonly table: dynamodb.Table;
  /** The group holding one schedule per canary (managed by the functions, not by CloudFormation). */
  readonly scheduleGroup: scheduler.ScheduleGroup;
  /** The role EventBridge Scheduler invokes the advance function with; it may invoke nothing else. */
  readonly schedulerRole: iam.Role;
  /** Ticks and watch passes Scheduler could not deliver. */
  readonly deadLetterQueue: sqs.Queue;
  /** The role both functions run as, and that each cluster's access entry maps to `fledge:controller`. */
  readonly controllerRole: iam.Role;
  /** Runs one analysis step of one canary per scheduled tick. */
  readonly advanceFunction: nodejs.NodejsFunction;
  /** Finds new canaries and revisions every minute and manages their schedules. */
  readonly watcherFunction: nodejs.NodejsFunction;
  /** Fledge's alerts and the alarms' notifications. */
  readonly topic: sns.Topic;
  /** The key encrypting the topic. */
  readonly key: kms.Key;
  /** The access entries this stack created, by cluster name. */
  readonly accessEntries: ReadonlyMap<string, eks.CfnAccessEntry>;
  /** The alarms, by construct id (`DeadLetters`, `AdvanceErrors`, …, `StuckCanary`). */
  readonly alarms: Readonly<Record<string, cloudwatch.Alarm>>;
  readonly dashboard: cloudwatch.Dashboard;
  readonly #props: ResolvedProps;

  constructor(scope: Construct, id: string, props: FledgeControllerProps = {}) {
    super(scope, id);
    const resolved = resolveProps(props);
    this.#props = resolved;
    const stack = Stack.of(this);
    const retain = resolved.removalPolicy === RemovalPolicy.RETAIN;

    this.key = new kms.Key(this, 'Key', {
      description: 'Fledge: encrypts the alert topic',
      enableKeyRotation: true,
      removalPolicy: resolved.removalPolicy,
    });
    // CloudWatch publishes the alarms to the encrypted topic.
    this.key.grant(new iam.ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');

    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: Keys.partition, type: dynamodb.AttributeType.STRING },
      sortKey: { name: Keys.sort, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      timeToLiveAttribute: Keys.ttl,
      removalPolicy: resolved.removalPolicy,
      deletionProtection: retain,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: BY_CLUSTER_INDEX,
      partitionKey: { name: Keys.gsi1Partition, type: dynamodb.AttributeType.STRING },
      sortKey: { name: Keys.gsi1Sort, type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.INCLUDE,
      nonKeyAttributes: [...BY_CLUSTER_PROJECTED],
    });

    this.scheduleGroup = new scheduler.ScheduleGroup(this, 'Schedules', { removalPolicy: RemovalPolicy.DESTROY });
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });

    // Named up front: the advance function's ARN goes into its own environment and into policies its role
    // carries, which a reference to the function resource would make circular.
    const advanceName = advanceFunctionName(stack.stackName, this.node.id);
    const advanceArn = stack.formatArn({ service: 'lambda', resource: 'function', resourceName: advanceName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });

    // Only schedules of Fledge's own group may assume it (the confused-deputy guard AWS documents for Scheduler).
    this.schedulerRole = new iam.Role(this, 'SchedulerRole', {
      description: 'Fledge: EventBridge Scheduler invokes the advance function with this role',
      assumedBy: schedulerPrincipal(stack, this.scheduleGroup.scheduleGroupArn),
    });
    this.schedulerRole.addToPolicy(new iam.PolicyStatement({ sid: 'InvokeAdvanceOnly', actions: ['lambda:InvokeFunction'], resources: [advanceArn] }));
    this.schedulerRole.addToPolicy(new iam.PolicyStatement({ sid: 'DeadLetters', actions: ['sqs:SendMessage'], resources: [this.deadLetterQueue.queueArn] }));

    this.controllerRole = new iam.Role(this, 'ControllerRole', {
      description: 'Fledge: the advance and watcher functions; mapped to fledge:controller in each cluster',
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    });
    this.#grantController(advanceArn);

    this.topic = new sns.Topic(this, 'Alerts', { displayName: 'Fledge alerts', masterKey: this.key, enforceSSL: true });
    // Publishing to a KMS-encrypted topic needs the data key calls on its key (grantPublish would add kms:GenerateDataKey*).
    this.controllerRole.addToPolicy(new iam.PolicyStatement({ sid: 'PublishAlerts', actions: ['sns:Publish'], resources: [this.topic.topicArn] }));
    this.controllerRole.addToPolicy(new iam.PolicyStatement({ sid: 'EncryptAlerts', actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [this.key.keyArn] }));
    for (const subscription of resolved.alertSubscriptions) this.topic.addSubscription(toSubscription(subscription));

    const environment: Record<string, string> = {
      TABLE_NAME: this.table.tableName,
      SCHEDULE_GROUP: this.scheduleGroup.scheduleGroupName,
      SCHEDULER_ROLE_ARN: this.schedulerRole.roleArn,
      ADVANCE_FUNCTION_ARN: advanceArn,
      DLQ_ARN: this.deadLetterQueue.queueArn,
      TOPIC_ARN: this.topic.topicArn,
      CLUSTERS: JSON.stringify(resolved.clusters.map(({ name, region, roleArn }) => (roleArn === undefined ? { name, region } : { name, region, roleArn }))),
      HISTORY_TTL_DAYS: String(resolved.historyRetentionDays),
      POWERTOOLS_SERVICE_NAME: FLEDGE_SERVICE_NAME,
      ...(resolved.eventBus === undefined ? {} : { EVENT_BUS_NAME: resolved.eventBus.eventBusName }),
    };
    this.advanceFunction = this.#function('Advance', 'advance', environment, resolved.advanceReservedConcurrency, advanceName);
    this.watcherFunction = this.#function('Watcher', 'watcher', environment, resolved.watcherReservedConcurrency);

    const watchRole = new iam.Role(this, 'WatchScheduleRole', {
      description: 'Fledge: EventBridge Scheduler invokes the watcher function with this role',
      assumedBy: schedulerPrincipal(stack, stack.formatArn({ service: 'scheduler', resource: 'schedule-group', resourceName: 'default' })),
    });
    new scheduler.Schedule(this, 'WatchEveryMinute', {
      description: 'Fledge: one watch pass a minute',
      schedule: scheduler.ScheduleExpression.rate(Duration.minutes(1)),
      // With no cluster there is nothing to watch (the runtime refuses an empty CLUSTERS): the control plane idles.
      enabled: resolved.clusters.length > 0,
      target: new schedulerTargets.LambdaInvoke(this.watcherFunction, {
        role: watchRole,
        deadLetterQueue: this.deadLetterQueue,
        // The next pass comes a minute later; a late one only repeats work.
        retryAttempts: 0,
        maxEventAge: Duration.minutes(1),
      }),
    });

    acknowledgeFindings(this, { watchRole });

    this.accessEntries = grantClusterAccess(this, this.controllerRole, resolved.clusters);

    const observability = new FledgeObservability(this, 'Observability', {
      advance: this.advanceFunction,
      watcher: this.watcherFunction,
      timeout: FUNCTION_TIMEOUT,
      deadLetterQueue: this.deadLetterQueue,
      topic: this.topic,
      stepAgeAlarmSeconds: resolved.stepAgeAlarmSeconds,
    });
    this.alarms = observability.alarms;
    this.dashboard = observability.dashboard;
  }

  /** The controller role's permissions besides clusters and the topic, each scoped to its resource. */
  #grantController(advanceArn: string): void {
    const role = this.controllerRole;
    const indexArn = `${this.table.tableArn}/index/${BY_CLUSTER_INDEX}`;
    role.addToPolicy(new iam.PolicyStatement({
      sid: 'StateAndHistory',
      // The store's calls: GetItem (load), TransactWriteItems of two Puts (commit), Query (history).
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:ConditionCheckItem', 'dynamodb:Query'],
      resources: [this.table.tableArn],
    }));
    role.addToPolicy(new iam.PolicyStatement({ sid: 'ListCanaries', actions: ['dynamodb:Query', 'dynamodb:Scan'], resources: [indexArn] }));
    role.addToPolicy(new iam.PolicyStatement({
      sid: 'ManageCanarySchedules',
      actions: ['scheduler:GetSchedule', 'scheduler:CreateSchedule', 'scheduler:UpdateSchedule', 'scheduler:DeleteSchedule'],
      resources: [Stack.of(this).formatArn({ service: 'scheduler', resource: 'schedule', resourceName: `${this.scheduleGroup.scheduleGroupName}/*` })],
    }));
    // ListSchedules has no resource-level permission: IAM requires Resource "*" (Service Authorization Reference;
    // aws-cdk#38201 is grantReadSchedules getting this wrong). The runtime lists with GroupName = Fledge's group.
    role.addToPolicy(new iam.PolicyStatement({ sid: 'ListSchedulesNeedsStar', actions: ['scheduler:ListSchedules'], resources: ['*'] }));
    role.addToPolicy(new iam.PolicyStatement({
      sid: 'PassSchedulerRole',
      actions: ['iam:PassRole'],
      resources: [this.schedulerRole.roleArn],
      conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
    }));
    // Metric checks: CloudWatch's GetMetricData has no resource-level permission, so IAM requires Resource "*"
    // (the cloudwatch MetricTemplates and the alb builtins); Managed Prometheus queries stop at the account's workspaces.
    role.addToPolicy(new iam.PolicyStatement({ sid: 'ReadMetricsNeedsStar', actions: ['cloudwatch:GetMetricData'], resources: ['*'] }));
    role.addToPolicy(new iam.PolicyStatement({
      sid: 'QueryManagedPrometheus',
      actions: ['aps:QueryMetrics'],
      resources: [Stack.of(this).formatArn({ service: 'aps', resource: 'workspace', resourceName: '*' })],
    }));
    // The watcher starts a new revision's first step at once instead of waiting for its schedule.
    role.addToPolicy(new iam.PolicyStatement({ sid: 'KickAdvance', actions: ['lambda:InvokeFunction'], resources: [advanceArn] }));
    const bus = this.#props.eventBus;
    if (bus === undefined) {
      const stack = Stack.of(this);
      role.addToPolicy(new iam.PolicyStatement({
        sid: 'PutEventsDefaultBus',
        actions: ['events:PutEvents'],
        resources: [stack.formatArn({ service: 'events', resource: 'event-bus', resourceName: 'default' })],
      }));
    } else {
      bus.grantPutEventsTo(role);
    }
  }

  #function(id: string, handler: keyof typeof HANDLER_ENTRIES, environment: Record<string, string>, reserved: number | undefined, functionName?: string): nodejs.NodejsFunction {
    const props = this.#props;
    const logGroup = new logs.LogGroup(this, `${id}Logs`, {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: props.removalPolicy,
    });
    const fn = new nodejs.NodejsFunction(this, id, {
      functionName,
      description: `Fledge ${handler}`,
      entry: `${PROJECT_ROOT}${HANDLER_ENTRIES[handler]}`,
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: `${PROJECT_ROOT}package-lock.json`,
      runtime: HANDLER_RUNTIME,
      architecture: HANDLER_ARCHITECTURE,
      memorySize: FUNCTION_MEMORY_MB,
      timeout: FUNCTION_TIMEOUT,
      role: this.controllerRole,
      logGroup,
      environment,
      bundling: nodejsBundlingOptions(),
      reservedConcurrentExecutions: reserved,
      // A failed tick is retried by the next scheduled one, with fresh state; Lambda's own retries would only
      // repeat it against a stale view.
      retryAttempts: 0,
      vpc: props.vpc,
      vpcSubnets: props.vpc === undefined ? undefined : props.vpcSubnets,
      securityGroups: props.securityGroups === undefined ? undefined : [...props.securityGroups],
    });
    logGroup.grantWrite(this.controllerRole);
    return fn;
  }

  /**
   * Lets `grantee` (a CI pipeline, an operator role) queue runtime controls — promote, abort, pause, resume,
   * retry — as `fledge promote` does: read a canary's state item and commit it with a history item. Limited to
   * the partition keys of `scope`.
   */
  grantRuntimeControl(grantee: iam.IGrantable, scope: RuntimeControlScope = {}): iam.Grant {
    if (scope.namespace !== undefined && scope.cluster === undefined) {
      throw new Error(`FledgeController.grantRuntimeControl: namespace ${JSON.stringify(scope.namespace)} given without cluster; a canary's key starts with its cluster`);
    }
    const prefix = `CANARY#${scope.cluster ?? '*'}#${scope.namespace ?? '*'}#*`;
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:ConditionCheckItem'],
      resourceArns: [this.table.tableArn],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [prefix] } },
    });
  }

  /** Lets `grantee` read canary state and history (`fledge status`, `fledge history`, dashboards). */
  grantRead(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan'],
      resourceArns: [this.table.tableArn, `${this.table.tableArn}/index/${BY_CLUSTER_INDEX}`],
    });
  }

  /** Committed steps across all canaries (Sum). */
  metricSteps(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return fledgeMetric(FledgeMetric.steps, { statistic: 'Sum', ...props });
  }

  /** Promotions finished (Sum). */
  metricPromotions(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return fledgeMetric(FledgeMetric.promotions, { statistic: 'Sum', ...props });
  }

  /** Rollbacks (Sum). */
  metricRollbacks(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return fledgeMetric(FledgeMetric.rollbacks, { statistic: 'Sum', ...props });
  }

  /** Wall time of one step in milliseconds (p99 unless told). */
  metricStepDuration(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return fledgeMetric(FledgeMetric.stepDuration, { statistic: 'p99', ...props });
  }

  /** Seconds since the last step of the longest-waiting Progressing canary (Maximum). */
  metricStepAge(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return fledgeMetric(FledgeMetric.stepAge, { statistic: 'Maximum', period: Duration.minutes(1), ...props });
  }
}

/**
 * `<stack name>-<construct id>-advance`: readable in the console and in `aws logs tail`, distinct per stack (two
 * control planes in one account and region, e.g. staging and prod) and per construct. Cut to Lambda's 64
 * characters with a hash of the whole name when longer.
 */
export function advanceFunctionName(stackName: string, constructId: string): string {
  const full = `${stackName}-${constructId.replace(/[^A-Za-z0-9_-]/g, '')}-advance`;
  if (full.length <= 64) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 8);
  return `${full.slice(0, 64 - '-advance'.length - hash.length - 1)}-${hash}-advance`;
}

/** EventBridge Scheduler, acting for a schedule of `groupArn` in this account. */
function schedulerPrincipal(stack: Stack, groupArn: string): iam.IPrincipal {
  return new iam.ServicePrincipal('scheduler.amazonaws.com', {
    conditions: { StringEquals: { 'aws:SourceAccount': stack.account }, ArnEquals: { 'aws:SourceArn': groupArn } },
  });
}

function toSubscription(subscription: AlertSubscription): sns.ITopicSubscription {
  switch (subscription.kind) {
    case 'email':
      return new subscriptions.EmailSubscription(subscription.address);
    case 'https':
      return new subscriptions.UrlSubscription(subscription.url, { protocol: sns.SubscriptionProtocol.HTTPS });
    case 'sqs':
      return new subscriptions.SqsSubscription(subscription.queue);
    case 'lambda':
      return new subscriptions.LambdaSubscription(subscription.function);
    default: {
      const never: never = subscription;
      throw new Error(`unknown subscription ${JSON.stringify(never)}`);
    }
  }
}
