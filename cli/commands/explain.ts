/**
 * `fledge explain FILE|DIR|-...`: validates the Flagger objects in YAML/JSON files (directories of them, or
 * standard input) and prints what each Canary's release will do. Exit 0 when every object is valid, 2 with every
 * field-path error on stderr when not, 1 when a file cannot be read.
 * @example npx fledge explain examples/podinfo/canary.yaml
 */
import { parseArgs } from 'node:util';
import { formatIssue, planCanary } from '../../shared/api/index.ts';
import type { CanaryPlan, FieldIssue, FlaggerObject, MetricTemplate } from '../../shared/api/index.ts';
import { classifyDocument, formatProblem, readManifests, type ClassifiedDocument, type ReadOptions } from '../../shared/manifests/index.ts';
import type { Command } from '../main.ts';
import { err, out } from '../output.ts';
import { renderPlan, renderSummary } from '../plan-render.ts';

const USAGE = `usage: fledge explain [--json] FILE|DIR|-...

Validates the Canary, MetricTemplate and AlertProvider objects (flagger.app/v1beta1) in YAML or JSON
files, in the *.yaml / *.yml / *.json files of a directory and its subdirectories, or on standard
input (-), and prints what each release will do:
strategy, traffic steps or iterations, hooks in firing order, metric checks, minimum durations.
Other kinds in the files are context and are not validated.

  --json   print the result as JSON on stdout

Exit status: 0 all valid, 2 invalid objects (every error on stderr, prefixed "Kind name: ") or bad usage,
1 unreadable files.
`;

/** One explained object, as printed with --json. */
export interface ExplainedObject {
  readonly file: string;
  readonly document: number;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  readonly valid: boolean;
  readonly errors: FieldIssue[];
  readonly warnings: FieldIssue[];
  readonly plan?: CanaryPlan;
  readonly object?: FlaggerObject;
}

function explainDocument(doc: ClassifiedDocument, templates: Map<string, MetricTemplate>): ExplainedObject | undefined {
  const result = doc.flagger;
  if (!result) return undefined;
  const base = {
    file: doc.source,
    document: doc.index,
    kind: doc.kind ?? 'object',
    name: doc.name ?? `(unnamed, document ${doc.index + 1})`,
    ...(doc.namespace === undefined ? {} : { namespace: doc.namespace }),
  };
  if (!result.ok) return { ...base, valid: false, errors: result.errors, warnings: result.warnings };
  const object = result.value;
  if (object.kind !== 'Canary') return { ...base, valid: true, errors: [], warnings: result.warnings, object };
  const options = 'options' in result ? (result.options as CanaryPlan['options']) : undefined;
  const plan = planCanary(object, options, result.warnings);
  for (const metric of plan.metrics) {
    const ref = metric.templateRef;
    if (ref && templates.size > 0 && !templates.has(`${ref.namespace}/${ref.name}`)) {
      plan.warnings.push({ path: `spec.analysis.metrics (${metric.name})`, message: `MetricTemplate ${ref.namespace}/${ref.name} is not among the given files` });
    }
  }
  return { ...base, valid: true, errors: [], warnings: plan.warnings, plan, object };
}

/** Reads and explains every input; returns the objects and the inputs that could not be read. */
export async function explainFiles(inputs: string[], options: ReadOptions = {}): Promise<{ objects: ExplainedObject[]; fileErrors: string[]; unreadable: boolean }> {
  const read = await readManifests(inputs, options);
  const documents = read.documents.map(classifyDocument);
  const templates = new Map<string, MetricTemplate>();
  for (const doc of documents) {
    if (doc.flagger?.ok && doc.flagger.value.kind === 'MetricTemplate') {
      const t = doc.flagger.value;
      templates.set(`${t.metadata.namespace ?? 'default'}/${t.metadata.name ?? ''}`, t);
    }
  }
  const objects = documents.map((doc) => explainDocument(doc, templates)).filter((o): o is ExplainedObject => o !== undefined);
  return { objects, fileErrors: read.problems.map(formatProblem), unreadable: read.problems.some((p) => p.reason === 'unreadable') };
}

/** The `explain` command. */
export const command: Command = {
  summary: 'validate Flagger manifests and print what each release will do',
  usage: USAGE,
  async run(argv) {
    let parsed: { values: { json?: boolean; help?: boolean }; positionals: string[] };
    try {
      parsed = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
    } catch (error) {
      err(`fledge explain: ${(error as Error).message}\n\n${USAGE}`);
      return 2;
    }
    if (parsed.values.help) {
      out(USAGE);
      return 0;
    }
    if (parsed.positionals.length === 0) {
      err(`fledge explain: no file given\n\n${USAGE}`);
      return 2;
    }
    const { objects, fileErrors, unreadable } = await explainFiles(parsed.positionals);
    for (const error of fileErrors) err(`fledge explain: ${error}\n`);
    const several = new Set(objects.map((o) => o.file)).size > 1;
    for (const object of objects.filter((o) => !o.valid)) {
      const prefix = `${several ? `${object.file}: ` : ''}${object.kind} ${object.name}: `;
      for (const issue of object.errors) err(`${prefix}${formatIssue(issue)}\n`);
    }
    if (objects.length === 0 && fileErrors.length === 0) {
      err(`fledge explain: no Canary, MetricTemplate or AlertProvider in ${parsed.positionals.join(' ')}\n`);
    }
    if (parsed.values.json) {
      out(`${JSON.stringify({ valid: objects.every((o) => o.valid) && fileErrors.length === 0, objects }, null, 2)}\n`);
    } else {
      const text = objects.filter((o) => o.valid).map((o) => (o.plan ? renderPlan(o.plan) : renderSummary(o.object)));
      if (text.length > 0) out(`${text.join('\n')}`);
    }
    if (unreadable) return 1;
    return objects.length > 0 && objects.every((o) => o.valid) && fileErrors.length === 0 ? 0 : 2;
  },
};
