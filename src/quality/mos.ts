/**
 * Mean Opinion Score estimate from network measurements: the simplified ITU-T G.107 E-model.
 *
 * @packageDocumentation
 */

/** The network measurements a MOS estimate is made from. */
export interface MosInputs {
  /** Round-trip time in milliseconds. */
  readonly rttMs: number;
  /** Interarrival jitter in milliseconds. */
  readonly jitterMs: number;
  /** Packet loss as a percentage, 0..100. */
  readonly lossPercent: number;
}

/**
 * The constants of the simplified E-model.
 *
 * The computation, with every name below:
 * 1. `latency = rttMs × latencyPerRtt + jitterWeight × jitterMs + fixedLatencyMs`
 * 2. `R = r0 − latency / lowLatencyDivisor` when `latency < latencyKneeMs`;
 *    `R = r0 − (latency − highLatencyOffsetMs) / highLatencyDivisor` when `latency < latencyCutoffMs`;
 *    `R = 0` otherwise
 * 3. `R = 0` when `lossFactor × lossPercent > R`, else `R = max(R − lossFactor × lossPercent, rFloor)`
 * 4. `R` is clamped to 0..100, then `MOS = 1 + 0.035·R + 7·10⁻⁶·R·(R − 60)·(100 − R)` (1..4.5)
 */
export interface EModelConstants {
  /** R-factor of a perfect connection before any impairment (94.768 in Twilio's variant, 93.2 in the classic one). */
  readonly r0: number;
  /**
   * How much of the round-trip time counts as latency: 1 uses the RTT as is (Twilio and the classic
   * write-ups); 0.5 treats half the RTT as the one-way delay.
   */
  readonly latencyPerRtt: number;
  /** Weight of jitter in the effective latency (2). */
  readonly jitterWeight: number;
  /** Fixed codec and processing delay added to the effective latency, in ms (10). */
  readonly fixedLatencyMs: number;
  /** Effective latency, in ms, below which latency costs little (160). */
  readonly latencyKneeMs: number;
  /** Below the knee, each `lowLatencyDivisor` ms of latency cost one R point (40). */
  readonly lowLatencyDivisor: number;
  /** Above the knee, latency is counted from this offset, in ms (120). */
  readonly highLatencyOffsetMs: number;
  /** Above the knee, each `highLatencyDivisor` ms of latency cost one R point (10). */
  readonly highLatencyDivisor: number;
  /** Effective latency, in ms, at or above which R is 0 (1000 for Twilio; `Infinity` for the classic form). */
  readonly latencyCutoffMs: number;
  /** R points lost per percent of packet loss (2.5). */
  readonly lossFactor: number;
  /**
   * Lowest R a lossy call can fall to while its loss stays within `R / lossFactor` (6.52 for Twilio;
   * 0 for the classic form, where the rule reduces to clamping R at 0).
   */
  readonly rFloor: number;
}

/**
 * Twilio Voice JS SDK's variant (the default): R0 = 94.768, the RTT counted as latency, R = 0 from
 * 1000 ms of effective latency or when the loss penalty exceeds R, otherwise R floored at 6.52.
 */
export const TWILIO_MOS_CONSTANTS: EModelConstants = Object.freeze({
  r0: 94.768,
  latencyPerRtt: 1,
  jitterWeight: 2,
  fixedLatencyMs: 10,
  latencyKneeMs: 160,
  lowLatencyDivisor: 40,
  highLatencyOffsetMs: 120,
  highLatencyDivisor: 10,
  latencyCutoffMs: 1000,
  lossFactor: 2.5,
  rFloor: 6.52,
});

/** The classic simplified E-model found in VoIP-monitoring write-ups: R0 = 93.2, no cut-off, no floor. */
export const CLASSIC_MOS_CONSTANTS: EModelConstants = Object.freeze({
  ...TWILIO_MOS_CONSTANTS,
  r0: 93.2,
  latencyCutoffMs: Number.POSITIVE_INFINITY,
  rFloor: 0,
});

/** The constants {@link estimateMos} uses when none are given. */
export const DEFAULT_MOS_CONSTANTS: EModelConstants = TWILIO_MOS_CONSTANTS;

function isMeasurement(value: number): boolean {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

/**
 * The E-model R-factor (0..100) for the given measurements, or `null` when any input is not a finite
 * non-negative number.
 */
export function estimateRFactor(inputs: MosInputs, constants: EModelConstants = DEFAULT_MOS_CONSTANTS): number | null {
  const { rttMs, jitterMs, lossPercent } = inputs;
  if (!isMeasurement(rttMs) || !isMeasurement(jitterMs) || !isMeasurement(lossPercent)) return null;
  const c = constants;
  const latency = rttMs * c.latencyPerRtt + c.jitterWeight * jitterMs + c.fixedLatencyMs;
  let r: number;
  if (latency < c.latencyKneeMs) r = c.r0 - latency / c.lowLatencyDivisor;
  else if (latency < c.latencyCutoffMs) r = c.r0 - (latency - c.highLatencyOffsetMs) / c.highLatencyDivisor;
  else r = 0;
  const lossPenalty = c.lossFactor * lossPercent;
  r = lossPenalty > r ? 0 : Math.max(r - lossPenalty, c.rFloor);
  return Math.min(Math.max(r, 0), 100);
}

/** The MOS (1..4.5) for an R-factor (0..100), by the ITU-T G.107 mapping. */
export function rFactorToMos(r: number): number {
  const clamped = Math.min(Math.max(r, 0), 100);
  return 1 + 0.035 * clamped + 0.000007 * clamped * (clamped - 60) * (100 - clamped);
}

/**
 * Estimate the Mean Opinion Score (1..4.5) of a call from its round-trip time, jitter and packet loss,
 * with the simplified E-model ({@link EModelConstants} describes the computation).
 *
 * @param inputs - RTT and jitter in milliseconds, loss in percent.
 * @param constants - Twilio's variant by default; pass {@link CLASSIC_MOS_CONSTANTS} for the classic one.
 * @returns the unrounded MOS, or `null` when any input is not a finite non-negative number.
 *
 * @example
 * estimateMos({ rttMs: 50, jitterMs: 10, lossPercent: 0 }); // ≈ 4.401
 */
export function estimateMos(inputs: MosInputs, constants: EModelConstants = DEFAULT_MOS_CONSTANTS): number | null {
  const r = estimateRFactor(inputs, constants);
  return r === null ? null : rFactorToMos(r);
}
