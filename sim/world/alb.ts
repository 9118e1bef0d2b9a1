/**
 * The AWS Load Balancer Controller's Ingress reconcile, as far as a rollout can see it: every Ingress of class
 * `alb` (an IngressGroup, `group.name`, shares one) gets one load balancer, its DNS name written to
 * `status.loadBalancer.ingress`, and a TargetGroupBinding (`elbv2.k8s.aws/v1beta1`) for each Service a path or a
 * forward action (`alb.ingress.kubernetes.io/actions.<name>`, backend port `use-annotation`) sends traffic to.
 * An Ingress whose action annotation is missing, is not JSON, or forwards to a Service that does not exist is
 * not reconciled (the real controller reports `FailedBuildModel` and changes nothing), so its status stays as
 * it was.
 */
import type { GroupVersionResource, KubeObject } from '../emulator/types.ts';
import type { WorldContext } from './context.ts';
import { fnv1a32 } from './hash.ts';

const INGRESSES: GroupVersionResource = { group: 'networking.k8s.io', version: 'v1', resource: 'ingresses' };
const SERVICES: GroupVersionResource = { group: '', version: 'v1', resource: 'services' };
/** The TargetGroupBindings the controller manages. */
export const TARGET_GROUP_BINDINGS: GroupVersionResource = { group: 'elbv2.k8s.aws', version: 'v1beta1', resource: 'targetgroupbindings' };
const PREFIX = 'alb.ingress.kubernetes.io';
const STACK_LABEL = 'ingress.k8s.aws/stack';

interface Backend {
  service?: { name: string; port?: { number?: number; name?: string } };
}

interface IngressSpec {
  ingressClassName?: string;
  rules?: Array<{ http?: { paths?: Array<{ backend: Backend }> } }>;
  defaultBackend?: Backend;
}

/** A target group: a Service and its port. */
interface TargetGroup {
  readonly service: string;
  readonly port: string;
}

function isAlb(ingress: KubeObject): boolean {
  const spec = ingress['spec'] as IngressSpec | undefined;
  return spec?.ingressClassName === 'alb' || ingress.metadata.annotations?.['kubernetes.io/ingress.class'] === 'alb';
}

function hex(text: string): string {
  return fnv1a32(text).toString(16).padStart(8, '0');
}

/** The stack (load balancer) an Ingress belongs to: its IngressGroup, or itself. */
function stackOf(ingress: KubeObject): string {
  const group = ingress.metadata.annotations?.[`${PREFIX}/group.name`];
  return group ? group : `${ingress.metadata.namespace ?? 'default'}/${ingress.metadata.name}`;
}

/** The target groups an Ingress sends traffic to, or why the controller cannot build them. */
export function targetGroupsOf(ctx: WorldContext, ingress: KubeObject): TargetGroup[] | string {
  const namespace = ingress.metadata.namespace ?? 'default';
  const spec = (ingress['spec'] ?? {}) as IngressSpec;
  const backends = [...(spec.defaultBackend ? [spec.defaultBackend] : []), ...(spec.rules ?? []).flatMap((r) => (r.http?.paths ?? []).map((p) => p.backend))];
  const groups = new Map<string, TargetGroup>();
  const add = (service: string, port: string): string | undefined => {
    const object = ctx.cluster.get(SERVICES, namespace, service);
    if (!object) return `Service ${namespace}/${service} not found`;
    groups.set(`${service}:${port}`, { service, port });
    return undefined;
  };
  for (const backend of backends) {
    const service = backend.service;
    if (!service) continue;
    if (service.port?.name === 'use-annotation') {
      const raw = ingress.metadata.annotations?.[`${PREFIX}/actions.${service.name}`];
      if (raw === undefined) return `no annotation ${PREFIX}/actions.${service.name}`;
      let action: { type?: string; forwardConfig?: { targetGroups?: Array<{ serviceName?: string; servicePort?: string | number }> } };
      try {
        action = JSON.parse(raw) as typeof action;
      } catch {
        return `annotation ${PREFIX}/actions.${service.name} is not JSON`;
      }
      if (action.type !== 'forward') continue;
      for (const tg of action.forwardConfig?.targetGroups ?? []) {
        if (!tg.serviceName) return `a target group of action ${service.name} names no service`;
        const problem = add(tg.serviceName, String(tg.servicePort ?? ''));
        if (problem) return problem;
      }
      continue;
    }
    const problem = add(service.name, String(service.port?.number ?? service.port?.name ?? ''));
    if (problem) return problem;
  }
  return [...groups.values()];
}

/** One pass of the controller over every `alb` Ingress. */
export function syncAlbIngresses(ctx: WorldContext): void {
  const wanted = new Map<string, KubeObject>();
  const reconciledStacks = new Set<string>();
  for (const ingress of ctx.cluster.list(INGRESSES)) {
    if (!isAlb(ingress) || ingress.metadata.deletionTimestamp) continue;
    const groups = targetGroupsOf(ctx, ingress);
    const stack = stackOf(ingress);
    if (typeof groups === 'string') continue;
    reconciledStacks.add(stack);
    const namespace = ingress.metadata.namespace ?? 'default';
    const hostname = `k8s-${stack.replace(/[^a-z0-9]+/g, '').slice(0, 20)}-${hex(stack)}.us-east-1.elb.amazonaws.com`;
    ctx.cluster.updateStatus(INGRESSES, ingress, { loadBalancer: { ingress: [{ hostname }] } });
    for (const group of groups) {
      const name = `k8s-${namespace}-${group.service}-${hex(`${stack}/${group.service}:${group.port}`)}`.slice(0, 63);
      wanted.set(`${namespace}/${name}`, {
        apiVersion: 'elbv2.k8s.aws/v1beta1',
        kind: 'TargetGroupBinding',
        metadata: { name, namespace, labels: { [STACK_LABEL]: hex(stack) } },
        spec: {
          serviceRef: { name: group.service, port: /^\d+$/.test(group.port) ? Number(group.port) : group.port },
          targetGroupARN: `arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/${name.slice(0, 32)}/${hex(name)}${hex(stack)}`,
          targetType: 'ip',
        },
      });
    }
  }
  for (const binding of ctx.cluster.list(TARGET_GROUP_BINDINGS)) {
    const key = `${binding.metadata.namespace}/${binding.metadata.name}`;
    const stackHash = binding.metadata.labels?.[STACK_LABEL];
    const ownStack = [...reconciledStacks].some((s) => hex(s) === stackHash);
    if (!wanted.has(key) && ownStack) ctx.cluster.delete(TARGET_GROUP_BINDINGS, binding.metadata.namespace, binding.metadata.name);
    wanted.delete(key);
  }
  for (const binding of wanted.values()) ctx.cluster.create(TARGET_GROUP_BINDINGS, binding);
}
