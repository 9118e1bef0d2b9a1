import type { DeleteOptions, KubeClient, KubeObject, ListOptions, ObjectRef, PatchOptions, PatchType, Subresource, WriteOptions } from './types.ts';

interface Entry {
  /** `group/Kind/name`: what a write to the object invalidates, whatever namespace, version or subresource was read. */
  readonly object: string;
  readonly read: Promise<KubeObject | undefined>;
}

/**
 * A read-through cache over `kube` for the lifetime of one controller tick: GETs of the same object (and
 * subresource) are sent once, concurrent GETs share the one request, and every caller receives its own copy,
 * so a caller that edits what it read cannot change what the next one reads. Absence (404) is cached too.
 *
 * Writes keep it honest: a create, replace, patch or delete of an object drops every cached read of it when
 * the write ends, failed or not, so a read after a write always goes to the server
 * (and sees the write, and whatever the cluster's controllers did in reaction to it; the write's own answer is
 * deliberately not cached for that reason). A GET that failed is not cached. Lists pass through uncached: which
 * writes change a list's answer cannot be told from its arguments.
 *
 * Build one per tick and drop it with the tick: it never expires entries, so across ticks it would serve
 * what another writer changed since.
 * @example
 * const kube = withTickCache(deps.kube);
 * await kube.get(ref); // one request
 * await kube.get(ref); // served from the tick's cache
 */
export function withTickCache(kube: KubeClient): KubeClient {
  const entries = new Map<string, Entry>();

  const forget = (ref: Pick<ObjectRef, 'apiVersion' | 'kind' | 'name'>): void => {
    const object = objectKey(ref);
    for (const [key, entry] of entries) if (entry.object === object) entries.delete(key);
  };

  const writing = async <R>(ref: Pick<ObjectRef, 'apiVersion' | 'kind' | 'name'>, write: () => Promise<R>): Promise<R> => {
    try {
      return await write();
    } finally {
      // Only once the write is over: a read sent while it was in flight may hold the object as it was before.
      forget(ref);
    }
  };

  return {
    async get<T extends KubeObject = KubeObject>(ref: ObjectRef, options?: { readonly subresource?: Subresource }): Promise<T | undefined> {
      const key = `${ref.apiVersion}/${ref.kind}/${ref.namespace ?? ''}/${ref.name}/${options?.subresource ?? ''}`;
      let entry = entries.get(key);
      if (entry === undefined) {
        const read = kube.get(ref, options);
        const created: Entry = { object: objectKey(ref), read };
        entry = created;
        entries.set(key, created);
        read.catch(() => {
          if (entries.get(key) === created) entries.delete(key);
        });
      }
      const object = await entry.read;
      return object === undefined ? undefined : (structuredClone(object) as T);
    },
    list<T extends KubeObject = KubeObject>(apiVersion: string, kind: string, options?: ListOptions): Promise<T[]> {
      return kube.list<T>(apiVersion, kind, options);
    },
    create<T extends KubeObject>(object: T, options?: WriteOptions): Promise<T> {
      return writing(refOf(object), () => kube.create(object, options));
    },
    replace<T extends KubeObject>(object: T, options?: WriteOptions): Promise<T> {
      return writing(refOf(object), () => kube.replace(object, options));
    },
    patch<T extends KubeObject = KubeObject>(ref: ObjectRef, patchType: PatchType, patch: unknown, options?: PatchOptions): Promise<T> {
      return writing(ref, () => kube.patch<T>(ref, patchType, patch, options));
    },
    delete(ref: ObjectRef, options?: DeleteOptions): Promise<boolean> {
      return writing(ref, () => kube.delete(ref, options));
    },
    createEvent(event: KubeObject): Promise<KubeObject> {
      return writing({ apiVersion: 'v1', kind: 'Event', name: event.metadata.name }, () => kube.createEvent(event));
    },
    // Raw paths (metrics APIs) change by themselves between reads: never cached.
    ...(kube.getPath === undefined ? {} : { getPath: kube.getPath.bind(kube) }),
  };
}

/**
 * What identifies an object for invalidation. The namespace and the version are left out on purpose: a ref
 * without a namespace means the client's default one, which this wrapper cannot know, and one object can be
 * served under several versions of its group. Dropping a few reads too many costs a request; one too few
 * would serve a stale object.
 */
function objectKey(ref: Pick<ObjectRef, 'apiVersion' | 'kind' | 'name'>): string {
  const slash = ref.apiVersion.lastIndexOf('/');
  const group = slash < 0 ? '' : ref.apiVersion.slice(0, slash);
  return `${group}/${ref.kind}/${ref.name}`;
}

function refOf(object: KubeObject): Pick<ObjectRef, 'apiVersion' | 'kind' | 'name'> {
  return { apiVersion: object.apiVersion, kind: object.kind, name: object.metadata.name };
}
