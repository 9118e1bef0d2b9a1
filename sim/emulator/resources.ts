import type { GroupVersionResource, KubeObject, ResourceType } from './types.ts';

const replicas = { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' } as const;

/** The built-in resources the emulator serves, in discovery order. */
export const BUILTIN_RESOURCES: readonly ResourceType[] = [
  { group: '', versions: ['v1'], resource: 'namespaces', singular: 'namespace', kind: 'Namespace', listKind: 'NamespaceList', namespaced: false, shortNames: ['ns'], status: true, generation: false },
  { group: '', versions: ['v1'], resource: 'services', singular: 'service', kind: 'Service', listKind: 'ServiceList', namespaced: true, shortNames: ['svc'], status: true, generation: false },
  { group: '', versions: ['v1'], resource: 'configmaps', singular: 'configmap', kind: 'ConfigMap', listKind: 'ConfigMapList', namespaced: true, shortNames: ['cm'], status: false, generation: false },
  { group: '', versions: ['v1'], resource: 'secrets', singular: 'secret', kind: 'Secret', listKind: 'SecretList', namespaced: true, status: false, generation: false },
  { group: '', versions: ['v1'], resource: 'events', singular: 'event', kind: 'Event', listKind: 'EventList', namespaced: true, shortNames: ['ev'], status: false, generation: false },
  { group: '', versions: ['v1'], resource: 'pods', singular: 'pod', kind: 'Pod', listKind: 'PodList', namespaced: true, shortNames: ['po'], status: true, generation: false, readOnly: true },
  { group: '', versions: ['v1'], resource: 'nodes', singular: 'node', kind: 'Node', listKind: 'NodeList', namespaced: false, shortNames: ['no'], status: true, generation: false, readOnly: true },
  { group: 'apps', versions: ['v1'], resource: 'deployments', singular: 'deployment', kind: 'Deployment', listKind: 'DeploymentList', namespaced: true, shortNames: ['deploy'], status: true, scale: replicas },
  { group: 'apps', versions: ['v1'], resource: 'daemonsets', singular: 'daemonset', kind: 'DaemonSet', listKind: 'DaemonSetList', namespaced: true, shortNames: ['ds'], status: true },
  { group: 'apps', versions: ['v1'], resource: 'replicasets', singular: 'replicaset', kind: 'ReplicaSet', listKind: 'ReplicaSetList', namespaced: true, shortNames: ['rs'], status: true, readOnly: true, scale: replicas },
  { group: 'autoscaling', versions: ['v2'], resource: 'horizontalpodautoscalers', singular: 'horizontalpodautoscaler', kind: 'HorizontalPodAutoscaler', listKind: 'HorizontalPodAutoscalerList', namespaced: true, shortNames: ['hpa'], status: true },
  { group: 'networking.k8s.io', versions: ['v1'], resource: 'ingresses', singular: 'ingress', kind: 'Ingress', listKind: 'IngressList', namespaced: true, shortNames: ['ing'], status: true },
  { group: 'events.k8s.io', versions: ['v1'], resource: 'events', singular: 'event', kind: 'Event', listKind: 'EventList', namespaced: true, shortNames: ['ev'], status: false, generation: false },
  // Stored and validated, not enforced: the emulator authorizes every request.
  { group: 'rbac.authorization.k8s.io', versions: ['v1'], resource: 'clusterroles', singular: 'clusterrole', kind: 'ClusterRole', listKind: 'ClusterRoleList', namespaced: false, status: false, generation: false },
  { group: 'rbac.authorization.k8s.io', versions: ['v1'], resource: 'clusterrolebindings', singular: 'clusterrolebinding', kind: 'ClusterRoleBinding', listKind: 'ClusterRoleBindingList', namespaced: false, status: false, generation: false },
  { group: 'rbac.authorization.k8s.io', versions: ['v1'], resource: 'roles', singular: 'role', kind: 'Role', listKind: 'RoleList', namespaced: true, status: false, generation: false },
  { group: 'rbac.authorization.k8s.io', versions: ['v1'], resource: 'rolebindings', singular: 'rolebinding', kind: 'RoleBinding', listKind: 'RoleBindingList', namespaced: true, status: false, generation: false },
  { group: 'apiextensions.k8s.io', versions: ['v1'], resource: 'customresourcedefinitions', singular: 'customresourcedefinition', kind: 'CustomResourceDefinition', listKind: 'CustomResourceDefinitionList', namespaced: false, shortNames: ['crd', 'crds'], status: true },
];

/** `apps/v1` for group `apps`, `v1` for the core group. */
export function apiVersionOf(group: string, version: string): string {
  return group === '' ? version : `${group}/${version}`;
}

/** Splits an apiVersion into group and version: `apps/v1` → `{group: 'apps', version: 'v1'}`. */
export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/**
 * The served resource types, keyed by group and plural. Custom resources are added and removed as their
 * CustomResourceDefinitions come and go.
 */
export class ResourceRegistry {
  private readonly types = new Map<string, ResourceType>();

  constructor(initial: readonly ResourceType[] = BUILTIN_RESOURCES) {
    for (const type of initial) this.add(type);
  }

  /** Serves `type`, replacing an earlier registration of the same group and plural. */
  add(type: ResourceType): void {
    this.types.set(`${type.group}/${type.resource}`, type);
  }

  remove(group: string, resource: string): void {
    this.types.delete(`${group}/${resource}`);
  }

  /** The type serving `gvr` (its version must be served), or `undefined`. */
  lookup(gvr: GroupVersionResource): ResourceType | undefined {
    const type = this.types.get(`${gvr.group}/${gvr.resource}`);
    return type && type.versions.includes(gvr.version) ? type : undefined;
  }

  /** The type of `group/resource` whatever the version. */
  byResource(group: string, resource: string): ResourceType | undefined {
    return this.types.get(`${group}/${resource}`);
  }

  /** The type serving objects of `apiVersion` and `kind`. */
  byKind(apiVersion: string, kind: string): { type: ResourceType; gvr: GroupVersionResource } | undefined {
    const { group, version } = parseApiVersion(apiVersion);
    for (const type of this.types.values()) {
      if (type.group === group && type.kind === kind && type.versions.includes(version)) return { type, gvr: { group, version, resource: type.resource } };
    }
    return undefined;
  }

  all(): ResourceType[] {
    return [...this.types.values()];
  }
}

/** The GVR that serves `object` in `registry`, or `undefined`. */
export function gvrOf(registry: ResourceRegistry, object: KubeObject): GroupVersionResource | undefined {
  return registry.byKind(object.apiVersion, object.kind)?.gvr;
}
