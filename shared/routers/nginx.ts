/**
 * `provider: nginx`: the canary Ingress `<ingress>-canary` (Flagger's IngressRouter), cloned from the user's
 * Ingress (`spec.ingressRef`) with the apex backend rewired to `<apex>-canary`, and steered by ingress-nginx's
 * canary annotations: `canary-weight` for a weighted canary, `canary-by-header` (`-value`, `-pattern`) and
 * `canary-by-cookie` for A/B testing. The user's Ingress is never modified.
 */
import type { RouteReading, RouteSpec } from '../api/routes.ts';
import type { AnalysisMatch, Canary } from '../api/types.ts';
import { canonicalJson } from '../json.ts';
import type { KubeClient, KubeObject, ObjectRef } from '../kube/types.ts';
import { RouterError } from './errors.ts';
import { KUBECTL_ANNOTATION, dotted, namespaceOf, ownerReferences, serviceNames } from './names.ts';
import { ServicesReconciler } from './services.ts';
import { createOnce } from './takeover.ts';
import type { RouteWrite, Router, RouterDeps } from './types.ts';

/** ingress-nginx's annotation prefix (Flagger's `-ingress-annotations-prefix` default). */
export const NGINX_PREFIX = 'nginx.ingress.kubernetes.io';

const CANARY = `${NGINX_PREFIX}/canary`;
const WEIGHT = `${NGINX_PREFIX}/canary-weight`;
const BY_HEADER = `${NGINX_PREFIX}/canary-by-header`;
const BY_HEADER_VALUE = `${NGINX_PREFIX}/canary-by-header-value`;
const BY_HEADER_PATTERN = `${NGINX_PREFIX}/canary-by-header-pattern`;
const BY_COOKIE = `${NGINX_PREFIX}/canary-by-cookie`;
const MATCH_ANNOTATIONS = [BY_HEADER, BY_HEADER_VALUE, BY_HEADER_PATTERN, BY_COOKIE];

/** An `networking.k8s.io/v1` Ingress, the fields Fledge reads. */
export interface Ingress extends KubeObject {
  spec: {
    rules?: Array<{ host?: string; http?: { paths?: Array<{ path?: string; pathType?: string; backend: { service?: { name: string; port?: { number?: number; name?: string } } } }> } }>;
    defaultBackend?: { service?: { name: string; port?: { number?: number; name?: string } } };
    [field: string]: unknown;
  };
}

/** The user's Ingress name and the canary Ingress name. */
export function ingressNames(canary: Canary): { readonly ingress: string; readonly canaryIngress: string } {
  const name = canary.spec.ingressRef?.name;
  if (!name) throw new RouterError(`Canary ${dotted(canary, canary.metadata.name ?? '')}: spec.ingressRef must name the Ingress to route with the ${canary.spec.provider} provider`);
  return { ingress: name, canaryIngress: `${name}-canary` };
}

/** The user's Ingress spec with every backend of the apex Service sent to `backend` instead. */
export function rewiredSpec(canary: Canary, ingress: Ingress, backend: (service: { name: string; port?: { number?: number; name?: string } }) => Ingress['spec']['defaultBackend']): Ingress['spec'] {
  const apex = serviceNames(canary).apex;
  const spec = structuredClone(ingress.spec);
  let found = false;
  for (const rule of spec.rules ?? []) {
    for (const path of rule.http?.paths ?? []) {
      if (path.backend.service?.name === apex) {
        path.backend = backend(path.backend.service) ?? path.backend;
        found = true;
      }
    }
  }
  if (!found) throw new RouterError(`backend ${apex} not found in Ingress ${dotted(canary, ingress.metadata.name)}: route the apex Service ${apex} from one of its rules`);
  return spec;
}

/** The canary Ingress annotations for a fresh start: the user's without kubectl's and the canary ones, weight 0. */
export function baseAnnotations(annotations: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(annotations ?? {})) {
    if (key.includes('toolkit.fluxcd.io') || key === KUBECTL_ANNOTATION || key.startsWith(`${NGINX_PREFIX}/canary`)) continue;
    out[key] = value;
  }
  out[CANARY] = 'true';
  out[WEIGHT] = '0';
  return out;
}

/** Flagger's header annotations for `match`: `cookie` names a cookie; any other header a header (exact or regex). */
export function matchAnnotations(match: readonly AnalysisMatch[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of match) {
    for (const [name, value] of Object.entries(m.headers ?? {})) {
      if (name.toLowerCase() === 'cookie') {
        if (!value.exact) throw new RouterError(`nginx routes a cookie by its name only: analysis.match headers.cookie must be exact (the cookie name), got ${JSON.stringify(value)}`);
        out[BY_COOKIE] = value.exact;
        continue;
      }
      out[BY_HEADER] = name;
      if (value.exact) out[BY_HEADER_VALUE] = value.exact;
      else if (value.regex) out[BY_HEADER_PATTERN] = value.regex;
    }
  }
  return out;
}

/** The canary Ingress annotations for `routes`, from its current ones. */
export function annotationsFor(current: Readonly<Record<string, string>>, routes: RouteSpec): Record<string, string> {
  if (routes.canary === 0) return baseAnnotations(current);
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(current)) if (!MATCH_ANNOTATIONS.includes(key)) out[key] = value;
  out[CANARY] = 'true';
  if (routes.match && routes.match.length > 0) {
    if (routes.canary !== 100) throw new RouterError(`nginx sends every matching request to the canary: an A/B split must be 0/100, got ${routes.primary}/${routes.canary}`);
    Object.assign(out, matchAnnotations(routes.match));
    out[WEIGHT] = '0';
  } else {
    out[WEIGHT] = String(routes.canary);
  }
  return out;
}

/** The split the canary Ingress annotations give. */
export function readAnnotations(canary: Canary, annotations: Readonly<Record<string, string>>): RouteReading {
  const raw = annotations[WEIGHT] ?? '0';
  const weight = Number(raw);
  if (!/^\d+$/.test(raw) || weight > 100) return { ok: false, reason: `Ingress ${dotted(canary, ingressNames(canary).canaryIngress)}: annotation ${WEIGHT} is not a weight: "${raw}"` };
  const on = annotations[CANARY] === 'true';
  const canaryWeight = on ? weight : 0;
  const matching = on && (annotations[BY_HEADER] !== undefined || annotations[BY_COOKIE] !== undefined);
  return { ok: true, primary: 100 - canaryWeight, canary: canaryWeight, mirrored: false, matched: matching ? { primary: 0, canary: 100 } : null };
}

/** The NGINX ingress router. */
export class NginxRouter implements Router {
  readonly provider = 'nginx';
  private readonly kube: KubeClient;
  private readonly services: ServicesReconciler;

  constructor(deps: RouterDeps) {
    this.kube = deps.kube;
    this.services = new ServicesReconciler(deps);
  }

  private ref(canary: Canary, name: string): ObjectRef {
    return { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', namespace: namespaceOf(canary), name };
  }

  initialize(canary: Canary): Promise<void> {
    return this.services.initialize(canary);
  }

  /** Creates the canary Ingress at weight 0, or brings its spec in line with the user's; annotations (weights) are kept. */
  /** The apex Service and the canary Ingress at once: neither write depends on the other. */
  async reconcile(canary: Canary): Promise<RouteWrite> {
    await Promise.all([this.services.reconcileApex(canary), this.reconcileCanaryIngress(canary)]);
    return { kind: 'applied' };
  }

  private async reconcileCanaryIngress(canary: Canary): Promise<void> {
    const names = ingressNames(canary);
    const source = await this.kube.get<Ingress>(this.ref(canary, names.ingress));
    if (!source) throw new RouterError(`Ingress ${dotted(canary, names.ingress)} not found (spec.ingressRef)`);
    const canaryService = serviceNames(canary).canary;
    const spec = rewiredSpec(canary, source, (service) => ({ service: { ...service, name: canaryService } }));
    const current = await this.kube.get<Ingress>(this.ref(canary, names.canaryIngress));
    if (!current) {
      const owners = ownerReferences(canary);
      await createOnce(this.kube, canary, {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: {
          name: names.canaryIngress,
          namespace: namespaceOf(canary),
          labels: { ...source.metadata.labels },
          annotations: baseAnnotations(source.metadata.annotations),
          ...(owners.length > 0 ? { ownerReferences: owners } : {}),
        },
        spec,
      } as Ingress);
      return;
    }
    if (canonicalJson(spec) !== canonicalJson(current.spec)) await this.kube.replace({ ...current, spec });
  }

  async setRoutes(canary: Canary, routes: RouteSpec): Promise<RouteWrite> {
    const name = ingressNames(canary).canaryIngress;
    const current = await this.kube.get<Ingress>(this.ref(canary, name));
    if (!current) throw new RouterError(`Ingress ${dotted(canary, name)} not found: reconcile creates it`);
    const annotations = annotationsFor(current.metadata.annotations ?? {}, routes);
    if (canonicalJson(annotations) !== canonicalJson(current.metadata.annotations ?? {})) {
      await this.kube.replace({ ...current, metadata: { ...current.metadata, annotations } });
    }
    return { kind: 'applied' };
  }

  async getRoutes(canary: Canary): Promise<RouteReading> {
    const name = ingressNames(canary).canaryIngress;
    const current = await this.kube.get<Ingress>(this.ref(canary, name));
    if (!current) return { ok: false, reason: `Ingress ${dotted(canary, name)} not found` };
    return readAnnotations(canary, current.metadata.annotations ?? {});
  }

  /** Deletes the canary Ingress, so the user's Ingress, never modified, routes alone again. */
  async finalize(canary: Canary): Promise<void> {
    await this.services.finalize(canary);
    await this.kube.delete(this.ref(canary, ingressNames(canary).canaryIngress));
  }
}
