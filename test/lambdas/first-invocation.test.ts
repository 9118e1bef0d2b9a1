/** A handler built on its first invocation, once per container. */
import { describe, expect, it } from 'vitest';
import { onFirstInvocation } from '../../lambdas/runtime/first-invocation.ts';

describe('onFirstInvocation', () => {
  it('builds nothing until the first event, then builds once and reuses the handler', async () => {
    let builds = 0;
    const handler = onFirstInvocation(() => {
      builds += 1;
      const made = builds;
      return async (event: number, context: string) => `${context}:${event}:built ${made}`;
    });
    expect(builds).toBe(0);

    expect(await handler(1, 'a')).toBe('a:1:built 1');
    expect(await handler(2, 'b')).toBe('b:2:built 1');
    expect(builds).toBe(1);
  });

  it('tries a build that failed again on the next event, and the failed event is rejected with its error', async () => {
    let attempts = 0;
    const handler = onFirstInvocation(() => {
      attempts += 1;
      if (attempts === 1) throw new Error('DescribeCluster failed');
      return async (event: string) => event;
    });

    await expect(handler('first', undefined)).rejects.toThrow('DescribeCluster failed');
    expect(await handler('second', undefined)).toBe('second');
    expect(attempts).toBe(2);
  });
});
