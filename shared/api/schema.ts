/**
 * Fledge's own schema of the three Flagger kinds (`flagger.app/v1beta1`), written from Flagger's documented
 * API. One object serves ajv validation (`validate.ts`) and the generated CRDs (`crd.ts`). It accepts every
 * field of Flagger's CRDs; rules the CRD cannot express live in `semantic.ts`.
 */
import type { Schema } from './schema-common.ts';
import {
  bool,
  DURATION_PATTERN,
  exactlyOne,
  int,
  list,
  map,
  num,
  obj,
  objectRef,
  oneOfStrings,
  str,
  stringMap,
  atMostOne,
} from './schema-common.ts';
import { serviceSchema } from './schema-service.ts';
import type { Phase } from './state.ts';
import { PHASES } from './state.ts';
import {
  ALERT_PROVIDER_TYPES,
  ALERT_SEVERITIES,
  AUTOSCALER_KINDS,
  CANARY_PROVIDERS,
  INGRESS_KINDS,
  METRIC_PROVIDER_TYPES,
  ROUTE_KINDS,
  SAME_SITE_VALUES,
  TARGET_KINDS,
  UPSTREAM_KINDS,
  WEBHOOK_TYPES,
} from './types.ts';

/** The values of `status.phase` (the CRD's enum): Flagger's phases, or empty before the first run. */
export const STATUS_PHASES: readonly ('' | Phase)[] = ['', ...PHASES];

const duration = (description: string): Schema => str(description, { pattern: DURATION_PATTERN });

const headerMatch: Schema = {
  ...obj({
    exact: str('Exact value'),
    prefix: str('Value prefix'),
    suffix: str('Value suffix'),
    regex: str('RE2 regular expression'),
  }),
  oneOf: exactlyOne(['exact', 'prefix', 'suffix', 'regex']),
};

const queryParamMatch: Schema = {
  ...obj({ exact: str('Exact value'), prefix: str('Value prefix'), regex: str('RE2 regular expression') }),
  ...atMostOne(['exact', 'prefix', 'regex']),
};

const metric: Schema = obj(
  {
    name: str('Name of the metric; request-success-rate and request-duration are builtin'),
    interval: duration('Range of the query (default 1m)'),
    threshold: num('Maximum accepted value (legacy; prefer thresholdRange)'),
    thresholdRange: obj({ min: num('Minimum accepted value'), max: num('Maximum accepted value') }, 'Accepted range'),
    query: str('Inline Prometheus query (legacy; prefer templateRef)'),
    templateRef: obj(
      { name: str('Name of the MetricTemplate'), namespace: str('Namespace of the MetricTemplate') },
      'MetricTemplate reference',
      ['name'],
    ),
    templateVariables: stringMap('Variables for the template query'),
  },
  'A metric check',
  ['name'],
);

const webhook: Schema = obj(
  {
    name: str('Name of the webhook'),
    type: oneOfStrings(WEBHOOK_TYPES, 'When the webhook fires (empty means rollout)'),
    muteAlert: bool('Send no alert when this webhook fails'),
    url: str('URL the webhook posts to', { format: 'url' }),
    timeout: duration('Request timeout (default 10s)'),
    retries: num('Retries of a failed call'),
    disableTLS: bool('Skip TLS verification'),
    metadata: stringMap('Key-value pairs sent in the payload'),
  },
  'A webhook: a gate, a test or a notification',
  ['name', 'url'],
);

const alert: Schema = obj(
  {
    name: str('Name of the alert'),
    severity: oneOfStrings(ALERT_SEVERITIES, 'Lowest severity sent: info, warn or error (default info)'),
    providerRef: obj(
      { name: str('Name of the AlertProvider'), namespace: str('Namespace of the AlertProvider') },
      'AlertProvider reference',
      ['name'],
    ),
  },
  'An alert sent through an AlertProvider',
  ['providerRef', 'name'],
);

const sessionAffinity: Schema = obj(
  {
    cookieName: str('Cookie that pins a session to the canary'),
    primaryCookieName: str('Cookie that pins a session to the primary'),
    domain: str('Cookie domain'),
    httpOnly: bool('Hide the cookie from scripts'),
    maxAge: num('Cookie lifetime in seconds (default 86400)', { default: 86400 }),
    partitioned: bool('Store the cookie in partitioned storage'),
    path: str('Cookie path'),
    sameSite: oneOfStrings(SAME_SITE_VALUES, 'Cookie SameSite policy'),
    secure: bool('Send the cookie over HTTPS only'),
  },
  'Sticky sessions: users who reached the canary stay on it',
  ['cookieName'],
);

/** Schema of `spec.analysis` (and its deprecated alias `spec.canaryAnalysis`). */
export const analysisSchema: Schema = {
  ...obj(
    {
      interval: duration('Time between analysis steps (default 60s, at least 10s)'),
      iterations: num('Number of checks (A/B testing and blue/green)'),
      threshold: num('Failed checks before rollback'),
      maxWeight: num('Largest canary traffic weight (default 100)'),
      stepWeight: num('Canary traffic added per step'),
      stepWeights: list({ type: 'number' }, 'Canary traffic weights, step by step'),
      stepWeightPromotion: num('Primary traffic added per step after promotion'),
      mirror: bool('Mirror traffic to the canary'),
      mirrorWeight: num('Share of traffic mirrored, 0-100 (default 100)'),
      primaryReadyThreshold: num('Share of primary pods that must be ready (default 100)'),
      canaryReadyThreshold: num('Share of canary pods that must be ready (default 100)'),
      match: list(
        obj({
          headers: map(headerMatch, 'Header matches'),
          queryParams: map(queryParamMatch, 'Query parameter matches'),
          sourceLabels: stringMap("Source workload labels (needs the 'mesh' gateway)"),
        }),
        'A/B testing conditions',
      ),
      metrics: list(metric, 'Metric checks'),
      alerts: list(alert, 'Alerts'),
      webhooks: list(webhook, 'Webhooks'),
      sessionAffinity,
    },
    'How the canary is analysed and how traffic moves',
  ),
  oneOf: [
    { required: ['interval', 'threshold', 'iterations'] },
    { required: ['interval', 'threshold', 'stepWeight'] },
    { required: ['interval', 'threshold', 'stepWeights'] },
  ],
};

const canarySpec: Schema = obj(
  {
    provider: oneOfStrings(CANARY_PROVIDERS, 'Traffic management provider'),
    metricsServer: str('Prometheus URL for the builtin metrics'),
    progressDeadlineSeconds: num('Seconds the canary may take to make progress (default 600)'),
    targetRef: objectRef(TARGET_KINDS, 'The workload released'),
    autoscalerRef: objectRef(AUTOSCALER_KINDS, 'The autoscaler of the target', {
      primaryScalerQueries: stringMap('Trigger name → query for the primary ScaledObject'),
      primaryScalerReplicas: obj(
        { minReplicas: int('Minimum replicas', { minimum: 1 }), maxReplicas: int('Maximum replicas', { minimum: 1 }) },
        'Replica bounds of the primary autoscaler',
      ),
    }),
    ingressRef: objectRef(INGRESS_KINDS, 'The Ingress routed by the nginx, skipper and alb providers'),
    routeRef: objectRef(ROUTE_KINDS, 'The ApisixRoute routed by the apisix provider'),
    upstreamRef: objectRef(UPSTREAM_KINDS, 'The Gloo Upstream copied for generated upstreams', {
      namespace: str('Namespace of the Upstream'),
    }),
    service: serviceSchema,
    skipAnalysis: bool('Promote without analysis'),
    revertOnDeletion: bool('Restore the target when the Canary is deleted'),
    suspend: bool('Pause all runs of this canary'),
    analysis: analysisSchema,
    // Parsing moves the deprecated alias to `analysis` before validating it there, so the CRD only keeps it.
    canaryAnalysis: {
      type: 'object',
      description: 'Deprecated alias of analysis',
      'x-kubernetes-preserve-unknown-fields': true,
    },
  },
  'What to release and how',
  ['targetRef'],
);

// Either `analysis` or its deprecated alias.
canarySpec.anyOf = [{ required: ['analysis'] }, { required: ['canaryAnalysis'] }];

const canaryStatus: Schema = obj(
  {
    phase: oneOfStrings(STATUS_PHASES, 'Phase of the current run'),
    failedChecks: num('Failed checks of the current run'),
    canaryWeight: num('Traffic weight of the canary'),
    iterations: num('Iterations of the current run'),
    trackedConfigs: stringMap('ConfigMaps and Secrets tracked, with their checksums'),
    lastAppliedSpec: str('Hash of the last applied target spec'),
    lastPromotedSpec: str('Hash of the last promoted target spec'),
    lastTransitionTime: str('Time of the last phase change', { format: 'date-time' }),
    sessionAffinityCookie: str('Canary cookie of the current run'),
    primarySessionAffinityCookie: str('Primary cookie of the current run'),
    previousSessionAffinityCookie: str('Canary cookie of the previous run'),
    conditions: list(
      obj(
        {
          lastTransitionTime: str('Time of the last status change', { format: 'date-time' }),
          lastUpdateTime: str('Time of the last update', { format: 'date-time' }),
          message: str('Human-readable detail'),
          reason: str('Machine-readable reason'),
          status: str('True, False or Unknown'),
          type: str('Condition type'),
        },
        undefined,
        ['type', 'status', 'reason'],
      ),
      'Status conditions',
    ),
  },
  'Observed state; Fledge mirrors its DynamoDB state here',
);

function root(kind: string, spec: Schema, status?: Schema): Schema {
  return obj(
    {
      apiVersion: str('API version of the object: flagger.app/v1beta1'),
      kind: str(`Kind of the object: ${kind}`),
      metadata: { type: 'object' },
      spec,
      ...(status === undefined ? {} : { status }),
    },
    `A Flagger ${kind}`,
  );
}

/** Schema of a whole Canary object. */
export const canarySchema: Schema = root('Canary', canarySpec, canaryStatus);

/** Schema of a whole MetricTemplate object. */
export const metricTemplateSchema: Schema = root(
  'MetricTemplate',
  obj(
    {
      provider: obj(
        {
          type: oneOfStrings(METRIC_PROVIDER_TYPES, 'Metrics backend'),
          address: str('API address of the backend'),
          headers: map(list({ type: 'string' }), 'HTTP headers added to queries'),
          secretRef: obj({ name: str('Name of the Secret') }, 'Secret with the credentials', ['name']),
          region: str('Region of the backend (CloudWatch)'),
          insecureSkipVerify: bool('Skip TLS verification'),
        },
        'Where the query runs',
        ['type'],
      ),
      query: str('Query template'),
    },
    'A reusable metric query',
    ['provider', 'query'],
  ),
);

/** Schema of a whole AlertProvider object. */
export const alertProviderSchema: Schema = root('AlertProvider', {
  ...obj(
    {
      type: oneOfStrings(ALERT_PROVIDER_TYPES, 'Chat service'),
      channel: str('Channel to post to'),
      username: str('Name the bot posts as'),
      address: str('Webhook URL'),
      proxy: str('HTTP(S) proxy'),
      secretRef: obj({ name: str('Name of the Secret') }, 'Secret holding the address (key address)', ['name']),
    },
    'Where alerts are posted',
  ),
  oneOf: [{ required: ['type', 'address'] }, { required: ['type', 'secretRef'] }],
});

/** The schema of each Flagger kind. */
export const SCHEMAS = {
  Canary: canarySchema,
  MetricTemplate: metricTemplateSchema,
  AlertProvider: alertProviderSchema,
} as const;
