/**
 * The command boundary (cli/main.ts): every command answers --help without side effects, and whatever goes
 * wrong ends as one line `fledge <command>: …` with exit 1 (2 for bad input), the stack only with FLEDGE_DEBUG=1.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCommand, type Command } from '../../cli/main.ts';
import { KubeInvalidError } from '../../shared/kube/errors.ts';
import { fledge, RAW_CONTROL, tempFile } from './run.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const COMMANDS = ['crds', 'demo', 'emulator', 'explain', 'simulate'];

function throwing(error: unknown): Command {
  return { summary: 'throws', usage: 'usage: fledge throws\n', run: () => Promise.reject(error) };
}

describe('the command boundary', () => {
  afterEach(() => {
    delete process.env['FLEDGE_DEBUG'];
  });

  it('turns an unexpected error into one line and exit 1', async () => {
    const run = await captured(() => runCommand('explain', throwing(new TypeError('boom\n    at somewhere (x.ts:1:1)')), []));
    expect(run).toEqual({ code: 1, stdout: '', stderr: 'fledge explain: boom\n' });
  });

  it('exits 2 when the error says the input is wrong', async () => {
    const run = await captured(() => runCommand('simulate', throwing(new KubeInvalidError({ verb: 'create', kind: 'Namespace', object: 'x', status: 422, reason: 'Invalid', detail: 'bad name' }, [])), []));
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^fledge simulate: create Namespace x[^\n]*\n$/);
  });

  it('shows the stack with FLEDGE_DEBUG=1', async () => {
    process.env['FLEDGE_DEBUG'] = '1';
    const run = await captured(() => runCommand('explain', throwing(new Error('boom')), []));
    expect(run.stderr).toMatch(/^fledge explain: boom\nError: boom\n {4}at /);
  });

  it('escapes control characters of an error message', async () => {
    const run = await captured(() => runCommand('explain', throwing(new Error('bad \u001b]0;pwned\u0007 title')), []));
    expect(run.stderr).toBe('fledge explain: bad \\u001b]0;pwned\\u0007 title\n');
  });
});

describe('help and version', () => {
  it.each(COMMANDS)('fledge %s --help prints its own usage, exits 0 and runs nothing', async (name) => {
    const run = await fledge(name, '--help');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^usage: fledge ${name}\\b`));
    expect(run.stderr).toBe('');
  });

  it('fledge demo --help does not play the demo', async () => {
    const run = await fledge('demo', '--help');
    expect(run.stdout).not.toMatch(/tick|Canary test\/podinfo/);
    expect(run.stdout.split('\n').length).toBeLessThan(12);
  });

  it('fledge --help lists every command with its one-line summary', async () => {
    const run = await fledge('--help');
    expect(run.code).toBe(0);
    for (const name of COMMANDS) expect(run.stdout).toMatch(new RegExp(`\\n  ${name} +[a-z]+ [^\\n]{20,}\\n`));
  });

  it('fledge help COMMAND prints that command usage', async () => {
    expect((await fledge('help', 'simulate')).stdout).toMatch(/^usage: fledge simulate /);
  });

  it('fledge --version prints the package version', async () => {
    const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    expect(await fledge('--version')).toEqual({ code: 0, stdout: `fledge ${version}\n`, stderr: '' });
  });

  it('simulate --help points to docs/scenarios.md', async () => {
    expect((await fledge('simulate', '--help')).stdout).toContain('docs/scenarios.md');
  });
});

describe("today's crashes end in one line", () => {
  it('explain of a small alias bomb: exit 2, naming the limit and the file', async () => {
    const levels = Array.from({ length: 6 }, (_, i) => (i === 0 ? 'a0: &a0 [x, x, x, x, x, x, x, x, x]' : `a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(', ')}]`));
    const path = tempFile('bomb.yaml', `apiVersion: flagger.app/v1beta1\nkind: Canary\nmetadata: {name: a}\n${levels.join('\n')}\n`);
    const run = await fledge('explain', path);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(new RegExp(`^fledge explain: ${path}: line \\d+: aliases would expand to more than \\d+ nodes; refused, not expanded \\(limit: aliasExpansion\\)\\n`));
    expect(run.stderr).not.toContain('    at ');
  });

  it('simulate of a Canary in namespace Bad_NS: exit 2, naming the field', async () => {
    const text = readFileSync(join(ROOT, 'examples/scenarios/happy-canary.yaml'), 'utf8').replaceAll('namespace: test', 'namespace: Bad_NS');
    const run = await fledge('simulate', tempFile('bad-ns.yaml', text));
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/: metadata\.namespace: [^\n]*"Bad_NS"/);
    expect(run.stderr).not.toContain('    at ');
  });

  it('emulator --kubeconfig-out into a missing directory: one line, exit 1, and the emulator stops', async () => {
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      execFile(join(ROOT, 'node_modules/.bin/node'), [join(ROOT, 'cli/bin.js'), 'emulator', '--kubeconfig-out', '/nonexistent/dir/kc'], { cwd: ROOT, timeout: 20_000 }, (error, _stdout, stderr) => {
        resolve({ code: error === null ? 0 : (error as { code?: number }).code ?? null, stderr });
      });
    });
    expect(result).toEqual({ code: 1, stderr: 'fledge emulator: cannot write the kubeconfig to /nonexistent/dir/kc: no such directory\n' });
  });

  it('never writes a control character of the input raw to the terminal', async () => {
    const canary = readFileSync(join(ROOT, 'examples/podinfo/canary.yaml'), 'utf8').replace(/name: podinfo\n/, 'name: "podinfo\\e[2J\\e]0;owned\\a"\n');
    const human = await fledge('explain', tempFile('canary.yaml', canary));
    const json = await fledge('explain', '--json', tempFile('canary.yaml', canary));
    expect(`${human.stdout}${human.stderr}`).toContain('\\u001b[2J');
    for (const run of [human, json]) expect(`${run.stdout}${run.stderr}`).not.toMatch(RAW_CONTROL);
  });
});

async function captured(act: () => Promise<number>): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const writeOut = process.stdout.write;
  const writeErr = process.stderr.write;
  process.stdout.write = ((chunk: string) => ((stdout += chunk), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string) => ((stderr += chunk), true)) as typeof process.stderr.write;
  try {
    return { code: await act(), stdout, stderr };
  } finally {
    process.stdout.write = writeOut;
    process.stderr.write = writeErr;
  }
}
