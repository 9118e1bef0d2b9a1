/**
 * Validation of the `flagger.app` documents of a scenario FILE, through `shared/api`'s parser: an invalid
 * Canary is reported exactly as the controller reports it on a real cluster.
 */
import { parseFlaggerObject, type FieldIssue, type FlaggerObject } from '../../shared/api/index.ts';
import type { Mapping } from './fields.ts';

/** The outcome of validating one Flagger document: the object when valid, its problems, and warnings. */
export interface FlaggerValidation {
  readonly object?: FlaggerObject;
  readonly issues: readonly FieldIssue[];
  readonly warnings: readonly FieldIssue[];
}

/** Validates a document whose apiVersion is in the `flagger.app` group. */
export function validateFlaggerDocument(document: Mapping): FlaggerValidation {
  const result = parseFlaggerObject(document);
  if (!result.ok) return { issues: result.errors, warnings: result.warnings };
  return { object: result.value, issues: [], warnings: result.warnings };
}
