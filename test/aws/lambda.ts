/**
 * A fake Lambda `Invoke` (POST /2015-03-31/functions/{FunctionName}/invocations): an `Event` invocation is
 * queued and answered 202 as Lambda does; the test delivers the queue to the real handler when it chooses.
 */
import { awsError, startFakeServer, type FakeServer } from './server.ts';

export interface FakeLambda extends FakeServer {
  /** Queued asynchronous invocations: function and parsed payload. */
  readonly queued: Array<{ functionName: string; payload: unknown }>;
}

export async function startFakeLambda(): Promise<FakeLambda> {
  const queued: FakeLambda['queued'] = [];
  const server = await startFakeServer((request) => {
    const match = /^\/2015-03-31\/functions\/(.+)\/invocations$/.exec(request.path);
    if (request.method !== 'POST' || !match) return awsError(404, 'ResourceNotFoundException', `no route ${request.method} ${request.path}`);
    if (!/Credential=[^/]+\/\d{8}\/[^/]+\/lambda\/aws4_request/.test(String(request.headers['authorization'] ?? ''))) return awsError(403, 'AccessDeniedException', 'not signed for lambda');
    if (request.headers['x-amz-invocation-type'] !== 'Event') return awsError(400, 'InvalidParameterValueException', 'this fake only queues Event invocations');
    queued.push({ functionName: match[1] ?? '', payload: JSON.parse(request.body || 'null') });
    return { status: 202, body: '' };
  });
  return { ...server, queued };
}
