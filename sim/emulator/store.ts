import { crdResourceType, establishedStatus } from './crd.ts';
import { ApiError, alreadyExists, badRequest, conflict, forbiddenField, invalid, notFound, required, resourceNotFound } from './errors.ts';
import { clone, deterministicUids, jsonEqual, nameSuffixes, specPart, timestamp, wallClock } from './meta.ts';
import { ChangeQueue, OwnerIndex } from './ownership.ts';
import { ResourceRegistry, apiVersionOf } from './resources.ts';
import type { Clock, DeleteOptions, DeleteResult, EmulatorState, GroupVersionResource, KubeObject, ListOptions, ResourceType, WriteOptions } from './types.ts';

/** Options of {@link createClusterState}. */
export interface ClusterStateOptions {
  /** Stamps `creationTimestamp` and `deletionTimestamp`. @default the wall clock */
  readonly clock?: Clock;
  /** Makes `metadata.uid`. @default deterministic UUID-shaped ids, so simulated runs replay identically */
  readonly uids?: () => string;
  /** Namespaces that exist from the start. @default ['default', 'kube-system', 'kube-public', 'kube-node-lease'] */
  readonly namespaces?: readonly string[];
  /** Built-in resource types. @default BUILTIN_RESOURCES */
  readonly resources?: readonly ResourceType[];
}

type Listener = Parameters<EmulatorState['onChange']>[0];

const FOREGROUND = 'foregroundDeletion';
const CRD_GROUP = 'apiextensions.k8s.io';
const NAMESPACES: GroupVersionResource = { group: '', version: 'v1', resource: 'namespaces' };

/**
 * Creates the in-memory storage of an emulated cluster.
 *
 * Behaves as kube-apiserver's storage layer plus the controllers that every cluster runs: one global
 * resourceVersion counter; server-set uid, creationTimestamp and generation (bumped by changes outside
 * metadata and status); optimistic concurrency; status kept apart from the main resource; garbage collection
 * of owner references (Background, Foreground, Orphan); finalizers; namespace deletion that empties the
 * namespace; and CustomResourceDefinitions that serve their kind as soon as they are created. What the HTTP
 * layer adds on top (admission such as "the namespace must exist", validation, dropping status on create)
 * is not done here: controllers inside the emulator are trusted, as kube-controller-manager is.
 *
 * @example
 * const state = createClusterState({ clock: { now: () => new Date('2026-01-01T00:00:00Z') } });
 * state.create({ group: '', version: 'v1', resource: 'configmaps' },
 *   { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'default' }, data: { a: '1' } });
 */
export function createClusterState(options: ClusterStateOptions = {}): EmulatorState {
  return new MemoryClusterState(options);
}

class MemoryClusterState implements EmulatorState {
  readonly clock: Clock;
  private readonly registry: ResourceRegistry;
  private readonly uids: () => string;
  private readonly suffixes = nameSuffixes();
  private rv = 0;
  /** `group/resource` → object key (`ns/name` or `name`) → stored object (apiVersion of the storage version). */
  private readonly buckets = new Map<string, Map<string, KubeObject>>();
  private readonly byUid = new Map<string, { type: ResourceType; key: string }>();
  private readonly owners = new OwnerIndex();
  private readonly changes = new ChangeQueue<GroupVersionResource>();

  constructor(options: ClusterStateOptions) {
    this.clock = options.clock ?? wallClock;
    this.registry = new ResourceRegistry(options.resources);
    this.uids = options.uids ?? deterministicUids();
    for (const name of options.namespaces ?? ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
      this.create(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    }
  }

  resourceType(gvr: GroupVersionResource): ResourceType | undefined {
    return this.registry.lookup(gvr);
  }

  resourceTypes(): ResourceType[] {
    return this.registry.all();
  }

  resourceVersion(): string {
    return String(this.rv);
  }

  get(gvr: GroupVersionResource, namespace: string | undefined, name: string): KubeObject | undefined {
    const type = this.typeOf(gvr);
    const stored = this.bucket(type).get(keyOf(type, namespace, name));
    return stored && render(type, gvr.version, stored);
  }

  list(gvr: GroupVersionResource, namespace?: string, options: ListOptions = {}): KubeObject[] {
    const type = this.typeOf(gvr);
    const keys = [...this.bucket(type).keys()].sort();
    const out: KubeObject[] = [];
    for (const key of keys) {
      if (options.limit !== undefined && out.length >= options.limit) break;
      if (options.after !== undefined && key <= options.after) continue;
      const o = this.bucket(type).get(key) as KubeObject;
      if (type.namespaced && namespace !== undefined && o.metadata.namespace !== namespace) continue;
      if (options.filter && !options.filter(o)) continue;
      out.push(render(type, gvr.version, o));
    }
    return out;
  }

  create(gvr: GroupVersionResource, object: KubeObject, options: WriteOptions = {}): KubeObject {
    const type = this.typeOf(gvr);
    const next = clone(object);
    const meta = (next.metadata ??= { name: '' });
    const ref = { group: type.group, resource: type.resource, kind: type.kind, name: meta.name ?? '' };
    if (meta.resourceVersion) throw badRequest('resourceVersion should not be set on objects to be created');
    if (!meta.name && typeof meta['generateName'] === 'string' && meta['generateName'] !== '') {
      do meta.name = `${meta['generateName']}${this.suffixes()}`;
      while (this.bucket(type).has(keyOf(type, meta.namespace, meta.name)));
    }
    if (!meta.name) throw invalid(ref, [required('metadata.name', 'name or generateName is required')]);
    if (type.namespaced && !meta.namespace) throw invalid(ref, [required('metadata.namespace')]);
    if (!type.namespaced) delete meta.namespace;
    const key = keyOf(type, meta.namespace, meta.name);
    if (this.bucket(type).has(key)) throw alreadyExists({ ...ref, name: meta.name });
    delete meta.deletionTimestamp;
    delete meta['deletionGracePeriodSeconds'];
    meta.uid = this.uids();
    meta.creationTimestamp = timestamp(this.clock.now());
    if (type.generation === false) delete meta.generation;
    else meta.generation = 1;
    if (type.group === '' && type.resource === 'namespaces') {
      next['spec'] = { finalizers: ['kubernetes'] };
      next['status'] = { phase: 'Active' };
    }
    if (type.group === CRD_GROUP && type.resource === 'customresourcedefinitions') this.establish(next, options.dryRun);
    if (options.dryRun) return render(type, gvr.version, next);
    this.write(type, key, next, 'ADDED');
    return render(type, gvr.version, next);
  }

  update(gvr: GroupVersionResource, object: KubeObject, options: { subresource?: 'status' } & WriteOptions = {}): KubeObject {
    const type = this.typeOf(gvr);
    if (options.subresource === 'status' && !type.status) throw resourceNotFound(`${type.resource}/status`);
    const name = object.metadata?.name ?? '';
    const key = keyOf(type, object.metadata?.namespace, name);
    const current = this.bucket(type).get(key);
    const ref = { group: type.group, resource: type.resource, kind: type.kind, name };
    if (!current) throw notFound(ref);
    const sent = object.metadata.resourceVersion;
    if (sent !== undefined && sent !== '' && sent !== current.metadata.resourceVersion) throw conflict(ref);

    let next: KubeObject;
    if (options.subresource === 'status') {
      next = clone(current);
      setOrDelete(next, 'status', clone(object['status']));
      // Field ownership of status writes is kept too (server-side apply bookkeeping, not part of the status).
      if (object.metadata.managedFields !== undefined) next.metadata.managedFields = clone(object.metadata.managedFields);
    } else {
      next = clone(object);
      if (type.status) setOrDelete(next, 'status', clone(current['status']));
      const keep = ['name', 'namespace', 'uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation'] as const;
      for (const field of keep) setOrDelete(next.metadata, field, current.metadata[field]);
      if (type.group === '' && type.resource === 'namespaces') setOrDelete(next, 'spec', clone(current['spec']));
      if (current.metadata.deletionTimestamp) {
        const had = new Set(current.metadata.finalizers ?? []);
        if ((next.metadata.finalizers ?? []).some((f) => !had.has(f))) {
          throw invalid(ref, [forbiddenField('metadata.finalizers', 'no new finalizers can be added if the object is being deleted')]);
        }
      }
    }
    if (type.generation !== false && !jsonEqual(specPart(next, type.status), specPart(current, type.status))) next.metadata.generation = (current.metadata.generation ?? 0) + 1;
    if (type.group === CRD_GROUP && type.resource === 'customresourcedefinitions' && options.subresource !== 'status') this.establish(next, options.dryRun);
    next.metadata.resourceVersion = current.metadata.resourceVersion;
    next.apiVersion = current.apiVersion;
    next.kind = current.kind;
    if (jsonEqual(next, current)) return render(type, gvr.version, current);
    if (options.dryRun) return render(type, gvr.version, next);

    this.write(type, key, next, 'MODIFIED');
    if (next.metadata.deletionTimestamp && (next.metadata.finalizers ?? []).length === 0) this.remove(type, key);
    return render(type, gvr.version, next);
  }

  delete(gvr: GroupVersionResource, namespace: string | undefined, name: string, options: DeleteOptions = {}): DeleteResult {
    const type = this.typeOf(gvr);
    const key = keyOf(type, namespace, name);
    const current = this.bucket(type).get(key);
    const ref = { group: type.group, resource: type.resource, kind: type.kind, name };
    if (!current) throw notFound(ref);
    const pre = options.preconditions ?? {};
    if (pre.uid !== undefined && pre.uid !== current.metadata.uid) {
      throw conflict(ref, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata.uid}`);
    }
    if (pre.resourceVersion !== undefined && pre.resourceVersion !== current.metadata.resourceVersion) {
      throw conflict(ref, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion}`);
    }
    if (options.dryRun) return this.dryDelete(type, gvr.version, current, options.propagationPolicy ?? 'Background');
    this.deleteStored(type, key, options.propagationPolicy ?? 'Background');
    const after = this.bucket(type).get(key);
    return { object: render(type, gvr.version, after ?? current), removed: after === undefined };
  }

  onChange(listener: Listener): () => void {
    return this.changes.subscribe(listener);
  }

  /** What a delete would answer, without deleting. */
  private dryDelete(type: ResourceType, version: string, current: KubeObject, policy: NonNullable<DeleteOptions['propagationPolicy']>): DeleteResult {
    const isNamespace = type.group === '' && type.resource === 'namespaces';
    const foreground = policy === 'Foreground' && this.owners.of(current.metadata.uid ?? '').length > 0;
    if (current.metadata.deletionTimestamp || (!isNamespace && !foreground && (current.metadata.finalizers ?? []).length === 0)) {
      return { object: render(type, version, current), removed: current.metadata.deletionTimestamp === undefined };
    }
    const next = render(type, version, current);
    next.metadata.deletionTimestamp = timestamp(this.clock.now());
    if (foreground) next.metadata.finalizers = [...(next.metadata.finalizers ?? []), FOREGROUND];
    return { object: next, removed: false };
  }

  // ---- internals -------------------------------------------------------------------------------------------

  private typeOf(gvr: GroupVersionResource): ResourceType {
    const type = this.registry.lookup(gvr);
    if (!type) throw resourceNotFound(`${gvr.resource}.${gvr.version}${gvr.group ? `.${gvr.group}` : ''}`);
    return type;
  }

  private bucket(type: ResourceType): Map<string, KubeObject> {
    const id = `${type.group}/${type.resource}`;
    let bucket = this.buckets.get(id);
    if (!bucket) this.buckets.set(id, (bucket = new Map()));
    return bucket;
  }

  /** Stores `object` under a new resourceVersion, re-indexes its owner references and queues the change. */
  private write(type: ResourceType, key: string, object: KubeObject, change: 'ADDED' | 'MODIFIED'): void {
    const previous = this.bucket(type).get(key);
    if (previous) this.owners.remove(previous);
    object.metadata.resourceVersion = String(++this.rv);
    object.apiVersion = apiVersionOf(type.group, type.versions[0] ?? '');
    object.kind = type.kind;
    this.bucket(type).set(key, object);
    this.byUid.set(object.metadata.uid ?? '', { type, key });
    this.owners.add(object);
    this.emit(type, change, object);
  }

  /** Removes the stored object for good and lets the garbage collector and namespace controller react. */
  private remove(type: ResourceType, key: string): void {
    const object = this.bucket(type).get(key);
    if (!object) return;
    this.bucket(type).delete(key);
    this.owners.remove(object);
    this.byUid.delete(object.metadata.uid ?? '');
    const gone = clone(object);
    gone.metadata.resourceVersion = String(++this.rv);
    this.emit(type, 'DELETED', gone);
    if (type.group === CRD_GROUP && type.resource === 'customresourcedefinitions') this.dropCustomResources(object);

    const uid = object.metadata.uid ?? '';
    for (const dependentUid of this.owners.of(uid)) this.ownerGone(dependentUid, uid);
    for (const owner of object.metadata.ownerReferences ?? []) this.finishForeground(owner.uid);
    const ns = object.metadata.namespace;
    if (ns !== undefined) this.finishNamespace(ns);
  }

  /** Deletes a stored object as DELETE would: waits for finalizers, runs the propagation policy. */
  private deleteStored(type: ResourceType, key: string, policy: NonNullable<DeleteOptions['propagationPolicy']>): void {
    const current = this.bucket(type).get(key);
    if (!current || current.metadata.deletionTimestamp) return;
    const uid = current.metadata.uid ?? '';
    if (policy === 'Orphan') {
      for (const dependentUid of this.owners.of(uid)) this.dropOwnerRef(dependentUid, uid);
    }
    const isNamespace = type.group === '' && type.resource === 'namespaces';
    const foreground = policy === 'Foreground' && this.owners.of(uid).length > 0;
    if (!isNamespace && !foreground && (current.metadata.finalizers ?? []).length === 0) {
      this.remove(type, key);
      return;
    }
    const next = clone(current);
    next.metadata.deletionTimestamp = timestamp(this.clock.now());
    next.metadata['deletionGracePeriodSeconds'] = 0;
    if (foreground) next.metadata.finalizers = [...(next.metadata.finalizers ?? []), FOREGROUND];
    if (isNamespace) next['status'] = { ...(next['status'] as object | undefined), phase: 'Terminating' };
    this.write(type, key, next, 'MODIFIED');
    if (foreground) {
      for (const dependentUid of this.owners.of(uid)) this.ownerGone(dependentUid, uid, 'Foreground');
      this.finishForeground(uid);
    }
    if (isNamespace) {
      const name = current.metadata.name;
      for (const t of this.registry.all().filter((r) => r.namespaced)) {
        for (const [k, o] of [...this.bucket(t).entries()]) if (o.metadata.namespace === name) this.deleteStored(t, k, 'Background');
      }
      this.finishNamespace(name);
    }
  }

  /** Garbage collection of one dependent whose owner `ownerUid` is gone or going. */
  private ownerGone(dependentUid: string, ownerUid: string, policy: 'Background' | 'Foreground' = 'Background'): void {
    const at = this.byUid.get(dependentUid);
    const dependent = at && this.bucket(at.type).get(at.key);
    if (!at || !dependent) return;
    const others = (dependent.metadata.ownerReferences ?? []).filter((r) => r.uid !== ownerUid && this.isLiveOwner(r.uid));
    if (others.length > 0) this.dropOwnerRef(dependentUid, ownerUid);
    else this.deleteStored(at.type, at.key, policy);
  }

  private isLiveOwner(uid: string): boolean {
    const at = this.byUid.get(uid);
    const owner = at && this.bucket(at.type).get(at.key);
    return owner !== undefined && !(owner.metadata.deletionTimestamp && owner.metadata.finalizers?.includes(FOREGROUND));
  }

  private dropOwnerRef(dependentUid: string, ownerUid: string): void {
    const at = this.byUid.get(dependentUid);
    const dependent = at && this.bucket(at.type).get(at.key);
    if (!at || !dependent) return;
    const next = clone(dependent);
    const refs = (next.metadata.ownerReferences ?? []).filter((r) => r.uid !== ownerUid);
    setOrDelete(next.metadata, 'ownerReferences', refs.length > 0 ? refs : undefined);
    this.write(at.type, at.key, next, 'MODIFIED');
  }

  /** Completes a foreground deletion once no dependent that blocks its owner's deletion is left. */
  private finishForeground(ownerUid: string): void {
    const at = this.byUid.get(ownerUid);
    const owner = at && this.bucket(at.type).get(at.key);
    if (!at || !owner || !owner.metadata.deletionTimestamp || !owner.metadata.finalizers?.includes(FOREGROUND)) return;
    for (const dependentUid of this.owners.of(ownerUid)) {
      const d = this.byUid.get(dependentUid);
      const dependent = d && this.bucket(d.type).get(d.key);
      if (dependent?.metadata.ownerReferences?.some((r) => r.uid === ownerUid && r.blockOwnerDeletion === true)) return;
    }
    const next = clone(owner);
    next.metadata.finalizers = (owner.metadata.finalizers ?? []).filter((f) => f !== FOREGROUND);
    this.write(at.type, at.key, next, 'MODIFIED');
    if (next.metadata.finalizers.length === 0) this.remove(at.type, at.key);
  }

  /** Removes a terminating namespace once nothing is left in it, as the namespace controller does. */
  private finishNamespace(name: string): void {
    const type = this.registry.byResource('', 'namespaces');
    const ns = type && this.bucket(type).get(name);
    if (!type || !ns?.metadata.deletionTimestamp) return;
    for (const t of this.registry.all().filter((r) => r.namespaced)) {
      for (const o of this.bucket(t).values()) if (o.metadata.namespace === name) return;
    }
    const spec = (ns['spec'] ?? {}) as { finalizers?: string[] };
    if ((spec.finalizers ?? []).length > 0) {
      const next = clone(ns);
      next['spec'] = { ...spec, finalizers: [] };
      this.write(type, name, next, 'MODIFIED');
    }
    if ((ns.metadata.finalizers ?? []).length === 0) this.remove(type, name);
  }

  /** Validates a CRD, serves its kind and gives it the status of an established CRD. */
  private establish(crd: KubeObject, dryRun = false): void {
    const type = crdResourceType(crd);
    const builtin = this.registry.byResource(type.group, type.resource);
    if (builtin && !builtin.custom) {
      throw new ApiError(422, 'Invalid', `CustomResourceDefinition.apiextensions.k8s.io "${crd.metadata.name}" is invalid: ${type.resource}.${type.group} is served by the server itself`);
    }
    if (!dryRun) this.registry.add(type);
    crd['status'] = establishedStatus(crd, type, timestamp(this.clock.now()));
  }

  /** A deleted CRD takes its objects with it. */
  private dropCustomResources(crd: KubeObject): void {
    const spec = crd['spec'] as { group: string; names: { plural: string } };
    const type = this.registry.byResource(spec.group, spec.names.plural);
    if (!type) return;
    for (const key of [...this.bucket(type).keys()]) {
      const object = this.bucket(type).get(key);
      if (object) object.metadata.finalizers = [];
      this.remove(type, key);
    }
    this.registry.remove(spec.group, spec.names.plural);
  }

  private emit(type: ResourceType, change: 'ADDED' | 'MODIFIED' | 'DELETED', object: KubeObject): void {
    this.changes.push({ type: change, gvr: { group: type.group, version: type.versions[0] ?? '', resource: type.resource }, object: clone(object) });
  }
}

function keyOf(type: ResourceType, namespace: string | undefined, name: string): string {
  return type.namespaced ? `${namespace ?? ''}/${name}` : name;
}

/** A copy of a stored object as read through `version`. */
function render(type: ResourceType, version: string, stored: KubeObject): KubeObject {
  const out = clone(stored);
  out.apiVersion = apiVersionOf(type.group, version);
  out.kind = type.kind;
  return out;
}

function setOrDelete(target: Record<string, unknown>, field: string, value: unknown): void {
  if (value === undefined) delete target[field];
  else target[field] = value;
}
