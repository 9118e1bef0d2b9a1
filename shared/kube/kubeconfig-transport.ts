import { IsomorphicFetchHttpLibrary, RequestContext, type HttpMethod, type KubeConfig } from '@kubernetes/client-node';
import type { KubeRequest, KubeResponse, KubeTransport, TokenProvider } from './transport.ts';

/**
 * The Kubernetes transport on client-node's `KubeConfig`: server, TLS and every kubeconfig credential kind
 * (tokens, client certificates, exec plugins), sent through client-node's fetch library. Used by the CLI and
 * `fledge local`; the Lambdas use `HttpsTransport`.
 */
export class KubeConfigTransport implements KubeTransport {
  readonly server: string;
  readonly namespace?: string;
  readonly #kubeConfig: KubeConfig;
  readonly #tokenProvider: TokenProvider | undefined;
  readonly #http = new IsomorphicFetchHttpLibrary();

  constructor(kubeConfig: KubeConfig, tokenProvider?: TokenProvider) {
    const cluster = kubeConfig.getCurrentCluster();
    if (!cluster) throw new Error('KubeConfigTransport: the kubeconfig has no current cluster');
    this.server = cluster.server.replace(/\/+$/, '');
    const namespace = kubeConfig.getContextObject(kubeConfig.getCurrentContext())?.namespace;
    if (namespace !== undefined) this.namespace = namespace;
    this.#kubeConfig = kubeConfig;
    this.#tokenProvider = tokenProvider;
  }

  async send(request: KubeRequest): Promise<KubeResponse> {
    const context = new RequestContext(this.server + request.path, request.method as HttpMethod);
    await this.#kubeConfig.applySecurityAuthentication(context);
    if (this.#tokenProvider) context.setHeaderParam('Authorization', `Bearer ${await this.#tokenProvider.token()}`);
    for (const [name, value] of Object.entries(request.headers)) context.setHeaderParam(name, value);
    if (request.body !== undefined) context.setBody(request.body);
    context.setSignal(AbortSignal.timeout(request.timeoutMs));
    const response = await this.#http.send(context).toPromise();
    return { status: response.httpStatusCode, text: await response.body.text() };
  }
}
