/**
 * The video figures of a `getStats()` report and what changed between two of them: frames per
 * second, resolution, freezes and packet loss, received and sent.
 *
 * @packageDocumentation
 */
import type { RtcStat, StatsReportLike } from '../../machines/port';

/** The video figures of one report (cumulative counters, as the browser gives them). */
export interface VideoSample {
  readonly timestamp: number | null;
  /** Received video `inbound-rtp`: `framesDecoded`, `framesPerSecond`, `frameWidth`/`frameHeight`. */
  readonly framesDecoded: number | null;
  readonly framesPerSecond: number | null;
  readonly frameWidth: number | null;
  readonly frameHeight: number | null;
  /** `freezeCount` and `totalFreezesDuration` (converted to ms). */
  readonly freezeCount: number | null;
  readonly totalFreezesDurationMs: number | null;
  readonly packetsReceived: number | null;
  readonly packetsLost: number | null;
  /** Sent video `outbound-rtp`: `framesSent`, `framesPerSecond`, `frameWidth`/`frameHeight`. */
  readonly framesSent: number | null;
  readonly sentFramesPerSecond: number | null;
  readonly sentFrameWidth: number | null;
  readonly sentFrameHeight: number | null;
}

/** The video part of a quality report: figures of the interval between two samples, received and sent. */
export interface VideoMeasurement {
  /** Frames per second received: the browser's figure, else frames decoded over the interval. */
  readonly framesPerSecond: number | null;
  /** Resolution of the received video, in pixels. */
  readonly frameWidth: number | null;
  readonly frameHeight: number | null;
  /** Freezes of the received video in the interval, and how long they lasted (ms). */
  readonly freezes: number | null;
  readonly freezeDurationMs: number | null;
  /** Received video packets lost in the interval, and lost ÷ (received + lost) × 100. */
  readonly packetsLost: number | null;
  readonly lossPercent: number | null;
  /** Frames per second and resolution we send. */
  readonly sentFramesPerSecond: number | null;
  readonly sentFrameWidth: number | null;
  readonly sentFrameHeight: number | null;
}

const num = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

function isVideo(stat: RtcStat): boolean {
  return stat.kind === 'video' || (stat.kind === undefined && stat.mediaType === 'video');
}

/** Pick the stream that carried the most packets (a call that re-added video has an old, idle one). */
function busiest(stats: readonly RtcStat[], type: string, counter: string): RtcStat | undefined {
  return stats
    .filter((stat) => stat.type === type && isVideo(stat) && stat.isRemote !== true)
    .sort((a, b) => (num(b[counter]) ?? 0) - (num(a[counter]) ?? 0))[0];
}

/** Read the video figures of a report; `null` when the report has no video stream at all. */
export function readVideoSample(report: StatsReportLike): VideoSample | null {
  const stats = Array.from(report.values());
  const inbound = busiest(stats, 'inbound-rtp', 'packetsReceived');
  const outbound = busiest(stats, 'outbound-rtp', 'packetsSent');
  if (!inbound && !outbound) return null;
  const freezes = num(inbound?.totalFreezesDuration);
  return Object.freeze({
    timestamp: num(inbound?.timestamp) ?? num(outbound?.timestamp),
    framesDecoded: num(inbound?.framesDecoded),
    framesPerSecond: num(inbound?.framesPerSecond),
    frameWidth: num(inbound?.frameWidth),
    frameHeight: num(inbound?.frameHeight),
    freezeCount: num(inbound?.freezeCount),
    totalFreezesDurationMs: freezes === null ? null : freezes * 1000,
    packetsReceived: num(inbound?.packetsReceived),
    packetsLost: num(inbound?.packetsLost),
    framesSent: num(outbound?.framesSent),
    sentFramesPerSecond: num(outbound?.framesPerSecond),
    sentFrameWidth: num(outbound?.frameWidth),
    sentFrameHeight: num(outbound?.frameHeight),
  });
}

function growth(previous: number | null | undefined, current: number | null): number | null {
  if (previous === null || previous === undefined || current === null) return null;
  return current >= previous ? current - previous : null;
}

/** Compare two video samples. Pure. */
export function measureVideo(previous: VideoSample | null, current: VideoSample): VideoMeasurement {
  const intervalMs = growth(previous?.timestamp, current.timestamp);
  const decoded = growth(previous?.framesDecoded, current.framesDecoded);
  const sent = growth(previous?.framesSent, current.framesSent);
  const received = growth(previous?.packetsReceived, current.packetsReceived);
  const lostRaw = previous && previous.packetsLost !== null && current.packetsLost !== null && received !== null ? current.packetsLost - previous.packetsLost : null;
  const lost = lostRaw === null ? null : Math.max(0, lostRaw);
  const rate = (frames: number | null) => (frames !== null && intervalMs !== null && intervalMs > 0 ? (frames * 1000) / intervalMs : null);
  return Object.freeze({
    framesPerSecond: current.framesPerSecond ?? rate(decoded),
    frameWidth: current.frameWidth,
    frameHeight: current.frameHeight,
    freezes: growth(previous?.freezeCount, current.freezeCount),
    freezeDurationMs: growth(previous?.totalFreezesDurationMs, current.totalFreezesDurationMs),
    packetsLost: lost,
    lossPercent: received !== null && lost !== null && received + lost > 0 ? (lost / (received + lost)) * 100 : null,
    sentFramesPerSecond: current.sentFramesPerSecond ?? rate(sent),
    sentFrameWidth: current.sentFrameWidth,
    sentFrameHeight: current.sentFrameHeight,
  });
}
