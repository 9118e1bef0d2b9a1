/**
 * SigV4 verification written from AWS's documented algorithm (canonical request → string to sign → HMAC
 * chain), independent of the SDK's signer, so a test catches a request the SDK signed for the wrong service,
 * region, host or headers.
 */
import { createHash, createHmac } from 'node:crypto';

const hmac = (key: Buffer | string, data: string): Buffer => createHmac('sha256', key).update(data, 'utf8').digest();
const sha256 = (data: string): string => createHash('sha256').update(data, 'utf8').digest('hex');

/** RFC 3986 encoding as SigV4 wants it. */
function encode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The signature SigV4 gives a request with these parts. */
export function sigv4Signature(parts: {
  method: string;
  path: string;
  /** Query parameters (decoded), without X-Amz-Signature. */
  query: ReadonlyArray<[string, string]>;
  /** Signed headers, lower-case names, values as sent. */
  headers: Readonly<Record<string, string>>;
  payloadHash: string;
  amzDate: string;
  scope: string;
  secretAccessKey: string;
}): string {
  const canonicalQuery = [...parts.query]
    .map(([k, v]) => [encode(k), encode(v)] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const names = Object.keys(parts.headers).sort();
  const canonicalHeaders = names.map((n) => `${n}:${String(parts.headers[n]).trim().replace(/\s+/g, ' ')}\n`).join('');
  const canonicalRequest = [parts.method, parts.path, canonicalQuery, canonicalHeaders, names.join(';'), parts.payloadHash].join('\n');
  const stringToSign = ['AWS4-HMAC-SHA256', parts.amzDate, parts.scope, sha256(canonicalRequest)].join('\n');
  const [date, region, service, terminator] = parts.scope.split('/') as [string, string, string, string];
  const key = hmac(hmac(hmac(hmac(`AWS4${parts.secretAccessKey}`, date), region), service), terminator);
  return createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex');
}

/** SHA-256 of an empty body, the payload hash of a GET. */
export const EMPTY_PAYLOAD_HASH = sha256('');
