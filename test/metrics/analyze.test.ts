/**
 * `fledge analyze` run as users run it (the CLI in a child process) against Debian's Prometheus scraping the
 * test exporter: its text and `--json` output, and its exit codes (0 all pass, 1 one does not, 2 bad input).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { command } from '../../cli/commands/analyze.ts';
import { kubeForFile } from '../kube/harness.ts';
import { startExporter, type Exporter } from './exporter.ts';
import { startPrometheus, type PrometheusServer } from './prometheus-server.ts';

const REPO_ROOT = join(import.meta.dirname, '..', '..');
const NODE = join(REPO_ROOT, 'node_modules', '.bin', 'node');
const BIN = join(REPO_ROOT, 'cli', 'bin.js');

const cluster = kubeForFile();
let exporter: Exporter;
let prometheus: PrometheusServer;
let dir: string;

beforeAll(async () => {
  exporter = await startExporter();
  prometheus = await startPrometheus([`127.0.0.1:${exporter.port}`]);
  dir = mkdtempSync(join(tmpdir(), 'fledge-analyze-'));
  await prometheus.waitForSamples('count_over_time(up[1m]) >= 3', 20_000);
}, 40_000);

afterAll(async () => {
  await prometheus?.stop();
  await exporter?.stop();
});

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function fledge(...args: string[]): Promise<Run> {
  try {
    const { stdout, stderr } = await promisify(execFile)(NODE, [BIN, 'analyze', ...args], { cwd: REPO_ROOT });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** The command in this process (stdout and stderr captured): the same code, without a Node start-up per case. */
async function analyze(...args: string[]): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => out.push(String(chunk)) > 0);
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => err.push(String(chunk)) > 0);
  try {
    const code = await command.run(args);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function canaryYaml(metrics: string, metricsServer = prometheus.url): string {
  return `apiVersion: flagger.app/v1beta1
kind: Canary
metadata:
  name: podinfo
  namespace: test
spec:
  provider: istio
  metricsServer: ${metricsServer}
  targetRef: { apiVersion: apps/v1, kind: Deployment, name: podinfo }
  service: { port: 9898 }
  analysis:
    interval: 30s
    threshold: 2
    maxWeight: 50
    stepWeight: 10
    metrics:
${metrics}
`;
}

const BUILTINS = `      - name: request-success-rate
        thresholdRange: { min: 98.5 }
        interval: 30s
      - name: request-duration
        thresholdRange: { max: 500 }
        interval: 30s
`;

function templates(): string {
  return `apiVersion: flagger.app/v1beta1
kind: MetricTemplate
metadata:
  name: linkerd-errors
  namespace: test
spec:
  provider:
    type: prometheus
    address: ${prometheus.url}
    secretRef: { name: prom-auth }
  query: |
    100 - sum(rate(response_total{namespace="{{ namespace }}",deployment="{{ target }}",direction="{{ variables.direction }}",classification!="failure"}[{{ interval }}]))
    / sum(rate(response_total{namespace="{{ namespace }}",deployment="{{ target }}",direction="{{ variables.direction }}"}[{{ interval }}])) * 100
---
apiVersion: v1
kind: Secret
metadata:
  name: prom-auth
  namespace: test
stringData:
  token: s3cret
`;
}

const TEMPLATE_METRIC = `      - name: error-rate
        templateRef: { name: linkerd-errors }
        templateVariables: { direction: inbound }
        thresholdRange: { max: 5 }
        interval: 30s
`;

describe('fledge analyze', () => {
  it('prints one JSON document with every metric passing, and exits 0', async () => {
    const run = await fledge('--json', file('pass.yaml', canaryYaml(BUILTINS + TEMPLATE_METRIC)), file('templates.yaml', templates()));
    expect([run.code, run.stderr]).toEqual([0, '']);
    const report = JSON.parse(run.stdout) as { canary: string; metrics: { name: string; result: { kind: string; value: number } }[] };
    expect(Object.keys(report)).toEqual(['canary', 'metrics']);
    expect(report.canary).toBe('test/podinfo');
    const values = report.metrics.map((m) => ({ ...m, result: { ...m.result, value: Math.round(m.result.value * 1000) / 1000 } }));
    expect(values).toEqual([
      {
        name: 'request-success-rate',
        provider: 'prometheus',
        query: expect.stringMatching(/^sum\( rate\( istio_requests_total\{ reporter="destination", destination_workload_namespace="test", destination_workload=~"podinfo", response_code!~"5\.\*" \}\[30s\]/u),
        result: { kind: 'value', value: 99 },
        thresholdRange: { min: 98.5 },
        verdict: 'pass',
      },
      { name: 'request-duration', provider: 'prometheus', query: expect.stringContaining('istio_request_duration_milliseconds_bucket'), result: { kind: 'value', value: 199 }, thresholdRange: { max: 500 }, verdict: 'pass' },
      {
        name: 'error-rate',
        provider: 'prometheus',
        query: expect.stringContaining('response_total{namespace="test",deployment="podinfo",direction="inbound",classification!="failure"}[30s]'),
        result: { kind: 'value', value: 2 },
        thresholdRange: { max: 5 },
        verdict: 'pass',
      },
    ]);
    expect(Object.keys(report.metrics[0] ?? {})).toEqual(['name', 'provider', 'query', 'result', 'thresholdRange', 'verdict']);
  });

  it('exits 1 when a metric fails its threshold, and says so in text', async () => {
    const metrics = BUILTINS.replace('min: 98.5', 'min: 99.5');
    const run = await fledge(file('fail.yaml', canaryYaml(metrics)));
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('Canary test/podinfo');
    expect(run.stdout).toMatch(/FAIL +request-success-rate \(prometheus\): 99; accepted min 99\.5/u);
    expect(run.stdout).toMatch(/PASS +request-duration \(prometheus\): 199(\.\d+)?; accepted max 500/u);
  });

  it('exits 1 with an error verdict naming a MetricTemplate that does not exist', async () => {
    const run = await analyze('--json', file('missing.yaml', canaryYaml(TEMPLATE_METRIC)));
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as { metrics: unknown[] };
    expect(report.metrics).toEqual([
      {
        name: 'error-rate',
        result: { kind: 'error', error: 'MetricTemplate test/linkerd-errors not found (analysis.metrics[error-rate].templateRef)' },
        thresholdRange: { max: 5 },
        verdict: 'error',
      },
    ]);
  });

  it('gives noData for a canary without traffic, and an error for an unreachable Prometheus', async () => {
    const quiet = await analyze('--json', file('quiet.yaml', canaryYaml(BUILTINS).replace('name: podinfo }', 'name: other }')));
    expect(quiet.code).toBe(1);
    const verdicts = (JSON.parse(quiet.stdout) as { metrics: { verdict: string; result: unknown }[] }).metrics.map((m) => [m.verdict, m.result]);
    expect(verdicts).toEqual([
      ['noData', { kind: 'noData', reason: 'no values found' }],
      ['noData', { kind: 'noData', reason: 'no values found' }],
    ]);
    const down = await analyze('--json', file('down.yaml', canaryYaml(BUILTINS, 'http://127.0.0.1:1')));
    const first = (JSON.parse(down.stdout) as { metrics: { verdict: string; result: { kind: string; error: string } }[] }).metrics[0];
    expect([down.code, first?.verdict, first?.result.kind]).toEqual([1, 'error', 'error']);
    expect(first?.result.error).toMatch(/^request failed: .*ECONNREFUSED/u);
  });

  it('reads the MetricTemplate and Secret the FILEs lack from the kubeconfig\'s cluster', async () => {
    for (const object of [
      {
        apiVersion: 'flagger.app/v1beta1',
        kind: 'MetricTemplate',
        metadata: { name: 'linkerd-errors', namespace: 'test' },
        spec: { provider: { type: 'prometheus', address: prometheus.url, secretRef: { name: 'prom-auth' } }, query: 'vector(3)' },
      },
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'prom-auth', namespace: 'test' }, data: { token: Buffer.from('s3cret').toString('base64') } },
    ]) {
      await cluster.kube.create(object);
    }
    const kubeconfig = file('kubeconfig', cluster.emulator.kubeconfig());
    const run = await analyze('--json', '--kubeconfig', kubeconfig, file('cluster.yaml', canaryYaml(TEMPLATE_METRIC)));
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as { metrics: unknown[] }).metrics).toEqual([
      { name: 'error-rate', provider: 'prometheus', query: 'vector(3)', result: { kind: 'value', value: 3 }, thresholdRange: { max: 5 }, verdict: 'pass' },
    ]);
  });

  it.each([
    ['no FILE', [] as string[], /give at least one FILE/u],
    ['a FILE without a Canary', ['templates'], /no Canary \(flagger.app\/v1beta1\) in the FILEs/u],
    ['an invalid Canary', ['invalid'], /Canary podinfo: spec\.targetRef/u],
    ['a missing FILE', ['/nonexistent/canary.yaml'], /\/nonexistent\/canary\.yaml: cannot read/u],
    ['an unknown flag', ['--bogus'], /Unknown option '--bogus'/u],
  ])('exits 2 on %s', async (_name, args, message) => {
    const resolved = args.map((arg) =>
      arg === 'templates' ? file('only-templates.yaml', templates()) : arg === 'invalid' ? file('invalid.yaml', canaryYaml(BUILTINS).replace(/ {2}targetRef:.*\n/u, '')) : arg,
    );
    const run = await analyze(...resolved);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
  });
});
