/**
 * The three ClusterIP Services every provider routes through (Flagger's KubernetesDefaultRouter):
 * `<apex>-primary` selecting the primary pods, `<apex>-canary` selecting the canary pods, and `<apex>`,
 * which selects the primary (or, after a traffic switch, the canary).
 */
import type { Canary, CustomMetadata } from '../api/types.ts';
import { KubeConflictError } from '../kube/errors.ts';
import type { KubeClient, KubeObject, ObjectRef } from '../kube/types.ts';
import { RouterError } from './errors.ts';
import { KUBECTL_ANNOTATION, namespaceOf, ownedBy, ownerReferences, serviceNames } from './names.ts';
import type { RouterDeps, TargetMetadata } from './types.ts';

/** A Service port as Fledge writes it. */
export interface ServicePort {
  name: string;
  protocol: 'TCP';
  port: number;
  targetPort: number | string;
  appProtocol?: string;
  nodePort?: number;
}

/** A `v1` Service, the fields Fledge manages. */
export interface Service extends KubeObject {
  spec: {
    type?: string;
    selector?: Record<string, string>;
    ports?: ServicePort[];
    clusterIP?: string;
    trafficDistribution?: string;
    [field: string]: unknown;
  };
}

/**
 * Set on the apex while Fledge points it at the canary pods, so a later reconcile keeps it there even on an
 * apex Fledge took over (one it does not own, whose original selector may look like the canary's).
 */
export const APEX_ON_CANARY_ANNOTATION = 'fledge.dev/apex-on-canary';

/** Which of the three Services. */
export type ServiceRole = 'apex' | 'primary' | 'canary';

/** The Service Fledge wants for `role`, selecting pods whose selector label has `selectorValue`. */
export function desiredService(canary: Canary, role: ServiceRole, metadata: TargetMetadata, selectorValue: string): Service {
  const service = canary.spec.service;
  if (!service) throw new RouterError(`Canary ${canary.metadata.name}.${namespaceOf(canary)}: spec.service is required to route traffic`);
  const name = serviceNames(canary)[role];
  const ports: ServicePort[] = [
    {
      name: service.portName || 'http',
      protocol: 'TCP',
      port: service.port,
      targetPort: service.targetPort ?? service.port,
      ...(service.appProtocol ? { appProtocol: service.appProtocol } : {}),
    },
  ];
  for (const [portName, port] of Object.entries(metadata.ports).sort(([a], [b]) => a.localeCompare(b))) {
    ports.push({ name: portName, protocol: 'TCP', port, targetPort: port });
  }
  const custom: CustomMetadata | undefined = service[role];
  const spec: Service['spec'] = { type: 'ClusterIP', selector: { [metadata.label]: selectorValue }, ports };
  if (service.headless && role !== 'apex') spec.clusterIP = 'None';
  if (service.trafficDistribution) spec.trafficDistribution = service.trafficDistribution;
  const owners = ownerReferences(canary);
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name,
      namespace: namespaceOf(canary),
      labels: { ...custom?.labels, [metadata.label]: name },
      annotations: { ...custom?.annotations },
      ...(owners.length > 0 ? { ownerReferences: owners } : {}),
    },
    spec,
  };
}

function sortedPorts(ports: readonly ServicePort[] | undefined): string {
  return JSON.stringify(
    [...(ports ?? [])]
      .map((p) => ({ name: p.name, protocol: p.protocol ?? 'TCP', port: p.port, targetPort: p.targetPort ?? p.port, appProtocol: p.appProtocol, nodePort: p.nodePort }))
      .sort((a, b) => a.port - b.port),
  );
}

function sameMap(a: Readonly<Record<string, string>> | undefined, b: Readonly<Record<string, string>> | undefined): boolean {
  const left = Object.entries(a ?? {}).sort();
  const right = Object.entries(b ?? {}).sort();
  return JSON.stringify(left) === JSON.stringify(right);
}

/** Creates and updates the three Services; used by every router. */
export class ServicesReconciler {
  private readonly kube: KubeClient;
  private readonly targetMetadata: RouterDeps['targetMetadata'];

  constructor(deps: RouterDeps) {
    this.kube = deps.kube;
    this.targetMetadata = deps.targetMetadata;
  }

  /** A `kind: Service` target is routed through its own copies (the workload room makes them): nothing to do. */
  private routesServices(canary: Canary): boolean {
    return canary.spec.targetRef.kind !== 'Service';
  }

  private ref(canary: Canary, name: string): ObjectRef {
    return { apiVersion: 'v1', kind: 'Service', namespace: namespaceOf(canary), name };
  }

  /** `<apex>-canary` and `<apex>-primary`, selecting the canary and the primary pods. */
  async initialize(canary: Canary): Promise<void> {
    if (!this.routesServices(canary)) return;
    const metadata = await this.targetMetadata(canary);
    await Promise.all([
      this.reconcile(canary, desiredService(canary, 'canary', metadata, metadata.labelValue)),
      this.reconcile(canary, desiredService(canary, 'primary', metadata, `${metadata.labelValue}-primary`)),
    ]);
  }

  /**
   * `<apex>`, selecting the primary. An apex that Fledge already points at the canary (a traffic switch)
   * keeps that selector: reconciling never moves traffic. One selecting anything else is taken over.
   */
  async reconcileApex(canary: Canary): Promise<void> {
    if (!this.routesServices(canary)) return;
    const metadata = await this.targetMetadata(canary);
    const current = await this.kube.get<Service>(this.ref(canary, serviceNames(canary).apex));
    const marked = ownedBy(current?.metadata.ownerReferences, canary) || current?.metadata.annotations?.[APEX_ON_CANARY_ANNOTATION] === 'true';
    const onCanary = current?.spec.selector?.[metadata.label] === metadata.labelValue && marked;
    const value = onCanary ? metadata.labelValue : `${metadata.labelValue}-primary`;
    await this.reconcile(canary, desiredService(canary, 'apex', metadata, value), current);
  }

  /** Points the apex at the canary pods (`true`) or the primary pods, marking which. */
  async selectApex(canary: Canary, canaryPods: boolean): Promise<void> {
    if (!this.routesServices(canary)) return;
    const metadata = await this.targetMetadata(canary);
    const ref = this.ref(canary, serviceNames(canary).apex);
    const current = await this.kube.get<Service>(ref);
    const value = canaryPods ? metadata.labelValue : `${metadata.labelValue}-primary`;
    await this.reconcile(canary, desiredService(canary, 'apex', metadata, value), current);
    const marked = current?.metadata.annotations?.[APEX_ON_CANARY_ANNOTATION] === 'true';
    if (canaryPods !== marked) {
      await this.kube.patch(ref, 'merge', { metadata: { annotations: { [APEX_ON_CANARY_ANNOTATION]: canaryPods ? 'true' : null } } });
    }
  }

  /** Whether the apex selects the canary pods; `undefined` when it does not exist. */
  async apexOnCanary(canary: Canary): Promise<boolean | undefined> {
    if (!this.routesServices(canary)) return false;
    const [metadata, apex] = await Promise.all([this.targetMetadata(canary), this.kube.get<Service>(this.ref(canary, serviceNames(canary).apex))]);
    if (!apex) return undefined;
    return apex.spec.selector?.[metadata.label] === metadata.labelValue;
  }

  /** On deletion, an apex Fledge took over selects the target's pods again (or what kubectl last applied). */
  async finalize(canary: Canary): Promise<void> {
    if (!this.routesServices(canary)) return;
    const apex = await this.kube.get<Service>(this.ref(canary, serviceNames(canary).apex));
    if (!apex || (apex.metadata.ownerReferences ?? []).some((o) => o.kind === 'Canary' && o.controller)) return;
    const applied = apex.metadata.annotations?.[KUBECTL_ANNOTATION];
    let selector: Record<string, string> | undefined;
    if (applied) {
      try {
        selector = (JSON.parse(applied) as { spec?: { selector?: Record<string, string> } }).spec?.selector;
      } catch (error) {
        throw new RouterError(`finalize Service ${apex.metadata.name}.${namespaceOf(canary)}: cannot parse annotation ${KUBECTL_ANNOTATION}`, { cause: error });
      }
    } else {
      const metadata = await this.targetMetadata(canary);
      selector = { [metadata.label]: metadata.labelValue };
    }
    await this.kube.replace({ ...apex, spec: { ...apex.spec, selector } });
  }

  /** Create when missing; else update selector and ports, and metadata when the Canary owns the Service. */
  private async reconcile(canary: Canary, desired: Service, known?: Service): Promise<void> {
    const current = known ?? (await this.kube.get<Service>(this.ref(canary, desired.metadata.name)));
    if (!current) {
      try {
        await this.kube.create(desired);
      } catch (error) {
        if (error instanceof KubeConflictError && error.alreadyExists) return this.reconcile(canary, desired);
        throw error;
      }
      return;
    }
    const ports = (desired.spec.ports ?? []).map((port) => {
      const nodePort = current.spec.ports?.find((p) => p.name === port.name)?.nodePort;
      return nodePort ? { ...port, nodePort } : port;
    });
    let changed = sortedPorts(ports) !== sortedPorts(current.spec.ports) || !sameMap(desired.spec.selector, current.spec.selector);
    if (desired.spec.trafficDistribution !== undefined && desired.spec.trafficDistribution !== current.spec.trafficDistribution) changed = true;
    const next: Service = {
      ...current,
      spec: { ...current.spec, ports, selector: desired.spec.selector, ...(desired.spec.trafficDistribution ? { trafficDistribution: desired.spec.trafficDistribution } : {}) },
    };
    if (ownedBy(current.metadata.ownerReferences, canary)) {
      const kept = canary.spec.service?.unmanagedMetadata;
      const labels = { ...pick(current.metadata.labels, kept?.labels), ...desired.metadata.labels };
      const annotations = { ...pick(current.metadata.annotations, [...(kept?.annotations ?? []), APEX_ON_CANARY_ANNOTATION]), ...desired.metadata.annotations };
      if (!sameMap(labels, current.metadata.labels) || !sameMap(annotations, current.metadata.annotations)) {
        next.metadata = { ...current.metadata, labels, annotations };
        changed = true;
      }
    }
    if (changed) await this.kube.replace(next);
  }
}

function pick(values: Readonly<Record<string, string>> | undefined, keys: readonly string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of keys ?? []) if (values?.[key] !== undefined) out[key] = values[key];
  return out;
}
