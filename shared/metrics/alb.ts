/**
 * Builtin metrics of the `alb` provider (AWS Load Balancer Controller), without Prometheus: CloudWatch
 * `AWS/ApplicationELB` metrics of the canary's target group. The target group is the one the
 * `elbv2.k8s.aws/v1beta1` TargetGroupBinding of the `<apex>-canary` Service names; its ARN gives the region and
 * the `TargetGroup` dimension. ALB publishes target-group metrics per (TargetGroup, LoadBalancer), so the queries
 * SEARCH on the TargetGroup and add up whatever load balancers it is attached to.
 * - request-success-rate: 100 × (1 − HTTPCode_Target_5XX_Count / RequestCount) over one interval (a 5XX count
 *   CloudWatch did not publish is zero);
 * - request-duration: TargetResponseTime p99, seconds × 1000 as milliseconds (Flagger's unit for durations).
 */
import { KubeUnknownKindError } from '../kube/errors.ts';
import type { KubeClient, KubeObject } from '../kube/types.ts';
import { parseDuration } from '../api/duration.ts';
import type { ProviderFactory } from './factory.ts';
import type { BuiltinMetricName } from './observers.ts';
import type { MetricCheckRequest, MetricProvider } from './types.ts';

/** What the `alb` builtins need. */
export interface AlbLookup {
  readonly kube: KubeClient;
  readonly providers: ProviderFactory;
  readonly request: MetricCheckRequest;
}

interface TargetGroupBinding extends KubeObject {
  readonly spec?: { readonly serviceRef?: { readonly name?: string }; readonly targetGroupARN?: string };
}

/** The TargetGroupBinding's API. */
export const TARGET_GROUP_BINDING = { apiVersion: 'elbv2.k8s.aws/v1beta1', kind: 'TargetGroupBinding' } as const;

const ARN = /^arn:aws[a-z-]*:elasticloadbalancing:([a-z0-9-]+):\d+:(targetgroup\/[^/]+\/[0-9a-f]+)$/u;

/** The CloudWatch provider and query of one `alb` builtin, or why there is none. */
export async function albBuiltin(
  lookup: AlbLookup,
  metric: BuiltinMetricName,
): Promise<{ ok: true; provider: MetricProvider; query: string } | { ok: false; error: string }> {
  const { request } = lookup;
  const { namespace, service } = request.model;
  const canaryService = `${service}-canary`;
  let bindings: TargetGroupBinding[];
  try {
    bindings = await lookup.kube.list<TargetGroupBinding>(TARGET_GROUP_BINDING.apiVersion, TARGET_GROUP_BINDING.kind, { namespace });
  } catch (error) {
    if (error instanceof KubeUnknownKindError) {
      return { ok: false, error: 'TargetGroupBinding (elbv2.k8s.aws/v1beta1) is not served by the cluster; the alb builtins need the AWS Load Balancer Controller' };
    }
    return { ok: false, error: `listing TargetGroupBindings in ${namespace} failed: ${(error as Error).message}` };
  }
  const binding = bindings.find((item) => item.spec?.serviceRef?.name === canaryService);
  if (binding === undefined) {
    return { ok: false, error: `no TargetGroupBinding in ${namespace} with spec.serviceRef.name ${canaryService}; the alb builtins read the canary target group's CloudWatch metrics` };
  }
  const arn = binding.spec?.targetGroupARN ?? '';
  const match = ARN.exec(arn);
  if (match === null) return { ok: false, error: `TargetGroupBinding ${namespace}/${binding.metadata.name} has no valid spec.targetGroupARN (got ${JSON.stringify(arn)})` };
  const [, region, targetGroup] = match as unknown as [string, string, string];
  const period = Math.max(60, Math.ceil((parseDuration(request.model.interval) ?? 60_000) / 60_000) * 60);
  const query = JSON.stringify(metric === 'request-success-rate' ? successRateQueries(targetGroup, period) : durationQueries(targetGroup, period));
  const provider = lookup.providers({ spec: { type: 'cloudwatch', region }, interval: request.model.interval, request });
  return { ok: true, provider, query };
}

function search(targetGroup: string, metricName: string, stat: string, period: number): string {
  return `SEARCH('{AWS/ApplicationELB,LoadBalancer,TargetGroup} MetricName="${metricName}" TargetGroup="${targetGroup}"', '${stat}', ${period})`;
}

/** The MetricDataQuery list of the success rate. */
export function successRateQueries(targetGroup: string, period: number): object[] {
  return [
    { Id: 'errors', Expression: search(targetGroup, 'HTTPCode_Target_5XX_Count', 'Sum', period), ReturnData: false },
    { Id: 'requests', Expression: search(targetGroup, 'RequestCount', 'Sum', period), ReturnData: false },
    { Id: 'successRate', Expression: '100 * (1 - FILL(SUM(errors), 0) / SUM(requests))', Label: 'request-success-rate', ReturnData: true },
  ];
}

/** The MetricDataQuery list of the p99 response time in milliseconds. */
export function durationQueries(targetGroup: string, period: number): object[] {
  return [
    { Id: 'p99', Expression: search(targetGroup, 'TargetResponseTime', 'p99', period), ReturnData: false },
    { Id: 'duration', Expression: 'MAX(p99) * 1000', Label: 'request-duration', ReturnData: true },
  ];
}
