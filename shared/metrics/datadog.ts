/**
 * The Datadog provider, as Flagger's: `GET <address>/api/v1/query?from=…&query=…&to=…` over the last
 * 10 × interval, with the `DD-API-KEY` and `DD-APPLICATION-KEY` headers from the secret keys
 * `datadog_api_key` and `datadog_application_key`; the answer is the first point of the series. The
 * availability probe is `GET /api/v1/validate`. Several series are `multipleValues` (Flagger reads the first).
 */
import { finiteValue, parseJson, send, shorten } from './http.ts';
import { addressOf, intervalMs, secretKey, type ProviderOptions } from './options.ts';
import type { MetricProvider, MetricQueryResult, OnlineResult } from './types.ts';

/** Datadog's US endpoint, Flagger's default. */
export const DATADOG_DEFAULT_ADDRESS = 'https://api.datadoghq.com';

/** Builds the provider; missing keys are a `ProviderConfigError` naming them. */
export function createDatadogProvider(options: ProviderOptions): MetricProvider {
  const address = addressOf(options, DATADOG_DEFAULT_ADDRESS);
  const headers = { 'DD-API-KEY': secretKey(options, 'datadog_api_key'), 'DD-APPLICATION-KEY': secretKey(options, 'datadog_application_key') };
  const windowSeconds = Math.trunc((10 * intervalMs(options)) / 1000);
  return {
    type: 'datadog',
    async query(rendered: string): Promise<MetricQueryResult> {
      const to = Math.trunc(options.now().getTime() / 1000);
      const url = new URL(`${address}/api/v1/query`);
      url.search = new URLSearchParams({ from: String(to - windowSeconds), query: rendered, to: String(to) }).toString();
      const answer = await send({ url, headers, timeoutMs: options.timeoutMs });
      if (!answer.ok) return { kind: 'error', error: answer.error };
      if (answer.status !== 200) return { kind: 'error', error: `error response: ${shorten(answer.body)}: ${answer.status}` };
      const parsed = parseJson(answer.body);
      if (!parsed.ok) return { kind: 'error', error: parsed.error };
      const series = (parsed.value as { series?: { pointlist?: (number | null)[][] }[] } | null)?.series ?? [];
      if (series.length > 1) return { kind: 'multipleValues', count: series.length };
      const point = series[0]?.pointlist?.[0];
      if (point === undefined || point.length < 2 || point[1] === null || point[1] === undefined) return { kind: 'noData', reason: 'no values found' };
      return finiteValue(point[1], 'the point');
    },
    async isOnline(): Promise<OnlineResult> {
      const answer = await send({ url: new URL(`${address}/api/v1/validate`), headers, timeoutMs: options.timeoutMs });
      if (!answer.ok) return { online: false, reason: answer.error };
      return answer.status === 200 ? { online: true } : { online: false, reason: `error response: ${shorten(answer.body)}` };
    },
  };
}
