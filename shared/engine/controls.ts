/**
 * Runtime controls (`promote`, `abort`, `pause`, `resume`, `retry`) requested through the store rather than
 * the spec, so GitOps tools do not revert them. The engine consumes each request on the step that acts on
 * it; a request that cannot apply in the current phase is dropped with an event saying so.
 */
import type { ControlAction, ControlRequest } from '../api/state.ts';
import { events } from './messages.ts';
import type { Tick } from './tick.ts';

/** The oldest pending request for `action`, left pending. */
export function peekControl(t: Tick, action: ControlAction): ControlRequest | undefined {
  return t.next.controls.find((request) => request.action === action);
}

/** Consumes the oldest pending request for `action`, recording that it is acted on. */
export function takeControl(t: Tick, action: ControlAction): ControlRequest | undefined {
  const request = peekControl(t, action);
  if (request === undefined) return undefined;
  t.next.controls = t.next.controls.filter((pending) => pending !== request);
  t.normal(events.controlled(action, request.requestedBy));
  return request;
}

/** Applies `pause` and `resume` requests in order; they act in every phase. */
export function applyPauseResume(t: Tick): void {
  for (const request of [...t.next.controls]) {
    if (request.action !== 'pause' && request.action !== 'resume') continue;
    takeControl(t, request.action);
    t.next.paused = request.action === 'pause';
  }
}

/** Drops the pending `promote`, `abort` and `retry` requests that cannot apply in this phase. */
export function dropInapplicable(t: Tick, applicable: readonly ControlAction[]): void {
  for (const request of [...t.next.controls]) {
    if (applicable.includes(request.action) || request.action === 'pause' || request.action === 'resume') continue;
    t.next.controls = t.next.controls.filter((pending) => pending !== request);
    t.normal(events.controlIgnored(request.action, t.state.phase));
  }
}
