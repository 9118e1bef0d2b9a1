/**
 * A test exporter serving, for each observer, the metric families its builtin queries read, at constant rates:
 * every counter is `rate × seconds since start`, so Prometheus's rate() of any of them is exactly `rate`, and a
 * ratio of two of them is exact whatever the scrape timing. Each observer gets its own success rate and latency,
 * so a query wired to the wrong family or label gives a wrong number.
 */
import { createServer, type Server } from 'node:http';

/** Requests per second of every observer's canary. */
export const TOTAL_RPS = 10;

/** What one observer's canary looks like to its metrics. */
export interface ObserverTraffic {
  /** request-success-rate, percent. */
  readonly successRate: number;
  /** request-duration, milliseconds, as Flagger's observer returns it (before truncation). */
  readonly durationMs: number;
}

type Labels = Readonly<Record<string, string>>;

/** One counter series: labels and its rate per second. */
interface Series {
  readonly name: string;
  readonly labels: Labels;
  readonly rate: number;
}

/** Builds the series of a histogram with all observations in the bucket (lo, hi], and p99 = lo + 0.99 (hi − lo). */
function histogram(name: string, labels: Labels, rps: number, lo: number, hi: number): Series[] {
  const bounds = [lo / 2, lo, hi, hi * 2];
  return [
    ...bounds.map((le) => ({ name: `${name}_bucket`, labels: { ...labels, le: String(le) }, rate: le >= hi ? rps : 0 })),
    { name: `${name}_bucket`, labels: { ...labels, le: '+Inf' }, rate: rps },
  ];
}

/** The p99 a {@link histogram} over (lo, hi] gives. */
function p99(lo: number, hi: number): number {
  return lo + 0.99 * (hi - lo);
}

/** Success and error request rates for a success rate in percent. */
function split(successRate: number): { ok: number; failed: number } {
  const failed = (TOTAL_RPS * (100 - successRate)) / 100;
  return { ok: TOTAL_RPS - failed, failed };
}

/** The canary is `podinfo` in namespace `test`; Service port 9898. */
export function observerSeries(): { series: Series[]; expected: Record<string, ObserverTraffic> } {
  const series: Series[] = [];
  const expected: Record<string, ObserverTraffic> = {};
  const add = (observer: string, successRate: number, durationMs: number, build: (r: { ok: number; failed: number }) => Series[]): void => {
    expected[observer] = { successRate, durationMs };
    series.push(...build(split(successRate)));
  };

  add('istio', 99, p99(100, 200), ({ ok, failed }) => {
    const base = { reporter: 'destination', destination_workload_namespace: 'test', destination_workload: 'podinfo' };
    return [
      { name: 'istio_requests_total', labels: { ...base, response_code: '200' }, rate: ok },
      { name: 'istio_requests_total', labels: { ...base, response_code: '503' }, rate: failed },
      // Traffic to the primary and the source side: the query must not count them.
      { name: 'istio_requests_total', labels: { ...base, destination_workload: 'podinfo-primary', response_code: '500' }, rate: 50 },
      { name: 'istio_requests_total', labels: { ...base, reporter: 'source', response_code: '500' }, rate: 50 },
      ...histogram('istio_request_duration_milliseconds', base, TOTAL_RPS, 100, 200),
    ];
  });
  add('linkerd', 98, p99(200, 300), ({ ok, failed }) => {
    const base = { namespace: 'test', deployment: 'podinfo', direction: 'inbound' };
    return [
      { name: 'response_total', labels: { ...base, classification: 'success' }, rate: ok },
      { name: 'response_total', labels: { ...base, classification: 'failure' }, rate: failed },
      { name: 'response_total', labels: { ...base, direction: 'outbound', classification: 'failure' }, rate: 50 },
      ...histogram('response_latency_ms', base, TOTAL_RPS, 200, 300),
    ];
  });
  const envoy = (labels: Labels, lo: number, hi: number) => ({ ok, failed }: { ok: number; failed: number }): Series[] => [
    { name: 'envoy_cluster_upstream_rq', labels: { ...labels, envoy_response_code: '200' }, rate: ok },
    { name: 'envoy_cluster_upstream_rq', labels: { ...labels, envoy_response_code: '502' }, rate: failed },
    ...histogram('envoy_cluster_upstream_rq_time', labels, TOTAL_RPS, lo, hi),
  ];
  add('contour', 97, p99(20, 40), envoy({ envoy_cluster_name: 'test_podinfo-canary_9898' }, 20, 40));
  add('gloo', 96, p99(40, 60), envoy({ envoy_cluster_name: 'test-podinfo-canaryupstream-9898_gloo-system' }, 40, 60));
  add('kuma', 95, p99(60, 80), envoy({ service: 'podinfo-canary_test_svc_9898' }, 60, 80));
  add('knative', 94, p99(80, 100), envoy({ envoy_cluster_name: 'test/podinfo-00002' }, 80, 100));
  add('appmesh', 93, p99(300, 400), envoy({ kubernetes_namespace: 'test', kubernetes_pod_name: 'podinfo-5d8f7b9c4-x2x7q' }, 300, 400));
  add('nginx', 92, 120, ({ ok, failed }) => {
    const base = { namespace: 'test', ingress: 'podinfo', canary: 'test-podinfo-canary-9898' };
    return [
      { name: 'nginx_ingress_controller_requests', labels: { ...base, status: '200' }, rate: ok },
      { name: 'nginx_ingress_controller_requests', labels: { ...base, status: '500' }, rate: failed },
      { name: 'nginx_ingress_controller_requests', labels: { ...base, canary: '', status: '500' }, rate: 50 },
      { name: 'nginx_ingress_controller_response_duration_seconds_sum', labels: base, rate: TOTAL_RPS * 0.12 },
      { name: 'nginx_ingress_controller_response_duration_seconds_count', labels: base, rate: TOTAL_RPS },
    ];
  });
  add('skipper', 91, 150, ({ ok, failed }) => {
    const route = { route: 'kube_test__podinfo_canary__podinfo_example_com____podinfo_canary' };
    return [
      { name: 'skipper_response_duration_seconds_bucket', labels: { ...route, code: '200', le: '+Inf' }, rate: ok },
      { name: 'skipper_response_duration_seconds_bucket', labels: { ...route, code: '500', le: '+Inf' }, rate: failed },
      { name: 'skipper_serve_route_duration_seconds_sum', labels: route, rate: TOTAL_RPS * 0.15 },
      { name: 'skipper_serve_route_duration_seconds_count', labels: route, rate: TOTAL_RPS },
    ];
  });
  add('traefik', 90, p99(0.5, 0.75) * 1000, ({ ok, failed }) => {
    const service = { service: 'test-podinfo-canary-9898@kubernetescrd' };
    const ok200 = histogram('traefik_service_request_duration_seconds', { ...service, code: '200' }, ok, 0.5, 0.75);
    const bad500 = histogram('traefik_service_request_duration_seconds', { ...service, code: '500' }, failed, 0.5, 0.75);
    return [...ok200, ...bad500];
  });
  add('apisix', 89, p99(400, 500), ({ ok, failed }) => {
    const route = { route: 'test_podinfo-podinfo-canary_9898' };
    return [
      { name: 'apisix_http_status', labels: { ...route, code: '200' }, rate: ok },
      { name: 'apisix_http_status', labels: { ...route, code: '500' }, rate: failed },
      ...histogram('apisix_http_latency', { ...route, type: 'request' }, TOTAL_RPS, 400, 500),
      ...histogram('apisix_http_latency', { ...route, type: 'upstream' }, TOTAL_RPS, 4000, 5000),
    ];
  });
  add('osm', 88, p99(500, 600), ({ ok, failed }) => {
    const base = { destination_namespace: 'test', destination_kind: 'Deployment', destination_name: 'podinfo' };
    return [
      { name: 'osm_request_total', labels: { ...base, response_code: '200' }, rate: ok },
      { name: 'osm_request_total', labels: { ...base, response_code: '500' }, rate: failed },
      ...histogram('osm_request_duration_ms', base, TOTAL_RPS, 500, 600),
    ];
  });
  add('http', 87, p99(0.25, 0.5) * 1000, ({ ok, failed }) => {
    const base = { kubernetes_namespace: 'test', kubernetes_pod_name: 'podinfo-7b9c5d6f8-abcde' };
    return [
      { name: 'http_request_duration_seconds_count', labels: { ...base, status: '200' }, rate: ok },
      { name: 'http_request_duration_seconds_count', labels: { ...base, status: '500' }, rate: failed },
      // The primary's pods: `podinfo-primary-…` must not match `podinfo-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)`.
      { name: 'http_request_duration_seconds_count', labels: { ...base, kubernetes_pod_name: 'podinfo-primary-7b9c5d6f8-abcde', status: '500' }, rate: 50 },
      ...histogram('http_request_duration_seconds', base, TOTAL_RPS, 0.25, 0.5),
    ];
  });
  return { series, expected };
}

/** The exposition text at `seconds` since start, families grouped as the format requires. */
export function exposition(series: readonly Series[], seconds: number): string {
  const byName = new Map<string, string[]>();
  for (const s of series) {
    const labels = Object.entries(s.labels)
      .map(([k, v]) => `${k}="${v}"`)
      .join(',');
    const lines = byName.get(s.name) ?? [];
    lines.push(`${s.name}{${labels}} ${s.rate * seconds}`);
    byName.set(s.name, lines);
  }
  return [...byName.entries()].map(([name, lines]) => [`# TYPE ${name} untyped`, ...lines].join('\n')).join('\n') + '\n';
}

/** A running exporter. */
export interface Exporter {
  readonly port: number;
  readonly expected: Readonly<Record<string, ObserverTraffic>>;
  stop(): Promise<void>;
}

/** Starts the exporter on 127.0.0.1 (an ephemeral port). */
export async function startExporter(): Promise<Exporter> {
  const { series, expected } = observerSeries();
  const start = Date.now();
  const server: Server = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(exposition(series, (Date.now() - start) / 1000));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    port,
    expected,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
