/**
 * `fledge simulate` as users and other tools run it: a subprocess, its exit code, stdout and stderr.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEPLOYMENT, canary, file, scenario } from './fixtures.ts';

const ROOT = new URL('../../../', import.meta.url).pathname;
const NODE = join(ROOT, 'node_modules/.bin/node');
const HAPPY = join(ROOT, 'examples/scenarios/happy-canary.yaml');

interface Outcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function simulate(...args: string[]): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(NODE, [join(ROOT, 'cli/bin.js'), 'simulate', ...args], { cwd: ROOT }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : Number(error.code), stdout, stderr });
    });
  });
}

function tempFile(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'fledge-simulate-')), 'scenario.yaml');
  writeFileSync(path, text);
  return path;
}

describe('fledge simulate', () => {
  it('prints one JSON object per line and nothing else with --json, and exits 0', async () => {
    const { code, stdout } = await simulate(HAPPY, '--json');

    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.at(-1)).toEqual({
      summary: { ticks: 11, phase: 'Succeeded', canaryWeights: [10, 20, 30, 40, 50], primaryImage: 'ghcr.io/stefanprodan/podinfo:6.0.1' },
    });
    expect(Object.keys(lines[0] ?? {})).toEqual(['tick', 'time', 'phase', 'canaryWeight', 'failedChecks', 'iterations', 'routes', 'primary', 'canary', 'events', 'alerts', 'webhooks']);
  });

  it('gives byte-identical --json output across runs', async () => {
    const [first, second] = await Promise.all([simulate(HAPPY, '--json'), simulate(HAPPY, '--json')]);

    expect(first.stdout.length).toBeGreaterThan(1000);
    expect(second.stdout).toBe(first.stdout);
  });

  it('shows the human view, one line per tick and a summary', async () => {
    const { code, stdout } = await simulate(HAPPY);

    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(12);
    expect(lines[5]).toBe('tick   6   +0:06:00  Progressing       [██████░░░░░░░░░░░░░░]  30%  Advance podinfo.test canary weight 30');
    expect(lines.at(-1)).toBe('Succeeded after 11 ticks; canary weights 10 → 20 → 30 → 40 → 50; primary runs ghcr.io/stefanprodan/podinfo:6.0.1');
  });

  it('stops at --max-ticks', async () => {
    const { code, stdout } = await simulate(HAPPY, '--json', '--max-ticks', '5');

    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(6);
    expect(JSON.parse(lines[5] ?? '')).toEqual({ summary: { ticks: 5, phase: 'Progressing', canaryWeights: [10, 20], primaryImage: 'ghcr.io/stefanprodan/podinfo:6.0.0' } });
  });

  it('exits 2 naming the document and the field of an invalid FILE, with nothing on stdout', async () => {
    const path = tempFile(file(DEPLOYMENT, canary().replace('iterations: 3', 'stepWeight: ten'), scenario('  maxTicks: 5')));

    const { code, stdout, stderr } = await simulate(path, '--json');

    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^Canary podinfo: spec\.analysis\.stepWeight: .*"ten"/m);
  });

  it('exits 2 when the API server refuses an object of FILE', async () => {
    const service = 'apiVersion: v1\nkind: Service\nmetadata: {name: broken, namespace: test}\nspec: {ports: [{port: 99999}]}';
    const path = tempFile(file(DEPLOYMENT, service, canary(), scenario('  maxTicks: 5')));

    const { code, stderr } = await simulate(path, '--json');

    expect(code).toBe(2);
    expect(stderr).toMatch(/^Service broken: the API server refused it: /m);
  });

  it.each([
    { name: 'no FILE', args: [], message: 'FILE is required' },
    { name: 'an unknown option', args: [HAPPY, '--fast'], message: 'unknown option --fast' },
    { name: 'a bad --max-ticks', args: [HAPPY, '--max-ticks', '0'], message: '--max-ticks: expected a positive integer, got "0"' },
    { name: 'a --max-ticks above the ceiling', args: [HAPPY, '--max-ticks', '20000'], message: '--max-ticks: at most 10080 (a week of 1m intervals), got 20000' },
    { name: 'a missing FILE', args: ['/nonexistent/scenario.yaml'], message: '/nonexistent/scenario.yaml: cannot read: no such file or directory' },
  ])('exits 2 on $name', async ({ args, message }) => {
    const { code, stderr } = await simulate(...args);

    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });
});
