/**
 * The props of {@link FledgeController} and their validation. Every check runs at synth time and names the
 * value it was given, so a typo in `cdk.json` or `-c clusters=…` fails `cdk synth`, not the first tick.
 */
import { Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';

/** The Kubernetes group `fledge crds` binds the controller's ClusterRole to (see `shared/api/rbac-rules.ts`). */
export const CONTROLLER_KUBERNETES_GROUP = 'fledge:controller';

/** One EKS cluster Fledge drives. */
export interface FledgeCluster {
  /** The EKS cluster name, as `aws eks list-clusters` prints it (also the `cluster` of every canary id). */
  readonly name: string;
  /** The cluster's region, e.g. `eu-west-1`. */
  readonly region: string;
  /**
   * The cluster's account.
   * @default the stack's account
   */
  readonly account?: string;
  /**
   * A role in the cluster's account that the controller assumes to reach it (required for a cluster in another
   * account: that account maps this role in its own access entry). The controller gets `sts:AssumeRole` on it.
   * @default the controller's own role (same-account clusters)
   */
  readonly roleArn?: string;
  /**
   * Whether this stack creates the EKS access entry that maps the controller's role to the Kubernetes group
   * `fledge:controller`. Only possible for a cluster in the stack's account and region without `roleArn`; turn it
   * off when the entry is managed elsewhere (eksctl, Terraform, another stack).
   * @default true for a cluster in the stack's account and region reached without `roleArn`; false otherwise
   */
  readonly createAccessEntry?: boolean;
}

/** An endpoint the alert topic delivers to. */
export type AlertSubscription =
  | { readonly kind: 'email'; readonly address: string }
  | { readonly kind: 'https'; readonly url: string }
  | { readonly kind: 'sqs'; readonly queue: sqs.IQueue }
  | { readonly kind: 'lambda'; readonly function: lambda.IFunction };

/** Props of {@link FledgeController}. */
export interface FledgeControllerProps {
  /**
   * The EKS clusters whose Canaries Fledge drives. May be empty: the control plane deploys and idles until a
   * cluster is added.
   * @default [] (no cluster)
   */
  readonly clusters?: readonly FledgeCluster[];
  /**
   * Endpoints subscribed to the alert topic (Fledge's notifications and the CloudWatch alarms).
   * @default [] (subscribe later, e.g. with `topic.addSubscription`)
   */
  readonly alertSubscriptions?: readonly AlertSubscription[];
  /**
   * How long each step's history item (the audit trail) is kept before DynamoDB's TTL removes it. Whole days.
   * @default Duration.days(90)
   */
  readonly historyRetention?: Duration;
  /**
   * Reserved concurrency of the advance function (one invocation per canary in flight at a time). Reserving
   * takes concurrency from the account's unreserved pool, which must stay at 100 or more.
   * @default no reservation
   */
  readonly advanceReservedConcurrency?: number;
  /**
   * Reserved concurrency of the watcher function. `1` keeps watch passes from overlapping.
   * @default no reservation
   */
  readonly watcherReservedConcurrency?: number;
  /**
   * A VPC to place both functions in, for clusters with a private API endpoint. The subnets need a route to
   * DynamoDB, STS, EKS, SNS, EventBridge, Scheduler and CloudWatch Logs (NAT or VPC endpoints).
   * @default not in a VPC
   */
  readonly vpc?: ec2.IVpc;
  /**
   * The subnets of `vpc` the functions use.
   * @default the VPC's private subnets (requires `vpc`)
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * Security groups of the functions in `vpc`; they must allow HTTPS out to the clusters' API endpoints.
   * @default one security group allowing all outbound traffic (requires `vpc`)
   */
  readonly securityGroups?: readonly ec2.ISecurityGroup[];
  /**
   * Retention of the functions' log groups.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What CloudFormation does with the state table, its encryption key and the log groups when they leave the
   * stack. `RETAIN` also turns on the table's deletion protection.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * The event bus Fledge puts its events on (`events:PutEvents` is granted on it).
   * @default the account's default bus
   */
  readonly eventBus?: events.IEventBus;
  /**
   * How long a Progressing canary may go without a committed step before the stuck-canary alarm fires.
   * @default Duration.minutes(15)
   */
  readonly stepAgeAlarmThreshold?: Duration;
}

/** The props with their defaults applied, as the construct uses them. */
export interface ResolvedProps {
  readonly clusters: readonly FledgeCluster[];
  readonly alertSubscriptions: readonly AlertSubscription[];
  readonly historyRetentionDays: number;
  readonly advanceReservedConcurrency?: number;
  readonly watcherReservedConcurrency?: number;
  readonly vpc?: ec2.IVpc;
  readonly vpcSubnets?: ec2.SubnetSelection;
  readonly securityGroups?: readonly ec2.ISecurityGroup[];
  readonly logRetention?: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
  readonly eventBus?: events.IEventBus;
  readonly stepAgeAlarmSeconds: number;
}

const CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/;
const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d+$/;
const ACCOUNT = /^\d{12}$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/[\w+=,.@/-]{1,512}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** A synth-time error in the construct's props; the message names the prop and the value given. */
export class FledgePropsError extends Error {
  override readonly name = 'FledgePropsError';
}

function fail(message: string): never {
  throw new FledgePropsError(`FledgeController: ${message}`);
}

const show = (value: unknown): string => JSON.stringify(value) ?? String(value);

function checkCluster(cluster: FledgeCluster, index: number): void {
  const at = `clusters[${index}]`;
  if (typeof cluster?.name !== 'string' || !CLUSTER_NAME.test(cluster.name)) {
    fail(`${at}.name: expected an EKS cluster name (letters, digits, - and _, 1-100 characters), got ${show(cluster?.name)}`);
  }
  if (typeof cluster.region !== 'string' || !REGION.test(cluster.region)) {
    fail(`${at}.region (cluster ${cluster.name}): expected an AWS region such as "eu-west-1", got ${show(cluster.region)}`);
  }
  if (cluster.account !== undefined && !ACCOUNT.test(cluster.account)) {
    fail(`${at}.account (cluster ${cluster.name}): expected a 12-digit account id, got ${show(cluster.account)}`);
  }
  if (cluster.roleArn !== undefined) {
    const match = ROLE_ARN.exec(cluster.roleArn);
    if (match === null) {
      fail(`${at}.roleArn (cluster ${cluster.name}): expected an IAM role ARN such as "arn:aws:iam::123456789012:role/fledge", got ${show(cluster.roleArn)}`);
    }
    if (cluster.account !== undefined && match[1] !== cluster.account) {
      fail(`${at}.roleArn (cluster ${cluster.name}): the role is in account ${match[1]} but the cluster's account is ${cluster.account}`);
    }
  }
  if (cluster.createAccessEntry === true && cluster.roleArn !== undefined) {
    fail(`${at}.createAccessEntry (cluster ${cluster.name}): true with roleArn ${cluster.roleArn}; the access entry for a role in another account is created in that account, not by this stack`);
  }
}

function checkSubscription(subscription: AlertSubscription, index: number): void {
  const at = `alertSubscriptions[${index}]`;
  switch (subscription?.kind) {
    case 'email':
      if (typeof subscription.address !== 'string' || !EMAIL.test(subscription.address)) {
        fail(`${at}.address: expected an email address, got ${show(subscription.address)}`);
      }
      return;
    case 'https':
      if (typeof subscription.url !== 'string' || !/^https:\/\/[^\s/]+/.test(subscription.url)) {
        fail(`${at}.url: expected an https:// URL, got ${show(subscription.url)}`);
      }
      return;
    case 'sqs':
      if (subscription.queue === undefined) fail(`${at}.queue: expected an SQS queue, got undefined`);
      return;
    case 'lambda':
      if (subscription.function === undefined) fail(`${at}.function: expected a Lambda function, got undefined`);
      return;
    default:
      fail(`${at}.kind: expected one of email, https, sqs, lambda, got ${show((subscription as { kind?: unknown })?.kind)}`);
  }
}

function checkConcurrency(name: string, value: number | undefined): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  if (!Number.isInteger(value) || value < 1) fail(`${name}: expected a whole number of at least 1, got ${show(value)}`);
}

function wholeDays(name: string, value: Duration): number {
  const days = value.toDays({ integral: false });
  if (!Number.isInteger(days) || days < 1 || days > 3650) {
    fail(`${name}: expected whole days between 1 and 3650, got ${value.toHumanString()}`);
  }
  return days;
}

/** Validates `props` and applies the defaults documented on {@link FledgeControllerProps}. */
export function resolveProps(props: FledgeControllerProps): ResolvedProps {
  const clusters = props.clusters ?? [];
  clusters.forEach(checkCluster);
  const seen = new Set<string>();
  for (const cluster of clusters) {
    if (seen.has(cluster.name)) fail(`clusters: cluster name ${show(cluster.name)} is listed twice; a canary id holds the cluster name, so names must be unique`);
    seen.add(cluster.name);
  }
  const alertSubscriptions = props.alertSubscriptions ?? [];
  alertSubscriptions.forEach(checkSubscription);
  checkConcurrency('advanceReservedConcurrency', props.advanceReservedConcurrency);
  checkConcurrency('watcherReservedConcurrency', props.watcherReservedConcurrency);
  if (props.vpc === undefined && props.vpcSubnets !== undefined) fail('vpcSubnets: given without vpc; pass the VPC the subnets belong to');
  if (props.vpc === undefined && props.securityGroups !== undefined) fail('securityGroups: given without vpc; pass the VPC the security groups belong to');
  const stepAge = props.stepAgeAlarmThreshold ?? Duration.minutes(15);
  const stepAgeAlarmSeconds = stepAge.toSeconds();
  if (stepAgeAlarmSeconds < 120) fail(`stepAgeAlarmThreshold: expected at least 2 minutes (Scheduler fires at most once a minute), got ${stepAge.toHumanString()}`);
  return {
    clusters,
    alertSubscriptions,
    historyRetentionDays: wholeDays('historyRetention', props.historyRetention ?? Duration.days(90)),
    advanceReservedConcurrency: props.advanceReservedConcurrency,
    watcherReservedConcurrency: props.watcherReservedConcurrency,
    vpc: props.vpc,
    vpcSubnets: props.vpcSubnets,
    securityGroups: props.securityGroups,
    logRetention: props.logRetention,
    removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    eventBus: props.eventBus,
    stepAgeAlarmSeconds,
  };
}
