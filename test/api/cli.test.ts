import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crdsYaml, rbacYaml } from '../../cli/crd.ts';
import { fledge } from '../cli/run.ts';
import { corpusFiles, FLAGGER_DIR, REPO_ROOT } from './helpers.ts';

// In-process through the command boundary (test/cli/run.ts): 33 subprocesses cost ~45 s on the shared machine;
// test/cli/boundary.test.ts and test/sim/scenario/cli.test.ts keep running the real binary.
const CANARY = join(REPO_ROOT, 'examples', 'podinfo', 'canary.yaml');

function tempFile(name: string, text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'fledge-explain-')), name);
  writeFileSync(path, text);
  return path;
}

describe('fledge explain', () => {
  it('prints the plan of the podinfo example and exits 0', async () => {
    const run = await fledge('explain', CANARY);
    expect([run.code, run.stderr]).toEqual([0, '']);
    expect(run.stdout).toContain('Canary test/podinfo');
    expect(run.stdout).toMatch(/provider +istio\n/);
    expect(run.stdout).toMatch(/strategy +canary release: progressive traffic shifting/);
    expect(run.stdout).toContain('10% → 20% → 30% → 40% → 50% (max weight 50%)');
    expect(run.stdout).toMatch(/pre-rollout +acceptance-test[^\n]*\n +rollout +load-test/);
    expect(run.stdout).toMatch(/request-success-rate +builtin +≥ 99% +over 1m/);
    expect(run.stdout).toMatch(/request-duration +builtin +≤ 500ms +over 30s/);
    expect(run.stdout).toContain('promotion at the earliest after 5m (1m × 5 steps)');
    expect(run.stdout).toContain('rollback at the earliest after 5m (1m × 5 failed checks)');
  });

  it('prints the plan as JSON with --json', async () => {
    const run = await fledge('explain', '--json', CANARY);
    const out = JSON.parse(run.stdout) as { valid: boolean; objects: { plan: { strategy: string; traffic: { ladder: number[] }; hooks: { type: string }[]; durations: unknown } }[] };
    expect(run.code).toBe(0);
    expect(out.valid).toBe(true);
    const plan = out.objects[0]?.plan;
    expect(plan?.strategy).toBe('canary');
    expect(plan?.traffic.ladder).toEqual([10, 20, 30, 40, 50]);
    expect(plan?.hooks.map((h) => h.type)).toEqual(['pre-rollout', 'rollout']);
    expect(plan?.durations).toEqual({ promotionSteps: 5, promotionMs: 300_000, rollbackChecks: 5, rollbackMs: 300_000 });
  });

  it('reads a directory, taking the Deployment and HPA as context', async () => {
    const run = await fledge('explain', join(REPO_ROOT, 'examples', 'podinfo'));
    expect(run.code).toBe(0);
    expect(run.stdout.match(/^Canary /gm)).toHaveLength(1);
  });

  it('exits 2 on a broken copy of the example, naming every broken field', async () => {
    const broken = readFileSync(CANARY, 'utf8').replace('stepWeight: 10', 'stepWeight: 0').replace('timeout: 5s', 'timeout: soon');
    const run = await fledge('explain', tempFile('canary.yaml', broken));
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toEqual([
      'Canary podinfo: spec.analysis.webhooks[1].timeout: must be a whole number of seconds or minutes (one unit, as the Flagger CRD requires), such as 30s or 5m; got "soon"',
      'Canary podinfo: spec.analysis.stepWeight: must be between 1 and 100; got 0',
    ]);
  });

  it('accepts every valid documentation manifest in one run, Knative\'s included', async () => {
    const run = await fledge('explain', ...corpusFiles('valid').map((file) => join(FLAGGER_DIR, 'valid', file)));
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('provider   knative');
  });

  it.each(corpusFiles('invalid'))('rejects invalid/%s with exit 2 and field paths', async (file) => {
    const run = await fledge('explain', join(FLAGGER_DIR, 'invalid', file));
    expect(run.code).toBe(2);
    const lines = run.stderr.trim().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).toMatch(/^(Canary|MetricTemplate|AlertProvider) [^:]+: (spec|metadata)[\w.[\]"-]*: /);
  });

  it('still prints the valid objects when another one is invalid', async () => {
    const text = `${readFileSync(CANARY, 'utf8')}\n---\napiVersion: flagger.app/v1beta1\nkind: AlertProvider\nmetadata: { name: on-call }\nspec: { type: slack }\n`;
    const run = await fledge('explain', tempFile('mixed.yaml', text));
    expect(run.code).toBe(2);
    expect(run.stdout).toContain('Canary test/podinfo');
    expect(run.stderr).toBe('AlertProvider on-call: spec: must set one of address, secretRef\n');
  });

  it('exits 2 when a file holds no Flagger object', async () => {
    const run = await fledge('explain', join(REPO_ROOT, 'examples', 'podinfo', 'hpa.yaml'));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('no Canary, MetricTemplate or AlertProvider');
  });

  it('exits 2 on a YAML syntax error, with its line', async () => {
    const run = await fledge('explain', tempFile('bad.yaml', 'kind: Canary\nspec:\n  analysis: [1, 2\n'));
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/bad\.yaml: line \d+: /);
  });

  it('exits 1 when a file cannot be read and 2 without arguments', async () => {
    expect((await fledge('explain', join(REPO_ROOT, 'no-such-file.yaml'))).code).toBe(1);
    expect((await fledge('explain')).code).toBe(2);
  });
});

// The invalid-FILE line SCENARIOS.md gives as its example: shared/api's wording, as `fledge simulate` prints it.
describe('a Canary whose stepWeight is not a number', () => {
  const canary = [
    'apiVersion: flagger.app/v1beta1',
    'kind: Canary',
    'metadata: {name: podinfo, namespace: test}',
    'spec:',
    '  provider: istio',
    '  targetRef: {apiVersion: apps/v1, kind: Deployment, name: podinfo}',
    '  service: {port: 9898}',
    '  analysis: {interval: 1m, threshold: 5, maxWeight: 50, stepWeight: ten}',
  ].join('\n');
  const deployment = [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata: {name: podinfo, namespace: test, labels: {app: podinfo}}',
    'spec:',
    '  replicas: 1',
    '  selector: {matchLabels: {app: podinfo}}',
    '  template:',
    '    metadata: {labels: {app: podinfo}}',
    '    spec: {containers: [{name: podinfod, image: ghcr.io/stefanprodan/podinfo:6.0.0}]}',
  ].join('\n');
  const scenario = 'apiVersion: fledge.dev/v1alpha1\nkind: Scenario\nmetadata: {name: bad-step}\nspec: {maxTicks: 3}';
  const LINE = 'Canary podinfo: spec.analysis.stepWeight: expected a number, got "ten"';

  it('makes fledge simulate exit 2 with exactly the contract line on stderr', async () => {
    const run = await fledge('simulate', tempFile('scenario.yaml', [deployment, canary, scenario].join('\n---\n')));
    expect([run.code, run.stdout, run.stderr]).toEqual([2, '', `${LINE}\n`]);
  });

  it('makes fledge explain print the same line', async () => {
    const run = await fledge('explain', tempFile('canary.yaml', canary));
    expect([run.code, run.stderr]).toEqual([2, `${LINE}\n`]);
  });
});

describe('fledge crds', () => {
  it('prints the committed CRDs and RBAC', async () => {
    const run = await fledge('crds');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${crdsYaml()}---\n${rbacYaml()}`);
  });

  it('prints only the RBAC for another group', async () => {
    const run = await fledge('crds', '--rbac', '--group', 'platform:fledge');
    expect(run.stdout).toBe(rbacYaml({ group: 'platform:fledge' }));
    expect(run.stdout).toContain('name: platform:fledge');
  });
});

describe('fledge demo', () => {
  it('explains the podinfo example', async () => {
    const run = await fledge('demo');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Canary test/podinfo');
  });
});
