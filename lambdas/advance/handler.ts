/**
 * The advance Lambda's handler factory: parse the firing, run it through `shared/controller`'s scheduled
 * runner, log and count what happened. Built with injected ports and clock so tests run the very handler
 * the Lambda exports.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseAdvanceEvent, runScheduledAdvance, type ScheduledOutcome } from '../../shared/controller/scheduled.ts';
import { canaryKeys, errorKind, errorMetric, recordStep, type Observability } from '../runtime/observability.ts';
import type { RuntimePorts } from '../runtime/ports.ts';
import { redact } from '../runtime/redact.ts';

/** What the handler returns (visible in a direct invoke's response). */
export interface AdvanceResponse {
  readonly outcome: ScheduledOutcome['kind'];
  readonly steps: readonly string[];
  readonly phase?: string;
}

/** Clock seams of the handler. @default the wall clock and real timers */
export interface HandlerClock {
  readonly now?: () => Date;
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * The advance handler over `ports`.
 * @example
 * export const handler = createAdvanceHandler(buildPorts(loadConfig()), createObservability('fledge'));
 */
export function createAdvanceHandler(ports: RuntimePorts, o: Observability, clock: HandlerClock = {}) {
  const now = clock.now ?? (() => new Date());
  const wait = clock.sleep ?? ((ms: number) => sleep(ms).then(() => undefined));
  const advance = async (event: unknown, context: Context): Promise<AdvanceResponse> => {
    const parsed = parseAdvanceEvent(event);
    o.logger.appendKeys({ ...canaryKeys(parsed), ...(parsed.executionId ? { executionId: parsed.executionId } : {}) });
    try {
      const outcome = await runScheduledAdvance(
        {
          controller: ports.controller,
          store: ports.store,
          schedules: ports.schedules,
          now,
          sleep: wait,
          remainingMs: () => context.getRemainingTimeInMillis(),
          onStep: (result, durationMs) => recordStep(o, result, durationMs),
          onSchedule: ({ action, outcome }) => {
            if (outcome.startsWith('failed')) {
              errorMetric(o, 'schedule');
              o.logger.warn(redact(`schedule ${action} ${outcome}`));
            } else o.logger.info(`schedule ${action}: ${outcome}`);
          },
        },
        parsed,
      );
      if (outcome.kind !== 'ran') o.logger.info(`firing skipped: ${outcome.kind}`, { scheduledTime: parsed.scheduledTime });
      const last = outcome.results.at(-1);
      return {
        outcome: outcome.kind,
        steps: outcome.results.map((r) => r.kind),
        ...(last?.kind === 'advanced' ? { phase: last.step.next.phase } : {}),
      };
    } catch (error) {
      // Nothing was committed by a step that threw (the commit is its last write): state is intact, and the
      // error goes back to Scheduler or Lambda, which retry.
      errorMetric(o, errorKind(error));
      o.logger.error(redact(error instanceof Error ? `${error.name}: ${error.message}` : String(error)));
      throw error;
    }
  };
  return middy(advance).use(injectLambdaContext(o.logger, { resetKeys: true })).use(logMetrics(o.metrics));
}
