/**
 * Runtime controls (promote, abort, pause, resume, retry): requests stored in the state store rather than
 * the Canary's spec, so GitOps tools never revert them. The engine consumes them on the canary's next tick.
 */
import type { CanaryId } from '../api/state.ts';
import { kubeTime } from '../kube/events.ts';
import { requestControl, type ControlRequestResult } from '../store/controls.ts';
import type { ControllerDeps, ControlInput } from './types.ts';

/**
 * Queues `input` for the canary `id` at `now`. `notFound` when the controller has never seen the canary;
 * `conflict` when every attempt lost a race with other commits (nothing was written).
 * @example
 * await runtimeControl(deps, id, { action: 'abort', requestedBy: 'cli:alice', reason: 'errors in eu-west-1' }, new Date());
 */
export async function runtimeControl(
  deps: Pick<ControllerDeps, 'store' | 'historyTtlSeconds'>,
  id: CanaryId,
  input: ControlInput,
  now: Date,
): Promise<ControlRequestResult> {
  return requestControl(
    deps.store,
    id,
    { action: input.action, requestedBy: input.requestedBy, requestedAt: kubeTime(now), ...(input.reason === undefined ? {} : { reason: input.reason }) },
    deps.historyTtlSeconds === undefined ? {} : { historyTtlSeconds: deps.historyTtlSeconds },
  );
}
