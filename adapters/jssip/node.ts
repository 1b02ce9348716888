/**
 * Run JsSIP calls in Node: JsSIP reads `window.RTCPeerConnection`, the global `WebSocket`,
 * `RTCSessionDescription` and (without a given stream) `navigator.mediaDevices`. This installs them
 * from `ws` and `@roamhq/wrtc` (both optional: only tests and Node users import this file), and makes
 * audio streams from a generated tone, so no capture device is needed.
 *
 * Note: outside a network namespace, WebRTC in Node gathers every address of the machine.
 */
import * as wrtc from '@roamhq/wrtc';
import WebSocket from 'ws';

const GLOBALS = [
  'RTCPeerConnection',
  'RTCSessionDescription',
  'RTCIceCandidate',
  'MediaStream',
  'MediaStreamTrack',
  'RTCRtpSender',
  'RTCRtpReceiver',
  'RTCRtpTransceiver',
] as const;

/** Install `window`, `WebSocket`, the WebRTC classes and `navigator.mediaDevices` where missing. */
export function installNodeWebRtc(): void {
  const g = globalThis as Record<string, unknown>;
  if (g.window === undefined) g.window = globalThis;
  if (g.WebSocket === undefined) g.WebSocket = WebSocket;
  const source = wrtc as unknown as Record<string, unknown>;
  for (const name of GLOBALS) if (g[name] === undefined && source[name] !== undefined) g[name] = source[name];
  const nav = (g.navigator ?? {}) as Record<string, unknown>;
  if (nav.mediaDevices === undefined) {
    try {
      nav.mediaDevices = wrtc.mediaDevices;
    } catch {
      // Node ≥ 21 has a read-only global navigator without mediaDevices; pass `mediaStream` instead.
    }
  }
  if (g.navigator === undefined) g.navigator = nav;
}

/** A live audio stream made from a generated tone. */
export interface ToneStream {
  readonly stream: MediaStream;
  /** Stop feeding samples and end the track. */
  stop(): void;
}

/** A mono 48 kHz audio stream playing a sine tone (10 ms frames), for calls without a microphone. */
export function createToneStream(frequencyHz = 440, amplitude = 0.2): ToneStream {
  const source = new wrtc.nonstandard.RTCAudioSource();
  const track = source.createTrack();
  const sampleRate = 48000;
  const frames = sampleRate / 100;
  let phase = 0;
  const timer = setInterval(() => {
    const samples = new Int16Array(frames);
    for (let i = 0; i < frames; i++) {
      samples[i] = Math.round(Math.sin(phase) * amplitude * 32767);
      phase += (2 * Math.PI * frequencyHz) / sampleRate;
    }
    source.onData({ samples, sampleRate, bitsPerSample: 16, channelCount: 1, numberOfFrames: frames });
  }, 10);
  const stream = new wrtc.MediaStream([track]) as unknown as MediaStream;
  return {
    stream,
    stop() {
      clearInterval(timer);
      track.stop();
    },
  };
}
