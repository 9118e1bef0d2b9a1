/** Cross-document checks of a scenario: what the simulated world must be able to answer for the Canary. */
import type { Canary } from '../../shared/api/index.ts';
import { BUILTIN_METRICS } from '../../shared/api/index.ts';
import { isMapping, join, type IssueSink, type Mapping } from './fields.ts';
import type { WorldSpec } from './types.ts';

/**
 * "Any other metric must be listed under metrics, or FILE is invalid": every metric of the Canary is either
 * builtin (answered from the canary pods' image) or scripted in `spec.world.metrics`.
 */
export function checkMetricsAnswered(
  label: string,
  canary: Canary,
  world: WorldSpec,
  sinkFor: (document: string) => IssueSink,
  prefix = '',
): void {
  const spec = canary.spec as unknown as Mapping;
  const analysisKey = isMapping(spec['analysis']) ? 'analysis' : 'canaryAnalysis';
  const analysis = spec[analysisKey];
  const metrics = isMapping(analysis) ? analysis['metrics'] : undefined;
  if (!Array.isArray(metrics)) return;
  metrics.forEach((metric: unknown, i) => {
    const name = isMapping(metric) ? metric['name'] : undefined;
    if (typeof name !== 'string') return;
    if ((BUILTIN_METRICS as readonly string[]).includes(name) || world.metrics[name] !== undefined) return;
    const path = join(join(join(`spec.${analysisKey}`, 'metrics'), i), 'name');
    sinkFor(label).add(
      prefix === '' ? path : join(prefix, path),
      `metric ${JSON.stringify(name)} is not builtin (${BUILTIN_METRICS.join(', ')}), so the Scenario must list its answers under spec.world.metrics`,
    );
  });
}
