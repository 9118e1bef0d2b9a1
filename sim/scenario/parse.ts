/**
 * Parses a scenario FILE (multi-document YAML, see `SCENARIOS.md`) into a {@link ScenarioFile}, or into every
 * problem found. Each problem names its document (`Canary podinfo`, or `document 3 (line 14)` when the
 * document has no kind and name) and the field path inside it.
 */
import { parseAllDocuments } from 'yaml';
import type { AlertProvider, Canary, MetricTemplate } from '../../shared/api/index.ts';
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
