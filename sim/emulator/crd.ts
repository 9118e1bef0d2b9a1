import { invalid, invalidValue, required } from './errors.ts';
import type { StatusCause } from './errors.ts';
import type { KubeObject, PrinterColumn, ResourceType } from './types.ts';

interface CrdVersion {
  name?: unknown;
  served?: unknown;
  storage?: unknown;
  schema?: { openAPIV3Schema?: unknown };
  additionalPrinterColumns?: unknown;
  subresources?: { status?: unknown; scale?: { specReplicasPath?: unknown; statusReplicasPath?: unknown; labelSelectorPath?: unknown } };
}

interface CrdSpec {
  group?: unknown;
  scope?: unknown;
  names?: { plural?: unknown; singular?: unknown; kind?: unknown; listKind?: unknown; shortNames?: unknown; categories?: unknown };
  versions?: unknown;
}

const str = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

/**
 * The resource type a CustomResourceDefinition serves, or a 422 naming every invalid field, as the API
 * server's CRD validation would. Subresources come from the storage version (the emulator serves the same
 * ones for every version).
 */
export function crdResourceType(crd: KubeObject): ResourceType {
  const spec = (crd['spec'] ?? {}) as CrdSpec;
  const causes: StatusCause[] = [];
  const names = spec.names ?? {};
  if (!str(spec.group)) causes.push(required('spec.group'));
  if (!str(names.plural)) causes.push(required('spec.names.plural'));
  if (!str(names.kind)) causes.push(required('spec.names.kind'));
  if (spec.scope !== 'Namespaced' && spec.scope !== 'Cluster') causes.push({ reason: 'FieldValueNotSupported', message: `Unsupported value: ${JSON.stringify(spec.scope)}: supported values: "Cluster", "Namespaced"`, field: 'spec.scope' });
  const versions = Array.isArray(spec.versions) ? (spec.versions as CrdVersion[]) : [];
  if (versions.length === 0) causes.push(required('spec.versions', 'must have exactly one version marked as storage version'));
  versions.forEach((v, i) => {
    if (!str(v.name)) causes.push(required(`spec.versions[${i}].name`));
  });
  const storage = versions.filter((v) => v.storage === true);
  if (versions.length > 0 && storage.length !== 1) causes.push(invalidValue('spec.versions', storage.length, 'must have exactly one version marked as storage version'));
  if (str(names.plural) && str(spec.group) && crd.metadata.name !== `${names.plural}.${spec.group}`) {
    causes.push(invalidValue('metadata.name', crd.metadata.name, 'must be spec.names.plural+"."+spec.group'));
  }
  const stored = storage[0];
  const scale = stored?.subresources?.scale;
  if (scale && (!str(scale.specReplicasPath) || !str(scale.statusReplicasPath))) {
    causes.push(required('spec.versions[].subresources.scale.specReplicasPath'));
  }
  if (causes.length > 0) throw invalid({ group: 'apiextensions.k8s.io', resource: 'customresourcedefinitions', kind: 'CustomResourceDefinition', name: crd.metadata.name }, causes);

  const kind = names.kind as string;
  const served = versions.filter((v) => v.served !== false).map((v) => v.name as string);
  const storageName = stored?.name as string;
  const ordered = served.includes(storageName) ? [storageName, ...served.filter((v) => v !== storageName)] : served;
  return {
    group: spec.group as string,
    versions: ordered,
    resource: names.plural as string,
    singular: str(names.singular) ? names.singular : kind.toLowerCase(),
    kind,
    listKind: str(names.listKind) ? names.listKind : `${kind}List`,
    namespaced: spec.scope === 'Namespaced',
    ...(Array.isArray(names.shortNames) ? { shortNames: names.shortNames as string[] } : {}),
    status: stored?.subresources?.status !== undefined,
    ...(scale
      ? { scale: { specReplicasPath: scale.specReplicasPath as string, statusReplicasPath: scale.statusReplicasPath as string, ...(str(scale.labelSelectorPath) ? { labelSelectorPath: scale.labelSelectorPath } : {}) } }
      : {}),
    custom: true,
    columns: Object.fromEntries(versions.filter((v) => Array.isArray(v.additionalPrinterColumns)).map((v) => [v.name as string, v.additionalPrinterColumns as PrinterColumn[]])),
    schemas: Object.fromEntries(versions.filter((v) => v.served !== false && v.schema?.openAPIV3Schema !== undefined).map((v) => [v.name as string, v.schema?.openAPIV3Schema])),
  };
}

/** The OpenAPI schema of `version` in a CRD, or `undefined`. */
export function crdSchema(crd: KubeObject, version: string): unknown {
  const versions = ((crd['spec'] as CrdSpec | undefined)?.versions ?? []) as CrdVersion[];
  return versions.find((v) => v.name === version)?.schema?.openAPIV3Schema;
}

/** The status a real API server's CRD controllers give an accepted, established CRD. */
export function establishedStatus(crd: KubeObject, type: ResourceType, now: string): Record<string, unknown> {
  const names = ((crd['spec'] as CrdSpec | undefined)?.names ?? {}) as Record<string, unknown>;
  const storedVersions = new Set<string>(((crd['status'] as { storedVersions?: string[] } | undefined)?.storedVersions ?? []));
  storedVersions.add(type.versions[0] ?? '');
  return {
    conditions: [
      { type: 'NamesAccepted', status: 'True', lastTransitionTime: now, reason: 'NoConflicts', message: 'no conflicts found' },
      { type: 'Established', status: 'True', lastTransitionTime: now, reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' },
    ],
    acceptedNames: { ...names, plural: type.resource, singular: type.singular, kind: type.kind, listKind: type.listKind },
    storedVersions: [...storedVersions],
  };
}
