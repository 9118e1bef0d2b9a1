/** The loadtester emulator answers flagger-loadtester's API: gates, rollback gates, tasks, authorizer. */
import { afterEach, describe, expect, it } from 'vitest';
import { startLoadtester, type Loadtester, type LoadtesterOptions } from '../../sim/loadtester/index.ts';

let tester: Loadtester | undefined;
afterEach(async () => {
  await tester?.stop();
  tester = undefined;
});

async function start(options: LoadtesterOptions = {}): Promise<Loadtester> {
  tester = await startLoadtester(options);
  return tester;
}

async function post(t: Loadtester, path: string, body: unknown): Promise<[number, string]> {
  const response = await fetch(`${t.url}${path}`, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) });
  return [response.status, await response.text()];
}

const podinfo = (metadata?: Record<string, string>) => ({ name: 'podinfo', namespace: 'test', phase: 'Progressing', checksum: 'c1', ...(metadata ? { metadata } : {}) });

describe('loadtester emulator', () => {
  it('keeps a gate closed until opened, per canary, and closes it again', async () => {
    const t = await start();
    expect(await post(t, '/gate/check', podinfo())).toEqual([403, 'Forbidden']);
    expect(await post(t, '/gate/open', podinfo())).toEqual([202, '']);
    expect(await post(t, '/gate/check', podinfo())).toEqual([200, 'Approved']);
    expect(await post(t, '/gate/check', { ...podinfo(), name: 'other' })).toEqual([403, 'Forbidden']);
    expect(await post(t, '/gate/close', podinfo())).toEqual([202, '']);
    expect(await post(t, '/gate/check', podinfo())).toEqual([403, 'Forbidden']);
  });

  it('keeps rollback gates apart from promotion gates', async () => {
    const t = await start();
    await post(t, '/gate/open', podinfo());
    expect(await post(t, '/rollback/check', podinfo())).toEqual([403, 'Forbidden']);
    expect(await post(t, '/rollback/open', podinfo())).toEqual([202, '']);
    expect(await post(t, '/rollback/check', podinfo())).toEqual([200, 'Approved']);
    expect(await post(t, '/rollback/close', podinfo())).toEqual([202, '']);
    expect(await post(t, '/rollback/check', podinfo())).toEqual([403, 'Forbidden']);
  });

  it('always approves /gate/approve and always halts /gate/halt', async () => {
    const t = await start();
    expect(await post(t, '/gate/approve', '')).toEqual([200, 'OK']);
    expect(await post(t, '/gate/halt', podinfo())).toEqual([403, 'Forbidden']);
  });

  it('answers 400 to a body that is not a payload', async () => {
    const t = await start();
    expect((await post(t, '/gate/check', 'nope'))[0]).toBe(400);
  });

  it('records cmd tasks once per canary and command, answering 202', async () => {
    const t = await start();
    const task = podinfo({ cmd: 'hey -z 1m http://podinfo-canary.test:9898/' });
    expect(await post(t, '/', task)).toEqual([202, '']);
    expect(await post(t, '/', task)).toEqual([202, '']);
    expect(t.tasks()).toEqual([{ canary: 'podinfo.test', command: 'hey -z 1m http://podinfo-canary.test:9898/', received: 2 }]);
  });

  it.each([
    [{ type: 'bash', cmd: 'echo hello', returnCmdOutput: 'true' }, 200, 'hello\n'],
    [{ type: 'bash', cmd: 'echo hello' }, 200, ''],
    [{ type: 'bash', cmd: 'exit 3' }, 500, 'command exit 3 failed: : exit status 1'],
    [{ type: 'kubectl', cmd: 'kubectl delete ns prod' }, 500, 'command kubectl delete ns prod failed: command not allowed by the loadtester emulator (allowed: true, false, exit N, echo TEXT): kubectl delete ns prod: exit status 1'],
    [{ type: 'concord' }, 400, 'unknown task type concord'],
    [{ type: 'cmd' }, 400, 'cmd not found in metadata'],
  ])('answers task %j with %i', async (metadata, status, body) => {
    const t = await start();
    expect(await post(t, '/', podinfo(metadata))).toEqual([status, body]);
  });

  it('refuses a task without metadata', async () => {
    const t = await start();
    expect(await post(t, '/', podinfo())).toEqual([400, 'metadata not found in payload']);
  });

  it('runs blocking commands through the given runner', async () => {
    const seen: string[] = [];
    const t = await start({ runner: (command, type, canary) => (seen.push(`${type} ${canary} ${command}`), { ok: true, output: 'ran' }) });
    expect(await post(t, '/', podinfo({ type: 'helmv3', cmd: 'test run podinfo', returnCmdOutput: 'true' }))).toEqual([200, 'ran']);
    expect(seen).toEqual(['helmv3 podinfo.test test run podinfo']);
  });

  it('refuses payloads of namespaces outside its regexp', async () => {
    const t = await start({ namespaceRegexp: /^prod-/ });
    expect(await post(t, '/gate/open', podinfo())).toEqual([403, 'Forbidden']);
    expect(await post(t, '/gate/open', { ...podinfo(), namespace: 'prod-eu' })).toEqual([202, '']);
  });
});
