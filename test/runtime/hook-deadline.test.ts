/**
 * A slow or failing webhook inside the advance Lambda: the real handler, given a Lambda context whose remaining
 * time is short, bounds the webhook by that time less what the step needs afterwards, so the step counts the
 * hook as failed and commits well before the invocation's deadline instead of being cut off mid-step.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryItem } from '../../shared/api/state.ts';
import { AFTER_HOOKS_RESERVE_MS } from '../../shared/controller/analysis-ports.ts';
import { SchedulerPlayer } from '../aws/scheduler-player.ts';
import { startRecordingServer, type RecordingServer } from '../hooks/recording-server.ts';
import { startRuntime, type Runtime } from './harness.ts';
import { deployPodinfo, id, minute, schedule, setImage, until } from './podinfo.ts';

let rt: Runtime;
let webhook: RecordingServer;
let answer: 'ok' | 'hang' | 'busy' = 'ok';

beforeAll(async () => {
  webhook = await startRecordingServer(() => (answer === 'ok' ? { status: 200, body: 'ok' } : answer === 'hang' ? { status: 200, body: 'late', delayMs: 60_000 } : { status: 503, body: 'busy' }));
  rt = await startRuntime();
  await deployPodinfo(rt, {
    interval: '1m',
    threshold: 5,
    iterations: 10,
    webhooks: [{ name: 'load-check', type: 'rollout', url: `${webhook.url}/check`, timeout: '30s', retries: 3 }],
  });
  await rt.watcher();
  await rt.deliverKicks();
  await until(rt, 'Initialized', 5);
  await setImage(rt, 'podinfo:2');
  // Minutes until the analysis calls the webhook (the canary is up and Progressing).
  for (let i = 0; i < 8 && webhook.requests.length === 0; i++) await minute(rt);
  if (webhook.requests.length === 0) throw new Error('the analysis never called the webhook');
}, 60_000);
afterAll(async () => {
  await webhook.close();
  await rt.stop();
});

/** Fires the canary's schedule once through the real handler, whose context has `remainingMs` of real time left. */
async function fireWithTimeLeft(remainingMs: number): Promise<{ outcomes: string[]; deadline: number; ended: number }> {
  rt.pass(60_000);
  const firing = schedule(rt);
  if (!firing) throw new Error('no schedule');
  const deadline = Date.now() + remainingMs;
  const player = new SchedulerPlayer(rt.scheduler, (event) => rt.advance(event, () => deadline - Date.now()));
  const deliveries = await player.fireOne(firing, rt.clock.now());
  return { outcomes: deliveries.map((d) => d.outcome), deadline, ended: Date.now() };
}

async function newest(): Promise<HistoryItem | undefined> {
  return (await rt.ports.store.history(id, { order: 'descending', limit: 1 })).items[0];
}

describe('webhooks bounded by the advance invocation\'s remaining time', () => {
  it('cuts a webhook that does not answer at the time left, counts it failed and commits the step before the deadline', async () => {
    answer = 'hang';
    const before = await rt.ports.store.load(id);
    const calls = webhook.requests.length;

    // Prepare: 1.5 s for webhooks; the 30 s timeout (and 3 retries) would take the invocation past its end.
    const { outcomes, deadline, ended } = await fireWithTimeLeft(AFTER_HOOKS_RESERVE_MS + 1_500);

    expect(outcomes).toEqual(['ok']);
    // The step ended with (nearly) all of the reserve for its commit and announcements still left.
    expect(deadline - ended).toBeGreaterThan(AFTER_HOOKS_RESERVE_MS - 2_000);
    expect(webhook.requests.length - calls).toBe(1);
    const after = await rt.ports.store.load(id);
    expect(after?.version).toBe((before?.version ?? 0) + 1);
    expect(after?.state.phase).toBe('Progressing');
    expect(after?.state.failedChecks).toBe((before?.state.failedChecks ?? 0) + 1);
    const hook = (await newest())?.webhooks.find((w) => w.name === 'load-check');
    expect(hook).toMatchObject({ type: 'rollout', outcome: 'fail' });
    expect(hook?.detail).toMatch(/^POST http:\/\/127\.0\.0\.1:\d+\/check timed out after 1\d{3}ms$/);
  }, 20_000);

  it('retries a webhook answering 503 only while a retry can end in the time left', async () => {
    answer = 'busy';
    const before = await rt.ports.store.load(id);
    const calls = webhook.requests.length;

    // 35 s for webhooks: retries after 1 s and 2 s fit a 30 s timeout; the third (4 s more) does not.
    const { outcomes, deadline, ended } = await fireWithTimeLeft(AFTER_HOOKS_RESERVE_MS + 35_000);

    expect(outcomes).toEqual(['ok']);
    expect(deadline - ended).toBeGreaterThan(AFTER_HOOKS_RESERVE_MS);
    expect(webhook.requests.length - calls).toBe(3);
    const after = await rt.ports.store.load(id);
    expect(after?.version).toBe((before?.version ?? 0) + 1);
    expect(after?.state.failedChecks).toBe((before?.state.failedChecks ?? 0) + 1);
    expect((await newest())?.webhooks.find((w) => w.name === 'load-check')).toMatchObject({ outcome: 'fail', detail: 'busy', statusCode: 503 });
    expect(rt.output.some((line) => String(line['message'] ?? '').includes('no retry 3 of 3, it would end after the time left for webhooks'))).toBe(true);
  }, 20_000);

  it('goes on with the run once the webhook answers again: nothing was lost', async () => {
    answer = 'ok';
    const before = await rt.ports.store.load(id);

    const { outcomes } = await fireWithTimeLeft(60_000);

    expect(outcomes).toEqual(['ok']);
    const after = await rt.ports.store.load(id);
    expect(after?.version).toBe((before?.version ?? 0) + 1);
    expect(after?.state.phase).toBe('Progressing');
    expect(after?.state.failedChecks).toBe(before?.state.failedChecks);
    expect(after?.state.iterations).toBe((before?.state.iterations ?? 0) + 1);
    expect((await newest())?.webhooks.find((w) => w.name === 'load-check')).toMatchObject({ outcome: 'pass', detail: 'ok' });
  }, 20_000);
});
