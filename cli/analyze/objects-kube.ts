/**
 * The objects given in `fledge analyze`'s FILEs as a read-only cluster: `get` and `list` answer from them, and
 * an object the FILEs do not hold is read from `fallback` (the kubeconfig's cluster) when there is one. Writes
 * are refused: analyzing never changes a cluster.
 */
import { KubeApiError } from '../../shared/kube/errors.ts';
import type { KubeClient, KubeObject, ListOptions, ObjectRef } from '../../shared/kube/types.ts';

/** A read-only {@link KubeClient} over `objects`, then `fallback`. */
export function objectsKube(objects: readonly KubeObject[], fallback?: KubeClient): KubeClient {
  const matches = (object: KubeObject, apiVersion: string, kind: string): boolean => object.apiVersion === apiVersion && object.kind === kind;
  const refuse = (verb: 'create' | 'replace' | 'patch' | 'delete'): never => {
    throw new KubeApiError({ verb, kind: 'object', object: '-', status: 405, reason: 'MethodNotAllowed', detail: 'fledge analyze only reads' });
  };
  return {
    async get<T extends KubeObject = KubeObject>(ref: ObjectRef): Promise<T | undefined> {
      const found = objects.find(
        (object) => matches(object, ref.apiVersion, ref.kind) && object.metadata.name === ref.name && (object.metadata.namespace ?? 'default') === (ref.namespace ?? 'default'),
      );
      if (found !== undefined) return found as T;
      return fallback === undefined ? undefined : await fallback.get<T>(ref);
    },
    async list<T extends KubeObject = KubeObject>(apiVersion: string, kind: string, options?: ListOptions): Promise<T[]> {
      const namespace = options?.namespace;
      const local = objects.filter(
        (object) => matches(object, apiVersion, kind) && (namespace === undefined || namespace === '' || (object.metadata.namespace ?? 'default') === namespace),
      );
      if (local.length > 0 || fallback === undefined) return local as T[];
      return await fallback.list<T>(apiVersion, kind, options);
    },
    // An externalmetrics template without an address reads the cluster's external metrics API, as the Lambdas do.
    ...(fallback?.getPath === undefined ? {} : { getPath: fallback.getPath.bind(fallback) }),
    create: async () => refuse('create'),
    replace: async () => refuse('replace'),
    patch: async () => refuse('patch'),
    delete: async () => refuse('delete'),
    createEvent: async () => refuse('create'),
  };
}
