/**
 * Video in the quality report: frames per second, resolution, freezes and loss of the received video
 * (and what we send), read from Chromium-shaped `getStats()` entries; the `low-frame-rate` and
 * `video-freezes` warnings with the same hysteresis as audio's, judged only while video is expected.
 */
import type { RtcStat, StatsReportLike } from '../../machines/port';
import { QualityReporter } from '../../src/quality/report';
import { measureVideo, readVideoSample } from '../../src/quality/video';

const T0 = 1_700_000_000_000;

function report(at: number, inbound: Record<string, number>, outbound: Record<string, number> = {}): StatsReportLike {
  const stats: RtcStat[] = [
    { id: 'IA', type: 'inbound-rtp', kind: 'audio', timestamp: at, packetsReceived: (at - T0) / 20, packetsLost: 0, jitter: 0.002 },
    { id: 'IV', type: 'inbound-rtp', kind: 'video', timestamp: at, ...inbound },
    { id: 'OV', type: 'outbound-rtp', kind: 'video', timestamp: at, ...outbound },
    { id: 'CP', type: 'candidate-pair', timestamp: at, selected: true, currentRoundTripTime: 0.001 },
  ];
  return { values: () => stats };
}

const smooth = (seconds: number) => ({
  framesDecoded: 30 * seconds,
  framesPerSecond: 30,
  frameWidth: 640,
  frameHeight: 480,
  freezeCount: 0,
  totalFreezesDuration: 0,
  packetsReceived: 100 * seconds,
  packetsLost: 0,
});

describe('video figures', () => {
  it('an audio-only report has no video', () => {
    const audioOnly: StatsReportLike = { values: () => [{ id: 'IA', type: 'inbound-rtp', kind: 'audio', timestamp: T0 }] };
    expect(readVideoSample(audioOnly)).toBeNull();
    expect(new QualityReporter().next(audioOnly).video).toBeNull();
  });

  it('frames per second, resolution, freezes and loss over the interval, received and sent', () => {
    const first = readVideoSample(report(T0 + 3000, smooth(3), { framesSent: 90, frameWidth: 320, frameHeight: 240 }))!;
    const second = readVideoSample(
      report(T0 + 6000, { ...smooth(6), framesPerSecond: undefined as unknown as number, framesDecoded: 150, freezeCount: 2, totalFreezesDuration: 1.2, packetsLost: 6, packetsReceived: 594 }, { framesSent: 180, frameWidth: 320, frameHeight: 240 }),
    )!;
    const m = measureVideo(first, second);
    expect(m).toEqual({
      framesPerSecond: 20,
      frameWidth: 640,
      frameHeight: 480,
      freezes: 2,
      freezeDurationMs: 1200,
      packetsLost: 6,
      lossPercent: 2,
      sentFramesPerSecond: 30,
      sentFrameWidth: 320,
      sentFrameHeight: 240,
    });
  });
});

describe('video warnings', () => {
  function run(steps: Array<Record<string, number>>, videoExpected = true) {
    let now = T0;
    const reporter = new QualityReporter({ now: () => now });
    return steps.map((inbound, i) => {
      now = T0 + 3000 * (i + 1);
      return reporter.next(report(now, inbound), { videoExpected });
    });
  }

  it('low-frame-rate: raised after 2 slow reports of 3, cleared after 2 good ones in a row', () => {
    const slow = (s: number) => ({ ...smooth(s), framesPerSecond: 5 });
    const reports = run([smooth(1), slow(2), slow(3), smooth(4), smooth(5)]);
    expect(reports.map((r) => r.raisedWarnings)).toEqual([[], [], ['low-frame-rate'], [], []]);
    expect(reports.map((r) => r.clearedWarnings)).toEqual([[], [], [], [], ['low-frame-rate']]);
  });

  it('video-freezes: raised when freezes keep coming, not for one', () => {
    const frozen = (s: number, count: number) => ({ ...smooth(s), freezeCount: count });
    expect(run([smooth(1), frozen(2, 1), smooth(3), smooth(4)]).flatMap((r) => r.raisedWarnings)).toEqual([]);
    expect(run([smooth(1), frozen(2, 1), frozen(3, 2)]).flatMap((r) => r.raisedWarnings)).toEqual(['video-freezes']);
  });

  it('no video warning while video is not expected (held, or no video)', () => {
    const slow = (s: number) => ({ ...smooth(s), framesPerSecond: 1, freezeCount: s });
    expect(run([slow(1), slow(2), slow(3)], false).flatMap((r) => r.raisedWarnings)).toEqual([]);
  });
});
