import type { RtcStat } from '../../machines/port';
import { EMPTY_MEDIA_SAMPLE, readMediaSample } from '../../src/quality/sample';
import { THREE_SECONDS_IN, chromiumAudioStats, statsReport } from '../fixtures/chromium-audio-stats';

describe('readMediaSample', () => {
  it('reads the audio figures of a Chromium report, converting seconds to ms', () => {
    const sample = readMediaSample(chromiumAudioStats());
    expect(sample).toEqual({
      timestamp: THREE_SECONDS_IN.timestamp,
      packetsReceived: 150,
      packetsLost: 0,
      bytesReceived: 12_000,
      jitterMs: 4,
      audioLevel: 0.0123,
      totalAudioEnergy: 0.00045,
      totalSamplesDurationMs: 2980,
      concealedSamples: 960,
      totalSamplesReceived: 143_040,
      packetsSent: 151,
      bytesSent: 12_080,
      remoteRoundTripTimeMs: 48,
      remoteFractionLost: 0,
      candidatePairRoundTripTimeMs: 46,
      codec: 'opus',
    });
    expect(Object.isFrozen(sample)).toBe(true);
  });

  it('takes the pair named by transport.selectedCandidatePairId, not another pair', () => {
    const sample = readMediaSample(chromiumAudioStats({ currentRoundTripTime: 0.0215 }));
    expect(sample.candidatePairRoundTripTimeMs).toBeCloseTo(21.5, 10);
  });

  it('prefers the transport-selected pair over one that merely looks selected', () => {
    const stats: RtcStat[] = [
      { id: 'p1', type: 'candidate-pair', timestamp: 1, state: 'succeeded', nominated: true, currentRoundTripTime: 0.2 },
      { id: 'p2', type: 'candidate-pair', timestamp: 1, state: 'succeeded', nominated: false, currentRoundTripTime: 0.01 },
      { id: 't', type: 'transport', timestamp: 1, selectedCandidatePairId: 'p2' },
    ];
    expect(readMediaSample(statsReport(stats)).candidatePairRoundTripTimeMs).toBeCloseTo(10, 10);
  });

  it('falls back to the pair marked selected when there is no transport stat (Firefox)', () => {
    const stats: RtcStat[] = [
      { id: 'p1', type: 'candidate-pair', timestamp: 1, state: 'succeeded', nominated: true, currentRoundTripTime: 0.2 },
      { id: 'p2', type: 'candidate-pair', timestamp: 1, state: 'succeeded', selected: true, currentRoundTripTime: 0.03 },
    ];
    expect(readMediaSample(statsReport(stats)).candidatePairRoundTripTimeMs).toBeCloseTo(30, 10);
  });

  it('falls back to a nominated, succeeded pair when none is marked selected', () => {
    const stats: RtcStat[] = [
      { id: 'p1', type: 'candidate-pair', timestamp: 1, state: 'in-progress', nominated: true, currentRoundTripTime: 0.5 },
      { id: 'p2', type: 'candidate-pair', timestamp: 1, state: 'succeeded', nominated: false, currentRoundTripTime: 0.4 },
      { id: 'p3', type: 'candidate-pair', timestamp: 1, state: 'succeeded', nominated: true, currentRoundTripTime: 0.07 },
    ];
    expect(readMediaSample(statsReport(stats)).candidatePairRoundTripTimeMs).toBeCloseTo(70, 10);
  });

  it('has no candidate-pair RTT when no pair is selected', () => {
    const report = chromiumAudioStats({}, ['transport']);
    for (const stat of report.values()) {
      if (stat.type === 'candidate-pair') (stat as { nominated?: boolean }).nominated = false;
    }
    expect(readMediaSample(report).candidatePairRoundTripTimeMs).toBeNull();
  });

  it('reads RTT as null before the first RTCP receiver report', () => {
    const sample = readMediaSample(chromiumAudioStats({ roundTripTime: undefined, fractionLost: undefined }));
    expect(sample.remoteRoundTripTimeMs).toBeNull();
    expect(sample.remoteFractionLost).toBeNull();
    expect(sample.candidatePairRoundTripTimeMs).toBe(46);
  });

  it('turns an empty report into an all-null sample', () => {
    expect(readMediaSample(statsReport([]))).toEqual(EMPTY_MEDIA_SAMPLE);
  });

  it('gives null, never NaN, for missing or malformed fields', () => {
    const stats: RtcStat[] = [
      {
        id: 'in',
        type: 'inbound-rtp',
        timestamp: 5000,
        kind: 'audio',
        packetsReceived: Number.NaN,
        packetsLost: '3',
        jitter: null,
        codecId: 'missing-codec',
      },
    ];
    const sample = readMediaSample(statsReport(stats));
    expect(sample.timestamp).toBe(5000);
    for (const [field, value] of Object.entries(sample)) {
      if (field === 'timestamp') continue;
      expect([field, value]).toEqual([field, null]);
    }
  });

  it('ignores video and remote-flagged RTP stats', () => {
    const stats: RtcStat[] = [
      { id: 'v', type: 'inbound-rtp', timestamp: 1, kind: 'video', packetsReceived: 999 },
      { id: 'old', type: 'inbound-rtp', timestamp: 1, kind: 'audio', isRemote: true, packetsReceived: 888 },
      { id: 'a', type: 'inbound-rtp', timestamp: 1, mediaType: 'audio', packetsReceived: 42 },
    ];
    expect(readMediaSample(statsReport(stats)).packetsReceived).toBe(42);
  });

  it('takes the remote-inbound-rtp that describes the audio outbound-rtp', () => {
    const stats: RtcStat[] = [
      { id: 'ov', type: 'outbound-rtp', timestamp: 1, kind: 'video', packetsSent: 1 },
      { id: 'oa', type: 'outbound-rtp', timestamp: 1, kind: 'audio', packetsSent: 2, codecId: 'c' },
      { id: 'rv', type: 'remote-inbound-rtp', timestamp: 1, kind: 'video', localId: 'ov', roundTripTime: 0.9 },
      { id: 'ra-other', type: 'remote-inbound-rtp', timestamp: 1, kind: 'audio', localId: 'gone', roundTripTime: 0.8 },
      { id: 'ra', type: 'remote-inbound-rtp', timestamp: 1, kind: 'audio', localId: 'oa', roundTripTime: 0.1, fractionLost: 0.02 },
      { id: 'c', type: 'codec', timestamp: 1, mimeType: 'audio/PCMU' },
    ];
    const sample = readMediaSample(statsReport(stats));
    expect(sample.remoteRoundTripTimeMs).toBeCloseTo(100, 10);
    expect(sample.remoteFractionLost).toBe(0.02);
    expect(sample.codec).toBe('PCMU');
    expect(sample.packetsReceived).toBeNull();
  });

  it('uses the newest timestamp when there is no inbound-rtp', () => {
    const report = chromiumAudioStats({ timestamp: 10_000 }, ['inbound-rtp']);
    const sample = readMediaSample(report);
    expect(sample.timestamp).toBe(10_000);
    expect(sample.codec).toBe('opus');
    expect(sample.packetsSent).toBe(151);
  });
});
