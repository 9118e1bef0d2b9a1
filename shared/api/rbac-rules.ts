/**
 * The Kubernetes permissions of the Fledge controller, one rule per concern, each saying why. Router
 * kinds are listed per provider so the role covers every `spec.provider` the API accepts.
 */

/** One RBAC policy rule. */
export interface PolicyRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
}

const MANAGE = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] as const;
const READ = ['get', 'list', 'watch'] as const;

/** The router objects each provider manages (Flagger's router kinds). */
export const ROUTER_RESOURCES: Record<string, PolicyRule> = {
  istio: { apiGroups: ['networking.istio.io'], resources: ['virtualservices', 'destinationrules'], verbs: MANAGE },
  gatewayapi: { apiGroups: ['gateway.networking.k8s.io'], resources: ['httproutes'], verbs: MANAGE },
  'nginx, skipper, alb': { apiGroups: ['networking.k8s.io'], resources: ['ingresses'], verbs: MANAGE },
  contour: { apiGroups: ['projectcontour.io'], resources: ['httpproxies'], verbs: MANAGE },
  gloo: { apiGroups: ['gloo.solo.io', 'gateway.solo.io'], resources: ['upstreams', 'routetables'], verbs: MANAGE },
  traefik: { apiGroups: ['traefik.io', 'traefik.containo.us'], resources: ['traefikservices'], verbs: MANAGE },
  'linkerd, osm, smi': { apiGroups: ['split.smi-spec.io'], resources: ['trafficsplits'], verbs: MANAGE },
  appmesh: {
    apiGroups: ['appmesh.k8s.aws'],
    resources: ['meshes', 'virtualnodes', 'virtualservices', 'virtualrouters'],
    verbs: MANAGE,
  },
  kuma: { apiGroups: ['kuma.io'], resources: ['trafficroutes'], verbs: MANAGE },
  knative: { apiGroups: ['serving.knative.dev'], resources: ['services'], verbs: ['get', 'list', 'watch', 'update', 'patch'] },
  apisix: { apiGroups: ['apisix.apache.org'], resources: ['apisixroutes'], verbs: MANAGE },
};

/** Every rule of the controller's ClusterRole. */
export const CLUSTER_ROLE_RULES: readonly PolicyRule[] = [
  // Targets and their generated primaries.
  { apiGroups: ['apps'], resources: ['deployments', 'daemonsets'], verbs: MANAGE },
  { apiGroups: ['apps'], resources: ['deployments/scale'], verbs: ['get', 'update', 'patch'] },
  // Apex/primary/canary Services; ConfigMaps and Secrets tracked by the target are copied for the primary.
  { apiGroups: [''], resources: ['services', 'configmaps', 'secrets'], verbs: MANAGE },
  // Readiness detail of canary and primary pods.
  { apiGroups: [''], resources: ['pods'], verbs: READ },
  // A Knative Service target: the readiness of its Revisions (the pinned primary and the latest one).
  { apiGroups: ['serving.knative.dev'], resources: ['revisions'], verbs: READ },
  // Autoscalers of the target, copied for the primary.
  { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: MANAGE },
  { apiGroups: ['keda.sh'], resources: ['scaledobjects'], verbs: MANAGE },
  // Events on the Canary, as Flagger records them.
  { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
  { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: ['create', 'patch'] },
  // The Flagger API: Canaries are watched and their status mirrored; templates and providers are read.
  { apiGroups: ['flagger.app'], resources: ['canaries', 'canaries/finalizers'], verbs: ['get', 'list', 'watch', 'update', 'patch'] },
  { apiGroups: ['flagger.app'], resources: ['canaries/status'], verbs: ['get', 'update', 'patch'] },
  { apiGroups: ['flagger.app'], resources: ['metrictemplates', 'alertproviders'], verbs: READ },
  // Metric providers that read the cluster: `keptn` reads KeptnMetrics and runs (creates, polls, deletes)
  // Analyses; `externalmetrics` without an address reads the external metrics API.
  { apiGroups: ['metrics.keptn.sh'], resources: ['keptnmetrics'], verbs: ['get'] },
  { apiGroups: ['metrics.keptn.sh'], resources: ['analyses'], verbs: ['get', 'create', 'delete'] },
  { apiGroups: ['external.metrics.k8s.io'], resources: ['*'], verbs: ['get'] },
  ...Object.values(ROUTER_RESOURCES),
];
