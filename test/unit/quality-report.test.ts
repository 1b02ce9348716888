import { estimateMos, CLASSIC_MOS_CONSTANTS } from '../../src/quality/mos';
import { QualityReporter, measureQuality } from '../../src/quality/report';
import { readMediaSample, type MediaSample } from '../../src/quality/sample';
import { THREE_SECONDS_IN, chromiumAudioStats, type AudioStatsFigures } from '../fixtures/chromium-audio-stats';

const T0 = THREE_SECONDS_IN.timestamp;

/** Six seconds in: 147 more packets received, 3 lost (2 %), 32 kbit/s each way. */
const SIX_SECONDS_IN: Partial<AudioStatsFigures> = {
  timestamp: T0 + 3000,
  packetsReceived: 297,
  packetsLost: 3,
  bytesReceived: 24_000,
  jitter: 0.012,
  audioLevel: 0.5,
  totalAudioEnergy: THREE_SECONDS_IN.totalAudioEnergy + 0.03,
  totalSamplesDuration: THREE_SECONDS_IN.totalSamplesDuration + 3,
  concealedSamples: 1920,
  totalSamplesReceived: 287_040,
  packetsSent: 301,
  bytesSent: 24_080,
  roundTripTime: 0.06,
  fractionLost: 0.0117,
};

function sample(figures: Partial<AudioStatsFigures> = {}): MediaSample {
  return readMediaSample(chromiumAudioStats(figures));
}

describe('measureQuality', () => {
  it('has no interval figures and no MOS on the first report, but has totals', () => {
    const m = measureQuality(null, sample());
    expect(m).toMatchObject({
      intervalMs: null,
      packetsReceived: null,
      packetsLost: null,
      lossPercent: null,
      bitrateInKbps: null,
      bitrateOutKbps: null,
      concealedPercent: null,
      mos: null,
      rttMs: 48,
      jitterMs: 4,
      codec: 'opus',
      audioLevel: 0.0123,
      remoteLossPercent: 0,
    });
    expect(m.totals).toEqual({
      packetsReceived: 150,
      packetsLost: 0,
      packetsSent: 151,
      bytesReceived: 12_000,
      bytesSent: 12_080,
      lossPercent: 0,
    });
  });

  it('measures the deltas, loss, bitrates and MOS between two samples', () => {
    const m = measureQuality(sample(), sample(SIX_SECONDS_IN));
    expect(m.intervalMs).toBe(3000);
    expect(m.packetsReceived).toBe(147);
    expect(m.packetsLost).toBe(3);
    expect(m.lossPercent).toBeCloseTo(2, 10);
    expect(m.bitrateInKbps).toBeCloseTo(32, 10);
    expect(m.bitrateOutKbps).toBeCloseTo(32, 10);
    expect(m.rttMs).toBeCloseTo(60, 10);
    expect(m.jitterMs).toBeCloseTo(12, 10);
    expect(m.remoteLossPercent).toBeCloseTo(1.17, 10);
    expect(m.concealedPercent).toBeCloseTo((960 / 144_000) * 100, 10);
    expect(m.audioLevel).toBeCloseTo(0.1, 10);
    expect(m.mos).toBeCloseTo(estimateMos({ rttMs: 60, jitterMs: 12, lossPercent: 2 })!, 10);
    expect(m.totals.lossPercent).toBeCloseTo(1, 10);
    expect(Object.isFrozen(m)).toBe(true);
    expect(Object.isFrozen(m.totals)).toBe(true);
  });

  it('passes the E-model constants through to the MOS', () => {
    const m = measureQuality(sample(), sample(SIX_SECONDS_IN), CLASSIC_MOS_CONSTANTS);
    expect(m.mos).toBeCloseTo(estimateMos({ rttMs: 60, jitterMs: 12, lossPercent: 2 }, CLASSIC_MOS_CONSTANTS)!, 10);
  });

  it('falls back to the candidate pair RTT when RTCP has not measured one', () => {
    const m = measureQuality(sample(), sample({ ...SIX_SECONDS_IN, roundTripTime: undefined }));
    expect(m.rttMs).toBeCloseTo(46, 10);
    expect(m.mos).toBeCloseTo(estimateMos({ rttMs: 46, jitterMs: 12, lossPercent: 2 })!, 10);
  });

  it('falls back to the candidate pair RTT when there is no remote-inbound-rtp at all', () => {
    const current = readMediaSample(chromiumAudioStats({ ...SIX_SECONDS_IN, currentRoundTripTime: 0.09 }, ['remote-inbound-rtp']));
    expect(measureQuality(sample(), current).rttMs).toBeCloseTo(90, 10);
  });

  it('has no RTT and no MOS when neither source has an RTT', () => {
    const current = readMediaSample(chromiumAudioStats(SIX_SECONDS_IN, ['remote-inbound-rtp', 'candidate-pair']));
    const m = measureQuality(sample(), current);
    expect(m.rttMs).toBeNull();
    expect(m.mos).toBeNull();
    expect(m.lossPercent).toBeCloseTo(2, 10);
  });

  it('treats counters that went backwards as a restarted stream: no deltas', () => {
    const m = measureQuality(sample(SIX_SECONDS_IN), sample({ timestamp: T0 + 6000, packetsReceived: 20, bytesReceived: 1_600 }));
    expect(m.packetsReceived).toBeNull();
    expect(m.packetsLost).toBeNull();
    expect(m.lossPercent).toBeNull();
    expect(m.bitrateInKbps).toBeNull();
    expect(m.mos).toBeNull();
  });

  it('floors the lost-packet delta at 0 when duplicates shrink packetsLost', () => {
    const previous = sample({ packetsLost: 5 });
    const m = measureQuality(previous, sample({ ...SIX_SECONDS_IN, packetsLost: 4 }));
    expect(m.packetsLost).toBe(0);
    expect(m.lossPercent).toBe(0);
  });

  it('has no loss and no MOS when no packet was expected in the interval', () => {
    const m = measureQuality(sample(), sample({ timestamp: T0 + 3000 }));
    expect(m.packetsReceived).toBe(0);
    expect(m.packetsLost).toBe(0);
    expect(m.lossPercent).toBeNull();
    expect(m.mos).toBeNull();
    expect(m.bitrateInKbps).toBe(0);
  });

  it('counts 100 % loss when packets were expected and none arrived', () => {
    const m = measureQuality(sample(), sample({ timestamp: T0 + 3000, packetsLost: 150 }));
    expect(m.lossPercent).toBe(100);
  });

  it('uses the instantaneous audio level when the energy counters did not move', () => {
    const m = measureQuality(sample(), sample({ ...SIX_SECONDS_IN, totalAudioEnergy: THREE_SECONDS_IN.totalAudioEnergy, totalSamplesDuration: THREE_SECONDS_IN.totalSamplesDuration }));
    expect(m.audioLevel).toBe(0.5);
  });
});

/** The i-th report of a call where 150 packets arrive every 3 s, none lost. */
function flowing(i: number, figures: Partial<AudioStatsFigures> = {}): Partial<AudioStatsFigures> {
  return {
    timestamp: T0 + i * 3000,
    packetsReceived: 150 * (i + 1),
    bytesReceived: 12_000 * (i + 1),
    packetsSent: 150 * (i + 1),
    bytesSent: 12_000 * (i + 1),
    ...figures,
  };
}

describe('QualityReporter', () => {
  function clock(start = 1_000_000): { now: () => number; advance: (ms: number) => void } {
    let t = start;
    return { now: () => t, advance: (ms) => (t += ms) };
  }

  it('gives a null MOS on the first report and a MOS on the second', () => {
    const c = clock();
    const reporter = new QualityReporter({ now: c.now });
    const first = reporter.next(chromiumAudioStats());
    c.advance(3000);
    const second = reporter.next(chromiumAudioStats(SIX_SECONDS_IN));
    expect(first.mos).toBeNull();
    expect(first.at).toBe(1_000_000);
    expect(second.mos).toBeCloseTo(estimateMos({ rttMs: 60, jitterMs: 12, lossPercent: 2 })!, 10);
    expect(second.at).toBe(1_003_000);
    expect(second.packetsReceived).toBe(147);
  });

  it('makes plain frozen reports', () => {
    const report = new QualityReporter().next(chromiumAudioStats());
    expect(Object.isFrozen(report)).toBe(true);
    expect(Object.isFrozen(report.warnings)).toBe(true);
    expect(Object.getPrototypeOf(report)).toBe(Object.prototype);
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });

  it('raises warnings through its tracker and lists them in the reports', () => {
    const c = clock();
    const reporter = new QualityReporter({ now: c.now });
    const reports = [0, 1, 2].map((i) => {
      c.advance(3000);
      return reporter.next(chromiumAudioStats(flowing(i, { roundTripTime: 0.55 })));
    });
    // The MOS (about 3.1 at 550 ms) only exists from the second report on, so low-mos comes one report later.
    expect(reports.map((r) => r.warnings.map((w) => w.name))).toEqual([[], ['high-rtt'], ['high-rtt', 'low-mos']]);
    expect(reports[1]!.raisedWarnings).toEqual(['high-rtt']);
    expect(reports[2]!.raisedWarnings).toEqual(['low-mos']);
    expect(reports[2]!.warnings[0]).toBe(reports[1]!.warnings[0]);
    expect(reports[1]!.warnings[0]).toEqual({ name: 'high-rtt', raisedAt: 1_006_000, threshold: 400 });
  });

  it('judges no-audio-received only while audio is expected', () => {
    const reporter = new QualityReporter();
    const silent = (i: number) => chromiumAudioStats({ timestamp: T0 + i * 3000 });
    reporter.next(silent(0));
    expect(reporter.next(silent(1), { audioExpected: false }).warnings).toEqual([]);
    expect(reporter.next(silent(2), { audioExpected: false }).warnings).toEqual([]);
    expect(reporter.next(silent(3)).warnings).toEqual([]);
    expect(reporter.next(silent(4)).warnings.map((w) => w.name)).toEqual(['no-audio-received']);
  });

  it('starts over after reset', () => {
    const reporter = new QualityReporter();
    reporter.next(chromiumAudioStats());
    reporter.reset();
    const report = reporter.next(chromiumAudioStats(SIX_SECONDS_IN));
    expect(report.mos).toBeNull();
    expect(report.packetsReceived).toBeNull();
  });
});
