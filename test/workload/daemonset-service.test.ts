import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../shared/kube/types.ts';
import { DaemonSetWorkload, ServiceWorkload, templateHash, type DaemonSet } from '../../shared/workload/index.ts';
import { startKube, type KubeHarness } from '../kube/harness.ts';
import { canaryFor } from './fixtures.ts';

let h: KubeHarness;
beforeAll(async () => {
  h = await startKube();
});
afterAll(async () => {
  await h.stop();
});

const ds = (name: string) => ({ apiVersion: 'apps/v1', kind: 'DaemonSet', namespace: 'test', name });

function daemonSetFor(name: string, updateStrategy = 'RollingUpdate'): DaemonSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name, namespace: 'test' },
    spec: {
      selector: { matchLabels: { name } },
      updateStrategy: { type: updateStrategy },
      template: { metadata: { labels: { name } }, spec: { containers: [{ name: 'agent', image: 'agent:1' }], nodeSelector: { pool: 'edge' } } },
    },
  };
}

describe('DaemonSet targets', () => {
  const workload = () => new DaemonSetWorkload({ kube: h.kube });

  it('creates the primary selecting name: <value>-primary', async () => {
    await h.kube.create(daemonSetFor('agent'));
    await workload().initialize(canaryFor('agent', {}, 'DaemonSet'));
    const primary = (await h.kube.get<DaemonSet>(ds('agent-primary'))) as DaemonSet;
    expect(primary.spec.selector).toEqual({ matchLabels: { name: 'agent-primary' } });
    expect(primary.spec.template.metadata?.labels).toEqual({ name: 'agent-primary' });
    expect(primary.spec.updateStrategy).toMatchObject({ type: 'RollingUpdate' });
  });

  it('scales to zero with a node selector no node has, which does not count as a new revision', async () => {
    const canary = canaryFor('agent', {}, 'DaemonSet');
    const before = await workload().targetHash(canary);
    await workload().scaleToZero(canary);
    const target = (await h.kube.get<DaemonSet>(ds('agent'))) as DaemonSet;
    expect(target.spec.template.spec.nodeSelector).toEqual({ pool: 'edge', 'flagger.app/scale-to-zero': 'true' });
    expect(templateHash(target.spec.template)).toBe(before);
    await workload().scaleFromZero(canary);
    expect(((await h.kube.get<DaemonSet>(ds('agent'))) as DaemonSet).spec.template.spec.nodeSelector).toEqual({ pool: 'edge' });
  });

  it('never promotes the scale-to-zero selector to the primary', async () => {
    const canary = canaryFor('agent', {}, 'DaemonSet');
    await workload().scaleToZero(canary);
    await workload().promote(canary);
    expect(((await h.kube.get<DaemonSet>(ds('agent-primary'))) as DaemonSet).spec.template.spec.nodeSelector).toEqual({ pool: 'edge' });
  });

  it('refuses a DaemonSet that does not roll', async () => {
    await h.kube.create(daemonSetFor('ondelete', 'OnDelete'));
    await expect(workload().initialize(canaryFor('ondelete', {}, 'DaemonSet'))).rejects.toThrow('daemonset ondelete.test must have RollingUpdate strategy but has OnDelete');
  });
});

describe('Service targets (routing only)', () => {
  const svc = (name: string) => ({ apiVersion: 'v1', kind: 'Service', namespace: 'test', name });

  it('copies the target Service as -canary and -primary, then promotes its spec', async () => {
    await h.kube.create({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'backend', namespace: 'test', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}', keep: 'me' } },
      spec: { type: 'ClusterIP', selector: { app: 'backend' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
    });
    const workload = new ServiceWorkload({ kube: h.kube });
    const canary = canaryFor('backend', {}, 'Service');
    expect((await workload.initialize(canary)).created).toBe(true);
    const copy = (await h.kube.get<KubeObject>(svc('backend-canary'))) as KubeObject;
    expect(copy.metadata.annotations).toEqual({ keep: 'me' });
    expect(copy.metadata.ownerReferences?.[0]?.name).toBe('backend');
    expect((await h.kube.get<KubeObject>(svc('backend-primary')))?.['spec']).toMatchObject({ selector: { app: 'backend' } });
    const before = await workload.targetHash(canary);
    await h.kube.patch(svc('backend'), 'merge', { spec: { selector: { app: 'backend', version: 'v2' } } });
    expect(await workload.targetHash(canary)).not.toBe(before);
    await workload.promote(canary);
    expect((await h.kube.get<KubeObject>(svc('backend-primary')))?.['spec']).toMatchObject({ selector: { app: 'backend', version: 'v2' } });
    expect(await workload.isCanaryReady()).toEqual({ kind: 'ready' });
  });
});
