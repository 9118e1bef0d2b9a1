/**
 * A fake STS and the EKS token check of aws-iam-authenticator (`pkg/token.Verify`): the token's prefix and
 * unpadded base64url, an https URL to an allowed STS host at path `/`, only the allowed query keys,
 * `Action=GetCallerIdentity`, `x-k8s-aws-id` among the signed headers, a signing time within 15 minutes, and
 * then the presigned request itself, whose SigV4 signature the fake STS recomputes with the known
 * credentials. AssumeRole (the query protocol, POST form) issues temporary credentials it then accepts.
 */
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { sigv4Signature, EMPTY_PAYLOAD_HASH } from './sigv4.ts';
import { startFakeServer, TEST_CREDENTIALS, type FakeResponse, type FakeServer, type RecordedRequest } from './server.ts';

/** A caller the fake knows: its keys and the ARN GetCallerIdentity answers. */
export interface KnownCaller {
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly arn: string;
}

export interface FakeSts extends FakeServer {
  /** Callers by access key id; starts with the test credentials as `arn:aws:iam::111111111111:user/fledge`. */
  readonly callers: Map<string, KnownCaller>;
  /** Roles assumed, in order. */
  readonly assumed: Array<{ roleArn: string; sessionName: string; by: string }>;
  /**
   * Verifies an EKS token for `clusterId` as the authenticator does; returns the caller's ARN or throws
   * the reason. `now` is the authenticator's clock.
   */
  verifyToken(token: string, clusterId: string, now?: Date): Promise<string>;
}

const ALLOWED_QUERY_KEYS = new Set([
  'action', 'version', 'x-amz-algorithm', 'x-amz-credential', 'x-amz-date', 'x-amz-expires', 'x-amz-security-token', 'x-amz-signature', 'x-amz-signedheaders',
]);
const TOKEN_LIFETIME_MS = 15 * 60_000;

export async function startFakeSts(options: { region?: string } = {}): Promise<FakeSts> {
  const region = options.region ?? 'eu-west-1';
  const callers = new Map<string, KnownCaller>([[TEST_CREDENTIALS.accessKeyId, { secretAccessKey: TEST_CREDENTIALS.secretAccessKey, arn: 'arn:aws:iam::111111111111:user/fledge' }]]);
  const assumed: FakeSts['assumed'] = [];

  function handle(request: RecordedRequest): FakeResponse {
    if (request.method === 'GET') return getCallerIdentity(request);
    if (request.method === 'POST') return assumeRole(request);
    return xmlError(400, 'InvalidAction', `method ${request.method}`);
  }

  /** A presigned GetCallerIdentity, as the authenticator forwards it: the signature is checked over the signed headers. */
  function getCallerIdentity(request: RecordedRequest): FakeResponse {
    const query = request.query;
    const credential = query.get('X-Amz-Credential') ?? '';
    const [accessKeyId, ...scopeParts] = credential.split('/');
    const caller = callers.get(accessKeyId ?? '');
    if (!caller) return xmlError(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
    if (caller.sessionToken !== undefined && query.get('X-Amz-Security-Token') !== caller.sessionToken) return xmlError(403, 'InvalidClientTokenId', 'session token mismatch');
    const signedHeaders = (query.get('X-Amz-SignedHeaders') ?? '').split(';');
    const headers: Record<string, string> = {};
    for (const name of signedHeaders) headers[name] = String(request.headers[name] ?? '');
    const expected = sigv4Signature({
      method: 'GET',
      path: request.path,
      query: [...query.entries()].filter(([k]) => k !== 'X-Amz-Signature'),
      headers,
      payloadHash: EMPTY_PAYLOAD_HASH,
      amzDate: query.get('X-Amz-Date') ?? '',
      scope: scopeParts.join('/'),
      secretAccessKey: caller.secretAccessKey,
    });
    if (expected !== query.get('X-Amz-Signature')) return xmlError(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.');
    if (scopeParts[1] !== region || scopeParts[2] !== 'sts') return xmlError(403, 'SignatureDoesNotMatch', `credential scope ${scopeParts.join('/')} is not ${region}/sts`);
    return {
      status: 200,
      headers: { 'content-type': 'text/xml' },
      body: `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>${caller.arn}</Arn><UserId>AIDFAKE</UserId><Account>${caller.arn.split(':')[4]}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
    };
  }

  function assumeRole(request: RecordedRequest): FakeResponse {
    const form = new URLSearchParams(request.body);
    if (form.get('Action') !== 'AssumeRole') return xmlError(400, 'InvalidAction', `unsupported action ${form.get('Action')}`);
    const authorization = String(request.headers['authorization'] ?? '');
    const by = /Credential=([^/]+)\//.exec(authorization)?.[1] ?? '';
    if (!callers.has(by)) return xmlError(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
    const roleArn = form.get('RoleArn') ?? '';
    const sessionName = form.get('RoleSessionName') ?? '';
    if (!/^arn:aws:iam::\d{12}:role\/.+$/.test(roleArn)) return xmlError(400, 'ValidationError', `RoleArn ${roleArn} is not a role ARN`);
    assumed.push({ roleArn, sessionName, by });
    const accessKeyId = `ASIA${randomBytes(8).toString('hex').toUpperCase()}`;
    const secretAccessKey = randomBytes(20).toString('base64');
    const sessionToken = randomBytes(32).toString('base64');
    const account = roleArn.split(':')[4];
    const arn = `arn:aws:sts::${account}:assumed-role/${roleArn.split('/').slice(1).join('/')}/${sessionName}`;
    callers.set(accessKeyId, { secretAccessKey, sessionToken, arn });
    const expiration = new Date(Date.now() + 3600_000).toISOString();
    return {
      status: 200,
      headers: { 'content-type': 'text/xml' },
      body: `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials><AccessKeyId>${accessKeyId}</AccessKeyId><SecretAccessKey>${secretAccessKey}</SecretAccessKey><SessionToken>${sessionToken}</SessionToken><Expiration>${expiration}</Expiration></Credentials><AssumedRoleUser><Arn>${arn}</Arn><AssumedRoleId>AROAFAKE:${sessionName}</AssumedRoleId></AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>2</RequestId></ResponseMetadata></AssumeRoleResponse>`,
    };
  }

  const server = await startFakeServer(handle);

  async function verifyToken(token: string, clusterId: string, now = new Date()): Promise<string> {
    if (!token.startsWith('k8s-aws-v1.')) throw new Error('token is missing expected "k8s-aws-v1." prefix');
    const encoded = token.slice('k8s-aws-v1.'.length);
    if (!/^[A-Za-z0-9_-]+$/.test(encoded)) throw new Error('input token was not properly formatted: not unpadded base64url');
    const url = new URL(Buffer.from(encoded, 'base64url').toString('utf8'));
    if (url.protocol !== 'https:') throw new Error(`unexpected scheme ${url.protocol}`);
    const allowedHosts = new Set(['sts.amazonaws.com', `sts.${region}.amazonaws.com`]);
    if (!allowedHosts.has(url.host)) throw new Error(`unexpected hostname ${url.host} in pre-signed URL`);
    if (url.pathname !== '/') throw new Error('unexpected path in pre-signed URL');
    for (const key of url.searchParams.keys()) {
      if (!ALLOWED_QUERY_KEYS.has(key.toLowerCase())) throw new Error(`non-whitelisted query parameter ${key}`);
    }
    if (url.searchParams.get('Action') !== 'GetCallerIdentity') throw new Error('unexpected action parameter in pre-signed URL');
    const signed = (url.searchParams.get('X-Amz-SignedHeaders') ?? '').split(';');
    if (!signed.includes('x-k8s-aws-id')) throw new Error('client did not sign the x-k8s-aws-id header in the pre-signed URL');
    if (!signed.includes('host')) throw new Error('client did not sign the host header in the pre-signed URL');
    const date = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(url.searchParams.get('X-Amz-Date') ?? '');
    if (!date) throw new Error('X-Amz-Date parameter is missing or malformed');
    const signedAt = Date.UTC(Number(date[1]), Number(date[2]) - 1, Number(date[3]), Number(date[4]), Number(date[5]), Number(date[6]));
    if (now.getTime() > signedAt + TOKEN_LIFETIME_MS) throw new Error('X-Amz-Date parameter is expired (15 minute expiration)');
    // The authenticator sends the request to STS with the cluster id header; Host stays the signed STS host.
    const response = await forward(`${server.endpoint}/${url.search}`, { host: url.host, 'x-k8s-aws-id': clusterId });
    const text = response.text;
    if (response.status !== 200) throw new Error(`sts getCallerIdentity failed: ${response.status} ${/<Code>([^<]+)<\/Code>/.exec(text)?.[1] ?? text}`);
    return /<Arn>([^<]+)<\/Arn>/.exec(text)?.[1] ?? '';
  }

  return { ...server, callers, assumed, verifyToken };
}

function xmlError(status: number, code: string, message: string): FakeResponse {
  return {
    status,
    headers: { 'content-type': 'text/xml' },
    body: `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>3</RequestId></ErrorResponse>`,
  };
}

/** A GET with the headers as given (fetch would not let the Host header be set). */
function forward(url: string, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}
