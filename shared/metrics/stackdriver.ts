/**
 * The Stackdriver (Google Cloud Monitoring) provider, as Flagger's: the query is MQL, run with
 * `projects.timeSeries.query` (`POST <address>/v3/projects/<project>/timeSeries:query`); the answer is the first
 * value of the first point of the first series. Credentials are the secret's `serviceAccountKey` (a service
 * account key JSON), exchanged for an access token with a signed JWT (OAuth 2.0 JWT bearer grant, RS256) at the
 * key's `token_uri`; a Lambda has no Google default credentials, so the key is required. `project` names the
 * project. `spec.provider.address` replaces `https://monitoring.googleapis.com`. Several series are
 * `multipleValues` (Flagger reads the first).
 */
import { createSign } from 'node:crypto';
import { ProviderConfigError } from './errors.ts';
import { finiteValue, parseJson, send, shorten } from './http.ts';
import { addressOf, secretKey, type ProviderOptions } from './options.ts';
import type { MetricProvider, MetricQueryResult, OnlineResult } from './types.ts';

/** Cloud Monitoring's endpoint. */
export const STACKDRIVER_DEFAULT_ADDRESS = 'https://monitoring.googleapis.com';
/** The OAuth scope the token is asked for. */
export const MONITORING_READ_SCOPE = 'https://www.googleapis.com/auth/monitoring.read';

interface ServiceAccountKey {
  readonly client_email: string;
  readonly private_key: string;
  readonly token_uri?: string;
}

interface TypedValue {
  readonly doubleValue?: number;
  readonly int64Value?: string;
}

/** Builds the provider; a missing or unreadable key is a `ProviderConfigError`. */
export function createStackdriverProvider(options: ProviderOptions): MetricProvider {
  const project = secretKey(options, 'project');
  const key = readKey(secretKey(options, 'serviceAccountKey'));
  const endpoint = `${addressOf(options, STACKDRIVER_DEFAULT_ADDRESS)}/v3/projects/${encodeURIComponent(project)}/timeSeries:query`;
  let token: { value: string; expiresAt: number } | undefined;

  const accessToken = async (): Promise<{ ok: true; value: string } | { ok: false; error: string }> => {
    const now = options.now().getTime();
    if (token !== undefined && token.expiresAt - 60_000 > now) return { ok: true, value: token.value };
    const tokenUri = key.token_uri ?? 'https://oauth2.googleapis.com/token';
    const assertion = signedJwt(key, tokenUri, Math.trunc(now / 1000));
    const body = new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }).toString();
    const answer = await send({ url: new URL(tokenUri), method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body, timeoutMs: options.timeoutMs });
    if (!answer.ok) return { ok: false, error: `token request failed: ${answer.error}` };
    const parsed = parseJson(answer.body);
    const granted = parsed.ok ? (parsed.value as { access_token?: string; expires_in?: number }) : undefined;
    if (answer.status !== 200 || granted?.access_token === undefined) return { ok: false, error: `token request refused: ${answer.status} ${shorten(answer.body)}` };
    token = { value: granted.access_token, expiresAt: now + (granted.expires_in ?? 3600) * 1000 };
    return { ok: true, value: token.value };
  };

  const run = async (query: string): Promise<{ ok: true; status: number; value: unknown; body: string } | { ok: false; error: string }> => {
    const bearer = await accessToken();
    if (!bearer.ok) return bearer;
    const answer = await send({
      url: new URL(endpoint),
      method: 'POST',
      headers: { authorization: `Bearer ${bearer.value}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query }),
      timeoutMs: options.timeoutMs,
    });
    if (!answer.ok) return answer;
    const parsed = parseJson(answer.body);
    return { ok: true, status: answer.status, value: parsed.ok ? parsed.value : undefined, body: answer.body };
  };

  return {
    type: 'stackdriver',
    async query(rendered: string): Promise<MetricQueryResult> {
      const answer = await run(rendered);
      if (!answer.ok) return { kind: 'error', error: `error requesting stackdriver: ${answer.error}` };
      if (answer.status !== 200) return { kind: 'error', error: `error requesting stackdriver: ${answer.status} ${shorten(answer.body)}` };
      const series = (answer.value as { timeSeriesData?: { pointData?: { values?: TypedValue[] }[] }[] } | undefined)?.timeSeriesData ?? [];
      if (series.length > 1) return { kind: 'multipleValues', count: series.length };
      const value = series[0]?.pointData?.[0]?.values?.[0];
      if (value === undefined) return { kind: 'noData', reason: 'no values found' };
      const number = value.doubleValue ?? (value.int64Value === undefined ? undefined : Number(value.int64Value));
      if (number === undefined) return { kind: 'noData', reason: 'no values found (the point has no numeric value)' };
      return finiteValue(number, 'the point');
    },
    async isOnline(): Promise<OnlineResult> {
      // Flagger runs an empty query: a reachable API with working credentials refuses it with 400.
      const answer = await run('');
      if (!answer.ok) return { online: false, reason: answer.error };
      return answer.status === 200 || answer.status === 400 ? { online: true } : { online: false, reason: `${answer.status} ${shorten(answer.body)}` };
    },
  };
}

function readKey(json: string): ServiceAccountKey {
  let key: Partial<ServiceAccountKey>;
  try {
    key = JSON.parse(json) as Partial<ServiceAccountKey>;
  } catch (error) {
    throw new ProviderConfigError(`stackdriver serviceAccountKey is not JSON: ${(error as Error).message}`);
  }
  if (typeof key.client_email !== 'string' || typeof key.private_key !== 'string') {
    throw new ProviderConfigError('stackdriver serviceAccountKey has no client_email or private_key (expected a service account key JSON)');
  }
  return key as ServiceAccountKey;
}

/** The RS256-signed JWT of the OAuth 2.0 JWT bearer grant (RFC 7523), valid one hour. */
function signedJwt(key: ServiceAccountKey, audience: string, nowSeconds: number): string {
  const encode = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${encode({ alg: 'RS256', typ: 'JWT' })}.${encode({ iss: key.client_email, scope: MONITORING_READ_SCOPE, aud: audience, iat: nowSeconds, exp: nowSeconds + 3600 })}`;
  const signature = createSign('RSA-SHA256').update(unsigned).sign(key.private_key).toString('base64url');
  return `${unsigned}.${signature}`;
}
