/**
 * The scenario file of `fledge simulate` (see `SCENARIOS.md`), as parsed and validated, and the lines the
 * runner prints. Everything here is plain, JSON-serializable data.
 */
import type { Canary, MetricTemplate, AlertProvider } from '../../shared/api/index.ts';
import { CONTROL_ACTIONS, type ControlAction } from '../../shared/api/state.ts';

/** The API version of the `Scenario` document. */
export const SCENARIO_API_VERSION = 'fledge.dev/v1alpha1';

/** The virtual clock's start: tick N runs at this instant plus N analysis intervals. */
export const SCENARIO_EPOCH = '2026-01-01T00:00:00Z';

/** `spec.maxTicks` when the Scenario does not set it. */
export const DEFAULT_MAX_TICKS = 100;

/**
 * The most ticks one simulation runs (`spec.maxTicks`, `--max-ticks`): a week of 1m intervals, about three
 * minutes of CPU, so a typo such as 1000000 is an error rather than an hour-long run.
 */
export const MAX_TICKS_CEILING = 10_080;

/** The runtime controls a `run:` timeline entry drives, the same as the CLI's. */
export const RUNTIME_CONTROLS: readonly ControlAction[] = CONTROL_ACTIONS;
/** One of {@link RUNTIME_CONTROLS}. */
export type RuntimeControl = ControlAction;

/** A Kubernetes object as read from FILE: any kind, `metadata.name` set, namespace filled in when namespaced. */
export interface ScenarioObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [field: string]: unknown };
  [field: string]: unknown;
}

/** Names one object of the cluster. `namespace` is absent only for cluster-scoped kinds. */
export interface ObjectKey {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
}

/**
 * Behaviour of the pods that run an image. Unlisted images, and unset fields, take the defaults of
 * {@link DEFAULT_IMAGE_BEHAVIOUR}.
 */
export interface ImageBehaviour {
  /** Ticks after creation (or update) before a pod is ready; 0 = ready within the same tick. @default 0 */
  readonly readyAfterTicks: number;
  /** Share of requests that fail, 0–1; drives the builtin `request-success-rate`. @default 0 */
  readonly errorRate: number;
  /** Mean request duration in milliseconds; drives the builtin `request-duration`. @default 50 */
  readonly latencyMs: number;
  /** Pods never become ready. @default false */
  readonly neverReady: boolean;
  /** Containers exit at once and restart with back-off (never ready, `CrashLoopBackOff`). @default false */
  readonly crashLoop: boolean;
}

/** The image defaults of `SCENARIOS.md`. */
export const DEFAULT_IMAGE_BEHAVIOUR: ImageBehaviour = Object.freeze({
  readyAfterTicks: 0,
  errorRate: 0,
  latencyMs: 50,
  neverReady: false,
  crashLoop: false,
});

/** One scripted metric answer: a value, "the provider finds no values", or "the query fails". */
export type MetricAnswer = number | 'nodata' | 'error';

/** One scripted webhook answer: pass (HTTP 200), fail (HTTP 500), or an explicit HTTP status code. */
export type WebhookAnswer = 'pass' | 'fail' | number;

/** `spec.world`: how the simulated world answers. */
export interface WorldSpec {
  /** Image → behaviour, with defaults applied to every listed image. */
  readonly images: Readonly<Record<string, ImageBehaviour>>;
  readonly primary: { readonly neverReadyAfterPromotion: boolean };
  /** Metric name → answers, one per check; the last one repeats. Never empty. */
  readonly metrics: Readonly<Record<string, readonly MetricAnswer[]>>;
  /** Webhook name → answers, one per call; the last one repeats. Never empty. */
  readonly webhooks: Readonly<Record<string, readonly WebhookAnswer[]>>;
  /** The emulated Gateway API controller: how many ticks it takes to accept a route generation. */
  readonly gatewayApi?: { readonly acceptAfterTicks: number };
}

/** What a timeline entry does. */
export type TimelineAction =
  | {
      readonly type: 'setImage';
      /** The workload (Deployment, DaemonSet or Knative Service) whose container image changes. */
      readonly target: string;
      readonly namespace: string;
      readonly container: string;
      readonly image: string;
    }
  | { readonly type: 'patch'; readonly object: ObjectKey; readonly mergePatch: Record<string, unknown> }
  | { readonly type: 'run'; readonly control: RuntimeControl }
  | { readonly type: 'apply'; readonly object: ScenarioObject }
  | { readonly type: 'delete'; readonly object: ObjectKey };

/** One `spec.timeline[]` entry: applied at the start of `tick`, before the controller runs. */
export interface TimelineEntry {
  readonly tick: number;
  /** Position in `spec.timeline`; entries of the same tick apply in this order. */
  readonly index: number;
  readonly action: TimelineAction;
}

/** The `Scenario` document. */
export interface ScenarioSpec {
  readonly name: string;
  readonly maxTicks: number;
  /**
   * Fledge's extension: the run does not stop before this tick even when the phase rests, e.g. to watch a
   * failed promotion's primary being restored after the Failed tick. @default 1
   */
  readonly minTicks: number;
  /** Sorted by tick, then by position in the file. */
  readonly timeline: readonly TimelineEntry[];
  readonly world: WorldSpec;
}

/** A whole, valid scenario FILE. */
export interface ScenarioFile {
  /** FILE as given on the command line; used in messages. */
  readonly source: string;
  /**
   * Every object to create before tick 1, Flagger kinds included, in creation order: Namespaces and
   * CustomResourceDefinitions first, then the rest in file order.
   */
  readonly objects: readonly ScenarioObject[];
  /** The one Canary the scenario plays (its spec as written; defaults are the controller's job). */
  readonly canary: Canary;
  readonly metricTemplates: readonly MetricTemplate[];
  readonly alertProviders: readonly AlertProvider[];
  readonly scenario: ScenarioSpec;
}

/**
 * One problem in FILE. `document` names the document (`Canary podinfo`, or `document 3` when it has no
 * kind and name); `path` is the field path inside it (empty for a problem with the whole document).
 */
export interface ScenarioIssue {
  readonly document: string;
  readonly path: string;
  readonly message: string;
}

/** The parser's result: the scenario, or every problem found; warnings (which never block) either way. */
export type ParseResult =
  | { readonly ok: true; readonly file: ScenarioFile; readonly warnings: readonly ScenarioIssue[] }
  | { readonly ok: false; readonly issues: readonly ScenarioIssue[]; readonly warnings: readonly ScenarioIssue[] };

// ---------------------------------------------------------------------------------------------------------
// Output

/** A traffic split as read back from the cluster. */
export interface RouteView {
  readonly primary: number;
  readonly canary: number;
  readonly mirrored: boolean;
  /** The split of requests that match the A/B routes, or null when there is no match route. */
  readonly matched: { readonly primary: number; readonly canary: number } | null;
}

/** A workload as the emulator sees it; null in the line when it does not exist. */
export interface WorkloadView {
  readonly replicas: number;
  readonly readyReplicas: number;
  /** Image of the first container. */
  readonly image: string;
}

/** A Kubernetes event recorded on the Canary. */
export interface EventView {
  readonly type: 'Normal' | 'Warning';
  readonly message: string;
}

/** A notification sent. */
export interface AlertView {
  readonly severity: 'info' | 'warn' | 'error';
  readonly message: string;
}

/** A webhook call made. `phase` is the Canary's phase sent in the call's payload. */
export interface WebhookView {
  readonly name: string;
  readonly type: string;
  readonly phase: string;
  readonly result: 'pass' | 'fail';
}

/** One `--json` line: the world after the controller ran for `tick`. */
export interface TickLine {
  readonly tick: number;
  /** RFC 3339, seconds precision, UTC. */
  readonly time: string;
  readonly phase: string;
  readonly canaryWeight: number;
  readonly failedChecks: number;
  readonly iterations: number;
  readonly routes: RouteView;
  /** `<target>-primary`; for a Knative Service, the Revision pinned as its primary. */
  readonly primary: WorkloadView | null;
  /** The target; for a Knative Service, its latest created Revision. */
  readonly canary: WorkloadView | null;
  readonly events: readonly EventView[];
  readonly alerts: readonly AlertView[];
  readonly webhooks: readonly WebhookView[];
}

/** The last `--json` line. */
export interface ScenarioSummary {
  readonly ticks: number;
  readonly phase: string;
  readonly canaryWeights: readonly number[];
  /** Image of the primary's first container at the end, or null when there is no primary. */
  readonly primaryImage: string | null;
}
