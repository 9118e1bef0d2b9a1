/**
 * The default app as `npx cdk synth` runs it with no context and no credentials: synthesized in-process with
 * real esbuild bundling (once for this file), checked by cdk-nag, and its template's defaults asserted.
 */
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/bin/fledge.ts';
import { bundleHandler } from '../../infra/bundle.ts';
import { HANDLER_ESBUILD } from '../../infra/bundling.ts';
import { FledgeMetric, FLEDGE_METRICS_NAMESPACE } from '../../infra/metrics.ts';
import { BY_CLUSTER_INDEX, BY_CLUSTER_PROJECTED, Keys } from '../../shared/store/table.ts';
import { nagFindings, onlyResource, policyStatements, roleStatements, type Violation } from './harness.ts';

let app: App;
let template: Template;
let findings: Violation[];

beforeAll(() => {
  app = new App({ outdir: mkdtempSync(join(tmpdir(), 'fledge-app-')) });
  const stack = buildApp(app, {});
  findings = nagFindings(app);
  template = Template.fromJSON(JSON.parse(readFileSync(join(app.outdir, `${stack.artifactId}.template.json`), 'utf8')));
}, 120_000);

describe('the default app (no context, no credentials)', () => {
  it('synthesizes with zero unacknowledged cdk-nag AwsSolutions findings', () => {
    expect(findings).toEqual([]);
  });

  it('is environment-agnostic and has no cluster', () => {
    template.resourceCountIs('AWS::EKS::AccessEntry', 0);
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ CLUSTERS: '[]' }) } });
  });

  it('creates the store table on demand with PITR, encryption, TTL and the ByCluster index from shared/store/table.ts', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: {
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [{ AttributeName: Keys.partition, KeyType: 'HASH' }, { AttributeName: Keys.sort, KeyType: 'RANGE' }],
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        DeletionProtectionEnabled: true,
        GlobalSecondaryIndexes: [{
          IndexName: BY_CLUSTER_INDEX,
          KeySchema: [{ AttributeName: Keys.gsi1Partition, KeyType: 'HASH' }, { AttributeName: Keys.gsi1Sort, KeyType: 'RANGE' }],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...BY_CLUSTER_PROJECTED] },
        }],
      },
    });
  });

  it('runs both functions on nodejs24.x, arm64, as ESM bundles, without --enable-source-maps', () => {
    const functions = Object.values(template.findResources('AWS::Lambda::Function'));
    expect(functions).toHaveLength(2);
    for (const fn of functions) {
      expect(fn.Properties).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'], Handler: 'index.handler', MemorySize: 512, Timeout: 60 });
      expect(JSON.stringify(fn.Properties.Environment)).not.toContain('enable-source-maps');
      expect(Object.keys(fn.Properties.Environment.Variables).sort()).toEqual(
        ['ADVANCE_FUNCTION_ARN', 'CLUSTERS', 'DLQ_ARN', 'HISTORY_TTL_DAYS', 'POWERTOOLS_SERVICE_NAME', 'SCHEDULER_ROLE_ARN', 'SCHEDULE_GROUP', 'TABLE_NAME', 'TOPIC_ARN'],
      );
      expect(fn.Properties.Environment.Variables).toMatchObject({ HISTORY_TTL_DAYS: '90', POWERTOOLS_SERVICE_NAME: 'fledge' });
    }
  });

  it('leaves retries to the next scheduled tick and reserves no concurrency by default', () => {
    const configs = Object.values(template.findResources('AWS::Lambda::EventInvokeConfig'));
    expect(configs.map((c) => c.Properties.MaximumRetryAttempts)).toEqual([0, 0]);
    for (const fn of Object.values(template.findResources('AWS::Lambda::Function'))) {
      expect(fn.Properties.ReservedConcurrentExecutions).toBeUndefined();
      expect(fn.Properties.VpcConfig).toBeUndefined();
    }
  });

  it('ships minified bundles with an external source map, byte for byte what infra/bundle.ts builds for the bench', async () => {
    const assetDirs = readdirSync(app.outdir).filter((name) => name.startsWith('asset.'));
    expect(assetDirs.map((dir) => readdirSync(join(app.outdir, dir)).sort())).toEqual([['index.mjs', 'index.mjs.map'], ['index.mjs', 'index.mjs.map']]);
    const shipped = assetDirs.map((dir) => readFileSync(join(app.outdir, dir, 'index.mjs'), 'utf8'));
    // Both functions take their options from the same nodejsBundlingOptions(); rebuilding one keeps the test fast
    // once the real handlers (seconds of esbuild each) are in.
    const { file } = await bundleHandler('advance', mkdtempSync(join(tmpdir(), 'fledge-bundle-advance-')));
    const built = readFileSync(file, 'utf8');
    expect(shipped).toContain(built);
    expect(built).not.toContain('sourceMappingURL');
    expect(built.startsWith(HANDLER_ESBUILD.banner)).toBe(true);
  });

  it('lets the Scheduler role invoke only the advance function and write to the DLQ', () => {
    const statements = roleStatements(template, 'ControllerSchedulerRole');
    expect(statements.map((s) => s.Action)).toEqual(['lambda:InvokeFunction', 'sqs:SendMessage']);
    expect(JSON.stringify(statements[0]!.Resource)).toContain(':function:');
    expect(JSON.stringify(statements[0]!.Resource)).toContain('-advance');
    expect(JSON.stringify(statements[0]!.Resource)).not.toContain('*');
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({
        Principal: { Service: 'scheduler.amazonaws.com' },
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } }, ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [Match.stringLikeRegexp('^ControllerSchedules'), 'Arn'] } } },
      })] },
    });
  });

  it('runs the watcher every minute through Scheduler, with the DLQ and no retries, disabled while no cluster is listed', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(1 minute)',
      State: 'DISABLED',
      Target: Match.objectLike({ DeadLetterConfig: { Arn: Match.anyValue() }, RetryPolicy: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 } }),
    });
    template.resourceCountIs('AWS::Scheduler::ScheduleGroup', 1);
  });

  it('encrypts the alert topic with a rotated key and the DLQ with SQS-managed keys', () => {
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 1209600 });
    template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('grants no Action *, and Resource * only for scheduler:ListSchedules and cloudwatch:GetMetricData, which have no resource-level permission', () => {
    const statements = policyStatements(template);
    for (const statement of statements) expect([statement.Action].flat()).not.toContain('*');
    expect(statements.filter((s) => [s.Resource].flat().includes('*')).map((s) => s.Action).sort()).toEqual(['cloudwatch:GetMetricData', 'scheduler:ListSchedules']);
  });

  it('gives the controller role exactly the actions the runtime calls', () => {
    const actions = roleStatements(template, 'ControllerControllerRole').flatMap((s) => [s.Action].flat());
    expect([...new Set(actions)].sort()).toEqual([
      'aps:QueryMetrics', 'cloudwatch:GetMetricData',
      'dynamodb:ConditionCheckItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:Scan',
      'events:PutEvents', 'iam:PassRole', 'kms:Decrypt', 'kms:GenerateDataKey', 'lambda:InvokeFunction',
      'logs:CreateLogStream', 'logs:PutLogEvents',
      'scheduler:CreateSchedule', 'scheduler:DeleteSchedule', 'scheduler:GetSchedule', 'scheduler:ListSchedules', 'scheduler:UpdateSchedule',
      'sns:Publish',
    ]);
  });

  it('puts events on the default bus only', () => {
    const putEvents = policyStatements(template).filter((s) => s.Action === 'events:PutEvents');
    expect(putEvents).toHaveLength(1);
    expect(JSON.stringify(putEvents[0]!.Resource)).toContain(':event-bus/default');
  });

  it('keeps logs a month and retains them', () => {
    const groups = Object.values(template.findResources('AWS::Logs::LogGroup'));
    expect(groups.map((g) => [g.Properties.RetentionInDays, g.DeletionPolicy])).toEqual([[30, 'Retain'], [30, 'Retain']]);
  });

  it('alarms on dead letters, errors, throttles, duration near the timeout and a stuck Progressing canary, all to the topic', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms.map((a) => a.Properties.MetricName ?? a.Properties.Metrics).sort()).toEqual(
      ['ApproximateNumberOfMessagesVisible', 'Duration', 'Duration', 'Errors', 'Errors', 'Throttles', 'Throttles', FledgeMetric.stepAge],
    );
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([{ Ref: onlyResource(template, 'AWS::SNS::Topic').id }]);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Duration', Threshold: 48_000, Statistic: 'Maximum' });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'Fledge', MetricName: 'stepAge', Dimensions: [{ Name: 'service', Value: 'fledge' }], Threshold: 900, Statistic: 'Maximum',
    });
  });

  it('draws a dashboard of steps, promotions, rollbacks, step duration and errors', () => {
    const body = onlyResource(template, 'AWS::CloudWatch::Dashboard').resource.Properties.DashboardBody as { 'Fn::Join': [string, unknown[]] };
    const json = body['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : 'TOKEN')).join('');
    const widgets = (JSON.parse(json) as { widgets: { properties: { metrics?: unknown[][] } }[] }).widgets;
    const series = widgets.flatMap((w) => w.properties.metrics ?? []).map((m) => (typeof m[0] === 'string' ? `${m[0]}/${m[1]}` : (m[0] as { expression: string }).expression));
    expect(series).toEqual(expect.arrayContaining([
      `${FLEDGE_METRICS_NAMESPACE}/steps`, `${FLEDGE_METRICS_NAMESPACE}/promotions`, `${FLEDGE_METRICS_NAMESPACE}/rollbacks`, `${FLEDGE_METRICS_NAMESPACE}/stepDuration`,
      `SEARCH('{${FLEDGE_METRICS_NAMESPACE},service,kind} MetricName="errors"', 'Sum', 300)`, 'AWS/Lambda/Errors', 'AWS/Lambda/Throttles',
    ]));
  });
});
