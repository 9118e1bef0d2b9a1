/**
 * The metric and webhook ports until the metrics and hooks rooms' implementations are plugged in (in
 * `lambdas/runtime/ports.ts` and `cli/commands/local.ts`): each answers honestly that nothing is wired, which
 * fails a metric check and keeps a gate closed, never passing anything silently.
 */
import type { HookCaller } from '../hooks/types.ts';
import type { MetricChecker } from './types.ts';

/**
 * Until the metrics room's providers are plugged in here, a metric check answers an error that says so,
 * which fails the check (never passes it silently).
 */
export const unwiredMetrics: MetricChecker = {
  check: async (request) => ({ result: { kind: 'error', error: `metric ${request.name}: no metric provider is wired into this build (see shared/controller/unwired.ts)` } }),
};

/** Until the hooks room's caller is plugged in, a webhook answers failed (a gate stays closed). */
export const unwiredHooks: HookCaller = {
  call: async (call) => ({ kind: call.type.startsWith('confirm-') ? 'pending' : 'failed', detail: `webhook ${call.name}: no webhook caller is wired into this build (see shared/controller/unwired.ts)` }),
};

