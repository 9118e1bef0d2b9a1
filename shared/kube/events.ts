import { KubeConflictError } from './errors.ts';
import type { KubeClient, KubeObject } from './types.ts';

/** The object an event is about (a Canary for Fledge), as found in the cluster. */
export interface InvolvedObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly uid?: string; readonly resourceVersion?: string };
}

/** Kubernetes event types. Flagger records info as `Normal` and both warnings and errors as `Warning`. */
export const EVENT_TYPES = ['Normal', 'Warning'] as const;
/** One of {@link EVENT_TYPES}. */
export type EventType = (typeof EVENT_TYPES)[number];

/** Flagger's reason on every Canary event. */
export const FLAGGER_EVENT_REASON = 'Synced';

/** One event to record. */
export interface EventInput {
  readonly type: EventType;
  readonly message: string;
  /** @default 'Synced' (Flagger's reason for every Canary event) */
  readonly reason?: string;
}

/** Options of {@link EventRecorder}. */
export interface EventRecorderOptions {
  /** `source.component` and `reportingComponent`. @default 'fledge' */
  readonly component?: string;
  /** `reportingInstance`, e.g. the Lambda function name. @default the component */
  readonly instance?: string;
}

/** RFC 3339 with second precision, as `firstTimestamp`/`lastTimestamp` are serialized by the API server. */
export function kubeTime(time: Date): string {
  return time.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The `v1` Event for `input` on `involved` at `now`. The name follows client-go's recorder
 * (`<object>.<hex nanoseconds>`); `sequence` separates events recorded within the same millisecond.
 */
export function buildEvent(
  involved: InvolvedObject,
  input: EventInput,
  now: Date,
  sequence: number,
  options: EventRecorderOptions = {},
): KubeObject {
  const component = options.component ?? 'fledge';
  const nanos = BigInt(now.getTime()) * 1_000_000n + BigInt(sequence);
  const timestamp = kubeTime(now);
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${involved.metadata.name}.${nanos.toString(16)}`, namespace: involved.metadata.namespace ?? 'default' },
    involvedObject: {
      apiVersion: involved.apiVersion,
      kind: involved.kind,
      name: involved.metadata.name,
      namespace: involved.metadata.namespace,
      uid: involved.metadata.uid,
      resourceVersion: involved.metadata.resourceVersion,
    },
    reason: input.reason ?? FLAGGER_EVENT_REASON,
    message: input.message,
    type: input.type,
    source: { component },
    firstTimestamp: timestamp,
    lastTimestamp: timestamp,
    count: 1,
    reportingComponent: component,
    reportingInstance: options.instance ?? component,
  };
}

/**
 * Records Kubernetes Events on a Canary the way Flagger's recorder does (`reason: Synced`, `Normal` or
 * `Warning`), so `kubectl describe canary` shows Fledge's decisions where Flagger users look for them.
 */
export class EventRecorder {
  private readonly kube: KubeClient;
  private readonly options: EventRecorderOptions;
  private sequence = 0;

  constructor(kube: KubeClient, options: EventRecorderOptions = {}) {
    this.kube = kube;
    this.options = options;
  }

  /** Creates one event at `now`. A name clash with an event of another writer is retried once with a new name. */
  async record(involved: InvolvedObject, input: EventInput, now: Date): Promise<KubeObject> {
    try {
      return await this.kube.createEvent(buildEvent(involved, input, now, this.sequence++, this.options));
    } catch (error) {
      if (!(error instanceof KubeConflictError && error.alreadyExists)) throw error;
      this.sequence += 1000;
      return this.kube.createEvent(buildEvent(involved, input, now, this.sequence++, this.options));
    }
  }
}
