/**
 * `fledge explain FILE...`: validates the Flagger objects in YAML/JSON files (or directories of them) and
 * prints what each Canary's release will do. Exit 0 when every object is valid, 2 with every field-path
 * error on stderr when not.
 * @example npx fledge explain examples/podinfo/canary.yaml
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { formatIssue, planCanary, readManifests } from '../../shared/api/index.ts';
import type { CanaryPlan, FieldIssue, FlaggerObject, ManifestDocument, MetricTemplate } from '../../shared/api/index.ts';
import type { Command } from '../main.ts';
import { renderPlan, renderSummary } from '../plan-render.ts';

const USAGE = `usage: fledge explain [--json] FILE|DIR...

Validates the Canary, MetricTemplate and AlertProvider objects (flagger.app/v1beta1) in YAML or JSON
files, or in the *.yaml / *.yml / *.json files of a directory, and prints what each release will do:
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

function expandInputs(inputs: string[]): string[] {
  return inputs.flatMap((input) => {
    if (!statSync(input).isDirectory()) return [input];
    return readdirSync(input)
      .filter((name) => /\.(ya?ml|json)$/.test(name))
      .sort()
      .map((name) => join(input, name));
  });
}

function explainDocument(file: string, doc: ManifestDocument, templates: Map<string, MetricTemplate>): ExplainedObject | undefined {
  const result = doc.flagger;
  if (!result) return undefined;
  const base = {
    file,
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

/** Reads and explains every input; returns the objects and file-level errors. */
export function explainFiles(inputs: string[]): { objects: ExplainedObject[]; fileErrors: string[] } {
  const fileErrors: string[] = [];
  const parsed: { file: string; documents: ManifestDocument[] }[] = [];
  let files: string[];
  try {
    files = expandInputs(inputs);
  } catch (error) {
    return { objects: [], fileErrors: [`cannot read ${(error as NodeJS.ErrnoException).path ?? inputs.join(' ')}: ${(error as Error).message}`] };
  }
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      fileErrors.push(`cannot read ${file}: ${(error as Error).message}`);
      continue;
    }
    const { documents, syntaxErrors } = readManifests(text);
    for (const issue of syntaxErrors) fileErrors.push(`${file}: ${formatIssue(issue)}`);
    parsed.push({ file, documents });
  }
  const templates = new Map<string, MetricTemplate>();
  for (const { documents } of parsed) {
    for (const doc of documents) {
      if (doc.flagger?.ok && doc.flagger.value.kind === 'MetricTemplate') {
        const t = doc.flagger.value;
        templates.set(`${t.metadata.namespace ?? 'default'}/${t.metadata.name ?? ''}`, t);
      }
    }
  }
  const objects = parsed.flatMap(({ file, documents }) =>
    documents.map((doc) => explainDocument(file, doc, templates)).filter((o): o is ExplainedObject => o !== undefined),
  );
  return { objects, fileErrors };
}

/** The `explain` command. */
export const command: Command = {
  summary: 'validate Flagger manifests and print what each release will do',
  async run(argv) {
    let parsed: { values: { json?: boolean; help?: boolean }; positionals: string[] };
    try {
      parsed = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
    } catch (error) {
      process.stderr.write(`fledge explain: ${(error as Error).message}\n\n${USAGE}`);
      return 2;
    }
    if (parsed.values.help) {
      process.stdout.write(USAGE);
      return 0;
    }
    if (parsed.positionals.length === 0) {
      process.stderr.write(`fledge explain: no file given\n\n${USAGE}`);
      return 2;
    }
    const { objects, fileErrors } = explainFiles(parsed.positionals);
    const unreadable = fileErrors.some((e) => e.startsWith('cannot read'));
    for (const error of fileErrors) process.stderr.write(`fledge explain: ${error}\n`);
    const several = new Set(objects.map((o) => o.file)).size > 1;
    for (const object of objects.filter((o) => !o.valid)) {
      const prefix = `${several ? `${object.file}: ` : ''}${object.kind} ${object.name}: `;
      for (const issue of object.errors) process.stderr.write(`${prefix}${formatIssue(issue)}\n`);
    }
    if (objects.length === 0 && fileErrors.length === 0) {
      process.stderr.write(`fledge explain: no Canary, MetricTemplate or AlertProvider in ${parsed.positionals.join(' ')}\n`);
    }
    if (parsed.values.json) {
      process.stdout.write(`${JSON.stringify({ valid: objects.every((o) => o.valid) && fileErrors.length === 0, objects }, null, 2)}\n`);
    } else {
      const text = objects.filter((o) => o.valid).map((o) => (o.plan ? renderPlan(o.plan) : renderSummary(o.object)));
      if (text.length > 0) process.stdout.write(`${text.join('\n')}`);
    }
    if (unreadable) return 1;
    return objects.length > 0 && objects.every((o) => o.valid) && fileErrors.length === 0 ? 0 : 2;
  },
};
