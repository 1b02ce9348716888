/**
 * The call machine's media regions (video, camera, source): video added or removed by our re-INVITE is committed on its
 * success and rolled back on its failure (like hold); the far end's offer to add video waits for the
 * app; camera mute and screen sharing; the state a UI reads (`state.video`) is derived from all of it.
 */
import { toCallState } from '../../machines/call.connect';
import { VIDEO_OFFER_TIMEOUT_MS } from '../../machines/call.machine';
import { answered, confirmedIncoming, confirmedOutgoing, startCall, stopAllCalls, reinvite } from '../support/call-harness';

afterEach(stopAllCalls);

const BOTH = { type: 'SIP.MEDIA.NEGOTIATED', video: { send: true, receive: true } } as const;
const NONE = { type: 'SIP.MEDIA.NEGOTIATED', video: { send: false, receive: false } } as const;

describe('call machine: media regions', () => {
  it('a video call negotiated before confirmed starts with video on, camera sent, video received', () => {
    const h = startCall({ direction: 'outgoing' });
    h.port(answered({ video: BOTH.video }));
    expect(toCallState(h.snapshot).video).toEqual({ negotiation: 'on', local: 'camera', remote: true, muted: false, remotelyDowngraded: false });
    expect(h.snapshot.hasTag('video')).toBe(true);
  });

  it('an audio call says no video at all', () => {
    const h = confirmedOutgoing();
    expect(toCallState(h.snapshot).video).toEqual({ negotiation: 'off', local: null, remote: false, muted: false, remotelyDowngraded: false });
  });

  it('adding video: PORT.VIDEO.ADD, pending until the re-INVITE succeeds, committed only then', () => {
    const h = confirmedOutgoing();
    h.send({ type: 'CALL.VIDEO.ADD', cameraId: 'cam-2' });
    expect(h.commands()).toEqual([{ type: 'PORT.VIDEO.ADD', cameraId: 'cam-2' }]);
    expect(toCallState(h.snapshot).video).toMatchObject({ negotiation: 'adding', local: null });
    expect(h.can({ type: 'CALL.VIDEO.ADD' })).toBe(false);
    h.port(BOTH);
    expect(toCallState(h.snapshot).video).toMatchObject({ negotiation: 'adding', local: null, remote: false });
    h.port({ type: 'SIP.RENEGOTIATE.SUCCEEDED' });
    expect(toCallState(h.snapshot).video).toMatchObject({ negotiation: 'on', local: 'camera', remote: true });
    expect(h.emittedTypes()).toEqual(['call.video.changed']);
  });

  it('a refused upgrade rolls back to audio and says why', () => {
    const h = confirmedOutgoing();
    h.send({ type: 'CALL.VIDEO.ADD' });
    h.port({ type: 'SIP.RENEGOTIATE.FAILED', code: 488, reason: '488 Not Acceptable Here', media: null });
    expect(toCallState(h.snapshot).video).toMatchObject({ negotiation: 'off', local: null, remote: false });
    expect(h.emittedOf('call.video.failed')).toEqual([{ type: 'call.video.failed', code: 488, reason: '488 Not Acceptable Here', media: null }]);
  });

  it('a 2xx that declines the video stream is a failed upgrade too', () => {
    const h = confirmedOutgoing();
    h.send({ type: 'CALL.VIDEO.ADD' });
    h.port({ type: 'SIP.RENEGOTIATE.SUCCEEDED' });
    expect(toCallState(h.snapshot).video.negotiation).toBe('off');
    expect(h.emittedOf('call.video.failed')).toHaveLength(1);
  });

  it('a camera that cannot be had fails the upgrade with its media reason', () => {
    const h = confirmedOutgoing();
    h.send({ type: 'CALL.VIDEO.ADD' });
    h.port({ type: 'SIP.RENEGOTIATE.FAILED', code: null, reason: 'NotFoundError', media: 'no-such-device' });
    expect(h.emittedOf('call.video.failed')[0]).toMatchObject({ media: 'no-such-device' });
  });

  it('removing video: committed on success, video stays on when the re-INVITE fails', () => {
    const h = confirmedOutgoing();
    h.port(BOTH);
    expect(toCallState(h.snapshot).video.negotiation).toBe('on');
    h.send({ type: 'CALL.VIDEO.REMOVE' });
    expect(h.commands()).toEqual([{ type: 'PORT.VIDEO.REMOVE' }]);
    h.port({ type: 'SIP.RENEGOTIATE.FAILED', code: 500, reason: '500 Server Internal Error', media: null });
    expect(toCallState(h.snapshot).video).toMatchObject({ negotiation: 'on', local: 'camera' });
    h.send({ type: 'CALL.VIDEO.REMOVE' });
    h.port(NONE);
    h.port({ type: 'SIP.RENEGOTIATE.SUCCEEDED' });
    expect(toCallState(h.snapshot).video).toMatchObject({ negotiation: 'off', local: null, remote: false, remotelyDowngraded: false });
  });

  it('the far end dropping video is a remote downgrade', () => {
    const h = confirmedIncoming();
    h.port(BOTH);
    h.port(NONE);
    expect(toCallState(h.snapshot).video).toMatchObject({ negotiation: 'off', remotelyDowngraded: true });
  });

  it("the far end's offer to add video waits for the app: accept sends PORT.VIDEO.ACCEPT", () => {
    const h = confirmedIncoming();
    h.port(reinvite(false, true, true));
    expect(toCallState(h.snapshot).video.negotiation).toBe('offered');
    expect(h.emittedTypes()).toEqual(['call.reinvite', 'call.video.offered']);
    expect(h.can({ type: 'CALL.VIDEO.ADD' })).toBe(false);
    h.send({ type: 'CALL.VIDEO.ACCEPT', cameraId: 'cam-1' });
    expect(h.commands()).toEqual([{ type: 'PORT.VIDEO.ACCEPT', cameraId: 'cam-1' }]);
    expect(toCallState(h.snapshot).video.negotiation).toBe('answering');
    h.port(BOTH);
    h.port({ type: 'SIP.VIDEO.ANSWERED', accepted: true });
    expect(toCallState(h.snapshot).video).toMatchObject({ negotiation: 'on', local: 'camera', remote: true });
  });

  it("declining the far end's offer keeps an audio call", () => {
    const h = confirmedIncoming();
    h.port(reinvite(false, true, true));
    h.send({ type: 'CALL.VIDEO.DECLINE' });
    expect(h.commands()).toEqual([{ type: 'PORT.VIDEO.DECLINE' }]);
    h.port({ type: 'SIP.VIDEO.ANSWERED', accepted: false });
    expect(toCallState(h.snapshot).video).toMatchObject({ negotiation: 'off', local: null, remote: false });
  });

  it('an offer nobody answers is declined after the timeout', () => {
    jest.useFakeTimers();
    try {
      const h = confirmedIncoming();
      h.port(reinvite(false, true, true));
      jest.advanceTimersByTime(VIDEO_OFFER_TIMEOUT_MS);
      expect(h.commands()).toEqual([{ type: 'PORT.VIDEO.DECLINE' }]);
    } finally {
      jest.useRealTimers();
    }
  });

  it('camera mute: no renegotiation, nothing sent, still negotiated', () => {
    const h = confirmedOutgoing();
    h.port(BOTH);
    h.send({ type: 'CALL.VIDEO.MUTE' });
    expect(h.commands()).toEqual([{ type: 'PORT.VIDEO.MUTE' }]);
    expect(toCallState(h.snapshot).video).toMatchObject({ negotiation: 'on', local: null, remote: true, muted: true });
    h.send({ type: 'CALL.VIDEO.UNMUTE' });
    expect(toCallState(h.snapshot).video).toMatchObject({ local: 'camera', muted: false });
  });

  it('hold and video: held, nothing is sent or received; the video stays negotiated', () => {
    const h = confirmedOutgoing();
    h.port(BOTH);
    h.send({ type: 'CALL.HOLD' });
    h.port({ type: 'SIP.HOLD.SUCCEEDED', dialog: null });
    expect(toCallState(h.snapshot).video).toMatchObject({ negotiation: 'on', local: null, remote: false });
    h.send({ type: 'CALL.UNHOLD' });
    h.port({ type: 'SIP.UNHOLD.SUCCEEDED', dialog: null });
    expect(toCallState(h.snapshot).video).toMatchObject({ negotiation: 'on', local: 'camera', remote: true });
  });

  it('screen sharing needs video sent; the state says the screen is sent, and the camera again after', () => {
    const audio = confirmedOutgoing();
    expect(audio.can({ type: 'CALL.SCREEN.START' })).toBe(false);
    const h = confirmedOutgoing({ callId: 'call-2' });
    h.port(BOTH);
    h.send({ type: 'CALL.SCREEN.START' });
    expect(h.commands()).toEqual([{ type: 'PORT.SCREEN.START' }]);
    expect(h.snapshot.hasTag('screenPending')).toBe(true);
    h.port({ type: 'SIP.SCREEN.STARTED' });
    expect(toCallState(h.snapshot).video.local).toBe('screen');
    h.send({ type: 'CALL.SCREEN.STOP' });
    h.port({ type: 'SIP.SCREEN.STOPPED' });
    expect(toCallState(h.snapshot).video.local).toBe('camera');
  });

  it('a screen capture refused leaves the camera; the browser ending the capture brings the camera back', () => {
    const h = confirmedOutgoing();
    h.port(BOTH);
    h.send({ type: 'CALL.SCREEN.START' });
    h.port({ type: 'SIP.SCREEN.FAILED', media: 'denied', reason: 'NotAllowedError' });
    expect(toCallState(h.snapshot).video.local).toBe('camera');
    expect(h.emittedOf('call.screen.failed')).toEqual([{ type: 'call.screen.failed', media: 'denied', reason: 'NotAllowedError' }]);
    h.send({ type: 'CALL.SCREEN.START' });
    h.port({ type: 'SIP.SCREEN.STARTED' });
    h.port({ type: 'SIP.SCREEN.STOPPED' });
    expect(toCallState(h.snapshot).video.local).toBe('camera');
  });

  it('an ended call sends nothing', () => {
    const h = confirmedOutgoing();
    h.port(BOTH);
    h.port({ type: 'SIP.ENDED', cause: 'bye', code: null, originator: 'remote' });
    expect(toCallState(h.snapshot).video).toMatchObject({ local: null, remote: false });
  });
});
