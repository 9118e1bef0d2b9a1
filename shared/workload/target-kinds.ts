/**
 * The kinds of Canary target Fledge supports, seen from outside a tick: where each kind is listed and how a
 * listed object's revision hash is computed. Each hash is the one the kind's workload reports to the advance
 * step (`observe().target.templateHash`, `targetHash`), so whoever lists targets (the watcher) and the step
 * agree on what a new revision is. A new target kind is one row here.
 */
import type { KubeObject } from '../kube/types.ts';
import { KNATIVE_API_VERSION } from '../kube/knative.ts';
import { knativeTemplateHash, templateHash } from './hash.ts';
import type { PodSpec, PodTemplateSpec, Service } from './objects.ts';
import { serviceSpecHash } from './service-spec.ts';

/** One supported target kind. */
export interface TargetKindInfo {
  /** The API version the kind is listed with. */
  readonly apiVersion: string;
  readonly kind: string;
  /**
   * A Canary's `targetRef` of this kind selects this row whatever its `apiVersion` (the workloads go by kind),
   * unless another row of the kind names that `apiVersion` exactly. @default false
   */
  readonly anyApiVersion?: boolean;
  /** The revision hash of a listed target, `undefined` when it has nothing to hash (no template yet). */
  revisionHash(target: KubeObject): string | undefined;
  /** The pod spec whose ConfigMaps and Secrets belong to a revision; absent for kinds that track no configs. */
  readonly trackedPodSpec?: (target: KubeObject) => PodSpec | undefined;
}

const podTemplate = (target: KubeObject): PodTemplateSpec | undefined => (target['spec'] as { template?: PodTemplateSpec } | undefined)?.template;

const podWorkload = (kind: string): TargetKindInfo => ({
  apiVersion: 'apps/v1',
  kind,
  anyApiVersion: true,
  revisionHash: (target) => {
    const template = podTemplate(target);
    return template === undefined ? undefined : templateHash(template);
  },
  trackedPodSpec: (target) => podTemplate(target)?.spec,
});

/** Every supported target kind; see the module comment. */
export const TARGET_KIND_TABLE: readonly TargetKindInfo[] = [
  podWorkload('Deployment'),
  podWorkload('DaemonSet'),
  {
    apiVersion: 'v1',
    kind: 'Service',
    anyApiVersion: true,
    revisionHash: (target) => {
      const spec = (target as Service).spec;
      return spec === undefined ? undefined : serviceSpecHash(spec);
    },
  },
  // Only this exact apiVersion is Knative's (Flagger's `IsKnativeService`). Flagger tracks no configs of a Knative Service.
  { apiVersion: KNATIVE_API_VERSION, kind: 'Service', revisionHash: (target) => knativeTemplateHash(target as { spec?: { template?: unknown } }) },
];

/**
 * The row of a Canary's `spec.targetRef`, or `undefined` for a kind Fledge does not support.
 * @example
 * targetKindOf({ apiVersion: 'serving.knative.dev/v1', kind: 'Service' })?.apiVersion; // 'serving.knative.dev/v1'
 */
export function targetKindOf(ref: { readonly apiVersion?: string; readonly kind?: string } | undefined): TargetKindInfo | undefined {
  if (ref === undefined) return undefined;
  const ofKind = TARGET_KIND_TABLE.filter((row) => row.kind === ref.kind);
  return ofKind.find((row) => row.apiVersion === ref.apiVersion) ?? ofKind.find((row) => row.anyApiVersion === true);
}
