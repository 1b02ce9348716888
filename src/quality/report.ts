/**
 * The call-quality report: what changed between two {@link MediaSample}s, a MOS estimate, and the
 * active warnings.
 *
 * @packageDocumentation
 */
import type { StatsReportLike } from '../../machines/port';
import { DEFAULT_MOS_CONSTANTS, estimateMos, type EModelConstants } from './mos';
import { readMediaSample, type MediaSample } from './sample';
import { measureVideo, readVideoSample, type VideoMeasurement, type VideoSample } from './video';
import {
  QualityWarningTracker,
  type QualityWarning,
  type QualityWarningName,
  type QualityWarningOptions,
} from './warnings';

/** Cumulative figures since the media started. */
export interface QualityTotals {
  /** Packets received. */
  readonly packetsReceived: number | null;
  /** Packets lost on the way to us (never below 0). */
  readonly packetsLost: number | null;
  /** Packets sent. */
  readonly packetsSent: number | null;
  /** Payload bytes received. */
  readonly bytesReceived: number | null;
  /** Payload bytes sent. */
  readonly bytesSent: number | null;
  /** Lost ÷ (received + lost) × 100; `null` before any packet was expected. */
  readonly lossPercent: number | null;
}

/**
 * The measurable part of a report: figures of the interval between two samples. Interval figures are
 * `null` on the first report (there is no previous sample) and when a counter went backwards (the
 * stream was replaced, so its counters restarted).
 */
export interface QualityMeasurement {
  /** Length of the interval by the browser's timestamps, in ms; `null` on the first report. */
  readonly intervalMs: number | null;
  /** Round-trip time from RTCP (`remote-inbound-rtp`), else from STUN (the selected candidate pair), in ms. */
  readonly rttMs: number | null;
  /** Current jitter of the received audio, in ms. */
  readonly jitterMs: number | null;
  /** Packets received in the interval. */
  readonly packetsReceived: number | null;
  /** Packets lost on the way to us in the interval (never below 0). */
  readonly packetsLost: number | null;
  /** Received-packet loss in the interval: lost ÷ (received + lost) × 100; `null` when nothing was expected. */
  readonly lossPercent: number | null;
  /** Loss of our audio at the far end, from its last RTCP report (`fractionLost` × 100). */
  readonly remoteLossPercent: number | null;
  /** Received payload bitrate over the interval, in kbit/s. */
  readonly bitrateInKbps: number | null;
  /** Sent payload bitrate over the interval, in kbit/s. */
  readonly bitrateOutKbps: number | null;
  /**
   * Level of the received audio, 0..1: the RMS over the interval from `totalAudioEnergy` and
   * `totalSamplesDuration` when both moved, else the browser's instantaneous `audioLevel`.
   */
  readonly audioLevel: number | null;
  /** Share of the received audio samples the jitter buffer had to conceal in the interval, in percent. */
  readonly concealedPercent: number | null;
  /** Audio codec, e.g. `opus`. */
  readonly codec: string | null;
  /** MOS estimate (1..4.5) from `rttMs`, `jitterMs` and `lossPercent`; `null` when one of them is. */
  readonly mos: number | null;
  /** Cumulative figures. */
  readonly totals: QualityTotals;
}

/** One call-quality report. A plain frozen object. */
export interface CallQualityReport extends QualityMeasurement {
  /** When the report was made, in epoch ms (the reporter's clock). */
  readonly at: number;
  /** The video streams' figures; `null` when the call has no video. */
  readonly video: VideoMeasurement | null;
  /** Warnings active after this report. */
  readonly warnings: readonly QualityWarning[];
  /** Warnings this report raised. */
  readonly raisedWarnings: readonly QualityWarningName[];
  /** Warnings this report cleared. */
  readonly clearedWarnings: readonly QualityWarningName[];
}

/** A counter's growth, or `null` when either end is unknown or the counter went backwards. */
function growth(previous: number | null | undefined, current: number | null): number | null {
  if (previous === null || previous === undefined || current === null) return null;
  return current >= previous ? current - previous : null;
}

function lossPercentOf(received: number | null, lost: number | null): number | null {
  if (received === null || lost === null) return null;
  const expected = received + lost;
  return expected > 0 ? (lost / expected) * 100 : null;
}

function kbps(bytes: number | null, intervalMs: number | null): number | null {
  if (bytes === null || intervalMs === null || intervalMs <= 0) return null;
  return (bytes * 8) / intervalMs;
}

function nonNegative(value: number | null): number | null {
  return value === null ? null : Math.max(0, value);
}

function intervalAudioLevel(previous: MediaSample | null, current: MediaSample): number | null {
  const energy = growth(previous?.totalAudioEnergy, current.totalAudioEnergy);
  const durationMs = growth(previous?.totalSamplesDurationMs, current.totalSamplesDurationMs);
  if (energy !== null && durationMs !== null && durationMs > 0) {
    return Math.min(1, Math.sqrt(energy / (durationMs / 1000)));
  }
  return current.audioLevel;
}

/**
 * Compare two samples. Pure.
 *
 * @param previous - the sample of the previous report, or `null` for the first report.
 * @param current - the sample just taken.
 * @param mosConstants - E-model constants ({@link DEFAULT_MOS_CONSTANTS}: Twilio's variant).
 */
export function measureQuality(
  previous: MediaSample | null,
  current: MediaSample,
  mosConstants: EModelConstants = DEFAULT_MOS_CONSTANTS,
): QualityMeasurement {
  const intervalMs = growth(previous?.timestamp, current.timestamp);
  const packetsReceived = growth(previous?.packetsReceived, current.packetsReceived);
  // packetsLost may shrink when late duplicates arrive, so its difference is floored rather than
  // discarded; a reset is recognised by packetsReceived going backwards.
  const lostDifference =
    previous === null || previous.packetsLost === null || current.packetsLost === null || packetsReceived === null
      ? null
      : current.packetsLost - previous.packetsLost;
  const packetsLost = nonNegative(lostDifference);
  const lossPercent = lossPercentOf(packetsReceived, packetsLost);
  const rttMs = current.remoteRoundTripTimeMs ?? current.candidatePairRoundTripTimeMs;
  const jitterMs = current.jitterMs;

  const concealed = growth(previous?.concealedSamples, current.concealedSamples);
  const samples = growth(previous?.totalSamplesReceived, current.totalSamplesReceived);
  const concealedPercent = concealed !== null && samples !== null && samples > 0 ? (concealed / samples) * 100 : null;

  const mos =
    rttMs === null || jitterMs === null || lossPercent === null
      ? null
      : estimateMos({ rttMs, jitterMs, lossPercent }, mosConstants);

  const totalLost = nonNegative(current.packetsLost);
  return Object.freeze({
    intervalMs,
    rttMs,
    jitterMs,
    packetsReceived,
    packetsLost,
    lossPercent,
    remoteLossPercent: current.remoteFractionLost === null ? null : current.remoteFractionLost * 100,
    bitrateInKbps: kbps(growth(previous?.bytesReceived, current.bytesReceived), intervalMs),
    bitrateOutKbps: kbps(growth(previous?.bytesSent, current.bytesSent), intervalMs),
    audioLevel: intervalAudioLevel(previous, current),
    concealedPercent,
    codec: current.codec,
    mos,
    totals: Object.freeze({
      packetsReceived: current.packetsReceived,
      packetsLost: totalLost,
      packetsSent: current.packetsSent,
      bytesReceived: current.bytesReceived,
      bytesSent: current.bytesSent,
      lossPercent: lossPercentOf(current.packetsReceived, totalLost),
    }),
  });
}

/** Options of a {@link QualityReporter}. */
export interface QualityReporterOptions {
  /** Thresholds and hysteresis of the warnings. */
  readonly warnings?: QualityWarningOptions;
  /** E-model constants for the MOS ({@link DEFAULT_MOS_CONSTANTS}: Twilio's variant). */
  readonly mosConstants?: EModelConstants;
  /** Clock for each report's `at`, in epoch ms (`Date.now` by default). */
  readonly now?: () => number;
}

/** Per-report circumstances a {@link QualityReporter} cannot read from the stats. */
export interface QualityReportContext {
  /**
   * Whether audio should be arriving: the call is confirmed and not on hold. Defaults to `true`.
   * `no-audio-received` is only judged while it is `true`.
   */
  readonly audioExpected?: boolean;
  /** Whether the far end's video should be arriving; the video warnings are judged only then. Defaults to `false`. */
  readonly videoExpected?: boolean;
}

/**
 * Turns successive `getStats()` reports of one call into {@link CallQualityReport}s: keeps the
 * previous sample for the deltas and the warning state for the hysteresis.
 */
export class QualityReporter {
  private previous: MediaSample | null = null;
  private previousVideo: VideoSample | null = null;
  private readonly warnings: QualityWarningTracker;
  private readonly mosConstants: EModelConstants;
  private readonly now: () => number;

  /** @throws RangeError when the warning hysteresis options are invalid. */
  constructor(options: QualityReporterOptions = {}) {
    this.warnings = new QualityWarningTracker(options.warnings);
    this.mosConstants = options.mosConstants ?? DEFAULT_MOS_CONSTANTS;
    this.now = options.now ?? Date.now;
  }

  /** Read a `getStats()` report and make the next quality report from it. */
  next(stats: StatsReportLike, context: QualityReportContext = {}): CallQualityReport {
    return this.nextSample(readMediaSample(stats), context, readVideoSample(stats));
  }

  /** Make the next quality report from a sample already read. */
  nextSample(sample: MediaSample, context: QualityReportContext = {}, videoSample: VideoSample | null = null): CallQualityReport {
    const measurement = measureQuality(this.previous, sample, this.mosConstants);
    const video = videoSample ? measureVideo(this.previousVideo, videoSample) : null;
    this.previous = sample;
    this.previousVideo = videoSample;
    const at = this.now();
    const update = this.warnings.update(
      {
        ...measurement,
        audioExpected: context.audioExpected ?? true,
        videoExpected: (context.videoExpected ?? false) && video !== null,
        videoFramesPerSecond: video?.framesPerSecond ?? null,
        videoFreezes: video?.freezes ?? null,
      },
      at,
    );
    return Object.freeze({
      ...measurement,
      at,
      video,
      warnings: update.active,
      raisedWarnings: update.raised,
      clearedWarnings: update.cleared,
    });
  }

  /** Start over: the next report is a first report again (no deltas, no MOS) and no warning is active. */
  reset(): void {
    this.previous = null;
    this.previousVideo = null;
    this.warnings.reset();
  }
}
