/**
 * `provider: skipper`: the Ingress `<ingress>-canary` (Flagger's SkipperRouter), a copy of `spec.ingressRef`
 * in which every path to the apex Service goes to `<apex>-primary`, plus the same path to `<apex>-canary`;
 * Skipper splits them by the `zalando.org/backend-weights` annotation. Its `zalando.org/skipper-predicate`
 * starts with `Weight(100)` so the copy wins over the user's Ingress, or with `False()` while the canary has
 * no traffic, which disables the copy. The user's Ingress is never modified; finalize deletes the copy.
 */
import type { RouteReading, RouteSpec } from '../api/routes.ts';
import type { Canary } from '../api/types.ts';
import type { KubeClient, KubeObject } from '../kube/types.ts';
import { RouterError } from './errors.ts';
import { KUBECTL_ANNOTATION, dotted, namespaceOf, serviceNames } from './names.ts';
import type { RouterDeps } from './types.ts';
import { WeightedObjectRouter, type RenderedObject, type WeightedObjectLayout } from './weighted-object.ts';

export const SKIPPER_PREDICATE_ANNOTATION = 'zalando.org/skipper-predicate';
export const SKIPPER_BACKEND_WEIGHTS_ANNOTATION = 'zalando.org/backend-weights';
const ROUTE_WEIGHT = 'Weight(100)';
const ROUTE_DISABLED = 'False()';

interface IngressPath {
  path?: string;
  pathType?: string;
  backend: { service?: { name: string; port?: unknown }; [field: string]: unknown };
}

interface IngressSpec {
  rules?: { host?: string; http?: { paths: IngressPath[] } }[];
  [field: string]: unknown;
}

function ingressRefName(canary: Canary): string {
  const name = canary.spec.ingressRef?.name;
  if (!name) throw new RouterError(`Canary ${dotted(canary, canary.metadata.name ?? '')}: spec.ingressRef is required with provider skipper; set the Ingress whose backend is the apex Service`);
  return name;
}

/** `<ingress>-canary`. */
export function skipperCanaryIngressName(canary: Canary): string {
  return `${ingressRefName(canary)}-canary`;
}

/** `insert` first, then the user's predicates without Fledge's own (Flagger's insertPredicate). */
export function insertPredicate(raw: string | undefined, insert: string): string {
  const kept = (raw ?? '')
    .split('&&')
    .map((p) => p.trim())
    .filter((p) => p !== '' && p !== ROUTE_WEIGHT && p !== ROUTE_DISABLED);
  return [insert, ...kept].join(' && ');
}

/** The copy's spec: apex paths rewired to the primary, each followed by the same path to the canary. */
export function skipperIngressSpec(canary: Canary, source: IngressSpec): IngressSpec {
  const names = serviceNames(canary);
  let found = false;
  const rules = (source.rules ?? []).map((rule) => {
    if (!rule.http) return structuredClone(rule);
    const paths: IngressPath[] = [];
    const extra: IngressPath[] = [];
    for (const path of rule.http.paths) {
      if (path.backend.service?.name !== names.apex) {
        paths.push(structuredClone(path));
        continue;
      }
      found = true;
      paths.push({ ...structuredClone(path), backend: { ...structuredClone(path.backend), service: { ...structuredClone(path.backend.service), name: names.primary } } });
      extra.push({ ...structuredClone(path), backend: { ...structuredClone(path.backend), service: { ...structuredClone(path.backend.service), name: names.canary } } });
    }
    return { ...structuredClone(rule), http: { ...rule.http, paths: [...paths, ...extra] } };
  });
  if (!found) throw new RouterError(`Ingress ${dotted(canary, ingressRefName(canary))} (spec.ingressRef): no path has the backend ${names.apex}`);
  return { ...structuredClone(source), rules };
}

/** The split of a canary Ingress: its backend-weights annotation (all on the primary while the route is disabled). */
export function readSkipperIngress(canary: Canary, annotations: Readonly<Record<string, string>> | undefined): RouteReading {
  const names = serviceNames(canary);
  const raw = annotations?.[SKIPPER_BACKEND_WEIGHTS_ANNOTATION];
  const where = `Ingress ${dotted(canary, skipperCanaryIngressName(canary))}`;
  if (!raw) return { ok: false, reason: `${where} has no ${SKIPPER_BACKEND_WEIGHTS_ANNOTATION} annotation` };
  let weights: Record<string, unknown>;
  try {
    weights = JSON.parse(raw) as Record<string, unknown>;
  } catch {
    return { ok: false, reason: `${where}: ${SKIPPER_BACKEND_WEIGHTS_ANNOTATION} is not JSON: ${raw}` };
  }
  const primary = weights[names.primary];
  const canaryWeight = weights[names.canary];
  if (typeof primary !== 'number' || typeof canaryWeight !== 'number') return { ok: false, reason: `${where}: ${SKIPPER_BACKEND_WEIGHTS_ANNOTATION} has no weights for ${names.primary} and ${names.canary}` };
  if (annotations?.[SKIPPER_PREDICATE_ANNOTATION]?.startsWith(ROUTE_DISABLED)) return { ok: true, primary: 100, canary: 0, mirrored: false, matched: null };
  return { ok: true, primary, canary: canaryWeight, mirrored: false, matched: null };
}

class SkipperIngressLayout implements WeightedObjectLayout {
  readonly apiVersion = 'networking.k8s.io/v1';
  readonly kind = 'Ingress';
  readonly onFinalize = 'delete';
  private readonly kube: KubeClient;

  constructor(kube: KubeClient) {
    this.kube = kube;
  }

  name(canary: Canary): string {
    return skipperCanaryIngressName(canary);
  }

  async render(canary: Canary, routes: RouteSpec, current: KubeObject | undefined): Promise<RenderedObject> {
    const name = ingressRefName(canary);
    const found = await this.kube.get({ apiVersion: this.apiVersion, kind: 'Ingress', namespace: namespaceOf(canary), name });
    // Without the user's Ingress the copy still takes new weights: a rollback is never blocked by a deleted reference.
    const source = found ?? current;
    if (!source) throw new RouterError(`Ingress ${dotted(canary, name)} (spec.ingressRef) not found`);
    const names = serviceNames(canary);
    const annotations: Record<string, string> = { ...source.metadata.annotations };
    delete annotations[KUBECTL_ANNOTATION];
    // Go's json.Marshal of a map: keys sorted.
    const weights = Object.fromEntries([[names.canary, routes.canary], [names.primary, routes.primary]].sort(([a], [b]) => String(a).localeCompare(String(b))));
    annotations[SKIPPER_BACKEND_WEIGHTS_ANNOTATION] = JSON.stringify(weights);
    annotations[SKIPPER_PREDICATE_ANNOTATION] = insertPredicate(annotations[SKIPPER_PREDICATE_ANNOTATION], routes.canary > 0 ? ROUTE_WEIGHT : ROUTE_DISABLED);
    const spec = found ? skipperIngressSpec(canary, (found['spec'] as IngressSpec | undefined) ?? {}) : source['spec'];
    return { fields: { spec }, labels: { ...source.metadata.labels }, annotations };
  }

  read(canary: Canary, object: KubeObject): RouteReading {
    return readSkipperIngress(canary, object.metadata.annotations);
  }
}

/** The Skipper router. */
export class SkipperRouter extends WeightedObjectRouter {
  constructor(deps: RouterDeps) {
    super('skipper', deps, new SkipperIngressLayout(deps.kube));
  }
}
