/**
 * Datadog, New Relic, Graphite, Dynatrace, InfluxDB and the external metrics API against a local server
 * answering each one's documented shapes: the exact request (path, query, headers, body), a table of answers →
 * results, the secret keys each needs, and the availability probe.
 */
import { createVerify, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { MetricTemplateProvider } from '../../shared/api/types.ts';
import { realProviders } from '../../shared/metrics/factory.ts';
import type { MetricCheckRequest, MetricProvider } from '../../shared/metrics/types.ts';
import { recordingServerForFile } from './recording-server.ts';

const server = recordingServerForFile();
const NOW = new Date('2026-03-01T12:00:00Z');
const NOW_S = NOW.getTime() / 1000;

function build(type: MetricTemplateProvider['type'], secret: Record<string, string> | undefined, extra: Partial<MetricTemplateProvider> = {}, interval = '1m'): MetricProvider {
  const spec: MetricTemplateProvider = { type, address: server.url, ...(secret === undefined ? {} : { secretRef: { name: `${type}-secret` } }), ...extra };
  return realProviders({ now: () => NOW })({ spec, ...(secret === undefined ? {} : { secret }), interval, request: {} as MetricCheckRequest });
}

describe('datadog', () => {
  const secret = { datadog_api_key: 'api-k', datadog_application_key: 'app-k' };

  it('queries the last 10 intervals with both keys and reads the first point', async () => {
    server.answer({ body: { status: 'ok', series: [{ metric: 'x', pointlist: [[1772366100000, 0.42], [1772366160000, 0.9]] }] } });
    const result = await build('datadog', secret, {}, '30s').query('sum:requests.error{service:podinfo}.as_count()');
    expect(result).toEqual({ kind: 'value', value: 0.42 });
    const request = server.requests[0];
    expect([request?.method, request?.path, request?.rawQuery]).toEqual([
      'GET',
      '/api/v1/query',
      `from=${NOW_S - 300}&query=sum%3Arequests.error%7Bservice%3Apodinfo%7D.as_count%28%29&to=${NOW_S}`,
    ]);
    expect([request?.headers['dd-api-key'], request?.headers['dd-application-key']]).toEqual(['api-k', 'app-k']);
  });

  it.each<[string, unknown, unknown]>([
    ['no series', { series: [] }, { kind: 'noData', reason: 'no values found' }],
    ['an empty pointlist', { series: [{ pointlist: [] }] }, { kind: 'noData', reason: 'no values found' }],
    ['a null point', { series: [{ pointlist: [[1, null]] }] }, { kind: 'noData', reason: 'no values found' }],
    ['two series', { series: [{ pointlist: [[1, 1]] }, { pointlist: [[1, 2]] }] }, { kind: 'multipleValues', count: 2 }],
  ])('answers %s', async (_name, body, expected) => {
    server.answer({ body });
    expect(await build('datadog', secret).query('q')).toEqual(expected);
  });

  it('names a missing key, and probes /api/v1/validate', async () => {
    expect(() => build('datadog', { datadog_api_key: 'a' })).toThrow('datadog credentials do not contain datadog_application_key (Secret datadog-secret has no key datadog_application_key)');
    server.answer({ status: 403, body: { errors: ['Forbidden'] } });
    expect(await build('datadog', secret).isOnline()).toEqual({ online: false, reason: 'error response: {"errors":["Forbidden"]}' });
    expect(server.requests[0]?.path).toBe('/api/v1/validate');
  });
});

describe('newrelic', () => {
  const secret = { newrelic_account_id: '100', newrelic_query_key: 'nrq' };

  it('sends the NRQL with SINCE <interval> seconds ago and the query key', async () => {
    server.answer({ body: { results: [{ result: 1.25 }] } });
    const result = await build('newrelic', secret, {}, '2m').query("SELECT percentage(count(*), WHERE httpResponseCode >= '500') as result FROM Transaction");
    expect(result).toEqual({ kind: 'value', value: 1.25 });
    expect(server.requests[0]?.path).toBe('/v1/accounts/100/query');
    expect(server.requests[0]?.query).toEqual({ nrql: "SELECT percentage(count(*), WHERE httpResponseCode >= '500') as result FROM Transaction SINCE 120 seconds ago" });
    expect(server.requests[0]?.headers['x-query-key']).toBe('nrq');
  });

  it.each<[string, unknown, unknown]>([
    ['no results', { results: [] }, { kind: 'noData', reason: 'no values found' }],
    ['a null result', { results: [{ result: null }] }, { kind: 'noData', reason: 'no values found' }],
    ['two results', { results: [{ result: 1 }, { result: 2 }] }, { kind: 'multipleValues', count: 2 }],
  ])('answers %s', async (_name, body, expected) => {
    server.answer({ body });
    expect(await build('newrelic', secret).query('q')).toEqual(expected);
  });

  it('names a missing account id', () => {
    expect(() => build('newrelic', { newrelic_query_key: 'k' })).toThrow('newrelic credentials do not contain newrelic_account_id');
  });
});

describe('graphite', () => {
  it('renders the query string as JSON with basic auth and reads the last non-null datapoint', async () => {
    server.answer({ body: [{ target: 'errors', datapoints: [[1.5, 1772366100], [2.5, 1772366160], [null, 1772366220]] }] });
    const provider = build('graphite', { username: 'g', password: 'p' }, { address: `${server.url}/graphite` });
    const result = await provider.query('target=summarize(app.errors,\n "1min", "sum", false)&from=-1min');
    expect(result).toEqual({ kind: 'value', value: 2.5 });
    expect(server.requests[0]?.path).toBe('/graphite/render');
    expect(server.requests[0]?.query).toEqual({ format: 'json', from: '-1min', target: 'summarize(app.errors, "1min", "sum", false)' });
    expect(server.requests[0]?.headers.authorization).toBe(`Basic ${Buffer.from('g:p').toString('base64')}`);
  });

  it.each<[string, unknown, unknown]>([
    ['no targets', [], { kind: 'noData', reason: 'no values found' }],
    ['only nulls', [{ datapoints: [[null, 1]] }], { kind: 'noData', reason: 'no values found' }],
    ['two targets with data', [{ datapoints: [[1, 1]] }, { datapoints: [[2, 1]] }], { kind: 'multipleValues', count: 2 }],
    ['a string value', [{ datapoints: [['3.5', 1]] }], { kind: 'value', value: 3.5 }],
  ])('answers %s', async (_name, body, expected) => {
    server.answer({ body });
    expect(await build('graphite', undefined).query('target=x')).toEqual(expected);
  });

  it('is online when the probe finds no data', async () => {
    server.answer({ body: [] });
    expect(await build('graphite', undefined).isOnline()).toEqual({ online: true });
    expect(server.requests[0]?.query).toEqual({ format: 'json', target: 'test' });
  });
});

describe('dynatrace', () => {
  it('queries the metric selector over 10 intervals with the API token', async () => {
    server.answer({ body: { totalCount: 1, result: [{ metricId: 'builtin:service.errors.total.rate', data: [{ dimensions: [], timestamps: [1], values: [0.7] }] }] } });
    const result = await build('dynatrace', { dynatrace_token: 'dt0c01.x' }).query('builtin:service.errors.total.rate:avg');
    expect(result).toEqual({ kind: 'value', value: 0.7 });
    expect(server.requests[0]?.path).toBe('/api/v2/metrics/query');
    expect(server.requests[0]?.query).toEqual({ from: String(NOW.getTime() - 600_000), metricSelector: 'builtin:service.errors.total.rate:avg', resolution: 'Inf', to: String(NOW.getTime()) });
    expect(server.requests[0]?.headers.authorization).toBe('Api-Token dt0c01.x');
  });

  it.each<[string, unknown, unknown]>([
    ['no result', { result: [] }, { kind: 'noData', reason: 'no values found' }],
    ['a null value', { result: [{ data: [{ values: [null] }] }] }, { kind: 'noData', reason: 'no values found' }],
    ['two series', { result: [{ data: [{ values: [1] }, { values: [2] }] }] }, { kind: 'multipleValues', count: 2 }],
  ])('answers %s', async (_name, body, expected) => {
    server.answer({ body });
    expect(await build('dynatrace', { dynatrace_token: 't' }).query('q')).toEqual(expected);
  });

  it('needs an address and probes /api/v2/metrics?pageSize=1', async () => {
    expect(() => build('dynatrace', { dynatrace_token: 't' }, { address: '' })).toThrow('dynatrace address is not set (spec.provider.address)');
    server.answer({ body: { metrics: [] } });
    expect(await build('dynatrace', { dynatrace_token: 't' }).isOnline()).toEqual({ online: true });
    expect([server.requests[0]?.path, server.requests[0]?.rawQuery]).toEqual(['/api/v2/metrics', 'pageSize=1']);
  });
});

describe('influxdb', () => {
  const CSV = [
    '#datatype,string,long,dateTime:RFC3339,double',
    '#group,false,false,false,false',
    '#default,_result,,,',
    ',result,table,_time,_value',
    ',,0,2026-03-01T11:59:00Z,12.5',
    '',
  ].join('\r\n');

  it('posts the Flux query for annotated CSV with the token and org, and reads _value', async () => {
    server.answer({ headers: { 'content-type': 'text/csv' }, body: CSV });
    const flux = 'from(bucket: "metrics") |> range(start: -1m) |> mean()';
    expect(await build('influxdb', { token: 'tok', org: 'acme' }).query(flux)).toEqual({ kind: 'value', value: 12.5 });
    const request = server.requests[0];
    expect([request?.method, request?.path, request?.query, request?.headers.authorization]).toEqual(['POST', '/api/v2/query', { org: 'acme' }, 'Token tok']);
    expect(JSON.parse(request?.body ?? '')).toEqual({
      query: flux,
      type: 'flux',
      dialect: { header: true, delimiter: ',', annotations: ['datatype', 'group', 'default'], commentPrefix: '#', dateTimeFormat: 'RFC3339' },
    });
  });

  it.each<[string, string, unknown]>([
    ['no records', '', { kind: 'noData', reason: 'no values found' }],
    ['two records', `${CSV}\r\n,,1,2026-03-01T11:59:00Z,3\r\n`.replace('\r\n\r\n', '\r\n'), { kind: 'multipleValues', count: 2 }],
  ])('answers %s', async (_name, body, expected) => {
    server.answer({ body });
    expect(await build('influxdb', undefined).query('q')).toEqual(expected);
  });

  it('names a missing org', () => {
    expect(() => build('influxdb', { token: 't' })).toThrow('influxdb credentials do not contain org');
  });
});

describe('externalmetrics', () => {
  it('reads the first item of the external metrics API as a quantity', async () => {
    server.answer({ body: { kind: 'ExternalMetricValueList', apiVersion: 'external.metrics.k8s.io/v1beta1', metadata: {}, items: [{ metricName: 'queue_depth', metricLabels: {}, timestamp: '2026-03-01T12:00:00Z', value: '1500m' }] } });
    const result = await build('externalmetrics', { token: 'sa-token' }).query('apps/queue_depth?labelSelector=app%3Dpodinfo');
    expect(result).toEqual({ kind: 'value', value: 1.5 });
    expect(server.requests[0]?.path).toBe('/apis/external.metrics.k8s.io/v1beta1/namespaces/apps/queue_depth');
    expect(server.requests[0]?.query).toEqual({ labelSelector: 'app=podinfo' });
    expect(server.requests[0]?.headers.authorization).toBe('Bearer sa-token');
  });

  it('answers no items as noData and a malformed query as an error', async () => {
    server.answer({ body: { items: [] } });
    expect(await build('externalmetrics', undefined).query('queue_depth')).toEqual({ kind: 'noData', reason: 'no external metrics found: no values found' });
    expect(server.requests[0]?.path).toBe('/apis/external.metrics.k8s.io/v1beta1/namespaces/default/queue_depth');
    expect((await build('externalmetrics', undefined).query('a/b/c')).kind).toBe('error');
  });
});

describe('stackdriver', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const key = (): string =>
    JSON.stringify({ type: 'service_account', client_email: 'fledge@proj-1.iam.gserviceaccount.com', private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }), token_uri: `${server.url}/token` });

  it('exchanges a signed JWT for a token, then runs the MQL query with it', async () => {
    server.answer((request) =>
      request.path === '/token'
        ? { body: { access_token: 'ya29.token', expires_in: 3599, token_type: 'Bearer' } }
        : { body: { timeSeriesDescriptor: {}, timeSeriesData: [{ labelValues: [], pointData: [{ values: [{ doubleValue: 0.37 }], timeInterval: {} }] }] } },
    );
    const provider = build('stackdriver', { project: 'proj-1', serviceAccountKey: key() });
    const mql = "fetch k8s_container | metric 'istio.io/service/server/request_count' | within 1m";

    expect(await provider.query(mql)).toEqual({ kind: 'value', value: 0.37 });
    expect(await provider.query(mql)).toEqual({ kind: 'value', value: 0.37 });

    const [token, query, again] = server.requests;
    expect(server.requests.map((r) => r.path)).toEqual(['/token', '/v3/projects/proj-1/timeSeries:query', '/v3/projects/proj-1/timeSeries:query']);
    const form = new URLSearchParams(token?.body);
    expect(form.get('grant_type')).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
    const [header, claims, signature] = (form.get('assertion') ?? '').split('.') as [string, string, string];
    expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toEqual({ alg: 'RS256', typ: 'JWT' });
    expect(JSON.parse(Buffer.from(claims, 'base64url').toString())).toEqual({
      iss: 'fledge@proj-1.iam.gserviceaccount.com',
      scope: 'https://www.googleapis.com/auth/monitoring.read',
      aud: `${server.url}/token`,
      iat: NOW_S,
      exp: NOW_S + 3600,
    });
    expect(createVerify('RSA-SHA256').update(`${header}.${claims}`).verify(publicKey, Buffer.from(signature, 'base64url'))).toBe(true);
    expect([query?.method, query?.headers.authorization, JSON.parse(query?.body ?? '')]).toEqual(['POST', 'Bearer ya29.token', { query: mql }]);
    expect(again?.headers.authorization).toBe('Bearer ya29.token');
  });

  it.each<[string, unknown, unknown]>([
    ['no series', {}, { kind: 'noData', reason: 'no values found' }],
    ['an int64 value', { timeSeriesData: [{ pointData: [{ values: [{ int64Value: '42' }] }] }] }, { kind: 'value', value: 42 }],
    ['two series', { timeSeriesData: [{ pointData: [] }, { pointData: [] }] }, { kind: 'multipleValues', count: 2 }],
  ])('answers %s', async (_name, body, expected) => {
    server.answer((request) => (request.path === '/token' ? { body: { access_token: 't', expires_in: 3600 } } : { body }));
    expect(await build('stackdriver', { project: 'p', serviceAccountKey: key() }).query('fetch x')).toEqual(expected);
  });

  it('says when the token is refused, and names a key that is not a service account key', async () => {
    server.answer({ status: 400, body: { error: 'invalid_grant' } });
    expect(await build('stackdriver', { project: 'p', serviceAccountKey: key() }).query('q')).toEqual({
      kind: 'error',
      error: 'error requesting stackdriver: token request refused: 400 {"error":"invalid_grant"}',
    });
    expect(() => build('stackdriver', { project: 'p', serviceAccountKey: '{}' })).toThrow('stackdriver serviceAccountKey has no client_email or private_key');
  });
});
