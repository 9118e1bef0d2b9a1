/**
 * The Dynatrace provider, as Flagger's: `GET <address>/api/v2/metrics/query?from=…&metricSelector=…&
 * resolution=Inf&to=…` (milliseconds, the last 10 × interval) with `Authorization: Api-Token
 * <dynatrace_token>`; the answer is the first value of the last series of the first result. The availability
 * probe is `GET /api/v2/metrics?pageSize=1`. Several series are `multipleValues` (Flagger reads the last).
 */
import { finiteValue, parseJson, send, shorten } from './http.ts';
import { addressOf, intervalMs, secretKey, type ProviderOptions } from './options.ts';
import type { MetricProvider, MetricQueryResult, OnlineResult } from './types.ts';

/** Builds the provider; a missing address or token is a `ProviderConfigError`. */
export function createDynatraceProvider(options: ProviderOptions): MetricProvider {
  const address = addressOf(options);
  const headers = { authorization: `Api-Token ${secretKey(options, 'dynatrace_token')}` };
  const windowMs = 10 * intervalMs(options);
  return {
    type: 'dynatrace',
    async query(rendered: string): Promise<MetricQueryResult> {
      const to = Math.trunc(options.now().getTime() / 1000) * 1000;
      const url = new URL(`${address}/api/v2/metrics/query`);
      url.search = new URLSearchParams({ from: String(to - windowMs), metricSelector: rendered, resolution: 'Inf', to: String(to) }).toString();
      const answer = await send({ url, headers, timeoutMs: options.timeoutMs });
      if (!answer.ok) return { kind: 'error', error: answer.error };
      if (answer.status !== 200) return { kind: 'error', error: `error response: ${shorten(answer.body)}` };
      const parsed = parseJson(answer.body);
      if (!parsed.ok) return { kind: 'error', error: parsed.error };
      const data = (parsed.value as { result?: { data?: { values?: (number | null)[] }[] }[] } | null)?.result?.[0]?.data ?? [];
      if (data.length > 1) return { kind: 'multipleValues', count: data.length };
      const value = data[0]?.values?.[0];
      if (value === undefined || value === null) return { kind: 'noData', reason: 'no values found' };
      return finiteValue(value, 'the value');
    },
    async isOnline(): Promise<OnlineResult> {
      const answer = await send({ url: new URL(`${address}/api/v2/metrics?pageSize=1`), headers, timeoutMs: options.timeoutMs });
      if (!answer.ok) return { online: false, reason: answer.error };
      return answer.status === 200 ? { online: true } : { online: false, reason: `error response: ${shorten(answer.body)}` };
    },
  };
}
