/**
 * Kind → resource mapping. The kinds Fledge touches are known up front, so a tick needs no discovery
 * request; any other kind is looked up once through API discovery and cached by the client.
 */

/** Where a kind is served: its plural resource name and whether it lives in a namespace. */
export interface ResourceInfo {
  readonly resource: string;
  readonly namespaced: boolean;
}

/** The kinds Fledge reads and writes, keyed `group/Kind` (core group: `/Kind`); valid for every served version. */
const KNOWN: Readonly<Record<string, ResourceInfo>> = {
  '/Namespace': { resource: 'namespaces', namespaced: false },
  '/Service': { resource: 'services', namespaced: true },
  '/ConfigMap': { resource: 'configmaps', namespaced: true },
  '/Secret': { resource: 'secrets', namespaced: true },
  '/Event': { resource: 'events', namespaced: true },
  '/Pod': { resource: 'pods', namespaced: true },
  '/Node': { resource: 'nodes', namespaced: false },
  'events.k8s.io/Event': { resource: 'events', namespaced: true },
  'apps/Deployment': { resource: 'deployments', namespaced: true },
  'apps/DaemonSet': { resource: 'daemonsets', namespaced: true },
  'apps/ReplicaSet': { resource: 'replicasets', namespaced: true },
  'apps/StatefulSet': { resource: 'statefulsets', namespaced: true },
  'autoscaling/HorizontalPodAutoscaler': { resource: 'horizontalpodautoscalers', namespaced: true },
  'networking.k8s.io/Ingress': { resource: 'ingresses', namespaced: true },
  'apiextensions.k8s.io/CustomResourceDefinition': { resource: 'customresourcedefinitions', namespaced: false },
  'flagger.app/Canary': { resource: 'canaries', namespaced: true },
  'flagger.app/MetricTemplate': { resource: 'metrictemplates', namespaced: true },
  'flagger.app/AlertProvider': { resource: 'alertproviders', namespaced: true },
  'networking.istio.io/VirtualService': { resource: 'virtualservices', namespaced: true },
  'networking.istio.io/DestinationRule': { resource: 'destinationrules', namespaced: true },
  'gateway.networking.k8s.io/HTTPRoute': { resource: 'httproutes', namespaced: true },
  'gateway.networking.k8s.io/Gateway': { resource: 'gateways', namespaced: true },
  'keda.sh/ScaledObject': { resource: 'scaledobjects', namespaced: true },
};

/** Splits `apps/v1` into `{group: 'apps', version: 'v1'}`; the core group is `''`. */
export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** The built-in mapping for `kind` in `apiVersion`'s group, or `undefined` when discovery must answer. */
export function knownResource(apiVersion: string, kind: string): ResourceInfo | undefined {
  return KNOWN[`${splitApiVersion(apiVersion).group}/${kind}`];
}

/** `/api/v1` or `/apis/<group>/<version>`. */
export function groupVersionPath(apiVersion: string): string {
  const { group, version } = splitApiVersion(apiVersion);
  return group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
}

/** The path of a collection, or of one object when `name` is given, or of its subresource. */
export function resourcePath(
  apiVersion: string,
  info: ResourceInfo,
  namespace: string | undefined,
  name?: string,
  subresource?: string,
): string {
  let path = groupVersionPath(apiVersion);
  if (info.namespaced && namespace) path += `/namespaces/${encodeURIComponent(namespace)}`;
  path += `/${info.resource}`;
  if (name !== undefined) path += `/${encodeURIComponent(name)}`;
  if (subresource !== undefined) path += `/${subresource}`;
  return path;
}

/** One entry of an `APIResourceList` as discovery returns it. */
interface DiscoveredResource {
  name: string;
  kind: string;
  namespaced: boolean;
}

/** Picks the main resource (not a subresource like `deployments/status`) serving `kind` from a discovery answer. */
export function resourceFromDiscovery(body: unknown, kind: string): ResourceInfo | undefined {
  const resources = (body as { resources?: DiscoveredResource[] } | null)?.resources ?? [];
  const found = resources.find((r) => r.kind === kind && !r.name.includes('/'));
  return found ? { resource: found.name, namespaced: found.namespaced } : undefined;
}
