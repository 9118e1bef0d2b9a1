/**
 * Local stand-ins for the SNS and EventBridge control planes, answering their documented wire protocols so the
 * real AWS SDK clients (serializer, signer, retry logic) run against them:
 * - SNS: the Query protocol, `POST /` form-encoded `Action=Publish&Version=2010-03-31&…`, an XML
 *   `PublishResponse`, or an XML `ErrorResponse` (e.g. `Throttling`, HTTP 400).
 * - EventBridge: JSON 1.1, `X-Amz-Target: AWSEvents.PutEvents`, `{"Entries":[…]}` in, `{"Entries":[{"EventId"}],
 *   "FailedEntryCount":0}` out, or per-entry errors.
 * Both keep what they accepted, and can be told to refuse the next N requests.
 */
import { createHash } from 'node:crypto';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { startRecordingServer, type Answer, type RecordedRequest, type RecordingServer } from '../hooks/recording-server.ts';

/** A message SNS accepted. */
export interface PublishedMessage {
  readonly topicArn: string;
  readonly subject?: string;
  readonly message: string;
  readonly attributes: Record<string, { dataType: string; value: string }>;
}

/** A fake SNS endpoint. */
export interface FakeSns extends RecordingServer {
  readonly published: PublishedMessage[];
  /** Refuse the next `count` Publish calls with `code` (HTTP 400, or 500 for `InternalError`). */
  refuse(count: number, code?: string): void;
}

/** The form fields of a Query request body. */
export function formOf(request: RecordedRequest): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(request.body));
}

/** Starts a fake SNS endpoint. */
export async function startFakeSns(): Promise<FakeSns> {
  const published: PublishedMessage[] = [];
  let refusals = 0;
  let refusalCode = 'Throttling';
  let id = 0;
  const server = await startRecordingServer((request): Answer => {
    const form = formOf(request);
    if (form['Action'] !== 'Publish' || form['Version'] !== '2010-03-31') return snsError(400, 'InvalidAction', `unsupported ${form['Action']}`);
    if (refusals > 0) {
      refusals -= 1;
      return snsError(refusalCode === 'InternalError' ? 500 : 400, refusalCode, 'Rate exceeded');
    }
    const attributes: PublishedMessage['attributes'] = {};
    for (let n = 1; form[`MessageAttributes.entry.${n}.Name`] !== undefined; n++) {
      attributes[form[`MessageAttributes.entry.${n}.Name`] as string] = {
        dataType: form[`MessageAttributes.entry.${n}.Value.DataType`] ?? '',
        value: form[`MessageAttributes.entry.${n}.Value.StringValue`] ?? '',
      };
    }
    published.push({
      topicArn: form['TopicArn'] ?? '',
      ...(form['Subject'] === undefined ? {} : { subject: form['Subject'] }),
      message: form['Message'] ?? '',
      attributes,
    });
    id += 1;
    return {
      status: 200,
      headers: { 'content-type': 'text/xml' },
      body: `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>00000000-0000-0000-0000-00000000000${id}</MessageId></PublishResult><ResponseMetadata><RequestId>req-${id}</RequestId></ResponseMetadata></PublishResponse>`,
    };
  });
  return Object.assign(server, {
    published,
    refuse: (count: number, code = 'Throttling') => {
      refusals = count;
      refusalCode = code;
    },
  });
}

function snsError(status: number, code: string, message: string): Answer {
  return {
    status,
    headers: { 'content-type': 'text/xml' },
    body: `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>err</RequestId></ErrorResponse>`,
  };
}

/** An event EventBridge accepted. */
export interface PutEvent {
  readonly Source: string;
  readonly DetailType: string;
  readonly Detail: string;
  readonly EventBusName?: string;
  readonly Time?: number;
}

/** A fake EventBridge endpoint. */
export interface FakeEventBridge extends RecordingServer {
  readonly events: PutEvent[];
  /** Answer the next `count` PutEvents with a failed entry (HTTP 200, `FailedEntryCount: 1`). */
  failEntries(count: number): void;
  /** Answer the next `count` PutEvents with HTTP 500 `InternalException`. */
  refuse(count: number): void;
}

/** Starts a fake EventBridge endpoint. */
export async function startFakeEventBridge(): Promise<FakeEventBridge> {
  const events: PutEvent[] = [];
  let failing = 0;
  let refusing = 0;
  let id = 0;
  const json = (status: number, body: unknown): Answer => ({ status, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: JSON.stringify(body) });
  const server = await startRecordingServer((request): Answer => {
    if (request.headers['x-amz-target'] !== 'AWSEvents.PutEvents') return json(400, { __type: 'UnknownOperationException' });
    if (refusing > 0) {
      refusing -= 1;
      return json(500, { __type: 'InternalException', message: 'try again' });
    }
    const { Entries } = JSON.parse(request.body) as { Entries: PutEvent[] };
    if (failing > 0) {
      failing -= 1;
      return json(200, { FailedEntryCount: Entries.length, Entries: Entries.map(() => ({ ErrorCode: 'InternalFailure', ErrorMessage: 'entry failed' })) });
    }
    events.push(...Entries);
    return json(200, { FailedEntryCount: 0, Entries: Entries.map(() => ({ EventId: `event-${++id}` })) });
  });
  return Object.assign(server, {
    events,
    failEntries: (count: number) => void (failing = count),
    refuse: (count: number) => void (refusing = count),
  });
}

/** Fixed credentials for the SDK clients pointed at the fakes. */
export const TEST_CREDENTIALS = { accessKeyId: 'AKIDFLEDGETEST', secretAccessKey: 'fledge-test-secret' } as const;

/** A SigV4 Authorization header scoped to `service` in `region`, with the test credentials. */
export function sigv4Pattern(service: string, region: string): RegExp {
  return new RegExp(`^AWS4-HMAC-SHA256 Credential=${TEST_CREDENTIALS.accessKeyId}/\\d{8}/${region}/${service}/aws4_request, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$`);
}

/**
 * Checks a request's SigV4 signature as AWS would: the scope names the test credentials, `service` and `region`,
 * and signing the received request again (its signed headers, body, and `X-Amz-Date`) with the test secret gives
 * the same Authorization header. Returns what differs, or undefined when the signature is valid.
 */
export async function sigv4Problem(request: RecordedRequest, service: string, region: string): Promise<string | undefined> {
  const authorization = String(request.headers['authorization'] ?? '');
  if (!sigv4Pattern(service, region).test(authorization)) return `authorization not scoped to ${service}/${region}: ${authorization}`;
  const signed = (/SignedHeaders=([^,]+)/.exec(authorization)?.[1] ?? '').split(';');
  const headers: Record<string, string> = {};
  for (const name of signed) headers[name] = String(request.headers[name] ?? '');
  const declared = headers['x-amz-content-sha256'];
  if (declared !== undefined && declared !== createHash('sha256').update(request.body).digest('hex')) return 'x-amz-content-sha256 does not match the body';
  const amzDate = headers['x-amz-date'] ?? '';
  const signingDate = new Date(`${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`);
  const [path = '/', query = ''] = request.path.split('?');
  const signer = new SignatureV4({ credentials: TEST_CREDENTIALS, region, service, sha256: Hash.bind(null, 'sha256'), applyChecksum: signed.includes('x-amz-content-sha256') });
  const again = await signer.sign(
    { method: request.method, protocol: 'http:', hostname: '127.0.0.1', path, query: Object.fromEntries(new URLSearchParams(query)), headers, body: request.body },
    { signingDate },
  );
  const expected = again.headers['authorization'];
  return expected === authorization ? undefined : `signature mismatch: expected ${expected}, got ${authorization}`;
}
