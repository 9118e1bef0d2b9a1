import { readFileSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import { HttpKubeClient, type HttpKubeClientOptions } from './client.ts';
import { KubeConfigError } from './errors.ts';
import { HttpsTransport } from './https-transport.ts';
import { KubeConfigTransport } from './kubeconfig-transport.ts';
import type { KubeTransport, TokenProvider } from './transport.ts';
import type { KubeClient } from './types.ts';

/** A cluster reached with a bearer token from a {@link TokenProvider} (the EKS path), not a kubeconfig user. */
export interface TokenCluster {
  /** API server URL, e.g. the EKS cluster endpoint. */
  readonly server: string;
  /** Base64 PEM of the cluster CA (EKS `certificateAuthority.data`). */
  readonly certificateAuthorityData?: string;
  /** @default false */
  readonly skipTlsVerify?: boolean;
  readonly tokenProvider: TokenProvider;
}

/** Where the client's cluster and credentials come from: exactly one of the source fields. */
export type KubeClientSource =
  | { readonly kubeconfig: string; readonly context?: string }
  | { readonly kubeconfigPath: string; readonly context?: string }
  | { readonly kubeConfig: KubeConfig }
  | { readonly cluster: TokenCluster };

/** Options of {@link createKubeClient}: a source plus the client's own settings. */
export type CreateKubeClientOptions = KubeClientSource & Omit<HttpKubeClientOptions, 'transport'>;

/** Loads a kubeconfig from its YAML text, switching to `context` when given. */
export function kubeConfigFromString(text: string, context?: string): KubeConfig {
  const config = new KubeConfig();
  try {
    config.loadFromString(text);
  } catch (error) {
    throw new KubeConfigError(`kubeconfig: cannot parse it: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  return withContext(config, context);
}

/** Loads a kubeconfig file, switching to `context` when given. */
export function kubeConfigFromFile(path: string, context?: string): KubeConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new KubeConfigError(`kubeconfig ${path}: cannot read it: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  return kubeConfigFromString(text, context);
}

/**
 * Builds the Kubernetes port from a kubeconfig (text, file or object) or from a token-authenticated
 * cluster.
 *
 * @example
 * const kube = createKubeClient({ kubeconfigPath: `${process.env.HOME}/.kube/config`, onRequest: counter.hook });
 * const deployment = await kube.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'test', name: 'podinfo' });
 */
export function createKubeClient(options: CreateKubeClientOptions): KubeClient {
  return new HttpKubeClient({ ...options, transport: transportOf(options) });
}

/** The transport of a source: client-node's for kubeconfigs, Node's HTTPS for a token-authenticated cluster. */
function transportOf(source: KubeClientSource): KubeTransport {
  if ('kubeconfig' in source) return new KubeConfigTransport(kubeConfigFromString(source.kubeconfig, source.context));
  if ('kubeconfigPath' in source) return new KubeConfigTransport(kubeConfigFromFile(source.kubeconfigPath, source.context));
  if ('kubeConfig' in source) return new KubeConfigTransport(withContext(source.kubeConfig));
  return new HttpsTransport(source.cluster);
}

function withContext(config: KubeConfig, context?: string): KubeConfig {
  if (context !== undefined) {
    if (!config.getContextObject(context)) {
      const known = config.getContexts().map((c) => c.name);
      throw new KubeConfigError(`kubeconfig: context "${context}" not found; expected one of: ${known.join(', ') || '(none)'}`);
    }
    config.setCurrentContext(context);
  }
  if (!config.getCurrentCluster()) {
    throw new KubeConfigError(`kubeconfig: the current context "${config.getCurrentContext()}" names no cluster`);
  }
  return config;
}
