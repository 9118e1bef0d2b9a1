/**
 * `npx fledge emulator &` then `kill $!`: the emulator stops within 2 s, whatever wrapper sits between the
 * process the user started and ours (npx, npm exec, sh) and whether that process was asked (SIGTERM) or
 * killed (SIGKILL, which no wrapper can forward).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';

const REPO = new URL('../..', import.meta.url).pathname;

/** Whether something answers HTTP at `url`. */
function answers(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(`${url}/version`, { timeout: 300 }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
    req.end();
  });
}

/** Starts `argv` in its own process group and waits for the emulator's URL. */
async function startWrapped(argv: string[]): Promise<{ child: ChildProcess; url: string }> {
  const [command, ...args] = argv as [string, ...string[]];
  const child = spawn(command, args, { cwd: REPO, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no emulator URL within 20 s: ${output}`)), 20_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const found = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (found) {
        clearTimeout(timer);
        resolve(found[1] as string);
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
  });
  return { child, url };
}

/** Milliseconds until `url` stops answering, or `undefined` if it still answers after `limitMs`. */
async function stopsWithin(url: string, limitMs: number): Promise<number | undefined> {
  const started = Date.now();
  while (Date.now() - started < limitMs) {
    if (!(await answers(url))) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return (await answers(url)) ? undefined : Date.now() - started;
}

describe('fledge emulator stops with the process the user started', () => {
  it.each([
    { wrapper: 'npx', argv: ['npx', 'fledge', 'emulator'], signal: 'SIGTERM' as const },
    { wrapper: 'npx', argv: ['npx', 'fledge', 'emulator'], signal: 'SIGKILL' as const },
    { wrapper: 'npm exec', argv: ['npm', 'exec', '--', 'fledge', 'emulator'], signal: 'SIGTERM' as const },
    { wrapper: 'sh', argv: ['sh', '-c', 'node_modules/.bin/node cli/bin.js emulator; echo ended'], signal: 'SIGTERM' as const },
  ])('through $wrapper, on $signal', async ({ argv, signal }) => {
    const { child, url } = await startWrapped(argv);
    try {
      expect(await answers(url)).toBe(true);
      child.kill(signal);
      const after = await stopsWithin(url, 2000);
      expect(after, 'the emulator still serves 2 s after its starter was signalled').toBeDefined();
    } finally {
      // Everything left of the group we started, if the test failed.
      try {
        process.kill(-(child.pid as number), 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }, 40_000);
});

describe('fledge simulate stops with the process the user started', () => {
  it('through sh, on SIGTERM, in the middle of a long run', async () => {
    const child = spawn('sh', ['-c', 'node_modules/.bin/node cli/bin.js simulate test/bench/closed-gate.yaml; echo ended'], { cwd: REPO, detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      // Both sh and the simulation write to this pipe: it ends only when the simulation is gone too.
      const ended = new Promise<number>((resolve) => child.stdout?.on('end', () => resolve(Date.now())));
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no tick line within 20 s')), 20_000);
        child.stdout?.on('data', (chunk: Buffer) => {
          if (/^tick \d+/m.test(chunk.toString())) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
      child.kill('SIGTERM');
      const signalled = Date.now();
      const end = await Promise.race([ended, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 2000))]);
      expect(end, 'the simulation still runs 2 s after its starter was signalled').toBeDefined();
      expect((end as number) - signalled).toBeLessThan(2000);
    } finally {
      try {
        process.kill(-(child.pid as number), 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }, 40_000);
});
