import type { DeleteOptions, KubeClient, KubeObject, ListOptions, ObjectRef, PatchOptions, PatchType, Subresource, WriteOptions } from './types.ts';

interface Entry {
  /** `group/Kind/name`: what a write to the object invalidates, whatever namespace, version or subresource was read. */
  readonly object: string;
  readonly read: Promise<KubeObject | undefined>;
}

/** One GET of a tick: an object, or one of its subresources. */
export interface TickRead {
  readonly ref: ObjectRef;
  readonly subresource?: Subresource;
}

/**
 * A tick's read cache (see {@link withTickCache}) that can also be seeded ahead of need and can tell which
 * objects the tick observed, so the next tick of the same canary can read them all in its first wave.
 */
export interface TickCache {
  /** The tick's client: reads through the cache, writes invalidate it. */
  readonly kube: KubeClient;
  /**
   * GETs every one of `reads` at once through the cache, so later reads of them are hits (a 404 is cached as
   * absent). Never fails: a read that failed is not cached, and whoever needs that object reads it again and
   * sees the error then.
   */
  prefetch(reads: readonly TickRead[]): Promise<void>;
  /**
   * Runs `work` and remembers every object it reads, served from the cache or not: the reads that describe
   * the canary's world (facts, the router's reconcile), as opposed to those a one-off write makes.
   */
  observing<R>(work: () => Promise<R>): Promise<R>;
  /** The distinct reads made inside {@link TickCache.observing}, in the order first made. */
  observed(): TickRead[];
}

/** The cache's key of a read: one entry per object and subresource. */
function readKey(ref: ObjectRef, subresource: Subresource | undefined): string {
  return `${ref.apiVersion}/${ref.kind}/${ref.namespace ?? ''}/${ref.name}/${subresource ?? ''}`;
}

export function withTickCache(kube: KubeClient): KubeClient {
  return tickCache(kube).kube;
}

/**
 * A {@link TickCache} over `kube`, for one tick.
 * @example
 * const cache = tickCache(deps.kube);
 * await cache.prefetch(memory.recall(id)); // one wave
 * const facts = await cache.observing(() => gatherFacts(ports, canary)); // hits
 * memory.remember(id, cache.observed());
 */
export function tickCache(kube: KubeClient): TickCache {
  const entries = new Map<string, Entry>();
  const observed = new Map<string, TickRead>();
  let observers = 0;

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

  const client: KubeClient = {
    async get<T extends KubeObject = KubeObject>(ref: ObjectRef, options?: { readonly subresource?: Subresource }): Promise<T | undefined> {
      const key = readKey(ref, options?.subresource);
      if (observers > 0 && !observed.has(key)) observed.set(key, { ref, ...(options?.subresource === undefined ? {} : { subresource: options.subresource }) });
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
  return {
    kube: client,
    async prefetch(reads) {
      const get = (read: TickRead) => (read.subresource === undefined ? client.get(read.ref) : client.get(read.ref, { subresource: read.subresource }));
      await Promise.all(reads.map((read) => get(read).catch(() => undefined)));
    },
    async observing(work) {
      observers++;
      try {
        return await work();
      } finally {
        observers--;
      }
    },
    observed: () => [...observed.values()],
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
