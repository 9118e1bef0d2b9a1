/**
 * Step 2 of a tick (DESIGN §1): the cheap facts the engine needs on every step, read in one batch of parallel
 * requests — the target and primary workloads with their readiness, the target's template hash, its tracked
 * configs, the autoscaler minimum, and the routes read back from the router's objects — and the expensive
 * facts (webhooks, metrics) obtained only when a step asks for them.
 */
import type { Canary, RouteReading } from '../api/index.ts';
import type { CanaryState } from '../api/state.ts';
import type { Facts, Need, WorkloadFacts } from '../engine/types.ts';
import type { HookResult } from '../hooks/types.ts';
import { GATE_HOOK_TYPES } from '../hooks/types.ts';
import type { MetricObservation } from '../metrics/types.ts';
import type { Router } from '../routers/types.ts';
import type { WorkloadState } from '../workload/types.ts';
import type { ControllerDeps, TargetPorts } from './types.ts';

/** Reads every cheap fact of `canary` at `now`, in parallel. */
export async function gatherFacts(ports: TargetPorts, canary: Canary, state: CanaryState | undefined, now: Date): Promise<Facts> {
  // DaemonSets have no progress deadline of their own: Flagger measures it from the phase's start.
  const since = state?.phaseEnteredAt ?? state?.lastTransitionTime;
  const context = since === undefined ? { now } : { now, since: new Date(since) };
  const [observation, routes] = await Promise.all([ports.workload.observe(canary, context), readRoutes(ports.router, canary)]);
  const { target } = observation;
  return {
    target: {
      ...workloadFacts(target),
      templateHash: target.templateHash,
      ...(target.template === undefined ? {} : { template: target.template }),
    },
    primary: { ...workloadFacts(observation.primary), updateDisruptive: observation.primary.updateDisruptive },
    trackedConfigs: { ...observation.trackedConfigs },
    ...(observation.autoscalerMinReplicas === undefined ? {} : { autoscalerMinReplicas: observation.autoscalerMinReplicas }),
    routes,
  };
}

function workloadFacts(state: WorkloadState): WorkloadFacts {
  return {
    exists: state.exists,
    readiness: state.readiness,
    expected: state.expected,
    replicas: state.replicas,
    availableReplicas: state.availableReplicas,
    ...(state.progress === undefined ? {} : { progress: state.progress }),
    ...(state.routesOnlyWhenReady === true ? { routesOnlyWhenReady: true } : {}),
  };
}

/** The routes as the router's objects give them; a failed read is a fact (`ok: false`), not an error. */
async function readRoutes(router: Router, canary: Canary): Promise<RouteReading> {
  try {
    const reading = await router.getRoutes(canary);
    if (!reading.ok) return reading.written === undefined ? { ok: false, reason: reading.reason } : { ok: false, reason: reading.reason, written: reading.written };
    return { ok: true, primary: reading.primary, canary: reading.canary, mirrored: reading.mirrored, matched: reading.matched };
  } catch (error) {
    return { ok: false, reason: `${router.provider} routes could not be read: ${messageOf(error)}` };
  }
}

/**
 * Obtains what a step asked for and returns the facts with the answers added. Webhooks are called one after
 * the other in the order asked (a gate's answer decides whether the next hook is called at all); metric
 * checks have no side effects and run in parallel.
 */
export async function obtainNeeds(deps: Pick<ControllerDeps, 'hooks' | 'metrics'>, facts: Facts, needs: readonly Need[]): Promise<Facts> {
  const hooks: Record<string, HookResult> = { ...(facts.hooks ?? {}) };
  const metrics: Record<string, MetricObservation> = { ...(facts.metrics ?? {}) };
  for (const need of needs) {
    if (need.type !== 'hook') continue;
    try {
      hooks[need.key] = await deps.hooks.call(need.call);
    } catch (error) {
      // HookCaller implementations answer instead of throwing; a throw still must not pass a check or open a gate.
      hooks[need.key] = { kind: GATE_HOOK_TYPES.includes(need.call.type) ? 'pending' : 'failed', detail: messageOf(error) };
    }
  }
  const metricNeeds = needs.filter((need) => need.type === 'metric');
  const observations = await Promise.all(
    metricNeeds.map((need) =>
      deps.metrics.check(need.request).catch((error: unknown): MetricObservation => ({ result: { kind: 'error', error: messageOf(error) } })),
    ),
  );
  metricNeeds.forEach((need, i) => {
    metrics[need.key] = observations[i] as MetricObservation;
  });
  return { ...facts, hooks, metrics };
}

/** The message of anything thrown. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
