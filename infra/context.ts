/**
 * Reads the app's configuration from CDK context (`-c key=value` or `cdk.json`'s `context`), so
 * `npx cdk deploy -c clusters=prod-eu:eu-west-1` needs no code. Every key is optional.
 *
 * | key | value |
 * |---|---|
 * | `clusters` | `name:region[:account or role ARN],…` or, in cdk.json, an array of `FledgeCluster` objects |
 * | `alertEmails` | `a@example.com,b@example.com` |
 * | `alertUrls` | `https://hooks.example.com/fledge,…` |
 * | `historyDays` | days each step's history item is kept (default 90) |
 * | `logRetentionDays` | one of CloudWatch's retention values (default 30) |
 * | `removalPolicy` | `retain` (default) or `destroy` |
 * | `advanceReservedConcurrency`, `watcherReservedConcurrency` | whole numbers |
 * | `eventBusName` | the bus Fledge's events go to (default: the account's default bus) |
 * | `vpcId`, `subnetIds`, `securityGroupIds` | place the functions in a VPC (`subnetIds` required with `vpcId`) |
 * | `stackName` | the stack's name (default `Fledge`) |
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { FledgePropsError, type AlertSubscription, type FledgeCluster, type FledgeControllerProps } from './props.ts';

/** Reads one context value (`node.tryGetContext`). */
export type ContextReader = (key: string) => unknown;

/** The context keys the app reads. */
export const CONTEXT_KEYS = [
  'clusters', 'alertEmails', 'alertUrls', 'historyDays', 'logRetentionDays', 'removalPolicy',
  'advanceReservedConcurrency', 'watcherReservedConcurrency', 'eventBusName', 'vpcId', 'subnetIds', 'securityGroupIds', 'stackName',
] as const;

function fail(key: string, message: string): never {
  throw new FledgePropsError(`context ${key}: ${message}`);
}

const show = (value: unknown): string => JSON.stringify(value) ?? String(value);

function list(key: string, value: unknown): string[] | undefined {
  if (value === undefined || value === '') return undefined;
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value;
  if (typeof value !== 'string') fail(key, `expected a comma-separated list, got ${show(value)}`);
  return value.split(',').map((item) => item.trim()).filter((item) => item !== '');
}

function wholeNumber(key: string, value: unknown): number | undefined {
  if (value === undefined || value === '') return undefined;
  const number = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(number)) fail(key, `expected a whole number, got ${show(value)}`);
  return number;
}

/** Parses `name:region`, `name:region:account` or `name:region:arn:aws:iam::account:role/name`. */
export function parseClusterSpec(spec: string): FledgeCluster {
  const [name, region, ...rest] = spec.split(':');
  if (name === undefined || name === '' || region === undefined || region === '') {
    fail('clusters', `expected name:region[:account or role ARN], got ${show(spec)}`);
  }
  const tail = rest.join(':');
  if (tail === '') return { name, region };
  if (tail.startsWith('arn:')) return { name, region, roleArn: tail };
  if (rest.length === 1) return { name, region, account: tail };
  fail('clusters', `expected name:region[:account or role ARN], got ${show(spec)}`);
}

function clusters(value: unknown): FledgeCluster[] | undefined {
  if (value === undefined || value === '') return undefined;
  if (Array.isArray(value) && value.every((item) => typeof item === 'object' && item !== null)) return value as FledgeCluster[];
  return list('clusters', value)?.map(parseClusterSpec);
}

function removalPolicy(value: unknown): RemovalPolicy | undefined {
  if (value === undefined || value === '') return undefined;
  if (value === 'retain') return RemovalPolicy.RETAIN;
  if (value === 'destroy') return RemovalPolicy.DESTROY;
  fail('removalPolicy', `expected retain or destroy, got ${show(value)}`);
}

function logRetention(value: unknown): logs.RetentionDays | undefined {
  const days = wholeNumber('logRetentionDays', value);
  if (days === undefined) return undefined;
  const allowed = Object.values(logs.RetentionDays).filter((v): v is number => typeof v === 'number');
  if (!allowed.includes(days)) fail('logRetentionDays', `expected one of ${allowed.join(', ')}, got ${days}`);
  return days as logs.RetentionDays;
}

/** The construct props the context asks for, building imported VPC, subnets and bus in `scope`. */
export function propsFromContext(scope: Construct, read: ContextReader): FledgeControllerProps {
  const alertSubscriptions: AlertSubscription[] = [
    ...(list('alertEmails', read('alertEmails')) ?? []).map((address): AlertSubscription => ({ kind: 'email', address })),
    ...(list('alertUrls', read('alertUrls')) ?? []).map((url): AlertSubscription => ({ kind: 'https', url })),
  ];
  const historyDays = wholeNumber('historyDays', read('historyDays'));
  const eventBusName = read('eventBusName');
  if (eventBusName !== undefined && (typeof eventBusName !== 'string' || eventBusName === '')) fail('eventBusName', `expected a bus name, got ${show(eventBusName)}`);
  const vpcId = read('vpcId');
  const subnetIds = list('subnetIds', read('subnetIds'));
  const securityGroupIds = list('securityGroupIds', read('securityGroupIds'));
  let vpc: Pick<FledgeControllerProps, 'vpc' | 'vpcSubnets' | 'securityGroups'> = {};
  if (vpcId !== undefined) {
    if (typeof vpcId !== 'string' || !/^vpc-[0-9a-f]+$/.test(vpcId)) fail('vpcId', `expected a VPC id such as vpc-0abc123, got ${show(vpcId)}`);
    if (subnetIds === undefined || subnetIds.length === 0) fail('subnetIds', `required with vpcId ${vpcId}: the subnets the functions use, e.g. subnet-0abc,subnet-0def`);
    const subnets = subnetIds.map((id) => ec2.Subnet.fromSubnetId(scope, `Subnet-${id}`, id));
    vpc = {
      vpc: ec2.Vpc.fromVpcAttributes(scope, 'Vpc', { vpcId, availabilityZones: subnets.map((_, i) => `az-${i}`), privateSubnetIds: subnetIds }),
      vpcSubnets: { subnets },
      ...(securityGroupIds === undefined ? {} : { securityGroups: securityGroupIds.map((id) => ec2.SecurityGroup.fromSecurityGroupId(scope, `SecurityGroup-${id}`, id)) }),
    };
  } else if (subnetIds !== undefined || securityGroupIds !== undefined) {
    fail(subnetIds !== undefined ? 'subnetIds' : 'securityGroupIds', 'given without vpcId; pass -c vpcId=vpc-… as well');
  }
  return {
    clusters: clusters(read('clusters')),
    alertSubscriptions,
    historyRetention: historyDays === undefined ? undefined : Duration.days(historyDays),
    logRetention: logRetention(read('logRetentionDays')),
    removalPolicy: removalPolicy(read('removalPolicy')),
    advanceReservedConcurrency: wholeNumber('advanceReservedConcurrency', read('advanceReservedConcurrency')),
    watcherReservedConcurrency: wholeNumber('watcherReservedConcurrency', read('watcherReservedConcurrency')),
    eventBus: typeof eventBusName === 'string' ? events.EventBus.fromEventBusName(scope, 'EventBus', eventBusName) : undefined,
    ...vpc,
  };
}
