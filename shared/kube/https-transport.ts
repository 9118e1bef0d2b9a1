import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { KubeRequest, KubeResponse, KubeTransport, TokenProvider } from './transport.ts';

/** Options of {@link HttpsTransport}. */
export interface HttpsTransportOptions {
  /** The API server URL (EKS `cluster.endpoint`). Plain `http://` is allowed for local emulators only. */
  readonly server: string;
  /** Base64 PEM of the cluster CA (EKS `certificateAuthority.data`). @default the system's CAs */
  readonly certificateAuthorityData?: string;
  /** Accept any server certificate. @default false */
  readonly skipTlsVerify?: boolean;
  /** The bearer token of every request. @default no Authorization header */
  readonly tokenProvider?: TokenProvider;
  /** @default none (the client falls back to `default`) */
  readonly namespace?: string;
}

/**
 * The Kubernetes transport on Node's own `https`: a keep-alive agent trusting the cluster's CA and a bearer
 * token per request. Small enough for a Lambda bundle; the CLI keeps client-node's kubeconfig transport.
 * @example
 * const transport = new HttpsTransport({ server: cluster.endpoint, certificateAuthorityData: cluster.certificateAuthority.data, tokenProvider });
 * const kube = new HttpKubeClient({ transport });
 */
export class HttpsTransport implements KubeTransport {
  readonly server: string;
  readonly namespace?: string;
  readonly #url: URL;
  readonly #tokenProvider: TokenProvider | undefined;
  readonly #agent: HttpAgent | HttpsAgent;

  constructor(options: HttpsTransportOptions) {
    let url: URL;
    try {
      url = new URL(options.server);
    } catch {
      throw new TypeError(`server: expected an http(s) URL, got ${JSON.stringify(options.server)}`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TypeError(`server: expected an http(s) URL, got ${JSON.stringify(options.server)}`);
    this.server = options.server.replace(/\/+$/, '');
    this.#url = url;
    this.#tokenProvider = options.tokenProvider;
    if (options.namespace !== undefined) this.namespace = options.namespace;
    this.#agent =
      url.protocol === 'https:'
        ? new HttpsAgent({
            keepAlive: true,
            ...(options.certificateAuthorityData ? { ca: Buffer.from(options.certificateAuthorityData, 'base64').toString('utf8') } : {}),
            rejectUnauthorized: !(options.skipTlsVerify ?? false),
          })
        : new HttpAgent({ keepAlive: true });
  }

  async send(request: KubeRequest): Promise<KubeResponse> {
    const headers: Record<string, string> = { ...request.headers };
    if (this.#tokenProvider) headers['Authorization'] = `Bearer ${await this.#tokenProvider.token()}`;
    if (request.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(request.body));
    const target = new URL(this.server + request.path);
    const send = this.#url.protocol === 'https:' ? httpsRequest : httpRequest;
    return await new Promise<KubeResponse>((resolve, reject) => {
      const req = send(
        target,
        { method: request.method, headers, agent: this.#agent, signal: AbortSignal.timeout(request.timeoutMs) },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      if (request.body !== undefined) req.write(request.body);
      req.end();
    });
  }
}
