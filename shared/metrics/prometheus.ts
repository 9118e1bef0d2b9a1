/**
 * The Prometheus provider, as Flagger's (`providers/prometheus.go`): `GET <address>/api/v1/query?query=…` with
 * whitespace collapsed, custom headers, a bearer `token` or `username`/`password` from the secret, optional
 * `insecureSkipVerify`, a 5 s timeout, and `vector(1)` as the availability probe. An address that is an Amazon
 * Managed Service for Prometheus workspace is signed with SigV4 (service `aps`), so no signing proxy is needed.
 * Unlike Flagger, which keeps the last of several samples, more than one sample is `multipleValues`.
 */
import type { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { ProviderConfigError } from './errors.ts';
import { finiteValue, parseJson, send, shorten } from './http.ts';
import type { MetricProvider, MetricQueryResult, OnlineResult } from './types.ts';

/** The probe Flagger runs: it must answer exactly 1. */
export const PROMETHEUS_ONLINE_QUERY = 'vector(1)';

/** SigV4 signing for Amazon Managed Service for Prometheus. */
export interface AmpSigning {
  /** The workspace's region. @default the region in the address */
  readonly region?: string;
  /** @default the AWS SDK's default credential chain */
  readonly credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Sign even when the address is not an AMP workspace (a test server standing in for one). @default false */
  readonly force?: boolean;
}

/** How a Prometheus provider is built. */
export interface PrometheusOptions {
  readonly address: string;
  /** Header name → values, sent with every query. */
  readonly headers?: Readonly<Record<string, readonly string[]>>;
  /** The secret's data (decoded), when the template has a `secretRef`. */
  readonly secret?: Readonly<Record<string, string>>;
  readonly insecureSkipVerify?: boolean;
  /** @default 5000 */
  readonly timeoutMs?: number;
  readonly amp?: AmpSigning;
}

const AMP_HOST = /^aps-workspaces\.([a-z0-9-]+)\.amazonaws\.com$/u;

/** The region of an AMP workspace address (`https://aps-workspaces.<region>.amazonaws.com/workspaces/ws-…`). */
export function ampRegionOf(address: string): string | undefined {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    return undefined;
  }
  const match = AMP_HOST.exec(url.hostname);
  return match !== null && url.pathname.startsWith('/workspaces/ws-') ? match[1] : undefined;
}

/** Builds the provider; a bad address or incomplete secret is a {@link ProviderConfigError}. */
export function createPrometheusProvider(options: PrometheusOptions): MetricProvider {
  let base: URL;
  try {
    base = new URL(options.address);
  } catch {
    throw new ProviderConfigError(`prometheus address ${JSON.stringify(options.address)} is not a valid URL`);
  }
  const headers: Record<string, string | readonly string[]> = { ...(options.headers ?? {}) };
  const secret = options.secret;
  if (secret !== undefined) {
    if (secret.token !== undefined) headers.authorization = `Bearer ${secret.token}`;
    else if (secret.username === undefined) throw new ProviderConfigError('prometheus credentials does not contain a username');
    else if (secret.password === undefined) throw new ProviderConfigError('prometheus credentials does not contain a password');
    else headers.authorization = `Basic ${Buffer.from(`${secret.username}:${secret.password}`).toString('base64')}`;
  }
  const region = options.amp?.region ?? ampRegionOf(options.address);
  const signer = region !== undefined && (options.amp?.force === true || ampRegionOf(options.address) !== undefined) ? ampSigner(region, options.amp?.credentials) : undefined;

  const run = async (rendered: string): Promise<MetricQueryResult> => {
    const query = rendered.replace(/\s+/gu, ' ');
    const url = new URL(base.href);
    url.pathname = `${base.pathname.replace(/\/+$/u, '')}/api/v1/query`;
    url.search = `?query=${encodeRfc3986(query)}`;
    let sent = headers;
    if (signer !== undefined) {
      try {
        sent = { ...headers, ...(await signer(url, query)) };
      } catch (error) {
        return { kind: 'error', error: `signing the AMP request failed: ${(error as Error).message}` };
      }
    }
    const answer = await send({ url, headers: sent, timeoutMs: options.timeoutMs, insecureSkipVerify: options.insecureSkipVerify });
    if (!answer.ok) return { kind: 'error', error: answer.error };
    if (answer.status >= 400) return { kind: 'error', error: `error response: Status ${answer.status}: ${shorten(answer.body)}` };
    const parsed = parseJson(answer.body);
    if (!parsed.ok) return { kind: 'error', error: parsed.error };
    return readResult(parsed.value);
  };

  return {
    type: 'prometheus',
    query: run,
    async isOnline(): Promise<OnlineResult> {
      const result = await run(PROMETHEUS_ONLINE_QUERY);
      if (result.kind === 'value' && result.value === 1) return { online: true };
      const why = result.kind === 'error' ? result.error : result.kind === 'noData' ? result.reason : `value is not 1 for query: ${PROMETHEUS_ONLINE_QUERY}`;
      return { online: false, reason: `running query failed: ${why}` };
    },
  };
}

interface PrometheusAnswer {
  readonly data?: { readonly resultType?: string; readonly result?: unknown };
}

/** Reduces an instant-query answer to one number. */
function readResult(body: unknown): MetricQueryResult {
  const data = (body as PrometheusAnswer | null)?.data;
  const result = data?.result;
  if (data?.resultType === 'scalar' && Array.isArray(result)) return sampleValue(result);
  if (data?.resultType === 'matrix') return { kind: 'multipleValues', count: Array.isArray(result) ? result.length : undefined };
  if (!Array.isArray(result)) return { kind: 'error', error: `invalid response: no data.result in '${shorten(JSON.stringify(body))}'` };
  if (result.length === 0) return { kind: 'noData', reason: 'no values found' };
  if (result.length > 1) return { kind: 'multipleValues', count: result.length };
  const sample = result[0] as { value?: unknown; values?: unknown };
  if (sample.values !== undefined) return { kind: 'multipleValues' };
  return Array.isArray(sample.value) ? sampleValue(sample.value) : { kind: 'error', error: 'invalid response: a sample without value' };
}

function sampleValue(pair: readonly unknown[]): MetricQueryResult {
  const raw = pair[1];
  if (typeof raw !== 'string') return { kind: 'noData', reason: 'no values found' };
  const value = raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : Number(raw);
  if (raw.trim() === '' || (Number.isNaN(value) && raw !== 'NaN')) return { kind: 'error', error: `invalid sample value ${JSON.stringify(raw)}` };
  return finiteValue(value, 'the sample');
}

/** Percent-encodes as SigV4 canonicalizes (RFC 3986), so the signed and the sent query are the same bytes. */
function encodeRfc3986(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/gu, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

type Signer = (url: URL, query: string) => Promise<Record<string, string>>;

function ampSigner(region: string, credentials: AmpSigning['credentials']): Signer {
  // The signer is loaded on first use, so Prometheus without AMP pays nothing for it.
  let signer: Promise<{ sign: SignatureV4['sign'] }> | undefined;
  return async (url, query) => {
    signer ??= (async () => {
      const [{ SignatureV4: Signer }, { Hash }] = await Promise.all([import('@smithy/signature-v4'), import('@smithy/hash-node')]);
      return new Signer({ service: 'aps', region, credentials: credentials ?? (await defaultCredentials()), sha256: Hash.bind(null, 'sha256') });
    })();
    const { HttpRequest } = await import('@smithy/protocol-http');
    const request = new HttpRequest({
      method: 'GET',
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port === '' ? {} : { port: Number(url.port) }),
      path: url.pathname,
      query: { query },
      headers: { host: url.host },
    });
    const signed = await (await signer).sign(request);
    return { ...signed.headers };
  };
}

async function defaultCredentials(): Promise<AwsCredentialIdentityProvider> {
  const { defaultProvider } = await import('@aws-sdk/credential-provider-node');
  return defaultProvider();
}
