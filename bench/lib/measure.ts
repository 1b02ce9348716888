/** Shared helpers of the benchmarks: percentiles, the result format, the quick flag. */
import { performance } from 'perf_hooks';

export const QUICK = process.argv.includes('--quick');
export const now = (): number => performance.now();

/** p50/p95 (nearest rank) of a list of samples, in the samples' unit. */
export interface Summary {
  readonly n: number;
  readonly p50: number;
  readonly p95: number;
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!);
  return { n: sorted.length, p50: at(0.5), p95: at(0.95) };
}

/** One line of the table: a measure, its baseline from the same run, the ratio, the target. */
export interface Row {
  readonly measure: string;
  readonly unit: string;
  readonly p50: number | null;
  readonly p95: number | null;
  readonly n?: number;
  readonly baseline: string | null;
  readonly baselineP50: number | null;
  readonly baselineP95: number | null;
  /** measure / baseline (p50), or the figure / target when the target is the baseline. */
  readonly ratio: number | null;
  readonly target: string | null;
  /** null when there is no target for this row. */
  readonly met: boolean | null;
}

export interface BenchResult {
  readonly id: string;
  readonly title: string;
  readonly rows: Row[];
  readonly notes: string[];
  readonly skipped?: string;
}

export function row(partial: Partial<Row> & Pick<Row, 'measure' | 'unit'>): Row {
  return {
    p50: null,
    p95: null,
    baseline: null,
    baselineP50: null,
    baselineP95: null,
    ratio: null,
    target: null,
    met: null,
    ...partial,
  };
}

/** A child process hands its result to the runner on one marked stdout line. */
export function report(result: BenchResult): void {
  process.stdout.write(`\nBENCH_RESULT ${JSON.stringify(result)}\n`);
}

export function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (!g) throw new Error('run with --expose-gc (npm run bench does)');
  g();
  g();
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Microseconds from milliseconds. */
export const us = (ms: number): number => ms * 1000;
