/**
 * What to add when a required field is missing: `spec.targetRef: required; set the Deployment, DaemonSet or
 * Service to release`. Hints are keyed by kind and by the field's path in the schema, written as
 * `spec.analysis.webhooks[].url` (any list item) and `.*` (any map key). A test checks that every field our
 * schema requires has one.
 */
import type { PathTokens } from './paths.ts';
import type { Schema } from './schema-common.ts';
import { SCHEMAS } from './schema.ts';
import type { FlaggerKind } from './types.ts';
import { ALERT_PROVIDER_TYPES, METRIC_PROVIDER_TYPES } from './types.ts';
import { orList } from './messages.ts';

const CANARY_HINTS: Record<string, string> = {
  'metadata.name': 'set the name of the Canary',
  spec: 'set spec.targetRef and spec.analysis',
  'spec.targetRef': 'set the Deployment, DaemonSet or Service to release',
  'spec.targetRef.apiVersion': 'set apps/v1 for a Deployment or DaemonSet, v1 for a Service, serving.knative.dev/v1 for a Knative Service',
  'spec.targetRef.kind': 'set Deployment, DaemonSet or Service',
  'spec.targetRef.name': 'set the name of the workload to release',
  'spec.autoscalerRef.apiVersion': 'set autoscaling/v2 for a HorizontalPodAutoscaler, keda.sh/v1alpha1 for a ScaledObject',
  'spec.autoscalerRef.kind': 'set HorizontalPodAutoscaler or ScaledObject',
  'spec.autoscalerRef.name': 'set the name of the autoscaler of the target',
  'spec.ingressRef.apiVersion': 'set networking.k8s.io/v1',
  'spec.ingressRef.kind': 'set Ingress',
  'spec.ingressRef.name': 'set the name of the Ingress that routes to the target',
  'spec.routeRef.apiVersion': 'set apisix.apache.org/v2',
  'spec.routeRef.kind': 'set ApisixRoute',
  'spec.routeRef.name': 'set the name of the ApisixRoute that routes to the target',
  'spec.upstreamRef.apiVersion': 'set gloo.solo.io/v1',
  'spec.upstreamRef.kind': 'set Upstream',
  'spec.upstreamRef.name': 'set the name of the Gloo Upstream to copy',
  'spec.service.port': 'set the port of the Services Flagger generates for the target, e.g. 80',
  'spec.service.mirror[].backendRef': 'set the backend that receives the mirrored requests, e.g. {name: shadow, port: 80}',
  'spec.service.mirror[].backendRef.name': 'set the name of the Service that receives the mirrored requests',
  'spec.service.mirror[].backendRef.port': 'set the port that receives the mirrored requests (a Service backend needs one)',
  'spec.service.gatewayRefs[].name': 'set the name of the Gateway the generated HTTPRoute attaches to',
  'spec.analysis': 'set interval, threshold and one of iterations, stepWeight or stepWeights',
  'spec.analysis.interval': 'set the time between analysis steps, e.g. 1m',
  'spec.analysis.threshold': 'set how many failed checks roll the canary back, e.g. 5',
  'spec.analysis.metrics[].name': 'set request-success-rate, request-duration, or a name of your own with templateRef',
  'spec.analysis.metrics[].templateRef.name': 'set the name of the MetricTemplate',
  'spec.analysis.webhooks[].name': 'set a name for the webhook; its results are reported under it',
  'spec.analysis.webhooks[].url': 'set the URL the webhook posts to, e.g. http://flagger-loadtester.test/',
  'spec.analysis.alerts[].name': 'set a name for the alert',
  'spec.analysis.alerts[].providerRef': 'set the AlertProvider to post through, e.g. {name: on-call}',
  'spec.analysis.alerts[].providerRef.name': 'set the name of the AlertProvider',
  'spec.analysis.sessionAffinity.cookieName': 'set the cookie that pins a session to the canary, e.g. flagger-cookie',
  'status.conditions[].type': 'set the condition type, e.g. Promoted',
  'status.conditions[].status': 'set True, False or Unknown',
  'status.conditions[].reason': 'set a one-word reason, e.g. Succeeded',
};

const METRIC_TEMPLATE_HINTS: Record<string, string> = {
  'metadata.name': 'set the name of the MetricTemplate',
  spec: 'set spec.provider and spec.query',
  'spec.provider': 'set where the query runs: type and address, e.g. {type: prometheus, address: http://prometheus:9090}',
  'spec.provider.type': `set ${orList(METRIC_PROVIDER_TYPES)}`,
  'spec.provider.secretRef.name': 'set the name of the Secret that holds the credentials',
  'spec.query': 'set the query to run, which can use {{ namespace }}, {{ target }} and {{ interval }}',
};

const ALERT_PROVIDER_HINTS: Record<string, string> = {
  'metadata.name': 'set the name of the AlertProvider',
  spec: 'set spec.type and spec.address or spec.secretRef',
  'spec.type': `set ${orList(ALERT_PROVIDER_TYPES)}`,
  'spec.secretRef.name': 'set the name of the Secret whose address key holds the webhook URL',
};

/** What to add for each required field, by kind and schema path. */
export const REQUIRED_HINTS: Readonly<Record<FlaggerKind, Readonly<Record<string, string>>>> = {
  Canary: CANARY_HINTS,
  MetricTemplate: METRIC_TEMPLATE_HINTS,
  AlertProvider: ALERT_PROVIDER_HINTS,
};

/**
 * The schema path of a field: list indexes become `[]` and keys of a map `*`; keys below a node the schema
 * leaves open (such as `metadata`) stay as they are.
 * @example schemaPath(canarySchema, ['spec', 'analysis', 'webhooks', 2, 'url']) // 'spec.analysis.webhooks[].url'
 */
export function schemaPath(schema: Schema, tokens: PathTokens): string {
  let node: Schema | undefined = schema;
  let out = '';
  for (const token of tokens) {
    if (typeof token === 'number') {
      out += '[]';
      node = node?.items;
      continue;
    }
    const child: Schema | undefined = node?.properties?.[token];
    const key = child === undefined && node?.additionalProperties !== undefined ? '*' : token;
    out += out === '' ? key : `.${key}`;
    node = child ?? node?.additionalProperties;
  }
  return out;
}

/** What to add when the field at `tokens` of a `kind` object is missing; undefined when no hint is known. */
export function requiredHint(kind: FlaggerKind, tokens: PathTokens): string | undefined {
  return REQUIRED_HINTS[kind][schemaPath(SCHEMAS[kind], tokens)];
}
