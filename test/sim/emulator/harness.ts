import { AppsV1Api, ApiException, CoreV1Api, CustomObjectsApi, KubeConfig, KubernetesObjectApi, setHeaderOptions } from '@kubernetes/client-node';
import type { ConfigurationOptions, V1ConfigMap, V1Deployment } from '@kubernetes/client-node';
import { startEmulator } from '../../../sim/emulator/index.ts';
import type { Emulator, EmulatorOptions, KubeObject } from '../../../sim/emulator/index.ts';

/** A running emulator and real client-node clients pointed at it through its kubeconfig. */
export interface Cluster {
  readonly emulator: Emulator;
  readonly kc: KubeConfig;
  readonly core: CoreV1Api;
  readonly apps: AppsV1Api;
  readonly custom: CustomObjectsApi;
  readonly objects: KubernetesObjectApi;
}

export async function startCluster(options: EmulatorOptions = {}): Promise<Cluster> {
  const emulator = await startEmulator(options);
  const kc = new KubeConfig();
  kc.loadFromString(emulator.kubeconfig());
  return {
    emulator,
    kc,
    core: kc.makeApiClient(CoreV1Api),
    apps: kc.makeApiClient(AppsV1Api),
    custom: kc.makeApiClient(CustomObjectsApi),
    objects: KubernetesObjectApi.makeApiClient(kc),
  };
}

/** client-node 2's way to send a patch content type. */
export function patchAs(contentType: string): ConfigurationOptions {
  return setHeaderOptions('Content-Type', contentType);
}

/** The `Status` a failed client-node call carries, with its HTTP code. */
export async function failure(call: Promise<unknown>): Promise<{ code: number; status: Record<string, unknown> }> {
  try {
    await call;
  } catch (error) {
    if (error instanceof ApiException) {
      const body = typeof error.body === 'string' ? (JSON.parse(error.body) as Record<string, unknown>) : (error.body as Record<string, unknown>);
      return { code: error.code, status: body };
    }
    throw error;
  }
  throw new Error('expected the call to fail');
}

export function deployment(name: string, image = 'ghcr.io/stefanprodan/podinfo:6.0.0', namespace = 'default'): V1Deployment & KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels: { app: name } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'app', image, ports: [{ containerPort: 9898, name: 'http' }], env: [{ name: 'A', value: '1' }] }] },
      },
    },
  };
}

export function configMap(name: string, data: Record<string, string> = {}, namespace = 'default'): V1ConfigMap & KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data };
}

/**
 * Creates a CRD with a plain HTTP POST. client-node's generic API serializes through its typed models,
 * which expect camelCase keys and would drop `x-kubernetes-preserve-unknown-fields` from a plain object.
 */
export async function createCrd(cluster: Cluster, crd: KubeObject): Promise<void> {
  const res = await fetch(`${cluster.emulator.url}/apis/apiextensions.k8s.io/v1/customresourcedefinitions`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(crd) });
  if (res.status !== 201) throw new Error(`creating CRD ${crd.metadata.name}: HTTP ${res.status}: ${await res.text()}`);
}
