/**
 * Parses a scenario FILE (multi-document YAML, see `SCENARIOS.md`) into a {@link ScenarioFile}, or into every
 * problem found. Each problem names its document (`Canary podinfo`, or `document 3 (line 14)` when the
 * document has no kind and name) and the field path inside it.
 */
import type { AlertProvider, Canary, MetricTemplate } from '../../shared/api/index.ts';
import { parseManifestTexts, type ManifestRead, type ManifestText } from '../../shared/manifests/index.ts';
import { checkMetricsAnswered } from './checks.ts';
import { validateFlaggerDocument } from './flagger.ts';
import { broken } from '../../shared/api/messages.ts';
import { isMapping, join, readMapping, readOptionalString, readString, type IssueSink, type Mapping } from './fields.ts';
import { DEFAULT_NAMESPACE, isFlaggerGroup, withNamespace } from './objects.ts';
import { resolveTimeline } from './resolve.ts';
import { readScenarioSpec } from './scenario-spec.ts';
import { SCENARIO_API_VERSION, type ObjectKey, type ParseResult, type ScenarioIssue, type ScenarioObject } from './types.ts';

export { DEFAULT_NAMESPACE } from './objects.ts';
export { formatIssue } from './errors.ts';

/** One document after the first pass. */
interface Doc {
  readonly label: string;
  readonly body: Mapping;
}

/** One file of a scenario: its text and how messages name it. */
export type ScenarioSource = ManifestText;

/** Parses and validates the text of a scenario FILE; `source` names it in file-level messages. */
export function parseScenario(text: string, source: string): ParseResult {
  return parseScenarioSources([{ text, source }]);
}

/** Parses several texts as one scenario, as {@link parseScenarioDocuments} does files read by the manifest reader. */
export function parseScenarioSources(sources: readonly ScenarioSource[]): ParseResult {
  return parseScenarioDocuments(parseManifestTexts(sources), sources.map((s) => s.source));
}

/**
 * Parses the documents of several files (`shared/manifests`' {@link ManifestRead}) as one scenario, taken in
 * order (e.g. a project's own manifests plus a file holding the Scenario). `sources` names the files as the
 * user gave them; with more than one, positional names carry the file's name.
 */
export function parseScenarioDocuments(read: ManifestRead, sources: readonly string[]): ParseResult {
  const source = sources.join(' ');
  const several = new Set([...read.documents.map((d) => d.source), ...read.problems.map((p) => p.source)]).size > 1 || sources.length > 1;
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

  const positional = (name: string, index: number, line: number | undefined): string =>
    `${several ? `${name}: ` : ''}document ${index + 1}${line === undefined ? '' : ` (line ${line})`}`;
  for (const problem of read.problems) {
    const { document, line } = problem;
    const label = document === undefined ? problem.source : positional(problem.source, document.index, document.line);
    sinkFor(label).add('', line === undefined || line === document?.line ? problem.message : `line ${line}: ${problem.message}`);
  }
  for (const manifest of read.documents) {
    const value = manifest.value;
    const positionalName = positional(manifest.source, manifest.index, manifest.line);
    const doc = readDocument(value, positionalName, sinkFor);
    if (doc === undefined) continue;
    const sink = sinkFor(doc.label);
    const { body } = doc;

    if (body['kind'] === 'Scenario') {
      if (body['apiVersion'] !== SCENARIO_API_VERSION) {
        sink.add('apiVersion', broken(`must be ${SCENARIO_API_VERSION}`, body['apiVersion']));
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
    seen.set(key, positionalName);

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
  // A provider without a router is refused by the Canary's own validation (PROVIDER_CAPABILITIES), as `explain` does.
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

/** Checks the shape every document shares and names it; undefined when it is not an object at all. */
function readDocument(value: unknown, positional: string, sinkFor: (document: string) => IssueSink): Doc | undefined {
  if (!isMapping(value)) {
    sinkFor(positional).add('', broken('must be a Kubernetes object (a mapping with apiVersion, kind and metadata)', value));
    return undefined;
  }
  const kind = value['kind'];
  const metadata = value['metadata'];
  const name = isMapping(metadata) ? metadata['name'] : undefined;
  const label = typeof kind === 'string' && kind !== '' && typeof name === 'string' && name !== '' ? `${kind} ${name}` : positional;
  const sink = sinkFor(label);
  const read = [readString(value['apiVersion'], 'apiVersion', sink), readString(kind, 'kind', sink)];
  const meta = readMapping(metadata, 'metadata', sink);
  if (meta === undefined) return undefined;
  read.push(readString(name, 'metadata.name', sink));
  const namespaceOk = meta['namespace'] === undefined || readOptionalString(meta['namespace'], 'metadata.namespace', sink) !== undefined;
  return namespaceOk && read.every((field) => field !== undefined) ? { label, body: value } : undefined;
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

function isBootstrapKind(object: ScenarioObject): boolean {
  return object.kind === 'Namespace' || object.kind === 'CustomResourceDefinition';
}
