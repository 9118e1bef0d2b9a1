import type { ServerResponse } from 'node:http';
import { ApiError } from './errors.ts';
import type { EmulatorState, KubeObject } from './types.ts';

/** One committed change, as the watch cache keeps it. */
interface HistoryEvent {
  readonly rv: number;
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED';
  readonly resource: string;
  readonly object: KubeObject;
  /** The object before this change (absent for ADDED). */
  readonly previous?: KubeObject;
}

type Live = (event: HistoryEvent) => void;

/** `group/resource` of an object's type. */
export function resourceKey(group: string, resource: string): string {
  return `${group}/${resource}`;
}

function objectKey(resource: string, object: KubeObject): string {
  return `${resource}|${object.metadata.namespace ?? ''}|${object.metadata.name}`;
}

/** 410 Expired for a watch resourceVersion or continue token older than the kept history. */
export function expired(message: string): ApiError {
  return new ApiError(410, 'Expired', message);
}

/**
 * The emulator's watch cache: a bounded history of committed changes (like etcd before compaction) that
 * serves `watch` from a resourceVersion and consistent paged lists at the resourceVersion of their first page.
 */
export class WatchCache {
  private readonly events: HistoryEvent[] = [];
  private readonly latest = new Map<string, KubeObject>();
  private readonly live = new Set<Live>();
  /** Every change after this resourceVersion is in `events`. */
  private compactedRv: number;
  private readonly capacity: number;
  private readonly detach: () => void;

  constructor(state: EmulatorState, capacity = 10_000) {
    this.capacity = capacity;
    this.compactedRv = Number(state.resourceVersion());
    for (const type of state.resourceTypes()) {
      const gvr = { group: type.group, version: type.versions[0] ?? '', resource: type.resource };
      for (const object of state.list(gvr)) this.latest.set(objectKey(resourceKey(type.group, type.resource), object), object);
    }
    this.detach = state.onChange((change) => {
      const resource = resourceKey(change.gvr.group, change.gvr.resource);
      const key = objectKey(resource, change.object);
      const previous = this.latest.get(key);
      if (change.type === 'DELETED') this.latest.delete(key);
      else this.latest.set(key, change.object);
      const event: HistoryEvent = { rv: Number(change.object.metadata.resourceVersion), type: change.type, resource, object: change.object, ...(previous ? { previous } : {}) };
      this.events.push(event);
      if (this.events.length > this.capacity) this.compactedRv = this.events.splice(0, this.events.length - this.capacity).at(-1)?.rv ?? this.compactedRv;
      for (const listener of [...this.live]) listener(event);
    });
  }

  /** Forgets all history, as an etcd compaction does: older watch resourceVersions and continue tokens expire. */
  compact(rv: number): void {
    this.compactedRv = Math.max(this.compactedRv, rv);
    while ((this.events[0]?.rv ?? Infinity) <= this.compactedRv) this.events.shift();
  }

  /** Whether changes after `rv` can still be replayed. */
  covers(rv: number): boolean {
    return rv >= this.compactedRv;
  }

  /** The changes of `resource` after `rv`, oldest first. */
  since(resource: string, rv: number): HistoryEvent[] {
    return this.events.filter((e) => e.rv > rv && e.resource === resource);
  }

  /** The objects of `resource` as they were at `rv`, given the current ones. */
  snapshot(resource: string, rv: number, current: readonly KubeObject[]): KubeObject[] {
    const byKey = new Map(current.map((o) => [objectKey(resource, o), o]));
    const later = this.since(resource, rv);
    for (let i = later.length - 1; i >= 0; i--) {
      const event = later[i] as HistoryEvent;
      const key = objectKey(resource, event.object);
      if (event.type === 'ADDED' || !event.previous) byKey.delete(key);
      else byKey.set(key, event.previous);
    }
    return [...byKey.values()];
  }

  subscribe(listener: Live): () => void {
    this.live.add(listener);
    return () => this.live.delete(listener);
  }

  close(): void {
    this.detach();
    this.live.clear();
  }
}

/** What a watch request asks for. */
export interface WatchRequest {
  readonly resource: string;
  /** Renders an object for the response (apiVersion of the requested version). */
  readonly render: (object: KubeObject) => KubeObject;
  readonly matches: (object: KubeObject) => boolean;
  /** Objects for the initial ADDED events when no resourceVersion is given. */
  readonly initial: () => KubeObject[];
  readonly resourceVersion?: string;
  readonly timeoutSeconds?: number;
  readonly bookmarks: boolean;
  readonly currentRv: () => string;
}

/**
 * Streams watch events as JSON lines (`{"type":"ADDED","object":{…}}`) until the client goes, the timeout
 * passes or the server stops. Returns a function that ends the stream.
 */
export function serveWatch(cache: WatchCache, req: WatchRequest, res: ServerResponse): () => void {
  res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache, private' });
  res.flushHeaders();
  const send = (type: string, object: unknown) => res.write(`${JSON.stringify({ type, object })}\n`);
  let ended = false;
  let unsubscribe = () => {};
  let timer: NodeJS.Timeout | undefined;
  const end = () => {
    if (ended) return;
    ended = true;
    unsubscribe();
    if (timer) clearTimeout(timer);
    res.end();
  };
  res.on('close', end);

  const emit = (event: HistoryEvent) => {
    const now = req.matches(event.object);
    const before = event.previous !== undefined && req.matches(event.previous);
    if (event.type === 'DELETED') {
      if (before || now) send('DELETED', req.render(event.object));
    } else if (event.type === 'ADDED' || !before) {
      if (now) send('ADDED', req.render(event.object));
    } else send(now ? 'MODIFIED' : 'DELETED', req.render(event.object));
  };

  const rv = req.resourceVersion;
  if (rv === undefined || rv === '' || rv === '0') {
    for (const object of req.initial()) if (req.matches(object)) send('ADDED', req.render(object));
  } else {
    const from = Number(rv);
    if (!Number.isInteger(from) || from < 0) {
      send('ERROR', new ApiError(400, 'BadRequest', `invalid resource version: ${rv}`).toStatus());
      end();
      return end;
    }
    if (!cache.covers(from)) {
      send('ERROR', expired(`too old resource version: ${rv} (${req.currentRv()})`).toStatus());
      end();
      return end;
    }
    for (const event of cache.since(req.resource, from)) emit(event);
  }
  unsubscribe = cache.subscribe((event) => {
    if (event.resource === req.resource) emit(event);
  });
  if (req.timeoutSeconds !== undefined && req.timeoutSeconds > 0) {
    timer = setTimeout(() => {
      if (req.bookmarks) send('BOOKMARK', { kind: 'Bookmark', metadata: { resourceVersion: req.currentRv() } });
      end();
    }, req.timeoutSeconds * 1000);
  }
  return end;
}
