/** The Lambdas' settings: every variable checked, with the variable's name and the fix in the message. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../lambdas/runtime/config.ts';
import { redact } from '../../lambdas/runtime/redact.ts';

export const ENV = {
  TABLE_NAME: 'fledge',
  SCHEDULE_GROUP: 'fledge',
  SCHEDULER_ROLE_ARN: 'arn:aws:iam::111111111111:role/fledge-scheduler',
  ADVANCE_FUNCTION_ARN: 'arn:aws:lambda:eu-west-1:111111111111:function:fledge-advance',
  DLQ_ARN: 'arn:aws:sqs:eu-west-1:111111111111:fledge-dlq',
  TOPIC_ARN: 'arn:aws:sns:eu-west-1:111111111111:fledge',
  CLUSTERS: '[{"name":"prod-eu","region":"eu-west-1"},{"name":"partner","region":"us-east-1","roleArn":"arn:aws:iam::222222222222:role/fledge"}]',
  HISTORY_TTL_DAYS: '30',
  POWERTOOLS_SERVICE_NAME: 'fledge',
};

describe('loadConfig', () => {
  it('reads the construct’s variables into a frozen config', () => {
    const config = loadConfig(ENV);
    expect(config).toEqual({
      tableName: 'fledge',
      scheduleGroup: 'fledge',
      schedulerRoleArn: ENV.SCHEDULER_ROLE_ARN,
      advanceFunctionArn: ENV.ADVANCE_FUNCTION_ARN,
      dlqArn: ENV.DLQ_ARN,
      topicArn: ENV.TOPIC_ARN,
      clusters: [{ name: 'prod-eu', region: 'eu-west-1' }, { name: 'partner', region: 'us-east-1', roleArn: 'arn:aws:iam::222222222222:role/fledge' }],
      historyTtlDays: 30,
      serviceName: 'fledge',
    });
    expect(Object.isFrozen(config)).toBe(true);
    expect(loadConfig({ ...ENV, EVENT_BUS_NAME: 'bus', HISTORY_TTL_DAYS: '' })).toMatchObject({ eventBusName: 'bus', historyTtlDays: 90 });
  });

  it.each([
    [{ TABLE_NAME: undefined }, 'TABLE_NAME is not set; the Fledge construct sets it (expected a DynamoDB table name)'],
    [{ SCHEDULER_ROLE_ARN: 'role' }, 'SCHEDULER_ROLE_ARN: expected an IAM role ARN, got "role"'],
    [{ CLUSTERS: 'prod' }, 'CLUSTERS: expected JSON like [{"name":"prod-eu","region":"eu-west-1"}], got "prod"'],
    [{ CLUSTERS: '[]' }, 'CLUSTERS: expected a non-empty JSON array of {name, region, roleArn?}, got []'],
    [{ CLUSTERS: '[{"name":"a","region":"europe"}]' }, 'CLUSTERS[0].region: expected an AWS region like eu-west-1, got "europe"'],
    [{ CLUSTERS: '[{"name":"a","region":"eu-west-1","roleArn":"x"}]' }, 'CLUSTERS[0].roleArn: expected an IAM role ARN, got "x"'],
    [{ CLUSTERS: '[{"name":"a","region":"eu-west-1"},{"name":"a","region":"eu-west-2"}]' }, 'CLUSTERS[1].name: a appears twice; each cluster once'],
    [{ HISTORY_TTL_DAYS: '0.5' }, 'HISTORY_TTL_DAYS: expected a whole number of days ≥ 1, got "0.5"'],
  ])('refuses %j', (change, message) => {
    expect(() => loadConfig({ ...ENV, ...change })).toThrow(message);
  });
});

describe('redact', () => {
  it.each([
    ['POST https://user:s3cret@hooks.example.com/x failed', 'POST https://***@hooks.example.com/x failed'],
    ['webhook http://h.example/?token=abc&x=1 answered 500', 'webhook http://h.example/?token=***&x=1 answered 500'],
    ['Authorization: Bearer k8s-aws-v1.aHR0cHM6Ly9zdHM', 'Authorization: Bearer ***'],
    ['token k8s-aws-v1.aHR0cHM6Ly9zdHM was refused', 'token k8s-aws-v1.*** was refused'],
    ['https://hooks.slack.com/services/T0/B0/XyZ?api_key=1 failed', 'https://hooks.slack.com/services/***?api_key=*** failed'],
    ['https://discord.com/api/webhooks/123/abc-def', 'https://discord.com/api/webhooks/***'],
  ])('%s', (text, expected) => {
    expect(redact(text)).toBe(expected);
  });
});
