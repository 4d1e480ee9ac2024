// Pure statistics over samples of milliseconds.

/** Percentile by nearest rank of an ascending array; NaN when empty. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export function sortedCopy(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values).sort();
}

export function median(values: ArrayLike<number>): number {
  return percentile(sortedCopy(values), 50);
}

/** Growth from the first to the last value, in percent of the first. */
export function growthPct(first: number, last: number): number {
  return first > 0 ? ((last - first) / first) * 100 : NaN;
}

/** Throughput and latency of one load window from its answered calls' latencies (ascending). */
export function windowFigures(sorted: ArrayLike<number>, ok: number, durationS: number) {
  let sum = 0;
  for (let i = 0; i < sorted.length; i++) sum += sorted[i];
  return { rps: ok / durationS, p50Ms: percentile(sorted, 50), p90Ms: percentile(sorted, 90), p99Ms: percentile(sorted, 99), meanMs: ok > 0 ? sum / ok : NaN };
}
