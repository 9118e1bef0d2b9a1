/** Small statistics helpers of the bench. */

/** The `p`th percentile (0–100) of `samples` by nearest rank; 0 for no samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return 0;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] as number;
}

/** The median of `samples`; 0 for no samples. */
export function median(samples: readonly number[]): number {
  return percentile(samples, 50);
}
