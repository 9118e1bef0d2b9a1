/**
 * Validation of the `flagger.app/v1beta1` documents of a scenario FILE. Delegates to `shared/api`'s validator so
 * that an invalid Canary is reported exactly as the controller reports it on a real cluster.
 */
import { API_VERSION, FLAGGER_KINDS, type FlaggerObject } from '../../shared/api/index.ts';
import { describe, isMapping, type Mapping } from './fields.ts';

/** The outcome of validating one Flagger document: the object when valid, else its problems. */
export interface FlaggerValidation {
  readonly object?: FlaggerObject;
  readonly issues: readonly { readonly path: string; readonly message: string }[];
}

/** Validates a document whose apiVersion is in the `flagger.app` group. */
export function validateFlaggerDocument(document: Mapping): FlaggerValidation {
  if (document['apiVersion'] !== API_VERSION) {
    return { issues: [{ path: 'apiVersion', message: `expected ${API_VERSION}, got ${describe(document['apiVersion'])}` }] };
  }
  const kind = document['kind'];
  if (typeof kind !== 'string' || !(FLAGGER_KINDS as readonly string[]).includes(kind)) {
    return { issues: [{ path: 'kind', message: `expected one of ${FLAGGER_KINDS.join(', ')}, got ${describe(kind)}` }] };
  }
  if (!isMapping(document['spec'])) {
    return { issues: [{ path: 'spec', message: document['spec'] === undefined ? 'required' : `expected a mapping, got ${describe(document['spec'])}` }] };
  }
  return { object: document as unknown as FlaggerObject, issues: [] };
}
