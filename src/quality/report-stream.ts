/**
 * A stream of call-quality reports made by polling `getStats()` at a fixed interval.
 *
 * @packageDocumentation
 */
import {
  asyncScheduler,
  catchError,
  defer,
  EMPTY,
  exhaustMap,
  interval,
  map,
  take,
  takeUntil,
  type Observable,
  type ObservableInput,
  type SchedulerLike,
} from 'rxjs';
import type { StatsReportLike } from '../../machines/port';
import { QualityReporter, type CallQualityReport } from './report';
import type { EModelConstants } from './mos';
import type { QualityWarningOptions } from './warnings';

/** The report interval used when none is given: 3 s. */
export const DEFAULT_QUALITY_REPORT_INTERVAL_MS = 3000;

/** Options of {@link qualityReports$}. */
export interface QualityReportStreamOptions {
  /** Time between polls, in ms ({@link DEFAULT_QUALITY_REPORT_INTERVAL_MS}). */
  readonly intervalMs?: number;
  /**
   * Scheduler of the polls; its `now()` also stamps each report's `at` (`asyncScheduler` by default,
   * so `setInterval` and `Date.now`: Jest fake timers drive it).
   */
  readonly scheduler?: SchedulerLike;
  /** The stream completes when this emits (for example the call ending). Without it, unsubscribe to stop. */
  readonly until$?: Observable<unknown>;
  /**
   * Asked at each report whether audio should be arriving (the call is confirmed and not on hold);
   * `no-audio-received` is only judged while it returns `true`. Always `true` by default.
   */
  readonly audioExpected?: () => boolean;
  /** Asked at each report whether the far end's video should be arriving; the video warnings need it. `false` by default. */
  readonly videoExpected?: () => boolean;
  /** Called with the reason when a poll fails; that poll is skipped and the stream goes on. */
  readonly onStatsError?: (error: unknown) => void;
  /** Thresholds and hysteresis of the warnings. */
  readonly warnings?: QualityWarningOptions;
  /** E-model constants for the MOS (Twilio's variant by default). */
  readonly mosConstants?: EModelConstants;
}

/**
 * Poll `getStats()` every `intervalMs` and emit a {@link CallQualityReport} for each answer.
 *
 * - The first poll happens at the first tick, `intervalMs` after subscribing, and its report has no
 *   deltas and no MOS; from the second report on, figures cover the time since the previous report.
 * - A poll still pending when the next tick comes makes that tick be skipped (no overlapping polls).
 * - A poll that fails (rejects, throws or completes empty) is skipped; the stream goes on, and the
 *   next report is measured against the last successful one.
 * - The stream is cold: each subscriber polls on its own with its own warning state; share it to fan out.
 * - It completes when `until$` emits; a poll pending at that moment is abandoned.
 *
 * @param getStats - a call port's `getStats`, or anything returning a promise or observable of a report.
 * @throws RangeError (on call) when `intervalMs` is not a positive finite number.
 */
export function qualityReports$(
  getStats: () => ObservableInput<StatsReportLike>,
  options: QualityReportStreamOptions = {},
): Observable<CallQualityReport> {
  const intervalMs = options.intervalMs ?? DEFAULT_QUALITY_REPORT_INTERVAL_MS;
  if (!(Number.isFinite(intervalMs) && intervalMs > 0)) {
    throw new RangeError(`intervalMs must be a positive number of milliseconds, got ${intervalMs}`);
  }
  const scheduler = options.scheduler ?? asyncScheduler;
  const audioExpected = options.audioExpected ?? (() => true);
  const videoExpected = options.videoExpected ?? (() => false);

  const reports$ = defer(() => {
    const reporter = new QualityReporter({
      warnings: options.warnings,
      mosConstants: options.mosConstants,
      now: () => scheduler.now(),
    });
    const poll = (): Observable<StatsReportLike> =>
      defer(getStats).pipe(
        take(1),
        catchError((error: unknown) => {
          options.onStatsError?.(error);
          return EMPTY;
        }),
      );
    return interval(intervalMs, scheduler).pipe(
      exhaustMap(poll),
      map((stats) => reporter.next(stats, { audioExpected: audioExpected(), videoExpected: videoExpected() })),
    );
  });
  return options.until$ ? reports$.pipe(takeUntil(options.until$)) : reports$;
}
