/**
 * The Workload of a Knative Service target (`serving.knative.dev/v1` `Service`, Flagger's KnativeController).
 * Knative makes a Revision of every new `spec.template` and scales each Revision itself, so there is no
 * `-primary` copy and nothing to scale: the primary is the Revision pinned in the Service's annotation
 * `flagger.app/primary-revision`, the canary is the latest created Revision. Promotion re-pins the primary to
 * the canary's Revision; a restore re-pins an earlier one. Readiness is the Revision's `Ready` condition.
 * A Revision counts as one serving unit (Knative may run it on zero pods and wake it on a request), so
 * `replicas` is 1 for an existing Revision and `availableReplicas` 1 once it is ready.
 */
import type { TargetMetadata } from '../api/target-metadata.ts';
import type { Canary } from '../api/types.ts';
import { canonicalJson } from '../json.ts';
import {
  PRIMARY_REVISION_ANNOTATION,
  REVISION_SERVICE_LABEL,
  KNATIVE_API_VERSION,
  knativeRevisionRef,
  knativeServiceRef,
  pinPrimaryRevision,
  readyCondition,
  type KnativeRevision,
  type KnativeService,
} from '../kube/knative.ts';
import type { KubeClient } from '../kube/types.ts';
import { WorkloadError } from './errors.ts';
import { knativeTemplateHash } from './hash.ts';
import { canaryNamespace } from './labels.ts';
import type { PodTemplateSpec } from './objects.ts';
import { isRevision } from './revision.ts';
import type {
  ExpectedState,
  InitializeOptions,
  InitializeResult,
  PromotedRevision,
  Readiness,
  RestoreResult,
  TargetState,
  Workload,
  WorkloadObservation,
  WorkloadOptions,
  WorkloadState,
} from './types.ts';

/** Where a promoted revision keeps the name of the Revision it pinned. */
const REVISION_NAME_SETTING = 'revisionName';

/** The Knative Service's template as the controller keeps it (its Revision template, not a pod template). */
function templateOf(service: KnativeService): PodTemplateSpec {
  return (service.spec?.template ?? { spec: {} }) as unknown as PodTemplateSpec;
}


/** Readiness of a Revision by its `Ready` condition: False is Knative giving up on it (e.g. its image cannot be pulled). */
export function revisionReadiness(revision: KnativeRevision | undefined, name: string, namespace: string): Readiness {
  if (!revision) return { kind: 'wait', reason: `Knative Revision ${name}.${namespace} not found` };
  const ready = readyCondition(revision);
  if (ready?.status === 'True') return { kind: 'ready' };
  if (ready?.status === 'False') {
    const why = [ready.reason, ready.message].filter((s) => s !== undefined && s !== '').join(': ');
    return { kind: 'failed', reason: `Knative Revision ${name}.${namespace} failed${why ? `: ${why}` : ''}` };
  }
  return { kind: 'wait', reason: `Knative Revision ${name}.${namespace} is not ready` };
}

/**
 * True when `actual` holds everything `wanted` sets: Knative's webhook adds defaults to a Revision's spec
 * (container name, probes, timeouts), so the spec a template asked for is contained in it, not equal to it.
 */
export function specContains(actual: unknown, wanted: unknown): boolean {
  if (Array.isArray(wanted)) return Array.isArray(actual) && actual.length === wanted.length && wanted.every((w, i) => specContains(actual[i], w));
  if (typeof wanted === 'object' && wanted !== null) {
    if (typeof actual !== 'object' || actual === null || Array.isArray(actual)) return false;
    return Object.entries(wanted).every(([key, value]) => value === undefined || specContains((actual as Record<string, unknown>)[key], value));
  }
  return actual === wanted;
}

function expectedOf(readiness: Readiness): ExpectedState {
  return readiness.kind === 'ready' ? { kind: 'reached' } : { kind: 'pending', reason: readiness.reason };
}

function stateOf(exists: boolean, readiness: Readiness): WorkloadState {
  return { exists, readiness, expected: expectedOf(readiness), replicas: exists ? 1 : 0, availableReplicas: readiness.kind === 'ready' ? 1 : 0 };
}

/** The Knative Service Workload. */
export class KnativeServiceWorkload implements Workload {
  readonly kind = 'Service' as const;
  private readonly kube: KubeClient;

  constructor(options: WorkloadOptions) {
    this.kube = options.kube;
  }

  private async getService(canary: Canary): Promise<KnativeService | undefined> {
    return await this.kube.get<KnativeService>(knativeServiceRef(canaryNamespace(canary), canary.spec.targetRef.name));
  }

  private async readService(canary: Canary): Promise<KnativeService> {
    const service = await this.getService(canary);
    if (!service) throw new WorkloadError(`Knative Service ${canary.spec.targetRef.name}.${canaryNamespace(canary)} not found (spec.targetRef)`);
    return service;
  }

  private async revision(canary: Canary, name: string | undefined): Promise<KnativeRevision | undefined> {
    return name ? await this.kube.get<KnativeRevision>(knativeRevisionRef(canaryNamespace(canary), name)) : undefined;
  }

  /** The newest Revision running `template`'s spec: one equal to it, else one containing it (defaults added). */
  private async revisionRunning(canary: Canary, template: { spec?: unknown }): Promise<string | undefined> {
    const wanted = template.spec ?? {};
    const revisions = await this.revisions(canary);
    const exact = revisions.find((r) => canonicalJson(r.spec ?? {}) === canonicalJson(wanted));
    return (exact ?? revisions.find((r) => specContains(r.spec ?? {}, wanted)))?.metadata.name;
  }

  /** The Service's Revisions, newest first (by Knative's configuration generation label). */
  private async revisions(canary: Canary): Promise<KnativeRevision[]> {
    const list = await this.kube.list<KnativeRevision>(KNATIVE_API_VERSION, 'Revision', { namespace: canaryNamespace(canary), labelSelector: `${REVISION_SERVICE_LABEL}=${canary.spec.targetRef.name}` });
    const generation = (r: KnativeRevision): number => Number(r.metadata.labels?.['serving.knative.dev/configurationGeneration'] ?? 0);
    return [...list].sort((a, b) => generation(b) - generation(a));
  }

  private promoted(service: KnativeService, revisionName: string): PromotedRevision {
    return { targetHash: knativeTemplateHash(service), trackedConfigs: {}, template: templateOf(service), settings: { [REVISION_NAME_SETTING]: revisionName }, configs: {} };
  }

  /** Flagger's GetMetadata for Knative: no selector, no ports (Knative routes to its Revisions itself). */
  async metadata(): Promise<TargetMetadata> {
    return { label: '', labelValue: '', ports: {} };
  }

  /**
   * Pins the primary Revision if none is: the latest created one (Flagger's Initialize), or, with
   * `options.template`, the newest Revision running that template (a pinned Revision that disappeared comes
   * back as the tested one, never as an untested newer Revision).
   */
  async initialize(canary: Canary, options: InitializeOptions = {}): Promise<InitializeResult> {
    const service = await this.readService(canary);
    const pinned = service.metadata.annotations?.[PRIMARY_REVISION_ANNOTATION];
    if (pinned && (await this.revision(canary, pinned))) return { created: false, revision: this.promoted(service, pinned), warnings: [] };
    let revisionName = service.status?.latestCreatedRevisionName;
    if (options.template !== undefined) {
      revisionName = await this.revisionRunning(canary, options.template);
      if (!revisionName) {
        const where = `${canary.spec.targetRef.name}.${canaryNamespace(canary)}`;
        return { created: false, revision: this.promoted(service, pinned ?? ''), warnings: [`no Revision of Knative Service ${where} runs the promoted template any more; the primary was not pinned`] };
      }
    }
    if (!revisionName) throw new WorkloadError(`Knative Service ${canary.spec.targetRef.name}.${canaryNamespace(canary)} has no revision yet (status.latestCreatedRevisionName)`);
    await pinPrimaryRevision(this.kube, service, revisionName);
    return { created: true, revision: this.promoted(service, revisionName), warnings: [] };
  }

  async isPrimaryReady(canary: Canary): Promise<Readiness> {
    return (await this.observe(canary)).primary.readiness;
  }

  async isCanaryReady(canary: Canary): Promise<Readiness> {
    return (await this.observe(canary)).target.readiness;
  }

  async primaryExpectedState(canary: Canary, revision?: PromotedRevision): Promise<ExpectedState> {
    return (await this.observe(canary, undefined, revision)).primary.expected;
  }

  async canaryExpectedState(canary: Canary): Promise<ExpectedState> {
    return (await this.observe(canary)).target.expected;
  }

  async targetHash(canary: Canary): Promise<string> {
    return knativeTemplateHash(await this.readService(canary));
  }

  /** Flagger tracks no ConfigMaps or Secrets for a Knative Service (its HaveDependenciesChanged is false). */
  async trackedConfigs(): Promise<Record<string, string>> {
    return {};
  }

  async observe(canary: Canary, _context?: unknown, revision?: PromotedRevision): Promise<WorkloadObservation> {
    const namespace = canaryNamespace(canary);
    const service = await this.getService(canary);
    const pinned = service?.metadata.annotations?.[PRIMARY_REVISION_ANNOTATION];
    const latest = service?.status?.latestCreatedRevisionName;
    const [primaryRevision, latestRevision] = await Promise.all([this.revision(canary, pinned), this.revision(canary, latest)]);

    let canaryReadiness: Readiness = revisionReadiness(latestRevision, latest ?? '', namespace);
    const generation = service?.metadata.generation;
    if (!latest) canaryReadiness = { kind: 'wait', reason: `Knative Service ${canary.spec.targetRef.name}.${namespace} has no revision yet` };
    else if (generation !== undefined && (service?.status?.observedGeneration ?? 0) < generation) {
      // Knative has not seen the current template yet: the latest created Revision may be the one before it.
      canaryReadiness = { kind: 'wait', reason: `Knative Service ${canary.spec.targetRef.name}.${namespace} generation ${generation} is not reconciled yet` };
    }
    // Knative routes "latest" to the latest ready Revision: an unready one never receives a request.
    const target: TargetState = service
      ? { ...stateOf(latestRevision !== undefined, canaryReadiness), routesOnlyWhenReady: true, templateHash: knativeTemplateHash(service), template: templateOf(service) }
      : { ...stateOf(false, canaryReadiness), templateHash: '' };

    const primaryExists = pinned !== undefined && primaryRevision !== undefined;
    const primary = stateOf(primaryExists, pinned ? revisionReadiness(primaryRevision, pinned, namespace) : { kind: 'wait', reason: `Knative Service ${canary.spec.targetRef.name}.${namespace} has no ${PRIMARY_REVISION_ANNOTATION} annotation yet` });
    const wanted = revision === undefined ? undefined : revision.settings[REVISION_NAME_SETTING];
    const expected: ExpectedState = wanted !== undefined && wanted !== pinned ? { kind: 'pending', reason: `the primary revision is ${pinned ?? 'not pinned'}, not ${String(wanted)}` } : primary.expected;
    // Re-pinning a Revision never takes pods away from the one serving: Knative keeps it until routes move.
    return { target, primary: { ...primary, expected, updateDisruptive: false }, trackedConfigs: {} };
  }

  /** Flagger's Knative Promote: the primary annotation names the latest created Revision (the analysed canary). */
  async promote(canary: Canary): Promise<PromotedRevision> {
    const service = await this.readService(canary);
    const latest = service.status?.latestCreatedRevisionName;
    if (!latest) throw new WorkloadError(`Knative Service ${canary.spec.targetRef.name}.${canaryNamespace(canary)} has no revision to promote (status.latestCreatedRevisionName)`);
    await pinPrimaryRevision(this.kube, service, latest);
    return this.promoted(service, latest);
  }

  /**
   * Re-pins an earlier Revision: the one a stored revision names, or the newest Revision running a bare template.
   * Knative keeps old Revisions, so nothing is rebuilt; a Revision that is gone cannot be pinned (a warning).
   */
  async restorePrimary(canary: Canary, revision: PromotedRevision | PodTemplateSpec): Promise<RestoreResult> {
    const service = await this.readService(canary);
    const where = `Knative Service ${canary.spec.targetRef.name}.${canaryNamespace(canary)}`;
    let name: string | undefined;
    if (isRevision(revision)) {
      const stored = revision.settings[REVISION_NAME_SETTING];
      name = typeof stored === 'string' && (await this.revision(canary, stored)) ? stored : undefined;
    } else {
      name = await this.revisionRunning(canary, revision);
    }
    if (!name) return { warnings: [`no Revision of ${where} runs the revision to restore; the primary revision was left as it is`] };
    await pinPrimaryRevision(this.kube, service, name);
    return { warnings: [] };
  }

  /** Knative scales every Revision itself (to zero without traffic): nothing to do, as in Flagger. */
  async scaleToZero(): Promise<void> {}

  /** Knative scales every Revision itself: nothing to do, as in Flagger. */
  async scaleFromZero(): Promise<number> {
    return 0;
  }

  /** The Knative Service is never copied, so there is nothing to revert (the router unpins it). */
  async finalize(): Promise<void> {}
}
