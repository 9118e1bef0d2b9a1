/**
 * The one JSON POST webhooks and chat notifiers share, against real local servers: a direct HTTPS answer with
 * the certificate checked or skipped, a CONNECT tunnel through a proxy with its credentials, a deadline, and a
 * capped body.
 */
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostError, postJson } from '../../shared/http-post.ts';
import { selfSignedCertificate } from '../aws/tls.ts';

const received: { method: string; path: string; headers: Record<string, unknown>; body: string }[] = [];
const tunnels: { target: string; auth: string | undefined }[] = [];
let target: Server;
let proxy: Server;
let targetUrl: string;
let proxyPort: number;
/** The tunnels' sockets: a CONNECT socket leaves the proxy server's books, so the test ends them itself. */
const tunnelSockets: { destroy(): void }[] = [];

function portOf(server: Server): number {
  return (server.address() as AddressInfo).port;
}

beforeAll(async () => {
  const tls = selfSignedCertificate();
  target = createHttpsServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
      if (req.url === '/slow') return void setTimeout(() => res.end('late'), 2000);
      if (req.url === '/big') return void res.end('x'.repeat(100_000));
      res.writeHead(202, { 'retry-after': '3' }).end('accepted');
    });
  });
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
  targetUrl = `https://127.0.0.1:${portOf(target)}`;
  // A forward proxy that only tunnels: it records each CONNECT and pipes bytes both ways.
  proxy = createHttpServer();
  proxy.on('connect', (req, client, head) => {
    tunnels.push({ target: req.url ?? '', auth: req.headers['proxy-authorization'] });
    const [host, port] = (req.url ?? '').split(':');
    const upstream = connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    tunnelSockets.push(client, upstream);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyPort = portOf(proxy);
});

afterAll(async () => {
  for (const socket of tunnelSockets) socket.destroy();
  for (const server of [target, proxy]) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

describe('postJson', () => {
  it('refuses a self-signed certificate unless told to skip the check, naming the error code', async () => {
    const error = await postJson(`${targetUrl}/hook`, '{}', { timeoutMs: 2000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PostError);
    expect((error as PostError).code).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY/);

    const answer = await postJson(`${targetUrl}/hook`, '{"a":1}', { timeoutMs: 2000, insecure: true, headers: { authorization: 'Bearer t' } });
    expect(answer).toMatchObject({ status: 202, body: 'accepted' });
    expect(answer.headers['retry-after']).toBe('3');
    expect(received.at(-1)).toMatchObject({ method: 'POST', path: '/hook', body: '{"a":1}', headers: { 'content-type': 'application/json', authorization: 'Bearer t', 'content-length': '7' } });
  });

  it('tunnels an https POST through the proxy with CONNECT, sending the proxy credentials to the proxy only', async () => {
    const answer = await postJson(`${targetUrl}/through`, '{"b":2}', { timeoutMs: 2000, insecure: true, proxy: `http://user:p%40ss@127.0.0.1:${proxyPort}` });

    expect(answer.status).toBe(202);
    expect(tunnels.at(-1)).toEqual({ target: `127.0.0.1:${portOf(target)}`, auth: `Basic ${Buffer.from('user:p@ss').toString('base64')}` });
    expect(received.at(-1)).toMatchObject({ path: '/through', body: '{"b":2}' });
    expect(received.at(-1)?.headers['proxy-authorization']).toBeUndefined();
  });

  it('gives up at the deadline with a timed-out error', async () => {
    const error = await postJson(`${targetUrl}/slow`, '{}', { timeoutMs: 300, insecure: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PostError);
    expect(error).toMatchObject({ timedOut: true, message: 'timed out after 300ms' });
  });

  it('keeps at most maxBodyBytes of the answer', async () => {
    const answer = await postJson(`${targetUrl}/big`, '{}', { timeoutMs: 2000, insecure: true, maxBodyBytes: 1000 });
    expect(answer.body).toHaveLength(1000);
  });

  it('refuses a protocol other than http and https without connecting', async () => {
    await expect(postJson('ftp://127.0.0.1/x', '{}', { timeoutMs: 1000 })).rejects.toMatchObject({ code: 'ERR_INVALID_URL' });
  });
});
