import { ApisApi, CoreApi, PatchStrategy, VersionApi } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTER_KINDS, crdFor, standardCrds } from '../../../sim/crds/index.ts';
import type { KubeObject } from '../../../sim/emulator/index.ts';
import { createCrd, deployment, failure, patchAs, startCluster } from './harness.ts';
import type { Cluster } from './harness.ts';

let cluster: Cluster;
beforeAll(async () => {
  cluster = await startCluster({ crds: standardCrds() });
});
afterAll(async () => {
  await cluster.emulator.stop();
});

const allKinds = Object.entries(ROUTER_KINDS).flatMap(([provider, kinds]) => kinds.flatMap((k) => k.versions.map((version) => ({ provider, ...k, version }))));

function canary(name: string, spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'flagger.app/v1beta1',
    kind: 'Canary',
    metadata: { name, namespace: 'default' },
    spec: { targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name }, service: { port: 9898 }, analysis: { interval: '1m', threshold: 5, stepWeight: 10, maxWeight: 50 }, ...spec },
  };
}

describe('custom resources', () => {
  it.each(allKinds.map((k) => [`${k.kind}.${k.group}/${k.version}`, k] as const))('serves %s to a generic client: create, read, list, patch, delete', async (_name, k) => {
    const name = `obj-${k.version}`;
    const namespaced = (k.scope ?? 'Namespaced') === 'Namespaced';
    const object = { apiVersion: `${k.group}/${k.version}`, kind: k.kind, metadata: { name, ...(namespaced ? { namespace: 'default' } : {}) }, spec: { hosts: ['a'] } };
    const made = (await cluster.objects.create(object)) as { metadata?: { uid?: string } };
    expect(made.metadata?.uid).toBeDefined();
    const read = await cluster.objects.read({ apiVersion: object.apiVersion, kind: k.kind, metadata: { name, ...(namespaced ? { namespace: 'default' } : {}) } });
    expect(read).toMatchObject({ apiVersion: object.apiVersion, kind: k.kind, spec: { hosts: ['a'] } });
    const list = await cluster.objects.list(object.apiVersion, k.kind, namespaced ? 'default' : undefined);
    expect(list.items.map((i) => i.metadata?.name)).toContain(name);
    const patched = await cluster.objects.patch({ ...object, spec: { hosts: ['b'] } }, undefined, undefined, undefined, undefined, PatchStrategy.MergePatch);
    expect((patched as unknown as { spec: unknown }).spec).toEqual({ hosts: ['b'] });
    await cluster.objects.delete(object);
    expect((await failure(cluster.objects.read(object))).code).toBe(404);
  });

  it('serves a Canary under the project CRDs and validates it against their schema', async () => {
    const made = await cluster.custom.createNamespacedCustomObject({ group: 'flagger.app', version: 'v1beta1', namespace: 'default', plural: 'canaries', body: canary('podinfo') });
    expect(made.spec.targetRef.name).toBe('podinfo');
    const bad = canary('podinfo-bad', { analysis: { interval: '1m', threshold: 'five', stepWeight: 10 } });
    const { code, status } = await failure(cluster.custom.createNamespacedCustomObject({ group: 'flagger.app', version: 'v1beta1', namespace: 'default', plural: 'canaries', body: bad }));
    expect(code).toBe(422);
    expect(status).toMatchObject({ reason: 'Invalid', details: { kind: 'Canary', group: 'flagger.app' } });
    expect((status['details'] as { causes: Array<{ field: string }> }).causes.map((c) => c.field)).toContain('spec.analysis.threshold');
  });

  it('prunes fields the CRD schema does not declare, as a structural schema does', async () => {
    const made = await cluster.custom.createNamespacedCustomObject({ group: 'flagger.app', version: 'v1beta1', namespace: 'default', plural: 'canaries', body: canary('pruned', { notAField: true }) });
    expect(made.spec).not.toHaveProperty('notAField');
  });

  it('writes custom resource status only through /status', async () => {
    await cluster.custom.createNamespacedCustomObject({ group: 'flagger.app', version: 'v1beta1', namespace: 'default', plural: 'canaries', body: { ...canary('with-status'), status: { phase: 'Succeeded' } } });
    const read = await cluster.custom.getNamespacedCustomObject({ group: 'flagger.app', version: 'v1beta1', namespace: 'default', plural: 'canaries', name: 'with-status' });
    expect(read.status).toBeUndefined();
    const patched = await cluster.custom.patchNamespacedCustomObjectStatus(
      { group: 'flagger.app', version: 'v1beta1', namespace: 'default', plural: 'canaries', name: 'with-status', body: { status: { phase: 'Progressing', canaryWeight: 10 } } },
      patchAs(PatchStrategy.MergePatch),
    );
    expect(patched.status).toMatchObject({ phase: 'Progressing', canaryWeight: 10 });
    expect(patched.metadata.generation).toBe(1);
  });

  it('answers a strategic merge patch to a custom resource with 415, as a real server', async () => {
    await cluster.custom.createNamespacedCustomObject({ group: 'flagger.app', version: 'v1beta1', namespace: 'default', plural: 'canaries', body: canary('smp') });
    const { code, status } = await failure(
      cluster.custom.patchNamespacedCustomObject({ group: 'flagger.app', version: 'v1beta1', namespace: 'default', plural: 'canaries', name: 'smp', body: { spec: { skipAnalysis: true } } }, patchAs(PatchStrategy.StrategicMergePatch)),
    );
    expect(code).toBe(415);
    expect(status).toMatchObject({ reason: 'UnsupportedMediaType' });
  });

  it('requires a resourceVersion to replace a custom resource', async () => {
    const made = await cluster.custom.createNamespacedCustomObject({ group: 'flagger.app', version: 'v1beta1', namespace: 'default', plural: 'canaries', body: canary('put') });
    delete made.metadata.resourceVersion;
    const { code, status } = await failure(cluster.custom.replaceNamespacedCustomObject({ group: 'flagger.app', version: 'v1beta1', namespace: 'default', plural: 'canaries', name: 'put', body: made }));
    expect(code).toBe(422);
    expect(status['message']).toContain('metadata.resourceVersion: Invalid value: 0x0: must be specified for an update');
  });

  it('reads an object written under one served version under another', async () => {
    await cluster.custom.createNamespacedCustomObject({ group: 'networking.istio.io', version: 'v1beta1', namespace: 'default', plural: 'virtualservices', body: { apiVersion: 'networking.istio.io/v1beta1', kind: 'VirtualService', metadata: { name: 'cross' }, spec: { hosts: ['x'] } } });
    const v1 = await cluster.custom.getNamespacedCustomObject({ group: 'networking.istio.io', version: 'v1', namespace: 'default', plural: 'virtualservices', name: 'cross' });
    expect(v1).toMatchObject({ apiVersion: 'networking.istio.io/v1', spec: { hosts: ['x'] } });
  });

  it('serves the scale subresource a CRD declares, through its replica paths', async () => {
    const crd = crdFor({ group: 'example.com', versions: ['v1'], kind: 'Widget', plural: 'widgets', scale: { specReplicasPath: '.spec.size', statusReplicasPath: '.status.ready', labelSelectorPath: '.status.selector' } });
    await createCrd(cluster, crd);
    await cluster.custom.createNamespacedCustomObject({ group: 'example.com', version: 'v1', namespace: 'default', plural: 'widgets', body: { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { size: 2 } } });
    await cluster.custom.patchNamespacedCustomObjectStatus({ group: 'example.com', version: 'v1', namespace: 'default', plural: 'widgets', name: 'w', body: { status: { ready: 1, selector: 'app=w' } } }, patchAs(PatchStrategy.MergePatch));
    const scale = await cluster.custom.getNamespacedCustomObjectScale({ group: 'example.com', version: 'v1', namespace: 'default', plural: 'widgets', name: 'w' });
    expect(scale).toMatchObject({ kind: 'Scale', spec: { replicas: 2 }, status: { replicas: 1, selector: 'app=w' } });
    await cluster.custom.patchNamespacedCustomObjectScale({ group: 'example.com', version: 'v1', namespace: 'default', plural: 'widgets', name: 'w', body: [{ op: 'replace', path: '/spec/replicas', value: 7 }] }, patchAs(PatchStrategy.JsonPatch));
    const widget = await cluster.custom.getNamespacedCustomObject({ group: 'example.com', version: 'v1', namespace: 'default', plural: 'widgets', name: 'w' });
    expect(widget.spec.size).toBe(7);
  });

  it('stops serving a kind when its CRD is deleted, taking its objects along', async () => {
    await createCrd(cluster, crdFor({ group: 'temp.example.com', versions: ['v1'], kind: 'Temp', plural: 'temps' }));
    await cluster.custom.createNamespacedCustomObject({ group: 'temp.example.com', version: 'v1', namespace: 'default', plural: 'temps', body: { apiVersion: 'temp.example.com/v1', kind: 'Temp', metadata: { name: 't' } } });
    await cluster.objects.delete({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'temps.temp.example.com' } });
    const { code } = await failure(cluster.custom.listNamespacedCustomObject({ group: 'temp.example.com', version: 'v1', namespace: 'default', plural: 'temps' }));
    expect(code).toBe(404);
  });
});

describe('discovery', () => {
  it('lists core resources with kinds, verbs, namespaced flags and subresources', async () => {
    const versions = await cluster.kc.makeApiClient(CoreApi).getAPIVersions();
    expect(versions.versions).toEqual(['v1']);
    const apps = await cluster.apps.getAPIResources();
    const byName = Object.fromEntries(apps.resources.map((r) => [r.name, r]));
    expect(byName['deployments']).toMatchObject({ kind: 'Deployment', namespaced: true, singularName: 'deployment', verbs: expect.arrayContaining(['create', 'get', 'list', 'patch', 'update', 'delete', 'watch']) });
    expect(byName['deployments/status']).toMatchObject({ kind: 'Deployment', verbs: ['get', 'patch', 'update'] });
    expect(byName['deployments/scale']).toMatchObject({ kind: 'Scale', group: 'autoscaling', version: 'v1' });
    expect(byName['replicasets']?.verbs).toEqual(['get', 'list', 'watch']);
    const core = await cluster.core.getAPIResources();
    expect(core.resources.find((r) => r.name === 'namespaces')).toMatchObject({ namespaced: false, kind: 'Namespace' });
  });

  it('lists API groups with their preferred versions, custom ones included', async () => {
    const groups = await cluster.kc.makeApiClient(ApisApi).getAPIVersions();
    const istio = groups.groups.find((g) => g.name === 'networking.istio.io');
    expect(istio?.versions.map((v) => v.version)).toEqual(['v1', 'v1beta1', 'v1alpha3']);
    expect(istio?.preferredVersion?.groupVersion).toBe('networking.istio.io/v1');
    expect(groups.groups.map((g) => g.name)).toEqual(expect.arrayContaining(['apps', 'autoscaling', 'networking.k8s.io', 'apiextensions.k8s.io', 'flagger.app', 'gateway.networking.k8s.io']));
  });

  it('answers /version', async () => {
    const version = await cluster.kc.makeApiClient(VersionApi).getCode();
    expect(version).toMatchObject({ major: '1', gitVersion: expect.stringMatching(/^v1\.\d+\.\d+/) });
  });

  it('lets KubernetesObjectApi find built-in kinds through discovery', async () => {
    const made = await cluster.objects.create(deployment('discovered'));
    expect(made.metadata?.uid).toBeDefined();
  });
});

describe('kubectl compatibility', () => {
  it('rejects fields the CRD schema does not declare with 400 under fieldValidation=Strict (kubectl apply)', async () => {
    const res = await fetch(`${cluster.emulator.url}/apis/flagger.app/v1beta1/namespaces/default/canaries?fieldValidation=Strict`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(canary('strict', { notAField: 1 })),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ reason: 'BadRequest', message: 'strict decoding error: unknown field "spec.notAField"' });
  });

  it('publishes OpenAPI v3 group versions with permissive schemas and an empty OpenAPI v2 protobuf document', async () => {
    const root = (await (await fetch(`${cluster.emulator.url}/openapi/v3`)).json()) as { paths: Record<string, { serverRelativeURL: string }> };
    expect(root.paths['apis/apps/v1']?.serverRelativeURL).toBe('/openapi/v3/apis/apps/v1');
    expect(root.paths['apis/flagger.app/v1beta1']).toBeDefined();
    const apps = (await (await fetch(`${cluster.emulator.url}${root.paths['apis/apps/v1']?.serverRelativeURL}`)).json()) as { components: { schemas: Record<string, unknown> } };
    expect(apps.components.schemas['apps.v1.Deployment']).toMatchObject({ 'x-kubernetes-group-version-kind': [{ group: 'apps', version: 'v1', kind: 'Deployment' }] });
    const v2 = await fetch(`${cluster.emulator.url}/openapi/v2`, { headers: { Accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf' } });
    expect(v2.status).toBe(200);
    expect(v2.headers.get('content-type')).toBe('application/com.github.proto-openapi.spec.v2.v1.0+protobuf');
    expect((await v2.arrayBuffer()).byteLength).toBe(0);
  });
});

describe('server-side printing for kubectl get', () => {
  const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';

  async function table(path: string): Promise<{ kind: string; columnDefinitions: Array<{ name: string; priority: number }>; rows: Array<{ cells: unknown[]; object: { kind: string } }> }> {
    const res = await fetch(`${cluster.emulator.url}${path}`, { headers: { Accept: TABLE } });
    return (await res.json()) as never;
  }

  it('answers a Deployment list with the columns kubectl shows', async () => {
    await cluster.apps.createNamespacedDeployment({ namespace: 'default', body: deployment('printed') });
    const t = await table('/apis/apps/v1/namespaces/default/deployments?fieldSelector=metadata.name=printed');
    expect(t.kind).toBe('Table');
    expect(t.columnDefinitions.filter((c) => c.priority === 0).map((c) => c.name)).toEqual(['Name', 'Ready', 'Up-to-date', 'Available', 'Age']);
    expect(t.rows).toEqual([{ cells: ['printed', '0/2', 0, 0, expect.stringMatching(/^\d+s$/), 'app', 'ghcr.io/stefanprodan/podinfo:6.0.0', 'app=printed'], object: expect.objectContaining({ kind: 'PartialObjectMetadata' }) }]);
  });

  it('uses a CRD\'s additionalPrinterColumns', async () => {
    await cluster.custom.createNamespacedCustomObject({ group: 'flagger.app', version: 'v1beta1', namespace: 'default', plural: 'canaries', body: canary('printed') });
    await cluster.custom.patchNamespacedCustomObjectStatus({ group: 'flagger.app', version: 'v1beta1', namespace: 'default', plural: 'canaries', name: 'printed', body: { status: { phase: 'Progressing', canaryWeight: 20 } } }, patchAs(PatchStrategy.MergePatch));
    const t = await table('/apis/flagger.app/v1beta1/namespaces/default/canaries/printed');
    const shown = t.columnDefinitions.map((c, i) => [c.name, t.rows[0]?.cells[i]] as const).filter(([name]) => ['Name', 'Status', 'Weight'].includes(name));
    expect(shown).toEqual([['Name', 'printed'], ['Status', 'Progressing'], ['Weight', 20]]);
  });
});
