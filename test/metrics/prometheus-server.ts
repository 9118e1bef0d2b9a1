/**
 * Debian's `prometheus` binary on 127.0.0.1 (a free port, a temporary data directory), scraping the given
 * targets every second; stopped (and its directory removed) by the test that started it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../setup/free-port.ts';

/** Where the binary is (`.ci/run` installs Debian's package). */
export const PROMETHEUS_BINARY = process.env.PROMETHEUS_BINARY ?? '/usr/bin/prometheus';

/** A running Prometheus. */
export interface PrometheusServer {
  readonly url: string;
  /** Resolves once `query` returns a sample on every target, or rejects after `timeoutMs`. */
  waitForSamples(query: string, timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
}

/** Starts Prometheus scraping `targets` (`host:port`) every second. */
export async function startPrometheus(targets: readonly string[]): Promise<PrometheusServer> {
  const dir = await mkdtemp(join(tmpdir(), 'fledge-prometheus-'));
  const port = await freePort();
  const config = [
    'global:',
    '  scrape_interval: 1s',
    '  evaluation_interval: 1s',
    'scrape_configs:',
    '  - job_name: exporter',
    '    static_configs:',
    `      - targets: [${targets.map((t) => `'${t}'`).join(', ')}]`,
  ].join('\n');
  await writeFile(join(dir, 'prometheus.yml'), config);
  const child: ChildProcess = spawn(
    PROMETHEUS_BINARY,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;

  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };

  const poll = async (timeoutMs: number, ready: () => Promise<boolean>, what: string): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}: ${stderr}`);
      if (await ready().catch(() => false)) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`prometheus: ${what} not within ${timeoutMs} ms; stderr: ${stderr}`);
  };

  try {
    await poll(20_000, async () => (await fetch(`${url}/-/ready`)).ok, 'ready');
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url,
    stop,
    waitForSamples: (query, timeoutMs) =>
      poll(
        timeoutMs,
        async () => {
          const answer = (await (await fetch(`${url}/api/v1/query?query=${encodeURIComponent(query)}`)).json()) as { data?: { result?: unknown[] } };
          return (answer.data?.result?.length ?? 0) > 0;
        },
        `samples for ${query}`,
      ),
  };
}
