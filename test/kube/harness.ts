/**
 * A running Kubernetes API emulator with Fledge's kube port pointed at it over real HTTP, for the kube,
 * workload and router tests. The CRDs are the minimal ones those tests need (Flagger's Canary with a status
 * subresource, Istio's VirtualService/DestinationRule, KEDA's ScaledObject).
 */
import { startEmulator, type Emulator } from '../../sim/emulator/index.ts';
import type { KubeObject } from '../../sim/emulator/types.ts';
import { createKubeClient, RequestCounter, type KubeClient } from '../../shared/kube/index.ts';

/** A CRD serving `kind` as `plural.group`, every field preserved, with a status subresource. */
export function crd(group: string, kind: string, plural: string, versions: readonly string[]): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      scope: 'Namespaced',
      names: { plural, singular: kind.toLowerCase(), kind, listKind: `${kind}List` },
      versions: versions.map((name, index) => ({
        name,
        served: true,
        storage: index === 0,
        schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
        subresources: { status: {} },
      })),
    },
  };
}

/** The CRDs the tests of this room need. */
export const TEST_CRDS: readonly KubeObject[] = [
  crd('flagger.app', 'Canary', 'canaries', ['v1beta1']),
  crd('networking.istio.io', 'VirtualService', 'virtualservices', ['v1beta1', 'v1alpha3', 'v1']),
  crd('networking.istio.io', 'DestinationRule', 'destinationrules', ['v1beta1', 'v1alpha3', 'v1']),
  crd('keda.sh', 'ScaledObject', 'scaledobjects', ['v1alpha1']),
];

/** An emulator, the kube port on it, and the request counter of that port. */
export interface KubeHarness {
  readonly emulator: Emulator;
  readonly kube: KubeClient;
  readonly counter: RequestCounter;
  stop(): Promise<void>;
}

/** Starts an emulator with {@link TEST_CRDS} and the namespace `test`. */
export async function startKube(): Promise<KubeHarness> {
  const emulator = await startEmulator({ crds: TEST_CRDS, clock: { now: () => new Date('2026-01-01T00:00:00Z') } });
  const counter = new RequestCounter();
  const kube = createKubeClient({ kubeconfig: emulator.kubeconfig(), onRequest: counter.hook });
  await kube.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'test' } });
  counter.reset();
  return { emulator, kube, counter, stop: () => emulator.stop() };
}
