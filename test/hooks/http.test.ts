/**
 * The HTTP hook caller against a real local HTTP(S) server: Flagger's payload and headers, 200–202 success,
 * gates vs checks, timeouts, retries with backoff on connection errors, 429 and 5xx, TLS verification and
 * `disableTLS`, the IN_PROGRESS extension, and URLs never shown with credentials or query strings.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HttpHookCaller, hookTimeoutMs, inProgress, payloadJson, type HookLogEntry } from '../../shared/hooks/http.ts';
import type { HookType, WebhookCall } from '../../shared/hooks/index.ts';
import { freePort } from '../setup/free-port.ts';
import { startRecordingServer, type Answer, type RecordingServer } from './recording-server.ts';

let server: RecordingServer | undefined;
const sleeps: number[] = [];
const logs: HookLogEntry[] = [];
const caller = new HttpHookCaller({ sleep: async (ms) => void sleeps.push(ms), log: (entry) => logs.push(entry) });

afterEach(async () => {
  await server?.close();
  server = undefined;
  sleeps.length = 0;
  logs.length = 0;
});
afterAll(async () => caller.close());

async function serve(...answers: Answer[]): Promise<RecordingServer> {
  server = await startRecordingServer((_request, index) => answers[Math.min(index, answers.length - 1)] as Answer);
  return server;
}

function hook(url: string, type: HookType = 'pre-rollout', extra: Partial<WebhookCall> = {}): WebhookCall {
  return {
    name: 'smoke',
    type,
    url,
    timeout: '10s',
    payload: { name: 'podinfo', namespace: 'test', phase: 'Progressing', checksum: 'abc123', metadata: { type: 'bash', cmd: 'curl -s http://podinfo-canary.test:9898/' } },
    ...extra,
  };
}

describe('HttpHookCaller', () => {
  it("POSTs Flagger's payload as JSON and passes on 200 with the body as detail", async () => {
    const s = await serve({ status: 200, body: 'Approved' });

    const result = await caller.call(hook(`${s.url}/gate/check`, 'confirm-rollout'));

    expect(result).toEqual({ kind: 'passed', detail: 'Approved', statusCode: 200 });
    expect(s.requests).toHaveLength(1);
    const [request] = s.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/gate/check');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.body).toBe(
      '{"name":"podinfo","namespace":"test","phase":"Progressing","checksum":"abc123","metadata":{"cmd":"curl -s http://podinfo-canary.test:9898/","type":"bash"}}',
    );
  });

  it.each([200, 201, 202])('treats HTTP %i as success', async (status) => {
    const s = await serve({ status });
    expect((await caller.call(hook(s.url))).kind).toBe('passed');
  });

  it.each<[HookType, string]>([
    ['confirm-rollout', 'pending'],
    ['confirm-traffic-increase', 'pending'],
    ['confirm-promotion', 'pending'],
    ['pre-rollout', 'failed'],
    ['rollout', 'failed'],
    ['rollback', 'failed'],
    ['post-rollout', 'failed'],
    ['event', 'failed'],
  ])('answers a 403 to a %s hook as %s, with the body as detail', async (type, kind) => {
    const s = await serve({ status: 403, body: 'Forbidden\n' });
    expect(await caller.call(hook(s.url, type))).toEqual({ kind, detail: 'Forbidden', statusCode: 403 });
  });

  it('says the status code when a failure has no body', async () => {
    const s = await serve({ status: 404 });
    expect(await caller.call(hook(s.url))).toEqual({ kind: 'failed', detail: 'HTTP 404', statusCode: 404 });
  });

  it('does not retry a 4xx other than 429', async () => {
    const s = await serve({ status: 400, body: 'bad' }, { status: 200 });
    expect((await caller.call(hook(s.url, 'rollout', { retries: 3 }))).kind).toBe('failed');
    expect(s.requests).toHaveLength(1);
  });

  it('retries 5xx and 429 with exponential backoff until it passes', async () => {
    const s = await serve({ status: 500, body: 'boom' }, { status: 502 }, { status: 429 }, { status: 200, body: 'ok' });

    const result = await caller.call(hook(s.url, 'rollout', { retries: 3 }));

    expect(result).toEqual({ kind: 'passed', detail: 'ok', statusCode: 200 });
    expect(s.requests).toHaveLength(4);
    expect(sleeps).toEqual([1000, 2000, 4000]);
    expect(logs.map((l) => l.message)).toEqual([
      `webhook smoke: retry 1 of 3 in 1000ms after HTTP 500 from POST ${s.url}/`,
      `webhook smoke: retry 2 of 3 in 2000ms after HTTP 502 from POST ${s.url}/`,
      `webhook smoke: retry 3 of 3 in 4000ms after HTTP 429 from POST ${s.url}/`,
    ]);
  });

  it('gives up after its retries with the last answer as detail', async () => {
    const s = await serve({ status: 503, body: 'unavailable' });
    expect(await caller.call(hook(s.url, 'rollout', { retries: 2 }))).toEqual({ kind: 'failed', detail: 'unavailable', statusCode: 503 });
    expect(s.requests).toHaveLength(3);
  });

  it('makes no retry that would end after its call budget', async () => {
    let clock = 0;
    const budgeted = new HttpHookCaller({ sleep: async (ms) => void (clock += ms), now: () => clock, callBudgetMs: 20_000, log: (entry) => logs.push(entry) });
    const s = await serve({ status: 503 });

    // Answers come at once, timeout 10s: retries wait 1s, 2s, 4s (the last may end by 7s + 10s); a 4th would wait 8s more and could end by 25s.
    const result = await budgeted.call(hook(s.url, 'rollout', { retries: 5 }));

    expect(s.requests).toHaveLength(4);
    expect(result).toEqual({ kind: 'failed', detail: 'HTTP 503', statusCode: 503 });
    expect(logs.at(-1)?.message).toBe('webhook smoke: no retry 4 of 5, it would end after the call budget of 20000ms');
    await budgeted.close();
  });

  it('shortens an attempt to the time left, so a slow webhook ends before the invocation does', async () => {
    const s = await serve({ status: 200, delayMs: 3000 });
    let left = 250;
    const bounded = new HttpHookCaller({ sleep: async (ms) => void sleeps.push(ms), timeLeftMs: () => left });

    const started = Date.now();
    const check = await bounded.call(hook(s.url, 'rollout', { timeout: '10s', retries: 3 }));
    left = 150;
    const gate = await bounded.call(hook(s.url, 'confirm-promotion', { timeout: '10s' }));

    expect(check).toEqual({ kind: 'failed', detail: `POST ${s.url}/ timed out after 250ms` });
    expect(gate).toEqual({ kind: 'pending', detail: `POST ${s.url}/ timed out after 150ms` });
    expect(Date.now() - started).toBeLessThan(1500);
    // No retry: a 10 s attempt after a 1 s wait cannot end in the time left.
    expect(s.requests).toHaveLength(2);
    expect(sleeps).toEqual([]);
  });

  it('makes no retry that would end after the time left, asked when the call starts', async () => {
    let clock = 0;
    const bounded = new HttpHookCaller({ sleep: async (ms) => void (clock += ms), now: () => clock, timeLeftMs: () => 5_000, log: (entry) => logs.push(entry) });
    const s = await serve({ status: 503 });

    // Timeout 1s, answers at once: retries wait 1s and 2s (the 2nd may end by 4s); a 3rd would wait 4s more.
    const result = await bounded.call(hook(s.url, 'rollout', { timeout: '1s', retries: 5 }));

    expect(result).toEqual({ kind: 'failed', detail: 'HTTP 503', statusCode: 503 });
    expect(s.requests).toHaveLength(3);
    expect(logs.at(-1)?.message).toBe("webhook smoke: no retry 3 of 5, it would end after the time left for webhooks (5000ms)");
  });

  it('calls nothing when no time is left: a check fails, a gate stays closed', async () => {
    const s = await serve({ status: 200 });
    const bounded = new HttpHookCaller({ timeLeftMs: () => -2_000, log: (entry) => logs.push(entry) });

    expect(await bounded.call(hook(s.url, 'pre-rollout'))).toEqual({ kind: 'failed', detail: "not called: it would end after the time left for webhooks (0ms)" });
    expect(await bounded.call(hook(s.url, 'confirm-rollout'))).toEqual({ kind: 'pending', detail: "not called: it would end after the time left for webhooks (0ms)" });
    expect(s.requests).toHaveLength(0);
  });

  it('has no limit when no time left is known', async () => {
    const s = await serve({ status: 200, delayMs: 300 }, { status: 200, body: 'ok' });
    const bounded = new HttpHookCaller({ timeLeftMs: () => undefined });

    expect(await bounded.call(hook(s.url, 'rollout', { timeout: '10s' }))).toEqual({ kind: 'passed', detail: '', statusCode: 200 });
  });

  it('does not retry a 501 Not Implemented', async () => {
    const s = await serve({ status: 501 });
    await caller.call(hook(s.url, 'rollout', { retries: 2 }));
    expect(s.requests).toHaveLength(1);
  });

  it('waits a 429 Retry-After instead of its backoff, capped', async () => {
    const s = await serve({ status: 429, headers: { 'retry-after': '7' } }, { status: 429, headers: { 'retry-after': '3600' } }, { status: 200 });
    await caller.call(hook(s.url, 'rollout', { retries: 2 }));
    expect(sleeps).toEqual([7000, 30_000]);
  });

  it('retries a refused connection and reports it without the query string', async () => {
    const port = await freePort();
    const result = await caller.call(hook(`http://127.0.0.1:${port}/hook?token=s3cr3t-token`, 'pre-rollout', { retries: 1 }));

    expect(result.kind).toBe('failed');
    expect(result.detail).toBe(`POST http://127.0.0.1:${port}/hook failed: connect ECONNREFUSED 127.0.0.1:${port} (2 attempts)`);
    expect(sleeps).toEqual([1000]);
    expect(JSON.stringify(logs)).not.toContain('s3cr3t');
  });

  it('times out an answer slower than its timeout, and retries it', async () => {
    const s = await serve({ status: 200, delayMs: 2000 }, { status: 200, body: 'fast' });

    const slow = await caller.call(hook(s.url, 'confirm-promotion', { timeout: '100ms' }));
    expect(slow).toEqual({ kind: 'pending', detail: `POST ${s.url}/ timed out after 100ms` });

    const retried = await caller.call(hook(s.url, 'rollout', { timeout: '100ms', retries: 1 }));
    expect(retried.kind).toBe('passed');
  });

  it.each([
    [undefined, 10_000],
    ['', 10_000],
    ['5', 10_000],
    ['30s', 30_000],
    ['1m', 60_000],
    ['bogus', 10_000],
  ])('reads timeout %j as %i ms', (timeout, ms) => {
    expect(hookTimeoutMs(timeout)).toBe(ms);
  });

  it('answers IN_PROGRESS as pending, for a check too, with its retry hint', async () => {
    const s = await serve({ status: 200, body: '{"status":"IN_PROGRESS","retryAfterSeconds":30}' });
    expect(await caller.call(hook(s.url, 'rollout'))).toEqual({
      kind: 'pending',
      detail: '{"status":"IN_PROGRESS","retryAfterSeconds":30}',
      statusCode: 200,
      inProgress: true,
      retryAfterSeconds: 30,
    });
  });

  it.each([
    ['{"status":"IN_PROGRESS"}', {}],
    ['{"status":"in_progress","retryAfterSeconds":5}', { retryAfterSeconds: 5 }],
    ['{"status":"IN_PROGRESS","retryAfterSeconds":-1}', {}],
    ['{"status":"SUCCEEDED"}', undefined],
    ['IN_PROGRESS', undefined],
    ['{not json', undefined],
    ['[]', undefined],
  ])('reads %s as %j', (body, expected) => {
    expect(inProgress(body)).toEqual(expected);
  });

  it('leaves metadata out of the payload when there is none', () => {
    expect(payloadJson({ name: 'a', namespace: 'b', phase: 'Waiting', checksum: 'c' })).toBe('{"name":"a","namespace":"b","phase":"Waiting","checksum":"c"}');
  });

  it('fails an invalid URL with a clear detail and no throw', async () => {
    const result = await caller.call(hook('not a url'));
    expect(result.kind).toBe('failed');
    expect(result.detail).toContain('POST <invalid URL> failed');
  });

  it('never shows credentials or query values, even when the body echoes the URL', async () => {
    const s = await serve({ status: 500, body: 'cannot handle http://user:hunter22@127.0.0.1/?key=topsecret' });
    const url = `http://user:hunter22@127.0.0.1:${s.port}/x?key=topsecret`;

    const result = await caller.call(hook(url, 'rollout', { retries: 1 }));

    const shown = JSON.stringify({ result, logs });
    expect(shown).not.toContain('hunter22');
    expect(shown).not.toContain('topsecret');
    expect(logs[0]?.url).toBe(`http://127.0.0.1:${s.port}/x`);
  });
});

describe('HttpHookCaller over TLS', () => {
  let dir: string;
  let tls: { key: string; cert: string };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'fledge-tls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    tls = { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a self-signed certificate without retrying, and accepts it with disableTLS', async () => {
    server = await startRecordingServer(() => ({ status: 200, body: 'secure' }), tls);

    const verified = await caller.call(hook(`${server.url}/`, 'rollout', { retries: 2 }));
    expect(verified.kind).toBe('failed');
    expect(verified.detail).toMatch(/self.signed certificate/);
    expect(sleeps).toEqual([]);
    expect(server.requests).toHaveLength(0);

    const insecure = await caller.call(hook(`${server.url}/`, 'rollout', { disableTLS: true }));
    expect(insecure).toEqual({ kind: 'passed', detail: 'secure', statusCode: 200 });
  });
});
