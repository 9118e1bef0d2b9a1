/**
 * Reads the `spec` of the `Scenario` document: `maxTicks`, `timeline` and `world`, recording every problem
 * with its field path. Cross-document checks (metrics used by the Canary, setImage targets) live in
 * `parse.ts`.
 */
import {
  DEFAULT_IMAGE_BEHAVIOUR,
  DEFAULT_MAX_TICKS,
  MAX_TICKS_CEILING,
  RUNTIME_CONTROLS,
  type ImageBehaviour,
  type MetricAnswer,
  type ObjectKey,
  type RuntimeControl,
  type TimelineEntry,
  type WebhookAnswer,
  type WorldSpec,
} from './types.ts';
import { broken, expectedType, notOneOf, required } from '../../shared/api/messages.ts';
import {
  isMapping,
  join,
  joinKey,
  readMapping,
  readOptionalBoolean,
  readOptionalInteger,
  readOptionalMapping,
  readOptionalNumber,
  readOptionalString,
  readString,
  rejectUnknown,
  type IssueSink,
  type Mapping,
} from './fields.ts';

/** The action keys of a timeline entry; each entry has exactly one. */
export const TIMELINE_ACTIONS = ['setImage', 'patch', 'run', 'apply', 'delete'] as const;

/** `spec` of a Scenario, read but not yet resolved against the other documents. */
export interface RawScenarioSpec {
  readonly maxTicks: number;
  readonly minTicks: number;
  readonly timeline: readonly RawTimelineEntry[];
  readonly world: WorldSpec;
}

/**
 * A timeline entry before namespaces are resolved: `namespace` is undefined where the file left it out,
 * and `apply` carries the raw document (validated by the caller like any other document).
 */
export type RawTimelineEntry = Omit<TimelineEntry, 'action'> & {
  readonly action: RawTimelineAction;
  /** Field path of the action inside the Scenario, for messages: `spec.timeline[2].setImage`. */
  readonly path: string;
};

/** {@link TimelineAction} with optional namespaces. */
export type RawTimelineAction =
  | { readonly type: 'setImage'; readonly target: string; readonly namespace?: string; readonly container?: string; readonly image: string }
  | { readonly type: 'patch'; readonly object: RawObjectKey; readonly mergePatch: Mapping }
  | { readonly type: 'run'; readonly control: RuntimeControl }
  | { readonly type: 'apply'; readonly object: Mapping }
  | { readonly type: 'delete'; readonly object: RawObjectKey };

/** {@link ObjectKey} with the namespace possibly unset. */
export type RawObjectKey = Omit<ObjectKey, 'namespace'> & { readonly namespace?: string };

/** Reads a Scenario's `spec`; absent fields take their defaults. */
export function readScenarioSpec(spec: unknown, sink: IssueSink): RawScenarioSpec {
  const root = readOptionalMapping(spec, 'spec', sink) ?? {};
  rejectUnknown(root, 'spec', ['maxTicks', 'minTicks', 'timeline', 'world'], sink);
  const maxTicks = readOptionalInteger(root['maxTicks'], 'spec.maxTicks', sink, { min: 1, max: MAX_TICKS_CEILING }) ?? DEFAULT_MAX_TICKS;
  const minTicks = readOptionalInteger(root['minTicks'], 'spec.minTicks', sink, { min: 1, max: maxTicks }) ?? 1;
  const timeline = readTimeline(root['timeline'], maxTicks, sink);
  const world = readWorld(root['world'], sink);
  return { maxTicks, minTicks, timeline, world };
}

function readTimeline(value: unknown, maxTicks: number, sink: IssueSink): RawTimelineEntry[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    sink.add('spec.timeline', expectedType('array', value));
    return [];
  }
  const entries: RawTimelineEntry[] = [];
  value.forEach((item: unknown, index) => {
    const path = join('spec.timeline', index);
    if (!isMapping(item)) {
      sink.add(path, expectedType('object', item));
      return;
    }
    rejectUnknown(item, path, ['tick', ...TIMELINE_ACTIONS], sink);
    let tick: number | undefined;
    if (item['tick'] === undefined) sink.add(join(path, 'tick'), required());
    else tick = readOptionalInteger(item['tick'], join(path, 'tick'), sink, { min: 1 });
    if (tick !== undefined && tick > maxTicks) {
      sink.add(join(path, 'tick'), broken(`must be at most spec.maxTicks (${maxTicks}), or it never runs`, tick));
      tick = undefined;
    }
    const present = TIMELINE_ACTIONS.filter((key) => item[key] !== undefined);
    if (present.length !== 1) {
      sink.add(path, broken(`must have exactly one of ${TIMELINE_ACTIONS.join(', ')}`, present));
      return;
    }
    const key = present[0] as (typeof TIMELINE_ACTIONS)[number];
    const action = readAction(key, item[key], join(path, key), sink);
    if (tick !== undefined && action !== undefined) entries.push({ tick, index, action, path: join(path, key) });
  });
  // Stable: same-tick entries keep their file order.
  return entries.sort((a, b) => a.tick - b.tick || a.index - b.index);
}

function readAction(
  key: (typeof TIMELINE_ACTIONS)[number],
  value: unknown,
  path: string,
  sink: IssueSink,
): RawTimelineAction | undefined {
  switch (key) {
    case 'run': {
      if (typeof value === 'string' && (RUNTIME_CONTROLS as readonly string[]).includes(value)) {
        return { type: 'run', control: value as RuntimeControl };
      }
      sink.add(path, notOneOf(RUNTIME_CONTROLS, value));
      return undefined;
    }
    case 'setImage': {
      const body = readMapping(value, path, sink);
      if (body === undefined) return undefined;
      rejectUnknown(body, path, ['target', 'namespace', 'container', 'image'], sink);
      const target = readString(body['target'], join(path, 'target'), sink);
      const namespace = readOptionalString(body['namespace'], join(path, 'namespace'), sink);
      const container = readOptionalString(body['container'], join(path, 'container'), sink);
      const image = readString(body['image'], join(path, 'image'), sink);
      if (target === undefined || image === undefined) return undefined;
      return withOptional({ type: 'setImage' as const, target, image }, { namespace, container });
    }
    case 'patch': {
      const body = readMapping(value, path, sink);
      if (body === undefined) return undefined;
      rejectUnknown(body, path, ['apiVersion', 'kind', 'name', 'namespace', 'mergePatch'], sink);
      const object = readObjectKey(body, path, sink);
      const mergePatch = readMapping(body['mergePatch'], join(path, 'mergePatch'), sink);
      return object === undefined || mergePatch === undefined ? undefined : { type: 'patch', object, mergePatch };
    }
    case 'delete': {
      const body = readMapping(value, path, sink);
      if (body === undefined) return undefined;
      rejectUnknown(body, path, ['apiVersion', 'kind', 'name', 'namespace'], sink);
      const object = readObjectKey(body, path, sink);
      return object === undefined ? undefined : { type: 'delete', object };
    }
    case 'apply': {
      const body = readMapping(value, path, sink);
      return body === undefined ? undefined : { type: 'apply', object: body };
    }
    default: {
      const unreachable: never = key;
      throw new Error(`unhandled timeline action ${String(unreachable)}`);
    }
  }
}

function readObjectKey(body: Mapping, path: string, sink: IssueSink): RawObjectKey | undefined {
  const apiVersion = readString(body['apiVersion'], join(path, 'apiVersion'), sink);
  const kind = readString(body['kind'], join(path, 'kind'), sink);
  const name = readString(body['name'], join(path, 'name'), sink);
  const namespace = readOptionalString(body['namespace'], join(path, 'namespace'), sink);
  if (apiVersion === undefined || kind === undefined || name === undefined) return undefined;
  return withOptional({ apiVersion, kind, name }, { namespace });
}

/** Adds the defined values of `optional` to `base`, so absent fields stay absent (stable JSON). */
function withOptional<T extends object, O extends Record<string, unknown>>(base: T, optional: O): T & Partial<O> {
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(optional)) if (value !== undefined) out[key] = value;
  return out as T & Partial<O>;
}

function readWorld(value: unknown, sink: IssueSink): WorldSpec {
  const world = readOptionalMapping(value, 'spec.world', sink) ?? {};
  rejectUnknown(world, 'spec.world', ['images', 'primary', 'metrics', 'webhooks', 'gatewayApi'], sink);

  const images: Record<string, ImageBehaviour> = {};
  const imageMap = readOptionalMapping(world['images'], 'spec.world.images', sink) ?? {};
  for (const [image, raw] of Object.entries(imageMap)) {
    const path = `spec.world.images[${JSON.stringify(image)}]`;
    const body = readOptionalMapping(raw, path, sink) ?? {};
    rejectUnknown(body, path, ['readyAfterTicks', 'errorRate', 'latencyMs', 'neverReady', 'crashLoop'], sink);
    images[image] = {
      readyAfterTicks:
        readOptionalInteger(body['readyAfterTicks'], join(path, 'readyAfterTicks'), sink, { min: 0 }) ??
        DEFAULT_IMAGE_BEHAVIOUR.readyAfterTicks,
      errorRate:
        readOptionalNumber(body['errorRate'], join(path, 'errorRate'), sink, { min: 0, max: 1 }) ?? DEFAULT_IMAGE_BEHAVIOUR.errorRate,
      latencyMs:
        readOptionalNumber(body['latencyMs'], join(path, 'latencyMs'), sink, { min: 0 }) ?? DEFAULT_IMAGE_BEHAVIOUR.latencyMs,
      neverReady: readOptionalBoolean(body['neverReady'], join(path, 'neverReady'), sink) ?? DEFAULT_IMAGE_BEHAVIOUR.neverReady,
      crashLoop: readOptionalBoolean(body['crashLoop'], join(path, 'crashLoop'), sink) ?? DEFAULT_IMAGE_BEHAVIOUR.crashLoop,
    };
  }

  const primary = readOptionalMapping(world['primary'], 'spec.world.primary', sink) ?? {};
  rejectUnknown(primary, 'spec.world.primary', ['neverReadyAfterPromotion'], sink);
  const neverReadyAfterPromotion =
    readOptionalBoolean(primary['neverReadyAfterPromotion'], 'spec.world.primary.neverReadyAfterPromotion', sink) ?? false;

  const metrics = readAnswers(world['metrics'], 'spec.world.metrics', sink, readMetricAnswer);
  const webhooks = readAnswers(world['webhooks'], 'spec.world.webhooks', sink, readWebhookAnswer);
  const gatewayApiMap = readOptionalMapping(world['gatewayApi'], 'spec.world.gatewayApi', sink);
  if (gatewayApiMap !== undefined) rejectUnknown(gatewayApiMap, 'spec.world.gatewayApi', ['acceptAfterTicks'], sink);
  const acceptAfterTicks = gatewayApiMap && readOptionalInteger(gatewayApiMap['acceptAfterTicks'], 'spec.world.gatewayApi.acceptAfterTicks', sink, { min: 0 });
  const gatewayApi = gatewayApiMap === undefined ? {} : { gatewayApi: { acceptAfterTicks: acceptAfterTicks ?? 0 } };
  return { images, primary: { neverReadyAfterPromotion }, metrics, webhooks, ...gatewayApi };
}

/** Reads `name: [answer, …]` (a single answer counts as a list of one). */
function readAnswers<T>(
  value: unknown,
  path: string,
  sink: IssueSink,
  readOne: (value: unknown, path: string, sink: IssueSink) => T | undefined,
): Record<string, T[]> {
  const out: Record<string, T[]> = {};
  const map = readOptionalMapping(value, path, sink) ?? {};
  for (const [name, raw] of Object.entries(map)) {
    const namePath = joinKey(path, name);
    const list = Array.isArray(raw) ? raw : [raw];
    if (list.length === 0) {
      sink.add(namePath, broken('must list at least one answer', raw));
      continue;
    }
    const answers = list.map((item: unknown, i) => readOne(item, Array.isArray(raw) ? join(namePath, i) : namePath, sink));
    if (answers.every((answer) => answer !== undefined)) out[name] = answers as T[];
  }
  return out;
}

function readMetricAnswer(value: unknown, path: string, sink: IssueSink): MetricAnswer | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (value === 'nodata' || value === 'error') return value;
  sink.add(path, broken('must be a number, nodata or error', value));
  return undefined;
}

function readWebhookAnswer(value: unknown, path: string, sink: IssueSink): WebhookAnswer | undefined {
  if (value === 'pass' || value === 'fail') return value;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 100 && value <= 599) return value;
  sink.add(path, broken('must be pass, fail or an HTTP status code (100-599)', value));
  return undefined;
}
