/**
 * `npm run demo` (Flagger's NGINX tutorial), `demo istio` and the podinfo example's releases, played from the
 * project's own manifests plus a file holding the Scenario.
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

describe('the demo', () => {
  it("plays Flagger's NGINX tutorial by default: a good release to Succeeded and a failing one to a rollback", async () => {
    const { code, stdout } = await fledge('demo');

    expect(code).toBe(0);
    expect(stdout).toContain('provider   nginx');
    expect(stdout).toContain('latency               template ingress-nginx/latency  ≤ 0.5  over 1m');
    const summaries = stdout.split('\n').filter((line) => / after \d+ ticks; /.test(line));
    expect(summaries).toEqual([
      'Succeeded after 16 ticks; canary weights 5 → 10 → 15 → 20 → 25 → 30 → 35 → 40 → 45 → 50; primary runs ghcr.io/stefanprodan/podinfo:6.7.2',
      'Failed after 15 ticks; canary weights 5; primary runs ghcr.io/stefanprodan/podinfo:6.7.1',
    ]);
    expect(stdout).toContain('Rolling back podinfo.test failed checks threshold reached 10');
  });

  it('plays the Istio podinfo example with `demo istio`', async () => {
    const { code, stdout } = await fledge('demo', 'istio');

    expect(code).toBe(0);
    const summaries = stdout.split('\n').filter((line) => / after \d+ ticks; /.test(line));
    expect(summaries).toEqual([
      'Succeeded after 11 ticks; canary weights 10 → 20 → 30 → 40 → 50; primary runs ghcr.io/stefanprodan/podinfo:6.7.2',
      'Failed after 10 ticks; canary weights 10; primary runs ghcr.io/stefanprodan/podinfo:6.7.1',
    ]);
    expect(stdout).toContain('Rolling back podinfo.test failed checks threshold reached 5');
  });

  it('refuses an example it does not know, naming the ones it does', async () => {
    const { code, stderr } = await fledge('demo', 'linkerd');

    expect(code).toBe(2);
    expect(stderr).toBe('fledge demo: expected one of nginx, istio (or nothing, for nginx), got linkerd\n');
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
