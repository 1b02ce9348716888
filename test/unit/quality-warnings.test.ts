import {
  DEFAULT_QUALITY_THRESHOLDS,
  DEFAULT_WARNING_HYSTERESIS,
  QualityWarningTracker,
  type QualityWarningName,
  type WarningInputs,
} from '../../src/quality/warnings';

const GOOD: WarningInputs = {
  rttMs: 80,
  jitterMs: 5,
  lossPercent: 0,
  mos: 4.3,
  packetsReceived: 150,
  audioExpected: true,
};
const BAD_RTT: WarningInputs = { ...GOOD, rttMs: 600 };
const UNKNOWN_RTT: WarningInputs = { ...GOOD, rttMs: null };

/** Feed reports 3 s apart; return, for each, the names active after it. */
function run(tracker: QualityWarningTracker, reports: readonly WarningInputs[]): QualityWarningName[][] {
  return reports.map((inputs, i) => tracker.update(inputs, 3000 * (i + 1)).active.map((w) => w.name));
}

describe('QualityWarningTracker defaults', () => {
  it('documents its defaults', () => {
    expect(DEFAULT_QUALITY_THRESHOLDS).toEqual({
      maxRttMs: 400,
      maxJitterMs: 30,
      maxLossPercent: 1,
      minMos: 3.5,
      maxPacketsForNoAudio: 0,
      minFrameRate: 10,
      maxFreezes: 0,
    });
    expect(DEFAULT_WARNING_HYSTERESIS).toEqual({ raiseCount: 2, raiseWindow: 3, clearCount: 2 });
  });

  it('does not raise on a single bad report', () => {
    expect(run(new QualityWarningTracker(), [BAD_RTT, GOOD, GOOD, BAD_RTT, GOOD, GOOD, BAD_RTT])).toEqual([
      [], [], [], [], [], [], [],
    ]);
  });

  it('raises after two bad reports in a row', () => {
    expect(run(new QualityWarningTracker(), [GOOD, BAD_RTT, BAD_RTT])).toEqual([[], [], ['high-rtt']]);
  });

  it('raises after two bad reports among the last three', () => {
    expect(run(new QualityWarningTracker(), [BAD_RTT, GOOD, BAD_RTT])).toEqual([[], [], ['high-rtt']]);
  });

  it('does not raise when the two bad reports are further apart than the window', () => {
    expect(run(new QualityWarningTracker(), [BAD_RTT, GOOD, GOOD, BAD_RTT])).toEqual([[], [], [], []]);
  });

  it('clears after two good reports in a row, not after one', () => {
    expect(run(new QualityWarningTracker(), [BAD_RTT, BAD_RTT, GOOD, BAD_RTT, GOOD, GOOD])).toEqual([
      [],
      ['high-rtt'],
      ['high-rtt'],
      ['high-rtt'],
      ['high-rtt'],
      [],
    ]);
  });

  it('reports what each update raised and cleared, and keeps the same warning object while active', () => {
    const tracker = new QualityWarningTracker();
    tracker.update(BAD_RTT, 3000);
    const raise = tracker.update(BAD_RTT, 6000);
    expect(raise.raised).toEqual(['high-rtt']);
    expect(raise.cleared).toEqual([]);
    expect(raise.active).toEqual([{ name: 'high-rtt', raisedAt: 6000, threshold: 400 }]);
    const still = tracker.update(GOOD, 9000);
    expect(still.raised).toEqual([]);
    expect(still.active[0]).toBe(raise.active[0]);
    const clear = tracker.update(GOOD, 12000);
    expect(clear.cleared).toEqual(['high-rtt']);
    expect(clear.active).toEqual([]);
    expect(Object.isFrozen(clear)).toBe(true);
  });

  it('starts from an empty window after clearing, so old bad reports cannot raise it again', () => {
    const tracker = new QualityWarningTracker({ hysteresis: { raiseCount: 2, raiseWindow: 5, clearCount: 2 } });
    expect(run(tracker, [BAD_RTT, BAD_RTT, GOOD, GOOD, GOOD, BAD_RTT])).toEqual([
      [],
      ['high-rtt'],
      ['high-rtt'],
      [],
      [],
      [],
    ]);
  });

  it('never raises on unknown values', () => {
    const tracker = new QualityWarningTracker({ hysteresis: { raiseCount: 1, raiseWindow: 1 } });
    const allUnknown: WarningInputs = {
      rttMs: null,
      jitterMs: null,
      lossPercent: null,
      mos: null,
      packetsReceived: null,
      audioExpected: true,
    };
    expect(run(tracker, [allUnknown, allUnknown, allUnknown])).toEqual([[], [], []]);
  });

  it('counts an unknown value as neither bad nor good', () => {
    // An unknown value occupies a window slot, so bad, unknown, unknown, bad does not raise...
    expect(run(new QualityWarningTracker(), [BAD_RTT, UNKNOWN_RTT, UNKNOWN_RTT, BAD_RTT])).toEqual([[], [], [], []]);
    // ...and it neither completes nor breaks a run of good reports.
    expect(run(new QualityWarningTracker(), [BAD_RTT, BAD_RTT, GOOD, UNKNOWN_RTT, UNKNOWN_RTT, GOOD])).toEqual([
      [],
      ['high-rtt'],
      ['high-rtt'],
      ['high-rtt'],
      ['high-rtt'],
      [],
    ]);
  });

  it('treats a value equal to its threshold as good', () => {
    const atLimits: WarningInputs = { rttMs: 400, jitterMs: 30, lossPercent: 1, mos: 3.5, packetsReceived: 1, audioExpected: true };
    expect(run(new QualityWarningTracker(), [atLimits, atLimits, atLimits])).toEqual([[], [], []]);
  });

  it.each<[QualityWarningName, Partial<WarningInputs>]>([
    ['high-rtt', { rttMs: 401 }],
    ['high-jitter', { jitterMs: 31 }],
    ['high-packet-loss', { lossPercent: 1.5 }],
    ['low-mos', { mos: 3.4 }],
    ['no-audio-received', { packetsReceived: 0 }],
  ])('raises %s from its own figure only', (name, bad) => {
    expect(run(new QualityWarningTracker(), [{ ...GOOD, ...bad }, { ...GOOD, ...bad }])).toEqual([[], [name]]);
  });

  it('judges no-audio-received only while audio is expected', () => {
    const silentOnHold: WarningInputs = { ...GOOD, packetsReceived: 0, audioExpected: false };
    expect(run(new QualityWarningTracker(), [silentOnHold, silentOnHold, silentOnHold])).toEqual([[], [], []]);
  });

  it('lists several warnings in a fixed order', () => {
    const awful: WarningInputs = { rttMs: 900, jitterMs: 80, lossPercent: 12, mos: 1.2, packetsReceived: 0, audioExpected: true };
    expect(run(new QualityWarningTracker(), [awful, awful])[1]).toEqual([
      'high-rtt',
      'high-jitter',
      'high-packet-loss',
      'low-mos',
      'no-audio-received',
    ]);
  });
});

describe('QualityWarningTracker options', () => {
  it('takes custom thresholds', () => {
    const tracker = new QualityWarningTracker({ thresholds: { maxRttMs: 100, minMos: 3 } });
    const slowish: WarningInputs = { ...GOOD, rttMs: 150, mos: 3.2 };
    expect(run(tracker, [slowish, slowish])).toEqual([[], ['high-rtt']]);
    expect(tracker.active[0]!.threshold).toBe(100);
  });

  it('takes custom hysteresis for every warning', () => {
    const tracker = new QualityWarningTracker({ hysteresis: { raiseCount: 3, raiseWindow: 3, clearCount: 1 } });
    expect(run(tracker, [BAD_RTT, BAD_RTT, BAD_RTT, GOOD])).toEqual([[], [], ['high-rtt'], []]);
  });

  it('takes custom hysteresis for one warning', () => {
    const tracker = new QualityWarningTracker({ hysteresisByWarning: { 'no-audio-received': { raiseCount: 1 } } });
    const silentAndSlow: WarningInputs = { ...BAD_RTT, packetsReceived: 0 };
    expect(run(tracker, [silentAndSlow, silentAndSlow])).toEqual([['no-audio-received'], ['high-rtt', 'no-audio-received']]);
  });

  it.each([
    [{ raiseCount: 0 }],
    [{ raiseCount: 4, raiseWindow: 3 }],
    [{ clearCount: 0 }],
    [{ raiseWindow: 2.5 }],
  ])('rejects invalid hysteresis %p', (hysteresis) => {
    expect(() => new QualityWarningTracker({ hysteresis })).toThrow(RangeError);
  });

  it('forgets everything on reset', () => {
    const tracker = new QualityWarningTracker();
    run(tracker, [BAD_RTT, BAD_RTT]);
    expect(tracker.active).toHaveLength(1);
    tracker.reset();
    expect(tracker.active).toEqual([]);
    expect(run(tracker, [BAD_RTT])).toEqual([[]]);
  });
});
