/**
 * Every command's table of bad inputs, run in-process through the command boundary: each gives its exit code
 * and names what is wrong, in one line per problem, never a stack trace.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fledge, tempFile } from './run.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const CANARY = readFileSync(join(ROOT, 'examples/podinfo/canary.yaml'), 'utf8');
const HAPPY = readFileSync(join(ROOT, 'examples/scenarios/happy-canary.yaml'), 'utf8');
const BINARY = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0xff, 0xfe]);
const BOMB = `${['a0: &a0 [x, x, x, x, x, x, x, x, x]', ...[1, 2, 3, 4, 5].map((i) => `a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(', ')}]`)].join('\n')}\n`;
const DEEP = `${'['.repeat(5_000)}${']'.repeat(5_000)}\n`;

interface Case {
  readonly name: string;
  /** The command line; `FILE` is replaced by a temporary file holding `file`. */
  readonly args: readonly string[];
  readonly file?: string | Buffer;
  readonly code: number;
  /** Each must match a line of stderr (FILE replaced by the file's path). */
  readonly stderr: readonly (string | RegExp)[];
}

async function play(c: Case): Promise<{ code: number; stderr: string; path: string }> {
  const path = c.file === undefined ? '' : tempFile('input.yaml', c.file);
  const run = await fledge(...c.args.map((a) => a.replace('FILE', path)));
  return { code: run.code, stderr: run.stderr, path };
}

function expectLines(stderr: string, path: string, expected: readonly (string | RegExp)[]): void {
  const lines = stderr.trimEnd().split('\n');
  const escaped = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  for (const want of expected) {
    if (typeof want === 'string') expect(lines).toContainEqual(path === '' ? want : want.replaceAll('FILE', path));
    else expect(lines).toContainEqual(expect.stringMatching(new RegExp(path === '' ? want.source : want.source.replaceAll('FILE', escaped))));
  }
  expect(stderr).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/);
}

const EXPLAIN: Case[] = [
  { name: 'no file', args: ['explain'], code: 2, stderr: ['fledge explain: no file given'] },
  { name: 'an unknown option', args: ['explain', '--bogus', 'x.yaml'], code: 2, stderr: [/^fledge explain: Unknown option '--bogus'/] },
  { name: 'a missing file', args: ['explain', '/nonexistent/canary.yaml'], code: 1, stderr: ['fledge explain: /nonexistent/canary.yaml: cannot read: no such file or directory'] },
  { name: 'a binary file', args: ['explain', 'FILE'], file: BINARY, code: 2, stderr: ['fledge explain: FILE is not a YAML or JSON text file'] },
  { name: 'a duplicate key', args: ['explain', 'FILE'], file: 'apiVersion: v1\nkind: Canary\nkind: Service\n', code: 2, stderr: ['fledge explain: FILE: line 3: duplicate key "kind" (first on line 2)'] },
  { name: 'an alias bomb', args: ['explain', 'FILE'], file: BOMB, code: 2, stderr: ['fledge explain: FILE: line 5: aliases would expand to more than 10000 nodes; refused, not expanded (limit: aliasExpansion)'] },
  { name: 'deep nesting', args: ['explain', 'FILE'], file: DEEP, code: 2, stderr: ['fledge explain: FILE: line 1: nesting deeper than 100 levels (limit: depth)'] },
  { name: 'a raw control character', args: ['explain', 'FILE'], file: 'kind: Canary\nmetadata: {name: "a\u001b[2J"}\n', code: 2, stderr: [/^fledge explain: FILE: line 2: control character U\+001B is not allowed/] },
  { name: 'a syntax error', args: ['explain', 'FILE'], file: 'kind: Canary\nspec:\n  analysis: [1, 2\n', code: 2, stderr: [/^fledge explain: FILE: line \d+: Flow sequence in block collection must be sufficiently indented and end with a \]$/] },
  { name: 'no Flagger object', args: ['explain', 'FILE'], file: 'apiVersion: v1\nkind: Service\nmetadata: {name: a}\n', code: 2, stderr: ['fledge explain: no Canary, MetricTemplate or AlertProvider in FILE'] },
  { name: 'an invalid field', args: ['explain', 'FILE'], file: CANARY.replace('stepWeight: 10', 'stepWeight: ten'), code: 2, stderr: ['Canary podinfo: spec.analysis.stepWeight: expected a number, got "ten"'] },
];

const SIMULATE: Case[] = [
  { name: 'no FILE', args: ['simulate'], code: 2, stderr: ['fledge simulate: FILE is required'] },
  { name: 'a bad --max-ticks', args: ['simulate', 'x.yaml', '--max-ticks', '0'], code: 2, stderr: ['fledge simulate: --max-ticks: expected a positive integer, got "0"'] },
  { name: 'a missing file', args: ['simulate', '/nonexistent/s.yaml'], code: 2, stderr: ['fledge simulate: /nonexistent/s.yaml: cannot read: no such file or directory'] },
  { name: 'a binary file', args: ['simulate', 'FILE'], file: BINARY, code: 2, stderr: ['fledge simulate: FILE is not a YAML or JSON text file'] },
  { name: 'an alias bomb', args: ['simulate', 'FILE'], file: BOMB, code: 2, stderr: [/^fledge simulate: FILE: line 5: aliases would expand to more than 10000 nodes/] },
  { name: 'deep nesting', args: ['simulate', 'FILE'], file: DEEP, code: 2, stderr: ['fledge simulate: FILE: line 1: nesting deeper than 100 levels (limit: depth)'] },
  { name: 'no Scenario', args: ['simulate', 'FILE'], file: HAPPY.slice(0, HAPPY.indexOf('apiVersion: fledge.dev')), code: 2, stderr: [/^FILE: expected exactly one Scenario \(apiVersion fledge.dev\/v1alpha1\), found none$/] },
  {
    name: 'a key that is not a plain name',
    args: ['simulate', 'FILE'],
    file: HAPPY.replace('setImage: {target: podinfo,', 'setImage: {"": 1, target: podinfo,'),
    code: 2,
    stderr: ['Scenario happy-canary: spec.timeline[0].setImage[""]: is not a field of this kind; known: target, namespace, container, image'],
  },
];

const OTHERS: Case[] = [
  { name: 'fledge: an unknown command', args: ['nope'], code: 2, stderr: ['fledge: unknown command "nope"'] },
  { name: 'fledge: no command', args: [], code: 2, stderr: ['usage: fledge <command> [options]'] },
  { name: 'crds: an unknown option', args: ['crds', '--bogus'], code: 2, stderr: [/^fledge crds: Unknown option '--bogus'/] },
  { name: 'demo: an argument', args: ['demo', 'extra'], code: 2, stderr: ['fledge demo: expected one of nginx, istio (or nothing, for nginx), got extra'] },
  { name: 'emulator: a port that is not a number', args: ['emulator', '--port', 'abc'], code: 2, stderr: ['fledge emulator: --port: expected an integer from 0 to 65535, got "abc"'] },
  { name: 'emulator: a port out of range', args: ['emulator', '--port', '70000'], code: 2, stderr: ['fledge emulator: --port: expected an integer from 0 to 65535, got "70000"'] },
  { name: 'emulator: a negative tick', args: ['emulator', '--tick=-1'], code: 2, stderr: ['fledge emulator: --tick: expected a number of seconds >= 0, got "-1"'] },
];

describe.each([
  ['explain', EXPLAIN],
  ['simulate', SIMULATE],
  ['the other commands', OTHERS],
])('bad inputs of %s', (_command, cases) => {
  it.each(cases)('$name', async (c) => {
    const { code, stderr, path } = await play(c);
    expectLines(stderr, path, c.stderr);
    expect(code).toBe(c.code);
  });
});

describe('the same file means the same thing to every command', () => {
  it('explain and simulate both accept merge keys', async () => {
    const merged = HAPPY.replace('metadata: {name: podinfo, namespace: test}\nspec:\n  provider: istio', 'metadata: &meta {name: podinfo, namespace: test}\nspec:\n  <<: {provider: istio}');
    expect(merged).toContain('<<: {provider: istio}');
    const path = tempFile('merged.yaml', merged);
    const explained = await fledge('explain', path);
    expect([explained.code, explained.stderr]).toEqual([0, '']);
    expect(explained.stdout).toMatch(/provider +istio\n/);
    const simulated = await fledge('simulate', path, '--json', '--max-ticks', '1');
    expect([simulated.code, simulated.stderr]).toEqual([0, '']);
  });

  it('explain and simulate read standard input for -', async () => {
    const result = await new Promise<{ code: number; stdout: string }>((resolve) => {
      const child = execFile(join(ROOT, 'node_modules/.bin/node'), [join(ROOT, 'cli/bin.js'), 'explain', '-'], { cwd: ROOT, timeout: 20_000 }, (error, stdout) => {
        resolve({ code: error === null ? 0 : Number((error as { code?: number }).code), stdout });
      });
      child.stdin?.end(CANARY);
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Canary test/podinfo');
  });

  it('explain reads a manifest with a 40,000-key ConfigMap in well under the 11 s it took', async () => {
    const data = Array.from({ length: 40_000 }, (_, i) => `  key${i}: "${i}"`).join('\n');
    const path = tempFile('big.yaml', `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n${data}\n---\n${CANARY}`);
    const start = process.cpuUsage();
    const run = await fledge('explain', path);
    const used = process.cpuUsage(start);
    expect(run.code).toBe(0);
    expect((used.user + used.system) / 1000).toBeLessThan(3_000); // CPU time, steady on a shared machine
  });
});
