/** The invocation's time left, carried through async calls: each concurrent invocation sees its own. */
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { timeLeftMs, withTimeLeft } from '../../shared/time-left.ts';

describe('withTimeLeft', () => {
  it('gives each of two concurrent invocations its own time left across awaits, and none outside', async () => {
    const seen = async (): Promise<Array<number | undefined>> => {
      const first = timeLeftMs();
      await sleep(5);
      await Promise.resolve();
      return [first, timeLeftMs()];
    };

    const [a, b] = await Promise.all([withTimeLeft(() => 1_000, seen), withTimeLeft(() => 2_000, seen)]);

    expect(a).toEqual([1_000, 1_000]);
    expect(b).toEqual([2_000, 2_000]);
    expect(timeLeftMs()).toBeUndefined();
  });

  it('asks the function each time, so the time left shrinks as the invocation runs', async () => {
    let left = 900;
    const readings = await withTimeLeft(
      () => left,
      async () => {
        const before = timeLeftMs();
        left = 400;
        return [before, timeLeftMs()];
      },
    );

    expect(readings).toEqual([900, 400]);
  });
});
