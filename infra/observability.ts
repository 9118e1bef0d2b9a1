/**
 * The alarms and dashboard of a Fledge control plane. Every alarm notifies the alert topic.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { FLEDGE_METRIC_DIMENSIONS, FLEDGE_METRICS_NAMESPACE, FledgeMetric } from './metrics.ts';

/** A Fledge EMF metric (namespace `fledge`, dimension `service=fledge`). */
export function fledgeMetric(name: string, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: FLEDGE_METRICS_NAMESPACE,
    metricName: name,
    dimensionsMap: { ...FLEDGE_METRIC_DIMENSIONS },
    period: Duration.minutes(5),
    ...props,
  });
}

/** What the alarms watch. */
export interface ObservabilityProps {
  readonly advance: lambda.IFunction;
  readonly watcher: lambda.IFunction;
  readonly timeout: Duration;
  readonly deadLetterQueue: sqs.IQueue;
  readonly topic: sns.ITopic;
  readonly stepAgeAlarmSeconds: number;
}

/** The alarms (DLQ depth, errors, throttles, duration near timeout, stuck canary) and the dashboard. */
export class FledgeObservability extends Construct {
  /** Every alarm, by construct id. */
  readonly alarms: Readonly<Record<string, cloudwatch.Alarm>>;
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const alarms: Record<string, cloudwatch.Alarm> = {};
    const alarm = (alarmId: string, alarmProps: cloudwatch.AlarmProps): void => {
      const created = new cloudwatch.Alarm(this, alarmId, alarmProps);
      created.addAlarmAction(new actions.SnsAction(props.topic));
      alarms[alarmId] = created;
    };
    alarm('DeadLetters', {
      alarmDescription: 'Scheduler could not deliver a tick or watch pass to its function (see the DLQ messages).',
      metric: props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const nearTimeout = props.timeout.toMilliseconds() * 0.8;
    for (const [name, fn] of [['Advance', props.advance], ['Watcher', props.watcher]] as const) {
      alarm(`${name}Errors`, {
        alarmDescription: `The ${name.toLowerCase()} function failed in 2 of the last 3 five-minute periods.`,
        metric: fn.metricErrors({ period: Duration.minutes(5) }),
        threshold: 1,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      alarm(`${name}Throttles`, {
        alarmDescription: `The ${name.toLowerCase()} function was throttled: ticks are being lost (reserved or account concurrency).`,
        metric: fn.metricThrottles({ period: Duration.minutes(5) }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      alarm(`${name}NearTimeout`, {
        alarmDescription: `The ${name.toLowerCase()} function ran longer than 80% of its ${props.timeout.toHumanString()} timeout.`,
        metric: fn.metricDuration({ period: Duration.minutes(5), statistic: 'Maximum' }),
        threshold: nearTimeout,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }
    alarm('StuckCanary', {
      alarmDescription: `A Progressing canary has had no committed step for ${props.stepAgeAlarmSeconds} s (metric ${FLEDGE_METRICS_NAMESPACE}/${FledgeMetric.stepAge}).`,
      metric: fledgeMetric(FledgeMetric.stepAge, { statistic: 'Maximum', period: Duration.minutes(1) }),
      threshold: props.stepAgeAlarmSeconds,
      evaluationPeriods: 3,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      // No data means no watcher pass, which the watcher's own error and DLQ alarms report.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.alarms = alarms;

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.hours(6),
      widgets: [
        [
          new cloudwatch.GraphWidget({
            title: 'Steps, promotions, rollbacks',
            left: [
              fledgeMetric(FledgeMetric.steps, { statistic: 'Sum', label: 'steps' }),
              fledgeMetric(FledgeMetric.promotions, { statistic: 'Sum', label: 'promotions' }),
              fledgeMetric(FledgeMetric.rollbacks, { statistic: 'Sum', label: 'rollbacks' }),
            ],
            width: 12,
          }),
          new cloudwatch.GraphWidget({
            title: 'Step duration (ms)',
            left: [
              fledgeMetric(FledgeMetric.stepDuration, { statistic: 'p50', label: 'p50' }),
              fledgeMetric(FledgeMetric.stepDuration, { statistic: 'p99', label: 'p99' }),
            ],
            right: [fledgeMetric(FledgeMetric.stepAge, { statistic: 'Maximum', label: 'oldest step age (s)', period: Duration.minutes(1) })],
            width: 12,
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Errors and throttles',
            left: [
              props.advance.metricErrors({ label: 'advance errors' }),
              props.watcher.metricErrors({ label: 'watcher errors' }),
              props.advance.metricThrottles({ label: 'advance throttles' }),
              props.watcher.metricThrottles({ label: 'watcher throttles' }),
            ],
            right: [
              // One series per error kind (the runtime's `errors` metric carries a `kind` dimension).
              new cloudwatch.MathExpression({
                expression: `SEARCH('{${FLEDGE_METRICS_NAMESPACE},service,kind} MetricName="${FledgeMetric.errors}"', 'Sum', 300)`,
                label: 'Fledge errors by kind',
                period: Duration.minutes(5),
              }),
              props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ label: 'dead letters', statistic: 'Maximum' }),
            ],
            width: 12,
          }),
          new cloudwatch.GraphWidget({
            title: 'Function duration (ms)',
            left: [
              props.advance.metricDuration({ statistic: 'p99', label: 'advance p99' }),
              props.watcher.metricDuration({ statistic: 'p99', label: 'watcher p99' }),
            ],
            right: [fledgeMetric(FledgeMetric.watchDuration, { statistic: 'p99', label: 'watch pass p99 (per cluster)' })],
            width: 12,
          }),
        ],
        [new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: Object.values(alarms), width: 24 })],
      ],
    });
  }
}
