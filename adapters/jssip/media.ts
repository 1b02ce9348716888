import type { RTCSession } from 'jssip/lib/RTCSession';
import { inputConstraint, mediaErrorText, mediaFailureOf } from '../../machines/media-errors';
import type { CallPortEvent, DeviceKind, MediaFailure, MediaOutcome, VideoDirections } from '../../machines/port';
import { errorText, guard, type AdapterLogger } from './exception-barrier';

/** The part of `navigator.mediaDevices` the adapter uses; injectable where there is no browser. */
export interface MediaDevicesLike {
  getUserMedia(constraints: MediaStreamConstraints): Promise<MediaStream>;
  getDisplayMedia?(options?: DisplayMediaStreamOptions): Promise<MediaStream>;
}

/** What {@link CallMedia} needs from the call it belongs to. */
export interface MediaHost {
  readonly logger: AdapterLogger;
  readonly devices: MediaDevicesLike | null;
  session(): RTCSession | null;
  peerConnection(): RTCPeerConnection | null;
  /** Our outgoing stream, created when there is none yet. */
  localStream(): MediaStream | null;
  emit(event: CallPortEvent): void;
  /** Why no offer of ours may go out now (a hold in progress), or null. */
  offerBlocked(): string | null;
  ended(): boolean;
}

type SessionInternals = {
  _sendReinvite?: (options: {
    rtcOfferConstraints?: RTCOfferOptions;
    eventHandlers: { succeeded?: (response: unknown) => void; failed?: (response?: { status_code?: number; reason_phrase?: string }) => void };
  }) => void;
  _connectionPromiseQueue?: Promise<unknown>;
  _rtcOfferConstraints?: (RTCOfferOptions & Record<string, unknown>) | null;
  _setLocalMediaStatus?: () => void;
};

const NO_VIDEO: VideoDirections = Object.freeze({ send: false, receive: false });

/** A transceiver's media kind (its receiver's track always exists and has the kind). */
function isVideo(transceiver: RTCRtpTransceiver): boolean {
  return transceiver.receiver.track?.kind === 'video';
}

function isStopped(transceiver: RTCRtpTransceiver): boolean {
  return (transceiver as { stopped?: boolean }).stopped === true || transceiver.currentDirection === 'stopped' || transceiver.direction === 'stopped';
}

/** The video a peer connection's last completed offer/answer left: what it sends, what it receives. */
export function negotiatedVideo(pc: RTCPeerConnection): VideoDirections {
  let send = false;
  let receive = false;
  for (const transceiver of pc.getTransceivers()) {
    if (!isVideo(transceiver) || isStopped(transceiver) || transceiver.mid === null) continue;
    const direction = transceiver.currentDirection;
    if (direction === 'sendrecv' || direction === 'sendonly') send = send || transceiver.sender.track !== null;
    if (direction === 'sendrecv' || direction === 'recvonly') receive = true;
  }
  return { send, receive };
}

/** Whether an SDP offer has a video stream that is not rejected (port 0) or inactive. */
export function offersActiveVideo(sdp: string): boolean {
  const sections = sdp.split(/\r?\nm=/).slice(1);
  return sections.some((section) => /^video [1-9]/.test(section) && !/\r?\na=inactive\b/.test(section));
}

type Decision = { readonly accept: boolean; readonly cameraId: string | undefined };

/**
 * The media of one JsSIP call beyond what JsSIP does itself: the negotiated video reported after each
 * offer/answer, adding and removing video by re-INVITE (rolled back when it fails), the far end's
 * offer to add video held until the app answers it, screen sharing and device swaps by
 * `RTCRtpSender.replaceTrack`.
 *
 * Every SDP JsSIP sends still comes from JsSIP (`_createLocalDescription`, then its hold mangling for
 * offers); this class only sets the transceivers up before the offer or answer is created.
 */
export class CallMedia {
  private readonly watched = new WeakSet<RTCPeerConnection>();
  private lastNegotiated: VideoDirections = NO_VIDEO;
  /**
   * Until the call is established, a change of the negotiated video is kept here rather than reported:
   * the message that establishes the call (1xx with SDP, 2xx, our 200) carries it. `undefined` once
   * established.
   */
  private untold: VideoDirections | null | undefined = null;
  private pending: 'add' | 'remove' | null = null;
  private offer: { decided: Promise<Decision>; decide: (decision: Decision) => void } | null = null;
  private screen: { readonly track: MediaStreamTrack; camera: MediaStreamTrack | null } | null = null;
  private declinedMids = new Set<string>();
  /** The tracks this class captured itself (cameras, microphones, the screen): stopped when the call ends. */
  private readonly captured = new Set<MediaStreamTrack>();

  constructor(private readonly host: MediaHost) {}

  /** Whether one of our video re-INVITEs is under way. */
  get busy(): boolean {
    return this.pending !== null;
  }

  /** Watch a peer connection: report negotiated video, and let answers wait for the app's decision. */
  attach(pc: RTCPeerConnection): void {
    if (this.watched.has(pc)) return;
    this.watched.add(pc);
    pc.addEventListener('signalingstatechange', () =>
      guard(this.host.logger, 'signalingstatechange', () => {
        if (pc.signalingState === 'stable') this.reportNegotiated(pc);
      }),
    );
    const createAnswer = pc.createAnswer.bind(pc) as (options?: RTCAnswerOptions) => Promise<RTCSessionDescriptionInit>;
    (pc as { createAnswer: (options?: RTCAnswerOptions) => Promise<RTCSessionDescriptionInit> }).createAnswer = async (options) => {
      await this.beforeAnswer(pc);
      return createAnswer(options);
    };
  }

  /**
   * The change of the negotiated video not reported yet (null: none), for the message that reports it;
   * `establish` says the call is established, from when on every change is reported as it happens.
   */
  takeNegotiated(establish: boolean): VideoDirections | null {
    const video = this.untold ?? null;
    this.untold = establish ? undefined : null;
    return video;
  }

  /**
   * A re-INVITE arrived with this SDP. When it adds video to a call that has none, the answer waits
   * for {@link CallMedia.answerOffer} (the caller reports the offer); returns the callback to run once
   * the answer was sent, or null.
   */
  remoteOffer(sdp: string): (() => void) | null {
    if (this.offer || this.lastNegotiated.send || this.lastNegotiated.receive || !offersActiveVideo(sdp)) return null;
    let decide: (decision: Decision) => void = () => undefined;
    const decided = new Promise<Decision>((resolve) => {
      decide = resolve;
    });
    this.offer = { decided, decide };
    return () => {
      const accepted = this.lastNegotiated.send || this.lastNegotiated.receive;
      this.offer = null;
      this.host.emit({ type: 'SIP.VIDEO.ANSWERED', accepted });
    };
  }

  /** The app's answer to the far end's offer to add video; false when no offer waits. */
  answerOffer(accept: boolean, cameraId: string | undefined): boolean {
    if (!this.offer) return false;
    this.offer.decide({ accept, cameraId });
    return true;
  }

  /** Add our camera's video with a re-INVITE. */
  addVideo(cameraId: string | undefined): void {
    void this.renegotiateVideo(true, cameraId);
  }

  /** Stop video both ways with a re-INVITE. */
  removeVideo(): void {
    void this.renegotiateVideo(false, undefined);
  }

  /** Send the screen instead of the camera. */
  async startScreenShare(): Promise<void> {
    const fail = (media: MediaFailure, reason: string) => this.host.emit({ type: 'SIP.SCREEN.FAILED', media, reason });
    const sender = this.videoSender();
    if (!sender || !sender.track) return fail('failed', 'the call sends no video');
    if (this.screen) return fail('failed', 'the screen is already shared');
    const devices = this.host.devices;
    if (!devices || typeof devices.getDisplayMedia !== 'function') return fail('not-supported', 'this browser cannot capture the screen');
    let track: MediaStreamTrack | undefined;
    try {
      track = (await devices.getDisplayMedia({ video: true, audio: false })).getVideoTracks()[0];
    } catch (error) {
      return fail(mediaFailureOf(error), mediaErrorText(error));
    }
    if (!track) return fail('failed', 'the screen capture has no video');
    this.captured.add(track);
    if (this.host.ended()) return track.stop();
    const camera = sender.track;
    track.enabled = camera.enabled;
    try {
      await sender.replaceTrack(track);
    } catch (error) {
      track.stop();
      return fail('failed', errorText(error));
    }
    this.screen = { track, camera };
    this.swapLocal(camera, track);
    track.addEventListener('ended', () => guard(this.host.logger, 'screen ended', () => void this.stopScreenShare()));
    this.host.emit({ type: 'SIP.SCREEN.STARTED' });
  }

  /** Send the camera again. */
  async stopScreenShare(): Promise<void> {
    const screen = this.screen;
    if (!screen) return this.host.emit({ type: 'SIP.SCREEN.FAILED', media: 'failed', reason: 'the screen is not shared' });
    this.screen = null;
    const sender = this.videoSender();
    try {
      if (sender && !this.host.ended()) await sender.replaceTrack(screen.camera);
    } catch (error) {
      this.host.logger.warn('jssip adapter: camera back after screen sharing failed', errorText(error));
    }
    if (screen.camera) screen.camera.enabled = screen.track.enabled;
    this.swapLocal(screen.track, screen.camera);
    screen.track.stop();
    this.host.emit({ type: 'SIP.SCREEN.STOPPED' });
  }

  /** Swap the microphone or camera of the live call. */
  async switchDevice(kind: DeviceKind, deviceId: string): Promise<MediaOutcome> {
    const devices = this.host.devices;
    if (this.host.ended()) return { ok: false, failure: 'failed', reason: 'the call has ended' };
    if (!devices) return { ok: false, failure: 'not-supported', reason: 'no media devices here' };
    const trackKind = kind === 'microphone' ? 'audio' : 'video';
    const sender = this.host.peerConnection()?.getSenders().find((s) => s.track?.kind === trackKind) ?? null;
    const current = kind === 'camera' && this.screen ? this.screen.camera : (sender?.track ?? null);
    if (!current) return { ok: true };
    let track: MediaStreamTrack | undefined;
    try {
      const stream = await devices.getUserMedia(trackKind === 'audio' ? { audio: inputConstraint(deviceId) } : { video: inputConstraint(deviceId) });
      track = trackKind === 'audio' ? stream.getAudioTracks()[0] : stream.getVideoTracks()[0];
    } catch (error) {
      return { ok: false, failure: mediaFailureOf(error), reason: mediaErrorText(error) };
    }
    if (!track) return { ok: false, failure: 'no-such-device', reason: `no ${trackKind} track from ${deviceId}` };
    this.captured.add(track);
    if (this.host.ended()) {
      track.stop();
      return { ok: false, failure: 'failed', reason: 'the call has ended' };
    }
    track.enabled = current.enabled;
    if (kind === 'camera' && this.screen) {
      this.screen.camera = track;
    } else {
      try {
        await sender!.replaceTrack(track);
      } catch (error) {
        track.stop();
        return { ok: false, failure: 'failed', reason: errorText(error) };
      }
      this.swapLocal(current, track);
    }
    current.stop();
    return { ok: true };
  }

  /**
   * The answer JsSIP is about to send (its `sdp` event). Chromium describes a transceiver stopped while
   * answering as `a=inactive` on port 9; a declined video stream is rejected with port 0 (RFC 3264 §6),
   * which is what the stopped transceiver means.
   */
  rewriteAnswer(sdp: string): string {
    if (this.declinedMids.size === 0) return sdp;
    const declined = this.declinedMids;
    this.declinedMids = new Set();
    const [head = '', ...sections] = sdp.split(/(?=\r?\nm=)/);
    const rejected = new Set<string>();
    const body = sections.map((section) => {
      const mid = /\r?\na=mid:(\S+)/.exec(section)?.[1];
      if (mid === undefined || !declined.has(mid) || !/^\r?\nm=video /.test(section)) return section;
      rejected.add(mid);
      return section.replace(/^(\r?\nm=video )\d+/, (_match, prefix: string) => `${prefix}0`);
    });
    // A rejected stream leaves the BUNDLE group (RFC 8843 §7.3.3).
    const bundled = head.replace(/^(a=group:BUNDLE)((?: \S+)*)/m, (_match, name: string, mids: string) =>
      name + mids.split(' ').filter((mid) => mid === '' || !rejected.has(mid)).join(' '),
    );
    return [bundled, ...body].join('');
  }

  /**
   * The call ended: release a waiting answer and stop every capture this class made (a camera or
   * microphone swapped in, the camera of added or accepted video, the screen). JsSIP stops only the
   * tracks of the stream it acquired itself, so these would keep the device in use after the call.
   */
  close(): void {
    this.offer?.decide({ accept: false, cameraId: undefined });
    this.offer = null;
    this.screen = null;
    for (const track of this.captured) track.stop();
    this.captured.clear();
  }

  // --- internals -------------------------------------------------------------------------------

  private reportNegotiated(pc: RTCPeerConnection): void {
    const video = negotiatedVideo(pc);
    const internals = this.host.session() as unknown as SessionInternals | null;
    // JsSIP reuses the call's first offer options for every later offer (hold, unhold): a call that
    // gained video must keep offering to receive it, one that lost it must not ask for it again.
    if (internals && (video.send || video.receive || this.lastNegotiated.send || this.lastNegotiated.receive)) {
      internals._rtcOfferConstraints = { ...(internals._rtcOfferConstraints ?? {}), offerToReceiveAudio: true, offerToReceiveVideo: video.send || video.receive };
    }
    if (video.send === this.lastNegotiated.send && video.receive === this.lastNegotiated.receive) return;
    this.lastNegotiated = video;
    if (this.untold !== undefined) this.untold = video;
    else this.host.emit({ type: 'SIP.MEDIA.NEGOTIATED', video });
  }

  private videoSender(): RTCRtpSender | null {
    const pc = this.host.peerConnection();
    if (!pc) return null;
    const transceiver = pc.getTransceivers().find((t) => isVideo(t) && !isStopped(t) && t.sender.track !== null);
    return transceiver?.sender ?? null;
  }

  private swapLocal(from: MediaStreamTrack | null, to: MediaStreamTrack | null): void {
    const stream = this.host.localStream();
    if (!stream) return;
    if (from && stream.getTracks().includes(from)) stream.removeTrack(from);
    if (to && !stream.getTracks().includes(to)) stream.addTrack(to);
  }

  private async camera(cameraId: string | undefined): Promise<MediaStreamTrack | MediaOutcome> {
    const devices = this.host.devices;
    if (!devices) return { ok: false, failure: 'not-supported', reason: 'no media devices here' };
    try {
      const track = (await devices.getUserMedia({ video: inputConstraint(cameraId) })).getVideoTracks()[0];
      if (track) this.captured.add(track);
      return track ?? { ok: false, failure: 'no-such-device', reason: 'getUserMedia returned no video track' };
    } catch (error) {
      return { ok: false, failure: mediaFailureOf(error), reason: mediaErrorText(error) };
    }
  }

  /** Before JsSIP creates an answer: settle the far end's offer to add video as the app decided. */
  private async beforeAnswer(pc: RTCPeerConnection): Promise<void> {
    const offer = this.offer;
    if (!offer) return;
    const decision = await offer.decided;
    const fresh = pc.getTransceivers().filter((t) => isVideo(t) && !isStopped(t) && t.mid !== null && t.currentDirection !== 'sendrecv');
    if (!decision.accept) {
      for (const transceiver of fresh) {
        if (transceiver.mid !== null) this.declinedMids.add(transceiver.mid);
        transceiver.stop();
      }
      return;
    }
    const track = await this.camera(decision.cameraId);
    const target = fresh[0];
    if (!target) return;
    if (!('kind' in track)) {
      const reason = track.ok ? 'unavailable' : track.reason;
      this.host.emit({ type: 'SIP.COMMAND.FAILED', command: 'acceptVideo', reason: `camera: ${reason}; receiving video only` });
      target.direction = 'recvonly';
      return;
    }
    await target.sender.replaceTrack(track);
    target.direction = 'sendrecv';
    const stream = this.host.localStream();
    if (stream) {
      stream.addTrack(track);
      (target.sender as { setStreams?: (...streams: MediaStream[]) => void }).setStreams?.(stream);
    }
    (this.host.session() as unknown as SessionInternals | null)?._setLocalMediaStatus?.();
  }

  private async renegotiateVideo(add: boolean, cameraId: string | undefined): Promise<void> {
    const fail = (reason: string, code: number | null = null, media: MediaFailure | null = null) =>
      this.host.emit({ type: 'SIP.RENEGOTIATE.FAILED', code, reason, media });
    const session = this.host.session();
    const pc = this.host.peerConnection();
    const internals = session as unknown as SessionInternals | null;
    if (!session || !pc || this.host.ended() || !session.isEstablished()) return fail('the call is not established');
    const blocked = this.host.offerBlocked() ?? (this.pending || this.offer ? 'another offer/answer exchange is in progress' : null);
    if (blocked) return fail(blocked);
    if (!session.isReadyToReOffer() || typeof internals?._sendReinvite !== 'function') return fail('another offer/answer exchange is in progress');
    this.pending = add ? 'add' : 'remove';
    const existing = pc.getTransceivers().find((t) => isVideo(t) && !isStopped(t)) ?? null;
    const before = existing ? { direction: existing.direction, track: existing.sender.track } : null;
    let added: RTCRtpTransceiver | null = null;
    let track: MediaStreamTrack | null = null;
    if (add) {
      const camera = await this.camera(cameraId);
      if (!('kind' in camera)) {
        this.pending = null;
        return fail(camera.ok ? 'no camera' : camera.reason, null, camera.ok ? 'failed' : camera.failure);
      }
      track = camera as MediaStreamTrack;
      if (this.host.ended()) {
        track.stop();
        this.pending = null;
        return;
      }
      const stream = this.host.localStream();
      if (existing) {
        await existing.sender.replaceTrack(track);
        existing.direction = 'sendrecv';
        if (stream) (existing.sender as { setStreams?: (...streams: MediaStream[]) => void }).setStreams?.(stream);
      } else {
        added = pc.addTransceiver(track, { direction: 'sendrecv', streams: stream ? [stream] : [] });
      }
      stream?.addTrack(track);
      internals._setLocalMediaStatus?.();
    } else {
      if (!existing) {
        this.pending = null;
        return fail('the call has no video');
      }
      existing.direction = 'inactive';
    }
    const undo = async () => {
      if (pc.signalingState === 'have-local-offer') await pc.setLocalDescription({ type: 'rollback' } as RTCSessionDescriptionInit);
      if (added) added.stop();
      if (existing && before) {
        existing.direction = before.direction;
        if (add) await existing.sender.replaceTrack(before.track);
      }
      if (track) {
        this.swapLocal(track, null);
        track.stop();
      }
    };
    internals._sendReinvite({
      rtcOfferConstraints: { offerToReceiveAudio: true, offerToReceiveVideo: add } as RTCOfferOptions,
      eventHandlers: {
        succeeded: () =>
          guard(this.host.logger, 'video re-INVITE succeeded', () => {
            this.pending = null;
            if (!add && existing) {
              const sent = this.screen ? this.screen.track : existing.sender.track;
              if (this.screen) {
                this.screen.camera?.stop();
                this.swapLocal(this.screen.camera, null);
                this.screen = null;
                this.host.emit({ type: 'SIP.SCREEN.STOPPED' });
              }
              if (sent) {
                this.swapLocal(sent, null);
                sent.stop();
              }
              void existing.sender.replaceTrack(null);
            }
            this.host.emit({ type: 'SIP.RENEGOTIATE.SUCCEEDED' });
          }),
        failed: (response) =>
          guard(this.host.logger, 'video re-INVITE failed', () => {
            const code = response?.status_code ?? null;
            const reason = response ? `${code ?? ''} ${response.reason_phrase ?? ''}`.trim() : 'the offer could not be made or applied';
            const queue = internals._connectionPromiseQueue ?? Promise.resolve();
            internals._connectionPromiseQueue = queue
              .then(undo)
              .catch((error: unknown) => this.host.logger.warn('jssip adapter: undoing a failed video re-INVITE failed', errorText(error)))
              .then(() => {
                this.pending = null;
                if (!this.host.ended()) fail(reason, code);
              });
          }),
      },
    });
  }
}
