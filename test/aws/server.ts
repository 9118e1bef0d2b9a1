/**
 * A small HTTP server on 127.0.0.1 for faking AWS control planes at the wire level: the real SDK client,
 * serializer and signer run against it, and every request is kept so tests can assert path, query, headers
 * and body. Each fake answers its service's documented shapes and keeps its own state.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';

/** One request as the fake received it. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** What a fake answers. */
export interface FakeResponse {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: unknown;
}

/** A fault to answer instead of the next matching request(s). */
export interface Fault {
  /** Matches the request (e.g. by operation). */
  readonly when: (request: RecordedRequest) => boolean;
  readonly response: FakeResponse;
  /** How many requests get the fault. @default 1 */
  times?: number;
}

/** A running fake. */
export interface FakeServer {
  readonly endpoint: string;
  readonly requests: RecordedRequest[];
  /** Answers the next `times` matching requests with `response` instead of the fake's own answer. */
  fail(fault: Fault): void;
  stop(): Promise<void>;
}

/** Starts a fake whose `handle` answers every request that no fault intercepts. */
export async function startFakeServer(handle: (request: RecordedRequest) => FakeResponse | Promise<FakeResponse>): Promise<FakeServer> {
  const requests: RecordedRequest[] = [];
  const faults: Fault[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const request: RecordedRequest = {
        method: req.method ?? 'GET',
        path: decodeURIComponent(url.pathname),
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(request);
      const fault = faults.find((f) => (f.times ?? 1) > 0 && f.when(request));
      const answer = fault
        ? Promise.resolve(fault.response)
        : Promise.resolve().then(() => handle(request));
      if (fault) fault.times = (fault.times ?? 1) - 1;
      answer.then(
        (response) => send(response),
        (error: unknown) => send({ status: 500, body: { message: String(error) } }),
      );
      function send(response: FakeResponse): void {
        const text = response.body === undefined ? '' : typeof response.body === 'string' ? response.body : JSON.stringify(response.body);
        res.writeHead(response.status, { 'content-type': 'application/json', ...(response.headers ?? {}) });
        res.end(text);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    fail: (fault) => faults.push(fault),
    stop: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

/** The credentials every fake expects; the SDK clients in tests sign with them. */
export const TEST_CREDENTIALS = { accessKeyId: 'AKIDFLEDGETEST', secretAccessKey: 'fledge-test-secret' } as const;

/** SDK client config pointing at a fake: region, credentials, endpoint and no retries (tests see every failure). */
export function clientConfig(endpoint: string, region = 'eu-west-1') {
  return { endpoint, region, credentials: TEST_CREDENTIALS, maxAttempts: 1 };
}

/** A REST-JSON error answer as AWS services send them (`x-amzn-ErrorType` names the exception). */
export function awsError(status: number, type: string, message: string): FakeResponse {
  return { status, headers: { 'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazonaws/` }, body: { Message: message, message } };
}
