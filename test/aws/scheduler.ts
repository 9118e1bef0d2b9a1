/**
 * A fake EventBridge Scheduler answering the REST-JSON shapes of CreateSchedule (POST /schedules/{Name}),
 * UpdateSchedule (PUT), GetSchedule (GET ?groupName=), DeleteSchedule (DELETE ?groupName=) and ListSchedules
 * (GET /schedules?ScheduleGroup=&NamePrefix=&State=&MaxResults=&NextToken=), with ConflictException,
 * ResourceNotFoundException and ValidationException where Scheduler answers them. It keeps the schedules.
 */
import { awsError, startFakeServer, type FakeResponse, type FakeServer, type RecordedRequest } from './server.ts';

/** A stored schedule, as GetSchedule returns it. */
export interface StoredSchedule {
  readonly Name: string;
  readonly GroupName: string;
  readonly Arn: string;
  ScheduleExpression: string;
  State: 'ENABLED' | 'DISABLED';
  FlexibleTimeWindow: { Mode: string; MaximumWindowInMinutes?: number };
  Target: {
    Arn: string;
    RoleArn: string;
    Input?: string;
    RetryPolicy?: { MaximumEventAgeInSeconds?: number; MaximumRetryAttempts?: number };
    DeadLetterConfig?: { Arn?: string };
  };
  Description?: string;
  CreationDate: number;
  LastModificationDate: number;
}

/** The running fake and its state. */
export interface FakeScheduler extends FakeServer {
  /** Schedules by `group/name`. */
  readonly schedules: Map<string, StoredSchedule>;
  /** The Scheduler operation a recorded request was. */
  operation(request: RecordedRequest): string;
}

const NAME = /^[0-9a-zA-Z_.-]{1,64}$/;
const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;

export async function startFakeScheduler(options: { account?: string; region?: string; now?: () => number } = {}): Promise<FakeScheduler> {
  const schedules = new Map<string, StoredSchedule>();
  const account = options.account ?? '123456789012';
  const region = options.region ?? 'eu-west-1';
  const now = options.now ?? (() => Date.now());

  function handle(request: RecordedRequest): FakeResponse {
    const match = /^\/schedules(?:\/(.+))?$/.exec(request.path);
    if (!match) return awsError(404, 'ResourceNotFoundException', `no route ${request.method} ${request.path}`);
    const name = match[1];
    if (name === undefined) return list(request);
    if (!NAME.test(name)) return awsError(400, 'ValidationException', `1 validation error detected: Value '${name}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [0-9a-zA-Z-_.]+ and length <= 64`);
    const body = request.body === '' ? {} : (JSON.parse(request.body) as Record<string, unknown>);
    const group = request.method === 'POST' || request.method === 'PUT' ? String(body['GroupName'] ?? 'default') : request.query.get('groupName') ?? 'default';
    const key = `${group}/${name}`;
    const existing = schedules.get(key);
    switch (request.method) {
      case 'POST': {
        if (existing) return awsError(409, 'ConflictException', `Schedule ${name} already exists.`);
        const invalid = validate(body);
        if (invalid) return invalid;
        const created = stored(name, group, body, now() / 1000);
        schedules.set(key, created);
        return { status: 200, body: { ScheduleArn: created.Arn } };
      }
      case 'PUT': {
        if (!existing) return awsError(404, 'ResourceNotFoundException', `Schedule ${name} does not exist.`);
        const invalid = validate(body);
        if (invalid) return invalid;
        schedules.set(key, stored(name, group, body, existing.CreationDate));
        return { status: 200, body: { ScheduleArn: existing.Arn } };
      }
      case 'GET':
        if (!existing) return awsError(404, 'ResourceNotFoundException', `Schedule ${name} does not exist.`);
        return { status: 200, body: existing };
      case 'DELETE':
        if (!existing) return awsError(404, 'ResourceNotFoundException', `Schedule ${name} does not exist.`);
        schedules.delete(key);
        return { status: 200, body: {} };
      default:
        return awsError(405, 'ValidationException', `method ${request.method}`);
    }
  }

  function stored(name: string, group: string, body: Record<string, unknown>, createdSeconds: number): StoredSchedule {
    return {
      Name: name,
      GroupName: group,
      Arn: `arn:aws:scheduler:${region}:${account}:schedule/${group}/${name}`,
      ScheduleExpression: String(body['ScheduleExpression']),
      State: body['State'] === 'DISABLED' ? 'DISABLED' : 'ENABLED',
      FlexibleTimeWindow: body['FlexibleTimeWindow'] as StoredSchedule['FlexibleTimeWindow'],
      Target: body['Target'] as StoredSchedule['Target'],
      ...(typeof body['Description'] === 'string' ? { Description: body['Description'] } : {}),
      CreationDate: createdSeconds,
      LastModificationDate: now() / 1000,
    };
  }

  function validate(body: Record<string, unknown>): FakeResponse | undefined {
    const expression = String(body['ScheduleExpression'] ?? '');
    const rate = RATE.exec(expression);
    // Scheduler wants the singular unit for 1 and the plural otherwise.
    const plural = rate !== null && String(rate[2]).endsWith('s');
    if (rate === null || rate[1] === '0' || (rate[1] === '1') === plural) {
      return awsError(400, 'ValidationException', `Invalid Schedule Expression ${expression}.`);
    }
    const window = body['FlexibleTimeWindow'] as { Mode?: string } | undefined;
    if (window?.Mode !== 'OFF' && window?.Mode !== 'FLEXIBLE') return awsError(400, 'ValidationException', 'FlexibleTimeWindow.Mode is required.');
    const target = body['Target'] as { Arn?: string; RoleArn?: string } | undefined;
    if (!target?.Arn || !target.RoleArn) return awsError(400, 'ValidationException', 'Target.Arn and Target.RoleArn are required.');
    return undefined;
  }

  function list(request: RecordedRequest): FakeResponse {
    const group = request.query.get('ScheduleGroup');
    const prefix = request.query.get('NamePrefix') ?? '';
    const state = request.query.get('State');
    const max = Number(request.query.get('MaxResults') ?? 100);
    const start = Number(request.query.get('NextToken') ?? 0);
    const matching = [...schedules.values()]
      .filter((s) => (group === null || s.GroupName === group) && s.Name.startsWith(prefix) && (state === null || s.State === state))
      .sort((a, b) => a.Name.localeCompare(b.Name));
    const page = matching.slice(start, start + max);
    const next = start + max < matching.length ? String(start + max) : undefined;
    return {
      status: 200,
      body: {
        Schedules: page.map((s) => ({ Arn: s.Arn, Name: s.Name, GroupName: s.GroupName, State: s.State, CreationDate: s.CreationDate, LastModificationDate: s.LastModificationDate, Target: { Arn: s.Target.Arn } })),
        ...(next ? { NextToken: next } : {}),
      },
    };
  }

  const server = await startFakeServer(handle);
  return {
    ...server,
    schedules,
    operation: (request) => {
      if (request.path === '/schedules') return 'ListSchedules';
      return ({ POST: 'CreateSchedule', PUT: 'UpdateSchedule', GET: 'GetSchedule', DELETE: 'DeleteSchedule' } as Record<string, string>)[request.method] ?? 'Unknown';
    },
  };
}
