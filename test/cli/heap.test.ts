import { describe, expect, it } from 'vitest';
import { heapGuard } from '../../cli/heap.ts';

describe('heapGuard', () => {
  it('collects garbage once the used heap passes its limit, and not before', () => {
    // About 30 MB made unreachable at once.
    const kept: number[][][] = [Array.from({ length: 200 }, () => Array.from({ length: 20_000 }, (_, i) => i))];
    kept.pop();
    const before = process.memoryUsage().heapUsed;

    heapGuard(Number.MAX_SAFE_INTEGER)();
    const untouched = process.memoryUsage().heapUsed;
    heapGuard(before - 1)();
    const after = process.memoryUsage().heapUsed;

    expect(kept).toEqual([]);
    expect(untouched).toBeGreaterThan(before - 8 * 2 ** 20);
    expect(after).toBeLessThan(untouched - 16 * 2 ** 20);
  });
});
