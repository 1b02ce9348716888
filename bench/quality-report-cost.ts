/**
 * 4. Quality report cost, from real `getStats()` reports captured from @roamhq/wrtc during a call
 * (bench/fixtures/wrtc-audio-call-stats.json; `npm run bench:capture-stats` re-captures it).
 * - One report (deltas, MOS, warnings: `QualityReporter.next`), each report of the fixture fed in
 *   order to a fresh reporter per pass (the first report of a pass, which has no deltas, is not
 *   counted). Target ≤ 100 µs p50.
 * - CPU for 1,000 calls reporting every 3 s: 1,000 reporters each take the next report, timed with
 *   `process.cpuUsage()` (GC included) per round, as % of one core over 3 s. Target < 5 %.
 * Baseline, interleaved in the same run: `JSON.stringify` of the same report's stats (the least an
 * app does with a stats report, e.g. to ship it), per report and per 1,000-call round.
 * Not included: `getStats()` itself (the WebRTC stack's work) and the RxJS interval.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import type { RtcStat, StatsReportLike } from '../machines/port';
import { QualityReporter } from '../src/quality';
import { QUICK, now, report, row, summarize } from './lib/measure';

const PASSES = QUICK ? 50 : 2000;
const CALLS = 1000;
const ROUNDS = QUICK ? 11 : 66; // rounds of 1,000 reports
const TARGET_US = 100;
const TARGET_CPU = 5;

function main(): void {
  const fixture = JSON.parse(readFileSync(join(process.cwd(), 'bench/fixtures/wrtc-audio-call-stats.json'), 'utf8')) as {
    source: string;
    reports: RtcStat[][];
  };
  const reports: StatsReportLike[] = fixture.reports.map((stats) => new Map(stats.map((s) => [s.id, s])));
  const context = { audioExpected: true };
  let sink = 0;
  let clock = 0;

  // One report.
  const cost: number[] = [];
  const base: number[] = [];
  for (let pass = 0; pass < PASSES; pass++) {
    const reporter = new QualityReporter({ now: () => (clock += 3000) });
    const measured = pass >= PASSES / 10;
    reporter.next(reports[0]!, context);
    for (let i = 1; i < reports.length; i++) {
      let t0 = now();
      const r = reporter.next(reports[i]!, context);
      let t1 = now();
      sink += r.mos ?? 0;
      if (measured) cost.push((t1 - t0) * 1000);
      t0 = now();
      sink += JSON.stringify(Array.from(reports[i]!.values())).length;
      t1 = now();
      if (measured) base.push((t1 - t0) * 1000);
    }
  }
  const c = summarize(cost);
  const b = summarize(base);

  // 1,000 calls, each reporting every 3 s.
  let reporters = Array.from({ length: CALLS }, () => new QualityReporter({ now: () => (clock += 3000) }));
  const cpu: number[] = [];
  const cpuBase: number[] = [];
  const usage = () => {
    const u = process.cpuUsage();
    return u.user + u.system;
  };
  for (let round = 0; round < ROUNDS; round++) {
    const index = round % reports.length;
    if (index === 0) {
      reporters = Array.from({ length: CALLS }, () => new QualityReporter({ now: () => (clock += 3000) }));
      for (const reporter of reporters) reporter.next(reports[0]!, context);
      continue;
    }
    let u0 = usage();
    for (const reporter of reporters) sink += reporter.next(reports[index]!, context).mos ?? 0;
    let u1 = usage();
    cpu.push(u1 - u0);
    u0 = usage();
    for (let i = 0; i < CALLS; i++) sink += JSON.stringify(Array.from(reports[index]!.values())).length;
    u1 = usage();
    cpuBase.push(u1 - u0);
  }
  const pct = (micros: number) => (micros / 3_000_000) * 100;
  const cc = summarize(cpu.map(pct));
  const cb = summarize(cpuBase.map(pct));
  report({
    id: 'quality-report-cost',
    title: '4. quality report (real wrtc getStats())',
    rows: [
      row({
        measure: `one report: deltas, MOS, warnings (n=${c.n})`,
        unit: 'µs',
        p50: c.p50,
        p95: c.p95,
        n: c.n,
        baseline: 'JSON.stringify of the same report',
        baselineP50: b.p50,
        baselineP95: b.p95,
        ratio: c.p50 / b.p50,
        target: `p50 ≤ ${TARGET_US} µs`,
        met: c.p50 <= TARGET_US,
      }),
      row({
        measure: `CPU, 1,000 calls reporting every 3 s (n=${cc.n} rounds)`,
        unit: '% core',
        p50: cc.p50,
        p95: cc.p95,
        n: cc.n,
        baseline: 'JSON.stringify of 1,000 reports every 3 s',
        baselineP50: cb.p50,
        baselineP95: cb.p95,
        ratio: cc.p50 / cb.p50,
        target: `< ${TARGET_CPU} %`,
        met: cc.p50 < TARGET_CPU,
      }),
    ],
    notes: [`fixture: ${fixture.reports.length} reports of ${fixture.reports[0]!.length} stats (${fixture.source}); checksum ${sink > 0 ? 'ok' : 'zero'}`],
  });
}

main();
