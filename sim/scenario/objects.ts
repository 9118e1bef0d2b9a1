/**
 * What the scenario parser knows about Kubernetes objects in general: which kinds are cluster-scoped, where
 * an object without a namespace goes, and which objects are Flagger's.
 */
import type { Mapping } from './fields.ts';
import type { ScenarioObject } from './types.ts';

/** The namespace of FILE objects that do not name one. */
export const DEFAULT_NAMESPACE = 'default';

/** Kinds that live outside namespaces, so they get no default namespace. */
export const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([
  'APIService',
  'ClusterIssuer',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'GatewayClass',
  'IngressClass',
  'MutatingWebhookConfiguration',
  'Namespace',
  'Node',
  'PersistentVolume',
  'PriorityClass',
  'RuntimeClass',
  'StorageClass',
  'ValidatingWebhookConfiguration',
]);

/** The object with `metadata.namespace` set to `namespace` when its kind is namespaced and it names none. */
export function withNamespace(body: Mapping, namespace: string): ScenarioObject {
  const object = body as ScenarioObject;
  if (CLUSTER_SCOPED_KINDS.has(object.kind) || object.metadata.namespace !== undefined) return object;
  return { ...object, metadata: { ...object.metadata, namespace } };
}

/** True for an apiVersion of the `flagger.app` group. */
export function isFlaggerGroup(apiVersion: string): boolean {
  return apiVersion.startsWith('flagger.app/');
}
