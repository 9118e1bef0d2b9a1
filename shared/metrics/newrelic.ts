/**
 * The New Relic provider, as Flagger's: `GET <address>/v1/accounts/<newrelic_account_id>/query?nrql=<query>
 * SINCE <interval seconds> seconds ago` with the `X-Query-Key` header (`newrelic_query_key`); the answer is
 * `results[0].result`. The availability probe runs `SELECT * FROM Metric`.
 */
import { finiteValue, parseJson, send, shorten } from './http.ts';
import { addressOf, intervalMs, secretKey, type ProviderOptions } from './options.ts';
import type { MetricProvider, MetricQueryResult, OnlineResult } from './types.ts';

/** New Relic's Insights query API, Flagger's default. */
export const NEWRELIC_DEFAULT_ADDRESS = 'https://insights-api.newrelic.com';

/** Builds the provider; missing keys are a `ProviderConfigError` naming them. */
export function createNewRelicProvider(options: ProviderOptions): MetricProvider {
  const endpoint = `${addressOf(options, NEWRELIC_DEFAULT_ADDRESS)}/v1/accounts/${encodeURIComponent(secretKey(options, 'newrelic_account_id'))}/query`;
  const headers = { 'X-Query-Key': secretKey(options, 'newrelic_query_key') };
  const sinceSeconds = Math.trunc(intervalMs(options) / 1000);
  const run = async (nrql: string): Promise<{ ok: true; value: unknown } | { ok: false; error: string }> => {
    const url = new URL(endpoint);
    url.search = new URLSearchParams({ nrql }).toString();
    const answer = await send({ url, headers, timeoutMs: options.timeoutMs });
    if (!answer.ok) return answer;
    if (answer.status !== 200) return { ok: false, error: `error response: ${shorten(answer.body)}` };
    return parseJson(answer.body);
  };
  return {
    type: 'newrelic',
    async query(rendered: string): Promise<MetricQueryResult> {
      const parsed = await run(`${rendered} SINCE ${sinceSeconds} seconds ago`);
      if (!parsed.ok) return { kind: 'error', error: parsed.error };
      const results = (parsed.value as { results?: { result?: number | null }[] } | null)?.results ?? [];
      if (results.length > 1) return { kind: 'multipleValues', count: results.length };
      const value = results[0]?.result;
      if (value === undefined || value === null) return { kind: 'noData', reason: 'no values found' };
      return finiteValue(value, 'the result');
    },
    async isOnline(): Promise<OnlineResult> {
      const parsed = await run('SELECT * FROM Metric');
      return parsed.ok ? { online: true } : { online: false, reason: parsed.error };
    },
  };
}
