import {
  CreateScheduleCommand,
  DeleteScheduleCommand,
  GetScheduleCommand,
  paginateListSchedules,
  UpdateScheduleCommand,
  type CreateScheduleCommandInput,
  type GetScheduleCommandOutput,
  type SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { ScheduleError, ScheduleNotFoundError } from './errors.ts';
import { assertInterval, parseTargetInput, rateExpression, scheduleName, targetInput } from './names.ts';
import type { ScheduleChange, ScheduledCanary, SchedulePort, ScheduleSpec, ScheduleSummary, ScheduleView } from './types.ts';

/** Options of {@link EventBridgeSchedules}. */
export interface EventBridgeSchedulesProps {
  /**
   * A client to share across invocations (one per Lambda container), or a function building it on first use
   * (a Lambda's init then does not pay for it).
   */
  readonly client: SchedulerClient | (() => SchedulerClient);
  /** The deployment's schedule group; every canary's schedule lives in it. */
  readonly groupName: string;
  /** The advance Lambda's ARN. */
  readonly targetArn: string;
  /** The role Scheduler assumes to invoke the target. */
  readonly roleArn: string;
  /** Where firings go that exhaust their retries (an SQS queue ARN). @default none */
  readonly deadLetterArn?: string;
  /** Scheduler's retries of a failed delivery. @default 2 */
  readonly maximumRetryAttempts?: number;
}

type Definition = CreateScheduleCommandInput;

/**
 * The schedule port on EventBridge Scheduler. Schedules have deterministic names (`scheduleName`), a flexible
 * window of OFF (a step is due at its time, not within a window), a retry policy whose maximum event age is
 * one interval (a retry older than that would only be a stale step) and, when configured, a dead-letter queue.
 * Scheduler's `UpdateSchedule` replaces the whole definition, so every write sends the full definition.
 * @example
 * const schedules = new EventBridgeSchedules({ client: new SchedulerClient({}), groupName: 'fledge', targetArn, roleArn });
 * await schedules.create({ canary: { cluster: 'prod', namespace: 'test', name: 'podinfo' }, intervalMs: 60_000, enabled: false });
 */
export class EventBridgeSchedules implements SchedulePort {
  readonly #props: EventBridgeSchedulesProps;
  #built: SchedulerClient | undefined;

  constructor(props: EventBridgeSchedulesProps) {
    for (const field of ['groupName', 'targetArn', 'roleArn'] as const) {
      if (typeof props[field] !== 'string' || props[field] === '') {
        throw new ScheduleError('EventBridgeSchedules', `${field}: expected a non-empty string, got ${JSON.stringify(props[field])}`);
      }
    }
    this.#props = props;
  }

  #client(): SchedulerClient {
    const { client } = this.#props;
    return typeof client === 'function' ? (this.#built ??= client()) : client;
  }

  async create(spec: ScheduleSpec): Promise<ScheduleChange> {
    const definition = this.#definition(spec);
    try {
      await this.#client().send(new CreateScheduleCommand(definition));
      return 'created';
    } catch (error) {
      if (errorName(error) !== 'ConflictException') throw translate(`CreateSchedule ${definition.Name}`, error);
    }
    return this.update(spec);
  }

  async update(spec: ScheduleSpec): Promise<ScheduleChange> {
    const definition = this.#definition(spec);
    const current = await this.#get(definition.Name as string);
    if (current === undefined) return this.create(spec);
    if (sameDefinition(current, definition)) return 'unchanged';
    await this.#send(`UpdateSchedule ${definition.Name}`, () => this.#client().send(new UpdateScheduleCommand(definition)));
    return 'updated';
  }

  enable(canary: ScheduledCanary): Promise<ScheduleChange> {
    return this.#setEnabled(canary, true);
  }

  disable(canary: ScheduledCanary): Promise<ScheduleChange> {
    return this.#setEnabled(canary, false);
  }

  async delete(canary: ScheduledCanary): Promise<boolean> {
    const name = scheduleName(canary);
    try {
      await this.#client().send(new DeleteScheduleCommand({ Name: name, GroupName: this.#props.groupName }));
      return true;
    } catch (error) {
      if (errorName(error) === 'ResourceNotFoundException') return false;
      throw translate(`DeleteSchedule ${name}`, error);
    }
  }

  async get(canary: ScheduledCanary): Promise<ScheduleView | undefined> {
    const name = scheduleName(canary);
    const current = await this.#get(name);
    if (current === undefined) return undefined;
    const input = parseTargetInput(current.Target?.Input);
    if (input === undefined) throw new ScheduleError(`GetSchedule ${name}`, 'the schedule carries no Fledge target input; was it written by something else?');
    return { scheduleName: name, canary: input.canary, intervalMs: input.intervalMs, enabled: current.State === 'ENABLED' };
  }

  async list(): Promise<ScheduleSummary[]> {
    const out: ScheduleSummary[] = [];
    try {
      for await (const page of paginateListSchedules({ client: this.#client() }, { GroupName: this.#props.groupName })) {
        for (const schedule of page.Schedules ?? []) {
          if (schedule.Name !== undefined) out.push({ scheduleName: schedule.Name, enabled: schedule.State === 'ENABLED' });
        }
      }
    } catch (error) {
      throw translate(`ListSchedules ${this.#props.groupName}`, error);
    }
    return out.sort((a, b) => a.scheduleName.localeCompare(b.scheduleName));
  }

  async #setEnabled(canary: ScheduledCanary, enabled: boolean): Promise<ScheduleChange> {
    const name = scheduleName(canary);
    const current = await this.#get(name);
    const input = parseTargetInput(current?.Target?.Input);
    if (current === undefined || input === undefined) throw new ScheduleNotFoundError(`${enabled ? 'enable' : 'disable'} ${name}`);
    if ((current.State === 'ENABLED') === enabled) return 'unchanged';
    const definition = this.#definition({ canary, intervalMs: input.intervalMs, enabled });
    try {
      await this.#client().send(new UpdateScheduleCommand(definition));
    } catch (error) {
      if (errorName(error) === 'ResourceNotFoundException') throw new ScheduleNotFoundError(`UpdateSchedule ${name}`, { cause: error });
      throw translate(`UpdateSchedule ${name}`, error);
    }
    return 'updated';
  }

  async #get(name: string): Promise<GetScheduleCommandOutput | undefined> {
    try {
      return await this.#client().send(new GetScheduleCommand({ Name: name, GroupName: this.#props.groupName }));
    } catch (error) {
      if (errorName(error) === 'ResourceNotFoundException') return undefined;
      throw translate(`GetSchedule ${name}`, error);
    }
  }

  async #send<T>(operation: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw translate(operation, error);
    }
  }

  #definition(spec: ScheduleSpec): Definition {
    assertInterval(spec.intervalMs);
    const { cluster, namespace, name } = spec.canary;
    return {
      Name: scheduleName(spec.canary),
      GroupName: this.#props.groupName,
      ScheduleExpression: rateExpression(spec.intervalMs),
      FlexibleTimeWindow: { Mode: 'OFF' },
      State: spec.enabled ? 'ENABLED' : 'DISABLED',
      Description: `Fledge analysis of Canary ${namespace}/${name} in cluster ${cluster}`.slice(0, 512),
      Target: {
        Arn: this.#props.targetArn,
        RoleArn: this.#props.roleArn,
        Input: targetInput(spec),
        RetryPolicy: {
          // Scheduler accepts 60–86400 s; past one interval a retry would be a stale step.
          MaximumEventAgeInSeconds: Math.min(86_400, Math.max(60, Math.round(spec.intervalMs / 1000))),
          MaximumRetryAttempts: this.#props.maximumRetryAttempts ?? 2,
        },
        ...(this.#props.deadLetterArn ? { DeadLetterConfig: { Arn: this.#props.deadLetterArn } } : {}),
      },
    };
  }
}

/** Whether the stored schedule already says what `wanted` says (so an update would change nothing). */
function sameDefinition(current: GetScheduleCommandOutput, wanted: Definition): boolean {
  const target = current.Target;
  return (
    current.ScheduleExpression === wanted.ScheduleExpression &&
    current.State === wanted.State &&
    current.FlexibleTimeWindow?.Mode === wanted.FlexibleTimeWindow?.Mode &&
    target?.Arn === wanted.Target?.Arn &&
    target?.RoleArn === wanted.Target?.RoleArn &&
    target?.Input === wanted.Target?.Input &&
    target?.DeadLetterConfig?.Arn === wanted.Target?.DeadLetterConfig?.Arn &&
    target?.RetryPolicy?.MaximumEventAgeInSeconds === wanted.Target?.RetryPolicy?.MaximumEventAgeInSeconds &&
    target?.RetryPolicy?.MaximumRetryAttempts === wanted.Target?.RetryPolicy?.MaximumRetryAttempts
  );
}

function errorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

function translate(operation: string, error: unknown): ScheduleError {
  if (error instanceof ScheduleError) return error;
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new ScheduleError(operation, message, { cause: error });
}
