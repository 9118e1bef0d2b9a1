/**
 * Which deployment strategy a Canary runs, decided as Flagger's scheduler decides it: A/B testing when
 * `analysis.match` is set with `iterations`, blue/green when `iterations` is set, else a progressive canary;
 * mirroring and session affinity refine the last two. The kubernetes provider cannot split traffic, so it
 * forces blue/green.
 */
import type { FieldIssue } from './paths.ts';
import type { CanaryAnalysis, CanaryProvider } from './types.ts';

/** The strategies Flagger documents. */
export const STRATEGIES = [
  'canary',
  'canary-with-mirror',
  'canary-with-session-affinity',
  'ab-testing',
  'blue-green',
  'blue-green-with-mirror',
] as const;
/** One of {@link STRATEGIES}. */
export type Strategy = (typeof STRATEGIES)[number];

/** A human description of each strategy. */
export const STRATEGY_DESCRIPTIONS: Record<Strategy, string> = {
  canary: 'canary release: progressive traffic shifting',
  'canary-with-mirror': 'canary release with traffic mirroring first, then progressive traffic shifting',
  'canary-with-session-affinity': 'canary release with session affinity: progressive shifting, sticky by cookie',
  'ab-testing': 'A/B testing: requests matching headers or cookies go to the canary',
  'blue-green': 'blue/green: checks against the canary, then all traffic switches at once',
  'blue-green-with-mirror': 'blue/green with mirroring: traffic is shadowed to the canary during the checks',
};

/** Iterations Flagger sets when the kubernetes provider is used without `iterations`. */
export const KUBERNETES_DEFAULT_ITERATIONS = 10;

/** The outcome of strategy derivation. */
export interface StrategyDecision {
  readonly strategy: Strategy;
  /** The iterations that will run (blue/green, A/B testing); 0 for weighted strategies. */
  readonly iterations: number;
  /** Whether `analysis.match` reaches the router (false when the kubernetes provider drops it). */
  readonly usesMatch: boolean;
  /** Whether a weighted release starts with one interval of mirrored traffic before shifting weight. */
  readonly mirrorStep: boolean;
  /** Settings present but without effect under this strategy or provider. */
  readonly warnings: FieldIssue[];
}

const A = 'spec.analysis';

/**
 * Derives the strategy from the analysis and the effective provider.
 * @example deriveStrategy({ interval: '1m', threshold: 5, iterations: 10, mirror: true }, 'istio').strategy
 * // 'blue-green-with-mirror'
 */
export function deriveStrategy(analysis: CanaryAnalysis, provider: CanaryProvider): StrategyDecision {
  const warnings: FieldIssue[] = [];
  const hasMatch = (analysis.match ?? []).length > 0;
  let iterations = analysis.iterations !== undefined && analysis.iterations > 0 ? analysis.iterations : 0;
  let usesMatch = hasMatch;

  if (provider === 'kubernetes') {
    if (hasMatch) {
      usesMatch = false;
      warnings.push({ path: `${A}.match`, message: 'A/B testing is not supported by the kubernetes provider; ignored' });
    }
    if (iterations < 1) {
      iterations = KUBERNETES_DEFAULT_ITERATIONS;
      warnings.push({
        path: A,
        message: `progressive traffic is not supported by the kubernetes provider; runs as blue/green with iterations: ${KUBERNETES_DEFAULT_ITERATIONS}`,
      });
    }
    if (analysis.mirror) {
      warnings.push({ path: `${A}.mirror`, message: 'the kubernetes provider cannot mirror traffic; ignored' });
    }
  }

  if (usesMatch && iterations > 0) {
    if (analysis.mirror) warnings.push({ path: `${A}.mirror`, message: 'has no effect in A/B testing' });
    ignoredSessionAffinity(analysis, warnings, 'A/B testing');
    return { strategy: 'ab-testing', iterations, usesMatch, mirrorStep: false, warnings };
  }
  if (usesMatch) {
    warnings.push({
      path: `${A}.match`,
      message: 'A/B testing needs iterations: this runs as a weighted canary and the router adds the match to its routes',
    });
  }
  if (iterations > 0) {
    ignoredSessionAffinity(analysis, warnings, 'blue/green');
    const mirrored = analysis.mirror === true && provider !== 'kubernetes';
    const strategy = mirrored ? 'blue-green-with-mirror' : 'blue-green';
    return { strategy, iterations, usesMatch, mirrorStep: false, warnings };
  }
  const mirrorStep = analysis.mirror === true;
  if (analysis.sessionAffinity) {
    return { strategy: 'canary-with-session-affinity', iterations: 0, usesMatch, mirrorStep, warnings };
  }
  return { strategy: mirrorStep ? 'canary-with-mirror' : 'canary', iterations: 0, usesMatch, mirrorStep, warnings };
}

function ignoredSessionAffinity(analysis: CanaryAnalysis, warnings: FieldIssue[], strategy: string): void {
  if (analysis.sessionAffinity) {
    warnings.push({ path: `${A}.sessionAffinity`, message: `applies to weighted canary releases; ignored in ${strategy}` });
  }
}

/** True for the strategies that count iterations rather than climb a weight ladder. */
export function isIterative(strategy: Strategy): boolean {
  return strategy === 'ab-testing' || strategy === 'blue-green' || strategy === 'blue-green-with-mirror';
}
