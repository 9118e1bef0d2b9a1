/**
 * The CloudWatch provider, as Flagger's (`providers/cloudwatch.go`): the query is a JSON array of
 * `MetricDataQuery` (`Id`, `Expression`, `MetricStat`, `ReturnData`, …), run with `GetMetricData` over the last
 * 10 × interval with at most 20 data points; the first value of the first result (CloudWatch returns the newest
 * first) is the answer. The availability probe is a `GetMetricData` with no queries, which a reachable
 * CloudWatch answers with HTTP 400. More than one returned series is `multipleValues` (Flagger keeps the first).
 */
import { CloudWatchClient, GetMetricDataCommand, type GetMetricDataCommandInput, type GetMetricDataOutput, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { parseDuration } from '../api/duration.ts';
import { ProviderConfigError } from './errors.ts';
import { finiteValue } from './http.ts';
import type { MetricProvider, MetricQueryResult, OnlineResult } from './types.ts';

/** How far back CloudWatch is asked, in metric intervals (Flagger's `cloudWatchStartDeltaMultiplierOnMetricInterval`). */
export const CLOUDWATCH_WINDOW_INTERVALS = 10;

/** The CloudWatch client's settings. */
export interface CloudWatchSettings {
  /** An endpoint other than AWS's (a test server). @default AWS's endpoint for the region */
  readonly endpoint?: string;
  /** @default the AWS SDK's default credential chain */
  readonly credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Flagger's `cloudWatchMaxRetries` + 1. @default 4 */
  readonly maxAttempts?: number;
}

/** How a CloudWatch provider is built. */
export interface CloudWatchOptions {
  /** `spec.provider.region`; required, as in Flagger. */
  readonly region: string;
  /** The metric's interval, e.g. `1m`. */
  readonly interval: string;
  readonly now: () => Date;
  readonly settings: CloudWatchSettings;
}

/** Builds the provider; a missing region or bad interval is a {@link ProviderConfigError}. */
export function createCloudWatchProvider(options: CloudWatchOptions): MetricProvider {
  if (options.region === '') throw new ProviderConfigError('cloudwatch region not specified (spec.provider.region)');
  const intervalMs = parseDuration(options.interval);
  if (intervalMs === undefined) throw new ProviderConfigError(`error parsing metric interval ${JSON.stringify(options.interval)}`);
  const { endpoint, credentials, maxAttempts } = options.settings;
  // The SDK client is built on first use: most Canaries never query CloudWatch. (The module is imported
  // statically: an `import()` of the package would keep all of its commands in the Lambda bundle.)
  let client: { send: (input: GetMetricDataCommandInput) => Promise<GetMetricDataOutput> } | undefined;
  const getMetricData = async (input: GetMetricDataCommandInput): Promise<GetMetricDataOutput> => {
    if (client === undefined) {
      const sdk = new CloudWatchClient({
        region: options.region,
        maxAttempts: maxAttempts ?? 4,
        ...(endpoint === undefined ? {} : { endpoint }),
        ...(credentials === undefined ? {} : { credentials }),
      });
      client = { send: (request) => sdk.send(new GetMetricDataCommand(request)) };
    }
    return await client.send(input);
  };
  const windowMs = CLOUDWATCH_WINDOW_INTERVALS * intervalMs;

  return {
    type: 'cloudwatch',
    async query(rendered: string): Promise<MetricQueryResult> {
      let queries: MetricDataQuery[];
      try {
        queries = JSON.parse(rendered) as MetricDataQuery[];
      } catch (error) {
        return { kind: 'error', error: `error unmarshaling query: ${(error as Error).message}` };
      }
      if (!Array.isArray(queries)) return { kind: 'error', error: 'error unmarshaling query: expected a JSON array of MetricDataQuery' };
      const end = options.now();
      try {
        const answer = await getMetricData({ StartTime: new Date(end.getTime() - windowMs), EndTime: end, MaxDatapoints: 20, MetricDataQueries: queries });
        const results = (answer.MetricDataResults ?? []).filter((result) => (result.Values ?? []).length > 0);
        if (results.length === 0) return { kind: 'noData', reason: 'no values found' };
        if (results.length > 1) return { kind: 'multipleValues', count: results.length };
        return finiteValue((results[0]?.Values ?? [])[0] as number, 'the value');
      } catch (error) {
        return { kind: 'error', error: `error requesting cloudwatch: ${(error as Error).message}` };
      }
    },
    async isOnline(): Promise<OnlineResult> {
      try {
        await getMetricData({ StartTime: new Date(0), EndTime: new Date(0), MetricDataQueries: [] });
        return { online: true };
      } catch (error) {
        const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        if (status === 400) return { online: true };
        return { online: false, reason: `unexpected status code ${status ?? 'none'}: ${(error as Error).message}` };
      }
    },
  };
}
