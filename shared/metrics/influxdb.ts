/**
 * The InfluxDB provider (2.x Flux API), as Flagger's client does it: `POST <address>/api/v2/query?org=<org>`
 * with `Authorization: Token <token>` (secret keys `token` and `org`, both required when `secretRef` is set) and
 * the Flux query in a JSON body asking for annotated CSV; the answer is the `_value` of the one record returned.
 * The availability probe queries the `default` bucket over two hours. Unlike Flagger, which answers 0 for an
 * empty result, no record is `noData`, and several records are `multipleValues`.
 */
import { finiteValue, send, shorten } from './http.ts';
import { addressOf, secretKey, type ProviderOptions } from './options.ts';
import type { MetricProvider, MetricQueryResult, OnlineResult } from './types.ts';

/** The body the InfluxDB clients send: Flux, annotated CSV back. */
function queryBody(query: string): string {
  return JSON.stringify({
    query,
    type: 'flux',
    dialect: { header: true, delimiter: ',', annotations: ['datatype', 'group', 'default'], commentPrefix: '#', dateTimeFormat: 'RFC3339' },
  });
}

/** Builds the provider; an incomplete secret is a `ProviderConfigError` naming the key. */
export function createInfluxdbProvider(options: ProviderOptions): MetricProvider {
  const address = addressOf(options);
  const secured = options.spec.secretRef !== undefined;
  const token = secured ? secretKey(options, 'token') : undefined;
  const org = secured ? secretKey(options, 'org') : undefined;
  const run = async (query: string): Promise<{ ok: true; rows: Record<string, string>[] } | { ok: false; error: string }> => {
    const url = new URL(`${address}/api/v2/query`);
    if (org !== undefined) url.search = new URLSearchParams({ org }).toString();
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/csv' };
    if (token !== undefined) headers.authorization = `Token ${token}`;
    const answer = await send({ url, method: 'POST', headers, body: queryBody(query), timeoutMs: options.timeoutMs ?? 15_000, insecureSkipVerify: options.spec.insecureSkipVerify });
    if (!answer.ok) return { ok: false, error: `error accessing influxdb query api: ${answer.error}` };
    if (answer.status >= 300) return { ok: false, error: `error accessing influxdb query api: ${answer.status} ${shorten(answer.body)}` };
    return { ok: true, rows: annotatedCsvRows(answer.body) };
  };
  return {
    type: 'influxdb',
    async query(rendered: string): Promise<MetricQueryResult> {
      const answer = await run(rendered);
      if (!answer.ok) return { kind: 'error', error: answer.error };
      if (answer.rows.length === 0) return { kind: 'noData', reason: 'no values found' };
      if (answer.rows.length > 1) return { kind: 'multipleValues', count: answer.rows.length };
      const raw = answer.rows[0]?._value;
      if (raw === undefined || raw === '') return { kind: 'noData', reason: 'no values found' };
      const value = Number(raw);
      if (Number.isNaN(value) && raw !== 'NaN') return { kind: 'error', error: `invalid response: _value ${JSON.stringify(raw)} is not a number` };
      return finiteValue(value, '_value');
    },
    async isOnline(): Promise<OnlineResult> {
      const answer = await run('from(bucket: "default") |> range(start: -2h)');
      return answer.ok ? { online: true } : { online: false, reason: answer.error };
    },
  };
}

/** The data rows of an annotated CSV answer (every table), keyed by the header of their table. */
export function annotatedCsvRows(csv: string): Record<string, string>[] {
  const rows: Record<string, string>[] = [];
  let header: string[] | undefined;
  for (const line of csv.split(/\r?\n/u)) {
    if (line.trim() === '') {
      header = undefined;
      continue;
    }
    if (line.startsWith('#')) {
      header = undefined;
      continue;
    }
    const cells = splitCsvLine(line);
    if (header === undefined) {
      header = cells;
      continue;
    }
    const row: Record<string, string> = {};
    header.forEach((name, i) => {
      if (name !== '') row[name] = cells[i] ?? '';
    });
    rows.push(row);
  }
  return rows;
}

function splitCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      cells.push(cell);
      cell = '';
    } else cell += c;
  }
  cells.push(cell);
  return cells;
}
