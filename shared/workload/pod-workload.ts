/**
 * What Deployments and DaemonSets share: reading the target and its primary, the selector label, config
 * tracking, creating the primary, promotion and restore. The kind-specific parts (spec fields, readiness,
 * scaling) are the abstract members implemented in `deployment.ts` and `daemonset.ts`.
 */
import type { Canary, TargetKind } from '../api/types.ts';
import { KubeConflictError } from '../kube/errors.ts';
import type { KubeClient, ObjectRef } from '../kube/types.ts';
import { autoscalerMinimum, reconcilePrimaryAutoscaler } from './autoscaler.ts';
import { createMissingPrimaryConfigs, readTrackedConfigs, syncPrimaryConfigs, trackedConfigMap, type TrackedConfig } from './configs.ts';
import { WorkloadError } from './errors.ts';
import { templateHash } from './hash.ts';
import {
  DEFAULT_SELECTOR_LABELS,
  canaryNamespace,
  canaryOwnerReferences,
  filterMetadata,
  findSelectorLabel,
  includeByPrefix,
  makePrimaryLabels,
  primaryName,
  type SelectorLabel,
} from './labels.ts';
import type { DaemonSet, Deployment, PodTemplateSpec } from './objects.ts';
import { isRevision, primaryConfigCopies, restoreConfigCopies, revisionConfigs, runsRevision } from './revision.ts';
import { primaryTemplate, revisionSeed } from './template.ts';
import type {
  ExpectedState,
  InitializeOptions,
  InitializeResult,
  PromotedRevision,
  Readiness,
  ReadinessContext,
  RestoreOptions,
  RestoreResult,
  RolloutProgress,
  TargetMetadata,
  Workload,
  WorkloadObservation,
  WorkloadOptions,
  WorkloadState,
} from './types.ts';

/** Annotations of the target that are the API server's or kubectl's own and must not be copied. */
const SYSTEM_ANNOTATIONS = ['kubectl.kubernetes.io/last-applied-configuration', 'deployment.kubernetes.io/revision', 'deprecated.daemonset.template.generation'];

/** Containers Flagger leaves out of port discovery (mesh sidecars). */
const SIDECARS = new Set(['istio-proxy', 'envoy']);

/** Flagger's default `progressDeadlineSeconds`. */
export const DEFAULT_PROGRESS_DEADLINE_SECONDS = 600;

/** Which of the two workloads a readiness or expected-state check is about. */
export type Role = 'primary' | 'canary';

/** A Deployment or DaemonSet target and its `-primary` copy. */
export abstract class PodWorkload<T extends Deployment | DaemonSet> implements Workload {
  abstract readonly kind: Extract<TargetKind, 'Deployment' | 'DaemonSet'>;
  protected readonly kube: KubeClient;
  protected readonly selectorLabels: readonly string[];
  protected readonly includeLabelPrefixes: readonly string[];

  constructor(options: WorkloadOptions) {
    this.kube = options.kube;
    this.selectorLabels = options.selectorLabels ?? DEFAULT_SELECTOR_LABELS;
    this.includeLabelPrefixes = options.includeLabelPrefixes ?? [];
  }

  /** Spec fields copied to the primary besides the template (strategy, minReadySeconds, …). */
  protected abstract settingsOf(target: T): Record<string, unknown>;
  /** The primary object to create, minus the parts this class fills in (metadata, selector, template, settings). */
  protected abstract primarySpecExtras(target: T): Record<string, unknown>;
  /** Throws a `WorkloadError` when the target cannot be canaried as it is. */
  protected abstract validateTarget(target: T, canary: Canary): void;
  protected abstract readiness(object: T, role: Role, canary: Canary, context: ReadinessContext): Readiness;
  protected abstract expectedOf(object: T): ExpectedState;
  /** Desired pods of the object (spec.replicas, or the DaemonSet's scheduled count). */
  protected abstract replicasOf(object: T): number;
  /** Pods available on the current template. */
  protected abstract availableOf(object: T): number;
  /** How far the object's rollout of its current template has come. */
  protected abstract progressOf(object: T): RolloutProgress;
  /** True when promoting `target` to `primary` would leave the primary with no available pod while it rolls out. */
  protected abstract promotionDisruptive(target: T, primary: T, canary: Canary): boolean;
  abstract scaleToZero(canary: Canary): Promise<void>;
  abstract scaleFromZero(canary: Canary, replicas?: number): Promise<number>;
  abstract finalize(canary: Canary): Promise<void>;

  /** The ref of `name` in the Canary's namespace, of this workload's kind. */
  protected ref(canary: Canary, name: string): ObjectRef {
    return { apiVersion: 'apps/v1', kind: this.kind, namespace: canaryNamespace(canary), name };
  }

  /** `podinfo.test`, the way Flagger names objects in messages. */
  protected label(canary: Canary, name: string): string {
    return `${name}.${canaryNamespace(canary)}`;
  }

  protected async readTarget(canary: Canary): Promise<T> {
    const target = await this.kube.get<T>(this.ref(canary, canary.spec.targetRef.name));
    if (!target) throw new WorkloadError(`${this.kind.toLowerCase()} ${this.label(canary, canary.spec.targetRef.name)} not found (spec.targetRef)`);
    return target;
  }

  protected readPrimary(canary: Canary): Promise<T | undefined> {
    return this.kube.get<T>(this.ref(canary, primaryName(canary)));
  }

  protected selectorOf(target: T, canary: Canary): SelectorLabel {
    const found = findSelectorLabel(target.spec.selector, this.selectorLabels);
    if (!found) {
      throw new WorkloadError(
        `${this.kind.toLowerCase()} ${this.label(canary, target.metadata.name)} spec.selector.matchLabels must contain one of ` +
          `[${this.selectorLabels.join(', ')}], got {${Object.keys(target.spec.selector.matchLabels ?? {}).join(', ')}}`,
      );
    }
    return found;
  }

  async metadata(canary: Canary): Promise<TargetMetadata> {
    return this.metadataOf(await this.readTarget(canary), canary);
  }

  /** Selector and discovered ports of an already-read target (Flagger's GetMetadata). */
  metadataOf(target: T, canary: Canary): TargetMetadata {
    const { label, value } = this.selectorOf(target, canary);
    const ports: Record<string, number> = {};
    const service = canary.spec.service;
    if (service?.portDiscovery) {
      const excluded = service.targetPort ?? service.port;
      for (const container of target.spec.template.spec.containers) {
        if (SIDECARS.has(container.name)) continue;
        (container.ports ?? []).forEach((port, index) => {
          if (port.containerPort === excluded || (port.name !== undefined && port.name === excluded)) return;
          ports[port.name || `tcp-${container.name}-${index}`] = port.containerPort;
        });
      }
    }
    return { label, labelValue: value, ports };
  }

  async targetHash(canary: Canary): Promise<string> {
    return templateHash((await this.readTarget(canary)).spec.template);
  }

  async trackedConfigs(canary: Canary): Promise<Record<string, string>> {
    return trackedConfigMap(await this.readConfigs(canary, await this.readTarget(canary)));
  }

  protected readConfigs(canary: Canary, target: T): Promise<TrackedConfig[]> {
    return readTrackedConfigs(this.kube, canaryNamespace(canary), target.spec.template.spec, `${this.kind} ${this.label(canary, target.metadata.name)}`);
  }

  async initialize(canary: Canary, options: InitializeOptions = {}): Promise<InitializeResult> {
    const [target, existing] = await Promise.all([this.readTarget(canary), this.readPrimary(canary)]);
    this.validateTarget(target, canary);
    if (existing) {
      await reconcilePrimaryAutoscaler(this.kube, canary, true);
      return { created: false, revision: await this.revisionOf(canary, target, existing), warnings: [] };
    }
    const given = options.template !== undefined;
    const { source, configs, template } = await this.templateFor(canary, target, options.template, options.trackedConfigs);
    const owners = canaryOwnerReferences(canary);
    const namespace = canaryNamespace(canary);
    let warnings: string[] = [];
    if (given) warnings = await createMissingPrimaryConfigs(this.kube, configs, namespace, owners, this.includeLabelPrefixes, options.trackedConfigs);
    else await syncPrimaryConfigs(this.kube, configs, namespace, owners, this.includeLabelPrefixes);
    const selector = this.selectorOf(target, canary);
    const primaryValue = `${selector.value}-primary`;
    const annotations = filterMetadata(target.metadata.annotations);
    for (const key of SYSTEM_ANNOTATIONS) delete annotations[key];
    const object = {
      apiVersion: 'apps/v1',
      kind: this.kind,
      metadata: {
        name: primaryName(canary),
        namespace: canaryNamespace(canary),
        labels: makePrimaryLabels(includeByPrefix(target.metadata.labels, this.includeLabelPrefixes), selector.label, primaryValue),
        annotations,
        ...(owners.length > 0 ? { ownerReferences: owners } : {}),
      },
      spec: {
        ...this.primarySpecExtras(target),
        ...this.settingsOf(target),
        selector: { matchLabels: { [selector.label]: primaryValue } },
        template,
      },
    } as unknown as T;
    let created: T;
    try {
      created = await this.kube.create(object);
    } catch (error) {
      // Another invocation created it between our read and our write: that one is as good as ours.
      if (!(error instanceof KubeConflictError && error.alreadyExists)) throw error;
      created = (await this.readPrimary(canary)) ?? object;
    }
    await reconcilePrimaryAutoscaler(this.kube, canary, true);
    // Built from a given revision, the config copies kept their contents: read them back for the revision.
    const revision = given ? await this.revisionOf(canary, source, created) : this.revision(canary, target, created, configs);
    return { created: true, revision, warnings };
  }

  /**
   * The primary's pod template for `template`, a pod template of the target (default: its current one), built
   * as a promotion builds it: the one piece of code behind initialize, promote and a restore from a template.
   * `trackedConfigs` are the checksums of the promotion being rebuilt (default: the configs' current ones), so
   * the rebuilt template is byte-identical to the one that promotion wrote even if a config changed since.
   * Returns the target as if it ran `template`, the configs that template tracks, and the primary's template.
   */
  protected async templateFor(
    canary: Canary,
    target: T,
    template?: PodTemplateSpec,
    trackedConfigs?: Readonly<Record<string, string>>,
  ): Promise<{ source: T; configs: TrackedConfig[]; template: PodTemplateSpec }> {
    const source = template === undefined ? target : ({ ...target, spec: { ...target.spec, template } } as T);
    const configs = await this.readConfigs(canary, source);
    return { source, configs, template: this.primaryTemplateOf(canary, source, configs, trackedConfigs) };
  }

  protected primaryTemplateOf(canary: Canary, target: T, configs: readonly TrackedConfig[], seedConfigs?: Readonly<Record<string, string>>): PodTemplateSpec {
    return primaryTemplate({
      template: target.spec.template,
      targetName: target.metadata.name,
      selector: this.selectorOf(target, canary),
      selectorLabels: this.selectorLabels,
      tracked: new Set(configs.map((c) => c.key)),
      revisionSeed: revisionSeed(templateHash(target.spec.template), seedConfigs ?? trackedConfigMap(configs)),
    });
  }

  async promote(canary: Canary): Promise<PromotedRevision> {
    const target = await this.readTarget(canary);
    const { configs, template } = await this.templateFor(canary, target);
    await syncPrimaryConfigs(this.kube, configs, canaryNamespace(canary), canaryOwnerReferences(canary), this.includeLabelPrefixes);
    const selector = this.selectorOf(target, canary);
    const updated = this.updatePrimary(canary, (primary) => {
      const spec: Record<string, unknown> = { ...primary.spec };
      for (const key of Object.keys(this.settingsOf(primary))) delete spec[key];
      Object.assign(spec, this.settingsOf(target), { template });
      if (this.kind === 'Deployment' && !canary.spec.autoscalerRef) spec.replicas = (target as Deployment).spec.replicas;
      return {
        ...primary,
        metadata: {
          ...primary.metadata,
          annotations: includeByPrefix(target.metadata.annotations, this.includeLabelPrefixes),
          labels: makePrimaryLabels(includeByPrefix(target.metadata.labels, this.includeLabelPrefixes), selector.label, `${selector.value}-primary`),
        },
        spec,
      } as T;
    });
    // The primary autoscaler is brought in line beside the primary's update, not after it: the two are
    // independent objects (the autoscaler names the primary, which exists), so neither waits for the other.
    const [written] = await Promise.all([updated, reconcilePrimaryAutoscaler(this.kube, canary, false)]);
    return this.revision(canary, target, written, configs);
  }

  async restorePrimary(canary: Canary, revision: PromotedRevision | PodTemplateSpec, options: RestoreOptions = {}): Promise<RestoreResult> {
    if (!isRevision(revision)) return this.restoreFromTemplate(canary, revision, options);
    const warnings = await restoreConfigCopies(this.kube, canaryNamespace(canary), revision.configs);
    await this.updatePrimary(canary, (primary) => {
      const spec: Record<string, unknown> = { ...primary.spec };
      for (const key of Object.keys(this.settingsOf(primary))) delete spec[key];
      Object.assign(spec, revision.settings, { template: revision.template });
      return { ...primary, spec } as T;
    });
    return { warnings };
  }

  /** Rebuilds the primary's template from a target template, as its promotion did; config copies keep their contents. */
  private async restoreFromTemplate(canary: Canary, template: PodTemplateSpec, options: RestoreOptions): Promise<RestoreResult> {
    const target = await this.readTarget(canary);
    const { template: rebuilt } = await this.templateFor(canary, target, template, options.trackedConfigs);
    await this.updatePrimary(canary, (primary) => ({ ...primary, spec: { ...primary.spec, template: rebuilt } }) as T);
    return { warnings: [] };
  }

  /** Read-modify-write of the primary with its resourceVersion, retried on conflict (Flagger's RetryOnConflict). */
  protected async updatePrimary(canary: Canary, change: (primary: T) => T): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const primary = await this.readPrimary(canary);
      if (!primary) throw new WorkloadError(`${this.kind.toLowerCase()} ${this.label(canary, primaryName(canary))} not found; initialize the canary first`);
      try {
        return await this.kube.replace(change(primary));
      } catch (error) {
        if (!(error instanceof KubeConflictError) || attempt >= 5) throw error;
      }
    }
  }

  /** The revision an existing primary runs, its configs read back from their `-primary` copies. */
  protected async revisionOf(canary: Canary, target: T, primary: T): Promise<PromotedRevision> {
    const configs = await primaryConfigCopies(this.kube, canaryNamespace(canary), primary.spec.template.spec);
    return this.revision(canary, target, primary, configs);
  }

  protected revision(_canary: Canary, target: T, primary: T, configs: readonly TrackedConfig[]): PromotedRevision {
    return {
      targetHash: templateHash(target.spec.template),
      trackedConfigs: trackedConfigMap(configs),
      template: primary.spec.template,
      settings: this.settingsOf(primary),
      configs: revisionConfigs(configs),
    };
  }

  async isPrimaryReady(canary: Canary, context: ReadinessContext): Promise<Readiness> {
    const primary = await this.readPrimary(canary);
    if (!primary) return { kind: 'wait', reason: `${this.kind.toLowerCase()} ${this.label(canary, primaryName(canary))} not found` };
    return this.readiness(primary, 'primary', canary, context);
  }

  async isCanaryReady(canary: Canary, context: ReadinessContext): Promise<Readiness> {
    return this.readiness(await this.readTarget(canary), 'canary', canary, context);
  }

  async primaryExpectedState(canary: Canary, revision?: PromotedRevision): Promise<ExpectedState> {
    const primary = await this.readPrimary(canary);
    if (!primary) return { kind: 'pending', reason: `${this.kind.toLowerCase()} ${this.label(canary, primaryName(canary))} not found` };
    return this.primaryExpected(primary, revision);
  }

  protected primaryExpected(primary: T, revision: PromotedRevision | undefined): ExpectedState {
    if (!runsRevision(primary.spec.template, revision)) {
      return { kind: 'pending', reason: 'the primary does not run the promoted template' };
    }
    return this.expectedOf(primary);
  }

  /** A primary that does not run the promoted template has made no progress towards it. */
  private observedPrimary(state: WorkloadState, primary: T, revision: PromotedRevision | undefined): WorkloadState {
    if (state.progress === undefined || runsRevision(primary.spec.template, revision)) return state;
    return { ...state, progress: { ...state.progress, updatedAvailable: 0 } };
  }

  async canaryExpectedState(canary: Canary): Promise<ExpectedState> {
    return this.expectedOf(await this.readTarget(canary));
  }

  async observe(canary: Canary, context: ReadinessContext, revision?: PromotedRevision): Promise<WorkloadObservation> {
    const [target, primary, autoscalerMinReplicas] = await Promise.all([
      this.kube.get<T>(this.ref(canary, canary.spec.targetRef.name)),
      this.readPrimary(canary),
      autoscalerMinimum(this.kube, canary),
    ]);
    const configs = target ? await this.readConfigs(canary, target) : [];
    const missing = (name: string): WorkloadState => {
      const reason = `${this.kind.toLowerCase()} ${this.label(canary, name)} not found`;
      return { exists: false, readiness: { kind: 'wait', reason }, expected: { kind: 'pending', reason }, replicas: 0, availableReplicas: 0 };
    };
    const observed = (object: T, role: Role, expected: ExpectedState): WorkloadState => ({
      exists: true,
      readiness: this.readiness(object, role, canary, context),
      expected,
      replicas: this.replicasOf(object),
      availableReplicas: this.availableOf(object),
      progress: this.progressOf(object),
    });
    return {
      target: target
        ? { ...observed(target, 'canary', this.expectedOf(target)), templateHash: templateHash(target.spec.template), template: target.spec.template }
        : { ...missing(canary.spec.targetRef.name), templateHash: '' },
      primary: primary
        ? { ...this.observedPrimary(observed(primary, 'primary', this.primaryExpected(primary, revision)), primary, revision), updateDisruptive: target ? this.promotionDisruptive(target, primary, canary) : false }
        : { ...missing(primaryName(canary)), updateDisruptive: false },
      trackedConfigs: trackedConfigMap(configs),
      ...(autoscalerMinReplicas !== undefined ? { autoscalerMinReplicas } : {}),
    };
  }
}
