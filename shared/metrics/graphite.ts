/**
 * The Graphite provider, as Flagger's: the query is a render query string (`target=…&from=-1min`), sent as
 * `GET <address>/render?<query>&format=json` with whitespace collapsed, basic auth from the secret's
 * `username`/`password`, optional `insecureSkipVerify`; the answer is the last non-null datapoint. The
 * availability probe renders `target=test` (no data is fine). Several targets with data are `multipleValues`.
 */
import { ProviderConfigError } from './errors.ts';
import { finiteValue, parseJson, send, shorten } from './http.ts';
import { addressOf, secretKey, type ProviderOptions } from './options.ts';
import type { MetricProvider, MetricQueryResult, OnlineResult } from './types.ts';

/** Builds the provider; an incomplete secret is a `ProviderConfigError` naming the key. */
export function createGraphiteProvider(options: ProviderOptions): MetricProvider {
  const base = new URL(addressOf(options));
  const headers: Record<string, string> = {};
  if (options.spec.secretRef !== undefined) {
    if (options.secret?.username === undefined) throw new ProviderConfigError('graphite credentials does not contain a username');
    const credentials = `${secretKey(options, 'username')}:${secretKey(options, 'password')}`;
    headers.authorization = `Basic ${Buffer.from(credentials).toString('base64')}`;
  }
  const run = async (rendered: string): Promise<MetricQueryResult> => {
    const params = new URLSearchParams(rendered.replace(/\s+/gu, ' ').trim());
    params.set('format', 'json');
    params.sort();
    const url = new URL(base.href);
    url.pathname = `${base.pathname.replace(/\/+$/u, '')}/render`;
    url.search = params.toString();
    const answer = await send({ url, headers, timeoutMs: options.timeoutMs, insecureSkipVerify: options.spec.insecureSkipVerify });
    if (!answer.ok) return { kind: 'error', error: answer.error };
    if (answer.status >= 400) return { kind: 'error', error: `error response: ${shorten(answer.body)}` };
    const parsed = parseJson(answer.body);
    if (!parsed.ok) return { kind: 'error', error: parsed.error };
    if (!Array.isArray(parsed.value)) return { kind: 'error', error: `invalid response: expected a JSON array, got '${shorten(answer.body)}'` };
    const lasts = (parsed.value as { datapoints?: unknown[][] }[])
      .map((target) => (target.datapoints ?? []).map((point) => toNumber(point[0])).filter((value): value is number => value !== undefined).at(-1))
      .filter((value): value is number => value !== undefined);
    if (lasts.length === 0) return { kind: 'noData', reason: 'no values found' };
    if (lasts.length > 1) return { kind: 'multipleValues', count: lasts.length };
    return finiteValue(lasts[0] as number, 'the datapoint');
  };
  return {
    type: 'graphite',
    query: run,
    async isOnline(): Promise<OnlineResult> {
      const result = await run('target=test');
      return result.kind === 'error' ? { online: false, reason: `running query failed: ${result.error}` } : { online: true };
    },
  };
}

/** A datapoint value: a number, a numeric string, or null (no value). */
function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '') return Number(value);
  return undefined;
}
