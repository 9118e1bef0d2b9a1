/**
 * The status subresource of custom resources as kube-apiserver's apiextensions strategy has it, driven through
 * `@kubernetes/client-node`: what bumps `metadata.generation`, what each endpoint ignores, and optimistic
 * concurrency on `/status` (the Canary status the controller mirrors lives there).
 */
import { ApiException, PatchStrategy } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKubeClient, mirrorCanaryStatus } from '../../../shared/kube/index.ts';
import { standardCrds } from '../../../sim/crds/index.ts';
import { failure, patchAs, startCluster } from './harness.ts';
import type { Cluster } from './harness.ts';

let cluster: Cluster;
beforeAll(async () => {
  cluster = await startCluster({ crds: standardCrds(), clock: { now: () => new Date('2026-01-01T00:00:00Z') } });
});
afterAll(async () => {
  await cluster.emulator.stop();
});

const CANARIES = { group: 'flagger.app', version: 'v1beta1', namespace: 'default', plural: 'canaries' } as const;

/** A Canary as client-node's CustomObjectsApi returns it. */
interface CanaryObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string; resourceVersion: string; generation: number; labels?: Record<string, string> };
  spec: { targetRef: { apiVersion: string; kind: string; name: string }; service: { port: number }; analysis: { interval: string; threshold: number; stepWeight: number } };
  status?: { phase?: string; canaryWeight?: number; conditions?: Array<{ type: string; status: string; reason?: string }> };
}

async function createCanary(name: string): Promise<CanaryObject> {
  const body = {
    apiVersion: 'flagger.app/v1beta1',
    kind: 'Canary',
    metadata: { name, namespace: 'default' },
    spec: { targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name }, service: { port: 9898 }, analysis: { interval: '1m', threshold: 5, stepWeight: 10 } },
  };
  return (await cluster.custom.createNamespacedCustomObject({ ...CANARIES, body })) as CanaryObject;
}

async function readCanary(name: string): Promise<CanaryObject> {
  return (await cluster.custom.getNamespacedCustomObject({ ...CANARIES, name })) as CanaryObject;
}

const replaceMain = async (o: CanaryObject): Promise<CanaryObject> => (await cluster.custom.replaceNamespacedCustomObject({ ...CANARIES, name: o.metadata.name, body: o })) as CanaryObject;
const replaceStatus = async (o: CanaryObject): Promise<CanaryObject> => (await cluster.custom.replaceNamespacedCustomObjectStatus({ ...CANARIES, name: o.metadata.name, body: o })) as CanaryObject;

describe('custom resource with a status subresource', () => {
  it('bumps metadata.generation on spec changes only, and each endpoint writes only its own part', async () => {
    // Prepare
    const kube = createKubeClient({ kubeconfig: cluster.emulator.kubeconfig(), fieldManager: 'fledge' });
    const made = await createCanary('generation');
    const seen: Array<[string, number, string | undefined, number]> = [];
    const record = async (step: string): Promise<CanaryObject> => {
      const o = await readCanary('generation');
      seen.push([step, o.metadata.generation, o.status?.phase, o.spec.analysis.stepWeight]);
      return o;
    };

    // Act
    await record('create');
    await mirrorCanaryStatus(kube, made, { phase: 'Progressing', canaryWeight: 10, failedChecks: 0, iterations: 0, lastTransitionTime: new Date('2026-01-01T00:00:00Z') }, new Date('2026-01-01T00:00:00Z'));
    let o = await record('controller mirrors the status (merge patch to /status)');
    await replaceMain({ ...o, metadata: { ...o.metadata, labels: { team: 'a' } } });
    o = await record('labels change through the main resource');
    await replaceMain({ ...o, spec: { ...o.spec, analysis: { ...o.spec.analysis, stepWeight: 20 } } });
    o = await record('spec change through the main resource');
    await replaceMain({ ...o, status: { phase: 'Failed' } });
    o = await record('status sent to the main resource');
    await replaceStatus({ ...o, spec: { ...o.spec, analysis: { ...o.spec.analysis, stepWeight: 90 } }, status: { phase: 'Succeeded' } });
    o = await record('spec sent to /status with a new status');

    // Assess
    expect(seen).toEqual([
      ['create', 1, undefined, 10],
      ['controller mirrors the status (merge patch to /status)', 1, 'Progressing', 10],
      ['labels change through the main resource', 1, 'Progressing', 10],
      ['spec change through the main resource', 2, 'Progressing', 20],
      ['status sent to the main resource', 2, 'Progressing', 20],
      ['spec sent to /status with a new status', 2, 'Succeeded', 20],
    ]);
    expect(o.metadata.labels).toEqual({ team: 'a' });
  });

  it('lets exactly one of two concurrent status PUTs with the same resourceVersion win; the other gets 409 Conflict', async () => {
    // Prepare
    const base = await createCanary('race');

    // Act
    const results = await Promise.allSettled([replaceStatus({ ...base, status: { phase: 'Progressing', canaryWeight: 10 } }), replaceStatus({ ...base, status: { phase: 'Failed', canaryWeight: 0 } })]);

    // Assess
    const won = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const lost = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]).toBeInstanceOf(ApiException);
    const error = lost[0] as ApiException<unknown>;
    expect(error.code).toBe(409);
    expect(JSON.parse(String(error.body))).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'Conflict',
      code: 409,
      message: 'Operation cannot be fulfilled on canaries.flagger.app "race": the object has been modified; please apply your changes to the latest version and try again',
      details: { name: 'race', group: 'flagger.app', kind: 'canaries' },
    });
    const stored = await readCanary('race');
    expect(stored.status).toEqual(won[0]?.status);
    expect(stored.metadata.resourceVersion).toBe(won[0]?.metadata.resourceVersion);
    expect(stored.metadata.resourceVersion).not.toBe(base.metadata.resourceVersion);
  });

  it('accepts the loser of a status race once it retries on the fresh resourceVersion', async () => {
    const base = await createCanary('retry');
    await replaceStatus({ ...base, status: { phase: 'Progressing' } });

    const stale = await failure(replaceStatus({ ...base, status: { phase: 'Failed' } }));
    const fresh = await readCanary('retry');
    const retried = await replaceStatus({ ...fresh, status: { phase: 'Failed' } });

    expect(stale.code).toBe(409);
    expect(retried.status).toEqual({ phase: 'Failed' });
  });

  it('answers a status PUT without resourceVersion with 422, as custom resources allow no unconditional update', async () => {
    const made = await createCanary('unconditional');
    const { resourceVersion: _rv, ...metadata } = made.metadata;

    const { code, status } = await failure(cluster.custom.replaceNamespacedCustomObjectStatus({ ...CANARIES, name: 'unconditional', body: { ...made, metadata, status: { phase: 'Progressing' } } }));

    expect(code).toBe(422);
    expect(status).toMatchObject({ reason: 'Invalid', message: expect.stringContaining('metadata.resourceVersion: Invalid value: 0x0: must be specified for an update') });
  });

  it('applies a status merge patch without resourceVersion whatever changed since, and refuses one carrying a stale resourceVersion', async () => {
    const base = await createCanary('patch');
    await replaceMain({ ...base, spec: { ...base.spec, analysis: { ...base.spec.analysis, stepWeight: 5 } } });
    const patch = (body: unknown): Promise<unknown> => cluster.custom.patchNamespacedCustomObjectStatus({ ...CANARIES, name: 'patch', body }, patchAs(PatchStrategy.MergePatch));

    await patch({ status: { phase: 'Progressing' } });
    const stale = await failure(patch({ metadata: { resourceVersion: base.metadata.resourceVersion }, status: { phase: 'Failed' } }));

    expect(stale.code).toBe(409);
    expect(stale.status).toMatchObject({ reason: 'Conflict' });
    expect((await readCanary('patch')).status).toEqual({ phase: 'Progressing' });
  });
});

/** A TrafficSplit as client-node's CustomObjectsApi returns it. */
interface TrafficSplitObject {
  metadata: { name: string; resourceVersion: string; generation: number };
  status?: unknown;
}

describe('custom resource without a status subresource', () => {
  const SPLITS = { group: 'split.smi-spec.io', version: 'v1alpha2', namespace: 'default', plural: 'trafficsplits' } as const;

  it('keeps status as part of the object: written through the main resource, a change bumps metadata.generation', async () => {
    const body = { apiVersion: 'split.smi-spec.io/v1alpha2', kind: 'TrafficSplit', metadata: { name: 'podinfo' }, spec: { service: 'podinfo', backends: [] } };
    const made = (await cluster.custom.createNamespacedCustomObject({ ...SPLITS, body: { ...body, status: { observed: true } } })) as TrafficSplitObject;

    const updated = (await cluster.custom.replaceNamespacedCustomObject({ ...SPLITS, name: 'podinfo', body: { ...made, status: { observed: false } } })) as TrafficSplitObject;

    expect(made.status).toEqual({ observed: true });
    expect(made.metadata.generation).toBe(1);
    expect(updated.status).toEqual({ observed: false });
    expect(updated.metadata.generation).toBe(2);
  });

  it('serves no /status', async () => {
    const { code, status } = await failure(cluster.custom.getNamespacedCustomObjectStatus({ ...SPLITS, name: 'podinfo' }));

    expect(code).toBe(404);
    expect(status).toMatchObject({ reason: 'NotFound' });
  });
});
