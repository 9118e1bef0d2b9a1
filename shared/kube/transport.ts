/**
 * The seam between the Kubernetes port and the wire: `HttpKubeClient` builds paths, bodies and typed errors;
 * a transport only carries one request to the API server with its credentials. Two transports exist: one on
 * client-node's `KubeConfig` (every kubeconfig credential kind, for the CLI and `fledge local`) and one on
 * Node's own HTTPS with a bearer token and a CA (for Lambda, where client-node's `KubeConfig` would bring in
 * undici and all its generated models).
 */

/** The HTTP methods the port uses. */
export type KubeMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One request, relative to the transport's server. */
export interface KubeRequest {
  readonly method: KubeMethod;
  /** Path and query, e.g. `/api/v1/namespaces/test/configmaps?limit=500`. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly timeoutMs: number;
}

/** The answer: status and body text. */
export interface KubeResponse {
  readonly status: number;
  readonly text: string;
}

/**
 * Carries requests to one API server. `send` rejects only when no answer arrived (network, TLS, timeout:
 * an error named `TimeoutError` or `AbortError` for a timeout); any HTTP status is an answer.
 */
export interface KubeTransport {
  /** The API server's URL, without a trailing slash. */
  readonly server: string;
  /** The namespace of the credentials' context, when they name one. */
  readonly namespace?: string;
  send(request: KubeRequest): Promise<KubeResponse>;
}

/**
 * Supplies a bearer token per request, for credentials a kubeconfig cannot express: the EKS token
 * (`k8s-aws-v1.` + a presigned STS `GetCallerIdentity`), refreshed before its 15-minute expiry.
 */
export interface TokenProvider {
  token(): Promise<string>;
}
