/**
 * The Keptn provider, as Flagger's. The query is `<keptnmetric|analysis>/<namespace>/<name>/<timeframe>/<args>`
 * (case-insensitive, as Flagger lowercases it):
 * - `keptnmetric/<namespace>/<name>` reads `status.value` of that `metrics.keptn.sh/v1beta1` KeptnMetric.
 * - `analysis/<namespace>/<definition>/<timeframe>/<k=v;k2=v2>` creates an `Analysis` of that
 *   AnalysisDefinition over the recent `timeframe` (default `1m`), polls it until Keptn marks it `Completed`
 *   (every second, for at most 10 s, Flagger's figures), answers 1 when `status.pass` is true and 0 otherwise,
 *   and deletes the Analysis in every case.
 */
import { randomUUID } from 'node:crypto';
import { ProviderConfigError } from './errors.ts';
import { finiteValue } from './http.ts';
import type { ProviderOptions } from './options.ts';
import type { KubeClient, KubeObject } from '../kube/types.ts';
import type { MetricProvider, MetricQueryResult, OnlineResult } from './types.ts';

const API_VERSION = 'metrics.keptn.sh/v1beta1';

/** How an Analysis is waited for; injectable so tests stay fast. */
export interface KeptnAnalysisTiming {
  /** Pause before each status read. @default 1000 (Flagger's) */
  readonly pollMs?: number;
  /** Give up after this long. @default 10000 (Flagger's) */
  readonly timeoutMs?: number;
  /** The suffix of the Analysis name (`<definition>-<suffix>`). @default the first 6 characters of a random UUID, as Flagger */
  readonly suffix?: () => string;
}

/** Builds the provider on the cluster `kube`. */
export function createKeptnProvider(options: ProviderOptions & { readonly kube?: KubeClient; readonly analysis?: KeptnAnalysisTiming }): MetricProvider {
  const kube = options.kube;
  if (kube === undefined) throw new ProviderConfigError('could not initialize the keptn provider: no cluster client');
  const timing = { pollMs: 1000, timeoutMs: 10_000, suffix: () => randomUUID().slice(0, 6), ...options.analysis };
  return {
    type: 'keptn',
    async query(rendered: string): Promise<MetricQueryResult> {
      const parts = rendered.trim().toLowerCase().split('/');
      if (parts.length < 3) return { kind: 'error', error: 'unexpected query format. query must be in the format <keptnmetric|analysis>/<namespace>/<resourceName>/<duration>/<arguments>' };
      const [kind, namespace = '', name = ''] = parts;
      if (kind === 'analysis' || kind === 'analyses') return runAnalysis(kube, timing, namespace, name, parts[3] ?? '1m', parseArgs(parts[4]));
      if (kind !== 'keptnmetric' && kind !== 'keptnmetrics') return { kind: 'error', error: "unexpected resource kind provided in the query. must be one of: ['keptnmetric', 'analysis']" };
      return readMetric(kube, namespace, name);
    },
    async isOnline(): Promise<OnlineResult> {
      return { online: true };
    },
  };
}

async function readMetric(kube: KubeClient, namespace: string, name: string): Promise<MetricQueryResult> {
  let metric;
  try {
    metric = await kube.get({ apiVersion: API_VERSION, kind: 'KeptnMetric', name, namespace });
  } catch (error) {
    return { kind: 'error', error: `could not retrieve KeptnMetric ${namespace}/${name}: ${(error as Error).message}` };
  }
  if (metric === undefined) return { kind: 'error', error: `could not retrieve KeptnMetric ${namespace}/${name}: not found` };
  const value = (metric.status as { value?: unknown } | undefined)?.value;
  if (typeof value !== 'string' || value === '') return { kind: 'noData', reason: `no value found in KeptnMetric ${namespace}/${name}` };
  const number = Number(value);
  if (Number.isNaN(number) && value !== 'NaN') return { kind: 'error', error: `could not parse value of KeptnMetric ${namespace}/${name} to float: ${value}` };
  return finiteValue(number, 'the value');
}

/** `k=v;k2=v2` as Flagger reads it: pairs without exactly one `=` are skipped. */
function parseArgs(text: string | undefined): Record<string, string> {
  const args: Record<string, string> = {};
  for (const pair of text === undefined ? [] : text.split(';')) {
    const keyValue = pair.split('=');
    if (keyValue.length === 2) args[keyValue[0] as string] = keyValue[1] as string;
  }
  return args;
}

async function runAnalysis(kube: KubeClient, timing: Required<KeptnAnalysisTiming>, namespace: string, definition: string, timeframe: string, args: Record<string, string>): Promise<MetricQueryResult> {
  const what = `Keptn Analysis ${namespace}/${definition}`;
  const analysis: KubeObject = {
    apiVersion: API_VERSION,
    kind: 'Analysis',
    metadata: { name: `${definition}-${timing.suffix()}`, namespace },
    spec: { analysisDefinition: { name: definition }, timeframe: { recent: timeframe }, args },
  };
  // Counted from before the create, as Flagger's context covers the create too.
  const deadline = Date.now() + timing.timeoutMs;
  let created: KubeObject;
  try {
    created = await kube.create(analysis);
  } catch (error) {
    return { kind: 'error', error: `could not create ${what}: ${(error as Error).message}` };
  }
  const ref = { apiVersion: API_VERSION, kind: 'Analysis', name: created.metadata.name, namespace };
  try {
    // Bounded: every pass waits pollMs, and the loop ends once the deadline has passed.
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, timing.pollMs));
      if (Date.now() >= deadline) return { kind: 'error', error: `encountered timeout while waiting for ${what} to be finished` };
      let current;
      try {
        current = await kube.get(ref);
      } catch (error) {
        return { kind: 'error', error: `could not check status of created ${what}: ${(error as Error).message}` };
      }
      if (current === undefined) return { kind: 'error', error: `could not check status of created ${what}: ${ref.name} not found` };
      const status = current.status as { state?: unknown; pass?: unknown } | undefined;
      if (status?.state === 'Completed' && typeof status.pass === 'boolean') return { kind: 'value', value: status.pass ? 1 : 0 };
    }
  } finally {
    // Flagger only logs a failed delete; the answer stands either way.
    await kube.delete(ref).catch(() => false);
  }
}
