/**
 * Benchmark 1: Kubernetes requests per analysis step. The podinfo good release is played through the real
 * controller against the emulator; each controller tick's requests are counted by verb from the emulator's
 * request log, next to the objects the tick actually changed (from the storage's change feed), and grouped by
 * stage of the release.
 */
import type { Phase } from '../../shared/api/index.ts';
import { loadScenario, playScenario, PODINFO_GOOD_RELEASE, type TickSample } from './podinfo.ts';

/** The Kubernetes verbs the table shows, as the emulator names them (`create` is POST, `update` is PUT). */
export const KUBE_VERBS = ['get', 'list', 'create', 'update', 'patch', 'delete'] as const;
/** One of {@link KUBE_VERBS}. */
export type KubeVerb = (typeof KUBE_VERBS)[number];

const READ_VERBS: ReadonlySet<string> = new Set(['get', 'list', 'watch', 'discovery']);

/**
 * Stages of a release a tick belongs to, by the phases it moved between:
 * - `initialization`: the first ticks (no state → Initializing → Initialized);
 * - `progressing`: ticks that end in Progressing, Waiting or WaitingPromotion (revision detected, analysis);
 * - `promotion`: Promoting, Finalising, and the tick that reaches Succeeded;
 * - `rollback`: the tick that reaches Failed;
 * - `idle`: a resting phase kept (Initialized, Succeeded or Failed before and after).
 */
export const STAGES = ['initialization', 'progressing', 'promotion', 'rollback', 'idle'] as const;
/** One of {@link STAGES}. */
export type Stage = (typeof STAGES)[number];

const RESTING: ReadonlySet<string> = new Set(['Initialized', 'Succeeded', 'Failed']);

/**
 * Ceiling on the Kubernetes requests of any progressing step that the bench test enforces. A step reads the
 * Canary, the target and primary workloads, the autoscaler and the router's objects once each (the tick's
 * read cache serves every repeat), and writes routes, status and events: 11 to 13 requests on the podinfo
 * release. 24 leaves room for honest growth (a second router object, tracked configs) while catching a
 * change that reads per effect again.
 */
export const PROGRESSING_REQUESTS_CEILING = 24;

/** One controller tick, counted. */
export interface TickRequests {
  readonly tick: number;
  readonly stage: Stage;
  readonly phase: string;
  readonly decision: string;
  readonly verbs: Readonly<Record<KubeVerb, number>>;
  /** Requests that are none of {@link KUBE_VERBS} (watch, discovery). */
  readonly other: number;
  readonly total: number;
  readonly reads: number;
  readonly writes: number;
  /** Requests answered with a status of 400 or more (404s of existence checks included). */
  readonly errors: number;
  /** GETs of an object the tick had already read (the same resource, namespace and name). */
  readonly repeatReads: number;
  /** Distinct non-Event objects the tick's writes changed. */
  readonly objectsChanged: number;
  /** Kubernetes Events the tick created. */
  readonly events: number;
  /** Resource names of the changed objects, e.g. `deployments`, `virtualservices`. */
  readonly changedResources: readonly string[];
  readonly durationMs: number;
}

/** Figures of one stage, summed over its ticks. */
export interface StageSummary {
  readonly stage: Stage;
  readonly ticks: number;
  readonly requests: number;
  readonly reads: number;
  readonly writes: number;
  readonly objectsChanged: number;
  readonly events: number;
  readonly repeatReads: number;
  /** Mean requests per tick. */
  readonly requestsPerStep: number;
  /** Requests per non-Event object changed; `null` when the stage changed none. */
  readonly requestsPerObjectChanged: number | null;
  /** Reads per write; `null` when the stage wrote nothing. */
  readonly readsPerWrite: number | null;
  /** The most requests of one tick. */
  readonly maxRequests: number;
}

/** What benchmark 1 measured. */
export interface KubeRequestsReport {
  readonly scenario: string;
  readonly finalPhase: string;
  readonly ticks: readonly TickRequests[];
  /** The stages present, in {@link STAGES} order. */
  readonly stages: readonly StageSummary[];
  readonly totals: { readonly requests: number; readonly reads: number; readonly writes: number; readonly ticks: number };
}

/** Options of {@link measureKubeRequests}. */
export interface KubeRequestsOptions {
  /** Scenario files, relative to the repository root. @default the podinfo good release */
  readonly files?: readonly string[];
  /** Stop after this many ticks. @default the Scenario's `spec.maxTicks` */
  readonly maxTicks?: number;
}

/** The stage of a tick that moved from `before` to `after`. */
export function stageOf(before: Phase | undefined, after: Phase | ''): Stage {
  if (before !== undefined && before === after && RESTING.has(after)) return 'idle';
  switch (after) {
    case '':
    case 'Initializing':
    case 'Initialized':
      return 'initialization';
    case 'Waiting':
    case 'Progressing':
    case 'WaitingPromotion':
      return 'progressing';
    case 'Promoting':
    case 'Finalising':
    case 'Succeeded':
      return 'promotion';
    case 'Failed':
    case 'Terminating':
    case 'Terminated':
      return 'rollback';
    default: {
      const unreachable: never = after;
      throw new Error(`unhandled phase ${String(unreachable)}`);
    }
  }
}

/** Counts one tick's requests and changes. */
export function countTick(sample: TickSample): TickRequests {
  const verbs = Object.fromEntries(KUBE_VERBS.map((v) => [v, 0])) as Record<KubeVerb, number>;
  let other = 0;
  let reads = 0;
  let errors = 0;
  let repeatReads = 0;
  const read = new Set<string>();
  for (const request of sample.requests) {
    if (request.verb === 'get') {
      const key = `${request.resource ?? ''}/${request.namespace ?? ''}/${request.name ?? ''}`;
      if (read.has(key)) repeatReads++;
      read.add(key);
    }
    if ((KUBE_VERBS as readonly string[]).includes(request.verb)) verbs[request.verb as KubeVerb]++;
    else other++;
    if (READ_VERBS.has(request.verb)) reads++;
    if (request.status >= 400) errors++;
  }
  const objects = sample.changed.filter((c) => c.resource !== 'events');
  return {
    tick: sample.tick,
    stage: stageOf(sample.phaseBefore, sample.phaseAfter),
    phase: sample.phaseAfter,
    decision: sample.decision,
    verbs,
    other,
    total: sample.requests.length,
    reads,
    writes: sample.requests.length - reads,
    errors,
    repeatReads,
    objectsChanged: objects.length,
    events: sample.changed.length - objects.length,
    changedResources: [...new Set(objects.map((c) => c.resource))].sort(),
    durationMs: sample.durationMs,
  };
}

/** Sums ticks into one summary per stage present, in {@link STAGES} order. */
export function summarizeStages(ticks: readonly TickRequests[]): StageSummary[] {
  return STAGES.flatMap((stage) => {
    const of = ticks.filter((t) => t.stage === stage);
    if (of.length === 0) return [];
    const sum = (pick: (t: TickRequests) => number): number => of.reduce((n, t) => n + pick(t), 0);
    const requests = sum((t) => t.total);
    const reads = sum((t) => t.reads);
    const writes = sum((t) => t.writes);
    const objectsChanged = sum((t) => t.objectsChanged);
    return [
      {
        stage,
        ticks: of.length,
        requests,
        reads,
        writes,
        objectsChanged,
        events: sum((t) => t.events),
        repeatReads: sum((t) => t.repeatReads),
        requestsPerStep: requests / of.length,
        requestsPerObjectChanged: objectsChanged === 0 ? null : requests / objectsChanged,
        readsPerWrite: writes === 0 ? null : reads / writes,
        maxRequests: Math.max(...of.map((t) => t.total)),
      },
    ];
  });
}

/** Plays the scenario and counts the controller's Kubernetes requests tick by tick. */
export async function measureKubeRequests(options: KubeRequestsOptions = {}): Promise<KubeRequestsReport> {
  const files = options.files ?? PODINFO_GOOD_RELEASE;
  const samples = await playScenario(loadScenario(files), options.maxTicks === undefined ? {} : { maxTicks: options.maxTicks });
  const ticks = samples.map(countTick);
  const sum = (pick: (t: TickRequests) => number): number => ticks.reduce((n, t) => n + pick(t), 0);
  return {
    scenario: files.join(' '),
    finalPhase: ticks.at(-1)?.phase ?? '',
    ticks,
    stages: summarizeStages(ticks),
    totals: { requests: sum((t) => t.total), reads: sum((t) => t.reads), writes: sum((t) => t.writes), ticks: ticks.length },
  };
}
