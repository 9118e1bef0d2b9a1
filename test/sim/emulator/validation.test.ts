import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AutoscalingV2Api, NetworkingV1Api } from '@kubernetes/client-node';
import type { V1Deployment } from '@kubernetes/client-node';
import { deployment, failure, startCluster } from './harness.ts';
import type { Cluster } from './harness.ts';

let cluster: Cluster;
beforeAll(async () => {
  cluster = await startCluster();
});
afterAll(async () => {
  await cluster.emulator.stop();
});

function withSpec(name: string, mutate: (d: V1Deployment) => void): V1Deployment {
  const d = deployment(name);
  mutate(d);
  return d;
}

describe('validation of built-in kinds', () => {
  it.each<[string, V1Deployment, { field: string; reason: string }]>([
    ['a container without image', withSpec('v-noimage', (d) => delete d.spec!.template.spec!.containers[0]!.image), { field: 'spec.template.spec.containers[0].image', reason: 'FieldValueRequired' }],
    ['a name that is not DNS-1123', withSpec('Bad_Name', () => {}), { field: 'metadata.name', reason: 'FieldValueInvalid' }],
    ['negative replicas', withSpec('v-neg', (d) => (d.spec!.replicas = -1)), { field: 'spec.replicas', reason: 'FieldValueInvalid' }],
    ['a selector that does not match the template', withSpec('v-sel', (d) => (d.spec!.template.metadata!.labels = { app: 'other' })), { field: 'spec.template.metadata.labels', reason: 'FieldValueInvalid' }],
    ['no containers', withSpec('v-empty', (d) => (d.spec!.template.spec!.containers = [])), { field: 'spec.template.spec.containers', reason: 'FieldValueRequired' }],
    ['a container port out of range', withSpec('v-port', (d) => (d.spec!.template.spec!.containers[0]!.ports = [{ containerPort: 70000 }])), { field: 'spec.template.spec.containers[0].ports[0].containerPort', reason: 'FieldValueInvalid' }],
    ['duplicate container names', withSpec('v-dup', (d) => d.spec!.template.spec!.containers.push({ name: 'app', image: 'x' })), { field: 'spec.template.spec.containers[1].name', reason: 'FieldValueDuplicate' }],
    ['a volume mount of no volume', withSpec('v-mount', (d) => (d.spec!.template.spec!.containers[0]!.volumeMounts = [{ name: 'data', mountPath: '/d' }])), { field: 'spec.template.spec.containers[0].volumeMounts[0].name', reason: 'FieldValueNotFound' }],
    ['a Recreate strategy with rollingUpdate', withSpec('v-strat', (d) => (d.spec!.strategy = { type: 'Recreate', rollingUpdate: { maxSurge: 1 } })), { field: 'spec.strategy.rollingUpdate', reason: 'FieldValueForbidden' }],
    ['maxSurge and maxUnavailable both 0', withSpec('v-zero', (d) => (d.spec!.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } })), { field: 'spec.strategy.rollingUpdate.maxUnavailable', reason: 'FieldValueInvalid' }],
  ])('rejects a Deployment with %s: 422 Invalid with the field cause', async (_what, body, cause) => {
    const { code, status } = await failure(cluster.apps.createNamespacedDeployment({ namespace: 'default', body }));
    expect(code).toBe(422);
    expect(status).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Invalid', code: 422, details: { name: body.metadata?.name, group: 'apps', kind: 'Deployment' } });
    expect((status['details'] as { causes: unknown[] }).causes).toContainEqual(expect.objectContaining(cause));
    expect(status['message']).toContain(`Deployment.apps "${body.metadata?.name}" is invalid: `);
  });

  it('words the message as kube-apiserver does', async () => {
    const body = withSpec('v-msg', (d) => delete d.spec!.template.spec!.containers[0]!.image);
    const { status } = await failure(cluster.apps.createNamespacedDeployment({ namespace: 'default', body }));
    expect(status['message']).toBe('Deployment.apps "v-msg" is invalid: spec.template.spec.containers[0].image: Required value');
  });

  it('answers a wrongly typed field with 400, as a decode failure', async () => {
    const body = withSpec('v-type', (d) => ((d.spec as unknown as Record<string, unknown>)['replicas'] = 'two'));
    const { code, status } = await failure(cluster.apps.createNamespacedDeployment({ namespace: 'default', body }));
    expect(code).toBe(400);
    expect(status).toMatchObject({ reason: 'BadRequest', message: expect.stringContaining('spec.replicas') });
  });

  it('refuses to change a Deployment selector', async () => {
    const made = await cluster.apps.createNamespacedDeployment({ namespace: 'default', body: deployment('v-immutable') });
    const changed = { ...made, spec: { ...made.spec!, selector: { matchLabels: { app: 'v-immutable', tier: 'x' } }, template: { ...made.spec!.template, metadata: { labels: { app: 'v-immutable', tier: 'x' } } } } };
    const { code, status } = await failure(cluster.apps.replaceNamespacedDeployment({ name: 'v-immutable', namespace: 'default', body: changed }));
    expect(code).toBe(422);
    expect(status['message']).toContain('spec.selector: Invalid value');
    expect(status['message']).toContain('field is immutable');
  });

  it('fills the API defaults of a Deployment and its pod template', async () => {
    const made = await cluster.apps.createNamespacedDeployment({ namespace: 'default', body: withSpec('v-defaults', (d) => delete d.spec!.replicas) });
    expect(made.spec).toMatchObject({ replicas: 1, revisionHistoryLimit: 10, progressDeadlineSeconds: 600, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } } });
    expect(made.spec?.template.spec).toMatchObject({ restartPolicy: 'Always', dnsPolicy: 'ClusterFirst', terminationGracePeriodSeconds: 30, schedulerName: 'default-scheduler' });
    expect(made.spec?.template.spec?.containers[0]).toMatchObject({ imagePullPolicy: 'IfNotPresent', terminationMessagePath: '/dev/termination-log', ports: [{ containerPort: 9898, protocol: 'TCP' }] });
  });

  it('rejects a Service without ports and a Service name that is not DNS-1035', async () => {
    const noPorts = await failure(cluster.core.createNamespacedService({ namespace: 'default', body: { metadata: { name: 'v-svc' }, spec: { selector: { app: 'x' } } } }));
    expect(noPorts.code).toBe(422);
    expect((noPorts.status['details'] as { causes: unknown[] }).causes).toContainEqual(expect.objectContaining({ field: 'spec.ports', reason: 'FieldValueRequired' }));
    const badName = await failure(cluster.core.createNamespacedService({ namespace: 'default', body: { metadata: { name: '1svc' }, spec: { ports: [{ port: 80 }] } } }));
    expect((badName.status['details'] as { causes: unknown[] }).causes).toContainEqual(expect.objectContaining({ field: 'metadata.name', reason: 'FieldValueInvalid' }));
  });

  it('allocates a cluster IP and keeps it when an update leaves it out', async () => {
    const made = await cluster.core.createNamespacedService({ namespace: 'default', body: { metadata: { name: 'v-ip' }, spec: { selector: { app: 'x' }, ports: [{ port: 80 }] } } });
    expect(made.spec?.clusterIP).toMatch(/^10\.96\.\d+\.\d+$/);
    expect(made.spec?.ports?.[0]).toMatchObject({ port: 80, targetPort: 80, protocol: 'TCP' });
    const replaced = await cluster.core.replaceNamespacedService({ name: 'v-ip', namespace: 'default', body: { metadata: { name: 'v-ip', resourceVersion: made.metadata?.resourceVersion }, spec: { selector: { app: 'y' }, ports: [{ port: 80 }] } } });
    expect(replaced.spec?.clusterIP).toBe(made.spec?.clusterIP);
  });

  it.each([
    ['ConfigMap with a bad key', () => cluster.core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'v-cm' }, data: { 'bad key': 'x' } } }), 'data'],
    ['HPA with max below min', () => cluster.kc.makeApiClient(AutoscalingV2Api).createNamespacedHorizontalPodAutoscaler({ namespace: 'default', body: { metadata: { name: 'v-hpa' }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'x' }, minReplicas: 3, maxReplicas: 2 } } }), 'spec.maxReplicas'],
    ['Ingress path without pathType', () => cluster.kc.makeApiClient(NetworkingV1Api).createNamespacedIngress({ namespace: 'default', body: { metadata: { name: 'v-ing' }, spec: { rules: [{ host: 'a.example.com', http: { paths: [{ path: '/', backend: { service: { name: 'svc', port: { number: 80 } } } } as never] } }] } } }), 'spec.rules[0].http.paths[0].pathType'],
    ['DaemonSet whose selector misses the template', () => cluster.apps.createNamespacedDaemonSet({ namespace: 'default', body: { metadata: { name: 'v-ds' }, spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'c' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } } } }), 'spec.template.metadata.labels'],
  ])('rejects a %s with 422 on the right field', async (_what, call, field) => {
    const { code, status } = await failure(call());
    expect(code).toBe(422);
    expect((status['details'] as { causes: Array<{ field: string }> }).causes.map((c) => c.field)).toContain(field);
  });
});
