import { KUBE_VERBS, type KubeVerb, type RequestHook, type RequestInfo } from './types.ts';

/**
 * Counts Kubernetes requests per verb through the client's `onRequest` hook, for the bench ("Kubernetes
 * requests per step") and for tests that pin how many requests an operation costs.
 *
 * @example
 * const counter = new RequestCounter();
 * const kube = createKubeClient({ kubeconfig, onRequest: counter.hook });
 * await router.getRoutes(canary);
 * counter.counts(); // { get: 1, list: 0, … }
 */
export class RequestCounter {
  private readonly perVerb = new Map<KubeVerb, number>();
  private readonly log: RequestInfo[] = [];

  /** The hook to pass as `onRequest`. */
  readonly hook: RequestHook = (info) => {
    this.perVerb.set(info.verb, (this.perVerb.get(info.verb) ?? 0) + 1);
    this.log.push(info);
  };

  /** Requests per verb since the last reset, every verb present. */
  counts(): Record<KubeVerb, number> {
    const out = {} as Record<KubeVerb, number>;
    for (const verb of KUBE_VERBS) out[verb] = this.perVerb.get(verb) ?? 0;
    return out;
  }

  /** All requests since the last reset. */
  get total(): number {
    return this.log.length;
  }

  /** The requests since the last reset, in order. */
  requests(): readonly RequestInfo[] {
    return [...this.log];
  }

  reset(): void {
    this.perVerb.clear();
    this.log.length = 0;
  }
}
