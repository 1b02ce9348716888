import {
  CLASSIC_MOS_CONSTANTS,
  DEFAULT_MOS_CONSTANTS,
  TWILIO_MOS_CONSTANTS,
  estimateMos,
  estimateRFactor,
  rFactorToMos,
} from '../../src/quality/mos';

describe('estimateMos (Twilio variant by default)', () => {
  it.each([
    [50, 10, 0, 4.401],
    [50, 10, 0.66, 4.365],
    [300, 40, 5, 2.852],
  ])('rtt %p ms, jitter %p ms, loss %p %% gives %p', (rttMs, jitterMs, lossPercent, expected) => {
    const mos = estimateMos({ rttMs, jitterMs, lossPercent });
    expect(mos).not.toBeNull();
    expect(Number(mos!.toFixed(3))).toBe(expected);
  });

  it('uses the Twilio constants unless told otherwise', () => {
    expect(DEFAULT_MOS_CONSTANTS).toBe(TWILIO_MOS_CONSTANTS);
    expect(TWILIO_MOS_CONSTANTS.r0).toBe(94.768);
    expect(CLASSIC_MOS_CONSTANTS.r0).toBe(93.2);
  });

  it('gives the classic 93.2 variant when asked', () => {
    // effective latency 80 ms: R = 93.2 - 2 = 91.2
    expect(estimateRFactor({ rttMs: 50, jitterMs: 10, lossPercent: 0 }, CLASSIC_MOS_CONSTANTS)).toBeCloseTo(91.2, 10);
    expect(estimateMos({ rttMs: 50, jitterMs: 10, lossPercent: 0 }, CLASSIC_MOS_CONSTANTS)).toBeCloseTo(4.3673, 4);
  });

  it('switches to the steeper latency slope at the 160 ms knee', () => {
    expect(estimateRFactor({ rttMs: 149, jitterMs: 0, lossPercent: 0 })).toBeCloseTo(94.768 - 159 / 40, 10);
    expect(estimateRFactor({ rttMs: 150, jitterMs: 0, lossPercent: 0 })).toBeCloseTo(94.768 - 40 / 10, 10);
    expect(estimateRFactor({ rttMs: 500, jitterMs: 0, lossPercent: 0 })).toBeCloseTo(94.768 - 390 / 10, 10);
  });

  it('drops R to its 6.52 floor from 1000 ms of effective latency, and to 0 once loss is added', () => {
    expect(estimateRFactor({ rttMs: 990, jitterMs: 0, lossPercent: 0 })).toBeCloseTo(6.52, 10);
    expect(estimateRFactor({ rttMs: 990, jitterMs: 0, lossPercent: 0.1 })).toBe(0);
    expect(estimateMos({ rttMs: 990, jitterMs: 0, lossPercent: 0.1 })).toBe(1);
  });

  it('cuts R to 0 when the loss penalty exceeds R, and floors it at 6.52 just below', () => {
    const r = estimateRFactor({ rttMs: 50, jitterMs: 10, lossPercent: 0 })!;
    expect(estimateRFactor({ rttMs: 50, jitterMs: 10, lossPercent: r / 2.5 + 0.01 })).toBe(0);
    expect(estimateRFactor({ rttMs: 50, jitterMs: 10, lossPercent: r / 2.5 - 0.01 })).toBeCloseTo(6.52, 10);
  });

  it('lowers the MOS as each impairment grows', () => {
    const base = estimateMos({ rttMs: 50, jitterMs: 10, lossPercent: 0.5 })!;
    expect(estimateMos({ rttMs: 250, jitterMs: 10, lossPercent: 0.5 })!).toBeLessThan(base);
    expect(estimateMos({ rttMs: 50, jitterMs: 60, lossPercent: 0.5 })!).toBeLessThan(base);
    expect(estimateMos({ rttMs: 50, jitterMs: 10, lossPercent: 3 })!).toBeLessThan(base);
  });

  it('stays within 1..4.5', () => {
    expect(rFactorToMos(0)).toBe(1);
    expect(rFactorToMos(100)).toBeCloseTo(4.5, 10);
    expect(rFactorToMos(-20)).toBe(1);
    expect(rFactorToMos(140)).toBeCloseTo(4.5, 10);
  });

  it.each([
    ['negative rtt', { rttMs: -1, jitterMs: 10, lossPercent: 0 }],
    ['NaN jitter', { rttMs: 50, jitterMs: Number.NaN, lossPercent: 0 }],
    ['infinite loss', { rttMs: 50, jitterMs: 10, lossPercent: Number.POSITIVE_INFINITY }],
    ['null rtt', { rttMs: null as unknown as number, jitterMs: 10, lossPercent: 0 }],
    ['string jitter', { rttMs: 50, jitterMs: '10' as unknown as number, lossPercent: 0 }],
    ['undefined loss', { rttMs: 50, jitterMs: 10, lossPercent: undefined as unknown as number }],
  ])('returns null for %s', (_label, inputs) => {
    expect(estimateMos(inputs)).toBeNull();
    expect(estimateRFactor(inputs)).toBeNull();
  });

  it('accepts zero for every input', () => {
    expect(estimateMos({ rttMs: 0, jitterMs: 0, lossPercent: 0 })).toBeCloseTo(rFactorToMos(94.768 - 10 / 40), 10);
  });
});
