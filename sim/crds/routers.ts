/**
 * Minimal CustomResourceDefinitions for the kinds Flagger's routers and autoscaler integrations read and
 * write: the real groups, versions, kinds, plurals, scopes and subresources, with permissive structural
 * schemas (`spec` and `status` keep unknown fields), so that every router works against the emulator once
 * these are installed. They are ours, written from each project's published API surface.
 */
import type { KubeObject } from '../emulator/types.ts';

/** One served kind. */
export interface CrdSpec {
  readonly group: string;
  /** Served versions; the first is the storage version. */
  readonly versions: readonly string[];
  readonly kind: string;
  readonly plural: string;
  readonly scope?: 'Namespaced' | 'Cluster';
  readonly shortNames?: readonly string[];
  /** Serves `/status`. @default true */
  readonly status?: boolean;
  /** Serves `/scale` with these paths. @default none */
  readonly scale?: { readonly specReplicasPath: string; readonly statusReplicasPath: string; readonly labelSelectorPath?: string };
  readonly categories?: readonly string[];
  /** Top-level fields besides `spec` and `status` the kind keeps (Kuma's `mesh`). @default none */
  readonly fields?: Readonly<Record<string, { readonly type: string }>>;
}

const ISTIO = ['v1beta1', 'v1', 'v1alpha3'];
const GATEWAY_API = ['v1', 'v1beta1'];

/** Router, mesh and autoscaler kinds by provider. */
export const ROUTER_KINDS: Readonly<Record<string, readonly CrdSpec[]>> = {
  istio: [
    { group: 'networking.istio.io', versions: ISTIO, kind: 'VirtualService', plural: 'virtualservices', shortNames: ['vs'], categories: ['istio-io', 'networking-istio-io'] },
    { group: 'networking.istio.io', versions: ISTIO, kind: 'DestinationRule', plural: 'destinationrules', shortNames: ['dr'], categories: ['istio-io', 'networking-istio-io'] },
    { group: 'networking.istio.io', versions: ISTIO, kind: 'Gateway', plural: 'gateways', shortNames: ['gw'], categories: ['istio-io', 'networking-istio-io'] },
  ],
  gatewayapi: [
    { group: 'gateway.networking.k8s.io', versions: GATEWAY_API, kind: 'HTTPRoute', plural: 'httproutes', categories: ['gateway-api'] },
    { group: 'gateway.networking.k8s.io', versions: GATEWAY_API, kind: 'Gateway', plural: 'gateways', shortNames: ['gtw'], categories: ['gateway-api'] },
    { group: 'gateway.networking.k8s.io', versions: GATEWAY_API, kind: 'GatewayClass', plural: 'gatewayclasses', scope: 'Cluster', shortNames: ['gc'], categories: ['gateway-api'] },
    { group: 'gateway.networking.k8s.io', versions: ['v1beta1'], kind: 'ReferenceGrant', plural: 'referencegrants', shortNames: ['refgrant'], status: false, categories: ['gateway-api'] },
  ],
  smi: [{ group: 'split.smi-spec.io', versions: ['v1alpha1', 'v1alpha2', 'v1alpha3', 'v1alpha4'], kind: 'TrafficSplit', plural: 'trafficsplits', shortNames: ['ts'], status: false }],
  contour: [{ group: 'projectcontour.io', versions: ['v1'], kind: 'HTTPProxy', plural: 'httpproxies', shortNames: ['proxy', 'proxies'] }],
  traefik: [
    { group: 'traefik.io', versions: ['v1alpha1'], kind: 'TraefikService', plural: 'traefikservices', status: false },
    { group: 'traefik.io', versions: ['v1alpha1'], kind: 'IngressRoute', plural: 'ingressroutes', status: false },
    { group: 'traefik.containo.us', versions: ['v1alpha1'], kind: 'TraefikService', plural: 'traefikservices', status: false },
  ],
  gloo: [
    { group: 'gateway.solo.io', versions: ['v1'], kind: 'RouteTable', plural: 'routetables', shortNames: ['rt'] },
    { group: 'gloo.solo.io', versions: ['v1'], kind: 'Upstream', plural: 'upstreams', shortNames: ['us'] },
    { group: 'gateway.solo.io', versions: ['v1'], kind: 'VirtualService', plural: 'virtualservices', shortNames: ['vs'] },
  ],
  kuma: [{ group: 'kuma.io', versions: ['v1alpha1'], kind: 'TrafficRoute', plural: 'trafficroutes', scope: 'Cluster', status: false, fields: { mesh: { type: 'string' } } }],
  apisix: [{ group: 'apisix.apache.org', versions: ['v2'], kind: 'ApisixRoute', plural: 'apisixroutes', shortNames: ['ar'] }],
  appmesh: [
    { group: 'appmesh.k8s.aws', versions: ['v1beta2'], kind: 'VirtualNode', plural: 'virtualnodes' },
    { group: 'appmesh.k8s.aws', versions: ['v1beta2'], kind: 'VirtualService', plural: 'virtualservices' },
    { group: 'appmesh.k8s.aws', versions: ['v1beta2'], kind: 'VirtualRouter', plural: 'virtualrouters' },
  ],
  knative: [
    { group: 'serving.knative.dev', versions: ['v1'], kind: 'Service', plural: 'services', shortNames: ['kservice', 'ksvc'], categories: ['all', 'knative', 'serving'] },
    { group: 'serving.knative.dev', versions: ['v1'], kind: 'Revision', plural: 'revisions', shortNames: ['rev'], categories: ['all', 'knative', 'serving'] },
  ],
  alb: [{ group: 'elbv2.k8s.aws', versions: ['v1beta1'], kind: 'TargetGroupBinding', plural: 'targetgroupbindings', categories: ['all'] }],
  keda: [{ group: 'keda.sh', versions: ['v1alpha1'], kind: 'ScaledObject', plural: 'scaledobjects', shortNames: ['so'] }],
};

const PERMISSIVE = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } as const;

/** A valid `apiextensions.k8s.io/v1` CustomResourceDefinition for `spec`. */
export function crdFor(spec: CrdSpec): KubeObject {
  const subresources = {
    ...(spec.status !== false ? { status: {} } : {}),
    ...(spec.scale ? { scale: { ...spec.scale } } : {}),
  };
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${spec.plural}.${spec.group}`, labels: { 'app.kubernetes.io/part-of': 'fledge-emulator' } },
    spec: {
      group: spec.group,
      scope: spec.scope ?? 'Namespaced',
      names: {
        plural: spec.plural,
        singular: spec.kind.toLowerCase(),
        kind: spec.kind,
        listKind: `${spec.kind}List`,
        ...(spec.shortNames ? { shortNames: [...spec.shortNames] } : {}),
        ...(spec.categories ? { categories: [...spec.categories] } : {}),
      },
      versions: spec.versions.map((name, i) => ({
        name,
        served: true,
        storage: i === 0,
        ...(Object.keys(subresources).length > 0 ? { subresources } : {}),
        schema: { openAPIV3Schema: { type: 'object', properties: { ...spec.fields, spec: PERMISSIVE, status: PERMISSIVE } } },
      })),
    },
  };
}
