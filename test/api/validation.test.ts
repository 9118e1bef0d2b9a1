import { describe, expect, it } from 'vitest';
import { formatIssue, InvalidObjectError, parseAlertProvider, parseCanary, parseCanaryOrThrow, parseMetricTemplate } from '../../shared/api/index.ts';
import { baseObject } from './samples.ts';

type Patch = (canary: Record<string, any>) => void; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The podinfo Canary of the examples (Istio, 10% steps to 50%, one metric, one webhook), changed by `patch`. */
function canary(patch: Patch = () => {}): Record<string, unknown> {
  const object = baseObject('Canary') as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  Object.assign(object.spec, { provider: 'istio', service: { port: 9898 } });
  Object.assign(object.spec.analysis, {
    metrics: [{ name: 'request-success-rate', thresholdRange: { min: 99 }, interval: '1m' }],
    webhooks: [{ name: 'load-test', url: 'http://flagger-loadtester.test/', timeout: '5s' }],
  });
  patch(object);
  return object;
}

function errorsOf(object: unknown): string[] {
  const result = parseCanary(object);
  return result.ok ? [] : result.errors.map(formatIssue);
}

function warningsOf(object: unknown): string[] {
  return parseCanary(object).warnings.map(formatIssue);
}

describe('parseCanary', () => {
  it('accepts a complete canary and returns it typed', () => {
    const result = parseCanary(canary());
    expect(result.ok && result.value.spec.analysis.stepWeight).toBe(10);
  });

  it.each<{ name: string; patch: Patch; error: string }>([
    {
      name: 'a webhook timeout that is not a duration',
      patch: (c) => c.spec.analysis.webhooks.push({ name: 'b', url: 'http://b/' }, { name: 'c', url: 'http://c/', timeout: '5' }),
      error: 'spec.analysis.webhooks[2].timeout: must be a whole number of seconds or minutes (one unit, as the Flagger CRD requires), such as 30s or 5m; got "5": add the unit, e.g. "5s"',
    },
    {
      name: 'an unknown provider',
      patch: (c) => (c.spec.provider = 'envoy'),
      error: 'spec.provider: must be one of alb, apisix, appmesh, appmesh:v1beta2, contour, gatewayapi:v1, gatewayapi:v1beta1, gloo, istio, knative, kubernetes, kuma, linkerd, nginx, osm, skipper, smi:v1alpha1, smi:v1alpha2, smi:v1alpha3, traefik; got "envoy"',
    },
    {
      name: 'an unknown target kind',
      patch: (c) => (c.spec.targetRef.kind = 'StatefulSet'),
      error: 'spec.targetRef.kind: must be one of DaemonSet, Deployment, Service; got "StatefulSet"',
    },
    {
      name: 'an unknown autoscaler kind',
      patch: (c) => (c.spec.autoscalerRef = { apiVersion: 'autoscaling/v2', kind: 'VerticalPodAutoscaler', name: 'x' }),
      error: 'spec.autoscalerRef.kind: must be one of HorizontalPodAutoscaler, ScaledObject; got "VerticalPodAutoscaler"',
    },
    {
      name: 'an unknown webhook type',
      patch: (c) => (c.spec.analysis.webhooks[0].type = 'pre-promotion'),
      error: 'spec.analysis.webhooks[0].type: must be one of "", confirm-rollout, pre-rollout, rollout, confirm-promotion, post-rollout, event, rollback, confirm-traffic-increase; got "pre-promotion"',
    },
    {
      name: 'an unknown alert severity',
      patch: (c) => (c.spec.analysis.alerts = [{ name: 'a', severity: 'critical', providerRef: { name: 'slack' } }]),
      error: 'spec.analysis.alerts[0].severity: must be one of "", info, warn, error; got "critical"',
    },
    {
      name: 'an interval that does not match the pattern',
      patch: (c) => (c.spec.analysis.interval = '1h'),
      error: 'spec.analysis.interval: must be a whole number of seconds or minutes (one unit, as the Flagger CRD requires), such as 30s or 5m; got "1h": write "60m"',
    },
    {
      name: 'an interval that matches the pattern but is no duration',
      patch: (c) => (c.spec.analysis.interval = '5min'),
      error: 'spec.analysis.interval: must be a duration such as 30s, 1m or 1m30s; got "5min"',
    },
    {
      name: 'an analysis without interval',
      patch: (c) => delete c.spec.analysis.interval,
      error: 'spec.analysis.interval: required; set the time between analysis steps, e.g. 1m',
    },
    {
      name: 'an analysis without threshold',
      patch: (c) => delete c.spec.analysis.threshold,
      error: 'spec.analysis.threshold: required; set how many failed checks roll the canary back, e.g. 5',
    },
    {
      name: 'an analysis with neither iterations, stepWeight nor stepWeights',
      patch: (c) => delete c.spec.analysis.stepWeight,
      error: 'spec.analysis: must set one of iterations, stepWeight, stepWeights',
    },
    {
      name: 'an analysis with both iterations and stepWeight',
      patch: (c) => (c.spec.analysis.iterations = 10),
      error: 'spec.analysis: must set only one of iterations, stepWeight, stepWeights (found iterations and stepWeight)',
    },
    {
      name: 'a header match with two operators',
      patch: (c) => (c.spec.analysis.match = [{ headers: { 'x-canary': { exact: 'a', prefix: 'b' } } }]),
      error: 'spec.analysis.match[0].headers.x-canary: must set only one of exact, prefix, suffix, regex (found exact and prefix)',
    },
    {
      name: 'a header match with no operator',
      patch: (c) => (c.spec.analysis.match = [{ headers: { cookie: {} } }]),
      error: 'spec.analysis.match[0].headers.cookie: must set one of exact, prefix, suffix, regex',
    },
    {
      name: 'a query parameter match with two operators',
      patch: (c) => (c.spec.analysis.match = [{ queryParams: { user: { exact: 'a', regex: 'b' } } }]),
      error: 'spec.analysis.match[0].queryParams.user: must set only one of exact, prefix, regex (found exact and regex)',
    },
    {
      name: 'equal session affinity cookie names',
      patch: (c) => (c.spec.analysis.sessionAffinity = { cookieName: 'flagger', primaryCookieName: 'flagger' }),
      error: 'spec.analysis.sessionAffinity.primaryCookieName: must differ from cookieName (both "flagger")',
    },
    {
      name: 'a mirror weight above 100',
      patch: (c) => Object.assign(c.spec.analysis, { mirror: true, mirrorWeight: 150 }),
      error: 'spec.analysis.mirrorWeight: must be between 0 and 100; got 150',
    },
    {
      name: 'a fractional step weight (Flagger decodes it into a Go int)',
      patch: (c) => (c.spec.analysis.stepWeight = 2.5),
      error: 'spec.analysis.stepWeight: expected an integer, got 2.5',
    },
    {
      name: 'a step weight of zero (the canary would never advance)',
      patch: (c) => (c.spec.analysis.stepWeight = 0),
      error: 'spec.analysis.stepWeight: must be between 1 and 100; got 0',
    },
    {
      name: 'step weights that go down',
      patch: (c) => {
        delete c.spec.analysis.stepWeight;
        c.spec.analysis.stepWeights = [10, 30, 20];
      },
      error: 'spec.analysis.stepWeights[2]: must be greater than the step before it (30 then 20)',
    },
    {
      name: 'a metric that is neither builtin nor templated',
      patch: (c) => c.spec.analysis.metrics.push({ name: 'error-rate', thresholdRange: { max: 1 } }),
      error: 'spec.analysis.metrics[1]: needs templateRef or query: only request-success-rate and request-duration are builtin; got name "error-rate"',
    },
    {
      name: 'a threshold range upside down',
      patch: (c) => (c.spec.analysis.metrics[0].thresholdRange = { min: 10, max: 1 }),
      error: 'spec.analysis.metrics[0].thresholdRange: min (10) must not exceed max (1)',
    },
    {
      name: 'a webhook URL that is not absolute',
      patch: (c) => (c.spec.analysis.webhooks[0].url = 'flagger-loadtester/'),
      error: 'spec.analysis.webhooks[0].url: must be an absolute http(s) URL; got "flagger-loadtester/"',
    },
    {
      name: 'a webhook without url',
      patch: (c) => delete c.spec.analysis.webhooks[0].url,
      error: 'spec.analysis.webhooks[0].url: required; set the URL the webhook posts to, e.g. http://flagger-loadtester.test/',
    },
    {
      name: 'a service without port',
      patch: (c) => (c.spec.service = { portName: 'http' }),
      error: 'spec.service.port: required; set the port of the Services Flagger generates for the target, e.g. 80',
    },
    {
      name: 'a canary without name',
      patch: (c) => delete c.metadata.name,
      error: 'metadata.name: required; set the name of the Canary',
    },
    {
      name: 'a mirror filter to a Service without port',
      patch: (c) => (c.spec.service.mirror = [{ backendRef: { name: 'shadow' } }]),
      error: 'spec.service.mirror[0].backendRef.port: required; set the port that receives the mirrored requests (a Service backend needs one)',
    },
    {
      name: 'a load balancer with both simple and consistentHash',
      patch: (c) => (c.spec.service.trafficPolicy = { loadBalancer: { simple: 'RANDOM', consistentHash: { useSourceIp: true } } }),
      error: 'spec.service.trafficPolicy.loadBalancer: must set only one of simple, consistentHash (found simple and consistentHash)',
    },
    {
      name: 'a consistent hash without a hash key',
      patch: (c) => (c.spec.service.trafficPolicy = { loadBalancer: { consistentHash: { minimumRingSize: 1024 } } }),
      error: 'spec.service.trafficPolicy.loadBalancer.consistentHash: must set one of httpHeaderName, httpCookie, useSourceIp, httpQueryParameterName',
    },
    {
      name: 'an invalid fledge.dev annotation',
      patch: (c) => (c.metadata.annotations = { 'fledge.dev/promotion-failure': 'retry' }),
      error: 'metadata.annotations["fledge.dev/promotion-failure"]: must be one of restore, hold; got "retry"',
    },
    {
      name: 'a wrong apiVersion group',
      patch: (c) => (c.apiVersion = 'argoproj.io/v1alpha1'),
      error: 'apiVersion: must be flagger.app/v1beta1; got "argoproj.io/v1alpha1"',
    },
  ])('rejects $name', ({ patch, error }) => {
    expect(errorsOf(canary(patch))).toContain(error);
  });

  it('reports every error together, not only the first', () => {
    const errors = errorsOf(
      canary((c) => {
        delete c.spec.targetRef;
        c.spec.provider = 'envoy';
        c.spec.analysis.webhooks[0].timeout = 'soon';
        c.spec.analysis.mirrorWeight = 101;
      }),
    );
    expect(errors).toEqual(
      expect.arrayContaining([
        'spec.targetRef: required; set the Deployment, DaemonSet or Service to release',
        expect.stringMatching(/^spec\.provider: must be one of/),
        'spec.analysis.webhooks[0].timeout: must be a whole number of seconds or minutes (one unit, as the Flagger CRD requires), such as 30s or 5m; got "soon"',
        'spec.analysis.mirrorWeight: must be between 0 and 100; got 101',
      ]),
    );
  });

  it('accepts blue/green with iterations, as Flagger does', () => {
    const result = parseCanary(
      canary((c) => {
        delete c.spec.analysis.stepWeight;
        delete c.spec.analysis.maxWeight;
        c.spec.analysis.iterations = 10;
      }),
    );
    expect(result.ok).toBe(true);
  });

  it('reads the deprecated spec.canaryAnalysis as spec.analysis, with a warning', () => {
    const object = canary((c) => {
      c.spec.canaryAnalysis = c.spec.analysis;
      delete c.spec.analysis;
    });
    const result = parseCanary(object);
    expect(result.ok && result.value.spec.analysis.stepWeight).toBe(10);
    expect(result.ok && 'canaryAnalysis' in result.value.spec).toBe(false);
    expect(result.warnings.map(formatIssue)).toContain('spec.canaryAnalysis: is deprecated; read as spec.analysis');
  });

  it('still validates an analysis given as spec.canaryAnalysis', () => {
    const object = canary((c) => {
      c.spec.canaryAnalysis = { ...c.spec.analysis, interval: 'never' };
      delete c.spec.analysis;
    });
    expect(errorsOf(object)).toContain('spec.analysis.interval: must be a whole number of seconds or minutes (one unit, as the Flagger CRD requires), such as 30s or 5m; got "never"');
  });

  it('reads another flagger.app version as v1beta1, with a warning', () => {
    const result = parseCanary(canary((c) => (c.apiVersion = 'flagger.app/v1alpha3')));
    expect(result.ok && result.value.apiVersion).toBe('flagger.app/v1beta1');
    expect(result.warnings.map((w) => w.path)).toContain('apiVersion');
  });

  it('does not modify its input', () => {
    const object = canary((c) => {
      c.spec.canaryAnalysis = c.spec.analysis;
      delete c.spec.analysis;
    });
    const before = structuredClone(object);
    parseCanary(object);
    expect(object).toEqual(before);
  });

  it.each<{ name: string; patch: Patch; warning: string }>([
    { name: 'a field the schema does not know', patch: (c) => (c.spec.analysis.stepWeigth = 5), warning: 'spec.analysis.stepWeigth: is not a field of this kind; Kubernetes drops it' },
    { name: 'an interval below 10s', patch: (c) => (c.spec.analysis.interval = '5s'), warning: "spec.analysis.interval: is below Flagger's minimum of 10s, so it runs every 10s; got \"5s\"" },
    { name: 'a threshold of zero', patch: (c) => (c.spec.analysis.threshold = 0), warning: 'spec.analysis.threshold: is not positive, so Flagger uses 1; got 0' },
    { name: 'a mirror weight without mirroring', patch: (c) => (c.spec.analysis.mirrorWeight = 50), warning: 'spec.analysis.mirrorWeight: has no effect without mirror: true' },
    { name: 'a metric without threshold', patch: (c) => delete c.spec.analysis.metrics[0].thresholdRange, warning: 'spec.analysis.metrics[0]: has no threshold or thresholdRange: the check never fails' },
    { name: 'an unknown fledge.dev annotation', patch: (c) => (c.metadata.annotations = { 'fledge.dev/promoton-failure': 'hold' }), warning: 'metadata.annotations["fledge.dev/promoton-failure"]: is not a Fledge setting; ignored (known: fledge.dev/promotion-failure: restore | hold (default restore))' },
    { name: 'an explicit null', patch: (c) => (c.spec.skipAnalysis = null), warning: 'spec.skipAnalysis: is empty (null) and is dropped' },
    { name: 'A/B matches with the kubernetes provider', patch: (c) => Object.assign(c.spec, { provider: 'kubernetes' }) && Object.assign(c.spec.analysis, { match: [{ headers: { x: { exact: 'y' } } }] }), warning: 'spec.analysis.match: A/B testing is not supported by the kubernetes provider; ignored' },
  ])('warns about $name', ({ patch, warning }) => {
    expect(warningsOf(canary(patch))).toContain(warning);
  });

  it('throws an InvalidObjectError listing every problem from parseCanaryOrThrow', () => {
    const bad = canary((c) => {
      delete c.spec.targetRef;
      c.spec.analysis.stepWeight = 0;
    });
    expect(() => parseCanaryOrThrow(bad)).toThrow(InvalidObjectError);
    // One issue per line: the messages themselves contain '; '.
    expect(() => parseCanaryOrThrow(bad)).toThrow(
      /is invalid:\n {2}spec\.targetRef: required; set the Deployment, DaemonSet or Service to release\n {2}spec\.analysis\.stepWeight: must be between 1 and 100; got 0$/,
    );
  });
});

describe('parseMetricTemplate', () => {
  const template = (spec: Record<string, unknown>) => ({ ...baseObject('MetricTemplate'), spec });

  it('accepts a template and keeps its provider headers', () => {
    const result = parseMetricTemplate(template({ provider: { type: 'prometheus', headers: { 'X-Scope-OrgID': ['tenant'] } }, query: 'up' }));
    expect(result.ok && result.value.spec.provider.headers).toEqual({ 'X-Scope-OrgID': ['tenant'] });
  });

  it('rejects an unknown provider type and a missing query', () => {
    const result = parseMetricTemplate(template({ provider: { type: 'victoriametrics' } }));
    expect(result.ok ? [] : result.errors.map(formatIssue)).toEqual([
      'spec.query: required; set the query to run, which can use {{ namespace }}, {{ target }} and {{ interval }}',
      'spec.provider.type: must be one of prometheus, influxdb, datadog, externalmetrics, stackdriver, cloudwatch, newrelic, graphite, dynatrace, keptn, splunk; got "victoriametrics"',
    ]);
  });
});

describe('parseAlertProvider', () => {
  const provider = (spec: Record<string, unknown>) => ({ ...baseObject('AlertProvider'), spec });

  it.each([
    [{ type: 'slack', address: 'https://hooks.slack.test/x' }],
    [{ type: 'msteams', secretRef: { name: 'teams-url' } }],
  ])('accepts a provider with address or secretRef: %j', (spec) => {
    expect(parseAlertProvider(provider(spec)).ok).toBe(true);
  });

  it.each([
    [{ type: 'slack' }, 'spec: must set one of address, secretRef'],
    [{ address: 'https://x.test/' }, 'spec.type: required; set slack, msteams, discord, rocket or gchat'],
    [{ type: 'pagerduty', address: 'https://x.test/' }, 'spec.type: must be one of slack, msteams, discord, rocket, gchat; got "pagerduty"'],
  ])('rejects %j', (spec, error) => {
    const result = parseAlertProvider(provider(spec));
    expect(result.ok ? [] : result.errors.map(formatIssue)).toContain(error);
  });
});
