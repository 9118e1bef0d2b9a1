/**
 * Parses a scenario FILE (multi-document YAML, see `SCENARIOS.md`) into a {@link ScenarioFile}, or into every
 * problem found. Each problem names its document (`Canary podinfo`, or `document 3 (line 14)` when the
 * document has no kind and name) and the field path inside it.
 */
import { parseAllDocuments } from 'yaml';
import type { AlertProvider, Canary, MetricTemplate } from '../../shared/api/index.ts';
import { BUILTIN_METRICS } from '../../shared/api/index.ts';
import { SUPPORTED_PROVIDERS, parseProvider } from '../../shared/routers/factory.ts';
import { validateFlaggerDocument } from './flagger.ts';
import { describe, isMapping, join, type IssueSink, type Mapping } from './fields.ts';
import { readScenarioSpec, type RawObjectKey, type RawTimelineEntry } from './scenario-spec.ts';
import {
  SCENARIO_API_VERSION,
  type ObjectKey,
  type ParseResult,
  type ScenarioIssue,
  type ScenarioObject,
  type TimelineAction,
  type TimelineEntry,
  type WorldSpec,
} from './types.ts';

/** The namespace of FILE objects that do not name one. */
export const DEFAULT_NAMESPACE = 'default';

/** Kinds that live outside namespaces, so they get no default namespace. */
const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([
  'APIService',
  'ClusterIssuer',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'GatewayClass',
  'IngressClass',
  'MutatingWebhookConfiguration',
  'Namespace',
  'Node',
  'PersistentVolume',
  'PriorityClass',
  'RuntimeClass',
  'StorageClass',
  'ValidatingWebhookConfiguration',
]);

/** Workload kinds a `setImage` entry can target. */
const IMAGE_TARGET_KINDS = ['Deployment', 'DaemonSet'];

/** One document after the first pass. */
interface Doc {
  readonly label: string;
  readonly body: Mapping;
}

/** One file of a scenario: its text and how messages name it. */
export interface ScenarioSource {
  readonly text: string;
  readonly source: string;
}

/** Parses and validates the text of a scenario FILE; `source` names it in file-level messages. */
export function parseScenario(text: string, source: string): ParseResult {
  return parseScenarioSources([{ text, source }]);
}

/**
 * Parses several files as one scenario, their documents taken in order (e.g. a project's own manifests plus a
 * file holding the Scenario). With more than one file, positional names carry the file's name.
 */
export function parseScenarioSources(sources: readonly ScenarioSource[]): ParseResult {
  const source = sources.map((s) => s.source).join(' ');
  const issues: ScenarioIssue[] = [];
  const warnings: ScenarioIssue[] = [];
  const sinkFor = (document: string): IssueSink => ({
    add: (path, message) => issues.push({ document, path, message }),
  });
  const warn = (document: string, path: string, message: string): void => {
    warnings.push({ document, path, message });
  };

  const objects: ScenarioObject[] = [];
  const canaries: { doc: Doc; canary: Canary }[] = [];
  const metricTemplates: MetricTemplate[] = [];
  const alertProviders: AlertProvider[] = [];
  const scenarios: Doc[] = [];
  let canaryDocuments = 0;
  const seen = new Map<string, string>();

  const documents = sources.flatMap(({ text, source: name }) =>
    parseAllDocuments(text, { merge: true, prettyErrors: true }).map((yamlDoc, i) => ({
      yamlDoc,
      positional: `${sources.length > 1 ? `${name}: ` : ''}document ${i + 1} (line ${lineOf(text, yamlDoc.range[0])})`,
    })),
  );
  for (const { yamlDoc, positional } of documents) {
    if (yamlDoc.errors.length > 0) {
      for (const error of yamlDoc.errors) sinkFor(positional).add('', firstLine(error.message));
      continue;
    }
    let value: unknown;
    try {
      value = yamlDoc.toJS({ maxAliasCount: 1000 });
    } catch (error) {
      sinkFor(positional).add('', firstLine(error instanceof Error ? error.message : String(error)));
      continue;
    }
    if (value === null || value === undefined) continue; // an empty document, e.g. a trailing `---`
    const doc = readDocument(value, positional, sinkFor);
    if (doc === undefined) continue;
    const sink = sinkFor(doc.label);
    const { body } = doc;

    if (body['kind'] === 'Scenario') {
      if (body['apiVersion'] !== SCENARIO_API_VERSION) {
        sink.add('apiVersion', `expected ${SCENARIO_API_VERSION}, got ${describe(body['apiVersion'])}`);
      }
      scenarios.push(doc);
      continue;
    }

    const object = withNamespace(body, DEFAULT_NAMESPACE);
    const key = keyString(keyOf(object));
    const first = seen.get(key);
    if (first !== undefined) {
      sink.add('metadata.name', `defined twice in FILE (first in ${first})`);
      continue;
    }
    seen.set(key, positional);

    if (isFlaggerGroup(object.apiVersion)) {
      if (object.kind === 'Canary') canaryDocuments++;
      const result = validateFlaggerDocument(object);
      for (const issue of result.issues) sink.add(issue.path, issue.message);
      for (const warning of result.warnings) warn(doc.label, warning.path, warning.message);
      if (result.object === undefined) continue;
      if (result.object.kind === 'Canary') canaries.push({ doc, canary: result.object });
      if (result.object.kind === 'MetricTemplate') metricTemplates.push(result.object);
      if (result.object.kind === 'AlertProvider') alertProviders.push(result.object);
    }
    objects.push(object);
  }

  const fileSink = sinkFor(source);
  if (scenarios.length === 0) {
    fileSink.add('', `expected exactly one Scenario (apiVersion ${SCENARIO_API_VERSION}), found none`);
  }
  for (const extra of scenarios.slice(1)) {
    sinkFor(extra.label).add('', `FILE holds exactly one Scenario; ${scenarios[0]?.label ?? ''} came first`);
  }
  if (canaryDocuments === 0) fileSink.add('', 'expected exactly one Canary (apiVersion flagger.app/v1beta1), found none');
  for (const extra of canaries.slice(1)) {
    sinkFor(extra.doc.label).add('', `a scenario plays exactly one Canary; ${canaries[0]?.doc.label ?? ''} came first`);
  }

  const scenarioDoc = scenarios[0];
  const played = canaries[0];
  if (scenarioDoc === undefined) return { ok: false, issues, warnings };
  const scenarioSink = sinkFor(scenarioDoc.label);
  const raw = readScenarioSpec(scenarioDoc.body['spec'], scenarioSink);
  if (played === undefined) return { ok: false, issues, warnings };

  const canaryNamespace = played.canary.metadata.namespace ?? DEFAULT_NAMESPACE;
  const timeline = resolveTimeline(raw.timeline, objects, played.canary, scenarioSink, (path, message) =>
    warn(scenarioDoc.label, path, message),
  );
  checkMetricsAnswered(played.doc.label, played.canary, raw.world, sinkFor);
  checkProviderSupported(played.canary, sinkFor(played.doc.label));
  for (const entry of timeline) {
    if (entry.action.type === 'apply' && entry.action.object.kind === 'Canary') {
      const path = join(join('spec.timeline', entry.index), 'apply');
      checkMetricsAnswered(scenarioDoc.label, entry.action.object as unknown as Canary, raw.world, sinkFor, path);
    }
  }
  if (issues.length > 0) return { ok: false, issues, warnings };

  const ordered = [...objects.filter(isBootstrapKind), ...objects.filter((o) => !isBootstrapKind(o))];
  return {
    ok: true,
    warnings,
    file: {
      source,
      objects: ordered,
      canary: { ...played.canary, metadata: { ...played.canary.metadata, namespace: canaryNamespace } },
      metricTemplates,
      alertProviders,
      scenario: {
        name: String((scenarioDoc.body['metadata'] as Mapping)['name']),
        maxTicks: raw.maxTicks,
        minTicks: raw.minTicks,
        timeline,
        world: raw.world,
      },
    },
  };
}

/** Formats one issue as a line of stderr: `Canary podinfo: spec.analysis.stepWeight: expected a number, got "ten"`. */
export function formatIssue(issue: ScenarioIssue): string {
  return issue.path === '' ? `${issue.document}: ${issue.message}` : `${issue.document}: ${issue.path}: ${issue.message}`;
}

/** Checks the shape every document shares and names it; undefined when it is not an object at all. */
function readDocument(value: unknown, positional: string, sinkFor: (document: string) => IssueSink): Doc | undefined {
  if (!isMapping(value)) {
    sinkFor(positional).add('', `expected a Kubernetes object (a mapping with apiVersion, kind and metadata), got ${describe(value)}`);
    return undefined;
  }
  const kind = value['kind'];
  const metadata = value['metadata'];
  const name = isMapping(metadata) ? metadata['name'] : undefined;
  const label = typeof kind === 'string' && kind !== '' && typeof name === 'string' && name !== '' ? `${kind} ${name}` : positional;
  const sink = sinkFor(label);
  let ok = true;
  const requireString = (field: unknown, path: string): void => {
    if (typeof field === 'string' && field !== '') return;
    sink.add(path, field === undefined ? 'required' : `expected a non-empty string, got ${describe(field)}`);
    ok = false;
  };
  requireString(value['apiVersion'], 'apiVersion');
  requireString(kind, 'kind');
  if (!isMapping(metadata)) {
    sink.add('metadata', metadata === undefined ? 'required' : `expected a mapping, got ${describe(metadata)}`);
    return undefined;
  }
  requireString(name, 'metadata.name');
  if (metadata['namespace'] !== undefined) requireString(metadata['namespace'], 'metadata.namespace');
  return ok ? { label, body: value } : undefined;
}

/** The object with `metadata.namespace` set to `namespace` when its kind is namespaced and it names none. */
function withNamespace(body: Mapping, namespace: string): ScenarioObject {
  const object = body as ScenarioObject;
  if (CLUSTER_SCOPED_KINDS.has(object.kind) || object.metadata.namespace !== undefined) return object;
  return { ...object, metadata: { ...object.metadata, namespace } };
}

function keyOf(object: ScenarioObject): ObjectKey {
  const base = { apiVersion: object.apiVersion, kind: object.kind, name: object.metadata.name };
  return object.metadata.namespace === undefined ? base : { ...base, namespace: object.metadata.namespace };
}

/** Identity of an object regardless of its API version (apps/v1 and apps/v1beta1 name the same thing). */
function keyString(key: ObjectKey): string {
  const group = key.apiVersion.includes('/') ? key.apiVersion.slice(0, key.apiVersion.lastIndexOf('/')) : '';
  return `${group}|${key.kind}|${key.namespace ?? ''}|${key.name}`;
}

function isFlaggerGroup(apiVersion: string): boolean {
  return apiVersion.startsWith('flagger.app/');
}

function isBootstrapKind(object: ScenarioObject): boolean {
  return object.kind === 'Namespace' || object.kind === 'CustomResourceDefinition';
}

/**
 * Fills in namespaces (timeline references default to the Canary's namespace, the one the scenario is about),
 * validates applied objects like FILE documents, and checks `setImage` targets that FILE defines.
 */
function resolveTimeline(
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
        (o) => IMAGE_TARGET_KINDS.includes(o.kind) && o.metadata.name === action.target && o.metadata.namespace === ns,
      );
      const containers = workload === undefined ? undefined : containerNames(workload);
      let container = action.container;
      if (containers !== undefined) {
        if (container === undefined && containers.length === 1) container = containers[0];
        else if (container === undefined) {
          sink.add('container', `required: ${workload?.kind} ${action.target} has containers ${containers.join(', ')}`);
          return undefined;
        } else if (!containers.includes(container)) {
          sink.add('container', `expected one of the containers of ${workload?.kind} ${action.target} (${containers.join(', ')}), got ${JSON.stringify(container)}`);
          return undefined;
        }
      }
      if (container === undefined) {
        sink.add('container', `required: FILE defines no Deployment or DaemonSet ${action.target} in namespace ${ns} to take it from`);
        return undefined;
      }
      return { type: 'setImage', target: action.target, namespace: ns, container, image: action.image };
    }
    case 'apply': {
      const body = action.object;
      let ok = true;
      for (const field of ['apiVersion', 'kind'] as const) {
        if (typeof body[field] !== 'string' || body[field] === '') {
          sink.add(field, body[field] === undefined ? 'required' : `expected a non-empty string, got ${describe(body[field])}`);
          ok = false;
        }
      }
      const metadata = body['metadata'];
      if (!isMapping(metadata) || typeof metadata['name'] !== 'string' || metadata['name'] === '') {
        sink.add('metadata.name', 'required');
        ok = false;
      }
      if (!ok) return undefined;
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
  return containers.flatMap((c: unknown) => (isMapping(c) && typeof c['name'] === 'string' ? [c['name']] : []));
}

/**
 * "Any other metric must be listed under metrics, or FILE is invalid": every metric of the Canary is either
 * builtin (answered from the canary pods' image) or scripted in `spec.world.metrics`.
 */
function checkMetricsAnswered(
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

/** A Canary whose provider Fledge has no router for cannot be simulated (the controller would refuse it too). */
function checkProviderSupported(canary: Canary, sink: IssueSink): void {
  const provider = canary.spec.provider;
  try {
    const { name } = parseProvider(provider);
    if (!(SUPPORTED_PROVIDERS as readonly string[]).includes(name)) {
      sink.add('spec.provider', `"${provider}" is a Flagger provider Fledge does not support yet; supported: ${SUPPORTED_PROVIDERS.join(', ')}`);
    }
  } catch (error) {
    sink.add('spec.provider', error instanceof Error ? error.message.replace(/^spec\.provider: /, '') : String(error));
  }
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  // The range starts at the `---` marker line or at the first content; skip leading blank/marker lines.
  const rest = text.slice(offset);
  const lead = /^(?:\s*(?:---[^\n]*)?\n)*/.exec(rest)?.[0] ?? '';
  return line + (lead.match(/\n/g)?.length ?? 0);
}

function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/:$/, '');
}
