/**
 * One watcher pass over one cluster (DESIGN §1): list the Canaries (all namespaces, paginated) and the stored
 * states and schedules; then the targets of the kinds those Canaries use (`TARGET_KIND_TABLE`, hashed as each
 * kind's workload hashes it for the step) and their tracked configs; decide with a pure diff what changed;
 * then act only on those changes. Writes and invocations are O(changes), never O(canaries): a canary at rest
 * with nothing new costs its share of the list calls and nothing else.
 *
 * The watcher never disables a schedule and never writes state: a committed step that leaves nothing in
 * flight disables its own schedule, and every state change goes through the advance step's conditional
 * commit. What the watcher adds is reaction time (a new canary or revision starts at once, not at the next
 * firing of a schedule that is disabled at rest) and repair (a run in flight whose schedule is missing or
 * disabled, a gone canary whose end was not recorded).
 */
import { analysisIntervalMs } from '../api/defaults.ts';
import type { CanaryId, Phase } from '../api/state.ts';
import { Phases, canaryKey } from '../api/state.ts';
import { KubeNotFoundError, KubeUnknownKindError } from '../kube/errors.ts';
import type { KubeClient, KubeObject, ListOptions } from '../kube/types.ts';
import { scheduleName } from '../schedule/names.ts';
import type { SchedulePort } from '../schedule/types.ts';
import type { CanaryStateSummary, CanaryStore } from '../store/types.ts';
import { readTrackedConfigs, trackedConfigMap } from '../workload/configs.ts';
import { targetKindOf, type TargetKindInfo } from '../workload/target-kinds.ts';
import { messageOf } from './facts.ts';

/** Phases in which a canary waits for something new (a revision, a control, a deletion). */
export const RESTING_PHASES: ReadonlySet<Phase> = new Set<Phase>([Phases.Initialized, Phases.Succeeded, Phases.Failed, Phases.Terminated]);

/** What the watcher knows of one Canary in the cluster. */
export interface WatchedCanary {
  readonly id: CanaryId;
  readonly intervalMs: number;
  /** The target's revision, when the target exists and its kind is one the watcher hashes. */
  readonly revision?: { readonly spec: string; readonly trackedConfigs: Readonly<Record<string, string>> };
  /** The Canary has a deletionTimestamp (a `revertOnDeletion` finalizer holds it). */
  readonly deleting: boolean;
}

/** One change the watcher makes. */
export type WatchAction =
  | { readonly type: 'createSchedule'; readonly id: CanaryId; readonly intervalMs: number; readonly reason: string }
  | { readonly type: 'enableSchedule'; readonly id: CanaryId; readonly intervalMs: number; readonly reason: string }
  | { readonly type: 'updateSchedule'; readonly id: CanaryId; readonly intervalMs: number; readonly reason: string }
  | { readonly type: 'deleteSchedule'; readonly id: CanaryId; readonly reason: string }
  | { readonly type: 'kick'; readonly id: CanaryId; readonly intervalMs: number; readonly reason: string };

/** The inputs of {@link planWatch}, all of one cluster. */
export interface WatchInput {
  readonly canaries: readonly WatchedCanary[];
  /** Stored states by `canaryKey`. */
  readonly states: ReadonlyMap<string, CanaryStateSummary>;
  /** Schedules by name → enabled. */
  readonly schedules: ReadonlyMap<string, boolean>;
  /** The interval of the enabled schedules of runs in flight, by schedule name (see {@link inFlightSchedules}). */
  readonly intervals?: ReadonlyMap<string, number>;
}

/** The pure diff: what to change so that every canary with something to do gets a step soon. */
export function planWatch(input: WatchInput): WatchAction[] {
  const actions: WatchAction[] = [];
  const seen = new Set<string>();
  for (const canary of input.canaries) {
    const key = canaryKey(canary.id);
    seen.add(key);
    const state = input.states.get(key);
    const enabled = input.schedules.get(scheduleName(canary.id));
    const { id, intervalMs } = canary;
    const ensureEnabled = (reason: string): void => {
      if (enabled === undefined) actions.push({ type: 'createSchedule', id, intervalMs, reason });
      else if (!enabled) actions.push({ type: 'enableSchedule', id, intervalMs, reason });
    };
    // A Canary re-created after its predecessor ended (state Terminated) is a new canary to the engine too.
    const recreated = state?.phase === Phases.Terminated && !canary.deleting;
    if (state === undefined || recreated) {
      // A new canary: its first steps initialize it (primary, services, routes), so its schedule fires until
      // the step that reaches Initialized disables it; the kick starts that at once.
      const reason = recreated ? 'canary re-created' : 'new canary';
      if (enabled === undefined || (recreated && !enabled)) {
        ensureEnabled(reason);
        actions.push({ type: 'kick', id, intervalMs, reason });
      } else if (!enabled) ensureEnabled('canary without state');
      continue;
    }
    if (!RESTING_PHASES.has(state.phase)) {
      ensureEnabled(`run in flight (${state.phase})`);
      const scheduled = input.intervals?.get(scheduleName(id));
      if (enabled === true && scheduled !== undefined && scheduled !== intervalMs) {
        actions.push({ type: 'updateSchedule', id, intervalMs, reason: `interval changed from ${scheduled} ms` });
      }
      continue;
    }
    const reason = wakeReason(canary, state);
    if (reason !== undefined && state.phase !== Phases.Terminated) {
      ensureEnabled(reason);
      actions.push({ type: 'kick', id, intervalMs, reason });
    } else if (state.canaryScaleDownPending === true) {
      // Rolled back, the canary still to be scaled down once the routes are applied: its schedule keeps firing.
      ensureEnabled('canary scale-down pending after a rollback');
    }
  }
  for (const [key, state] of input.states) {
    if (seen.has(key)) continue;
    const id = idOfKey(key);
    if (id === undefined) continue;
    const scheduled = input.schedules.has(scheduleName(id));
    // Gone from the cluster: one step records Terminated (and revives a target it scaled to zero); then the
    // schedule goes.
    if (state.phase !== Phases.Terminated) actions.push({ type: 'kick', id, intervalMs: 60_000, reason: 'canary deleted' });
    else if (scheduled) actions.push({ type: 'deleteSchedule', id, reason: 'canary deleted' });
  }
  return actions;
}

/** Why a resting canary needs a step now, or `undefined`. */
function wakeReason(canary: WatchedCanary, state: CanaryStateSummary): string | undefined {
  if (canary.deleting) return 'canary being deleted';
  if (state.controls.length > 0) return `control requested (${state.controls.map((c) => c.action).join(', ')})`;
  const revision = canary.revision;
  if (revision === undefined) return undefined;
  const same = (spec: string | undefined, configs: Readonly<Record<string, string>>): boolean =>
    spec === revision.spec && sameConfigs(configs, revision.trackedConfigs);
  if (same(state.lastAppliedSpec, state.trackedConfigs)) return undefined;
  if (state.lastPromotedSpec !== undefined && revision.spec === state.lastPromotedSpec && sameConfigs(state.trackedConfigs, revision.trackedConfigs)) return undefined;
  if (state.pendingRevision !== undefined && same(state.pendingRevision.spec, state.pendingRevision.trackedConfigs)) return undefined;
  return 'new revision';
}

function sameConfigs(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

function idOfKey(key: string): CanaryId | undefined {
  const [cluster, namespace, name] = key.split('/');
  return cluster && namespace && name ? { cluster, namespace, name } : undefined;
}

/** What {@link watchCluster} needs. */
export interface WatchDeps {
  readonly cluster: string;
  readonly kube: KubeClient;
  readonly store: CanaryStore;
  readonly schedules: SchedulePort;
  /** Starts an advance step at once, asynchronously (Lambda `Invoke` with `InvocationType: Event`). */
  readonly kick: (event: { cluster: string; namespace: string; name: string; intervalMs: number }) => Promise<void>;
  /** Page size of the list calls. @default 500 */
  readonly pageSize?: number;
}

/** What a pass did: the actions, and those that failed (retried on the next pass). */
export interface WatchReport {
  readonly canaries: number;
  readonly actions: readonly WatchAction[];
  readonly failures: ReadonlyArray<{ readonly action: WatchAction; readonly error: string }>;
  /** Target kinds some Canary uses that the cluster does not serve (`<apiVersion> <kind>`), e.g. Knative not installed. */
  readonly unservedKinds?: readonly string[];
}

/** One pass over one cluster; see the module comment. */
export async function watchCluster(deps: WatchDeps): Promise<WatchReport> {
  const pageSize = deps.pageSize ?? 500;
  const all = { namespace: '', pageSize };
  // The store and schedules are read while the cluster is listed; target lists wait only for the Canaries.
  const stored = Promise.all([deps.store.list({ cluster: deps.cluster }), deps.schedules.list()]);
  stored.catch(() => undefined); // awaited below; a failure must not go unhandled while the lists run
  const canaries = await deps.kube.list('flagger.app/v1beta1', 'Canary', all);
  // Only the target kinds some Canary uses are listed (a cluster without Knative serves no Knative Service),
  // and configs only when a kind that tracks them is among them.
  const kinds = [...new Set(canaries.map((c) => targetKindOf(targetRefOf(c))).filter((k) => k !== undefined))];
  const tracksConfigs = kinds.some((k) => k.trackedPodSpec !== undefined);
  const [targetLists, configLists, [listed, schedules]] = await Promise.all([
    Promise.all(kinds.map((kind) => listServed(deps.kube, kind.apiVersion, kind.kind, all))),
    tracksConfigs ? Promise.all([deps.kube.list('v1', 'ConfigMap', all), deps.kube.list('v1', 'Secret', all)]) : [],
    stored,
  ]);
  const targets = new Map<TargetKindInfo, Map<string, KubeObject>>();
  const unservedKinds: string[] = [];
  kinds.forEach((kind, i) => {
    const listed = targetLists[i];
    if (listed === undefined) unservedKinds.push(`${kind.apiVersion} ${kind.kind}`);
    targets.set(kind, new Map((listed ?? []).map((o) => [`${o.metadata.namespace}/${o.metadata.name}`, o] as const)));
  });
  const configs = listedConfigs(configLists.flat());
  const watched: WatchedCanary[] = [];
  for (const object of canaries) watched.push(await watchedCanary(deps.cluster, object, targets, configs));
  const states = new Map(listed.map((c) => [canaryKey(c.id), c.state] as const));
  const enabled = new Map(schedules.map((s) => [s.scheduleName, s.enabled]));
  const intervals = new Map<string, number>();
  await Promise.all(
    inFlightSchedules(watched, states, enabled).map(async (id) => {
      const view = await deps.schedules.get(id).catch(() => undefined);
      if (view !== undefined) intervals.set(view.scheduleName, view.intervalMs);
    }),
  );
  const actions = planWatch({ canaries: watched, states, schedules: enabled, intervals });
  const failures: Array<{ action: WatchAction; error: string }> = [];
  // Schedules first, then kicks, so a kicked step that stays active finds its schedule there.
  for (const phase of [['createSchedule', 'enableSchedule', 'updateSchedule', 'deleteSchedule'], ['kick']]) {
    await Promise.all(
      actions
        .filter((action) => phase.includes(action.type))
        .map((action) =>
          act(deps, action).catch((error: unknown) => {
            failures.push({ action, error: messageOf(error) });
          }),
        ),
    );
  }
  return { canaries: canaries.length, actions, failures, ...(unservedKinds.length > 0 ? { unservedKinds } : {}) };
}

async function act(deps: WatchDeps, action: WatchAction): Promise<void> {
  switch (action.type) {
    case 'createSchedule':
    case 'enableSchedule':
    case 'updateSchedule':
      await deps.schedules.update({ canary: action.id, intervalMs: action.intervalMs, enabled: true });
      return;
    case 'deleteSchedule':
      await deps.schedules.delete(action.id);
      return;
    case 'kick':
      await deps.kick({ ...action.id, intervalMs: action.intervalMs });
      return;
    default: {
      const never: never = action;
      throw new Error(`unknown watch action ${JSON.stringify(never)}`);
    }
  }
}

/**
 * The canaries whose schedule interval must be read to spot an interval change: runs in flight with an enabled
 * schedule (O(runs in flight), not O(canaries); a resting canary's schedule gets its interval when enabled).
 */
export function inFlightSchedules(canaries: readonly WatchedCanary[], states: ReadonlyMap<string, CanaryStateSummary>, enabled: ReadonlyMap<string, boolean>): CanaryId[] {
  return canaries
    .filter((c) => {
      const state = states.get(canaryKey(c.id));
      return state !== undefined && !RESTING_PHASES.has(state.phase) && enabled.get(scheduleName(c.id)) === true;
    })
    .map((c) => c.id);
}

/** The listed ConfigMaps and Secrets as a read-only kube port, so the workload's own config tracking reads them. */
function listedConfigs(objects: readonly KubeObject[]): KubeClient {
  const byRef = new Map(objects.map((o) => [`${o.kind}/${o.metadata.namespace}/${o.metadata.name}`, o] as const));
  const refuse = (): never => {
    throw new Error('the watcher only reads listed configs');
  };
  return {
    get: async <T extends KubeObject>(ref: { kind: string; namespace?: string; name: string }) => byRef.get(`${ref.kind}/${ref.namespace}/${ref.name}`) as T | undefined,
    list: refuse,
    create: refuse,
    replace: refuse,
    patch: refuse,
    delete: refuse,
    createEvent: refuse,
  };
}

/**
 * Every object of a kind, or `undefined` when the server does not serve the kind (no such API group or CRD,
 * discovered or answered with a 404): its Canaries have no revision, and their own steps say why.
 */
async function listServed(kube: KubeClient, apiVersion: string, kind: string, options: ListOptions): Promise<KubeObject[] | undefined> {
  try {
    return await kube.list(apiVersion, kind, options);
  } catch (error) {
    if (error instanceof KubeNotFoundError || error instanceof KubeUnknownKindError) return undefined;
    throw error;
  }
}

function targetRefOf(canary: KubeObject): { apiVersion?: string; kind?: string; name?: string } | undefined {
  return (canary['spec'] as { targetRef?: { apiVersion?: string; kind?: string; name?: string } } | undefined)?.targetRef;
}

async function watchedCanary(cluster: string, object: KubeObject, targets: ReadonlyMap<TargetKindInfo, ReadonlyMap<string, KubeObject>>, configs: KubeClient): Promise<WatchedCanary> {
  const namespace = object.metadata.namespace ?? 'default';
  const id: CanaryId = { cluster, namespace, name: object.metadata.name };
  const spec = (object['spec'] ?? {}) as { analysis?: { interval?: string } };
  const intervalMs = analysisIntervalMs(spec.analysis?.interval);
  const deleting = object.metadata.deletionTimestamp !== undefined;
  const ref = targetRefOf(object);
  const kind = targetKindOf(ref);
  const target = kind === undefined ? undefined : targets.get(kind)?.get(`${namespace}/${ref?.name}`);
  const hash = target === undefined ? undefined : kind?.revisionHash(target);
  if (target === undefined || kind === undefined || hash === undefined) return { id, intervalMs, deleting };
  const podSpec = kind.trackedPodSpec?.(target);
  let trackedConfigs: Record<string, string> = {};
  if (podSpec !== undefined) {
    try {
      trackedConfigs = trackedConfigMap(await readTrackedConfigs(configs, namespace, podSpec, `${kind.kind} ${target.metadata.name}.${namespace}`));
    } catch {
      // A required config is missing: the step reports it; the watcher cannot tell the revision.
      return { id, intervalMs, deleting };
    }
  }
  return { id, intervalMs, deleting, revision: { spec: hash, trackedConfigs } };
}
