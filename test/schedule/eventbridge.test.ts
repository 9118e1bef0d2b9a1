/**
 * The schedule port on the real Scheduler client, serializer and signer, against the fake Scheduler: the
 * exact requests, idempotent writes, names within Scheduler's limits, and errors translated.
 */
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EventBridgeSchedules, MAX_SCHEDULE_NAME, rateExpression, scheduleName, ScheduleError, ScheduleNotFoundError } from '../../shared/schedule/index.ts';
import { clientConfig, awsError } from '../aws/server.ts';
import { startFakeScheduler, type FakeScheduler } from '../aws/scheduler.ts';
import { SchedulerPlayer } from '../aws/scheduler-player.ts';

const canary = { cluster: 'prod-eu', namespace: 'test', name: 'podinfo' };
const TARGET = 'arn:aws:lambda:eu-west-1:123456789012:function:fledge-advance';
const ROLE = 'arn:aws:iam::123456789012:role/fledge-scheduler';
const DLQ = 'arn:aws:sqs:eu-west-1:123456789012:fledge-dlq';
let fake: FakeScheduler;
let schedules: EventBridgeSchedules;

beforeAll(async () => {
  fake = await startFakeScheduler();
  schedules = new EventBridgeSchedules({ client: new SchedulerClient(clientConfig(fake.endpoint)), groupName: 'fledge', targetArn: TARGET, roleArn: ROLE, deadLetterArn: DLQ });
});
afterAll(() => fake.stop());
beforeEach(() => {
  fake.schedules.clear();
  fake.requests.length = 0;
});

describe('schedule names', () => {
  it('are readable, deterministic and within 64 of [0-9a-zA-Z-_.]', () => {
    const name = scheduleName(canary);
    expect(name).toMatch(/^prod-eu\.test\.podinfo-[0-9a-f]{12}$/);
    expect(scheduleName({ ...canary })).toBe(name);
    const long = scheduleName({ cluster: 'arn:aws:eks:eu-west-1:123456789012:cluster/a-very-long-cluster-name', namespace: 'n'.repeat(63), name: 'm'.repeat(253) });
    expect(long.length).toBeLessThanOrEqual(MAX_SCHEDULE_NAME);
    expect(long).toMatch(/^[0-9a-zA-Z_.-]+$/);
  });

  it('keep apart canaries that the readable prefix would merge', () => {
    const names = new Set([
      scheduleName({ cluster: 'a.b', namespace: 'c', name: 'd' }),
      scheduleName({ cluster: 'a', namespace: 'b.c', name: 'd' }),
      scheduleName({ cluster: 'a:b', namespace: 'c', name: 'd' }),
      scheduleName({ cluster: 'a/b', namespace: 'c', name: 'd' }),
      scheduleName({ cluster: 'x', namespace: 'ns', name: `${'p'.repeat(80)}1` }),
      scheduleName({ cluster: 'x', namespace: 'ns', name: `${'p'.repeat(80)}2` }),
    ]);
    expect(names.size).toBe(6);
  });

  it('refuse an empty canary field, naming it', () => {
    expect(() => scheduleName({ ...canary, namespace: '' })).toThrow('canary.namespace: expected a non-empty string, got ""');
  });
});

describe('rate expressions', () => {
  it.each([
    [10_000, 'rate(1 minute)'],
    [60_000, 'rate(1 minute)'],
    [89_000, 'rate(1 minute)'],
    [120_000, 'rate(2 minutes)'],
    [300_000, 'rate(5 minutes)'],
  ])('%i ms is %s', (ms, expression) => {
    expect(rateExpression(ms)).toBe(expression);
  });

  it('refuses a non-positive interval', () => {
    expect(() => rateExpression(0)).toThrow('intervalMs: expected a positive number of milliseconds, got 0');
  });
});

describe('EventBridgeSchedules', () => {
  it('creates the schedule with the documented request: rate, window OFF, retry policy, DLQ and context attributes', async () => {
    expect(await schedules.create({ canary, intervalMs: 120_000, enabled: false })).toBe('created');

    const request = fake.requests.find((r) => fake.operation(r) === 'CreateSchedule');
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe(`/schedules/${scheduleName(canary)}`);
    expect(request?.headers['authorization']).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDFLEDGETEST\/\d{8}\/eu-west-1\/scheduler\/aws4_request/);
    const body = JSON.parse(request?.body ?? '{}');
    expect(body).toMatchObject({
      GroupName: 'fledge',
      ScheduleExpression: 'rate(2 minutes)',
      FlexibleTimeWindow: { Mode: 'OFF' },
      State: 'DISABLED',
      Target: {
        Arn: TARGET,
        RoleArn: ROLE,
        RetryPolicy: { MaximumEventAgeInSeconds: 120, MaximumRetryAttempts: 2 },
        DeadLetterConfig: { Arn: DLQ },
      },
    });
    expect(JSON.parse(body.Target.Input)).toEqual({
      cluster: 'prod-eu',
      namespace: 'test',
      name: 'podinfo',
      intervalMs: 120_000,
      scheduledTime: '<aws.scheduler.scheduled-time>',
      executionId: '<aws.scheduler.execution-id>',
      attempt: '<aws.scheduler.attempt-number>',
    });
  });

  it('is idempotent: creating or updating to the same definition writes nothing', async () => {
    await schedules.create({ canary, intervalMs: 60_000, enabled: false });
    fake.requests.length = 0;

    expect(await schedules.create({ canary, intervalMs: 60_000, enabled: false })).toBe('unchanged');
    expect(await schedules.update({ canary, intervalMs: 60_000, enabled: false })).toBe('unchanged');
    expect(await schedules.disable(canary)).toBe('unchanged');

    expect(fake.requests.map((r) => fake.operation(r))).toEqual(['CreateSchedule', 'GetSchedule', 'GetSchedule', 'GetSchedule']);
  });

  it('enables, changes the interval and disables, keeping the full definition', async () => {
    await schedules.create({ canary, intervalMs: 60_000, enabled: false });

    expect(await schedules.enable(canary)).toBe('updated');
    expect(await schedules.get(canary)).toEqual({ scheduleName: scheduleName(canary), canary, intervalMs: 60_000, enabled: true });
    expect(await schedules.update({ canary, intervalMs: 300_000, enabled: true })).toBe('updated');
    expect(await schedules.disable(canary)).toBe('updated');

    const stored = fake.schedules.get(`fledge/${scheduleName(canary)}`);
    expect(stored).toMatchObject({ State: 'DISABLED', ScheduleExpression: 'rate(5 minutes)', Target: { DeadLetterConfig: { Arn: DLQ } } });
    const update = fake.requests.filter((r) => fake.operation(r) === 'UpdateSchedule').at(-1);
    expect(JSON.parse(update?.body ?? '{}')).toMatchObject({ FlexibleTimeWindow: { Mode: 'OFF' }, Target: { RoleArn: ROLE } });
  });

  it('update creates a missing schedule; delete is idempotent', async () => {
    expect(await schedules.update({ canary, intervalMs: 60_000, enabled: true })).toBe('created');
    expect(await schedules.delete(canary)).toBe(true);
    expect(await schedules.delete(canary)).toBe(false);
    expect(await schedules.get(canary)).toBeUndefined();
  });

  it('says which schedule is missing when enabling one that does not exist', async () => {
    await expect(schedules.enable(canary)).rejects.toBeInstanceOf(ScheduleNotFoundError);
    await expect(schedules.enable(canary)).rejects.toThrow(`enable ${scheduleName(canary)}: no such schedule; create it first`);
  });

  it('lists the group across pages', async () => {
    for (let i = 0; i < 120; i++) await schedules.create({ canary: { ...canary, name: `app-${String(i).padStart(3, '0')}` }, intervalMs: 60_000, enabled: i % 2 === 0 });
    fake.requests.length = 0;

    const listed = await schedules.list();

    expect(listed).toHaveLength(120);
    expect(listed.filter((s) => s.enabled)).toHaveLength(60);
    expect(fake.requests.filter((r) => fake.operation(r) === 'ListSchedules').length).toBe(2);
    expect(fake.requests[0]?.query.get('ScheduleGroup')).toBe('fledge');
  });

  it('translates a Scheduler failure into a ScheduleError naming the operation, leaving the schedule as it was', async () => {
    await schedules.create({ canary, intervalMs: 60_000, enabled: false });
    fake.fail({ when: (r) => fake.operation(r) === 'UpdateSchedule', response: awsError(500, 'InternalServerException', 'try later') });

    const failure = schedules.enable(canary);

    await expect(failure).rejects.toBeInstanceOf(ScheduleError);
    await expect(failure).rejects.toThrow(`UpdateSchedule ${scheduleName(canary)}: InternalServerException: try later`);
    expect(fake.schedules.get(`fledge/${scheduleName(canary)}`)?.State).toBe('DISABLED');
  });

  it('builds a client given as a function once, on first use, and sends through it', async () => {
    let built = 0;
    const lazy = new EventBridgeSchedules({
      client: () => {
        built += 1;
        return new SchedulerClient(clientConfig(fake.endpoint));
      },
      groupName: 'fledge',
      targetArn: TARGET,
      roleArn: ROLE,
    });
    expect(built).toBe(0);

    await lazy.create({ canary, intervalMs: 60_000, enabled: false });
    await lazy.enable(canary);

    expect(built).toBe(1);
    expect(fake.schedules.get(`fledge/${scheduleName(canary)}`)?.State).toBe('ENABLED');
  });

  it('refuses construction without the target, naming the field', () => {
    expect(() => new EventBridgeSchedules({ client: new SchedulerClient({}), groupName: 'fledge', targetArn: '', roleArn: ROLE })).toThrow(
      'targetArn: expected a non-empty string, got ""',
    );
  });
});

describe('SchedulerPlayer', () => {
  it('delivers the input with the context attributes substituted, at least once, retrying failures', async () => {
    await schedules.create({ canary, intervalMs: 60_000, enabled: true });
    await schedules.create({ canary: { ...canary, name: 'idle' }, intervalMs: 60_000, enabled: false });
    let failuresLeft = 1;
    const received: Record<string, unknown>[] = [];
    const player = new SchedulerPlayer(fake, async (event) => {
      received.push(event);
      if (failuresLeft-- > 0) throw new Error('cold start timeout');
    }, { duplicates: 1 });

    await player.fire(new Date('2026-01-01T00:05:00Z'));

    expect(received.map((e) => [e['name'], e['scheduledTime'], e['attempt']])).toEqual([
      ['podinfo', '2026-01-01T00:05:00Z', '1'],
      ['podinfo', '2026-01-01T00:05:00Z', '1'],
    ]);
    expect(received[0]?.['executionId']).toBe(received[1]?.['executionId']);
    failuresLeft = 2;
    received.length = 0;
    await player.fire(new Date('2026-01-01T00:06:00Z'));
    expect(received.map((e) => e['attempt'])).toEqual(['1', '1', '2']);
  });
});
