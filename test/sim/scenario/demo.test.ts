/**
 * `npm run demo` and the podinfo example's releases, played from the project's own manifests plus a file
 * holding the Scenario.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../../../', import.meta.url).pathname;

function fledge(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(join(ROOT, 'node_modules/.bin/node'), [join(ROOT, 'cli/bin.js'), ...args], { cwd: ROOT }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : Number(error.code), stdout, stderr });
    });
  });
}

const MANIFESTS = ['deployment.yaml', 'hpa.yaml', 'canary.yaml'].map((f) => `examples/podinfo/${f}`);

describe('the podinfo demo', () => {
  it('plays a good release to Succeeded and a bad one to a rollback, in the human view', async () => {
    const { code, stdout } = await fledge('demo');

    expect(code).toBe(0);
    const summaries = stdout.split('\n').filter((line) => / after \d+ ticks; /.test(line));
    expect(summaries).toEqual([
      'Succeeded after 11 ticks; canary weights 10 → 20 → 30 → 40 → 50; primary runs ghcr.io/stefanprodan/podinfo:6.7.2',
      'Failed after 9 ticks; canary weights 10; primary runs ghcr.io/stefanprodan/podinfo:6.7.1',
    ]);
    expect(stdout).toContain('Rolling back podinfo.test failed checks threshold reached 5');
  });

  it('reads several FILEs as one scenario, naming documents by file when one is invalid', async () => {
    const good = await fledge('simulate', ...MANIFESTS, 'examples/podinfo/scenarios/good-release.yaml', '--json');
    const missing = await fledge('simulate', ...MANIFESTS.slice(0, 2), 'examples/podinfo/scenarios/good-release.yaml');

    expect(good.code).toBe(0);
    expect(JSON.parse(good.stdout.trimEnd().split('\n').at(-1) ?? '')).toMatchObject({ summary: { phase: 'Succeeded' } });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('expected exactly one Canary (apiVersion flagger.app/v1beta1), found none');
  });
});
