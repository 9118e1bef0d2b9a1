/**
 * Builds the provider a MetricTemplate's `spec.provider` names, with the secret's data and the metric's
 * interval (several providers look back a multiple of it). An unknown type is a {@link ProviderConfigError}
 * naming the supported ones; Flagger falls back to Prometheus silently, Fledge does not.
 */
import { METRIC_PROVIDER_TYPES, type MetricProviderType, type MetricTemplateProvider } from '../api/types.ts';
import type { KubeClient } from '../kube/types.ts';
import { createCloudWatchProvider, type CloudWatchSettings } from './cloudwatch.ts';
import { ProviderConfigError } from './errors.ts';
import { createDatadogProvider } from './datadog.ts';
import { createDynatraceProvider } from './dynatrace.ts';
import { createExternalMetricsProvider } from './externalmetrics.ts';
import { createGraphiteProvider } from './graphite.ts';
import { createInfluxdbProvider } from './influxdb.ts';
import { createKeptnProvider, type KeptnAnalysisTiming } from './keptn.ts';
import { createNewRelicProvider } from './newrelic.ts';
import type { ProviderOptions } from './options.ts';
import { createPrometheusProvider, type AmpSigning } from './prometheus.ts';
import { createSplunkProvider } from './splunk.ts';
import { createStackdriverProvider } from './stackdriver.ts';
import type { MetricCheckRequest, MetricProvider } from './types.ts';

/** What a provider is built from. */
export interface ProviderSource {
  readonly spec: MetricTemplateProvider;
  /** The decoded data of `spec.secretRef`'s Secret, when it has one. */
  readonly secret?: Readonly<Record<string, string>>;
  /** The metric's interval, e.g. `1m`. */
  readonly interval: string;
  /** The check being answered (a simulated backend answers by its name). */
  readonly request: MetricCheckRequest;
}

/** Builds a provider, or throws {@link ProviderConfigError}. */
export type ProviderFactory = (source: ProviderSource) => MetricProvider;

/** The environment real providers run in. */
export interface ProviderEnvironment {
  /** The clock for look-back windows. @default () => new Date() */
  readonly now?: () => Date;
  /** Per-request timeout. @default 5000 (Flagger's) */
  readonly timeoutMs?: number;
  /** SigV4 signing of AMP workspaces (region, credentials, forcing it for a test server). */
  readonly amp?: AmpSigning;
  /** CloudWatch client settings (endpoint, credentials) for `cloudwatch` templates and `alb` builtins. */
  readonly cloudWatch?: CloudWatchSettings;
  /** The cluster, for `externalmetrics` and `keptn`. */
  readonly kube?: KubeClient;
  /** How `keptn` Analysis queries are polled. @default every 1 s for at most 10 s (Flagger's) */
  readonly keptnAnalysis?: KeptnAnalysisTiming;
}

/** The provider types Fledge runs. */
export const SUPPORTED_METRIC_PROVIDERS: readonly MetricProviderType[] = METRIC_PROVIDER_TYPES;

/** The factory of real providers. */
export function realProviders(env: ProviderEnvironment = {}): ProviderFactory {
  const now = env.now ?? (() => new Date());
  return ({ spec, secret, interval }) => {
    const type = spec.type as string;
    if (!(METRIC_PROVIDER_TYPES as readonly string[]).includes(type)) {
      throw new ProviderConfigError(`unknown metric provider type ${JSON.stringify(type)}; expected one of ${METRIC_PROVIDER_TYPES.join(', ')}`);
    }
    const common: ProviderOptions = {
      spec,
      interval,
      now,
      ...(secret === undefined ? {} : { secret }),
      ...(env.timeoutMs === undefined ? {} : { timeoutMs: env.timeoutMs }),
    };
    switch (type as MetricProviderType) {
      case 'prometheus':
        return createPrometheusProvider({
          address: required(spec.address, 'prometheus'),
          ...(spec.headers === undefined ? {} : { headers: spec.headers }),
          ...(spec.secretRef === undefined ? {} : { secret: secret ?? {} }),
          ...(spec.insecureSkipVerify === undefined ? {} : { insecureSkipVerify: spec.insecureSkipVerify }),
          ...(env.timeoutMs === undefined ? {} : { timeoutMs: env.timeoutMs }),
          ...(env.amp === undefined ? {} : { amp: env.amp }),
        });
      case 'cloudwatch':
        return createCloudWatchProvider({ region: spec.region ?? '', interval, now, settings: env.cloudWatch ?? {} });
      case 'datadog':
        return createDatadogProvider(common);
      case 'newrelic':
        return createNewRelicProvider(common);
      case 'graphite':
        return createGraphiteProvider(common);
      case 'dynatrace':
        return createDynatraceProvider(common);
      case 'influxdb':
        return createInfluxdbProvider(common);
      case 'externalmetrics':
        return createExternalMetricsProvider({ ...common, ...(env.kube === undefined ? {} : { kube: env.kube }) });
      case 'keptn':
        return createKeptnProvider({ ...common, ...(env.kube === undefined ? {} : { kube: env.kube }), ...(env.keptnAnalysis === undefined ? {} : { analysis: env.keptnAnalysis }) });
      case 'stackdriver':
        return createStackdriverProvider(common);
      case 'splunk':
        return createSplunkProvider(common);
      default: {
        const never: never = type as never;
        throw new ProviderConfigError(`unknown metric provider type ${String(never)}`);
      }
    }
  };
}

function required(address: string | undefined, type: string): string {
  if (address === undefined || address === '') throw new ProviderConfigError(`${type} address is not set (spec.provider.address)`);
  return address;
}
