/**
 * EKS access as a Lambda uses it: the token verified as aws-iam-authenticator verifies it (fake STS
 * recomputing the SigV4 signature), its reuse below the 15-minute life, DescribeCluster once per container,
 * a cluster in another account through AssumeRole, and the HTTPS transport trusting only the cluster CA.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EksAccess, EksTokenProvider, eksToken, HttpKubeClient, HttpsTransport, KubeApiError, KubeUnavailableError } from '../../shared/kube/index.ts';
import { clientConfig, TEST_CREDENTIALS } from '../aws/server.ts';
import { selfSignedCertificate } from '../aws/tls.ts';
import { startEksKube, TEST_CLUSTER, type KubeHarness } from './harness.ts';
import type { FakeEks } from '../aws/eks.ts';
import type { FakeSts } from '../aws/sts.ts';

let h: KubeHarness & { sts: FakeSts; eks: FakeEks };
beforeAll(async () => {
  h = await startEksKube();
});
afterAll(() => h.stop());

const SIGNED_AT = new Date('2026-01-01T00:00:00Z');
const decode = (token: string) => new URL(Buffer.from(token.slice('k8s-aws-v1.'.length), 'base64url').toString('utf8'));

describe('eksToken', () => {
  it('is k8s-aws-v1. + unpadded base64url of a presigned GetCallerIdentity with x-k8s-aws-id signed, 60 s expiry', async () => {
    const token = await eksToken({ clusterName: 'prod-eu', region: 'eu-west-1', credentials: TEST_CREDENTIALS, signingDate: SIGNED_AT });

    expect(token).toMatch(/^k8s-aws-v1\.[A-Za-z0-9_-]+$/);
    const url = decode(token);
    expect(url.origin + url.pathname).toBe('https://sts.eu-west-1.amazonaws.com/');
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      Action: 'GetCallerIdentity',
      Version: '2011-06-15',
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Credential': 'AKIDFLEDGETEST/20260101/eu-west-1/sts/aws4_request',
      'X-Amz-Date': '20260101T000000Z',
      'X-Amz-Expires': '60',
      'X-Amz-SignedHeaders': 'host;x-k8s-aws-id',
    });
  });

  it('passes the authenticator for its cluster, within 15 minutes of signing', async () => {
    const token = await eksToken({ clusterName: 'prod-eu', region: 'eu-west-1', credentials: TEST_CREDENTIALS, signingDate: SIGNED_AT });

    expect(await h.sts.verifyToken(token, 'prod-eu', new Date(SIGNED_AT.getTime() + 14 * 60_000))).toBe('arn:aws:iam::111111111111:user/fledge');
  });

  it.each([
    ['for another cluster', async () => h.sts.verifyToken(await token(), 'other-cluster', SIGNED_AT), 'SignatureDoesNotMatch'],
    ['after 15 minutes', async () => h.sts.verifyToken(await token(), 'prod-eu', new Date(SIGNED_AT.getTime() + 16 * 60_000)), 'expired'],
    ['signed with the wrong secret', async () => h.sts.verifyToken(await token({ secretAccessKey: 'wrong' }), 'prod-eu', SIGNED_AT), 'SignatureDoesNotMatch'],
    ['with an extra query key', async () => h.sts.verifyToken(tamper(await token(), (u) => u.searchParams.set('X-Evil', '1')), 'prod-eu', SIGNED_AT), 'non-whitelisted query parameter X-Evil'],
    ['for another host', async () => h.sts.verifyToken(tamper(await token(), (u) => { u.host = 'sts.evil.example'; }), 'prod-eu', SIGNED_AT), 'unexpected hostname'],
    ['with padding', async () => h.sts.verifyToken(`${await token()}=`, 'prod-eu', SIGNED_AT), 'not unpadded base64url'],
  ])('is refused %s', async (_name, verify, reason) => {
    await expect(verify()).rejects.toThrow(reason);
  });

  it('is reused for 10 minutes, then signed anew', async () => {
    let now = SIGNED_AT.getTime();
    const provider = new EksTokenProvider({ clusterName: 'prod-eu', region: 'eu-west-1', credentials: TEST_CREDENTIALS, now: () => now });
    const first = await provider.token();
    now += 9 * 60_000;
    expect(await provider.token()).toBe(first);
    now += 2 * 60_000;
    const second = await provider.token();
    expect(second).not.toBe(first);
    expect(decode(second).searchParams.get('X-Amz-Date')).toBe('20260101T001100Z');
  });
});

describe('EksAccess', () => {
  it('describes each cluster once per container and reaches it with a verified token', async () => {
    const access = new EksAccess({ clusters: [{ name: TEST_CLUSTER, region: 'eu-west-1' }], clientConfig: (service) => clientConfig(service === 'sts' ? h.sts.endpoint : h.eks.endpoint) });
    h.eks.requests.length = 0;

    const first = await access.kube(TEST_CLUSTER);
    const again = await access.kube(TEST_CLUSTER);
    await first.get({ apiVersion: 'v1', kind: 'Namespace', name: 'test' });

    expect(again).toBe(first);
    expect(h.eks.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`GET /clusters/${TEST_CLUSTER}`]);
  });

  it('names the configured clusters when asked for another', async () => {
    const access = new EksAccess({ clusters: [{ name: 'prod-eu', region: 'eu-west-1' }, { name: 'prod-us', region: 'us-east-1' }] });
    await expect(access.kube('staging')).rejects.toThrow('cluster staging: not configured; CLUSTERS names prod-eu, prod-us');
  });

  it('reaches a cluster in another account through the role assumed for it', async () => {
    h.eks.clusters.set('partner', { endpoint: h.emulator.url, caData: (await describedCa()) ?? '', account: '222222222222' });
    const access = new EksAccess({
      clusters: [{ name: 'partner', region: 'eu-west-1', roleArn: 'arn:aws:iam::222222222222:role/fledge-access' }],
      clientConfig: (service) => clientConfig(service === 'sts' ? h.sts.endpoint : h.eks.endpoint),
    });
    h.sts.assumed.length = 0;

    const kube = await access.kube('partner');
    const namespace = await kube.get({ apiVersion: 'v1', kind: 'Namespace', name: 'test' });

    expect(namespace?.metadata.name).toBe('test');
    expect(h.sts.assumed).toEqual([{ roleArn: 'arn:aws:iam::222222222222:role/fledge-access', sessionName: 'fledge-partner', by: 'AKIDFLEDGETEST' }]);
    expect(h.eks.signers.at(-1)).toMatch(/^ASIA/);
  });

  it('refuses a cluster in another account without its role', async () => {
    const access = new EksAccess({ clusters: [{ name: 'partner', region: 'eu-west-1' }], clientConfig: (service) => clientConfig(service === 'sts' ? h.sts.endpoint : h.eks.endpoint) });
    await expect(access.kube('partner')).rejects.toThrow('cluster partner: DescribeCluster failed: ResourceNotFoundException');
  });
});

describe('HttpsTransport', () => {
  it('is refused by the API server without a valid token', async () => {
    const noToken = new HttpKubeClient({ transport: new HttpsTransport({ server: h.emulator.url, certificateAuthorityData: (await describedCa()) ?? '' }) });
    const error = await noToken.get({ apiVersion: 'v1', kind: 'Namespace', name: 'test' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KubeApiError);
    expect((error as KubeApiError).status).toBe(401);
  });

  it('trusts only the cluster CA', async () => {
    const stranger = selfSignedCertificate();
    const kube = new HttpKubeClient({ transport: new HttpsTransport({ server: h.emulator.url, certificateAuthorityData: stranger.caData, tokenProvider: { token: async () => 'x' } }) });
    const error = await kube.get({ apiVersion: 'v1', kind: 'Namespace', name: 'test' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KubeUnavailableError);
    expect((error as KubeUnavailableError).detail).toMatch(/self[- ]signed|certificate/i);
  });
});

async function token(credentials: { secretAccessKey?: string } = {}): Promise<string> {
  return eksToken({ clusterName: 'prod-eu', region: 'eu-west-1', credentials: { ...TEST_CREDENTIALS, ...credentials }, signingDate: SIGNED_AT });
}

function tamper(token: string, change: (url: URL) => void): string {
  const url = decode(token);
  change(url);
  return `k8s-aws-v1.${Buffer.from(url.toString(), 'utf8').toString('base64url')}`;
}

async function describedCa(): Promise<string | undefined> {
  return h.eks.clusters.get(TEST_CLUSTER)?.caData;
}
