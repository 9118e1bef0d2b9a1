/**
 * FledgeController per prop. Synths are the slow part, so props that do not interact share one stack (every
 * optional prop set at once), clusters share another, grants a third; each test asserts what its prop
 * changes. The defaults are asserted in app.cases.ts.
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT, EU, REGION, controllerTemplate, policyStatements, quickApp, roleStatements } from './harness.ts';
import { FledgeController, advanceFunctionName } from '../../infra/fledge-controller.ts';

const ROLE_IN_OTHER_ACCOUNT = 'arn:aws:iam::222222222222:role/fledge-remote';

function envOf(template: Template): Record<string, string> {
  const fns = Object.values(template.findResources('AWS::Lambda::Function'));
  return fns[0]!.Properties.Environment.Variables;
}

describe('clusters', () => {
  let template: Template;
  let controller: FledgeController;
  beforeAll(() => {
    ({ template, controller } = controllerTemplate({
      clusters: [
        { name: 'prod-eu', region: REGION },
        { name: 'prod-us', region: 'us-east-1' },
        { name: 'prod-b', region: REGION, account: '222222222222', roleArn: ROLE_IN_OTHER_ACCOUNT },
        { name: 'staging', region: REGION, createAccessEntry: false },
      ],
    }, EU));
  });

  it('maps the controller role to fledge:controller in the one cluster of the stack\'s account and region', () => {
    template.resourceCountIs('AWS::EKS::AccessEntry', 1);
    template.hasResource('AWS::EKS::AccessEntry', {
      Properties: { ClusterName: 'prod-eu', KubernetesGroups: ['fledge:controller'], Type: 'STANDARD', PrincipalArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FledgeControllerRole'), 'Arn'] } },
      Condition: Match.absent(),
    });
  });

  it('says why each other cluster has no access entry from this stack', () => {
    const info = controller.node.metadata.filter((m) => m.type === 'aws:cdk:info').map((m) => m.data);
    expect(info).toEqual([
      'Fledge: no access entry for cluster prod-us from this stack: the cluster is in region us-east-1 (the stack deploys to eu-west-1).',
      `Fledge: no access entry for cluster prod-b from this stack: reached through ${ROLE_IN_OTHER_ACCOUNT}, which that account's own access entry maps.`,
      'Fledge: no access entry for cluster staging from this stack: createAccessEntry is false.',
    ]);
  });

  it('grants eks:DescribeCluster on the directly reached clusters and sts:AssumeRole on the other account\'s role only', () => {
    const statements = policyStatements(template);
    const arn = (region: string, name: string): unknown => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:eks:${region}:${ACCOUNT}:cluster/${name}`]] });
    expect(statements.filter((s) => s.Action === 'eks:DescribeCluster').map((s) => s.Resource)).toEqual([[arn(REGION, 'prod-eu'), arn('us-east-1', 'prod-us'), arn(REGION, 'staging')]]);
    expect(statements.filter((s) => s.Action === 'sts:AssumeRole').map((s) => s.Resource)).toEqual([ROLE_IN_OTHER_ACCOUNT]);
  });

  it('runs the watcher once a cluster is listed', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'rate(1 minute)', State: 'ENABLED' });
  });

  it('hands the functions the cluster list as CLUSTERS JSON, roleArn only where given', () => {
    expect(JSON.parse(envOf(template).CLUSTERS!)).toEqual([
      { name: 'prod-eu', region: REGION },
      { name: 'prod-us', region: 'us-east-1' },
      { name: 'prod-b', region: REGION, roleArn: ROLE_IN_OTHER_ACCOUNT },
      { name: 'staging', region: REGION },
    ]);
  });

  it('creates the access entry only when deployed to the cluster\'s region in an environment-agnostic stack', () => {
    const agnostic = controllerTemplate({ clusters: [{ name: 'prod-eu', region: REGION }] }).template;
    agnostic.hasResource('AWS::EKS::AccessEntry', { Condition: 'FledgeInClusterEnvprodeuB7F8FF55' });
    agnostic.hasCondition('FledgeInClusterEnvprodeuB7F8FF55', { 'Fn::Equals': [{ Ref: 'AWS::Region' }, REGION] });
  });
});

describe('every optional prop at once (one shared synth)', () => {
  let template: Template;
  beforeAll(() => {
    const app = quickApp();
    const stack = new Stack(app, 'Test', { env: EU });
    const queue = new sqs.Queue(stack, 'Inbox', { enforceSSL: true });
    const relay = lambda.Function.fromFunctionArn(stack, 'Relay', `arn:aws:lambda:${REGION}:${ACCOUNT}:function:relay`);
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-0123456789abcdef0', availabilityZones: ['eu-west-1a', 'eu-west-1b'], privateSubnetIds: ['subnet-0123456789abcdef0', 'subnet-0fedcba9876543210'] });
    new FledgeController(stack, 'Fledge', {
      alertSubscriptions: [
        { kind: 'email', address: 'platform@example.com' },
        { kind: 'https', url: 'https://hooks.example.com/fledge' },
        { kind: 'sqs', queue },
        { kind: 'lambda', function: relay },
      ],
      historyRetention: Duration.days(30),
      advanceReservedConcurrency: 50,
      watcherReservedConcurrency: 1,
      vpc,
      vpcSubnets: { subnets: [vpc.privateSubnets[0]!] },
      securityGroups: [ec2.SecurityGroup.fromSecurityGroupId(stack, 'Sg', 'sg-0123456789abcdef0')],
      logRetention: logs.RetentionDays.ONE_WEEK,
      removalPolicy: RemovalPolicy.DESTROY,
      eventBus: events.EventBus.fromEventBusName(stack, 'Bus', 'releases'),
      stepAgeAlarmThreshold: Duration.minutes(30),
    });
    template = Template.fromStack(stack);
  });

  it('alertSubscriptions subscribes email, https, SQS and Lambda endpoints to the topic', () => {
    const subscriptions = Object.values(template.findResources('AWS::SNS::Subscription'))
      .map((s) => `${s.Properties.Protocol} ${typeof s.Properties.Endpoint === 'string' ? s.Properties.Endpoint : 'ref'}`);
    expect(subscriptions.sort()).toEqual(['email platform@example.com', 'https https://hooks.example.com/fledge', `lambda arn:aws:lambda:${REGION}:${ACCOUNT}:function:relay`, 'sqs ref']);
  });

  it('historyRetention sets HISTORY_TTL_DAYS', () => {
    expect(envOf(template).HISTORY_TTL_DAYS).toBe('30');
  });

  it('advanceReservedConcurrency and watcherReservedConcurrency reserve per function', () => {
    template.hasResourceProperties('AWS::Lambda::Function', { Description: 'Fledge advance', ReservedConcurrentExecutions: 50 });
    template.hasResourceProperties('AWS::Lambda::Function', { Description: 'Fledge watcher', ReservedConcurrentExecutions: 1 });
  });

  it('vpc, vpcSubnets and securityGroups place both functions', () => {
    for (const fn of Object.values(template.findResources('AWS::Lambda::Function'))) {
      expect(fn.Properties.VpcConfig).toEqual({ SubnetIds: ['subnet-0123456789abcdef0'], SecurityGroupIds: ['sg-0123456789abcdef0'] });
    }
  });

  it('logRetention sets both log groups\' retention', () => {
    const groups = template.findResources('AWS::Logs::LogGroup');
    expect(Object.values(groups).map((g) => g.Properties.RetentionInDays)).toEqual([7, 7]);
  });

  it('removalPolicy DESTROY deletes the table, key and logs and lifts deletion protection', () => {
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete', Properties: { DeletionProtectionEnabled: false } });
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Delete' });
    for (const group of Object.values(template.findResources('AWS::Logs::LogGroup'))) expect(group.DeletionPolicy).toBe('Delete');
  });

  it('eventBus sets EVENT_BUS_NAME and grants events:PutEvents on that bus only', () => {
    expect(envOf(template).EVENT_BUS_NAME).toBe('releases');
    const putEvents = policyStatements(template).filter((s) => s.Action === 'events:PutEvents');
    expect(putEvents.map((s) => s.Resource)).toEqual([{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:events:${REGION}:${ACCOUNT}:event-bus/releases`]] }]);
  });

  it('stepAgeAlarmThreshold sets the stuck-canary alarm\'s threshold in seconds', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'stepAge', Threshold: 1800 });
  });
});

describe('the advance function\'s name', () => {
  it('is <stack>-<construct>-advance, distinct per stack and construct', () => {
    expect(advanceFunctionName('fledge-prod', 'Controller')).toBe('fledge-prod-Controller-advance');
    expect(advanceFunctionName('Fledge', 'My Controller!')).toBe('Fledge-MyController-advance');
  });

  it('stays within Lambda\'s 64 characters, hashed so two long names still differ', () => {
    const a = advanceFunctionName('a'.repeat(60), 'Controller');
    const b = advanceFunctionName('a'.repeat(60), 'Controller2');
    expect([a.length, b.length]).toEqual([64, 64]);
    expect(a).not.toBe(b);
    expect(a.endsWith('-advance')).toBe(true);
  });
});

describe('grants and metrics', () => {
  let template: Template;
  let controller: FledgeController;
  beforeAll(() => {
    const stack = new Stack(quickApp(), 'Test');
    controller = new FledgeController(stack, 'Fledge');
    controller.grantRuntimeControl(new iam.Role(stack, 'Ci', { assumedBy: new iam.AccountRootPrincipal() }), { cluster: 'prod-eu', namespace: 'shop' });
    controller.grantRuntimeControl(new iam.Role(stack, 'Ops', { assumedBy: new iam.AccountRootPrincipal() }));
    controller.grantRead(new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() }));
    template = Template.fromStack(stack);
  });

  it('grantRuntimeControl lets a CI role read and commit state items of the canaries in scope only', () => {
    const ci = roleStatements(template, 'Ci');
    expect(ci).toEqual([{
      Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:ConditionCheckItem'],
      Effect: 'Allow',
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/^FledgeTable/), 'Arn'] },
      Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['CANARY#prod-eu#shop#*'] } },
    }]);
    expect(roleStatements(template, 'Ops')[0]?.Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['CANARY#*#*#*'] } });
  });

  it('grantRuntimeControl refuses a namespace without its cluster', () => {
    expect(() => controller.grantRuntimeControl(new iam.AccountRootPrincipal(), { namespace: 'shop' })).toThrow(
      'FledgeController.grantRuntimeControl: namespace "shop" given without cluster; a canary\'s key starts with its cluster',
    );
  });

  it('grantRead reads the table and the ByCluster index', () => {
    const [statement] = roleStatements(template, 'Reader');
    expect(statement?.Action).toEqual(['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan']);
    expect(JSON.stringify(statement?.Resource)).toContain('/index/ByCluster');
  });

  it('metric methods read the fledge EMF namespace with the service dimension', () => {
    const metrics = [controller.metricSteps(), controller.metricPromotions(), controller.metricRollbacks(), controller.metricStepDuration(), controller.metricStepAge()];
    expect(metrics.map((m) => [m.namespace, m.metricName, m.statistic, m.dimensions])).toEqual([
      ['Fledge', 'steps', 'Sum', { service: 'fledge' }],
      ['Fledge', 'promotions', 'Sum', { service: 'fledge' }],
      ['Fledge', 'rollbacks', 'Sum', { service: 'fledge' }],
      ['Fledge', 'stepDuration', 'p99', { service: 'fledge' }],
      ['Fledge', 'stepAge', 'Maximum', { service: 'fledge' }],
    ]);
  });
});
