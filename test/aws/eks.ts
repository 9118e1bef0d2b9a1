/**
 * A fake EKS control plane answering `DescribeCluster` (GET /clusters/{name}, REST-JSON) with the endpoint
 * and CA of the clusters registered on it, and ResourceNotFoundException for others. Requests must be
 * SigV4-signed for service `eks` by a known access key.
 */
import { awsError, startFakeServer, type FakeServer, type RecordedRequest } from './server.ts';

export interface FakeEksCluster {
  readonly endpoint: string;
  /** Base64 PEM of the cluster CA. */
  readonly caData: string;
  /** Account that owns the cluster: DescribeCluster must be signed by credentials of that account. */
  readonly account?: string;
}

export interface FakeEks extends FakeServer {
  readonly clusters: Map<string, FakeEksCluster>;
  /** The access key ids that signed DescribeCluster, in order. */
  readonly signers: string[];
}

/** `accountOf` maps an access key id to its account, so a cross-account cluster refuses the wrong caller. */
export async function startFakeEks(accountOf: (accessKeyId: string) => string | undefined = () => undefined): Promise<FakeEks> {
  const clusters = new Map<string, FakeEksCluster>();
  const signers: string[] = [];
  const server = await startFakeServer((request: RecordedRequest) => {
    const match = /^\/clusters\/([^/]+)$/.exec(request.path);
    if (request.method !== 'GET' || !match) return awsError(404, 'ResourceNotFoundException', `no route ${request.method} ${request.path}`);
    const credential = /Credential=([^/]+)\/\d{8}\/([^/]+)\/eks\/aws4_request/.exec(String(request.headers['authorization'] ?? ''));
    if (!credential) return awsError(403, 'AccessDeniedException', 'request not signed for eks');
    const keyId = credential[1] ?? '';
    signers.push(keyId);
    const name = match[1] ?? '';
    const cluster = clusters.get(name);
    if (!cluster) return awsError(404, 'ResourceNotFoundException', `No cluster found for name: ${name}.`);
    if (cluster.account !== undefined && accountOf(keyId) !== cluster.account) return awsError(404, 'ResourceNotFoundException', `No cluster found for name: ${name}.`);
    return {
      status: 200,
      body: {
        cluster: {
          name,
          arn: `arn:aws:eks:${credential[2]}:${cluster.account ?? '111111111111'}:cluster/${name}`,
          endpoint: cluster.endpoint,
          certificateAuthority: { data: cluster.caData },
          status: 'ACTIVE',
          version: '1.31',
        },
      },
    };
  });
  return { ...server, clusters, signers };
}
