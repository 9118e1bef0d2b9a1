/**
 * Reaching EKS clusters from a Lambda: per cluster, the credentials (the container's own, or a role assumed
 * in the cluster's account), the endpoint and CA from `DescribeCluster`, and an EKS token provider, all made
 * once per container and shared by every invocation.
 */
import { DescribeClusterCommand, EKSClient, type EKSClientConfig } from '@aws-sdk/client-eks';
import { AssumeRoleCommand, STSClient, type STSClientConfig } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { FledgeError } from '../errors.ts';
import { HttpKubeClient, type HttpKubeClientOptions } from './client.ts';
import { EksTokenProvider } from './eks-token.ts';
import { HttpsTransport } from './https-transport.ts';
import type { KubeClient } from './types.ts';

/** One cluster Fledge serves (an entry of the `CLUSTERS` setting). */
export interface EksClusterConfig {
  /** The EKS cluster name; also the `cluster` of its canaries' ids. */
  readonly name: string;
  readonly region: string;
  /** A role to assume for this cluster (a cluster in another account). @default the container's own credentials */
  readonly roleArn?: string;
}

/** Options of {@link EksAccess}. */
export interface EksAccessOptions {
  readonly clusters: readonly EksClusterConfig[];
  /** Extra SDK config per client (tests point the clients at local fakes with it); `credentials` here are the container's own, used for STS only. @default none */
  readonly clientConfig?: (service: 'sts' | 'eks', region: string) => Partial<STSClientConfig & EKSClientConfig>;
  /** Settings of each cluster's kube client (request hook, field manager, timeout). */
  readonly kube?: Omit<HttpKubeClientOptions, 'transport'>;
  /** @default Date.now */
  readonly now?: () => number;
}

/** A cluster cannot be reached: unknown name, DescribeCluster or AssumeRole failed. */
export class EksAccessError extends FledgeError {
  readonly cluster: string;

  constructor(cluster: string, message: string, options?: { cause?: unknown }) {
    super(`cluster ${cluster}: ${message}`, options);
    this.name = 'EksAccessError';
    this.cluster = cluster;
  }
}

/** Assumed-role credentials are renewed this long before they expire. */
const CREDENTIAL_MARGIN_MS = 5 * 60_000;

/**
 * The kube clients of the configured clusters, made on first use and cached for the container's life; a
 * failed `DescribeCluster` is not cached, so the next invocation tries again.
 * @example
 * const access = new EksAccess({ clusters: [{ name: 'prod-eu', region: 'eu-west-1' }] });
 * const kube = await access.kube('prod-eu');
 */
export class EksAccess {
  readonly #options: EksAccessOptions;
  readonly #clusters = new Map<string, EksClusterConfig>();
  readonly #kubes = new Map<string, Promise<KubeClient>>();
  readonly #sts = new Map<string, STSClient>();

  constructor(options: EksAccessOptions) {
    this.#options = options;
    for (const cluster of options.clusters) this.#clusters.set(cluster.name, cluster);
  }

  /** The configured clusters, in configuration order. */
  get clusters(): readonly EksClusterConfig[] {
    return this.#options.clusters;
  }

  /** The kube client of cluster `name`. */
  kube(name: string): Promise<KubeClient> {
    const cached = this.#kubes.get(name);
    if (cached) return cached;
    const made = this.#connect(name);
    this.#kubes.set(name, made);
    made.catch(() => this.#kubes.delete(name));
    return made;
  }

  async #connect(name: string): Promise<KubeClient> {
    const cluster = this.#clusters.get(name);
    if (!cluster) {
      const known = [...this.#clusters.keys()].join(', ') || '(none)';
      throw new EksAccessError(name, `not configured; CLUSTERS names ${known}`);
    }
    const credentials = this.#credentialsFor(cluster);
    const eks = new EKSClient({ region: cluster.region, ...(this.#options.clientConfig?.('eks', cluster.region) ?? {}), credentials });
    let described;
    try {
      described = (await eks.send(new DescribeClusterCommand({ name: cluster.name }))).cluster;
    } catch (error) {
      throw new EksAccessError(name, `DescribeCluster failed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`, { cause: error });
    } finally {
      eks.destroy();
    }
    if (!described?.endpoint || !described.certificateAuthority?.data) {
      throw new EksAccessError(name, `DescribeCluster returned no endpoint or CA (status ${described?.status ?? 'unknown'})`);
    }
    const tokenProvider = new EksTokenProvider({
      clusterName: cluster.name,
      region: cluster.region,
      credentials,
      ...(this.#options.now ? { now: this.#options.now } : {}),
    });
    const transport = new HttpsTransport({ server: described.endpoint, certificateAuthorityData: described.certificateAuthority.data, tokenProvider });
    return new HttpKubeClient({ ...(this.#options.kube ?? {}), transport });
  }

  /** The container's own credentials, or a provider of the cluster role's, renewed before they expire. */
  #credentialsFor(cluster: EksClusterConfig): AwsCredentialIdentityProvider {
    const sts = this.#stsClient(cluster.region);
    const own = sts.config.credentials;
    const roleArn = cluster.roleArn;
    if (roleArn === undefined || roleArn === '') return own;
    const now = this.#options.now ?? Date.now;
    let current: Promise<AwsCredentialIdentity> | undefined;
    let expiresAt = 0;
    return () => {
      if (current && now() < expiresAt - CREDENTIAL_MARGIN_MS) return current;
      const assumed = sts
        .send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: sessionName(cluster.name), DurationSeconds: 3600 }))
        .then((out) => {
          const c = out.Credentials;
          if (!c?.AccessKeyId || !c.SecretAccessKey) throw new EksAccessError(cluster.name, `AssumeRole ${roleArn} returned no credentials`);
          expiresAt = c.Expiration ? c.Expiration.getTime() : now() + 3600_000;
          return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}), ...(c.Expiration ? { expiration: c.Expiration } : {}) };
        })
        .catch((error: unknown) => {
          current = undefined;
          if (error instanceof EksAccessError) throw error;
          throw new EksAccessError(cluster.name, `AssumeRole ${roleArn} failed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`, { cause: error });
        });
      current = assumed;
      expiresAt = Number.POSITIVE_INFINITY;
      return assumed;
    };
  }

  #stsClient(region: string): STSClient {
    let client = this.#sts.get(region);
    if (!client) {
      client = new STSClient({ region, ...(this.#options.clientConfig?.('sts', region) ?? {}) });
      this.#sts.set(region, client);
    }
    return client;
  }
}

/** A role session name (2–64 of `[\w+=,.@-]`) that says who assumed the role for which cluster. */
function sessionName(cluster: string): string {
  return `fledge-${cluster}`.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
}
