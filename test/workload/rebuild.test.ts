/**
 * Rebuilding a `<target>-primary` that disappeared, against the emulator through the real client: given the
 * target's pod template as it was promoted (what the state store keeps) and that promotion's config checksums,
 * `initialize` writes exactly the template the promotion wrote, not the target's current, untested one, and the
 * `-primary` config copies keep the promoted contents.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../shared/kube/types.ts';
import { type Deployment, type PodTemplateSpec } from '../../shared/workload/index.ts';
import { deploymentWorkloadForFile } from './harness.ts';
import { canaryFor, configMapFor, deploymentFor, refs } from './fixtures.ts';

const env = deploymentWorkloadForFile();

const dep = refs.deployment;
const cm = refs.configMap;
const readDeployment = async (name: string): Promise<Deployment> => (await env.h.kube.get<Deployment>(dep(name))) as Deployment;
const readData = async (name: string): Promise<unknown> => ((await env.h.kube.get<KubeObject>(cm(name))) as KubeObject)['data'];

/** Sets the target's image, as `kubectl set image` does. */
async function setImage(name: string, image: string): Promise<void> {
  const target = await readDeployment(name);
  const [container, ...rest] = target.spec.template.spec.containers;
  const template = { ...target.spec.template, spec: { ...target.spec.template.spec, containers: [{ ...container!, image }, ...rest] } };
  await env.h.kube.replace({ ...target, spec: { ...target.spec, template } });
}

describe('initialize with the last promoted revision', () => {
  const canary = canaryFor('lost');
  /** The target's pod template and config checksums as they were promoted: what the state store keeps. */
  let promotedTarget: PodTemplateSpec;
  let promotedConfigs: Record<string, string>;
  /** What that promotion wrote to the primary. */
  let promotedPrimary: PodTemplateSpec;

  beforeAll(async () => {
    await env.h.kube.create(configMapFor('lost-cfg', { color: 'blue' }));
    await env.h.kube.create(deploymentFor('lost', { spec: { volumes: [{ name: 'cfg', configMap: { name: 'lost-cfg' } }] } }));
    await env.workload.initialize(canary);
    // A release is analysed and promoted: new image, new config contents.
    await setImage('lost', 'ghcr.io/stefanprodan/podinfo:6.0.1');
    await env.h.kube.patch(cm('lost-cfg'), 'merge', { data: { color: 'green' } });
    promotedTarget = (await readDeployment('lost')).spec.template;
    promotedConfigs = await env.workload.trackedConfigs(canary);
    await env.workload.promote(canary);
    promotedPrimary = (await readDeployment('lost-primary')).spec.template;
    // The next release is under analysis when the primary disappears.
    await setImage('lost', 'ghcr.io/stefanprodan/podinfo:6.0.2');
    await env.h.kube.patch(cm('lost-cfg'), 'merge', { data: { color: 'red' } });
    await env.h.kube.delete(dep('lost-primary'));
  });

  it('rebuilds the primary with a byte-identical copy of the template the promotion wrote', async () => {
    const result = await env.workload.initialize(canary, { template: promotedTarget, trackedConfigs: promotedConfigs });

    const primary = await readDeployment('lost-primary');
    expect(result.created).toBe(true);
    expect(JSON.stringify(primary.spec.template)).toBe(JSON.stringify(promotedPrimary));
    expect(primary.spec.template.spec.containers[0]?.image).toBe('ghcr.io/stefanprodan/podinfo:6.0.1');
    expect(primary.spec.selector).toEqual({ matchLabels: { app: 'lost-primary' } });
    expect(result.revision.template).toEqual(promotedPrimary);
    expect(result.warnings).toEqual([]);
  });

  it('keeps the promoted contents in the config copies instead of the canary’s', async () => {
    expect(await readData('lost-cfg-primary')).toEqual({ color: 'green' });
  });

  it('leaves an existing primary as it is', async () => {
    const before = await readDeployment('lost-primary');
    env.h.counter.reset();

    const again = await env.workload.initialize(canary, { template: deploymentFor('other').spec.template });

    expect(again.created).toBe(false);
    expect(env.h.counter.counts()).toMatchObject({ create: 0, replace: 0, patch: 0, delete: 0 });
    expect((await readDeployment('lost-primary')).metadata.resourceVersion).toBe(before.metadata.resourceVersion);
  });

  it('re-creates a config copy lost with the primary from the current contents, and says they changed since the promotion', async () => {
    await env.h.kube.delete(dep('lost-primary'));
    await env.h.kube.delete(cm('lost-cfg-primary'));

    const result = await env.workload.initialize(canary, { template: promotedTarget, trackedConfigs: promotedConfigs });

    expect(result.warnings).toEqual([
      'configmap lost-cfg-primary.test was missing and was re-created from lost-cfg.test, whose contents changed since the revision was promoted',
    ]);
    expect(await readData('lost-cfg-primary')).toEqual({ color: 'red' });
    expect(JSON.stringify((await readDeployment('lost-primary')).spec.template)).toBe(JSON.stringify(promotedPrimary));
  });

  it('builds from the target’s current template without a given one, as Flagger does', async () => {
    await env.h.kube.delete(dep('lost-primary'));

    const result = await env.workload.initialize(canary);

    expect((await readDeployment('lost-primary')).spec.template.spec.containers[0]?.image).toBe('ghcr.io/stefanprodan/podinfo:6.0.2');
    expect(result.warnings).toEqual([]);
  });
});
