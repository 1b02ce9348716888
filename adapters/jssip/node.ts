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
  return generatedStream(track, timer);
}

/** A stream of one generated track, fed by `timer` until it is stopped. */
function generatedStream(track: MediaStreamTrack, timer: ReturnType<typeof setInterval>): ToneStream {
  const stream = new wrtc.MediaStream([track]) as unknown as MediaStream;
  return {
    stream,
    stop() {
      clearInterval(timer);
      track.stop();
    },
  };
}

/** A live video stream of generated frames (a moving grey ramp, I420), for video calls without a camera. */
export function createCameraStream(width = 320, height = 240, fps = 15): ToneStream {
  const source = new wrtc.nonstandard.RTCVideoSource();
  const track = source.createTrack();
  const data = new Uint8Array(width * height * 1.5);
  let frame = 0;
  const timer = setInterval(() => {
    frame += 1;
    for (let y = 0; y < height; y++) data.fill((y + frame * 4) & 0xff, y * width, (y + 1) * width);
    data.fill(128, width * height);
    source.onFrame({ width, height, data });
  }, Math.round(1000 / fps));
  return generatedStream(track, timer);
}

/**
 * `navigator.mediaDevices` for Node: getUserMedia gives a generated tone for audio and generated
 * frames for video (each call a new stream, stopped by `stopAll`); there is no screen to capture.
 */
export function createNodeMediaDevices(): { getUserMedia(constraints: MediaStreamConstraints): Promise<MediaStream>; stopAll(): void } {
  const made: ToneStream[] = [];
  return {
    getUserMedia(constraints) {
      const tracks: MediaStreamTrack[] = [];
      if (constraints.audio) {
        const tone = createToneStream();
        made.push(tone);
        tracks.push(...tone.stream.getTracks());
      }
      if (constraints.video) {
        const camera = createCameraStream();
        made.push(camera);
        tracks.push(...camera.stream.getTracks());
      }
      return Promise.resolve(new wrtc.MediaStream(tracks as never) as unknown as MediaStream);
    },
    stopAll() {
      for (const stream of made.splice(0)) stream.stop();
    },
  };
}
