/**
 * Invalid props fail at synth, naming the prop and the value given.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { describe, expect, it } from 'vitest';
import { FledgeController } from '../../infra/fledge-controller.ts';
import type { FledgeControllerProps } from '../../infra/props.ts';
import { EU, quickApp } from './harness.ts';

interface Case {
  readonly name: string;
  readonly props: (stack: Stack) => FledgeControllerProps;
  readonly message: string;
}

const cases: Case[] = [
  {
    name: 'a cluster name EKS would refuse',
    props: () => ({ clusters: [{ name: 'prod eu', region: 'eu-west-1' }] }),
    message: 'FledgeController: clusters[0].name: expected an EKS cluster name (letters, digits, - and _, 1-100 characters), got "prod eu"',
  },
  {
    name: 'a region that is not one',
    props: () => ({ clusters: [{ name: 'prod', region: 'europe' }] }),
    message: 'FledgeController: clusters[0].region (cluster prod): expected an AWS region such as "eu-west-1", got "europe"',
  },
  {
    name: 'an account id of the wrong length',
    props: () => ({ clusters: [{ name: 'prod', region: 'eu-west-1', account: '1234' }] }),
    message: 'FledgeController: clusters[0].account (cluster prod): expected a 12-digit account id, got "1234"',
  },
  {
    name: 'a role ARN that is not a role',
    props: () => ({ clusters: [{ name: 'prod', region: 'eu-west-1', roleArn: 'arn:aws:iam::222222222222:user/bob' }] }),
    message: 'FledgeController: clusters[0].roleArn (cluster prod): expected an IAM role ARN such as "arn:aws:iam::123456789012:role/fledge", got "arn:aws:iam::222222222222:user/bob"',
  },
  {
    name: 'a role in another account than the cluster\'s',
    props: () => ({ clusters: [{ name: 'prod', region: 'eu-west-1', account: '333333333333', roleArn: 'arn:aws:iam::222222222222:role/fledge' }] }),
    message: 'FledgeController: clusters[0].roleArn (cluster prod): the role is in account 222222222222 but the cluster\'s account is 333333333333',
  },
  {
    name: 'an access entry asked for a cluster reached through a role',
    props: () => ({ clusters: [{ name: 'prod', region: 'eu-west-1', roleArn: 'arn:aws:iam::222222222222:role/fledge', createAccessEntry: true }] }),
    message: 'FledgeController: clusters[0].createAccessEntry (cluster prod): true with roleArn arn:aws:iam::222222222222:role/fledge; the access entry for a role in another account is created in that account, not by this stack',
  },
  {
    name: 'an access entry asked for a cluster in another region',
    props: () => ({ clusters: [{ name: 'prod-us', region: 'us-east-1', createAccessEntry: true }] }),
    message: 'FledgeController: clusters (cluster prod-us): createAccessEntry is true but the cluster is in region us-east-1 (the stack deploys to eu-west-1); CloudFormation creates an access entry only in the stack\'s own account and region',
  },
  {
    name: 'a cluster in another account without a role to reach it',
    props: () => ({ clusters: [{ name: 'prod-b', region: 'eu-west-1', account: '222222222222', createAccessEntry: false }] }),
    message: 'FledgeController: clusters (cluster prod-b): the cluster is in account 222222222222 but the stack deploys to 111111111111; give roleArn, a role in 222222222222 that the controller may assume and that cluster\'s access entry maps',
  },
  {
    name: 'the same cluster twice',
    props: () => ({ clusters: [{ name: 'prod', region: 'eu-west-1' }, { name: 'prod', region: 'us-east-1' }] }),
    message: 'FledgeController: clusters: cluster name "prod" is listed twice; a canary id holds the cluster name, so names must be unique',
  },
  {
    name: 'an email subscription without an address',
    props: () => ({ alertSubscriptions: [{ kind: 'email', address: 'platform' }] }),
    message: 'FledgeController: alertSubscriptions[0].address: expected an email address, got "platform"',
  },
  {
    name: 'an https subscription on plain http',
    props: () => ({ alertSubscriptions: [{ kind: 'https', url: 'http://hooks.example.com' }] }),
    message: 'FledgeController: alertSubscriptions[0].url: expected an https:// URL, got "http://hooks.example.com"',
  },
  {
    name: 'an unknown subscription kind',
    props: () => ({ alertSubscriptions: [{ kind: 'slack', url: 'x' } as never] }),
    message: 'FledgeController: alertSubscriptions[0].kind: expected one of email, https, sqs, lambda, got "slack"',
  },
  {
    name: 'a fractional reserved concurrency',
    props: () => ({ advanceReservedConcurrency: 2.5 }),
    message: 'FledgeController: advanceReservedConcurrency: expected a whole number of at least 1, got 2.5',
  },
  {
    name: 'a zero watcher concurrency',
    props: () => ({ watcherReservedConcurrency: 0 }),
    message: 'FledgeController: watcherReservedConcurrency: expected a whole number of at least 1, got 0',
  },
  {
    name: 'a history retention in hours',
    props: () => ({ historyRetention: Duration.hours(36) }),
    message: 'FledgeController: historyRetention: expected whole days between 1 and 3650, got 1 day 12 hours',
  },
  {
    name: 'subnets without their VPC',
    props: () => ({ vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } }),
    message: 'FledgeController: vpcSubnets: given without vpc; pass the VPC the subnets belong to',
  },
  {
    name: 'security groups without their VPC',
    props: (stack) => ({ securityGroups: [ec2.SecurityGroup.fromSecurityGroupId(stack, 'Sg', 'sg-1')] }),
    message: 'FledgeController: securityGroups: given without vpc; pass the VPC the security groups belong to',
  },
  {
    name: 'a stuck-canary threshold below Scheduler\'s resolution',
    props: () => ({ stepAgeAlarmThreshold: Duration.seconds(30) }),
    message: 'FledgeController: stepAgeAlarmThreshold: expected at least 2 minutes (Scheduler fires at most once a minute), got 30 seconds',
  },
];

describe('invalid props fail at synth', () => {
  it.each(cases)('fails on $name', ({ props, message }) => {
    const stack = new Stack(quickApp(), 'Test', { env: EU });
    expect(() => new FledgeController(stack, 'Fledge', props(stack))).toThrow(message);
  });
});
