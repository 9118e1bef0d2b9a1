/**
 * A local HTTP server standing in for a metrics backend: it records every request exactly as received (method,
 * path, query, headers, body) and answers with what the test's handler returns, so the real client, serializer
 * and signer of each provider run and the test asserts the request they made.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterAll, beforeAll, beforeEach } from 'vitest';

/** One request as the server received it. */
export interface RecordedRequest {
  readonly method: string;
  /** The path without the query. */
  readonly path: string;
  /** The raw query string after `?`, as sent. */
  readonly rawQuery: string;
  /** The decoded query parameters. */
  readonly query: Readonly<Record<string, string>>;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** What the server answers. */
export interface Answer {
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** A string is sent as is, anything else as JSON. */
  readonly body?: unknown;
  /** Never answer (for timeouts). */
  readonly hang?: boolean;
}

/** The server of one test file. */
export interface RecordingServer {
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Sets how the following requests are answered. */
  answer(handler: Answer | ((request: RecordedRequest) => Answer)): void;
}

/** Starts a server for the calling test file, clearing its requests and answer before each test. */
export function recordingServerForFile(): RecordingServer {
  let handler: Answer | ((request: RecordedRequest) => Answer) = { status: 200, body: {} };
  const requests: RecordedRequest[] = [];
  const state = { url: '', requests, answer: (next: typeof handler) => void (handler = next) };
  let server: Server;
  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const [path = '', rawQuery = ''] = (req.url ?? '').split(/\?(.*)/su);
        const request: RecordedRequest = {
          method: req.method ?? '',
          path,
          rawQuery,
          query: Object.fromEntries(new URLSearchParams(rawQuery)),
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        };
        requests.push(request);
        const answer = typeof handler === 'function' ? handler(request) : handler;
        if (answer.hang) return;
        const body = answer.body === undefined ? '' : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
        res.writeHead(answer.status ?? 200, { 'content-type': 'application/json', ...(answer.headers ?? {}) });
        res.end(body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    state.url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  beforeEach(() => {
    requests.length = 0;
    handler = { status: 200, body: {} };
  });
  return state as RecordingServer;
}
