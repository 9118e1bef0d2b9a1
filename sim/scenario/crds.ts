/**
 * The routers' CustomResourceDefinitions the scenario cluster starts with ("every router Fledge supports
 * installed"). Until the emulator's CRD fixtures cover them, permissive CRDs (schema-less, unknown fields
 * preserved) serve the kinds the routers write, which is all the routers need from the API server.
 */
import type { KubeObject } from '../../shared/kube/index.ts';

interface Served {
  readonly group: string;
  readonly versions: readonly string[];
  readonly kind: string;
  readonly plural: string;
  readonly shortNames?: readonly string[];
}

const SERVED: readonly Served[] = [
  { group: 'networking.istio.io', versions: ['v1beta1', 'v1alpha3', 'v1'], kind: 'VirtualService', plural: 'virtualservices', shortNames: ['vs'] },
  { group: 'networking.istio.io', versions: ['v1beta1', 'v1alpha3', 'v1'], kind: 'DestinationRule', plural: 'destinationrules', shortNames: ['dr'] },
  { group: 'networking.istio.io', versions: ['v1beta1', 'v1alpha3', 'v1'], kind: 'Gateway', plural: 'gateways', shortNames: ['gw'] },
  { group: 'keda.sh', versions: ['v1alpha1'], kind: 'ScaledObject', plural: 'scaledobjects', shortNames: ['so'] },
];

/** CRDs for the router and autoscaler kinds of {@link SERVED}. */
export function routerCrds(): KubeObject[] {
  return SERVED.map((s) => ({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${s.plural}.${s.group}` },
    spec: {
      group: s.group,
      scope: 'Namespaced',
      names: { plural: s.plural, singular: s.kind.toLowerCase(), kind: s.kind, listKind: `${s.kind}List`, ...(s.shortNames ? { shortNames: [...s.shortNames] } : {}) },
      versions: s.versions.map((name, i) => ({
        name,
        served: true,
        storage: i === 0,
        subresources: { status: {} },
        schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
      })),
    },
  }));
}
