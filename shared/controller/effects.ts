/**
 * Executing a step's effects. Cluster effects (router, scale, promote, restore) are idempotent writes applied
 * before the commit; announcements (events, alerts, post-rollout hooks) are sent after it. See `advance.ts`
 * for why the line is drawn there.
 */
import type { Canary } from '../api/index.ts';
import { withDefaults } from '../api/defaults.ts';
import type { CanaryId, CanaryState, EventRecord } from '../api/state.ts';
import { events as texts } from '../engine/messages.ts';
import { revisionChecksum } from '../engine/hash.ts';
import type { Effect } from '../engine/types.ts';
import type { HookType, WebhookCall } from '../hooks/types.ts';
import { FLAGGER_FINALIZER } from '../engine/deletion.ts';
import type { InvolvedObject } from '../kube/events.ts';
import type { ReleaseImages } from '../notify/types.ts';
import type { KubeClient, ObjectRef } from '../kube/types.ts';
import type { PodTemplateSpec } from '../workload/objects.ts';
import { reviveOrphanedTargets } from '../workload/orphans.ts';
import { ControllerError } from './errors.ts';
import { messageOf } from './facts.ts';
import type { ControllerDeps, TargetPorts } from './types.ts';

/** The effect types that write to the cluster. */
export const CLUSTER_EFFECTS: ReadonlySet<Effect['type']> = new Set([
  'initialize',
  'reconcileRouter',
  'setRoutes',
  'scaleCanary',
  'scaleCanaryToZero',
  'promote',
  'restorePrimary',
  'addFinalizer',
  'revertTarget',
  'finalizeRouter',
  'removeFinalizer',
  'reviveOrphanedTargets',
]);

/** True for an effect that writes to the cluster (applied before the commit). */
export function isClusterEffect(effect: Effect): boolean {
  return CLUSTER_EFFECTS.has(effect.type);
}

/**
 * Applies one cluster effect through the workload and router ports (the Canary's finalizer through `kube`).
 * Every one is idempotent. Returns the workload's warnings (a config copy re-created from changed contents, a
 * Secret a restore could not put back): the caller announces them only once its commit won.
 */
export async function applyClusterEffect(ports: TargetPorts, canary: Canary, effect: Effect, kube: KubeClient): Promise<readonly string[]> {
  const { workload, router } = ports;
  switch (effect.type) {
    case 'initialize': {
      // With a template, a missing primary is rebuilt from that tested revision, not from the target as it is now.
      const { warnings } = await workload.initialize(
        canary,
        effect.template === undefined
          ? {}
          : { template: effect.template as unknown as PodTemplateSpec, ...(effect.trackedConfigs === undefined ? {} : { trackedConfigs: effect.trackedConfigs }) },
      );
      await router.initialize(canary);
      return warnings;
    }
    case 'reconcileRouter':
      // A `pending` write (a router whose backend converges later) is read back as such on the next tick.
      await router.reconcile(canary);
      return [];
    case 'setRoutes':
      await router.setRoutes(canary, effect.routes);
      return [];
    case 'scaleCanary':
      await workload.scaleFromZero(canary, effect.replicas);
      return [];
    case 'scaleCanaryToZero':
      await workload.scaleToZero(canary);
      return [];
    case 'promote': {
      // The step decided on the template it saw; a target changed since must not be promoted unanalysed.
      const hash = await workload.targetHash(canary);
      if (hash !== effect.spec) throw new ControllerError(`${canary.spec.targetRef.kind} ${canary.spec.targetRef.name} changed since the promotion was decided (template ${hash}, analysed ${effect.spec})`);
      await workload.promote(canary);
      return [];
    }
    case 'restorePrimary': {
      const { warnings } = await workload.restorePrimary(canary, effect.template as unknown as PodTemplateSpec, effect.trackedConfigs === undefined ? {} : { trackedConfigs: effect.trackedConfigs });
      return warnings;
    }
    case 'addFinalizer':
      await setFinalizer(kube, canary, true);
      return [];
    case 'removeFinalizer':
      await setFinalizer(kube, canary, false);
      return [];
    case 'revertTarget':
      await workload.finalize(canary);
      return [];
    case 'finalizeRouter':
      await router.finalize(canary);
      return [];
    case 'reviveOrphanedTargets':
      await reviveOrphanedTargets(kube, canary.metadata.namespace ?? 'default', canary.metadata.name ?? '');
      return [];
    case 'runHooks':
    case 'notify':
    case 'recordEvent':
      throw new ControllerError(`effect ${effect.type} is an announcement, not a cluster write`);
    default: {
      const unreachable: never = effect;
      throw new ControllerError(`unknown effect ${JSON.stringify(unreachable)}`);
    }
  }
}

/**
 * Adds or removes Flagger's finalizer, keeping any other; conditional on the resourceVersion the tick read, so a
 * concurrent change of the list makes the write fail (and the next tick retry) instead of losing it.
 */
export async function setFinalizer(kube: KubeClient, canary: Canary, present: boolean): Promise<void> {
  const current = Array.isArray(canary.metadata['finalizers']) ? (canary.metadata['finalizers'] as string[]) : [];
  if (current.includes(FLAGGER_FINALIZER) === present) return;
  const finalizers = present ? [...current, FLAGGER_FINALIZER] : current.filter((f) => f !== FLAGGER_FINALIZER);
  const rv = canary.metadata.resourceVersion;
  await kube.patch(canaryObjectRef(canary), 'json', [
    ...(rv === undefined ? [] : [{ op: 'test', path: '/metadata/resourceVersion', value: rv }]),
    { op: 'add', path: '/metadata/finalizers', value: finalizers },
  ]);
}

function canaryObjectRef(canary: Canary): ObjectRef {
  return { apiVersion: canary.apiVersion, kind: canary.kind, namespace: canary.metadata.namespace ?? 'default', name: canary.metadata.name ?? '' };
}

/** What announcing needs about the canary. */
export interface AnnounceContext {
  readonly deps: Pick<ControllerDeps, 'events' | 'alerts' | 'hooks'>;
  readonly id: CanaryId;
  readonly canary: Canary;
  readonly involved: InvolvedObject;
  /** The state just committed: event webhooks report its phase and revision, alerts its phase. */
  readonly state: CanaryState;
  /** The release's images, said by every alert. */
  readonly images?: ReleaseImages;
  readonly now: Date;
  /** Collects what failed; an announcement failure never fails the tick. */
  readonly problems: string[];
}

/**
 * Sends the step's announcements in one wave: events and alerts do not depend on each other, so they go out
 * together, each started in the engine's order (a recorder sees them in that order); post-rollout hooks run
 * alongside, one after the other, as Flagger runs them.
 */
export async function announce(context: AnnounceContext, effects: readonly Effect[]): Promise<void> {
  const wave: Promise<void>[] = [];
  const hookRuns: (readonly WebhookCall[])[] = [];
  for (const effect of effects) {
    switch (effect.type) {
      case 'recordEvent':
        wave.push(emitEvent(context, effect.event));
        break;
      case 'notify':
        wave.push(
          attempt(context, `alert "${effect.message}"`, () =>
            context.deps.alerts.send(context.canary, {
              canary: context.id,
              severity: effect.severity,
              message: effect.message,
              fields: effect.fields,
              phase: context.state.phase,
              ...(context.images === undefined ? {} : { images: context.images }),
            }),
          ),
        );
        break;
      case 'runHooks':
        hookRuns.push(effect.calls);
        break;
      default:
        break;
    }
  }
  wave.push(
    (async () => {
      for (const calls of hookRuns) await runHooks(context, calls);
    })(),
  );
  await Promise.all(wave);
}

/**
 * Post-rollout hooks, one after the other; like Flagger, the first failure stops the rest. Their results
 * change nothing but are recorded as Flagger records them.
 */
async function runHooks(context: AnnounceContext, calls: readonly WebhookCall[]): Promise<void> {
  for (const call of calls) {
    let passed: boolean;
    let detail: string;
    try {
      const result = await context.deps.hooks.call(call);
      passed = result.kind === 'passed';
      detail = result.detail;
    } catch (error) {
      passed = false;
      detail = messageOf(error);
    }
    if (passed) await emitEvent(context, { type: 'Normal', message: texts.postRolloutPassed(call.name) });
    else {
      await emitEvent(context, { type: 'Warning', message: texts.postRolloutFailed(call.name, detail) });
      return;
    }
  }
}

/** Records a Kubernetes event on the Canary and forwards it to the Canary's `event` webhooks (as Flagger does). */
async function emitEvent(context: AnnounceContext, event: EventRecord): Promise<void> {
  await attempt(context, `event "${event.message}"`, () => context.deps.events.record(context.involved, { type: event.type, message: event.message }, context.now));
  const hooks = withDefaults(context.canary).spec.analysis.webhooks.filter((hook) => hook.type === 'event');
  for (const hook of hooks) {
    const call: WebhookCall = {
      name: hook.name,
      type: 'event' satisfies HookType,
      url: hook.url,
      timeout: hook.timeout,
      retries: hook.retries,
      ...(hook.disableTLS ? { disableTLS: true } : {}),
      ...(hook.muteAlert ? { muteAlert: true } : {}),
      payload: {
        name: context.involved.metadata.name,
        namespace: context.involved.metadata.namespace ?? 'default',
        phase: context.state.phase,
        checksum: revisionChecksum(context.state.lastAppliedSpec ?? '', context.state.trackedConfigs),
        metadata: {
          ...(hook.metadata ?? {}),
          eventMessage: event.message,
          eventType: event.type,
          timestamp: String(context.now.getTime()),
        },
      },
    };
    await attempt(context, `event webhook ${hook.name}`, async () => {
      const result = await context.deps.hooks.call(call);
      if (result.kind !== 'passed') throw new Error(result.detail || `answered ${result.kind}`);
    });
  }
}

async function attempt(context: AnnounceContext, what: string, action: () => Promise<unknown>): Promise<void> {
  try {
    await action();
  } catch (error) {
    context.problems.push(`${what} failed: ${messageOf(error)}`);
  }
}
