/**
 * Call-quality warnings, raised and cleared with hysteresis so that one bad report does not make a
 * warning flap on and off.
 *
 * @packageDocumentation
 */

/**
 * The quality warnings:
 * - `high-rtt`: round-trip time above {@link QualityThresholds.maxRttMs}
 * - `high-jitter`: jitter above {@link QualityThresholds.maxJitterMs}
 * - `high-packet-loss`: received-packet loss above {@link QualityThresholds.maxLossPercent}
 * - `low-mos`: MOS estimate below {@link QualityThresholds.minMos}
 * - `no-audio-received`: no packet received in a whole report interval while audio is expected
 * - `low-frame-rate`: received video below {@link QualityThresholds.minFrameRate} frames per second while video is expected
 * - `video-freezes`: the received video froze more than {@link QualityThresholds.maxFreezes} times in an interval
 */
export type QualityWarningName =
  | 'high-rtt'
  | 'high-jitter'
  | 'high-packet-loss'
  | 'low-mos'
  | 'no-audio-received'
  | 'low-frame-rate'
  | 'video-freezes';

/** Every warning name, in the order warnings are listed in a report. */
export const QUALITY_WARNING_NAMES: readonly QualityWarningName[] = Object.freeze([
  'high-rtt',
  'high-jitter',
  'high-packet-loss',
  'low-mos',
  'no-audio-received',
  'low-frame-rate',
  'video-freezes',
] as const);

/** An active warning. The same frozen object is kept for as long as the warning stays raised. */
export interface QualityWarning {
  /** Which warning. */
  readonly name: QualityWarningName;
  /** When it was raised: the `at` of the report that raised it, in epoch ms. */
  readonly raisedAt: number;
  /** The threshold it was raised against, in the unit of its measure (ms, %, MOS, packets). */
  readonly threshold: number;
}

/** What counts as bad. A value equal to a threshold is still good. */
export interface QualityThresholds {
  /** `high-rtt` when the round-trip time is above this, in ms (400). */
  readonly maxRttMs: number;
  /** `high-jitter` when the jitter is above this, in ms (30). */
  readonly maxJitterMs: number;
  /** `high-packet-loss` when the loss is above this, in percent (1). */
  readonly maxLossPercent: number;
  /** `low-mos` when the MOS estimate is below this (3.5; Twilio uses 3). */
  readonly minMos: number;
  /** `no-audio-received` when at most this many packets arrived in the interval (0). */
  readonly maxPacketsForNoAudio: number;
  /** `low-frame-rate` when the received video runs below this many frames per second (10). */
  readonly minFrameRate: number;
  /** `video-freezes` when the received video froze more than this many times in an interval (0). */
  readonly maxFreezes: number;
}

/** When a warning is raised and when it is cleared, counted in reports. */
export interface WarningHysteresis {
  /** Raise once at least this many of the last {@link raiseWindow} reports were bad (2). */
  readonly raiseCount: number;
  /** How many recent reports are looked at for raising (3). */
  readonly raiseWindow: number;
  /** Clear after this many good reports in a row (2). */
  readonly clearCount: number;
}

/** Thresholds for the defaults: Twilio's, except `minMos` (3.5, where many users start to be dissatisfied). */
export const DEFAULT_QUALITY_THRESHOLDS: QualityThresholds = Object.freeze({
  maxRttMs: 400,
  maxJitterMs: 30,
  maxLossPercent: 1,
  minMos: 3.5,
  maxPacketsForNoAudio: 0,
  minFrameRate: 10,
  maxFreezes: 0,
});

/**
 * Hysteresis for reports every 3 s: raised after 2 bad reports among the last 3 (6 to 9 s of trouble),
 * cleared after 2 good ones in a row (6 s).
 */
export const DEFAULT_WARNING_HYSTERESIS: WarningHysteresis = Object.freeze({
  raiseCount: 2,
  raiseWindow: 3,
  clearCount: 2,
});

/** Options of a {@link QualityWarningTracker}; anything left out takes its default. */
export interface QualityWarningOptions {
  /** Override some thresholds ({@link DEFAULT_QUALITY_THRESHOLDS}). */
  readonly thresholds?: Partial<QualityThresholds>;
  /** Override the hysteresis of every warning ({@link DEFAULT_WARNING_HYSTERESIS}). */
  readonly hysteresis?: Partial<WarningHysteresis>;
  /** Override the hysteresis of some warnings only (applied over {@link hysteresis}). */
  readonly hysteresisByWarning?: Partial<Record<QualityWarningName, Partial<WarningHysteresis>>>;
}

/** The figures of one report that warnings are judged on. `null` means unknown. */
export interface WarningInputs {
  /** Round-trip time in ms. */
  readonly rttMs: number | null;
  /** Jitter in ms. */
  readonly jitterMs: number | null;
  /** Received-packet loss in the interval, in percent. */
  readonly lossPercent: number | null;
  /** MOS estimate. */
  readonly mos: number | null;
  /** Packets received in the interval. */
  readonly packetsReceived: number | null;
  /** Whether audio should be arriving (the call is confirmed and not on hold); `no-audio-received` needs it. */
  readonly audioExpected: boolean;
  /** Received video frames per second; the video warnings are judged only while video is expected. */
  readonly videoFramesPerSecond?: number | null;
  /** Freezes of the received video in the interval. */
  readonly videoFreezes?: number | null;
  /** Whether the far end's video should be arriving (negotiated, not on hold). */
  readonly videoExpected?: boolean;
}

/** The outcome of judging one report. */
export interface WarningUpdate {
  /** Warnings active after this report, in {@link QUALITY_WARNING_NAMES} order. */
  readonly active: readonly QualityWarning[];
  /** Warnings this report raised. */
  readonly raised: readonly QualityWarningName[];
  /** Warnings this report cleared. */
  readonly cleared: readonly QualityWarningName[];
}

/** A report's verdict on one warning: `true` bad, `false` good, `null` unknown. */
type Verdict = boolean | null;

interface WarningTrack {
  /** Verdicts since the warning was last cleared, newest last, at most `raiseWindow` long. */
  recent: Verdict[];
  goodStreak: number;
  active: QualityWarning | null;
}

function above(value: number | null, limit: number): Verdict {
  return value === null ? null : value > limit;
}

function below(value: number | null, limit: number): Verdict {
  return value === null ? null : value < limit;
}

function thresholdOf(name: QualityWarningName, t: QualityThresholds): number {
  switch (name) {
    case 'high-rtt':
      return t.maxRttMs;
    case 'high-jitter':
      return t.maxJitterMs;
    case 'high-packet-loss':
      return t.maxLossPercent;
    case 'low-mos':
      return t.minMos;
    case 'no-audio-received':
      return t.maxPacketsForNoAudio;
    case 'low-frame-rate':
      return t.minFrameRate;
    case 'video-freezes':
      return t.maxFreezes;
  }
}

function verdictOf(name: QualityWarningName, inputs: WarningInputs, t: QualityThresholds): Verdict {
  switch (name) {
    case 'high-rtt':
      return above(inputs.rttMs, t.maxRttMs);
    case 'high-jitter':
      return above(inputs.jitterMs, t.maxJitterMs);
    case 'high-packet-loss':
      return above(inputs.lossPercent, t.maxLossPercent);
    case 'low-mos':
      return below(inputs.mos, t.minMos);
    case 'no-audio-received':
      if (!inputs.audioExpected || inputs.packetsReceived === null) return null;
      return inputs.packetsReceived <= t.maxPacketsForNoAudio;
    case 'low-frame-rate':
      return inputs.videoExpected ? below(inputs.videoFramesPerSecond ?? null, t.minFrameRate) : null;
    case 'video-freezes':
      return inputs.videoExpected ? above(inputs.videoFreezes ?? null, t.maxFreezes) : null;
  }
}

function checkHysteresis(name: QualityWarningName, h: WarningHysteresis): WarningHysteresis {
  const valid =
    Number.isInteger(h.raiseCount) &&
    Number.isInteger(h.raiseWindow) &&
    Number.isInteger(h.clearCount) &&
    h.raiseCount >= 1 &&
    h.raiseWindow >= h.raiseCount &&
    h.clearCount >= 1;
  if (!valid) {
    throw new RangeError(
      `Invalid hysteresis for ${name}: need integers with 1 <= raiseCount <= raiseWindow and clearCount >= 1, got ${JSON.stringify(h)}`,
    );
  }
  return Object.freeze({ ...h });
}

interface WarningSettings {
  readonly thresholds: QualityThresholds;
  readonly hysteresis: Readonly<Record<QualityWarningName, WarningHysteresis>>;
}

let defaultSettings: WarningSettings | undefined;

/** The thresholds and the hysteresis of each warning that `options` make, checked. */
function warningSettings(options: QualityWarningOptions): WarningSettings {
  const common = { ...DEFAULT_WARNING_HYSTERESIS, ...options.hysteresis };
  const byName = {} as Record<QualityWarningName, WarningHysteresis>;
  for (const name of QUALITY_WARNING_NAMES) {
    byName[name] = checkHysteresis(name, { ...common, ...options.hysteresisByWarning?.[name] });
  }
  return { thresholds: Object.freeze({ ...DEFAULT_QUALITY_THRESHOLDS, ...options.thresholds }), hysteresis: Object.freeze(byName) };
}

/**
 * Judges reports one after another and keeps each warning's state.
 *
 * Rules, per warning: it is raised when at least `raiseCount` of the last `raiseWindow` reports were
 * bad, and cleared after `clearCount` good reports in a row. An unknown value (`null`) is never bad:
 * it takes a place in the raise window without counting, and it neither extends nor breaks a run of
 * good reports. Once cleared, a warning starts from an empty window, so reports from before it cleared
 * cannot raise it again.
 */
export class QualityWarningTracker {
  private readonly thresholds: QualityThresholds;
  private readonly hysteresis: Readonly<Record<QualityWarningName, WarningHysteresis>>;
  private readonly tracks = new Map<QualityWarningName, WarningTrack>();

  /** @throws RangeError when a hysteresis setting is not a positive integer or `raiseCount > raiseWindow`. */
  constructor(options: QualityWarningOptions = {}) {
    const customized = options.thresholds !== undefined || options.hysteresis !== undefined || options.hysteresisByWarning !== undefined;
    // Every call's tracker shares the defaults (frozen) instead of a copy of its own.
    const settings = customized ? warningSettings(options) : (defaultSettings ??= warningSettings({}));
    this.thresholds = settings.thresholds;
    this.hysteresis = settings.hysteresis;
    this.reset();
  }

  /** The warnings active now, in {@link QUALITY_WARNING_NAMES} order. */
  get active(): readonly QualityWarning[] {
    return Object.freeze(
      QUALITY_WARNING_NAMES.map((name) => this.tracks.get(name)?.active ?? null).filter(
        (warning): warning is QualityWarning => warning !== null,
      ),
    );
  }

  /**
   * Judge one report.
   *
   * @param inputs - the report's figures.
   * @param at - the report's time in epoch ms, recorded as `raisedAt` of what it raises.
   */
  update(inputs: WarningInputs, at: number): WarningUpdate {
    const raised: QualityWarningName[] = [];
    const cleared: QualityWarningName[] = [];
    for (const name of QUALITY_WARNING_NAMES) {
      const track = this.tracks.get(name)!;
      const h = this.hysteresis[name];
      const verdict = verdictOf(name, inputs, this.thresholds);
      track.recent.push(verdict);
      if (track.recent.length > h.raiseWindow) track.recent.shift();

      if (track.active === null) {
        const bad = track.recent.filter((v) => v === true).length;
        if (bad >= h.raiseCount) {
          track.active = Object.freeze({ name, raisedAt: at, threshold: thresholdOf(name, this.thresholds) });
          track.goodStreak = 0;
          raised.push(name);
        }
      } else if (verdict === true) {
        track.goodStreak = 0;
      } else if (verdict === false) {
        track.goodStreak += 1;
        if (track.goodStreak >= h.clearCount) {
          this.tracks.set(name, { recent: [], goodStreak: 0, active: null });
          cleared.push(name);
        }
      }
    }
    return Object.freeze({ active: this.active, raised: Object.freeze(raised), cleared: Object.freeze(cleared) });
  }

  /** Forget every verdict and clear every warning silently (for example when a call goes on hold). */
  reset(): void {
    for (const name of QUALITY_WARNING_NAMES) this.tracks.set(name, { recent: [], goodStreak: 0, active: null });
  }
}
