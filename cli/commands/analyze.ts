/**
 * `fledge analyze FILE... [--json] [--kubeconfig FILE]`: runs a Canary's metric checks now, against the real
 * providers, and prints each metric's rendered query, value, threshold and verdict, so a query can be tried
 * before a release depends on it. The Canary, its MetricTemplates and their Secrets come from the FILEs; what
 * the FILEs lack is read from the kubeconfig's cluster.
 * @example npx fledge analyze examples/podinfo/canary.yaml examples/podinfo/metric-templates.yaml --json
 */
import { parseArgs } from 'node:util';
import { formatIssue } from '../../shared/api/index.ts';
import { classifyDocument, formatProblem, readManifests } from '../../shared/manifests/index.ts';
import type { Canary } from '../../shared/api/types.ts';
import { createKubeClient } from '../../shared/kube/index.ts';
import type { KubeClient, KubeObject } from '../../shared/kube/types.ts';
import { RealMetricChecker } from '../../shared/metrics/checker.ts';
import { analyzeCanary, type AnalysisReport, type AnalyzedMetric } from '../analyze/report.ts';
import { objectsKube } from '../analyze/objects-kube.ts';
import type { Command } from '../main.ts';
import { err, out } from '../output.ts';

const USAGE = `usage: fledge analyze [--json] [--kubeconfig FILE] [--canary NAMESPACE/NAME] [--metrics-server URL] FILE...

Runs every metric check of a Canary (flagger.app/v1beta1) now: builtin request-success-rate and
request-duration, MetricTemplate references and inline queries are resolved, rendered and queried on their
providers, and each metric's value, threshold and verdict is printed.

The Canary, MetricTemplates and Secrets are read from the FILEs (YAML or JSON); anything the FILEs lack is
read from the cluster of --kubeconfig. Without FILEs, --canary names the Canary to read from that cluster.

  --json                 print one JSON document: {"canary":"ns/name","metrics":[...]}
  --kubeconfig FILE      read missing objects (and --canary) from this cluster
  --canary NS/NAME       the Canary to analyze (required when the FILEs hold several, or none)
  --metrics-server URL   Prometheus for builtin and inline metrics of a Canary without spec.metricsServer
                         (default http://prometheus:9090, Flagger's)

Exit status: 0 every metric passes, 1 one does not (fail, no data or error), 2 invalid input.
`;

class InputError extends Error {}

interface Options {
  readonly json: boolean;
  readonly kubeconfig?: string;
  readonly canary?: string;
  readonly metricsServer?: string;
  readonly files: readonly string[];
}

/** The objects of the FILEs, read with the manifest reader every command uses. */
async function readInputObjects(files: readonly string[]): Promise<{ objects: KubeObject[]; canaries: Canary[] }> {
  const objects: KubeObject[] = [];
  const canaries: Canary[] = [];
  const read = await readManifests(files);
  const problems = read.problems.map(formatProblem);
  for (const doc of read.documents.map(classifyDocument)) {
    const label = `${doc.source}: ${doc.kind ?? 'object'} ${doc.name ?? `(document ${doc.index + 1})`}`;
    if (doc.flagger !== undefined && !doc.flagger.ok) {
      problems.push(...doc.flagger.errors.map((issue) => `${label}: ${formatIssue(issue)}`));
      continue;
    }
    const raw = doc.value as KubeObject;
    if (typeof raw?.apiVersion !== 'string' || typeof raw.kind !== 'string' || typeof raw.metadata?.name !== 'string') continue;
    objects.push(raw);
    if (doc.flagger?.ok && doc.flagger.value.kind === 'Canary') canaries.push(doc.flagger.value);
  }
  if (problems.length > 0) throw new InputError(problems.join('\n'));
  return { objects, canaries };
}

function parseOptions(argv: string[]): Options | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        json: { type: 'boolean' },
        kubeconfig: { type: 'string' },
        canary: { type: 'string' },
        'metrics-server': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new InputError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  if (positionals.length === 0 && values.canary === undefined) throw new InputError('give at least one FILE, or --canary NS/NAME with --kubeconfig');
  if (values.canary !== undefined && !/^[^/]+\/[^/]+$/u.test(values.canary)) throw new InputError(`--canary must be NAMESPACE/NAME, got ${JSON.stringify(values.canary)}`);
  return {
    json: values.json === true,
    files: positionals,
    ...(values.kubeconfig === undefined ? {} : { kubeconfig: values.kubeconfig }),
    ...(values.canary === undefined ? {} : { canary: values.canary }),
    ...(values['metrics-server'] === undefined ? {} : { metricsServer: values['metrics-server'] }),
  };
}

/** Objects without a namespace are where `kubectl apply` would put them with the Canary: its namespace. */
function placed(objects: readonly KubeObject[], namespace: string): KubeObject[] {
  return objects.map((object) => (object.metadata.namespace === undefined ? { ...object, metadata: { ...object.metadata, namespace } } : object));
}

async function pickCanary(options: Options, canaries: readonly Canary[], cluster: KubeClient | undefined): Promise<Canary> {
  if (options.canary !== undefined) {
    const [namespace, name] = options.canary.split('/') as [string, string];
    const local = canaries.find((c) => c.metadata.name === name && (c.metadata.namespace ?? 'default') === namespace);
    if (local !== undefined) return local;
    if (cluster === undefined) throw new InputError(`Canary ${options.canary} is not in the FILEs (give --kubeconfig to read it from a cluster)`);
    const found = await cluster.get<Canary & KubeObject>({ apiVersion: 'flagger.app/v1beta1', kind: 'Canary', name, namespace });
    if (found === undefined) throw new InputError(`Canary ${options.canary} not found in the cluster`);
    return found;
  }
  if (canaries.length === 1) return canaries[0] as Canary;
  if (canaries.length === 0) throw new InputError('no Canary (flagger.app/v1beta1) in the FILEs; give one, or --canary NS/NAME with --kubeconfig');
  const names = canaries.map((c) => `${c.metadata.namespace ?? 'default'}/${c.metadata.name}`).join(', ');
  throw new InputError(`the FILEs hold ${canaries.length} Canaries (${names}); choose one with --canary NS/NAME`);
}

function formatValue(metric: AnalyzedMetric): string {
  switch (metric.result.kind) {
    case 'value':
      return String(Math.round(metric.result.value * 1000) / 1000);
    case 'noData':
      return `no data (${metric.result.reason})`;
    case 'multipleValues':
      return metric.result.reason;
    case 'error':
      return `error: ${metric.result.error}`;
    default:
      return 'unknown';
  }
}

function formatText(report: AnalysisReport): string {
  const lines = [`Canary ${report.canary}`];
  if (report.metrics.length === 0) lines.push('  no metrics in spec.analysis.metrics');
  for (const metric of report.metrics) {
    const range = [metric.thresholdRange.min === undefined ? '' : `min ${metric.thresholdRange.min}`, metric.thresholdRange.max === undefined ? '' : `max ${metric.thresholdRange.max}`]
      .filter((part) => part !== '')
      .join(', ');
    lines.push(`  ${metric.verdict.toUpperCase().padEnd(6)} ${metric.name} (${metric.provider ?? 'no provider'}): ${formatValue(metric)}; accepted ${range || 'any value'}`);
    if (metric.query !== undefined) lines.push(`         query: ${metric.query}`);
  }
  return `${lines.join('\n')}\n`;
}

export const command: Command = {
  summary: 'run a Canary\'s metric checks now and print each value, threshold and verdict',
  usage: USAGE,
  async run(argv: string[]): Promise<number> {
    try {
      const options = parseOptions(argv);
      if (options === 'help') {
        out(USAGE);
        return 0;
      }
      const { objects, canaries } = await readInputObjects(options.files);
      const cluster = options.kubeconfig === undefined ? undefined : createKubeClient({ kubeconfigPath: options.kubeconfig });
      const canary = await pickCanary(options, canaries, cluster);
      const kube = objectsKube(placed(objects, canary.metadata.namespace ?? 'default'), cluster);
      const checker = new RealMetricChecker({ kube, ...(options.metricsServer === undefined ? {} : { metricsServer: options.metricsServer }) });
      const report = await analyzeCanary(canary, checker);
      out(options.json ? `${JSON.stringify(report)}\n` : formatText(report));
      return report.metrics.every((metric) => metric.verdict === 'pass') ? 0 : 1;
    } catch (error) {
      if (error instanceof InputError) {
        err(`fledge analyze: ${error.message}\n\n${USAGE}`);
        return 2;
      }
      err(`fledge analyze: ${error instanceof Error ? error.message : String(error)}\n`);
      return 2;
    }
  },
};
