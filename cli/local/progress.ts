/** How `fledge local` prints progress: one line per step (phase, weight bar, decision), then its events. */
import type { AdvanceResult } from '../../shared/controller/types.ts';
import type { WatchAction } from '../../shared/controller/watch.ts';
import type { AdvanceEvent } from '../../shared/schedule/types.ts';

const BAR = 20;

/** A weight bar: `[#####...............]  25%`. */
export function weightBar(weight: number): string {
  const filled = Math.round((Math.max(0, Math.min(100, weight)) / 100) * BAR);
  return `[${'#'.repeat(filled)}${'.'.repeat(BAR - filled)}] ${String(weight).padStart(3)}%`;
}

/** The lines one step prints, or none for a step that did nothing worth saying. */
export function stepLines(event: AdvanceEvent, result: AdvanceResult, now: Date): string[] {
  const time = now.toISOString().slice(11, 19);
  const who = `${event.namespace}/${event.name}`;
  switch (result.kind) {
    case 'advanced': {
      const { next, decision, message, events } = result.step;
      const head = `${time} ${who.padEnd(24)} ${next.phase.padEnd(16)} ${weightBar(next.canaryWeight)}  ${decision}: ${message}`;
      return [head, ...events.map((e) => `         ${e.type === 'Warning' ? '!' : '-'} ${e.message}`), ...result.problems.map((p) => `         ! ${p}`)];
    }
    case 'effectFailed':
      return [`${time} ${who.padEnd(24)} ${result.effect.type} failed, retrying next interval: ${result.error}`];
    case 'invalid':
      return [`${time} ${who.padEnd(24)} invalid: ${result.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`];
    case 'notFound':
      return [`${time} ${who.padEnd(24)} gone`];
    case 'conflict':
    case 'superseded':
      return [];
    default: {
      const never: never = result;
      return [String(never)];
    }
  }
}

/**
 * The lines one watcher pass prints: one per canary it acted on, with its reasons once each (a new canary is
 * both a schedule created and a step started, for one reason), or none when the pass changed nothing.
 */
export function watchLines(actions: readonly WatchAction[], now: Date): string[] {
  const time = now.toISOString().slice(11, 19);
  const reasons = new Map<string, Set<string>>();
  for (const action of actions) {
    const who = `${action.id.namespace}/${action.id.name}`;
    const of = reasons.get(who) ?? new Set<string>();
    of.add(action.reason);
    reasons.set(who, of);
  }
  return [...reasons].map(([who, of]) => `${time} ${who}: ${[...of].join('; ')}`);
}
