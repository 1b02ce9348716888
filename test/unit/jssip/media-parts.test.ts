/**
 * The JsSIP adapter's media parts that need no browser: how a browser's media error is told apart,
 * the getUserMedia constraints built from the phone's device ids, how a re-INVITE's offer is read for
 * video, and the answer that rejects a declined video stream.
 */
import { endCauseOfMediaFailure, mediaFailureOf } from '../../../machines/media-errors';
import { mediaOptionsOf } from '../../../adapters/jssip/call';
import { CallMedia, offersActiveVideo } from '../../../adapters/jssip/media';
import { silentLogger } from '../../../adapters/jssip/exception-barrier';

const error = (name: string, extra: Record<string, unknown> = {}) => Object.assign(new Error('x'), { name, ...extra });

describe('media failures told apart', () => {
  it.each([
    ['NotFoundError', {}, 'no-such-device', 'no-such-device'],
    ['NotAllowedError', {}, 'denied', 'user-denied-media'],
    ['NotReadableError', {}, 'in-use', 'device-in-use'],
    ['OverconstrainedError', { constraint: 'width' }, 'constraints-impossible', 'constraints-impossible'],
    ['OverconstrainedError', { constraint: 'deviceId' }, 'no-such-device', 'no-such-device'],
    ['NotSupportedError', {}, 'not-supported', 'media-failure'],
    ['WhateverError', {}, 'failed', 'media-failure'],
  ] as const)('%s %j → %s, ends a call as %s', (name, extra, failure, cause) => {
    expect(mediaFailureOf(error(name, extra))).toBe(failure);
    expect(endCauseOfMediaFailure(mediaFailureOf(error(name, extra)))).toBe(cause);
  });
});

describe('device ids in the constraints', () => {
  it('the chosen microphone and camera are asked for exactly; video only for a video call', () => {
    const deviceIds = { microphoneId: 'mic-2', cameraId: 'cam-2' };
    expect(mediaOptionsOf({ video: true, deviceIds }, undefined).mediaConstraints).toEqual({
      audio: { deviceId: { exact: 'mic-2' } },
      video: { deviceId: { exact: 'cam-2' } },
    });
    expect(mediaOptionsOf({ deviceIds }, undefined).mediaConstraints).toEqual({ audio: { deviceId: { exact: 'mic-2' } }, video: false });
    expect(mediaOptionsOf({}, undefined).mediaConstraints).toEqual({ audio: true, video: false });
  });
});

const OFFER = [
  'v=0',
  'o=- 1 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0 1',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111',
  'a=mid:0',
  'a=sendrecv',
  'm=video 9 UDP/TLS/RTP/SAVPF 96',
  'a=mid:1',
  'a=inactive',
  '',
].join('\r\n');

describe('reading and answering video offers', () => {
  it('an offer adds video when its video stream is on a port and not inactive', () => {
    expect(offersActiveVideo(OFFER)).toBe(false);
    expect(offersActiveVideo(OFFER.replace('a=inactive', 'a=sendrecv'))).toBe(true);
    expect(offersActiveVideo(OFFER.replace('m=video 9', 'm=video 0').replace('a=inactive', 'a=sendrecv'))).toBe(false);
  });

  it('a declined video stream is answered on port 0 and leaves the BUNDLE group; other answers are left alone', async () => {
    const transceiver = {
      mid: '1',
      direction: 'sendrecv',
      currentDirection: null,
      receiver: { track: { kind: 'video' } },
      sender: { track: null },
      stop() {
        this.direction = 'stopped';
      },
    };
    const pc = {
      createAnswer: () => Promise.resolve({ type: 'answer', sdp: '' }),
      getTransceivers: () => [transceiver],
      addEventListener: () => undefined,
    } as unknown as RTCPeerConnection;
    const emitted: string[] = [];
    const media = new CallMedia({
      logger: silentLogger,
      devices: null,
      session: () => null,
      peerConnection: () => pc,
      localStream: () => null,
      emit: (event) => emitted.push(event.type),
      offerBlocked: () => null,
      ended: () => false,
    });
    media.attach(pc);
    // The offer waits for the app's answer; the call tells it in the re-INVITE's SIP.REINVITE (videoOffered).
    expect(media.remoteOffer(OFFER.replace('a=inactive', 'a=sendrecv'))).not.toBeNull();
    expect(emitted).toEqual([]);
    const answer = pc.createAnswer();
    expect(media.answerOffer(false, undefined)).toBe(true);
    await answer;
    expect(transceiver.direction).toBe('stopped');
    const rewritten = media.rewriteAnswer(OFFER);
    expect(rewritten).toContain('\r\nm=video 0 UDP/TLS/RTP/SAVPF 96\r\n');
    expect(rewritten).toContain('a=group:BUNDLE 0\r\n');
    expect(rewritten).toContain('\r\nm=audio 9 ');
    expect(media.rewriteAnswer(OFFER)).toBe(OFFER);
  });
});

describe('captures the call made itself end with the call', () => {
  /** A track that records whether it was stopped. */
  const track = (kind: 'audio' | 'video', label: string) => ({
    kind,
    label,
    enabled: true,
    readyState: 'live' as 'live' | 'ended',
    stop() {
      this.readyState = 'ended';
    },
    addEventListener: () => undefined,
  });

  function swapRig() {
    const first = track('video', 'camera one');
    const second = track('video', 'camera two');
    const screen = track('video', 'screen');
    const sender = {
      track: first as unknown,
      replaceTrack(next: unknown) {
        this.track = next;
        return Promise.resolve();
      },
    };
    const pc = {
      getSenders: () => [sender],
      getTransceivers: () => [{ mid: '1', direction: 'sendrecv', currentDirection: 'sendrecv', receiver: { track: { kind: 'video' } }, sender }],
      addEventListener: () => undefined,
    } as unknown as RTCPeerConnection;
    const media = new CallMedia({
      logger: silentLogger,
      devices: {
        getUserMedia: () => Promise.resolve({ getAudioTracks: () => [], getVideoTracks: () => [second] } as unknown as MediaStream),
        getDisplayMedia: () => Promise.resolve({ getVideoTracks: () => [screen] } as unknown as MediaStream),
      },
      session: () => null,
      peerConnection: () => pc,
      localStream: () => null,
      emit: () => undefined,
      offerBlocked: () => null,
      ended: () => false,
    });
    return { media, first, second, screen, sender };
  }

  it('a camera swapped in during the call is stopped when the call ends (the device is not left in use)', async () => {
    const { media, first, second, sender } = swapRig();
    expect(await media.switchDevice('camera', 'cam-2')).toEqual({ ok: true });
    expect(sender.track).toBe(second);
    expect(first.readyState).toBe('ended');
    expect(second.readyState).toBe('live');
    media.close();
    expect(second.readyState).toBe('ended');
  });

  it('a screen shared until the end and the camera swapped in under it are both stopped', async () => {
    const { media, second, screen } = swapRig();
    await media.startScreenShare();
    expect(await media.switchDevice('camera', 'cam-2')).toEqual({ ok: true });
    expect([screen.readyState, second.readyState]).toEqual(['live', 'live']);
    media.close();
    expect([screen.readyState, second.readyState]).toEqual(['ended', 'ended']);
  });
});
