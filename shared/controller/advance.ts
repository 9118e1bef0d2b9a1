/**
 * One tick of one canary (DESIGN §1, steps 1–7): load the state and the Canary → gather the cheap facts in
 * parallel → `step` the engine, obtaining the webhook and metric facts it asks for → apply the cluster effects
 * → commit state and history → mirror the status → announce (events, alerts, post-rollout hooks).
 *
 * Why cluster writes come before the commit (DESIGN's "act" before "commit") and announcements after it:
 * - A committed state never claims more than the cluster shows. If a write fails (throttling, a 500, a
 *   timeout), nothing is committed and the next tick decides again from the same state and fresh facts; a
 *   rollback whose `setRoutes` failed is retried, never recorded as Failed with traffic left on the canary.
 * - Every cluster write is idempotent ("routes to 90/10", "replicas to 2") and the routes are read back each
 *   tick, so a duplicate invocation that read the same version writes the same thing and then loses the
 *   commit; a lost race applies nothing further: no status mirror, no event, no alert, no hook call.
 * - Announcements are not idempotent (a Slack message cannot be unsent), so only the commit's winner sends them.
 */
import { invalidObjectMessage } from '../api/errors.ts';
import { parseCanary } from '../api/parse.ts';
import type { Canary } from '../api/types.ts';
import { Phases } from '../api/state.ts';
import type { CanaryId, CanaryState, EventRecord, HistoryItem, Weights } from '../api/state.ts';
import { canaryDeleted, hasFinalizer, isDeleting } from '../engine/deletion.ts';
import { step } from '../engine/step.ts';
import type { Effect, Facts, StepDecided } from '../engine/types.ts';
import type { InvolvedObject } from '../kube/events.ts';
import { kubeTime } from '../kube/events.ts';
import { mirrorCanaryStatus, promotedCondition, type StatusMirror } from '../kube/status.ts';
import type { KubeClient, ObjectRef } from '../kube/types.ts';
import { tickCache } from '../kube/tick-cache.ts';
import { reviveOrphanedTargets } from '../workload/orphans.ts';
import { FledgeError } from '../errors.ts';
import { historyExpiry } from '../store/controls.ts';
import { announce, applyClusterEffect, isClusterEffect, setFinalizer } from './effects.ts';
import { ControllerError } from './errors.ts';
import { gatherFacts, messageOf, obtainNeeds } from './facts.ts';
import { releaseImages } from './images.ts';
import type { ReleaseImages } from '../notify/types.ts';
import type { AdvanceOptions, AdvanceResult, ControllerDeps, TargetPorts } from './types.ts';

/** Rounds of `needs` after which a step that still does not decide is a bug. */
const MAX_STEP_ROUNDS = 64;

/** Where a Canary lives in the cluster. */
export function canaryRef(id: CanaryId): ObjectRef {
  return { apiVersion: 'flagger.app/v1beta1', kind: 'Canary', namespace: id.namespace, name: id.name };
}

/**
 * Runs one analysis tick of the canary `id` at `now`.
 * @example
 * const result = await advanceCanary(deps, { cluster: 'prod', namespace: 'test', name: 'podinfo' }, new Date());
 * if (result.kind === 'effectFailed') logger.warn(result.error);
 */
export async function advanceCanary(deps: ControllerDeps, id: CanaryId, now: Date, options: AdvanceOptions = {}): Promise<AdvanceResult> {
  // Within a tick the workload, the router and the facts read the same objects; the cache sends each GET once.
  // It dies with the tick, so no tick (not even the one after a lost commit race) starts from another's reads.
  const cache = tickCache(deps.kube);
  const kube = cache.kube;
  // What this canary's last tick observed is read in the first wave, beside the Canary and the state: the
  // facts and the router's reconcile below are then served from the cache instead of a wave each.
  const [object, loaded] = await Promise.all([kube.get(canaryRef(id)), deps.store.load(id), cache.prefetch(deps.readMemory?.recall(id) ?? [])]);
  // A step was committed since the caller looked: this invocation's step has already been taken.
  if (options.expectVersion !== undefined && (loaded?.version ?? 0) !== options.expectVersion) return { kind: 'superseded' };
  if (options.noStepSince !== undefined && loaded?.updatedAt !== undefined && Date.parse(loaded.updatedAt) >= Date.parse(options.noStepSince)) return { kind: 'superseded' };
  if (object === undefined) {
    deps.readMemory?.forget(id);
    return canaryGone(deps, kube, id, loaded, now, options.tick ?? 0);
  }
  const involved = involvedObject(object as unknown as Canary, id);
  const parsed = parseCanary(object);
  if (!parsed.ok) {
    deps.readMemory?.forget(id);
    const message = invalidObjectMessage('Canary', `${id.name}.${id.namespace}`, parsed.errors);
    await deps.events.record(involved, { type: 'Warning', message }, now).catch(() => undefined);
    await releaseFinalizer(deps, kube, object as unknown as Canary, id);
    return { kind: 'invalid', errors: parsed.errors };
  }
  const canary = parsed.value;
  const state = loaded?.state;
  let ports: TargetPorts;
  try {
    ports = deps.portsFor(canary, kube);
  } catch (error) {
    // An unsupported provider or target kind: the Canary is valid Flagger, but not something Fledge can run.
    if (!(error instanceof FledgeError)) throw error;
    deps.readMemory?.forget(id);
    const field = (error as { field?: unknown }).field;
    const path = typeof field === 'string' ? field : '';
    const message = path === '' ? error.message : error.message.replace(`${path}: `, '');
    await deps.events.record(involved, { type: 'Warning', message: `Canary ${id.name}.${id.namespace} cannot run: ${error.message}` }, now).catch(() => undefined);
    await releaseFinalizer(deps, kube, canary, id);
    return { kind: 'invalid', errors: [{ path, message }] };
  }

  // The facts and the router's reconcile (every tick compares each router object with what it should be) are
  // what the next tick will read again; one-off reads of a write (a promotion's autoscaler) are not remembered.
  const facts = await cache.observing(() => gatherFacts(ports, canary, state, now));
  const decided = await decide(deps, canary, state, facts, kubeTime(now));

  // Workload warnings are events like the step's own: kept in the history item, recorded only after a won commit.
  const warnings: Extract<Effect, { type: 'recordEvent' }>[] = [];
  try {
    for (const effect of decided.effects.filter(isClusterEffect)) {
      try {
        const apply = () => applyClusterEffect(ports, canary, effect, kube);
        const messages = effect.type === 'reconcileRouter' ? await cache.observing(apply) : await apply();
        messages.forEach((message, index) => warnings.push({ id: `${effect.id}/warning/${index}`, type: 'recordEvent', event: { type: 'Warning', message } }));
      } catch (error) {
        const message = `${effect.type} failed: ${messageOf(error)}`;
        deps.log?.({ level: 'warn', message, canary: id, detail: error });
        // Flagger records a failed write on the Canary too; the state is left as it was, so nothing else is said.
        await deps.events.record(involved, { type: 'Warning', message }, now).catch(() => undefined);
        return { kind: 'effectFailed', step: decided, effect, error: messageOf(error) };
      }
    }
  } finally {
    deps.readMemory?.remember(id, cache.observed());
  }

  const item = historyItem(deps, decided, weightsRead(facts, state), now, options.tick ?? 0, warnings.map((warning) => warning.event));
  const commit = await deps.store.commit(id, loaded?.version ?? 0, decided.next, item);
  if (commit.kind === 'conflict') {
    deps.log?.({ level: 'info', message: 'lost the commit race; another invocation advanced this canary', canary: id });
    return { kind: 'conflict', step: decided };
  }

  const problems: string[] = [];
  // The status mirror, the announcements and the phase change go out in one wave: none reads what another writes.
  const mirrored = (async () => {
    try {
      // With its finalizer removed the Canary is gone (or on its way out): there is no status left to mirror.
      if (!decided.effects.some((effect) => effect.type === 'removeFinalizer')) await mirrorStatus(kube, canary, decided.next, now);
    } catch (error) {
      problems.push(`status mirror failed: ${messageOf(error)}`);
    }
  })();
  const images = releaseImages(state, facts);
  await Promise.all([
    mirrored,
    announce({ deps, id, canary, involved, state: decided.next, now, problems, ...(images === undefined ? {} : { images }) }, [...decided.effects, ...warnings]),
    publishPhaseChange(deps, id, item, decided.next, images, problems),
  ]);
  for (const problem of problems) deps.log?.({ level: 'warn', message: problem, canary: id });
  return { kind: 'advanced', step: decided, version: commit.version, problems };
}

/**
 * A Canary Fledge cannot run (invalid, or a provider or target kind it does not support) cannot be reverted
 * either: when it is being deleted, Fledge's finalizer is removed so the deletion is not held forever, and the
 * next tick finds it gone (Terminated, not reverted). A failed removal is retried on the next tick.
 */
async function releaseFinalizer(deps: ControllerDeps, kube: KubeClient, canary: Canary, id: CanaryId): Promise<void> {
  if (!isDeleting(canary) || !hasFinalizer(canary)) return;
  try {
    await setFinalizer(kube, canary, false);
  } catch (error) {
    deps.log?.({ level: 'warn', message: `removeFinalizer failed: ${messageOf(error)}`, canary: id, detail: error });
  }
}

/**
 * The Canary is not found. A canary the store never saw, or whose state is already Terminated, is simply not
 * found. Otherwise it was deleted without a revert: its Terminated state is committed once (history keeps
 * "Terminated canary …", which no object is left to carry as an event) and the alert is sent to Fledge's own
 * destinations (the Canary's alert providers went with it). Nothing is written to the cluster: the primary,
 * Services and routes the Canary owns are the cluster's garbage collection's, as with Flagger.
 *
 * One safety beyond Flagger, applied before the commit: a target this Canary scaled to zero whose primary is
 * gone, or owned by the deleted Canary and so about to be garbage-collected, is scaled back up to the replicas
 * it had (`reviveOrphanedTargets`), so the application is not left without a pod; the alert says so. The
 * apex Service and routes are not touched: that is `revertOnDeletion`'s job.
 */
async function canaryGone(
  deps: ControllerDeps,
  kube: KubeClient,
  id: CanaryId,
  loaded: { readonly state: CanaryState; readonly version: number } | undefined,
  now: Date,
  tick: number,
): Promise<AdvanceResult> {
  if (loaded === undefined || loaded.state.phase === Phases.Terminated) return { kind: 'notFound' };
  let revived: string[];
  try {
    revived = await reviveOrphanedTargets(kube, id.namespace, id.name);
  } catch (error) {
    // Nothing is committed: the next tick finds the Canary still gone and tries again.
    const failed = canaryDeleted(loaded.state, id, kubeTime(now));
    deps.log?.({ level: 'warn', message: `reviveOrphanedTargets failed: ${messageOf(error)}`, canary: id, detail: error });
    return { kind: 'effectFailed', step: failed, effect: failed.effects[0] as Effect, error: messageOf(error) };
  }
  const decided = canaryDeleted(loaded.state, id, kubeTime(now), revived);
  // Nothing reads the routes of a deleted Canary: the weights are the last ones committed.
  const weights: Weights = { primary: 100 - loaded.state.canaryWeight, canary: loaded.state.canaryWeight };
  const item = historyItem(deps, decided, weights, now, tick);
  const commit = await deps.store.commit(id, loaded.version, decided.next, item);
  if (commit.kind === 'conflict') return { kind: 'conflict', step: decided };
  const problems: string[] = [];
  const images = releaseImages(loaded.state, undefined);
  for (const effect of decided.effects) {
    if (effect.type !== 'notify') continue;
    try {
      await deps.alerts.send(undefined, {
        canary: id,
        severity: effect.severity,
        message: effect.message,
        fields: effect.fields,
        phase: decided.next.phase,
        ...(images === undefined ? {} : { images }),
      });
    } catch (error) {
      problems.push(`alert "${effect.message}" failed: ${messageOf(error)}`);
    }
  }
  await publishPhaseChange(deps, id, item, decided.next, images, problems);
  for (const problem of problems) deps.log?.({ level: 'warn', message: problem, canary: id });
  return { kind: 'advanced', step: decided, version: commit.version, problems };
}

/** Tells `deps.phaseChanges` about a committed step that changed the phase; a failure is a problem, never an error. */
async function publishPhaseChange(deps: ControllerDeps, id: CanaryId, item: HistoryItem, next: CanaryState, images: ReleaseImages | undefined, problems: string[]): Promise<void> {
  if (deps.phaseChanges === undefined || item.phaseBefore === item.phaseAfter) return;
  try {
    await deps.phaseChanges.phaseChanged({
      canary: id,
      ...(item.phaseBefore === undefined ? {} : { phaseBefore: item.phaseBefore }),
      phaseAfter: item.phaseAfter,
      weightsBefore: item.weightsBefore,
      weightsAfter: item.weightsAfter,
      ...(next.lastAppliedSpec === undefined ? {} : { revision: next.lastAppliedSpec }),
      ...(images === undefined ? {} : { images }),
      message: item.message,
      time: item.time,
    });
  } catch (error) {
    problems.push(`phase change ${item.phaseBefore ?? '(new)'} → ${item.phaseAfter} not published: ${messageOf(error)}`);
  }
}

/** Steps the engine until it decides, obtaining the hooks and metrics it asks for in between. */
async function decide(deps: ControllerDeps, canary: Canary, state: CanaryState | undefined, facts: Facts, now: string): Promise<StepDecided> {
  let current = facts;
  for (let round = 0; round < MAX_STEP_ROUNDS; round++) {
    const result = step({ canary, state, facts: current, now });
    if (result.kind === 'decided') return result;
    current = await obtainNeeds(deps, current, result.needs);
  }
  throw new ControllerError(`the engine did not decide after ${MAX_STEP_ROUNDS} rounds of facts for ${canary.metadata.name}.${canary.metadata.namespace}`);
}

function involvedObject(canary: Canary, id: CanaryId): InvolvedObject {
  const meta = canary.metadata;
  return {
    apiVersion: canary.apiVersion,
    kind: canary.kind,
    metadata: {
      name: meta.name ?? id.name,
      namespace: meta.namespace ?? id.namespace,
      ...(meta.uid === undefined ? {} : { uid: meta.uid }),
      ...(meta.resourceVersion === undefined ? {} : { resourceVersion: meta.resourceVersion }),
    },
  };
}

/** The weights a tick read back from the router, or the committed ones when it could not read them. */
function weightsRead(facts: Facts, state: CanaryState | undefined): Weights {
  return facts.routes.ok
    ? { primary: facts.routes.primary, canary: facts.routes.canary, mirrored: facts.routes.mirrored }
    : { primary: 100 - (state?.canaryWeight ?? 0), canary: state?.canaryWeight ?? 0 };
}

/** The audit record of every decided step (deletion included): weights before, weights the step set after. */
function historyItem(deps: ControllerDeps, decided: StepDecided, before: Weights, now: Date, tick: number, warnings: readonly EventRecord[] = []): HistoryItem {
  const time = kubeTime(now);
  const lastRoutes = [...decided.effects].reverse().find((e): e is Extract<Effect, { type: 'setRoutes' }> => e.type === 'setRoutes');
  const after: Weights = lastRoutes
    ? { primary: lastRoutes.routes.primary, canary: lastRoutes.routes.canary, mirrored: lastRoutes.routes.mirrored }
    : before;
  return {
    time,
    tick,
    decision: decided.decision,
    actor: deps.actor ?? 'scheduler',
    message: decided.message,
    ...(decided.phaseBefore === undefined ? {} : { phaseBefore: decided.phaseBefore }),
    phaseAfter: decided.next.phase,
    weightsBefore: before,
    weightsAfter: after,
    metrics: decided.metrics,
    webhooks: decided.webhooks,
    events: [...decided.events, ...warnings],
    expiresAt: historyExpiry(time, deps.historyTtlSeconds),
  };
}

/** Mirrors the state to the Canary's status, skipping the write when the status already says the same. */
async function mirrorStatus(kube: KubeClient, canary: Canary, state: CanaryState, now: Date): Promise<void> {
  const mirror: StatusMirror = {
    phase: state.phase,
    canaryWeight: state.canaryWeight,
    failedChecks: state.failedChecks,
    iterations: state.iterations,
    ...(state.lastAppliedSpec === undefined ? {} : { lastAppliedSpec: state.lastAppliedSpec }),
    ...(state.lastPromotedSpec === undefined ? {} : { lastPromotedSpec: state.lastPromotedSpec }),
    trackedConfigs: state.trackedConfigs,
    lastTransitionTime: new Date(state.lastTransitionTime),
    ...(state.sessionAffinityCookie === undefined ? {} : { sessionAffinityCookie: state.sessionAffinityCookie }),
    ...(state.previousSessionAffinityCookie === undefined ? {} : { previousSessionAffinityCookie: state.previousSessionAffinityCookie }),
    ...(state.primarySessionAffinityCookie === undefined ? {} : { primarySessionAffinityCookie: state.primarySessionAffinityCookie }),
  };
  if (statusUnchanged(canary, mirror, now)) return;
  await mirrorCanaryStatus(kube, canary, mirror, now);
}

function statusUnchanged(canary: Canary, mirror: StatusMirror, now: Date): boolean {
  const status = canary.status;
  if (status === undefined) return false;
  const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
  return (
    status.phase === mirror.phase &&
    status.canaryWeight === mirror.canaryWeight &&
    status.failedChecks === mirror.failedChecks &&
    status.iterations === mirror.iterations &&
    status.lastAppliedSpec === mirror.lastAppliedSpec &&
    status.lastPromotedSpec === mirror.lastPromotedSpec &&
    status.lastTransitionTime === kubeTime(mirror.lastTransitionTime) &&
    same(sortKeys(status.trackedConfigs ?? {}), sortKeys(mirror.trackedConfigs ?? {})) &&
    promotedCondition(canary, mirror.phase, now) === undefined
  );
}

function sortKeys(record: Readonly<Record<string, string>>): [string, string][] {
  return Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
