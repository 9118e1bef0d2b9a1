/**
 * The Splunk (SignalFlow) provider against a local SignalFlow WebSocket server: the exact messages it sends
 * (token, program, window), JSON and binary data batches reduced as Flagger does, refused tokens, aborted
 * computations, a server that never ends the channel, the endpoint derivation and the availability probe.
 */
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { MetricTemplateProvider } from '../../shared/api/types.ts';
import { realProviders, SUPPORTED_METRIC_PROVIDERS } from '../../shared/metrics/factory.ts';
import { decodeBinary, splunkEndpoints } from '../../shared/metrics/splunk.ts';
import type { MetricCheckRequest, MetricProvider } from '../../shared/metrics/types.ts';
import { binaryData, startSignalFlowServer, type Peer, type SignalFlowServer } from './signalflow-server.ts';

const NOW = new Date('2026-03-01T12:00:00Z');
const PROGRAM = "data('request.errors', filter=filter('service', 'podinfo')).sum().publish()";
let server: SignalFlowServer;

beforeAll(async () => {
  server = await startSignalFlowServer();
});
afterAll(async () => {
  await server.stop();
});
beforeEach(() => {
  server.received.length = 0;
  server.probes.length = 0;
  server.upgrades.length = 0;
  server.probeStatus = 200;
});

function build(secret: Record<string, string> | undefined = { sf_token_key: 'sf-token' }, interval = '1m', timeoutMs?: number): MetricProvider {
  const spec: MetricTemplateProvider = { type: 'splunk', address: server.url, secretRef: { name: 'splunk' } };
  const env = { now: () => NOW, ...(timeoutMs === undefined ? {} : { timeoutMs }) };
  return realProviders(env)({ spec, ...(secret === undefined ? {} : { secret }), interval, request: {} as MetricCheckRequest });
}

/** Authenticates `sf-token`, then answers the execute message with `answer`. */
function serve(answer: (channel: string, peer: Peer) => void): void {
  server.script = (message, peer) => {
    if (message.type === 'authenticate') {
      if (message.token === 'sf-token') peer.sendJson({ type: 'authenticated', orgId: 'org', userId: 'user' });
      else {
        peer.sendJson({ type: 'error', error: 401, message: 'Invalid authentication token' });
        peer.close(4401, 'unauthorized');
      }
    } else if (message.type === 'execute') answer(String(message.channel), peer);
  };
}

function control(channel: string, event: string): Record<string, unknown> {
  return { type: 'control-message', channel, event, timestampMs: NOW.getTime() };
}

function json(channel: string, data: { tsId: string; value: number | null }[]): Record<string, unknown> {
  return { type: 'data', channel, logicalTimestampMs: NOW.getTime(), data };
}

const id = (n: number): Buffer => Buffer.from([0, 0, 0, 0, 0, 0, 0, n]);
const double = (value: number): Buffer => {
  const buffer = Buffer.alloc(8);
  buffer.writeDoubleBE(value, 0);
  return buffer;
};

describe('splunk', () => {
  it('authenticates, executes the program over the last 10 intervals and reads the last point', async () => {
    serve((channel, peer) => {
      peer.sendJson(control(channel, 'STREAM_START'));
      peer.sendJson({ type: 'metadata', channel, tsId: 'AAAAAAAAAAE', properties: { sf_metric: 'request.errors' } });
      peer.sendJson(json(channel, [{ tsId: 'AAAAAAAAAAE', value: 3 }]));
      peer.sendJson({ event: 'KEEP_ALIVE', timestampMs: NOW.getTime() });
      peer.sendJson(json(channel, [{ tsId: 'AAAAAAAAAAE', value: 4.5 }]));
      peer.sendJson(control(channel, 'END_OF_CHANNEL'));
    });
    expect(await build(undefined, '30s').query(PROGRAM)).toEqual({ kind: 'value', value: 4.5 });
    expect(server.upgrades).toEqual(['/v2/signalflow/connect']);
    const [authenticate, execute] = server.received;
    expect(authenticate).toEqual({ type: 'authenticate', token: 'sf-token' });
    expect(execute).toEqual({
      type: 'execute',
      channel: expect.any(String) as string,
      program: PROGRAM,
      start: NOW.getTime() - 300_000,
      stop: NOW.getTime(),
      immediate: true,
      compress: false,
    });
  });

  it('decodes binary data batches (int64, float64, int32; version 1 and 3 headers) and drops empty points', async () => {
    serve((channel, peer) => {
      const long = Buffer.alloc(8);
      long.writeBigInt64BE(7n, 0);
      peer.sendBinary(binaryData(channel, [{ tsId: id(1), type: 1, value: long }], 1));
      const int = Buffer.alloc(8);
      int.writeInt32BE(-2, 0);
      peer.sendBinary(binaryData(channel, [{ tsId: id(1), type: 3, value: int }]));
      peer.sendBinary(binaryData(channel, [{ tsId: id(1), type: 2, value: double(0.25) }, { tsId: id(2), type: 0, value: Buffer.alloc(8) }]));
      peer.sendJson(control(channel, 'END_OF_CHANNEL'));
    });
    expect(await build().query(PROGRAM)).toEqual({ kind: 'value', value: 0.25 });
  });

  it('decodes each value type, both header versions and gzip-compressed JSON in binary frames', () => {
    const long = Buffer.alloc(8);
    long.writeBigInt64BE(-7n, 0);
    const int = Buffer.alloc(8);
    int.writeInt32BE(-2, 0);
    const points = [
      { tsId: id(1), type: 1, value: long },
      { tsId: id(2), type: 2, value: double(0.25) },
      { tsId: id(3), type: 3, value: int },
      { tsId: id(4), type: 0, value: Buffer.alloc(8) },
    ];
    const expected = { type: 'data', channel: 'ch-1', data: [{ tsId: 'AAAAAAAAAAE', value: -7 }, { tsId: 'AAAAAAAAAAI', value: 0.25 }, { tsId: 'AAAAAAAAAAM', value: -2 }, { tsId: 'AAAAAAAAAAQ', value: null }] };
    expect(decodeBinary(binaryData('ch-1', points, 1))).toEqual(expected);
    expect(decodeBinary(binaryData('ch-1', points, 3))).toEqual(expected);
    const header = Buffer.alloc(20);
    header.writeUInt8(3, 0);
    header.writeUInt8(3, 2);
    header.write('ch-1', 4);
    const message = { type: 'control-message', channel: 'ch-1', event: 'END_OF_CHANNEL' };
    expect(decodeBinary(Buffer.concat([header, gzipSync(JSON.stringify(message))]))).toEqual(message);
  });

  it.each<[string, { tsId: string; value: number | null }[], unknown]>([
    ['no data', [], { kind: 'noData', reason: 'no values found' }],
    ['only empty points', [{ tsId: 'A', value: null }], { kind: 'noData', reason: 'no values found' }],
    ['two time series', [{ tsId: 'A', value: 1 }, { tsId: 'B', value: 2 }, { tsId: 'A', value: 3 }], { kind: 'multipleValues', count: 2 }],
    ['one series with an empty second one', [{ tsId: 'A', value: 1 }, { tsId: 'B', value: null }], { kind: 'value', value: 1 }],
  ])('answers %s', async (_name, data, expected) => {
    serve((channel, peer) => {
      if (data.length > 0) peer.sendJson(json(channel, data));
      peer.sendJson(control(channel, 'END_OF_CHANNEL'));
    });
    expect(await build().query(PROGRAM)).toEqual(expected);
  });

  it('reports a refused token, an aborted computation and a channel that never ends as errors', async () => {
    serve(() => undefined);
    expect(await build({ sf_token_key: 'wrong' }).query(PROGRAM)).toEqual({ kind: 'error', error: 'error executing query: Invalid authentication token (401)' });
    expect(server.received).toEqual([{ type: 'authenticate', token: 'wrong' }]);

    serve((channel, peer) => peer.sendJson({ ...control(channel, 'CHANNEL_ABORT'), abortInfo: { sf_job_abortReason: 'syntax error at line 1' } }));
    expect(await build().query('data(')).toEqual({ kind: 'error', error: 'error executing query: computation aborted: syntax error at line 1' });

    serve((channel, peer) => peer.sendJson(json(channel, [{ tsId: 'A', value: 1 }])));
    expect(await build(undefined, '1m', 300).query(PROGRAM)).toEqual({ kind: 'error', error: `error executing query: no answer from ${new URL(server.url).host} within 0.3s` });

    serve((_channel, peer) => peer.close(1011, 'internal error'));
    expect(await build().query(PROGRAM)).toEqual({ kind: 'error', error: 'error executing query: connection closed before the end of the channel (1011 internal error)' });
  });

  it('probes GET /v2/metric?limit=1 with the X-SF-Token header', async () => {
    expect(await build().isOnline()).toEqual({ online: true });
    expect(server.probes.map((probe) => [probe.url, probe.headers['x-sf-token']])).toEqual([['/v2/metric?limit=1', 'sf-token']]);
    server.probeStatus = 401;
    expect(await build().isOnline()).toEqual({ online: false, reason: 'error response: {"message":"unauthorized"}' });
  });

  it('derives both endpoints from either address, and names a missing token or address', () => {
    const realm = { stream: 'wss://stream.us1.signalfx.com/v2/signalflow/connect', api: 'https://api.us1.signalfx.com/v2/metric?limit=1' };
    expect(splunkEndpoints('https://api.us1.signalfx.com')).toEqual(realm);
    expect(splunkEndpoints('wss://stream.us1.signalfx.com/')).toEqual(realm);
    expect(() => splunkEndpoints('ftp://api.us1.signalfx.com')).toThrow('splunk address "ftp://api.us1.signalfx.com" must be https://api.<realm>.signalfx.com or wss://stream.<realm>.signalfx.com');
    expect(() => build({})).toThrow('splunk credentials do not contain sf_token_key (Secret splunk has no key sf_token_key)');
    expect(() => realProviders()({ spec: { type: 'splunk' }, interval: '1m', request: {} as MetricCheckRequest })).toThrow('splunk address is not set (spec.provider.address)');
    expect(SUPPORTED_METRIC_PROVIDERS).toContain('splunk');
  });
});
