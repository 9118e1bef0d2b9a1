import { beforeAll, describe, expect, it } from 'vitest';
import type { Canary } from '../../shared/api/types.ts';
import type { KubeObject } from '../../shared/kube/types.ts';
import {
  ORIGINAL_REPLICAS_ANNOTATION,
  WorkloadError,
  createWorkload,
  templateHash,
  type Deployment,
  type PromotedRevision,
} from '../../shared/workload/index.ts';
import { deploymentWorkloadForFile } from './harness.ts';
import { canaryFor, configMapFor, deploymentFor, hpaFor, podSpecWithConfigs, secretFor, refs } from './fixtures.ts';

const env = deploymentWorkloadForFile();

const dep = refs.deployment;
const cm = refs.configMap;
const read = async <T extends KubeObject = Deployment>(ref: { apiVersion: string; kind: string; namespace: string; name: string }) => (await env.h.kube.get<T>(ref)) as T;

/** Sets a Deployment's status as its controller would. */
async function setStatus(name: string, status: Deployment['status']): Promise<void> {
  const current = await read(dep(name));
  await env.h.kube.patch(dep(name), 'merge', { status: { observedGeneration: current.metadata.generation, ...status } }, { subresource: 'status' });
}

async function names(apiVersion: string, kind: string, prefix: string): Promise<string[]> {
  return (await env.h.kube.list(apiVersion, kind, { namespace: 'test' })).map((o) => o.metadata.name).filter((n) => n.startsWith(prefix)).sort();
}

async function seedConfigs(prefix: string): Promise<Canary> {
  const spec = JSON.parse(JSON.stringify(podSpecWithConfigs()).replaceAll('"name":"', `"name":"${prefix}`).replaceAll('"secretName":"', `"secretName":"${prefix}`)) as ReturnType<typeof podSpecWithConfigs>;
  spec.containers[0]!.name = 'podinfod';
  spec.initContainers![0]!.name = 'init';
  spec.volumes!.forEach((v, i) => (v.name = `v${i}`));
  for (const name of ['env-cm', 'envfrom-cm', 'init-cm', 'vol-cm', 'proj-cm']) await env.h.kube.create(configMapFor(`${prefix}${name}`, { key: name }));
  await env.h.kube.create(configMapFor(`${prefix}proj-cm-untracked`, {}));
  await env.h.kube.create(secretFor(`${prefix}env-secret`, { b: 'MQ==' }));
  await env.h.kube.create(secretFor(`${prefix}envfrom-secret`, { c: 'Mg==' }, 'kubernetes.io/dockerconfigjson'));
  await env.h.kube.create(secretFor(`${prefix}vol-secret`, { d: 'Mw==' }));
  await env.h.kube.create({ ...secretFor(`${prefix}proj-secret`, { e: 'NA==' }), metadata: { name: `${prefix}proj-secret`, namespace: 'test', annotations: { 'flagger.app/config-tracking': 'disabled' } } });
  await env.h.kube.create(deploymentFor(prefix, { replicas: 3, spec }));
  await env.h.kube.create(hpaFor(prefix, prefix, 2, 6));
  return canaryFor(prefix, { autoscalerRef: { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', name: prefix } });
}

describe('initialize', () => {
  it('creates the primary Deployment, config copies and HPA Flagger creates, and nothing else', async () => {
    const canary = await seedConfigs('init');
    const result = await env.workload.initialize(canary);
    expect(result.created).toBe(true);

    const primary = await read(dep('init-primary'));
    expect(primary.metadata.labels).toEqual({ app: 'init-primary' });
    expect(primary.metadata.annotations).toEqual({ 'team.example.com/owner': 'web' });
    expect(primary.metadata.ownerReferences).toEqual([{ apiVersion: 'flagger.app/v1beta1', kind: 'Canary', name: 'init', uid: 'uid-init', controller: true, blockOwnerDeletion: true }]);
    expect(primary.spec.replicas).toBe(3);
    expect(primary.spec.selector).toEqual({ matchLabels: { app: 'init-primary' } });
    expect(primary.spec).toMatchObject({ strategy: { type: 'RollingUpdate' }, minReadySeconds: 3 });
    expect(primary.spec.template.metadata?.labels).toEqual({ app: 'init-primary', version: 'v1' });
    expect(primary.spec.template.metadata?.annotations?.['flagger-id']).toMatch(/^[0-9a-f-]{36}$/);

    const pod = primary.spec.template.spec;
    expect(pod.volumes?.map((v) => v.configMap?.name ?? v.secret?.secretName ?? v.projected?.sources?.map((s) => s.configMap?.name ?? s.secret?.name))).toEqual([
      'initvol-cm-primary',
      'initvol-secret-primary',
      ['initproj-cm-primary', 'initproj-secret'],
    ]);
    expect(pod.containers[0]?.envFrom?.map((e) => e.configMapRef?.name ?? e.secretRef?.name)).toEqual(['initenvfrom-cm-primary', 'initenvfrom-secret']);
    expect(pod.initContainers?.[0]?.envFrom?.[0]?.configMapRef?.name).toBe('initinit-cm-primary');

    expect(await names('v1', 'ConfigMap', 'init')).toEqual(
      ['initenv-cm', 'initenv-cm-primary', 'initenvfrom-cm', 'initenvfrom-cm-primary', 'initinit-cm', 'initinit-cm-primary', 'initproj-cm', 'initproj-cm-primary', 'initproj-cm-untracked', 'initvol-cm', 'initvol-cm-primary'].sort(),
    );
    expect(await names('v1', 'Secret', 'init')).toEqual(['initenv-secret', 'initenv-secret-primary', 'initenvfrom-secret', 'initproj-secret', 'initvol-secret', 'initvol-secret-primary']);
    const copy = await read<KubeObject>(cm('initvol-cm-primary'));
    expect(copy['data']).toEqual({ key: 'vol-cm' });
    expect(copy.metadata.ownerReferences?.[0]?.name).toBe('init');

    expect(await names('apps/v1', 'Deployment', 'init')).toEqual(['init', 'init-primary']);
    const hpa = await read<KubeObject>({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', namespace: 'test', name: 'init-primary' });
    expect(hpa['spec']).toMatchObject({ scaleTargetRef: { name: 'init-primary', kind: 'Deployment' }, minReplicas: 2, maxReplicas: 6 });

    expect(result.revision.targetHash).toBe(templateHash((await read(dep('init'))).spec.template));
    expect(result.revision.template).toEqual(primary.spec.template);
    expect(Object.keys(result.revision.configs).sort()).toEqual(['configmap/initenv-cm', 'configmap/initenvfrom-cm', 'configmap/initinit-cm', 'configmap/initproj-cm', 'configmap/initvol-cm', 'secret/initenv-secret', 'secret/initvol-secret']);
    expect(result.revision.configs['secret/initenv-secret']).toEqual({ kind: 'Secret', checksum: expect.any(String) });
  });

  it('changes nothing when run again', async () => {
    const canary = canaryFor('init', { autoscalerRef: { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', name: 'init' } });
    const before = await read(dep('init-primary'));
    env.h.counter.reset();
    const again = await env.workload.initialize(canary);
    expect(again.created).toBe(false);
    expect(env.h.counter.counts()).toMatchObject({ create: 0, replace: 0, patch: 0, delete: 0 });
    expect((await read(dep('init-primary'))).metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    expect(again.revision.template).toEqual(before.spec.template);
  });

  it('names the selector labels it looks for when the target has none of them', async () => {
    await env.h.kube.create({ ...deploymentFor('noselector'), spec: { ...deploymentFor('noselector').spec, selector: { matchLabels: { tier: 'web' } }, template: { metadata: { labels: { tier: 'web' } }, spec: { containers: [{ name: 'c', image: 'podinfo:1' }] } } } });
    await expect(env.workload.initialize(canaryFor('noselector'))).rejects.toThrow(
      new WorkloadError('deployment noselector.test spec.selector.matchLabels must contain one of [app, name, app.kubernetes.io/name], got {tier}'),
    );
  });

  it('reports a missing target by name', async () => {
    await expect(env.workload.initialize(canaryFor('ghost'))).rejects.toThrow('deployment ghost.test not found (spec.targetRef)');
  });
});

describe('promote and restore', () => {
  let initial: PromotedRevision;
  let initialTarget: Deployment;
  let promoted: PromotedRevision;
  const canary = canaryFor('promo');

  beforeAll(async () => {
    await env.h.kube.create(configMapFor('promo-cfg', { color: 'blue' }));
    initialTarget = await env.h.kube.create(deploymentFor('promo', { spec: { volumes: [{ name: 'cfg', configMap: { name: 'promo-cfg' } }] } }));
    initial = (await env.workload.initialize(canary)).revision;
  });

  it('copies the target template, settings and configs to the primary', async () => {
    const target = await read(dep('promo'));
    await env.h.kube.replace({
      ...target,
      spec: { ...target.spec, strategy: { type: 'Recreate' }, template: { ...target.spec.template, spec: { ...target.spec.template.spec, containers: [{ name: 'podinfod', image: 'podinfo:6.0.1' }] } } },
    });
    await env.h.kube.patch(cm('promo-cfg'), 'merge', { data: { color: 'green' } });
    promoted = await env.workload.promote(canary);
    const primary = await read(dep('promo-primary'));
    expect(primary.spec.template.spec.containers[0]?.image).toBe('podinfo:6.0.1');
    expect(primary.spec.template.spec.volumes?.[0]?.configMap?.name).toBe('promo-cfg-primary');
    expect(primary.spec.strategy).toEqual({ type: 'Recreate' });
    expect(primary.spec.selector).toEqual({ matchLabels: { app: 'promo-primary' } });
    expect(primary.spec.template.metadata?.annotations?.['flagger-id']).not.toBe(initial.template.metadata?.annotations?.['flagger-id']);
    expect((await read<KubeObject>(cm('promo-cfg-primary')))['data']).toEqual({ color: 'green' });
    expect(promoted.template).toEqual(primary.spec.template);
    expect(promoted.targetHash).toBe(templateHash((await read(dep('promo'))).spec.template));
  });

  it('puts a stored revision back: template, settings and ConfigMap contents', async () => {
    const result = await env.workload.restorePrimary(canary, initial);
    expect(result.warnings).toEqual([]);
    const primary = await read(dep('promo-primary'));
    expect(primary.spec.template).toEqual(initial.template);
    expect(primary.spec.strategy).toMatchObject({ type: 'RollingUpdate' });
    expect((await read<KubeObject>(cm('promo-cfg-primary')))['data']).toEqual({ color: 'blue' });
  });

  it('rebuilds the primary from a stored target template as its promotion did', async () => {
    await env.workload.restorePrimary(canary, promoted);
    await env.workload.restorePrimary(canary, deploymentFor('promo', { spec: { volumes: [{ name: 'cfg', configMap: { name: 'promo-cfg' } }] } }).spec.template);
    const primary = await read(dep('promo-primary'));
    expect(primary.spec.template.spec.containers[0]?.image).toBe('ghcr.io/stefanprodan/podinfo:6.0.0');
    expect(primary.spec.template.spec.volumes?.[0]?.configMap?.name).toBe('promo-cfg-primary');
    expect(primary.spec.template.metadata?.labels).toEqual({ app: 'promo-primary', version: 'v1' });
  });

  it('rebuilds exactly the template a promotion wrote when given that promotion’s config checksums', async () => {
    await env.workload.restorePrimary(canary, promoted);
    await env.workload.restorePrimary(canary, initialTarget.spec.template, { trackedConfigs: initial.trackedConfigs });
    expect((await read(dep('promo-primary'))).spec.template).toEqual(initial.template);
  });

  it('counts no progress of a primary that does not run the revision it should', async () => {
    await env.workload.restorePrimary(canary, promoted);
    await setStatus('promo-primary', { replicas: 2, updatedReplicas: 2, availableReplicas: 2 });
    const now = { now: new Date('2026-01-01T00:10:00Z') };
    expect((await env.workload.observe(canary, now, promoted)).primary.progress).toEqual({ updatedAvailable: 2, desired: 2 });
    expect((await env.workload.observe(canary, now, initial)).primary.progress).toEqual({ updatedAvailable: 0, desired: 2 });
  });

  it('judges the primary against the revision it should run', async () => {
    await env.workload.restorePrimary(canary, promoted);
    await setStatus('promo-primary', { replicas: 2, updatedReplicas: 2, availableReplicas: 2 });
    expect(await env.workload.primaryExpectedState(canary, promoted)).toEqual({ kind: 'reached' });
    expect(await env.workload.primaryExpectedState(canary, initial)).toEqual({ kind: 'pending', reason: 'the primary does not run the promoted template' });
  });
});

describe('readiness and observation', () => {
  const canary = canaryFor('ready', { analysis: { canaryReadyThreshold: 50 } });
  beforeAll(async () => {
    await env.h.kube.create(deploymentFor('ready', { replicas: 4 }));
    await env.workload.initialize(canary);
  });

  it('prefixes Flagger’s messages with the object and applies each threshold', async () => {
    await setStatus('ready', { replicas: 4, updatedReplicas: 4, availableReplicas: 2 });
    await setStatus('ready-primary', { replicas: 4, updatedReplicas: 4, availableReplicas: 2 });
    const context = { now: new Date('2026-01-01T00:10:00Z') };
    expect(await env.workload.isCanaryReady(canary, context)).toEqual({ kind: 'ready' });
    expect(await env.workload.isPrimaryReady(canary, context)).toEqual({
      kind: 'wait',
      reason: 'ready-primary.test not ready: waiting for rollout to finish: 2 of 4 (readyThreshold 100%) updated replicas are available',
    });
  });

  it('observes target and primary in one batch of reads', async () => {
    env.h.counter.reset();
    const seen = await env.workload.observe(canary, { now: new Date('2026-01-01T00:10:00Z') });
    expect(env.h.counter.counts()).toMatchObject({ get: 2, list: 0, create: 0, replace: 0, patch: 0 });
    expect(seen.target).toMatchObject({ exists: true, replicas: 4, availableReplicas: 2, readiness: { kind: 'ready' }, expected: { kind: 'pending' } });
    expect(seen.target.templateHash).toBe(templateHash((await read(dep('ready'))).spec.template));
    expect(seen.primary).toMatchObject({ exists: true, replicas: 4, availableReplicas: 2, readiness: { kind: 'wait' } });
    expect(seen.trackedConfigs).toEqual({});
  });

  it.each([
    { name: 'a surged new pod not ready yet', status: { replicas: 5, updatedReplicas: 1, availableReplicas: 4 }, updatedAvailable: 0 },
    { name: 'the surged new pod available', status: { replicas: 5, updatedReplicas: 1, availableReplicas: 5 }, updatedAvailable: 1 },
    { name: 'the old pod it replaced gone', status: { replicas: 4, updatedReplicas: 1, availableReplicas: 4 }, updatedAvailable: 1 },
    { name: 'the next new pod available', status: { replicas: 5, updatedReplicas: 2, availableReplicas: 5 }, updatedAvailable: 2 },
    { name: 'the rollout complete', status: { replicas: 4, updatedReplicas: 4, availableReplicas: 4 }, updatedAvailable: 4 },
  ])('reports the primary\'s progress, updated replicas available, with $name', async ({ status, updatedAvailable }) => {
    await setStatus('ready-primary', status);
    const seen = await env.workload.observe(canary, { now: new Date('2026-01-01T00:10:00Z') });
    expect(seen.primary.progress).toEqual({ updatedAvailable, desired: 4 });
  });

  it('reports no progress while the primary\'s new generation is not observed', async () => {
    const primary = await read(dep('ready-primary'));
    await env.h.kube.patch(dep('ready-primary'), 'merge', { spec: { template: { metadata: { annotations: { 'example.com/rev': '2' } } } } });
    await env.h.kube.patch(dep('ready-primary'), 'merge', { status: { observedGeneration: primary.metadata.generation, replicas: 4, updatedReplicas: 4, availableReplicas: 4 } }, { subresource: 'status' });
    const seen = await env.workload.observe(canary, { now: new Date('2026-01-01T00:10:00Z') });
    expect(seen.primary.progress).toEqual({ updatedAvailable: 0, desired: 4 });
    expect(seen.target.progress).toMatchObject({ desired: 4 });
  });

  it('reports a missing primary instead of throwing', async () => {
    await env.h.kube.create(deploymentFor('lonely'));
    const seen = await env.workload.observe(canaryFor('lonely'), { now: new Date() });
    expect(seen.primary).toEqual({
      exists: false,
      readiness: { kind: 'wait', reason: 'deployment lonely-primary.test not found' },
      expected: { kind: 'pending', reason: 'deployment lonely-primary.test not found' },
      replicas: 0,
      availableReplicas: 0,
      updateDisruptive: false,
    });
  });
});

describe('scaling', () => {
  it('records the replicas it scales down from and brings them back', async () => {
    await env.h.kube.create(deploymentFor('scaled', { replicas: 3 }));
    const canary = canaryFor('scaled');
    await env.workload.initialize(canary);
    await env.workload.scaleToZero(canary);
    let target = await read(dep('scaled'));
    expect(target.spec.replicas).toBe(0);
    expect(target.metadata.annotations?.[ORIGINAL_REPLICAS_ANNOTATION]).toBe('3');
    await env.workload.scaleToZero(canary);
    expect((await read(dep('scaled'))).metadata.annotations?.[ORIGINAL_REPLICAS_ANNOTATION]).toBe('3');
    expect(await env.workload.scaleFromZero(canary)).toBe(3);
    target = await read(dep('scaled'));
    expect(target.spec.replicas).toBe(3);
    env.h.counter.reset();
    expect(await env.workload.scaleFromZero(canary)).toBe(3);
    expect(env.h.counter.counts().patch).toBe(0);
  });

  it.each<[string, { target: number; recorded?: string; primary: number; hpaMin?: number; given?: number }, number]>([
    ['uses the count given by the controller', { target: 0, primary: 2, given: 5 }, 5],
    ['uses the target’s own replicas when above zero', { target: 4, primary: 2 }, 4],
    ['uses the recorded replicas when the target sits at zero', { target: 0, recorded: '6', primary: 2 }, 6],
    ['uses the primary’s replicas without an autoscaler', { target: 0, primary: 2 }, 2],
    ['uses the HPA minimum with an autoscaler', { target: 0, primary: 2, hpaMin: 3 }, 3],
    ['falls back to 1 when the HPA minimum is 1', { target: 0, primary: 2, hpaMin: 1 }, 1],
  ])('scales from zero: %s', async (_name, setup, expected) => {
    const name = `fz-${expected}-${setup.target}-${setup.recorded ?? 'n'}-${setup.hpaMin ?? 'n'}-${setup.given ?? 'n'}`;
    const target = deploymentFor(name, { replicas: setup.primary });
    await env.h.kube.create(target);
    const canary = canaryFor(name, setup.hpaMin ? { autoscalerRef: { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', name } } : {});
    if (setup.hpaMin) await env.h.kube.create(hpaFor(name, name, setup.hpaMin, 10));
    await env.workload.initialize(canary);
    await env.h.kube.patch(dep(name), 'merge', { metadata: { annotations: { [ORIGINAL_REPLICAS_ANNOTATION]: setup.recorded ?? null } }, spec: { replicas: setup.target } });
    expect(await env.workload.scaleFromZero(canary, setup.given)).toBe(expected);
    expect((await read(dep(name))).spec.replicas).toBe(expected);
  });

  it('pauses and resumes the target’s KEDA ScaledObject around scale-down', async () => {
    await env.h.kube.create(deploymentFor('keda'));
    await env.h.kube.create({ apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject', metadata: { name: 'keda-so', namespace: 'test' }, spec: { scaleTargetRef: { name: 'keda' }, minReplicaCount: 2, triggers: [{ type: 'cpu', metadata: { value: '50' } }] } });
    const canary = canaryFor('keda', { autoscalerRef: { apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject', name: 'keda-so' } });
    await env.workload.initialize(canary);
    const so = { apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject', namespace: 'test', name: 'keda-so' };
    expect(((await read<KubeObject>({ ...so, name: 'keda-so-primary' }))['spec'] as { scaleTargetRef: { name: string } }).scaleTargetRef.name).toBe('keda-primary');
    await env.workload.scaleToZero(canary);
    expect((await read<KubeObject>(so)).metadata.annotations?.['autoscaling.keda.sh/paused-replicas']).toBe('0');
    await env.workload.scaleFromZero(canary);
    expect((await read<KubeObject>(so)).metadata.annotations?.['autoscaling.keda.sh/paused-replicas']).toBeUndefined();
  });
});

describe('the factory', () => {
  it('builds the workload of each target kind', () => {
    expect(createWorkload('Deployment', { kube: env.h.kube }).kind).toBe('Deployment');
    expect(createWorkload('DaemonSet', { kube: env.h.kube }).kind).toBe('DaemonSet');
    expect(createWorkload('Service', { kube: env.h.kube }).kind).toBe('Service');
    expect(() => createWorkload('StatefulSet', { kube: env.h.kube })).toThrow('spec.targetRef.kind: expected one of DaemonSet, Deployment, Service, got "StatefulSet"');
  });
});
