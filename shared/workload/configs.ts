/**
 * Config tracking as Flagger does it: the ConfigMaps and Secrets a pod template references (volumes,
 * projected volumes, env `valueFrom` and `envFrom` of containers and init containers) are tracked by
 * checksum, copied for the primary as `<name>-primary`, and the primary's template is rewired to the copies.
 */
import { KubeConflictError } from '../kube/errors.ts';
import type { KubeClient, OwnerReference } from '../kube/types.ts';
import { WorkloadError } from './errors.ts';
import { configChecksum } from './hash.ts';
import { includeByPrefix } from './labels.ts';
import type { ConfigMap, Container, NameRef, PodSpec, Secret } from './objects.ts';

/** The annotation that opts a ConfigMap or Secret out of tracking (any value starting with `disable`). */
export const CONFIG_TRACKING_ANNOTATION = 'flagger.app/config-tracking';

/** Secret types Flagger tracks; registry and service-account secrets are left alone. */
export const TRACKED_SECRET_TYPES = ['Opaque', 'kubernetes.io/basic-auth', 'kubernetes.io/ssh-auth', 'kubernetes.io/tls'] as const;

/** `configmap` or `secret`: the prefix of a tracked config's key (`configmap/<name>`). */
export type ConfigKind = 'configmap' | 'secret';

/** A ConfigMap or Secret named by a pod template. */
export interface ConfigReference {
  readonly kind: ConfigKind;
  readonly name: string;
  /** Flagger fails on a missing config only when the reference says `optional: false`. */
  readonly required: boolean;
}

/** A tracked config as read from the cluster. */
export interface TrackedConfig {
  /** `configmap/<name>` or `secret/<name>`, the key of `trackedConfigs`. */
  readonly key: string;
  readonly kind: ConfigKind;
  readonly name: string;
  readonly checksum: string;
  readonly object: ConfigMap | Secret;
}

/** `configmap/<name>` / `secret/<name>`. */
export function configKey(kind: ConfigKind, name: string): string {
  return `${kind}/${name}`;
}

/** Every ConfigMap and Secret `spec` references, each once, in order of appearance. */
export function configReferences(spec: PodSpec): ConfigReference[] {
  const found = new Map<string, ConfigReference>();
  const add = (kind: ConfigKind, name: string | undefined, optional: boolean | undefined): void => {
    if (!name) return;
    const key = configKey(kind, name);
    const required = optional === false;
    const seen = found.get(key);
    if (!seen || (required && !seen.required)) found.set(key, { kind, name, required });
  };
  for (const volume of spec.volumes ?? []) {
    if (volume.configMap) add('configmap', volume.configMap.name, volume.configMap.optional);
    if (volume.secret) add('secret', volume.secret.secretName, volume.secret.optional);
    for (const source of volume.projected?.sources ?? []) {
      if (source.configMap) add('configmap', source.configMap.name, source.configMap.optional);
      if (source.secret) add('secret', source.secret.name, source.secret.optional);
    }
  }
  for (const container of [...spec.containers, ...(spec.initContainers ?? [])]) {
    for (const env of container.env ?? []) {
      if (env.valueFrom?.configMapKeyRef) add('configmap', env.valueFrom.configMapKeyRef.name, env.valueFrom.configMapKeyRef.optional);
      else if (env.valueFrom?.secretKeyRef) add('secret', env.valueFrom.secretKeyRef.name, env.valueFrom.secretKeyRef.optional);
    }
    for (const envFrom of container.envFrom ?? []) {
      if (envFrom.configMapRef) add('configmap', envFrom.configMapRef.name, envFrom.configMapRef.optional);
      else if (envFrom.secretRef) add('secret', envFrom.secretRef.name, envFrom.secretRef.optional);
    }
  }
  return [...found.values()];
}

/** A deep copy of `spec` whose references to tracked configs (keys in `tracked`) point at the `-primary` copies. */
export function rewireConfigs(spec: PodSpec, tracked: ReadonlySet<string>): PodSpec {
  const copy = structuredClone(spec);
  const rename = (kind: ConfigKind, ref: NameRef | undefined): void => {
    if (ref?.name && tracked.has(configKey(kind, ref.name))) ref.name = `${ref.name}-primary`;
  };
  for (const volume of copy.volumes ?? []) {
    rename('configmap', volume.configMap);
    if (volume.secret?.secretName && tracked.has(configKey('secret', volume.secret.secretName))) {
      volume.secret.secretName = `${volume.secret.secretName}-primary`;
    }
    for (const source of volume.projected?.sources ?? []) {
      rename('configmap', source.configMap);
      rename('secret', source.secret);
    }
  }
  const containers: Container[] = [...copy.containers, ...(copy.initContainers ?? [])];
  for (const container of containers) {
    for (const env of container.env ?? []) {
      rename('configmap', env.valueFrom?.configMapKeyRef);
      rename('secret', env.valueFrom?.secretKeyRef);
    }
    for (const envFrom of container.envFrom ?? []) {
      rename('configmap', envFrom.configMapRef);
      rename('secret', envFrom.secretRef);
    }
  }
  return copy;
}

function trackingDisabled(object: ConfigMap | Secret): boolean {
  return (object.metadata.annotations?.[CONFIG_TRACKING_ANNOTATION] ?? '').startsWith('disable');
}

/**
 * Reads the configs `spec` references (in parallel) and returns those Flagger tracks: not opted out, and
 * for Secrets of a tracked type. A missing config is skipped unless its reference is `optional: false`.
 */
export async function readTrackedConfigs(kube: KubeClient, namespace: string, spec: PodSpec, owner: string): Promise<TrackedConfig[]> {
  const references = configReferences(spec);
  const objects = await Promise.all(
    references.map((ref) =>
      kube.get<ConfigMap | Secret>({ apiVersion: 'v1', kind: ref.kind === 'configmap' ? 'ConfigMap' : 'Secret', namespace, name: ref.name }),
    ),
  );
  const tracked: TrackedConfig[] = [];
  references.forEach((ref, index) => {
    const object = objects[index];
    if (!object) {
      if (ref.required) {
        throw new WorkloadError(`${owner}: ${ref.kind} ${ref.name}.${namespace} is referenced with optional: false but does not exist`);
      }
      return;
    }
    if (trackingDisabled(object)) return;
    if (ref.kind === 'secret' && !(TRACKED_SECRET_TYPES as readonly string[]).includes((object as Secret).type ?? 'Opaque')) return;
    tracked.push({ key: configKey(ref.kind, ref.name), kind: ref.kind, name: ref.name, checksum: configChecksum(object), object });
  });
  return tracked;
}

/** `trackedConfigs` as Flagger stores it: key → checksum, keys sorted. */
export function trackedConfigMap(configs: readonly TrackedConfig[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const config of [...configs].sort((a, b) => a.key.localeCompare(b.key))) out[config.key] = config.checksum;
  return out;
}

/** The `<name>-primary` copy of a tracked config, owned by the Canary. */
export function primaryConfigObject(config: TrackedConfig, namespace: string, ownerReferences: OwnerReference[], labelPrefixes: readonly string[]): ConfigMap | Secret {
  const metadata = {
    name: `${config.name}-primary`,
    namespace,
    labels: includeByPrefix(config.object.metadata.labels, labelPrefixes),
    ...(ownerReferences.length > 0 ? { ownerReferences } : {}),
  };
  if (config.kind === 'configmap') {
    const source = config.object as ConfigMap;
    return { apiVersion: 'v1', kind: 'ConfigMap', metadata, ...(source.data ? { data: source.data } : {}), ...(source.binaryData ? { binaryData: source.binaryData } : {}) };
  }
  const source = config.object as Secret;
  return { apiVersion: 'v1', kind: 'Secret', metadata, type: source.type ?? 'Opaque', ...(source.data ? { data: source.data } : {}) };
}

/** Writes the `-primary` copy of each tracked config: replace when it exists, create otherwise. Idempotent. */
export async function syncPrimaryConfigs(
  kube: KubeClient,
  configs: readonly TrackedConfig[],
  namespace: string,
  ownerReferences: OwnerReference[],
  labelPrefixes: readonly string[],
): Promise<void> {
  await Promise.all(configs.map((config) => upsert(kube, primaryConfigObject(config, namespace, ownerReferences, labelPrefixes))));
}

/**
 * Creates the `-primary` copies of `configs` that do not exist, leaving the existing ones as they are: they hold
 * the contents of the revision the primary runs. A copy that had to be re-created from contents whose checksum is
 * not the one in `expected` (the revision's `trackedConfigs`) is reported, in the order of `configs`.
 */
export async function createMissingPrimaryConfigs(
  kube: KubeClient,
  configs: readonly TrackedConfig[],
  namespace: string,
  ownerReferences: OwnerReference[],
  labelPrefixes: readonly string[],
  expected: Readonly<Record<string, string>> = {},
): Promise<string[]> {
  const reports = await Promise.all(
    configs.map(async (config) => {
      const copy = primaryConfigObject(config, namespace, ownerReferences, labelPrefixes);
      if (await kube.get({ apiVersion: copy.apiVersion, kind: copy.kind, namespace, name: copy.metadata.name })) return undefined;
      try {
        await kube.create(copy);
      } catch (error) {
        // Created by another invocation meanwhile, from the same source.
        if (!(error instanceof KubeConflictError && error.alreadyExists)) throw error;
      }
      const wanted = expected[config.key];
      if (wanted === undefined || wanted === config.checksum) return undefined;
      return `${config.kind} ${copy.metadata.name}.${namespace} was missing and was re-created from ${config.name}.${namespace}, whose contents changed since the revision was promoted`;
    }),
  );
  return reports.filter((report): report is string => report !== undefined);
}

/** Replace-or-create without a resourceVersion (an unconditional update, as Flagger's config sync does). */
export async function upsert(kube: KubeClient, object: ConfigMap | Secret): Promise<void> {
  const existing = await kube.get({ apiVersion: object.apiVersion, kind: object.kind, namespace: object.metadata.namespace, name: object.metadata.name });
  if (existing) await kube.replace({ ...object, metadata: { ...object.metadata, resourceVersion: existing.metadata.resourceVersion } });
  else await kube.create(object);
}
