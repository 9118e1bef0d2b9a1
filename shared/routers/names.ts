/** Names and metadata every router derives from the Canary the same way. */
import type { Canary } from '../api/types.ts';
import type { OwnerReference } from '../kube/types.ts';

/** Where kubectl keeps the last applied manifest; Flagger restores taken-over objects from it. */
export const KUBECTL_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';
/** Where Flagger keeps the spec of an object it took over when kubectl left no annotation. */
export const ORIGINAL_CONFIGURATION_ANNOTATION = 'flagger.kubernetes.app/original-configuration';

/** The three Service names: `<apex>`, `<apex>-primary`, `<apex>-canary`, apex = `spec.service.name` or the target's. */
export interface ServiceNames {
  readonly apex: string;
  readonly primary: string;
  readonly canary: string;
}

/** Flagger's `GetServiceNames`. */
export function serviceNames(canary: Canary): ServiceNames {
  const apex = canary.spec.service?.name || canary.spec.targetRef.name;
  return { apex, primary: `${apex}-primary`, canary: `${apex}-canary` };
}

/** The Canary's namespace; `default` when the manifest left it out. */
export function namespaceOf(canary: Canary): string {
  return canary.metadata.namespace || 'default';
}

/** `name.namespace`, the way Flagger names objects in messages. */
export function dotted(canary: Canary, name: string): string {
  return `${name}.${namespaceOf(canary)}`;
}

/** The controller owner reference to the Canary, or none when it has no uid (not from a cluster). */
export function ownerReferences(canary: Canary): OwnerReference[] {
  const uid = canary.metadata.uid;
  if (!uid || !canary.metadata.name) return [];
  return [{ apiVersion: canary.apiVersion, kind: 'Canary', name: canary.metadata.name, uid, controller: true, blockOwnerDeletion: true }];
}

/** `true` when `owners` hold a controller reference to this Canary. */
export function ownedBy(owners: readonly OwnerReference[] | undefined, canary: Canary): boolean {
  return (owners ?? []).some((o) => o.kind === 'Canary' && o.controller === true && o.name === canary.metadata.name);
}

/**
 * Annotations of a router object Fledge manages: Flux's keys dropped, and Flux and Helm told not to revert
 * Fledge's changes (Flagger's router `filterMetadata`).
 */
export function managedAnnotations(annotations: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(annotations ?? {})) if (!key.includes('toolkit.fluxcd.io')) out[key] = value;
  out['kustomize.toolkit.fluxcd.io/reconcile'] = 'disabled';
  out['helm.toolkit.fluxcd.io/driftDetection'] = 'disabled';
  return out;
}
