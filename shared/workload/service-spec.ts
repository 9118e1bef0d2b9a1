/**
 * A Service target's spec apart from the fields the API server assigns: what the Service workload copies between
 * Services and what its revision hash covers. Kept apart from the workload so that a reader of hashes (the
 * watcher) does not carry the workload.
 */
import { canonicalJson } from '../json.ts';
import { shortHash } from './hash.ts';
import type { Service } from './objects.ts';

/** Service spec fields the API server assigns; never copied between Services nor hashed. */
export const ASSIGNED_SERVICE_FIELDS = ['clusterIP', 'clusterIPs', 'healthCheckNodePort'] as const;

/** `spec` without {@link ASSIGNED_SERVICE_FIELDS}. */
export function withoutAssigned(spec: Service['spec']): Service['spec'] {
  const copy = { ...spec };
  for (const key of ASSIGNED_SERVICE_FIELDS) delete copy[key];
  return copy;
}

/** The revision hash of a Service target: its spec without the fields the API server assigns. */
export function serviceSpecHash(spec: Service['spec']): string {
  return shortHash(canonicalJson(withoutAssigned(spec)));
}
