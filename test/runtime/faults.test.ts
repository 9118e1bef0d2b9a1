/**
 * Races, crashes and failures through the real handlers: whatever fails, the committed state stays what it
 * was (or moves by exactly one step), the failure is visible in the logs, and the next firing converges.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsError } from '../aws/server.ts';
import { startRuntime, type Runtime } from './harness.ts';
import { deployPodinfo, id, minute, schedule, setImage, status, until, version } from './podinfo.ts';

let rt: Runtime;

beforeAll(async () => {
  rt = await startRuntime();
  // Ten iterations keep the run in flight for the whole file.
  await deployPodinfo(rt, { interval: '1m', threshold: 2, iterations: 10 });
  await rt.watcher();
  await rt.deliverKicks();
  await until(rt, 'Initialized', 5);
  await setImage(rt, 'podinfo:2');
});
afterAll(() => rt.stop());

const logged = (text: string) => rt.output.some((line) => String(line['message'] ?? '').includes(text));

describe('the runtime under failure', () => {
  it('a crash right after a cluster write (the write applied, its answer lost) commits nothing, and the next firing converges', async () => {
    await rt.watcher();
    const before = await version(rt);
    rt.emulator.faults.add({ method: 'PATCH', path: /\/deployments\/podinfo/ }, { type: 'reset', afterCommit: true });
    rt.emulator.faults.add({ method: 'PUT', path: /\/deployments\/podinfo/ }, { type: 'reset', afterCommit: true });

    await rt.deliverKicks();

    expect(await version(rt)).toBe(before);
    expect(logged('failed')).toBe(true);
    rt.emulator.faults.clear();
    await minute(rt);
    expect(await version(rt)).toBe(before + 1);
    expect((await rt.ports.store.load(id))?.state.phase).toBe('Progressing');
    expect(schedule(rt)?.State).toBe('ENABLED');
  });

  it('20 concurrent deliveries of one firing make exactly one step', async () => {
    rt.pass(60_000);
    const before = await version(rt);
    const items = (await rt.ports.store.history(id)).items.length;
    const firing = schedule(rt);
    if (!firing) throw new Error('no schedule');
    const { SchedulerPlayer } = await import('../aws/scheduler-player.ts');
    const racing = new SchedulerPlayer(rt.scheduler, (event) => rt.advance(event), { duplicates: 19 });

    const deliveries = await racing.fireOne(firing, rt.clock.now());

    expect(deliveries).toHaveLength(20);
    expect(deliveries.every((d) => d.outcome === 'ok')).toBe(true);
    expect(await version(rt)).toBe(before + 1);
    expect((await rt.ports.store.history(id)).items.length).toBe(items + 1);
  });

  it('a redelivered firing after its step was committed does nothing', async () => {
    rt.pass(60_000);
    const firing = schedule(rt);
    if (!firing) throw new Error('no schedule');
    await rt.player.fireOne(firing, rt.clock.now());
    const after = await version(rt);

    await rt.player.fireOne(firing, rt.clock.now());

    expect(await version(rt)).toBe(after);
    expect(logged('firing skipped: duplicate')).toBe(true);
  });

  it('a firing delivered more than one interval late is skipped as stale', async () => {
    rt.pass(60_000);
    const firing = schedule(rt);
    if (!firing) throw new Error('no schedule');
    const before = await version(rt);

    await rt.player.fireOne(firing, new Date(rt.clock.now().getTime() - 3 * 60_000));

    expect(await version(rt)).toBe(before);
    expect(logged('firing skipped: stale')).toBe(true);
  });

  it.each([
    ['503', { type: 'status', code: 503 } as const],
    ['429', { type: 'status', code: 429, reason: 'TooManyRequests' } as const],
    ['a dropped connection', { type: 'reset' } as const],
  ])('Kubernetes answering %s on the Canary read leaves state intact; Scheduler retries', async (_name, fault) => {
    rt.pass(60_000);
    const before = await version(rt);
    rt.output.length = 0;
    rt.emulator.faults.add({ verb: 'get', resource: 'canaries', times: 1 }, fault);
    const firing = schedule(rt);
    if (!firing) throw new Error('no schedule');

    const deliveries = await rt.player.fireOne(firing, rt.clock.now());

    expect(deliveries.map((d) => d.outcome)).toEqual(['error', 'ok']);
    expect(rt.output.some((l) => l['level'] === 'ERROR' && String(l['message']).startsWith('KubeUnavailableError') && l['canary'] === 'podinfo')).toBe(true);
    expect(rt.output.some((l) => JSON.stringify((l['_aws'] as { CloudWatchMetrics?: unknown[] } | undefined)?.CloudWatchMetrics ?? '').includes('kind') && l['kind'] === 'KubeUnavailableError')).toBe(true);
    expect(await version(rt)).toBe(before + 1);
  });

  it('DynamoDB throttling the commit leaves state intact, and the retry commits', async () => {
    rt.pass(60_000);
    const before = await version(rt);
    rt.output.length = 0;
    rt.throttleCommits(1);
    const firing = schedule(rt);
    if (!firing) throw new Error('no schedule');

    const deliveries = await rt.player.fireOne(firing, rt.clock.now());

    expect(deliveries.map((d) => d.outcome)).toEqual(['error', 'ok']);
    expect(rt.output.some((l) => l['level'] === 'ERROR' && String(l['message']).includes('ProvisionedThroughputExceeded'))).toBe(true);
    expect(await version(rt)).toBe(before + 1);
  });

  it('a status mirror that fails after the commit is logged and mirrored by the next step', async () => {
    rt.pass(60_000);
    rt.output.length = 0;
    rt.emulator.faults.add({ resource: 'canaries/status', times: 1 }, { type: 'status', code: 500 });

    await minute(rt);

    expect(logged('status mirror failed')).toBe(true);
    await minute(rt);
    const state = (await rt.ports.store.load(id))?.state;
    expect(await status(rt)).toMatchObject({ phase: state?.phase, iterations: state?.iterations });
  });

  it('Scheduler failing to disable the schedule at rest keeps the step, warns, and the next firing disables it', async () => {
    rt.scheduler.fail({ when: (r) => rt.scheduler.operation(r) === 'UpdateSchedule', response: awsError(500, 'InternalServerException', 'try later'), times: 1 });
    rt.output.length = 0;

    await until(rt, 'Succeeded', 15).catch(() => undefined);
    if (schedule(rt)?.State !== 'DISABLED') await minute(rt);

    expect((await rt.ports.store.load(id))?.state.phase).toBe('Succeeded');
    expect(logged('schedule disable failed: UpdateSchedule')).toBe(true);
    expect(schedule(rt)?.State).toBe('DISABLED');
  });
});
