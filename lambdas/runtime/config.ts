/**
 * The one place the Lambdas read `process.env` (STYLE 19). The CDK construct sets exactly these variables;
 * a missing or malformed one fails the container's start with a message naming the variable and the fix.
 */
import type { EksClusterConfig } from '../../shared/kube/eks.ts';
import { FledgeError } from '../../shared/errors.ts';

/** The runtime's settings. */
export interface RuntimeConfig {
  /** `TABLE_NAME`: the DynamoDB table of states and history. */
  readonly tableName: string;
  /** `SCHEDULE_GROUP`: the deployment's EventBridge Scheduler group. */
  readonly scheduleGroup: string;
  /** `SCHEDULER_ROLE_ARN`: the role Scheduler assumes to invoke the advance Lambda. */
  readonly schedulerRoleArn: string;
  /** `ADVANCE_FUNCTION_ARN`: the advance Lambda (schedule target, and the watcher's kicks). */
  readonly advanceFunctionArn: string;
  /** `DLQ_ARN`: where firings that exhaust their retries go. */
  readonly dlqArn: string;
  /** `TOPIC_ARN`: the SNS topic of Fledge's own alerts. */
  readonly topicArn: string;
  /** `EVENT_BUS_NAME`: an EventBridge bus for lifecycle events. @default none */
  readonly eventBusName?: string;
  /** `CLUSTERS`: JSON `[{"name":"prod-eu","region":"eu-west-1","roleArn":"arn:…"}]`, `roleArn` optional. */
  readonly clusters: readonly EksClusterConfig[];
  /** `HISTORY_TTL_DAYS`: how long history items are kept. @default 90 */
  readonly historyTtlDays: number;
  /** `POWERTOOLS_SERVICE_NAME`. @default 'fledge' */
  readonly serviceName: string;
}

/** A setting is missing or malformed. */
export class ConfigError extends FledgeError {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/** Reads and checks the settings; the result is frozen. */
export function loadConfig(env: Env = process.env): RuntimeConfig {
  const required = (name: string, pattern?: RegExp, expected?: string): string => {
    const value = env[name];
    if (value === undefined || value.trim() === '') throw new ConfigError(`${name} is not set; the Fledge construct sets it (expected ${expected ?? 'a value'})`);
    if (pattern && !pattern.test(value)) throw new ConfigError(`${name}: expected ${expected}, got ${JSON.stringify(value)}`);
    return value;
  };
  const arn = /^arn:[\w-]+:[\w-]+:[\w-]*:\d{12}:.+$/;
  const ttlText = env['HISTORY_TTL_DAYS'];
  const historyTtlDays = ttlText === undefined || ttlText === '' ? 90 : Number(ttlText);
  if (!Number.isInteger(historyTtlDays) || historyTtlDays < 1) throw new ConfigError(`HISTORY_TTL_DAYS: expected a whole number of days ≥ 1, got ${JSON.stringify(ttlText)}`);
  const eventBusName = env['EVENT_BUS_NAME'];
  return Object.freeze({
    tableName: required('TABLE_NAME', /^[a-zA-Z0-9_.-]{3,255}$/, 'a DynamoDB table name'),
    scheduleGroup: required('SCHEDULE_GROUP', /^[0-9a-zA-Z_.-]{1,64}$/, 'a schedule group name'),
    schedulerRoleArn: required('SCHEDULER_ROLE_ARN', arn, 'an IAM role ARN'),
    advanceFunctionArn: required('ADVANCE_FUNCTION_ARN', arn, 'a Lambda function ARN'),
    dlqArn: required('DLQ_ARN', arn, 'an SQS queue ARN'),
    topicArn: required('TOPIC_ARN', arn, 'an SNS topic ARN'),
    ...(eventBusName ? { eventBusName } : {}),
    clusters: Object.freeze(parseClusters(required('CLUSTERS', undefined, 'a JSON array of clusters'))),
    historyTtlDays,
    serviceName: env['POWERTOOLS_SERVICE_NAME'] || 'fledge',
  });
}

function parseClusters(text: string): EksClusterConfig[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ConfigError(`CLUSTERS: expected JSON like [{"name":"prod-eu","region":"eu-west-1"}], got ${JSON.stringify(text)}`);
  }
  if (!Array.isArray(value) || value.length === 0) throw new ConfigError(`CLUSTERS: expected a non-empty JSON array of {name, region, roleArn?}, got ${text}`);
  const names = new Set<string>();
  return value.map((entry: unknown, index) => {
    const e = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
    const name = e['name'];
    const region = e['region'];
    const roleArn = e['roleArn'];
    if (typeof name !== 'string' || !/^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/.test(name)) throw new ConfigError(`CLUSTERS[${index}].name: expected an EKS cluster name, got ${JSON.stringify(name)}`);
    if (typeof region !== 'string' || !/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) throw new ConfigError(`CLUSTERS[${index}].region: expected an AWS region like eu-west-1, got ${JSON.stringify(region)}`);
    if (roleArn !== undefined && (typeof roleArn !== 'string' || !/^arn:[\w-]+:iam::\d{12}:role\/.+$/.test(roleArn))) {
      throw new ConfigError(`CLUSTERS[${index}].roleArn: expected an IAM role ARN, got ${JSON.stringify(roleArn)}`);
    }
    if (names.has(name)) throw new ConfigError(`CLUSTERS[${index}].name: ${name} appears twice; each cluster once`);
    names.add(name);
    return { name, region, ...(typeof roleArn === 'string' ? { roleArn } : {}) };
  });
}
