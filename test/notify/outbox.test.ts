/** The bounded outbox: retried on the next announcement, oldest first, one attempt per announcement while down. */
import { describe, expect, it } from 'vitest';
import { Outbox, type NotifyResult, type OutboxLogEntry } from '../../shared/notify/index.ts';

/** A destination that is down until `up` is set, recording each delivery attempt. */
function destination() {
  const attempts: string[] = [];
  const state = { up: false };
  const deliver = (label: string) => async (): Promise<NotifyResult> => {
    attempts.push(label);
    return state.up ? { kind: 'sent' } : { kind: 'error', error: 'HTTP 503' };
  };
  return { attempts, state, deliver };
}

describe('Outbox', () => {
  it('tries a destination that is still down once per announcement, then delivers everything in order', async () => {
    const d = destination();
    const outbox = new Outbox('sns');

    expect(await outbox.send('a', d.deliver('a'))).toEqual({ kind: 'error', error: 'HTTP 503' });
    expect(await outbox.send('b', d.deliver('b'))).toEqual({ kind: 'error', error: 'sns is failing; b queued for the next announcement' });
    expect(d.attempts).toEqual(['a', 'a']);
    expect(outbox.pending).toBe(2);

    d.state.up = true;
    expect(await outbox.send('c', d.deliver('c'))).toEqual({ kind: 'sent' });
    expect(d.attempts).toEqual(['a', 'a', 'a', 'b', 'c']);
    expect(outbox.pending).toBe(0);
  });

  it('drops a delivery after its attempts, and says so', async () => {
    const d = destination();
    const logs: OutboxLogEntry[] = [];
    const outbox = new Outbox('slack', { maxAttempts: 2, log: (entry) => logs.push(entry) });

    await outbox.send('a', d.deliver('a'));
    await outbox.send('b', d.deliver('b'));
    await outbox.send('c', d.deliver('c'));

    expect(d.attempts).toEqual(['a', 'a', 'b']);
    expect(logs.filter((l) => l.level === 'error').map((l) => l.message)).toEqual(['a dropped after 2 attempts: HTTP 503']);
    expect(outbox.pending).toBe(2);
  });

  it('keeps at most its capacity, dropping the oldest', async () => {
    const d = destination();
    const logs: OutboxLogEntry[] = [];
    const outbox = new Outbox('teams', { capacity: 2, maxAttempts: 100, log: (entry) => logs.push(entry) });

    for (const label of ['a', 'b', 'c']) await outbox.send(label, d.deliver(label));
    d.state.up = true;
    await outbox.send('d', d.deliver('d'));

    expect(logs.filter((l) => l.level === 'error').map((l) => l.message)).toEqual(['outbox full (2): a dropped']);
    expect(d.attempts.slice(-3)).toEqual(['b', 'c', 'd']);
  });

  it('turns a delivery that throws into a failure', async () => {
    const outbox = new Outbox('x');
    expect(await outbox.send('a', async () => Promise.reject(new Error('socket hang up')))).toEqual({ kind: 'error', error: 'socket hang up' });
    expect(outbox.pending).toBe(1);
  });

  it('serves concurrent sends one at a time, so a waiting delivery is retried once and in order', async () => {
    const d = destination();
    const outbox = new Outbox('sns');
    await outbox.send('a', d.deliver('a'));
    d.state.up = true;

    await Promise.all([outbox.send('b', d.deliver('b')), outbox.send('c', d.deliver('c'))]);

    expect(d.attempts).toEqual(['a', 'a', 'b', 'c']);
  });
});
