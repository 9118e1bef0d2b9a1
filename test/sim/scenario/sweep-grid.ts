/**
 * The generated sweep's grid (STYLE.md item 8): scenario FILEs built from a fixed grid of worlds × analyses, with
 * the remaining knobs (target strategy, replicas, stepWeightPromotion, a confirm-promotion gate) drawn from a
 * seeded PRNG, so the same cases come out on every run and every machine.
 */

/** The release's images: the one running before, the one released at {@link RELEASE_TICK}. */
export const OLD_IMAGE = 'ghcr.io/stefanprodan/podinfo:6.0.0';
export const NEW_IMAGE = 'ghcr.io/stefanprodan/podinfo:6.0.1';

/** The tick whose start sets {@link NEW_IMAGE} on the target: the canary is Initialized by then. */
export const RELEASE_TICK = 3;

/** Every generated run must rest well before this many ticks. */
export const SWEEP_MAX_TICKS = 60;

/**
 * How the world answers the release:
 * - `healthy`: the new image is ready at once and answers every request;
 * - `errorRate`: 30% of the new image's requests fail (success rate 70% < 99%);
 * - `neverReady`: the new image's pods never become ready;
 * - `readyLate`: the new image's pods are ready 2 ticks after they start, the promoted primary's too;
 * - `promotionRestore` / `promotionHold`: primary pods made from the promoted template never become ready, with
 *   the default `fledge.dev/promotion-failure` (restore) or `hold`.
 */
export const WORLDS = ['healthy', 'errorRate', 'neverReady', 'readyLate', 'promotionRestore', 'promotionHold'] as const;
export type World = (typeof WORLDS)[number];

/**
 * The analysis of the Canary:
 * - `stepWeight`: 10 per step up to 30; `overshoot`: 30 per step with maxWeight 50 (the last step goes to 60);
 * - `stepWeights`: [5, 25, 50]; `iterations`: blue/green, 3 iterations; `abHeader`: 3 iterations for requests
 *   with `x-canary: insider`; `mirrorBlueGreen`: blue/green with mirroring; `mirrorCanary`: a mirror step,
 *   then 10 per step up to 20.
 */
export const ANALYSES = ['stepWeight', 'overshoot', 'stepWeights', 'iterations', 'abHeader', 'mirrorBlueGreen', 'mirrorCanary'] as const;
export type Analysis = (typeof ANALYSES)[number];

/** Analyses that move traffic by weight, where `stepWeightPromotion` applies. */
export const WEIGHTED: ReadonlySet<Analysis> = new Set(['stepWeight', 'overshoot', 'stepWeights', 'mirrorCanary']);

export const PROVIDERS = ['istio', 'kubernetes'] as const;
export type Provider = (typeof PROVIDERS)[number];

/**
 * The (provider, analysis) pairs swept: every analysis on Istio; on the kubernetes provider blue/green, and a
 * stepWeight analysis, which Fledge runs as blue/green (as Flagger does) with a warning.
 */
export const PAIRS: readonly (readonly [Provider, Analysis])[] = [
  ...ANALYSES.map((analysis) => ['istio', analysis] as const),
  ['kubernetes', 'iterations'],
  ['kubernetes', 'stepWeight'],
];

export const STRATEGIES = ['RollingUpdate', 'Recreate'] as const;
export type Strategy = (typeof STRATEGIES)[number];

export const REPLICAS = [1, 3] as const;

/** One generated run. */
export interface SweepCase {
  /** Unique, and reads as the combination, e.g. `istio/overshoot+swp/Recreate/x3/gate/promotionHold`. */
  readonly name: string;
  readonly provider: Provider;
  readonly analysis: Analysis;
  /** `analysis.stepWeightPromotion: 40`; only ever true on a {@link WEIGHTED} analysis. */
  readonly stepWeightPromotion: boolean;
  readonly strategy: Strategy;
  readonly replicas: (typeof REPLICAS)[number];
  /** A confirm-promotion webhook answering fail, fail, pass. */
  readonly gate: boolean;
  readonly world: World;
}

/** mulberry32: a tiny, well-spread 32-bit PRNG; the same seed gives the same sequence everywhere. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(random: () => number, values: readonly T[]): T {
  return values[Math.floor(random() * values.length)] as T;
}

/** The seed of the sweep; changing it changes which knobs go with which (world, analysis) pair. */
export const SWEEP_SEED = 0x5eed2028;

/** Every (provider, analysis) pair under every world, the other knobs drawn from the seeded PRNG. */
export function sweepCases(seed = SWEEP_SEED): SweepCase[] {
  const random = prng(seed);
  const cases: SweepCase[] = [];
  for (const world of WORLDS) {
    for (const [provider, analysis] of PAIRS) {
      const strategy = pick(random, STRATEGIES);
      const replicas = pick(random, REPLICAS);
      const gate = random() < 0.4;
      const stepWeightPromotion = WEIGHTED.has(analysis) && random() < 0.5;
      const name = [
        provider,
        `${analysis}${stepWeightPromotion ? '+swp' : ''}`,
        strategy,
        `x${replicas}`,
        ...(gate ? ['gate'] : []),
        world,
      ].join('/');
      cases.push({ name, provider, analysis, stepWeightPromotion, strategy, replicas, gate, world });
    }
  }
  return cases;
}

function analysisLines(c: SweepCase): string[] {
  const lines = ['interval: 1m', 'threshold: 2'];
  switch (c.analysis) {
    case 'stepWeight':
      lines.push('maxWeight: 30', 'stepWeight: 10');
      break;
    case 'overshoot':
      lines.push('maxWeight: 50', 'stepWeight: 30');
      break;
    case 'stepWeights':
      lines.push('stepWeights: [5, 25, 50]');
      break;
    case 'iterations':
      lines.push('iterations: 3');
      break;
    case 'abHeader':
      lines.push('iterations: 3', 'match:', '  - headers: {x-canary: {exact: insider}}');
      break;
    case 'mirrorBlueGreen':
      lines.push('iterations: 3', 'mirror: true', 'mirrorWeight: 100');
      break;
    case 'mirrorCanary':
      lines.push('maxWeight: 20', 'stepWeight: 10', 'mirror: true', 'mirrorWeight: 50');
      break;
    default: {
      const never: never = c.analysis;
      throw new Error(`unknown analysis ${String(never)}`);
    }
  }
  if (c.stepWeightPromotion) lines.push('stepWeightPromotion: 40');
  lines.push('metrics:', '  - {name: request-success-rate, thresholdRange: {min: 99}, interval: 1m}');
  if (c.gate) lines.push('webhooks:', '  - {name: promotion-gate, type: confirm-promotion, url: http://flagger-loadtester.test/gate/check}');
  return lines;
}

function worldLines(c: SweepCase): string[] {
  const lines: string[] = [];
  switch (c.world) {
    case 'healthy':
      break;
    case 'errorRate':
      lines.push('images:', `  ${NEW_IMAGE}: {errorRate: 0.3}`);
      break;
    case 'neverReady':
      lines.push('images:', `  ${NEW_IMAGE}: {neverReady: true}`);
      break;
    case 'readyLate':
      lines.push('images:', `  ${NEW_IMAGE}: {readyAfterTicks: 2}`);
      break;
    case 'promotionRestore':
    case 'promotionHold':
      lines.push('primary: {neverReadyAfterPromotion: true}');
      break;
    default: {
      const never: never = c.world;
      throw new Error(`unknown world ${String(never)}`);
    }
  }
  if (c.gate) lines.push('webhooks:', '  promotion-gate: [fail, fail, pass]');
  return lines;
}

const indent = (lines: readonly string[], by: number): string => lines.map((l) => `${' '.repeat(by)}${l}`).join('\n');

/** The scenario FILE of one case: podinfo 6.0.0 → 6.0.1 released at {@link RELEASE_TICK} in namespace `test`. */
export function scenarioFile(c: SweepCase): string {
  const annotations = c.world === 'promotionHold' ? ', annotations: {fledge.dev/promotion-failure: hold}' : '';
  const world = worldLines(c);
  return `apiVersion: apps/v1
kind: Deployment
metadata: {name: podinfo, namespace: test, labels: {app: podinfo}}
spec:
  replicas: ${c.replicas}
  strategy: {type: ${c.strategy}}
  selector: {matchLabels: {app: podinfo}}
  template:
    metadata: {labels: {app: podinfo}}
    spec:
      containers:
        - name: podinfod
          image: ${OLD_IMAGE}
          ports: [{name: http, containerPort: 9898}]
---
apiVersion: flagger.app/v1beta1
kind: Canary
metadata: {name: podinfo, namespace: test${annotations}}
spec:
  provider: ${c.provider}
  targetRef: {apiVersion: apps/v1, kind: Deployment, name: podinfo}
  progressDeadlineSeconds: 180
  service: {port: 9898}
  analysis:
${indent(analysisLines(c), 4)}
---
apiVersion: fledge.dev/v1alpha1
kind: Scenario
metadata: {name: ${c.name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}}
spec:
  maxTicks: ${SWEEP_MAX_TICKS}
  timeline:
    - tick: ${RELEASE_TICK}
      setImage: {target: podinfo, container: podinfod, image: ${NEW_IMAGE}}
${world.length === 0 ? '' : `  world:\n${indent(world, 4)}\n`}`;
}
