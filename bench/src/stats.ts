/** Small statistics over samples. NaN-free inputs are the caller's business. */

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** Nearest-rank percentile (p in 0..100) of unsorted values; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

export function sum(values: readonly number[]): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}

/** The lag and the lateness from the call of many calls' updates, ms (figure 3, H2). */
export interface UpdateTimings {
  /** Lag: receipt − the server's timestamp at its `yield`, over every update. */
  p50: number;
  p99: number;
  /**
   * Lateness from the call: receipt − (the call's send time + i × interval) for update i, over
   * every update. Unlike the lag it charges a server for work it queues before its `yield`.
   */
  lateP50: number;
  lateP99: number;
}

/** {@link UpdateTimings} over the updates of every call. */
export function updateTimings(outcomes: ReadonlyArray<{ lagsMs: number[]; lateMs: number[] }>): UpdateTimings {
  const lags = outcomes.flatMap((o) => o.lagsMs);
  const late = outcomes.flatMap((o) => o.lateMs);
  return { p50: percentile(lags, 50), p99: percentile(lags, 99), lateP50: percentile(late, 50), lateP99: percentile(late, 99) };
}
