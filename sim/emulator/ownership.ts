import type { KubeObject } from './types.ts';

/** Who owns whom: owner uid → uids of the objects naming it in `metadata.ownerReferences`. */
export class OwnerIndex {
  private readonly dependents = new Map<string, Set<string>>();

  add(object: KubeObject): void {
    const uid = object.metadata.uid ?? '';
    for (const owner of object.metadata.ownerReferences ?? []) {
      let set = this.dependents.get(owner.uid);
      if (!set) this.dependents.set(owner.uid, (set = new Set()));
      set.add(uid);
    }
  }

  remove(object: KubeObject): void {
    for (const owner of object.metadata.ownerReferences ?? []) {
      const set = this.dependents.get(owner.uid);
      set?.delete(object.metadata.uid ?? '');
      if (set?.size === 0) this.dependents.delete(owner.uid);
    }
  }

  /** A snapshot of the dependents' uids (safe to iterate while the index changes). */
  of(ownerUid: string): string[] {
    return [...(this.dependents.get(ownerUid) ?? [])];
  }
}

/** A change as `ClusterState.onChange` listeners receive it. */
export interface Change<G> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  gvr: G;
  object: KubeObject;
}

/**
 * Delivers changes to listeners one at a time, in commit order, even when a listener writes (its changes
 * queue behind the current one). A listener's error is rethrown to the writer once the queue is drained.
 */
export class ChangeQueue<G> {
  private readonly listeners = new Set<(change: Change<G>) => void>();
  private readonly queue: Change<G>[] = [];
  private dispatching = false;

  subscribe(listener: (change: Change<G>) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  push(change: Change<G>): void {
    this.queue.push(change);
    if (this.dispatching) return;
    this.dispatching = true;
    let failure: unknown;
    try {
      for (let next = this.queue.shift(); next; next = this.queue.shift()) {
        for (const listener of [...this.listeners]) {
          try {
            listener({ ...next, object: structuredClone(next.object) });
          } catch (error) {
            failure ??= error;
          }
        }
      }
    } finally {
      this.dispatching = false;
    }
    if (failure !== undefined) throw failure;
  }
}
