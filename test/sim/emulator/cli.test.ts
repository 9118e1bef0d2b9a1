import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppsV1Api, KubeConfig, KubernetesObjectApi, PatchStrategy } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployment, failure, patchAs } from './harness.ts';

const NODE = join(process.cwd(), 'node_modules/.bin/node');
let child: ChildProcessWithoutNullStreams;
let stdout = '';
let kubeconfigPath: string;

beforeAll(async () => {
  kubeconfigPath = join(mkdtempSync(join(tmpdir(), 'fledge-emulator-')), 'kubeconfig');
  child = spawn(NODE, ['cli/bin.js', 'emulator', '--kubeconfig-out', kubeconfigPath, '--tick', '0.05'], { cwd: process.cwd() });
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`emulator did not start: ${stdout}`)), 20_000);
    child.stdout.on('data', () => {
      if (stdout.includes('kubeconfig written to')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code) => reject(new Error(`emulator exited early with ${code}`)));
  });
});

afterAll(() => {
  if (child.exitCode === null) child.kill('SIGKILL');
});

async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('npx fledge emulator', () => {
  it('serves a cluster a generic client can apply, get, list, patch, scale and delete in', async () => {
    expect(stdout).toMatch(/^Kubernetes API emulator listening on http:\/\/127\.0\.0\.1:\d+\n/);
    const kc = new KubeConfig();
    kc.loadFromString(readFileSync(kubeconfigPath, 'utf8'));
    const objects = KubernetesObjectApi.makeApiClient(kc);
    const apps = kc.makeApiClient(AppsV1Api);

    const applied = await objects.patch(deployment('cli-web'), undefined, undefined, 'fledge-test', true, PatchStrategy.ServerSideApply);
    expect(applied.metadata?.uid).toBeDefined();
    const read = await objects.read({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'cli-web', namespace: 'default' } });
    expect(read.metadata?.name).toBe('cli-web');
    const list = await objects.list('apps/v1', 'Deployment', 'default', undefined, undefined, undefined, undefined, 'app=cli-web');
    expect(list.items.map((i) => i.metadata?.name)).toEqual(['cli-web']);

    const merged = await objects.patch({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'cli-web', namespace: 'default', labels: { tier: 'web' } } }, undefined, undefined, undefined, undefined, PatchStrategy.MergePatch);
    expect(merged.metadata?.labels).toMatchObject({ app: 'cli-web', tier: 'web' });
    const jsonPatched = await apps.patchNamespacedDeployment(
      { name: 'cli-web', namespace: 'default', body: [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'ghcr.io/stefanprodan/podinfo:6.0.1' }] },
      patchAs(PatchStrategy.JsonPatch),
    );
    expect(jsonPatched.spec?.template.spec?.containers[0]?.image).toBe('ghcr.io/stefanprodan/podinfo:6.0.1');

    const scaled = await apps.replaceNamespacedDeploymentScale({ name: 'cli-web', namespace: 'default', body: { metadata: { name: 'cli-web', namespace: 'default' }, spec: { replicas: 3 } } });
    expect(scaled.spec?.replicas).toBe(3);
    const settled = await eventually(
      () => apps.readNamespacedDeployment({ name: 'cli-web', namespace: 'default' }),
      (d) => d.status?.readyReplicas === 3 && d.status.updatedReplicas === 3,
    );
    expect(settled.status).toMatchObject({ replicas: 3, readyReplicas: 3, updatedReplicas: 3 });

    await objects.delete({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'cli-web', namespace: 'default' } });
    expect((await failure(apps.readNamespacedDeployment({ name: 'cli-web', namespace: 'default' }))).code).toBe(404);
  });

  it('serves Flagger\'s CRDs from the start', async () => {
    const kc = new KubeConfig();
    kc.loadFromString(readFileSync(kubeconfigPath, 'utf8'));
    const objects = KubernetesObjectApi.makeApiClient(kc);
    const list = await objects.list('flagger.app/v1beta1', 'Canary', 'default');
    expect(list.items).toEqual([]);
  });

  it('stops on SIGTERM with exit code 0', async () => {
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stdout).toContain('emulator stopped');
  });
});
