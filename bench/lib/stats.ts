// Percentiles and fixed-width lines for the bench scripts' output.

/** Nearest-rank percentile (p in 0..100) of `values`; NaN when empty. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function ms(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(2).padStart(8)} ms` : '       - ms';
}

export function p50p99(label: string, values: number[]): string {
  return `${label.padEnd(22)} p50 ${ms(percentile(values, 50))}   p99 ${ms(percentile(values, 99))}`;
}

export function mib(kb: number): string {
  return Number.isFinite(kb) ? `${(kb / 1024).toFixed(1).padStart(7)} MiB` : '      - MiB';
}

/** Milliseconds `fn` took. */
export async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** Runs `fn` over `items`, at most `limit` at a time. */
export async function inBatches<T>(items: T[], limit: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
