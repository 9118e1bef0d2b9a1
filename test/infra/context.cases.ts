/**
 * The app's context (`-c key=value`, cdk.json) becomes construct props; bad values fail naming the key.
 */
import { App, Stack } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/bin/fledge.ts';
import { parseClusterSpec } from '../../infra/context.ts';
import { nagFindings, quickApp } from './harness.ts';

describe('context', () => {
  it.each([
    ['prod-eu:eu-west-1', { name: 'prod-eu', region: 'eu-west-1' }],
    ['prod-b:us-east-1:222222222222', { name: 'prod-b', region: 'us-east-1', account: '222222222222' }],
    ['prod-c:us-east-1:arn:aws:iam::333333333333:role/fledge', { name: 'prod-c', region: 'us-east-1', roleArn: 'arn:aws:iam::333333333333:role/fledge' }],
  ])('reads the cluster %s', (spec, cluster) => {
    expect(parseClusterSpec(spec)).toEqual(cluster);
  });

  it.each([
    ['prod-eu', 'context clusters: expected name:region[:account or role ARN], got "prod-eu"'],
    ['prod:eu-west-1:1:2', 'context clusters: expected name:region[:account or role ARN], got "prod:eu-west-1:1:2"'],
  ])('refuses the cluster %s', (spec, message) => {
    expect(() => parseClusterSpec(spec)).toThrow(message);
  });

  it.each([
    [{ removalPolicy: 'keep' }, 'context removalPolicy: expected retain or destroy, got "keep"'],
    [{ historyDays: 'ninety' }, 'context historyDays: expected a whole number, got "ninety"'],
    [{ logRetentionDays: '31' }, 'context logRetentionDays: expected one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653, 9999, got 31'],
    [{ subnetIds: 'subnet-1' }, 'context subnetIds: given without vpcId; pass -c vpcId=vpc-… as well'],
    [{ vpcId: 'vpc-0123456789abcdef0' }, 'context subnetIds: required with vpcId vpc-0123456789abcdef0: the subnets the functions use, e.g. subnet-0abc,subnet-0def'],
    [{ clusters: 'prod:mars-1' }, 'FledgeController: clusters[0].region (cluster prod): expected an AWS region such as "eu-west-1", got "mars-1"'],
  ])('refuses the context %j', (context, message) => {
    expect(() => buildApp(quickApp(context), {})).toThrow(message);
  });

  it('deploys what -c asks for, with zero unacknowledged cdk-nag findings', () => {
    const app = quickApp({
      clusters: 'prod-eu:eu-west-1,prod-us:us-east-1:arn:aws:iam::222222222222:role/fledge',
      alertEmails: 'platform@example.com',
      alertUrls: 'https://hooks.example.com/fledge',
      historyDays: '30',
      logRetentionDays: '14',
      removalPolicy: 'destroy',
      advanceReservedConcurrency: '20',
      watcherReservedConcurrency: '1',
      eventBusName: 'releases',
      vpcId: 'vpc-0123456789abcdef0',
      subnetIds: 'subnet-0123456789abcdef0,subnet-0fedcba9876543210',
      securityGroupIds: 'sg-0123456789abcdef0',
      stackName: 'fledge-prod',
    });
    const stack = buildApp(app, { CDK_DEFAULT_ACCOUNT: '111111111111', CDK_DEFAULT_REGION: 'eu-west-1' });
    expect(nagFindings(app)).toEqual([]);
    const template = Template.fromJSON(JSON.parse(JSON.stringify(app.synth().getStackArtifact(stack.artifactId).template)));
    expect(stack.stackName).toBe('fledge-prod');
    template.hasResourceProperties('AWS::Lambda::Function', { FunctionName: 'fledge-prod-Controller-advance' });
    const [fn] = Object.values(template.findResources('AWS::Lambda::Function'));
    expect(fn!.Properties.Environment.Variables).toMatchObject({
      CLUSTERS: '[{"name":"prod-eu","region":"eu-west-1"},{"name":"prod-us","region":"us-east-1","roleArn":"arn:aws:iam::222222222222:role/fledge"}]',
      HISTORY_TTL_DAYS: '30',
      EVENT_BUS_NAME: 'releases',
    });
    expect(fn!.Properties.VpcConfig).toEqual({ SubnetIds: ['subnet-0123456789abcdef0', 'subnet-0fedcba9876543210'], SecurityGroupIds: ['sg-0123456789abcdef0'] });
    template.resourceCountIs('AWS::EKS::AccessEntry', 1);
    template.resourceCountIs('AWS::SNS::Subscription', 2);
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 14 });
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete' });
  });

  it('the cdk-nag check reports an unacknowledged finding (it is not blind)', () => {
    const app = quickApp();
    new sqs.Queue(new Stack(app, 'Plain'), 'Queue');
    expect(nagFindings(app).map((f) => f.ruleName).sort()).toEqual(['AwsSolutions-SQS3', 'AwsSolutions-SQS4']);
  });

  it('reads clusters as objects from cdk.json', () => {
    const app = quickApp({ clusters: [{ name: 'prod-eu', region: 'eu-west-1', createAccessEntry: false }] });
    const template = Template.fromStack(buildApp(app, { CDK_DEFAULT_ACCOUNT: '111111111111', CDK_DEFAULT_REGION: 'eu-west-1' }));
    template.resourceCountIs('AWS::EKS::AccessEntry', 0);
  });

  it('is what cdk.json runs', async () => {
    const { readFile } = await import('node:fs/promises');
    const cdkJson = JSON.parse(await readFile(new URL('../../cdk.json', import.meta.url), 'utf8')) as { app: string };
    expect(cdkJson.app).toBe('npx --no-install node infra/bin/fledge.ts');
    expect(new App()).toBeInstanceOf(App);
  });
});
