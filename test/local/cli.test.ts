/**
 * `fledge local` as a user runs it from the README, against `fledge emulator`, both as child processes: the
 * user applies `examples/local/` and sets a new image with kubectl-style client calls, `fledge local`
 * initializes the Canary, the release is promoted to Succeeded, progress is printed (each watcher reason
 * once), and SIGTERM stops it cleanly.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { createKubeClient, type KubeClient, type KubeObject } from '../../shared/kube/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'fledge-local-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function start(args: string[]): { child: ChildProcess; output: () => string; waitFor: (text: string, ms: number) => Promise<void>; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['cli/bin.js', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const waitFor = async (text: string, ms: number) => {
    const deadline = Date.now() + ms;
    while (!out.includes(text)) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`"${text}" not printed within ${ms} ms:\n${out}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  return { child, output: () => out, waitFor, exited };
}

/** `kubectl apply -f examples/local/`: the README's instructions, every document of the example created in order. */
async function apply(kube: KubeClient): Promise<void> {
  const text = readFileSync(new URL('../../examples/local/podinfo.yaml', import.meta.url), 'utf8');
  for (const doc of parseAllDocuments(text)) await kube.create(doc.toJS() as KubeObject);
}

describe('fledge local against fledge emulator', () => {
  it('initializes a Canary and promotes a release to Succeeded, then stops on SIGTERM', async () => {
    const kubeconfig = join(dir, 'kubeconfig');
    const emulator = start(['emulator', '--kubeconfig-out', kubeconfig, '--tick', '1']);
    await emulator.waitFor('kubeconfig written', 20_000);
    const kube = createKubeClient({ kubeconfig: readFileSync(kubeconfig, 'utf8') });
    await apply(kube);

    const local = start(['local', '--kubeconfig', kubeconfig, '--store', 'memory', '--cluster', 'emulator']);
    await local.waitFor('Initialization done! podinfo.test', 40_000);
    // `kubectl -n test set image deployment/podinfo podinfod=…`: a strategic merge patch of the container's image.
    await kube.patch({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'test', name: 'podinfo' }, 'strategic', {
      spec: { template: { spec: { containers: [{ name: 'podinfod', image: 'ghcr.io/stefanprodan/podinfo:6.7.2' }] } } },
    });
    await local.waitFor('Succeeded', 90_000);
    local.child.kill('SIGTERM');

    expect(await local.exited).toBe(0);
    expect(local.output()).toContain('fledge local: stopped');
    expect(local.output().match(/test\/podinfo: new canary/g)).toHaveLength(1);
    expect(local.output()).toMatch(/test\/podinfo\s+Progressing\s+\[/);
    const canary = await kube.get({ apiVersion: 'flagger.app/v1beta1', kind: 'Canary', namespace: 'test', name: 'podinfo' });
    expect(canary?.['status']).toMatchObject({ phase: 'Succeeded' });
    emulator.child.kill('SIGTERM');
    expect(await emulator.exited).toBe(0);
  }, 180_000);
});
