/**
 * The promoted revision of a pod workload's primary, apart from the workload itself: telling a revision from a
 * bare template, whether a primary runs it, its config copies read back, stored and restored.
 */
import type { KubeClient } from '../kube/types.ts';
import { configKey, configReferences, upsert, type TrackedConfig } from './configs.ts';
import { canonicalJson } from '../json.ts';
import { configChecksum, normalizeTemplate } from './hash.ts';
import type { ConfigMap, PodSpec, PodTemplateSpec, Secret } from './objects.ts';
import type { PromotedRevision, RevisionConfigMap, RevisionSecret } from './types.ts';

/** Tells a stored {@link PromotedRevision} from a bare pod template. */
export function isRevision(value: PromotedRevision | PodTemplateSpec): value is PromotedRevision {
  return 'targetHash' in value && 'settings' in value && 'template' in value;
}

/** True unless a revision is given and `template` is not that revision's. */
export function runsRevision(template: PodTemplateSpec, revision: PromotedRevision | undefined): boolean {
  return revision === undefined || canonicalJson(normalizeTemplate(template)) === canonicalJson(normalizeTemplate(revision.template));
}

/** The configs a primary's pod spec runs, read back from their `-primary` copies (missing copies left out). */
export async function primaryConfigCopies(kube: KubeClient, namespace: string, spec: PodSpec): Promise<TrackedConfig[]> {
  const references = configReferences(spec).filter((ref) => ref.name.endsWith('-primary'));
  const objects = await Promise.all(
    references.map((ref) => kube.get<ConfigMap | Secret>({ apiVersion: 'v1', kind: ref.kind === 'configmap' ? 'ConfigMap' : 'Secret', namespace, name: ref.name })),
  );
  const configs: TrackedConfig[] = [];
  references.forEach((ref, index) => {
    const object = objects[index];
    if (!object) return;
    const name = ref.name.slice(0, -'-primary'.length);
    configs.push({ key: configKey(ref.kind, name), kind: ref.kind, name, checksum: configChecksum(object), object });
  });
  return configs;
}

/** What a revision keeps of its configs: a ConfigMap's contents, only a Secret's checksum. */
export function revisionConfigs(configs: readonly TrackedConfig[]): Record<string, RevisionConfigMap | RevisionSecret> {
  const stored: Record<string, RevisionConfigMap | RevisionSecret> = {};
  for (const config of configs) {
    if (config.kind === 'secret') stored[config.key] = { kind: 'Secret', checksum: config.checksum };
    else {
      const map = config.object as ConfigMap;
      stored[config.key] = { kind: 'ConfigMap', checksum: config.checksum, ...(map.data ? { data: map.data } : {}), ...(map.binaryData ? { binaryData: map.binaryData } : {}) };
    }
  }
  return stored;
}

/**
 * Puts a revision's `-primary` ConfigMap copies back as they were; a Secret cannot be (its contents are not
 * kept), so one that differs is left as it is and named in the returned warnings.
 */
export async function restoreConfigCopies(kube: KubeClient, namespace: string, configs: PromotedRevision['configs']): Promise<string[]> {
  const warnings: string[] = [];
  await Promise.all(
    Object.entries(configs).map(async ([key, stored]) => {
      const name = `${key.slice(key.indexOf('/') + 1)}-primary`;
      const current = await kube.get<ConfigMap | Secret>({ apiVersion: 'v1', kind: stored.kind, namespace, name });
      if (stored.kind === 'Secret') {
        if (!current || configChecksum(current) !== stored.checksum) {
          warnings.push(`secret ${name}.${namespace} differs from the restored revision; Fledge keeps no Secret contents, so it was left as it is`);
        }
        return;
      }
      const metadata = { name, namespace, labels: current?.metadata.labels ?? {}, ...(current?.metadata.ownerReferences ? { ownerReferences: current.metadata.ownerReferences } : {}) };
      await upsert(kube, { apiVersion: 'v1', kind: 'ConfigMap', metadata, ...(stored.data ? { data: stored.data } : {}), ...(stored.binaryData ? { binaryData: stored.binaryData } : {}) });
    }),
  );
  return warnings;
}
