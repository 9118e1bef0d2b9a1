/**
 * The keptn provider's Analysis queries against the emulator over HTTP, with Keptn's CRDs served and a small
 * test-side "Keptn controller" that completes the Analyses it finds: the exact object Fledge creates, 1 for a
 * pass and 0 for a fail, the timeout, and that the Analysis is gone afterwards in every case.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { KubeConflictError } from '../../shared/kube/errors.ts';
import type { KubeObject } from '../../shared/kube/types.ts';
import { createKeptnProvider, type KeptnAnalysisTiming } from '../../shared/metrics/keptn.ts';
import { keptnCrds } from '../../sim/crds/index.ts';
import { kubeForFile } from '../kube/harness.ts';

const cluster = kubeForFile();

beforeAll(async () => {
  for (const crd of keptnCrds()) {
    await cluster.kube.create(crd).catch((error: unknown) => {
      if (!(error instanceof KubeConflictError)) throw error;
    });
  }
});

function provider(timing: KeptnAnalysisTiming = {}) {
  return createKeptnProvider({ spec: { type: 'keptn' }, interval: '1m', now: () => new Date(), kube: cluster.kube, analysis: { pollMs: 5, timeoutMs: 2000, suffix: () => 'abc123', ...timing } });
}

/**
 * Plays Keptn's metrics operator: waits (bounded) for an Analysis in `namespace`, keeps a copy of it as
 * created, and writes `status` on its status subresource.
 */
async function keptnController(namespace: string, status: Record<string, unknown>): Promise<KubeObject> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const [analysis] = await cluster.kube.list('metrics.keptn.sh/v1beta1', 'Analysis', { namespace });
    if (analysis !== undefined) {
      await cluster.kube.patch({ apiVersion: 'metrics.keptn.sh/v1beta1', kind: 'Analysis', name: analysis.metadata.name, namespace }, 'merge', { status }, { subresource: 'status' });
      return analysis;
    }
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  throw new Error(`no Analysis appeared in ${namespace}`);
}

async function analyses(namespace: string): Promise<KubeObject[]> {
  return cluster.kube.list('metrics.keptn.sh/v1beta1', 'Analysis', { namespace });
}

describe('keptn Analysis queries', () => {
  it('creates the Analysis Flagger creates and answers 1 when it passed', async () => {
    const [result, created] = await Promise.all([
      provider().query('analysis/test/My-Definition/5m/Workload=podinfo;bad;stage=prod\n'),
      keptnController('test', { state: 'Completed', pass: true }),
    ]);

    expect(result).toEqual({ kind: 'value', value: 1 });
    expect(created).toMatchObject({
      apiVersion: 'metrics.keptn.sh/v1beta1',
      kind: 'Analysis',
      metadata: { name: 'my-definition-abc123', namespace: 'test' },
      spec: { analysisDefinition: { name: 'my-definition' }, timeframe: { recent: '5m' }, args: { workload: 'podinfo', stage: 'prod' } },
    });
    expect(Object.keys(created.spec as object).sort()).toEqual(['analysisDefinition', 'args', 'timeframe']);
    expect(await analyses('test')).toEqual([]);
  });

  it('answers 0 when the Analysis failed, with Flagger\'s default timeframe and no args', async () => {
    const [result, created] = await Promise.all([provider().query('analysis/test/latency'), keptnController('test', { state: 'Completed', pass: false })]);

    expect(result).toEqual({ kind: 'value', value: 0 });
    expect(created.spec).toEqual({ analysisDefinition: { name: 'latency' }, timeframe: { recent: '1m' }, args: {} });
    expect(await analyses('test')).toEqual([]);
  });

  it('keeps polling while the Analysis is not completed', async () => {
    const query = provider().query('analysis/test/latency/1m');
    await keptnController('test', { state: 'Progressing' });
    await new Promise((resolve) => setTimeout(resolve, 30));
    await keptnController('test', { state: 'Completed', pass: true });
    expect(await query).toEqual({ kind: 'value', value: 1 });
    expect(await analyses('test')).toEqual([]);
  });

  it('gives up after the timeout with Flagger\'s error, and still deletes the Analysis', async () => {
    const started = Date.now();
    const result = await provider({ timeoutMs: 100 }).query('analysis/test/latency/1m');

    expect(result).toEqual({ kind: 'error', error: 'encountered timeout while waiting for Keptn Analysis test/latency to be finished' });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await analyses('test')).toEqual([]);
  });

  it('names a create that the server refuses', async () => {
    const result = await provider().query('analysis/absent-namespace/latency/1m');
    expect(result.kind).toBe('error');
    expect((result as { error: string }).error).toMatch(/^could not create Keptn Analysis absent-namespace\/latency: /u);
  });
});
