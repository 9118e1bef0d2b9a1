/**
 * The Workload of a `kind: Service` target (Flagger's ServiceController): a routing-only canary. There are
 * no pods to manage; the target Service is copied as `<name>-canary` and `<name>-primary`, and promotion
 * copies its spec to the primary. Readiness is always `ready`, scaling does nothing.
 */
import type { Canary } from '../api/types.ts';
import type { KubeClient, ObjectRef } from '../kube/types.ts';
import { WorkloadError } from './errors.ts';
import { canaryNamespace, canaryOwnerReferences, primaryName } from './labels.ts';
import type { PodTemplateSpec, Service } from './objects.ts';
import { isRevision } from './revision.ts';
import { ASSIGNED_SERVICE_FIELDS as ASSIGNED, serviceSpecHash, withoutAssigned } from './service-spec.ts';
import type { ExpectedState, InitializeResult, PromotedRevision, Readiness, RestoreResult, TargetMetadata, Workload, WorkloadObservation, WorkloadOptions } from './types.ts';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** The Service-target Workload. */
export class ServiceWorkload implements Workload {
  readonly kind = 'Service' as const;
  private readonly kube: KubeClient;

  constructor(options: WorkloadOptions) {
    this.kube = options.kube;
  }

  private ref(canary: Canary, name: string): ObjectRef {
    return { apiVersion: 'v1', kind: 'Service', namespace: canaryNamespace(canary), name };
  }

  private async readTarget(canary: Canary): Promise<Service> {
    const target = await this.kube.get<Service>(this.ref(canary, canary.spec.targetRef.name));
    if (!target) throw new WorkloadError(`service ${canary.spec.targetRef.name}.${canaryNamespace(canary)} not found (spec.targetRef)`);
    return target;
  }

  /** `src` renamed to `name`, owned by the Canary, without server-assigned fields or kubectl's annotation. */
  private copyOf(canary: Canary, name: string, src: Service, keep?: Service): Service {
    const annotations = { ...src.metadata.annotations };
    delete annotations[LAST_APPLIED];
    const owners = canaryOwnerReferences(canary);
    const spec = withoutAssigned(src.spec);
    if (keep) for (const key of ASSIGNED) if (keep.spec[key] !== undefined) (spec as Record<string, unknown>)[key] = keep.spec[key];
    return {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name,
        namespace: canaryNamespace(canary),
        ...(src.metadata.labels ? { labels: src.metadata.labels } : {}),
        annotations,
        ...(owners.length > 0 ? { ownerReferences: owners } : {}),
        ...(keep?.metadata.resourceVersion ? { resourceVersion: keep.metadata.resourceVersion } : {}),
      },
      spec,
    };
  }

  async metadata(): Promise<TargetMetadata> {
    return { label: '', labelValue: '', ports: {} };
  }

  async initialize(canary: Canary): Promise<InitializeResult> {
    const target = await this.readTarget(canary);
    const canaryName = `${canary.spec.targetRef.name}-canary`;
    const [existingCanary, existingPrimary] = await Promise.all([
      this.kube.get<Service>(this.ref(canary, canaryName)),
      this.kube.get<Service>(this.ref(canary, primaryName(canary))),
    ]);
    if (existingCanary) await this.kube.replace(this.copyOf(canary, canaryName, target, existingCanary));
    else await this.kube.create(this.copyOf(canary, canaryName, target));
    const primary = existingPrimary ?? (await this.kube.create(this.copyOf(canary, primaryName(canary), target)));
    // A Service has no pod template to build from a given revision: the primary is copied from the target.
    return { created: !existingPrimary, revision: this.revision(target, primary), warnings: [] };
  }

  private revision(target: Service, primary: Service): PromotedRevision {
    return {
      targetHash: serviceSpecHash(target.spec),
      trackedConfigs: {},
      template: { spec: { containers: [] } },
      settings: { service: withoutAssigned(primary.spec) },
      configs: {},
    };
  }

  async isPrimaryReady(): Promise<Readiness> {
    return { kind: 'ready' };
  }

  async isCanaryReady(): Promise<Readiness> {
    return { kind: 'ready' };
  }

  async primaryExpectedState(): Promise<ExpectedState> {
    return { kind: 'reached' };
  }

  async canaryExpectedState(): Promise<ExpectedState> {
    return { kind: 'reached' };
  }

  async targetHash(canary: Canary): Promise<string> {
    return serviceSpecHash((await this.readTarget(canary)).spec);
  }

  async trackedConfigs(): Promise<Record<string, string>> {
    return {};
  }

  async observe(canary: Canary): Promise<WorkloadObservation> {
    const [target, primary] = await Promise.all([
      this.kube.get<Service>(this.ref(canary, canary.spec.targetRef.name)),
      this.kube.get<Service>(this.ref(canary, primaryName(canary))),
    ]);
    const state = (exists: boolean) => ({ exists, readiness: { kind: 'ready' as const }, expected: { kind: 'reached' as const }, replicas: 0, availableReplicas: 0 });
    return {
      target: { ...state(target !== undefined), templateHash: target ? serviceSpecHash(target.spec) : '' },
      // A Service has no pods of its own to take away: copying the spec never interrupts it.
      primary: { ...state(primary !== undefined), updateDisruptive: false },
      trackedConfigs: {},
    };
  }

  async promote(canary: Canary): Promise<PromotedRevision> {
    const [target, primary] = await Promise.all([this.readTarget(canary), this.kube.get<Service>(this.ref(canary, primaryName(canary)))]);
    if (!primary) throw new WorkloadError(`service ${primaryName(canary)}.${canaryNamespace(canary)} not found; initialize the canary first`);
    const written = await this.kube.replace(this.copyOf(canary, primaryName(canary), target, primary));
    return this.revision(target, written);
  }

  async restorePrimary(canary: Canary, revision: PromotedRevision | PodTemplateSpec): Promise<RestoreResult> {
    if (!isRevision(revision)) return { warnings: ['a Service target has no pod template; the primary Service was left as it is'] };
    const primary = await this.kube.get<Service>(this.ref(canary, primaryName(canary)));
    if (!primary) throw new WorkloadError(`service ${primaryName(canary)}.${canaryNamespace(canary)} not found; initialize the canary first`);
    const stored = revision.settings.service as Service['spec'] | undefined;
    if (!stored) return { warnings: ['the revision holds no Service spec; the primary Service was left as it is'] };
    const spec = { ...stored };
    for (const key of ASSIGNED) if (primary.spec[key] !== undefined) (spec as Record<string, unknown>)[key] = primary.spec[key];
    await this.kube.replace({ ...primary, spec });
    return { warnings: [] };
  }

  async scaleToZero(): Promise<void> {}

  async scaleFromZero(): Promise<number> {
    return 0;
  }

  async finalize(): Promise<void> {}
}
