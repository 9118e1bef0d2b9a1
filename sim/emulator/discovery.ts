import { resourceNotFound } from './errors.ts';
import type { InfoPath } from './routes.ts';
import type { ResourceType } from './types.ts';

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const READ_VERBS = ['get', 'list', 'watch'];
const SUB_VERBS = ['get', 'patch', 'update'];
/** Built-in resources in the `all` category (`kubectl get all`). */
const IN_ALL = new Set(['deployments', 'daemonsets', 'replicasets', 'pods', 'services', 'horizontalpodautoscalers']);

/** The Kubernetes version the emulator answers `/version` with. */
export const EMULATED_VERSION = { major: '1', minor: '31', gitVersion: 'v1.31.0-fledge-emulator' } as const;

/**
 * Orders API versions as Kubernetes does: GA before beta before alpha, higher numbers first, then
 * non-Kubernetes-style versions alphabetically (`v1` > `v1beta2` > `v1beta1` > `v1alpha1`).
 */
export function compareVersions(a: string, b: string): number {
  const parse = (v: string) => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return { rank: 0, major: 0, minor: 0 };
    return { rank: m[2] === undefined ? 3 : m[2] === 'beta' ? 2 : 1, major: Number(m[1]), minor: Number(m[3] ?? 0) };
  };
  const [x, y] = [parse(a), parse(b)];
  if (x.rank !== y.rank) return y.rank - x.rank;
  if (x.rank === 0) return a.localeCompare(b);
  return y.major - x.major || y.minor - x.minor;
}

function resourceEntries(type: ResourceType): Record<string, unknown>[] {
  const main: Record<string, unknown> = {
    name: type.resource,
    singularName: type.singular,
    namespaced: type.namespaced,
    kind: type.kind,
    verbs: type.readOnly ? READ_VERBS : ALL_VERBS,
    ...(type.shortNames ? { shortNames: type.shortNames } : {}),
    ...(!type.custom && IN_ALL.has(type.resource) ? { categories: ['all'] } : {}),
  };
  const out = [main];
  if (type.status) out.push({ name: `${type.resource}/status`, singularName: '', namespaced: type.namespaced, kind: type.kind, verbs: type.readOnly ? ['get'] : SUB_VERBS });
  if (type.scale) out.push({ name: `${type.resource}/scale`, singularName: '', namespaced: type.namespaced, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: type.readOnly ? ['get'] : SUB_VERBS });
  return out;
}

function groupsOf(types: readonly ResourceType[]): Map<string, Set<string>> {
  const groups = new Map<string, Set<string>>();
  for (const type of types) {
    if (type.group === '') continue;
    const versions = groups.get(type.group) ?? new Set<string>();
    for (const v of type.versions) versions.add(v);
    groups.set(type.group, versions);
  }
  return groups;
}

function apiGroup(name: string, versions: Set<string>): Record<string, unknown> {
  const sorted = [...versions].sort(compareVersions);
  const list = sorted.map((version) => ({ groupVersion: `${name}/${version}`, version }));
  return { name, versions: list, preferredVersion: list[0] };
}

/** The discovery document for an info path, or a 404 `ApiError` when the group or version is not served. */
export function discovery(path: InfoPath, types: readonly ResourceType[], serverAddress: string): unknown {
  switch (path.kind) {
    case 'version':
      return { ...EMULATED_VERSION, gitCommit: '0000000000000000000000000000000000000000', gitTreeState: 'clean', buildDate: '2026-01-01T00:00:00Z', goVersion: 'go1.22.0', compiler: 'gc', platform: 'linux/amd64' };
    case 'health':
      return 'ok';
    case 'coreVersions':
      return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
    case 'groups':
      return { kind: 'APIGroupList', apiVersion: 'v1', groups: [...groupsOf(types)].map(([name, versions]) => apiGroup(name, versions)) };
    case 'group': {
      const versions = groupsOf(types).get(path.group);
      if (!versions) throw resourceNotFound(path.group);
      return { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(path.group, versions) };
    }
    case 'resources': {
      const served = types.filter((t) => t.group === path.group && t.versions.includes(path.version));
      if (served.length === 0 && !(path.group === '' && path.version === 'v1')) throw resourceNotFound(`${path.group}/${path.version}`);
      const groupVersion = path.group === '' ? path.version : `${path.group}/${path.version}`;
      return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion, resources: served.flatMap(resourceEntries) };
    }
    case 'openapi':
      return openapi(path, types);
    default: {
      const never: never = path;
      return never;
    }
  }
}

/**
 * OpenAPI documents without schemas: enough for kubectl's client-side validation to find the server's
 * group versions and let every object through (the server validates), as for schema-less CRDs.
 */
function openapi(path: Extract<InfoPath, { kind: 'openapi' }>, types: readonly ResourceType[]): unknown {
  const groupVersions = new Set(['api/v1', ...types.flatMap((t) => t.versions.map((v) => (t.group === '' ? `api/${v}` : `apis/${t.group}/${v}`)))]);
  if (path.version === 'v2') return { swagger: '2.0', info: { title: 'Kubernetes', version: EMULATED_VERSION.gitVersion }, paths: {}, definitions: {} };
  if (path.groupVersion === undefined) {
    return { paths: Object.fromEntries([...groupVersions].sort().map((gv) => [gv, { serverRelativeURL: `/openapi/v3/${gv}` }])) };
  }
  if (!groupVersions.has(path.groupVersion)) throw resourceNotFound(`openapi/v3/${path.groupVersion}`);
  const [prefix, ...gv] = path.groupVersion.split('/');
  const group = prefix === 'api' ? '' : (gv[0] ?? '');
  const version = prefix === 'api' ? (gv[0] ?? '') : (gv[1] ?? '');
  const schemas: Record<string, unknown> = {};
  for (const t of types.filter((x) => x.group === group && x.versions.includes(version))) {
    for (const kind of [t.kind, t.listKind]) {
      schemas[`${group || 'core'}.${version}.${kind}`] = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, 'x-kubernetes-group-version-kind': [{ group, version, kind }] };
    }
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: EMULATED_VERSION.gitVersion }, paths: {}, components: { schemas } };
}
