import type { RtcStat } from '../../machines/port';

/** Packets per second of a 20 ms audio frame size. */
const packetsPerSecond = 50;
const bytesPerPacket = 160;

/**
 * A small, deterministic stand-in for `RTCPeerConnection.getStats()` on an audio call.
 *
 * Counters grow with the time since the call was confirmed (`Date.now()`, so Jest's fake clock moves
 * them); nothing is lost, jitter and round-trip time are constant.
 *
 * @param confirmedAt `Date.now()` when the call was confirmed
 * @param now the current `Date.now()`
 */
export function syntheticStats(confirmedAt: number, now: number): Map<string, RtcStat> {
  const elapsedMs = Math.max(0, now - confirmedAt);
  const packets = Math.floor((elapsedMs * packetsPerSecond) / 1000);
  const entries: RtcStat[] = [
    { id: 'codec-opus', type: 'codec', timestamp: now, mimeType: 'audio/opus', clockRate: 48000, channels: 2, payloadType: 111 },
    {
      id: 'inbound-audio', type: 'inbound-rtp', timestamp: now, kind: 'audio', codecId: 'codec-opus',
      packetsReceived: packets, packetsLost: 0, jitter: 0.002, bytesReceived: packets * bytesPerPacket,
      concealedSamples: 0, totalSamplesReceived: packets * 960,
    },
    {
      id: 'outbound-audio', type: 'outbound-rtp', timestamp: now, kind: 'audio', codecId: 'codec-opus',
      packetsSent: packets, bytesSent: packets * bytesPerPacket,
    },
    {
      id: 'remote-inbound-audio', type: 'remote-inbound-rtp', timestamp: now, kind: 'audio',
      localId: 'outbound-audio', roundTripTime: 0.02, fractionLost: 0, packetsLost: 0, jitter: 0.002,
    },
    {
      id: 'candidate-pair', type: 'candidate-pair', timestamp: now, state: 'succeeded', nominated: true,
      currentRoundTripTime: 0.02,
    },
  ];
  return new Map(entries.map((entry) => [entry.id, entry]));
}
