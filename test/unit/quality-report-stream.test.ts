import { Subject, VirtualTimeScheduler, of, take, map, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import type { StatsReportLike } from '../../machines/port';
import type { CallQualityReport } from '../../src/quality/report';
import { DEFAULT_QUALITY_REPORT_INTERVAL_MS, qualityReports$ } from '../../src/quality/report-stream';
import { THREE_SECONDS_IN, chromiumAudioStats } from '../fixtures/chromium-audio-stats';

const T0 = THREE_SECONDS_IN.timestamp;

/** The i-th stats report of a call where 150 packets arrive every 3 s. */
function statsAt(i: number): StatsReportLike {
  return chromiumAudioStats({
    timestamp: T0 + i * 3000,
    packetsReceived: 150 * (i + 1),
    bytesReceived: 12_000 * (i + 1),
    packetsSent: 150 * (i + 1),
    bytesSent: 12_000 * (i + 1),
  });
}

/** A getStats that answers with the next report of the call on each call. */
function callStats(): { getStats: () => Promise<StatsReportLike>; calls: () => number } {
  let count = 0;
  return { getStats: () => Promise.resolve(statsAt(count++)), calls: () => count };
}

function collect(stream: Observable<CallQualityReport>): { reports: CallQualityReport[]; done: () => boolean; stop: () => void } {
  const reports: CallQualityReport[] = [];
  let completed = false;
  const subscription = stream.subscribe({ next: (r) => reports.push(r), complete: () => (completed = true) });
  return { reports, done: () => completed, stop: () => subscription.unsubscribe() };
}

describe('qualityReports$ under Jest fake timers', () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: 1_700_000_000_000 });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('polls every 3 s by default, the first report at the first tick', async () => {
    expect(DEFAULT_QUALITY_REPORT_INTERVAL_MS).toBe(3000);
    const { getStats, calls } = callStats();
    const { reports, stop } = collect(qualityReports$(getStats));

    await jest.advanceTimersByTimeAsync(2999);
    expect(calls()).toBe(0);
    expect(reports).toHaveLength(0);

    await jest.advanceTimersByTimeAsync(1);
    expect(reports).toHaveLength(1);
    expect(reports[0]!.at).toBe(1_700_000_003_000);
    expect(reports[0]!.mos).toBeNull();

    await jest.advanceTimersByTimeAsync(6000);
    expect(reports.map((r) => r.at)).toEqual([1_700_000_003_000, 1_700_000_006_000, 1_700_000_009_000]);
    expect(reports[1]!.packetsReceived).toBe(150);
    expect(reports[1]!.mos).not.toBeNull();
    stop();
  });

  it('takes a configurable interval', async () => {
    const { getStats } = callStats();
    const { reports, stop } = collect(qualityReports$(getStats, { intervalMs: 1000 }));
    await jest.advanceTimersByTimeAsync(5000);
    expect(reports).toHaveLength(5);
    stop();
  });

  it('skips a tick whose getStats rejects and carries on', async () => {
    let count = 0;
    const errors: unknown[] = [];
    const getStats = (): Promise<StatsReportLike> => {
      const i = count++;
      return i === 1 ? Promise.reject(new Error('pc closed for a moment')) : Promise.resolve(statsAt(i));
    };
    const { reports, done, stop } = collect(qualityReports$(getStats, { onStatsError: (e) => errors.push(e) }));

    await jest.advanceTimersByTimeAsync(9000);
    expect(reports.map((r) => r.at - 1_700_000_000_000)).toEqual([3000, 9000]);
    // measured against the last report that succeeded: 6 s of traffic
    expect(reports[1]!.intervalMs).toBe(6000);
    expect(reports[1]!.packetsReceived).toBe(300);
    expect(errors).toEqual([new Error('pc closed for a moment')]);
    expect(done()).toBe(false);
    stop();
  });

  it('survives a getStats that throws instead of rejecting', async () => {
    let count = 0;
    const getStats = (): Promise<StatsReportLike> => {
      if (count++ === 0) throw new Error('no peer connection yet');
      return Promise.resolve(statsAt(count));
    };
    const { reports, stop } = collect(qualityReports$(getStats));
    await jest.advanceTimersByTimeAsync(6000);
    expect(reports).toHaveLength(1);
    stop();
  });

  it('does not start a poll while the previous one is pending', async () => {
    const pending: Array<(stats: StatsReportLike) => void> = [];
    const getStats = (): Promise<StatsReportLike> => new Promise((resolve) => pending.push(resolve));
    const { reports, stop } = collect(qualityReports$(getStats));

    await jest.advanceTimersByTimeAsync(6000);
    expect(pending).toHaveLength(1);
    pending[0]!(statsAt(0));
    await jest.advanceTimersByTimeAsync(1000);
    expect(reports.map((r) => r.at - 1_700_000_000_000)).toEqual([6000]);

    await jest.advanceTimersByTimeAsync(2000);
    expect(pending).toHaveLength(2);
    stop();
  });

  it('completes when until$ emits and ignores a poll still pending', async () => {
    const until$ = new Subject<void>();
    const pending: Array<(stats: StatsReportLike) => void> = [];
    const getStats = (): Promise<StatsReportLike> => new Promise((resolve) => pending.push(resolve));
    const { reports, done } = collect(qualityReports$(getStats, { until$ }));

    await jest.advanceTimersByTimeAsync(3000);
    until$.next();
    expect(done()).toBe(true);
    pending[0]!(statsAt(0));
    await jest.advanceTimersByTimeAsync(6000);
    expect(reports).toHaveLength(0);
    expect(pending).toHaveLength(1);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('stops polling on unsubscribe', async () => {
    const { getStats, calls } = callStats();
    const { stop } = collect(qualityReports$(getStats));
    await jest.advanceTimersByTimeAsync(3000);
    stop();
    await jest.advanceTimersByTimeAsync(30_000);
    expect(calls()).toBe(1);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('asks at each report whether audio is expected', async () => {
    let held = true;
    const silent = (): Promise<StatsReportLike> => Promise.resolve(chromiumAudioStats({ timestamp: Date.now() }));
    const { reports, stop } = collect(qualityReports$(silent, { audioExpected: () => !held }));
    await jest.advanceTimersByTimeAsync(9000);
    expect(reports.flatMap((r) => r.warnings)).toEqual([]);
    held = false;
    await jest.advanceTimersByTimeAsync(6000);
    expect(reports.at(-1)!.warnings.map((w) => w.name)).toEqual(['no-audio-received']);
    stop();
  });

  it('rejects an interval that is not a positive number', () => {
    expect(() => qualityReports$(callStats().getStats, { intervalMs: 0 })).toThrow(RangeError);
    expect(() => qualityReports$(callStats().getStats, { intervalMs: Number.NaN })).toThrow(RangeError);
  });
});

describe('qualityReports$ on virtual time', () => {
  it('emits every 3 s under a TestScheduler and completes with until$', () => {
    const testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    testScheduler.run(({ cold, expectObservable }) => {
      let count = 0;
      const getStats = () => of(statsAt(count++));
      const reports$ = qualityReports$(getStats, { until$: cold('10s x') });
      expectObservable(reports$.pipe(map((r) => [r.at, r.packetsReceived]))).toBe('3s a 2999ms b 2999ms c 999ms |', {
        a: [3000, null],
        b: [6000, 150],
        c: [9000, 150],
      });
    });
  });

  it('skips a failed poll under a TestScheduler', () => {
    const testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    testScheduler.run(({ cold, expectObservable }) => {
      let count = 0;
      const getStats = () => {
        const i = count++;
        return i === 1 ? cold<StatsReportLike>('-#', undefined, new Error('getStats failed')) : cold('-a|', { a: statsAt(i) });
      };
      const reports$ = qualityReports$(getStats, { intervalMs: 1000, until$: cold('4s x') });
      expectObservable(reports$.pipe(map((r) => r.at))).toBe('1001ms a 1999ms b 998ms |', { a: 1001, b: 3001 });
    });
  });

  it('runs on an injected VirtualTimeScheduler, whose clock stamps the reports', () => {
    const scheduler = new VirtualTimeScheduler();
    let count = 0;
    const at: number[] = [];
    qualityReports$(() => of(statsAt(count++)), { scheduler, intervalMs: 2000 })
      .pipe(take(3))
      .subscribe((r) => at.push(r.at));
    scheduler.flush();
    expect(at).toEqual([2000, 4000, 6000]);
  });
});
