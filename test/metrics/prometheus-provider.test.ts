/**
 * The Prometheus provider's requests as a server receives them: path and query, credentials from the secret,
 * custom headers, the timeout, and SigV4 signing of Amazon Managed Service for Prometheus, whose signature the
 * test recomputes independently from the received request and the credentials in the environment.
 */
import { createHash, createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ampRegionOf, createPrometheusProvider } from '../../shared/metrics/prometheus.ts';
import { RealMetricChecker } from '../../shared/metrics/checker.ts';
import { realProviders } from '../../shared/metrics/factory.ts';
import type { KubeClient } from '../../shared/kube/types.ts';
import type { MetricCheckRequest } from '../../shared/metrics/types.ts';
import { recordingServerForFile, type RecordedRequest } from './recording-server.ts';

const server = recordingServerForFile();
/** Builtin checks read nothing from the cluster; any read would be a bug, so every verb throws. */
const unusedCluster = new Proxy({} as KubeClient, {
  get: () => () => {
    throw new Error('builtin Prometheus checks must not read the cluster');
  },
});
const VECTOR = { status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [1767225600, '99.5'] }] } };

describe('the Prometheus provider', () => {
  it('sends GET <address>/api/v1/query with the query whitespace-collapsed, and reads the single sample', async () => {
    server.answer({ body: VECTOR });
    const provider = createPrometheusProvider({ address: `${server.url}/prom/` });

    const result = await provider.query('sum(\n\trate(x{a="b c"}[1m])\n)');

    expect(result).toEqual({ kind: 'value', value: 99.5 });
    expect(server.requests.map((r) => [r.method, r.path, r.query])).toEqual([['GET', '/prom/api/v1/query', { query: 'sum( rate(x{a="b c"}[1m]) )' }]]);
    expect(server.requests[0]?.headers.authorization).toBeUndefined();
  });

  it('sends the bearer token of the secret', async () => {
    server.answer({ body: VECTOR });
    await createPrometheusProvider({ address: server.url, secret: { token: 't0ken' } }).query('up');
    expect(server.requests[0]?.headers.authorization).toBe('Bearer t0ken');
  });

  it('sends basic auth from username and password, and the template\'s custom headers', async () => {
    server.answer({ body: VECTOR });
    const provider = createPrometheusProvider({ address: server.url, secret: { username: 'ann', password: 'pw:1' }, headers: { 'X-Scope-OrgID': ['tenant-a'] } });
    await provider.query('up');
    expect(server.requests[0]?.headers.authorization).toBe(`Basic ${Buffer.from('ann:pw:1').toString('base64')}`);
    expect(server.requests[0]?.headers['x-scope-orgid']).toBe('tenant-a');
  });

  it.each([
    [{ password: 'x' }, 'prometheus credentials does not contain a username'],
    [{ username: 'x' }, 'prometheus credentials does not contain a password'],
  ])('refuses a secret %j without both basic-auth keys', (secret, message) => {
    expect(() => createPrometheusProvider({ address: server.url, secret })).toThrow(message);
  });

  it('refuses an address that is not a URL, and a template without an address, naming the field', () => {
    expect(() => createPrometheusProvider({ address: 'not a url' })).toThrow('prometheus address "not a url" is not a valid URL');
    const factory = realProviders();
    const request = {} as MetricCheckRequest;
    expect(() => factory({ spec: { type: 'prometheus' }, interval: '1m', request })).toThrow('prometheus address is not set (spec.provider.address)');
    expect(() => factory({ spec: { type: 'opentsdb' as never }, interval: '1m', request })).toThrow(/unknown metric provider type "opentsdb"; expected one of prometheus, influxdb/u);
  });

  it.each<[string, unknown, unknown]>([
    ['no series', { data: { resultType: 'vector', result: [] } }, { kind: 'noData', reason: 'no values found' }],
    ['NaN', { data: { resultType: 'vector', result: [{ value: [1, 'NaN'] }] } }, { kind: 'noData', reason: 'no values found (the sample is NaN)' }],
    ['+Inf', { data: { resultType: 'vector', result: [{ value: [1, '+Inf'] }] } }, { kind: 'noData', reason: 'no values found (the sample is Infinity)' }],
    ['two series', { data: { resultType: 'vector', result: [{ value: [1, '1'] }, { value: [1, '2'] }] } }, { kind: 'multipleValues', count: 2 }],
    ['a range result', { data: { resultType: 'matrix', result: [{ values: [[1, '1']] }] } }, { kind: 'multipleValues', count: 1 }],
    ['a scalar', { data: { resultType: 'scalar', result: [1, '7'] } }, { kind: 'value', value: 7 }],
    ['no data field', { status: 'success' }, { kind: 'error', error: 'invalid response: no data.result in \'{"status":"success"}\'' }],
    ['a body that is not JSON', 'oops', { kind: 'error', error: expect.stringMatching(/^error unmarshaling result: .*'oops'$/u) }],
  ])('answers %s', async (_name, body, expected) => {
    server.answer({ body });
    expect(await createPrometheusProvider({ address: server.url }).query('q')).toEqual(expected);
  });

  it('answers an HTTP error with its status and body', async () => {
    server.answer({ status: 503, body: 'overloaded' });
    expect(await createPrometheusProvider({ address: server.url }).query('q')).toEqual({ kind: 'error', error: 'error response: Status 503: overloaded' });
  });

  it('gives up after its timeout', async () => {
    server.answer({ hang: true });
    const result = await createPrometheusProvider({ address: server.url, timeoutMs: 200 }).query('q');
    expect(result).toEqual({ kind: 'error', error: `request failed: no answer from ${new URL(server.url).host} within 0.2s` });
  });

  it('is online when vector(1) answers 1, offline otherwise', async () => {
    server.answer({ body: { data: { resultType: 'vector', result: [{ value: [1, '1'] }] } } });
    expect(await createPrometheusProvider({ address: server.url }).isOnline()).toEqual({ online: true });
    expect(server.requests[0]?.query).toEqual({ query: 'vector(1)' });
    server.answer({ body: { data: { resultType: 'vector', result: [{ value: [1, '2'] }] } } });
    expect(await createPrometheusProvider({ address: server.url }).isOnline()).toEqual({ online: false, reason: 'running query failed: value is not 1 for query: vector(1)' });
  });
});

describe('Amazon Managed Service for Prometheus', () => {
  const saved = { ...process.env };
  beforeEach(() => {
    process.env.AWS_ACCESS_KEY_ID = 'AKIDFLEDGETEST';
    process.env.AWS_SECRET_ACCESS_KEY = 'fledge/secret/key';
    process.env.AWS_SESSION_TOKEN = 'session-token';
    delete process.env.AWS_PROFILE;
  });
  afterEach(() => {
    process.env = { ...saved };
  });

  it('recognises workspace addresses and their region', () => {
    expect(ampRegionOf('https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-1234abcd-56ef')).toBe('eu-west-1');
    expect(ampRegionOf('https://aps-workspaces.us-east-2.amazonaws.com/other')).toBeUndefined();
    expect(ampRegionOf('http://prometheus.istio-system:9090')).toBeUndefined();
  });

  it('signs each query with SigV4 for service aps, with the default chain\'s credentials', async () => {
    server.answer({ body: VECTOR });
    const provider = createPrometheusProvider({ address: `${server.url}/workspaces/ws-abc`, amp: { region: 'eu-west-1', force: true } });

    const result = await provider.query('sum(rate(istio_requests_total{response_code!~"5.*"}[1m])) * 100');

    expect(result).toEqual({ kind: 'value', value: 99.5 });
    const request = server.requests[0] as RecordedRequest;
    expect(request.path).toBe('/workspaces/ws-abc/api/v1/query');
    expect(request.query).toEqual({ query: 'sum(rate(istio_requests_total{response_code!~"5.*"}[1m])) * 100' });
    expect(request.headers['x-amz-security-token']).toBe('session-token');
    const authorization = String(request.headers.authorization);
    expect(authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDFLEDGETEST\/\d{8}\/eu-west-1\/aps\/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token, Signature=[0-9a-f]{64}$/u);
    expect(authorization.split('Signature=')[1]).toBe(expectedSignature(request, 'fledge/secret/key', 'eu-west-1', 'aps'));
  });

  it('signs the builtin queries of a Canary whose spec.metricsServer is the workspace', async () => {
    server.answer({ body: VECTOR });
    const checker = new RealMetricChecker({ kube: unusedCluster, providers: realProviders({ amp: { region: 'us-east-1', force: true } }) });
    const observation = await checker.check({
      name: 'request-success-rate',
      source: 'builtin',
      observer: 'linkerd',
      metric: { name: 'request-success-rate', interval: '1m' },
      model: { name: 'podinfo', namespace: 'test', target: 'podinfo', service: 'podinfo', ingress: 'podinfo', interval: '1m', variables: {} },
      metricsServer: `${server.url}/workspaces/ws-abc`,
    });
    expect(observation.result).toEqual({ kind: 'value', value: 99.5 });
    const request = server.requests[0] as RecordedRequest;
    expect(request.query.query).toContain('response_total{ namespace="test", deployment=~"podinfo", classification!="failure", direction="inbound" }[1m]');
    expect(String(request.headers.authorization).split('Signature=')[1]).toBe(expectedSignature(request, 'fledge/secret/key', 'us-east-1', 'aps'));
  });

  it('does not sign a plain Prometheus address', async () => {
    server.answer({ body: VECTOR });
    await createPrometheusProvider({ address: server.url, amp: { region: 'eu-west-1' } }).query('up');
    expect(server.requests[0]?.headers.authorization).toBeUndefined();
  });
});

/** SigV4 recomputed from the request as received (AWS's documented algorithm, written here independently). */
function expectedSignature(request: RecordedRequest, secret: string, region: string, service: string): string {
  const sha = (text: string): string => createHash('sha256').update(text).digest('hex');
  const hmac = (key: Buffer | string, text: string): Buffer => createHmac('sha256', key).update(text).digest();
  const authorization = String(request.headers.authorization);
  const signed = (/SignedHeaders=([^,]+)/u.exec(authorization)?.[1] ?? '').split(';');
  const amzDate = String(request.headers['x-amz-date']);
  const encode = (text: string): string => encodeURIComponent(text).replace(/[!'()*]/gu, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const query = Object.entries(request.query)
    .map(([k, v]) => `${encode(k)}=${encode(v)}`)
    .sort()
    .join('&');
  const headers = signed.map((name) => `${name}:${String(request.headers[name]).trim()}\n`).join('');
  const canonical = [request.method, request.path, query, headers, signed.join(';'), sha(request.body)].join('\n');
  const scope = `${amzDate.slice(0, 8)}/${region}/${service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha(canonical)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, amzDate.slice(0, 8)), region), service), 'aws4_request');
  return createHmac('sha256', key).update(toSign).digest('hex');
}
