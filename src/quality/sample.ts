/**
 * Reading the audio figures of one `getStats()` report into a typed {@link MediaSample}.
 *
 * @packageDocumentation
 */
import type { RtcStat, StatsReportLike } from '../../machines/port';

/**
 * The audio figures of one `getStats()` report. Counters are cumulative since the stream started, as
 * the browser reports them; durations are in milliseconds. A figure the report does not carry is
 * `null`, never `NaN`.
 */
export interface MediaSample {
  /** When the browser took the figures (the `inbound-rtp` timestamp, else the newest one), in epoch ms. */
  readonly timestamp: number | null;
  /** Audio `inbound-rtp` `packetsReceived`. */
  readonly packetsReceived: number | null;
  /** Audio `inbound-rtp` `packetsLost` (may be negative when duplicates arrive). */
  readonly packetsLost: number | null;
  /** Audio `inbound-rtp` `bytesReceived` (payload bytes). */
  readonly bytesReceived: number | null;
  /** Audio `inbound-rtp` `jitter`, converted from seconds to milliseconds. */
  readonly jitterMs: number | null;
  /** Audio `inbound-rtp` `audioLevel`: the level of the received audio at this instant, 0..1. */
  readonly audioLevel: number | null;
  /** Audio `inbound-rtp` `totalAudioEnergy` (sum of squared levels × sample durations in seconds). */
  readonly totalAudioEnergy: number | null;
  /** Audio `inbound-rtp` `totalSamplesDuration`, converted from seconds to milliseconds. */
  readonly totalSamplesDurationMs: number | null;
  /** Audio `inbound-rtp` `concealedSamples`: samples the jitter buffer had to invent. */
  readonly concealedSamples: number | null;
  /** Audio `inbound-rtp` `totalSamplesReceived`. */
  readonly totalSamplesReceived: number | null;
  /** Audio `outbound-rtp` `packetsSent`. */
  readonly packetsSent: number | null;
  /** Audio `outbound-rtp` `bytesSent` (payload bytes). */
  readonly bytesSent: number | null;
  /** Audio `remote-inbound-rtp` `roundTripTime` (from RTCP), converted from seconds to milliseconds. */
  readonly remoteRoundTripTimeMs: number | null;
  /** Audio `remote-inbound-rtp` `fractionLost`: the far end's loss of our audio in its last RTCP report, 0..1. */
  readonly remoteFractionLost: number | null;
  /** The selected `candidate-pair` `currentRoundTripTime` (from STUN), converted from seconds to milliseconds. */
  readonly candidatePairRoundTripTimeMs: number | null;
  /** The received (else sent) audio codec without its media type, as the browser spells it: `opus`, `PCMU`. */
  readonly codec: string | null;
}

/** A sample with every figure missing: what an empty report (no media yet) reads as. */
export const EMPTY_MEDIA_SAMPLE: MediaSample = Object.freeze({
  timestamp: null,
  packetsReceived: null,
  packetsLost: null,
  bytesReceived: null,
  jitterMs: null,
  audioLevel: null,
  totalAudioEnergy: null,
  totalSamplesDurationMs: null,
  concealedSamples: null,
  totalSamplesReceived: null,
  packetsSent: null,
  bytesSent: null,
  remoteRoundTripTimeMs: null,
  remoteFractionLost: null,
  candidatePairRoundTripTimeMs: null,
  codec: null,
});

function numberOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function secondsToMs(value: unknown): number | null {
  const seconds = numberOrNull(value);
  return seconds === null ? null : seconds * 1000;
}

function isAudio(stat: RtcStat): boolean {
  // `mediaType` is the pre-2020 spelling some browsers still send next to (or instead of) `kind`.
  return stat.kind === 'audio' || (stat.kind === undefined && stat.mediaType === 'audio');
}

function isLocalRtp(stat: RtcStat): boolean {
  // Old Chromium reported the far end's RTCP view as `inbound-rtp`/`outbound-rtp` with `isRemote: true`.
  return stat.isRemote !== true;
}

function findSelectedCandidatePair(stats: readonly RtcStat[], byId: ReadonlyMap<string, RtcStat>): RtcStat | undefined {
  for (const stat of stats) {
    if (stat.type !== 'transport' || typeof stat.selectedCandidatePairId !== 'string') continue;
    const pair = byId.get(stat.selectedCandidatePairId);
    if (pair?.type === 'candidate-pair') return pair;
  }
  const pairs = stats.filter((stat) => stat.type === 'candidate-pair');
  return (
    pairs.find((pair) => pair.selected === true) ??
    pairs.find((pair) => pair.nominated === true && pair.state === 'succeeded')
  );
}

function codecName(codecId: unknown, byId: ReadonlyMap<string, RtcStat>): string | null {
  if (typeof codecId !== 'string') return null;
  const mimeType = byId.get(codecId)?.mimeType;
  if (typeof mimeType !== 'string' || mimeType.length === 0) return null;
  const slash = mimeType.indexOf('/');
  return slash === -1 ? mimeType : mimeType.slice(slash + 1);
}

/**
 * Read the audio figures of a `getStats()` report.
 *
 * Takes the first audio `inbound-rtp` and `outbound-rtp`, the `remote-inbound-rtp` that describes
 * that `outbound-rtp` (else the first audio one), and the selected `candidate-pair`: the one named
 * by `transport.selectedCandidatePairId`, else the one marked `selected` (Firefox), else a
 * `nominated` one whose `state` is `succeeded`.
 *
 * @param report - an `RTCStatsReport` or anything with the same `values()`.
 * @returns a frozen sample; figures the report lacks are `null`.
 */
export function readMediaSample(report: StatsReportLike): MediaSample {
  const stats = Array.from(report.values());
  const byId = new Map(stats.map((stat) => [stat.id, stat] as const));

  const inbound = stats.find((stat) => stat.type === 'inbound-rtp' && isAudio(stat) && isLocalRtp(stat));
  const outbound = stats.find((stat) => stat.type === 'outbound-rtp' && isAudio(stat) && isLocalRtp(stat));
  const remoteInbounds = stats.filter((stat) => stat.type === 'remote-inbound-rtp' && isAudio(stat));
  const remoteInbound =
    (outbound && remoteInbounds.find((stat) => stat.localId === outbound.id)) ?? remoteInbounds[0];
  const pair = findSelectedCandidatePair(stats, byId);

  const timestamps = stats.map((stat) => numberOrNull(stat.timestamp)).filter((t): t is number => t !== null);
  const newest = timestamps.length > 0 ? Math.max(...timestamps) : null;

  return Object.freeze({
    timestamp: numberOrNull(inbound?.timestamp) ?? newest,
    packetsReceived: numberOrNull(inbound?.packetsReceived),
    packetsLost: numberOrNull(inbound?.packetsLost),
    bytesReceived: numberOrNull(inbound?.bytesReceived),
    jitterMs: secondsToMs(inbound?.jitter),
    audioLevel: numberOrNull(inbound?.audioLevel),
    totalAudioEnergy: numberOrNull(inbound?.totalAudioEnergy),
    totalSamplesDurationMs: secondsToMs(inbound?.totalSamplesDuration),
    concealedSamples: numberOrNull(inbound?.concealedSamples),
    totalSamplesReceived: numberOrNull(inbound?.totalSamplesReceived),
    packetsSent: numberOrNull(outbound?.packetsSent),
    bytesSent: numberOrNull(outbound?.bytesSent),
    remoteRoundTripTimeMs: secondsToMs(remoteInbound?.roundTripTime),
    remoteFractionLost: numberOrNull(remoteInbound?.fractionLost),
    candidatePairRoundTripTimeMs: secondsToMs(pair?.currentRoundTripTime),
    codec: codecName(inbound?.codecId, byId) ?? codecName(outbound?.codecId, byId),
  });
}
