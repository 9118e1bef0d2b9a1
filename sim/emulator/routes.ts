/**
 * Parses request paths of the Kubernetes REST API into what they address.
 */

/** A resource request: `/apis/apps/v1/namespaces/test/deployments/podinfo/scale`. */
export interface ResourcePath {
  readonly kind: 'resource';
  readonly group: string;
  readonly version: string;
  readonly resource: string;
  /** Set for namespaced requests (including a namespace's own subresources, where it equals `name`). */
  readonly namespace?: string;
  readonly name?: string;
  readonly subresource?: string;
}

/** A discovery or server-info request. */
export type InfoPath =
  | { readonly kind: 'version' }
  | { readonly kind: 'coreVersions' }
  | { readonly kind: 'groups' }
  | { readonly kind: 'group'; readonly group: string }
  | { readonly kind: 'resources'; readonly group: string; readonly version: string }
  | { readonly kind: 'health' }
  /** `/openapi/v2`, `/openapi/v3` and `/openapi/v3/<api|apis/group>/<version>`. */
  | { readonly kind: 'openapi'; readonly version: 'v2' | 'v3'; readonly groupVersion?: string };

/** Every path the emulator understands; `undefined` for any other. */
export type ApiPath = ResourcePath | InfoPath;

/** Parses `pathname` (without query string); segments are URL-decoded. */
export function parsePath(pathname: string): ApiPath | undefined {
  const parts = pathname.split('/').filter((p) => p !== '').map((p) => decodeURIComponent(p));
  const [root, ...rest] = parts;
  if (root === 'version' && rest.length === 0) return { kind: 'version' };
  if ((root === 'healthz' || root === 'livez' || root === 'readyz') && rest.length === 0) return { kind: 'health' };
  if (root === 'openapi') {
    const [version, ...gv] = rest;
    if (version === 'v2' && gv.length === 0) return { kind: 'openapi', version: 'v2' };
    if (version === 'v3') return gv.length === 0 ? { kind: 'openapi', version: 'v3' } : { kind: 'openapi', version: 'v3', groupVersion: gv.join('/') };
    return undefined;
  }
  if (root === 'api') {
    if (rest.length === 0) return { kind: 'coreVersions' };
    const [version, ...tail] = rest;
    return version === undefined ? undefined : resourceOrList('', version, tail);
  }
  if (root === 'apis') {
    if (rest.length === 0) return { kind: 'groups' };
    const [group, version, ...tail] = rest;
    if (group === undefined) return undefined;
    if (version === undefined) return { kind: 'group', group };
    return resourceOrList(group, version, tail);
  }
  return undefined;
}

function resourceOrList(group: string, version: string, tail: string[]): ApiPath | undefined {
  if (tail.length === 0) return { kind: 'resources', group, version };
  const base = { kind: 'resource' as const, group, version };
  // /namespaces/{ns}/{resource}[/{name}[/{sub}]]; /namespaces/{name}[/{sub}] addresses the namespace itself.
  if (group === '' && tail[0] === 'namespaces' && tail.length >= 3 && !isNamespaceSubresource(tail)) {
    const [, namespace, resource, name, subresource, ...extra] = tail;
    if (extra.length > 0 || resource === undefined) return undefined;
    return { ...base, namespace, resource, ...(name !== undefined ? { name } : {}), ...(subresource !== undefined ? { subresource } : {}) };
  }
  if (group !== '' && tail[0] === 'namespaces' && tail.length >= 3) {
    const [, namespace, resource, name, subresource, ...extra] = tail;
    if (extra.length > 0 || resource === undefined) return undefined;
    return { ...base, namespace, resource, ...(name !== undefined ? { name } : {}), ...(subresource !== undefined ? { subresource } : {}) };
  }
  const [resource, name, subresource, ...extra] = tail;
  if (extra.length > 0 || resource === undefined) return undefined;
  return { ...base, resource, ...(name !== undefined ? { name } : {}), ...(subresource !== undefined ? { subresource } : {}) };
}

function isNamespaceSubresource(tail: string[]): boolean {
  return tail.length === 3 && (tail[2] === 'status' || tail[2] === 'finalize');
}
