/**
 * Resolves the Scenario's timeline against FILE: namespaces filled in (timeline references default to the
 * Canary's namespace), applied objects validated like FILE's documents, `setImage` containers checked.
 */
import type { Canary } from '../../shared/api/index.ts';
import { isKnativeService } from '../../shared/kube/knative.ts';
import { validateFlaggerDocument } from './flagger.ts';
import { broken, required } from '../../shared/api/messages.ts';
import { isMapping, join, readString, type IssueSink } from './fields.ts';
import { CLUSTER_SCOPED_KINDS, DEFAULT_NAMESPACE, isFlaggerGroup, withNamespace } from './objects.ts';
import type { RawObjectKey, RawTimelineEntry } from './scenario-spec.ts';
import type { ObjectKey, ScenarioObject, TimelineAction, TimelineEntry } from './types.ts';

/** Workload kinds a `setImage` entry can target. */
const IMAGE_TARGET_KINDS = ['Deployment', 'DaemonSet'];
/** Knative's name for a container that has none (its defaulting webhook's). */
export const KNATIVE_DEFAULT_CONTAINER = 'user-container';

/** A Deployment, a DaemonSet or a Knative Service: what `setImage` can change. */
export function isImageTarget(object: { apiVersion: string; kind: string }): boolean {
  return IMAGE_TARGET_KINDS.includes(object.kind) || isKnativeService(object);
}
/**
 * Fills in namespaces (timeline references default to the Canary's namespace, the one the scenario is about),
 * validates applied objects like FILE documents, and checks `setImage` targets that FILE defines.
 */
export function resolveTimeline(
  raw: readonly RawTimelineEntry[],
  objects: readonly ScenarioObject[],
  canary: Canary,
  sink: IssueSink,
  warn: (path: string, message: string) => void,
): TimelineEntry[] {
  const namespace = canary.metadata.namespace ?? DEFAULT_NAMESPACE;
  const known = [...objects];
  const out: TimelineEntry[] = [];
  for (const entry of raw) {
    const at = (path: string): string => (path === '' ? entry.path : join(entry.path, path));
    const prefixed: IssueSink = { add: (path, message) => sink.add(at(path), message) };
    const action = resolveAction(entry, namespace, canary, known, prefixed, (path, message) => warn(at(path), message));
    if (action === undefined) continue;
    if (action.type === 'apply') known.push(action.object);
    out.push({ tick: entry.tick, index: entry.index, action });
  }
  return out;
}

function resolveAction(
  entry: RawTimelineEntry,
  namespace: string,
  canary: Canary,
  known: readonly ScenarioObject[],
  sink: IssueSink,
  warn: (path: string, message: string) => void,
): TimelineAction | undefined {
  const action = entry.action;
  switch (action.type) {
    case 'run':
      return action;
    case 'patch':
    case 'delete':
      return { ...action, object: resolveKey(action.object, namespace) };
    case 'setImage': {
      const ns = action.namespace ?? namespace;
      const workload = known.find(
        (o) => isImageTarget(o) && o.metadata.name === action.target && o.metadata.namespace === ns,
      );
      const containers = workload === undefined ? undefined : containerNames(workload);
      let container = action.container;
      if (containers !== undefined) {
        if (container === undefined && containers.length === 1) container = containers[0];
        else if (container === undefined) {
          sink.add('container', required(`name one of the containers of ${workload?.kind} ${action.target}: ${containers.join(', ')}`));
          return undefined;
        } else if (!containers.includes(container)) {
          sink.add('container', broken(`must be one of the containers of ${workload?.kind} ${action.target} (${containers.join(', ')})`, container));
          return undefined;
        }
      }
      if (container === undefined) {
        sink.add('container', required(`FILE defines no Deployment, DaemonSet or Knative Service ${action.target} in namespace ${ns} to take it from`));
        return undefined;
      }
      return { type: 'setImage', target: action.target, namespace: ns, container, image: action.image };
    }
    case 'apply': {
      const body = action.object;
      const read = [readString(body['apiVersion'], 'apiVersion', sink), readString(body['kind'], 'kind', sink)];
      const metadata = body['metadata'];
      read.push(readString(isMapping(metadata) ? metadata['name'] : undefined, 'metadata.name', sink));
      if (read.some((field) => field === undefined)) return undefined;
      const object = withNamespace(body, namespace);
      if (isFlaggerGroup(object.apiVersion)) {
        const result = validateFlaggerDocument(object);
        for (const issue of result.issues) sink.add(issue.path, issue.message);
        for (const warning of result.warnings) warn(warning.path, warning.message);
        if (result.object === undefined) return undefined;
        const canaryNamespace = canary.metadata.namespace ?? DEFAULT_NAMESPACE;
        if (object.kind === 'Canary' && (object.metadata.name !== canary.metadata.name || object.metadata.namespace !== canaryNamespace)) {
          sink.add('metadata.name', `a scenario plays one Canary (${canary.metadata.name}.${canaryNamespace}); apply may replace it, not add ${object.metadata.name}.${object.metadata.namespace}`);
          return undefined;
        }
      }
      return { type: 'apply', object };
    }
    default: {
      const unreachable: never = action;
      throw new Error(`unhandled timeline action ${JSON.stringify(unreachable)}`);
    }
  }
}

function resolveKey(key: RawObjectKey, namespace: string): ObjectKey {
  if (key.namespace !== undefined || CLUSTER_SCOPED_KINDS.has(key.kind)) return key;
  return { ...key, namespace };
}

function containerNames(workload: ScenarioObject): string[] | undefined {
  const spec = workload['spec'];
  const template = isMapping(spec) ? spec['template'] : undefined;
  const podSpec = isMapping(template) ? template['spec'] : undefined;
  const containers = isMapping(podSpec) ? podSpec['containers'] : undefined;
  if (!Array.isArray(containers)) return undefined;
  // A Knative Service's container may go unnamed: Knative names it user-container.
  const unnamed = isKnativeService(workload) ? KNATIVE_DEFAULT_CONTAINER : undefined;
  return containers.flatMap((c: unknown) => (isMapping(c) && typeof c['name'] === 'string' ? [c['name']] : isMapping(c) && unnamed !== undefined ? [unnamed] : []));
}
