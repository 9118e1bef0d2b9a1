/**
 * One ready example per provider in `examples/<dir>/` (manifests at the top, Scenarios in `scenarios/`): every
 * Scenario is played against the manifests through the real controller, `good-release` to a promotion and
 * `bad-release` to a rollback, with the per-tick invariants of `play`. Flagger's NGINX tutorial
 * (`examples/nginx`) is played, with more to assert, by `nginx.test.ts`.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { phases, play, PROMOTED, ROLLED_BACK } from './play.ts';

const EXAMPLES = new URL('../../../../examples/', import.meta.url);
const OWN_TEST = new Set(['nginx', 'scenarios']);

const dirs = readdirSync(EXAMPLES, { withFileTypes: true })
  // Examples without a scenarios/ folder are played by their provider's own tests (test/routers/).
  .filter((d) => d.isDirectory() && !OWN_TEST.has(d.name) && existsSync(new URL(`${d.name}/scenarios/`, EXAMPLES)))
  .map((d) => d.name)
  .sort();

const cases = dirs.flatMap((dir) =>
  readdirSync(new URL(`${dir}/scenarios/`, EXAMPLES))
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((scenario) => ({ dir, scenario })),
);

function fileOf(dir: string, scenario: string): string {
  const manifests = readdirSync(new URL(`${dir}/`, EXAMPLES)).filter((f) => f.endsWith('.yaml')).sort();
  return [...manifests.map((f) => readFileSync(new URL(`${dir}/${f}`, EXAMPLES), 'utf8')), readFileSync(new URL(`${dir}/scenarios/${scenario}`, EXAMPLES), 'utf8')].join('\n---\n');
}

describe('the ready examples', () => {
  it('has a good and a bad release for every example, and an example for gatewayapi and alb', () => {
    for (const dir of dirs) expect(cases.filter((c) => c.dir === dir).map((c) => c.scenario)).toEqual(expect.arrayContaining(['bad-release.yaml', 'good-release.yaml']));
    expect(dirs).toEqual(expect.arrayContaining(['alb', 'gatewayapi', 'podinfo']));
  });

  it.each(cases)('$dir: $scenario', async ({ dir, scenario }) => {
    const text = fileOf(dir, scenario);
    const canary = parseAllDocuments(text).map((d) => d.toJS() as { kind?: string; spec?: { provider?: string } }).find((o) => o?.kind === 'Canary');
    if (dir !== 'podinfo') expect(canary?.spec?.provider?.split(':')[0]).toBe(dir);
    const run = await play(`${dir}-${scenario}`, {}, { text });
    if (scenario === 'good-release.yaml') {
      expect(phases(run.lines)).toEqual(PROMOTED);
      expect(run.summary.canaryWeights.length).toBeGreaterThan(1);
    } else if (scenario === 'bad-release.yaml') {
      expect(phases(run.lines)).toEqual(ROLLED_BACK);
      expect(run.lines.at(-1)?.routes).toEqual({ primary: 100, canary: 0, mirrored: false, matched: null });
    }
  });
});
