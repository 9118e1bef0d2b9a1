/**
 * Taking over a router object a user made, and giving it back: the first write that changes it keeps its
 * original spec in an annotation (unless kubectl's last-applied one already holds it), and `finalize` puts
 * that spec back (Flagger's `original-configuration` convention).
 */
import { KubeConflictError } from '../kube/errors.ts';
import type { KubeClient, KubeObject } from '../kube/types.ts';
import type { Canary } from '../api/types.ts';
import { RouterError } from './errors.ts';
import { KUBECTL_ANNOTATION, ORIGINAL_CONFIGURATION_ANNOTATION, dotted, ownedBy } from './names.ts';

/**
 * Annotations for a write of a new spec over `current`: when the object is not the Canary's and no original is
 * kept yet, its current spec is kept in {@link ORIGINAL_CONFIGURATION_ANNOTATION}.
 */
export function keepOriginal(canary: Canary, current: KubeObject, annotations: Record<string, string>, originalSpec: unknown): Record<string, string> {
  const owned = ownedBy(current.metadata.ownerReferences, canary);
  if (owned || annotations[KUBECTL_ANNOTATION] || annotations[ORIGINAL_CONFIGURATION_ANNOTATION]) return annotations;
  return { ...annotations, [ORIGINAL_CONFIGURATION_ANNOTATION]: JSON.stringify(originalSpec) };
}

/** The spec a taken-over object had, from kubectl's last-applied annotation or Fledge's; `undefined` if none. */
export function originalSpec<S>(canary: Canary, object: KubeObject): S | undefined {
  return storedOriginalSpec(object.metadata.annotations ?? {}, `${object.kind} ${dotted(canary, object.metadata.name)}`) as S | undefined;
}

/** {@link originalSpec} from an object's annotations; `what` names the object in the error. */
export function storedOriginalSpec(annotations: Readonly<Record<string, string>>, what: string): unknown {
  try {
    if (annotations[KUBECTL_ANNOTATION]) return (JSON.parse(annotations[KUBECTL_ANNOTATION]) as { spec?: unknown }).spec;
    if (annotations[ORIGINAL_CONFIGURATION_ANNOTATION]) return JSON.parse(annotations[ORIGINAL_CONFIGURATION_ANNOTATION]) as unknown;
  } catch (error) {
    throw new RouterError(`finalize ${what}: cannot parse the stored original configuration`, { cause: error });
  }
  return undefined;
}

/** Creates `object`; one a concurrent invocation created first is left as it is (it holds the same content). */
export async function createOnce<T extends KubeObject>(kube: KubeClient, canary: Canary, object: T): Promise<T | undefined> {
  try {
    return await kube.create(object);
  } catch (error) {
    if (error instanceof KubeConflictError && error.alreadyExists) return undefined;
    if (error instanceof Error) throw error;
    throw new RouterError(`create ${object.kind} ${dotted(canary, object.metadata.name)}: ${String(error)}`);
  }
}
