/**
 * The EKS bearer token, made as aws-iam-authenticator and `aws eks get-token` make it: a presigned STS
 * `GetCallerIdentity` URL whose signed headers include `x-k8s-aws-id: <cluster name>`, base64url-encoded
 * without padding behind `k8s-aws-v1.`. The API server's authenticator calls that URL and maps the caller's
 * ARN to a Kubernetes identity (an EKS access entry).
 */
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import type { TokenProvider } from './transport.ts';

/** The prefix of every EKS token. */
export const EKS_TOKEN_PREFIX = 'k8s-aws-v1.';
/** The header that binds a token to one cluster. */
export const CLUSTER_ID_HEADER = 'x-k8s-aws-id';
/** The presigned URL's own expiry, as aws-iam-authenticator sets it. */
const PRESIGN_EXPIRES_SECONDS = 60;
/** The authenticator accepts a token for 15 minutes from its signing time; we reuse one for less than that. */
export const EKS_TOKEN_REUSE_MS = 10 * 60_000;

/** What a token is made from. */
export interface EksTokenInput {
  /** The EKS cluster's name (not its ARN). */
  readonly clusterName: string;
  /** The STS region to sign for; the URL's host is the regional STS endpoint. */
  readonly region: string;
  readonly credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** @default now */
  readonly signingDate?: Date;
}

/** The STS host a token is signed for. */
export function stsHost(region: string): string {
  return region.startsWith('cn-') ? `sts.${region}.amazonaws.com.cn` : `sts.${region}.amazonaws.com`;
}

/**
 * Makes one EKS token.
 * @example
 * const token = await eksToken({ clusterName: 'prod-eu', region: 'eu-west-1', credentials: fromEnv() });
 */
export async function eksToken(input: EksTokenInput): Promise<string> {
  if (input.clusterName === '') throw new TypeError('clusterName: expected the EKS cluster name, got ""');
  const signer = new SignatureV4({ service: 'sts', region: input.region, credentials: input.credentials, sha256: Hash.bind(null, 'sha256') });
  const host = stsHost(input.region);
  const presigned = await signer.presign(
    {
      method: 'GET',
      protocol: 'https:',
      hostname: host,
      path: '/',
      query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
      headers: { host, [CLUSTER_ID_HEADER]: input.clusterName },
    },
    { expiresIn: PRESIGN_EXPIRES_SECONDS, ...(input.signingDate ? { signingDate: input.signingDate } : {}) },
  );
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(presigned.query ?? {})) {
    if (typeof value === 'string') query.set(key, value);
  }
  const url = `https://${host}/?${query.toString()}`;
  return EKS_TOKEN_PREFIX + Buffer.from(url, 'utf8').toString('base64url');
}

/** Options of {@link EksTokenProvider}. */
export interface EksTokenProviderOptions extends Omit<EksTokenInput, 'signingDate'> {
  /** @default Date.now */
  readonly now?: () => number;
}

/**
 * A {@link TokenProvider} for one cluster that makes a token and reuses it for 10 minutes (below the
 * authenticator's 15), so a Lambda container signs once per 10 minutes, not once per request. Concurrent
 * callers share one signing.
 */
export class EksTokenProvider implements TokenProvider {
  readonly #options: EksTokenProviderOptions;
  #cached: { token: Promise<string>; madeAt: number } | undefined;

  constructor(options: EksTokenProviderOptions) {
    this.#options = options;
  }

  token(): Promise<string> {
    const now = (this.#options.now ?? Date.now)();
    if (this.#cached && now - this.#cached.madeAt < EKS_TOKEN_REUSE_MS) return this.#cached.token;
    const token = eksToken({ ...this.#options, signingDate: new Date(now) });
    const entry = { token, madeAt: now };
    this.#cached = entry;
    // A failed signing is not cached: the next request tries again.
    token.catch(() => {
      if (this.#cached === entry) this.#cached = undefined;
    });
    return token;
  }
}
