import type {
  CallDirection,
  CallOptions,
  CallPort,
  CallPortEvent,
  DialogInfo,
  DeviceKind,
  DtmfOptions,
  EndReport,
  MediaOutcome,
  RecordAction,
  RecordState,
  RemoteIdentity,
  StatsReportLike,
  Unsubscribe,
  VideoDirections,
} from '../../machines/port';
import { endCauseOfMediaFailure } from '../../machines/media-errors';
import type { CallLink, CallOwner } from './links';
import { mediaTypeProblem } from '../../machines/sip-grammar';
import { causeForStatus, isFinalFailure, reasonPhrase } from './causes';
import { EventBuffer } from '../event-buffer';
import type { DialogRef, LegMessage } from './messages';
import { syntheticStats } from './stats';

/**
 * Where a leg is in its life:
 * `calling` (INVITE sent, no answer yet), `ringing` (180 received / offered to the app),
 * `answering` (200 sent, waiting for the ACK), `confirmed`, `terminated`.
 */
export type MemoryCallState = 'calling' | 'ringing' | 'answering' | 'confirmed' | 'terminated';

/** Everything a leg is created with. Built by the user agent. */
export interface MemoryCallInit {
  /** SIP Call-ID, shared by both legs. */
  readonly callId: string;
  /** Which side of the call this leg is. */
  readonly direction: CallDirection;
  /** This leg's tag. */
  readonly localTag: string;
  /** This leg's own URI. */
  readonly localUri: string;
  /** The far end's URI. */
  readonly remoteUri: string;
  /** How the far end is known when the call starts. */
  readonly remote: RemoteIdentity;
  /** How the far end will see us. */
  readonly localIdentity: RemoteIdentity;
  /** For an incoming INVITE with Replaces: the Call-ID it replaces. */
  readonly replacesCallId: string | null;
  /** The user agent this leg belongs to. */
  readonly owner: CallOwner<MemoryCall>;
  /** The network that carries this leg's messages. */
  readonly link: CallLink<MemoryCall>;
  /** Our media, when the app supplied a stream. */
  readonly mediaStream: MediaStream | null;
}

const DTMF_TONE = /^[0-9A-D#*]$/i;

/**
 * One leg of a call on the {@link MemorySipNetwork}: the caller's or the callee's side.
 *
 * Both legs of a call share the Call-ID and each has its own tag. Outcomes that are purely local
 * (our own `cancel`, `reject`, `hangup`, a command refused in the wrong state) are emitted
 * synchronously inside the command, as JsSIP does; everything that needs the far side arrives
 * later through the network's delivery queue.
 */
export class MemoryCall implements CallPort {
  /** SIP Call-ID, shared by both legs. */
  readonly callId: string;
  /** `outgoing` for the caller's leg, `incoming` for the callee's. */
  readonly direction: CallDirection;
  /** Call-ID of the call an incoming INVITE with Replaces takes over. */
  readonly replacesCallId: string | null;
  /** This leg's tag. */
  readonly localTag: string;
  /** This leg's own URI. */
  readonly localUri: string;
  /** The far end's URI. */
  readonly remoteUri: string;
  /** @internal the user agent that owns this leg */
  readonly owner: CallOwner<MemoryCall>;
  /** @internal how the far side sees this leg */
  readonly localIdentity: RemoteIdentity;

  private readonly link: CallLink<MemoryCall>;
  private readonly events: EventBuffer<CallPortEvent>;
  private readonly watchers: Array<(event: CallPortEvent) => void> = [];
  private remoteIdentity: RemoteIdentity;
  private identityAnnounced = false;
  private phase: MemoryCallState;
  private established = false;
  private endReport: EndReport | null = null;
  private farLeg: MemoryCall | null = null;
  private knownRemoteTag: string | null = null;
  private localHeld = false;
  private remoteHeldFlag = false;
  private mutedFlag = false;
  private pendingReinvite: 'hold' | 'unhold' | 'video' | null = null;
  private offeringVideo = false;
  private cameraOn = false;
  private videoLine = false;
  private videoMutedFlag = false;
  private screenFlag = false;
  private videoOfferPending = false;
  private lastNegotiated: VideoDirections = { send: false, receive: false };
  private readonly chosenDevices: { microphone: string | null; camera: string | null } = { microphone: null, camera: null };
  private recording: RecordState = 'off';
  private confirmedAt: number | null = null;
  private noAnswerTimer: ReturnType<typeof setTimeout> | null = null;
  private replacedLeg: MemoryCall | null = null;
  private ownStream: MediaStream | null = null;
  private disposed = false;

  /** @internal created by {@link MemoryUserAgent} */
  constructor(init: MemoryCallInit) {
    this.callId = init.callId;
    this.direction = init.direction;
    this.replacesCallId = init.replacesCallId;
    this.localTag = init.localTag;
    this.localUri = init.localUri;
    this.remoteUri = init.remoteUri;
    this.remoteIdentity = init.remote;
    this.localIdentity = init.localIdentity;
    this.owner = init.owner;
    this.link = init.link;
    this.ownStream = init.mediaStream;
    this.phase = init.direction === 'outgoing' ? 'calling' : 'ringing';
    this.events = new EventBuffer<CallPortEvent>({ onListenerError: (error) => this.link.reportError(error) });
  }

  // ---- CallPort: state -------------------------------------------------------------------------

  /** The far end as currently known. */
  get remote(): RemoteIdentity {
    return this.remoteIdentity;
  }

  /** The leg itself: the memory stack has no other session object. */
  get native(): unknown {
    return this;
  }

  /** The stream passed in `CallOptions.mediaStream`, if any. */
  get localStream(): MediaStream | null {
    return this.ownStream;
  }

  /** The far leg's `localStream` once the call is established. */
  get remoteStream(): MediaStream | null {
    return this.established ? (this.farLeg?.ownStream ?? null) : null;
  }

  // ---- Test helpers ----------------------------------------------------------------------------

  /** Where this leg is in its life. */
  get state(): MemoryCallState {
    return this.phase;
  }

  /** How the call ended, once it has. */
  get end(): EndReport | null {
    return this.endReport;
  }

  /** The other leg of the call, once the INVITE reached the callee. */
  get peer(): MemoryCall | null {
    return this.farLeg;
  }

  /** The far end's tag, once a response or request carried it. */
  get remoteTag(): string | null {
    return this.knownRemoteTag;
  }

  /** We put the far end on hold (a hold re-INVITE succeeded). */
  get held(): boolean {
    return this.localHeld;
  }

  /** The far end put us on hold. */
  get remoteHeld(): boolean {
    return this.remoteHeldFlag;
  }

  /** Our audio is muted. */
  get muted(): boolean {
    return this.mutedFlag;
  }

  /** Whether this leg sends and receives video, as the last offer/answer left it. */
  get video(): VideoDirections {
    return this.negotiated();
  }

  /** Our video is muted (camera off, still negotiated). */
  get videoMuted(): boolean {
    return this.videoMutedFlag;
  }

  /** The screen is sent instead of the camera. */
  get screenSharing(): boolean {
    return this.screenFlag;
  }

  /** The devices swapped in with `switchDevice`, `null` until one was. */
  get devices(): { readonly microphone: string | null; readonly camera: string | null } {
    return { ...this.chosenDevices };
  }

  /** The user stops sharing from the browser's own control: the camera is sent again. */
  endScreenShareFromBrowser(): void {
    if (!this.screenFlag || this.phase === 'terminated') return;
    this.screenFlag = false;
    this.emit({ type: 'SIP.SCREEN.STOPPED' });
  }

  /** What the recording backend last reported for this leg. */
  get recordState(): RecordState {
    return this.recording;
  }

  /** The far end hangs up (its leg's `hangup()`); does nothing before the INVITE reached it. */
  remoteHangup(): void {
    this.farLeg?.hangup();
  }

  // ---- CallPort: events ------------------------------------------------------------------------

  /** Listen to this leg's events; the first subscriber also receives what was buffered. */
  subscribe(listener: (event: CallPortEvent) => void): Unsubscribe {
    return this.events.subscribe(listener);
  }

  /** @internal observe every event without taking the first-subscriber replay (REFER relays). */
  watch(observer: (event: CallPortEvent) => void): void {
    this.watchers.push(observer);
  }

  // ---- CallPort: commands ----------------------------------------------------------------------

  /** Answer an incoming call that is ringing: 200 OK now, confirmed when the ACK arrives. */
  answer(options: CallOptions): void {
    if (!this.usable('answer')) return;
    if (this.direction !== 'incoming') return this.refuse('answer', 'only an incoming call can be answered');
    if (this.phase !== 'ringing') return this.refuse('answer', `cannot answer in state ${this.phase}`);
    this.clearNoAnswerTimer();
    const media = this.owner.faults.media;
    if (media !== undefined && options.mediaStream === undefined) {
      this.finish({ cause: endCauseOfMediaFailure(media.failure), code: null, originator: 'local', reason: media.reason ?? media.failure });
      this.sendToPeer({ kind: 'decline', code: 480, reason: reasonPhrase(480) });
      return;
    }
    this.ownStream = options.mediaStream ?? null;
    this.phase = 'answering';
    this.established = true;
    this.cameraOn = options.video === true;
    this.videoLine = this.farLeg?.offeringVideo ?? false;
    this.emit({ type: 'SIP.ANSWER.SENT', remote: null, dialog: this.dialog('Stable'), video: this.negotiatedChange() });
    if (this.ownStream !== null) this.emit({ type: 'MEDIA.STREAM', direction: 'local', stream: this.ownStream });
    this.sendToPeer({ kind: 'ok' });
  }

  /** Decline an incoming call that is ringing with a 3xx-6xx code. */
  reject(code: number, reason?: string): void {
    if (!this.usable('reject')) return;
    if (this.direction !== 'incoming') return this.refuse('reject', 'only an incoming call can be rejected');
    if (this.phase !== 'ringing') return this.refuse('reject', `cannot reject in state ${this.phase}`);
    if (!isFinalFailure(code)) return this.refuse('reject', `invalid status code ${code}`);
    const phrase = reason ?? reasonPhrase(code);
    this.finish({ cause: causeForStatus(code), code, originator: 'local', reason: phrase });
    this.sendToPeer({ kind: 'decline', code, reason: phrase });
  }

  /** Give up an outgoing call before it is answered (CANCEL, 487). */
  cancel(): void {
    if (!this.usable('cancel')) return;
    if (this.direction !== 'outgoing') return this.refuse('cancel', 'only an outgoing call can be canceled');
    if (this.established) return this.refuse('cancel', 'the call is already answered');
    this.finish({ cause: 'canceled', code: 487, originator: 'local', reason: 'Canceled' });
    this.sendToPeer({ kind: 'cancel' });
  }

  /** End an established call (BYE). */
  hangup(): void {
    if (!this.usable('hangup')) return;
    if (!this.established) return this.refuse('hangup', 'the call is not established');
    this.finish({ cause: 'bye', code: null, originator: 'local', reason: 'Terminated' });
    this.sendToPeer({ kind: 'bye' });
  }

  /** Put the far end on hold with a re-INVITE. */
  hold(): void {
    this.reinvite(true);
  }

  /** Take the far end off hold with a re-INVITE. */
  unhold(): void {
    this.reinvite(false);
  }

  /** Stop sending audio; nothing is signalled. */
  mute(): void {
    if (!this.usable('mute')) return;
    if (!this.established) return this.refuse('mute', 'the call is not established');
    this.mutedFlag = true;
  }

  /** Send audio again; nothing is signalled. */
  unmute(): void {
    if (!this.usable('unmute')) return;
    if (!this.established) return this.refuse('unmute', 'the call is not established');
    this.mutedFlag = false;
  }

  /** Stop sending video; nothing is signalled. */
  muteVideo(): void {
    if (!this.usable('muteVideo')) return;
    if (!this.established) return this.refuse('muteVideo', 'the call is not established');
    this.videoMutedFlag = true;
  }

  /** Send video again; nothing is signalled. */
  unmuteVideo(): void {
    if (!this.usable('unmuteVideo')) return;
    if (!this.established) return this.refuse('unmuteVideo', 'the call is not established');
    this.videoMutedFlag = false;
  }

  /** Add video with a re-INVITE; the far leg's app accepts or declines it (or its `rejectReinvite` fault answers). */
  addVideo(cameraId: string | undefined): void {
    this.videoReinvite(true, cameraId);
  }

  /** Remove video both ways with a re-INVITE. */
  removeVideo(): void {
    this.videoReinvite(false, undefined);
  }

  /** Accept the far end's offer to add video, with our camera. */
  acceptVideo(cameraId: string | undefined): void {
    this.answerVideoOffer(true, cameraId);
  }

  /** Decline the far end's offer to add video (the answer rejects the video stream). */
  declineVideo(): void {
    this.answerVideoOffer(false, undefined);
  }

  /** Send the screen instead of the camera (the `media` fault makes it fail). */
  startScreenShare(): void {
    this.changeScreen(true);
  }

  /** Send the camera again. */
  stopScreenShare(): void {
    this.changeScreen(false);
  }

  /** Swap a device of the live call (the `media` fault makes it fail). */
  switchDevice(kind: DeviceKind, deviceId: string): Promise<MediaOutcome> {
    if (this.phase === 'terminated' || this.disposed) return Promise.resolve({ ok: false, failure: 'failed', reason: 'the call has ended' });
    const media = this.owner.faults.media;
    if (media !== undefined) return Promise.resolve({ ok: false, failure: media.failure, reason: media.reason ?? media.failure });
    this.chosenDevices[kind] = deviceId;
    return Promise.resolve({ ok: true });
  }

  /**
   * Send DTMF: the far leg gets one `SIP.DTMF.RECEIVED` per tone, in order, with the transport and
   * duration given. `,` pauses are skipped; gaps are not simulated.
   */
  sendDtmf(tones: string, options: DtmfOptions): void {
    if (!this.usable('sendDtmf')) return;
    if (this.phase !== 'confirmed') return this.refuse('sendDtmf', `cannot send DTMF in state ${this.phase}`);
    const list = [...tones].filter((tone) => tone !== ',');
    const invalid = list.find((tone) => !DTMF_TONE.test(tone));
    if (invalid !== undefined) return this.refuse('sendDtmf', `invalid DTMF tone "${invalid}"`);
    for (const tone of list) {
      this.sendToPeer({ kind: 'dtmf', tone: tone.toUpperCase(), durationMs: options.durationMs, transport: options.transport });
    }
  }

  /**
   * Transfer the far end to `target` (REFER). With `replaces` (another {@link MemoryCall} of the same
   * user agent), the far end's new INVITE replaces that call at its far end (attended transfer).
   */
  refer(target: string, replaces: CallPort | null): void {
    if (!this.usable('refer')) return;
    if (this.phase !== 'confirmed') return this.refuse('refer', `cannot transfer in state ${this.phase}`);
    if (target.trim() === '') return this.refuse('refer', 'empty transfer target');
    let ref: DialogRef | null = null;
    if (replaces !== null) {
      if (!(replaces instanceof MemoryCall)) return this.refuse('refer', 'replaces is not a call of the memory network');
      ref = { callId: replaces.callId, localTag: replaces.localTag, remoteTag: replaces.knownRemoteTag };
    }
    this.sendToPeer({ kind: 'refer', target, replaces: ref });
  }

  /** Send an in-dialog INFO; the far leg gets `SIP.INFO.RECEIVED`. */
  sendInfo(contentType: string, body: string): void {
    if (!this.usable('sendInfo')) return;
    if (this.phase !== 'confirmed') return this.refuse('sendInfo', `cannot send INFO in state ${this.phase}`);
    const problem = mediaTypeProblem(contentType);
    if (problem) return this.refuse('sendInfo', problem);
    this.sendToPeer({ kind: 'info', contentType, body });
  }

  /** Send an in-dialog MESSAGE; the far leg gets `SIP.MESSAGE.RECEIVED`. */
  sendMessage(contentType: string, body: string): void {
    if (!this.usable('sendMessage')) return;
    if (this.phase !== 'confirmed') return this.refuse('sendMessage', `cannot send MESSAGE in state ${this.phase}`);
    const problem = mediaTypeProblem(contentType);
    if (problem) return this.refuse('sendMessage', problem);
    this.sendToPeer({ kind: 'message', contentType, body });
  }

  /**
   * Ask the recording backend to start, pause or resume. It answers later with
   * `SIP.RECORD.SUCCEEDED` (start/resume → recording, pause → paused) or `SIP.RECORD.FAILED`
   * (scripted `recordFailure`, or an action that makes no sense in the current recording state).
   */
  record(action: RecordAction): void {
    if (!this.usable('record')) return;
    if (this.phase !== 'confirmed') return this.refuse('record', `cannot record in state ${this.phase}`);
    this.link.defer(() => {
      if (this.phase === 'terminated') return;
      const failure = this.owner.faults.recordFailure;
      if (failure !== undefined) return this.emit({ type: 'SIP.RECORD.FAILED', action, reason: failure.reason });
      const next = nextRecordState(this.recording, action);
      if (next === null) {
        return this.emit({ type: 'SIP.RECORD.FAILED', action, reason: `cannot ${action} while ${this.recording}` });
      }
      this.recording = next;
      this.emit({ type: 'SIP.RECORD.SUCCEEDED', state: next });
    });
  }

  /** Synthetic audio statistics while confirmed; an empty report otherwise. */
  getStats(): Promise<StatsReportLike> {
    if (this.phase !== 'confirmed' || this.confirmedAt === null) return Promise.resolve(new Map());
    return Promise.resolve(syntheticStats(this.confirmedAt, Date.now()));
  }

  /** Drop listeners; later commands are ignored. The call itself is not ended. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.clearNoAnswerTimer();
    this.events.dispose();
    this.watchers.length = 0;
    this.owner.forget(this);
  }

  // ---- Wiring used by the user agent and the network -------------------------------------------

  /** @internal both legs exist: link them and report the first dialog state. */
  connect(peer: MemoryCall): void {
    this.farLeg = peer;
    if (this.direction === 'incoming') {
      this.knownRemoteTag = peer.localTag;
      this.emit({ type: 'SIP.INVITE', dialog: this.dialog('HaveRemoteOffer') });
    }
  }

  /** @internal report the dialog as known when the call is created. */
  announce(): void {
    if (this.direction === 'outgoing') this.emit({ type: 'SIP.INVITE', dialog: this.dialog('HaveLocalOffer') });
  }

  /** @internal the INVITE takes over `leg` once this call is confirmed. */
  replace(leg: MemoryCall): void {
    this.replacedLeg = leg;
  }

  /** @internal end the leg at once, e.g. when it cannot even be sent. */
  fail(report: EndReport): void {
    this.finish(report);
  }

  /** @internal the transport was lost while this leg was still being set up. */
  loseTransport(): void {
    if (this.phase === 'terminated' || this.phase === 'confirmed') return;
    this.finish({ cause: 'connection-error', code: null, originator: 'system', reason: 'Connection Error' });
  }

  /** @internal end the leg the way stopping the user agent does (JsSIP's terminateSessions). */
  terminate(): void {
    if (this.phase === 'terminated') return;
    if (this.established) this.hangup();
    else if (this.direction === 'outgoing') this.cancel();
    else this.reject(480);
  }

  /** @internal ring for at most `ms`, then fail as `no-answer` (408) on both legs. */
  startNoAnswerTimer(ms: number): void {
    this.clearNoAnswerTimer();
    const timer = setTimeout(() => {
      this.noAnswerTimer = null;
      if (this.phase !== 'ringing') return;
      this.finish({ cause: 'no-answer', code: 408, originator: 'system', reason: 'No Answer' });
      this.sendToPeer({ kind: 'decline', code: 408, reason: 'Request Timeout', cause: 'no-answer' });
    }, ms);
    (timer as { unref?: () => void }).unref?.();
    this.noAnswerTimer = timer;
  }

  /** @internal send a NOTIFY about a REFER received on this leg to the referrer. */
  notifyReferrer(code: number, reason: string): void {
    if (this.phase === 'terminated') return;
    this.sendToPeer({ kind: 'notify', code, reason });
  }

  /** @internal answer a REFER received on this leg. */
  answerRefer(code: number, reason: string): void {
    this.sendToPeer({ kind: 'refer-response', code, reason });
  }

  /** @internal a message from the far leg (or the network) arrived. */
  receive(message: LegMessage): void {
    switch (message.kind) {
      case 'ringing':
        return this.onRinging();
      case 'ok':
        return this.onOk();
      case 'decline':
        if (this.phase === 'terminated' || this.established) return;
        return this.finish({ cause: message.cause ?? causeForStatus(message.code), code: message.code, originator: 'remote', reason: message.reason });
      case 'ack':
        return this.onAck();
      case 'cancel':
        if (this.phase !== 'ringing') return;
        return this.finish({ cause: 'canceled', code: 487, originator: 'remote', reason: 'Canceled' });
      case 'bye':
        if (this.phase === 'terminated' || !this.established) return;
        return this.finish({ cause: 'bye', code: null, originator: 'remote', reason: 'Terminated' });
      case 'abort':
        return this.onAbort();
      case 'reinvite':
        return this.onReinvite(message.hold);
      case 'reinvite-response':
        return this.onReinviteResponse(message.hold, message.code, message.reason);
      case 'dtmf':
        if (this.phase !== 'confirmed') return;
        return this.emit({ type: 'SIP.DTMF.RECEIVED', tone: message.tone, durationMs: message.durationMs, transport: message.transport });
      case 'info':
        if (this.phase !== 'confirmed') return;
        return this.emit({ type: 'SIP.INFO.RECEIVED', contentType: message.contentType, body: message.body });
      case 'message':
        if (this.phase !== 'confirmed') return;
        return this.emit({ type: 'SIP.MESSAGE.RECEIVED', contentType: message.contentType, body: message.body });
      case 'refer':
        if (this.phase !== 'confirmed') return this.answerRefer(481, reasonPhrase(481));
        return this.owner.receiveRefer(this, message.target, message.replaces);
      case 'refer-response':
        if (this.phase === 'terminated') return;
        if (message.code >= 200 && message.code < 300) return this.emit({ type: 'SIP.REFER.ACCEPTED' });
        return this.emit({ type: 'SIP.REFER.FAILED', code: message.code, reason: message.reason });
      case 'notify':
        if (this.phase === 'terminated') return;
        return this.emit({ type: 'SIP.REFER.NOTIFY', code: message.code, reason: message.reason });
      case 'video-offer':
        return this.onVideoOffer(message.add);
      case 'video-response':
        return this.onVideoResponse(message.code, message.reason, message.accepted);
    }
  }

  /** @internal what the INVITE offers: video when the app asked to send or to receive it. */
  offerVideo(options: CallOptions): void {
    this.cameraOn = options.video === true;
    this.offeringVideo = options.video === true || options.offerToReceiveVideo === true;
  }

  // ---- Internals -------------------------------------------------------------------------------

  private onRinging(): void {
    if (this.phase !== 'calling' && this.phase !== 'ringing') return;
    const first = this.phase === 'calling';
    this.phase = 'ringing';
    if (first) this.learnRemoteTag();
    const dialog = first ? this.dialog('HaveLocalOffer') : null;
    this.emit({ type: 'SIP.PROGRESS', code: 180, earlyMedia: false, remote: this.learnIdentity(), dialog, video: null });
  }

  private onOk(): void {
    const peer = this.farLeg;
    if (peer === null) return;
    if (this.phase === 'terminated') {
      // The 200 crossed our CANCEL: the INVITE transaction still needs its ACK, then we leave.
      this.link.send(this, peer, { kind: 'ack' });
      this.link.send(this, peer, { kind: 'bye' });
      return;
    }
    if (this.established) return;
    this.learnRemoteTag();
    this.established = true;
    this.phase = 'confirmed';
    this.confirmedAt = Date.now();
    const remote = this.learnIdentity();
    this.videoLine = this.offeringVideo && (peer.videoLine || peer.cameraOn);
    // The 2xx and its ACK are one step here, as on a real stack that ACKs a 2xx before reporting it.
    this.emit({ type: 'SIP.ANSWERED', remote, dialog: this.dialog('Stable'), video: this.negotiatedChange() });
    if (peer.ownStream !== null) this.emit({ type: 'MEDIA.STREAM', direction: 'remote', stream: peer.ownStream });
    this.sendToPeer({ kind: 'ack' });
    this.startAutoRecord();
  }

  private onAck(): void {
    if (this.phase !== 'answering') return;
    this.phase = 'confirmed';
    this.confirmedAt = Date.now();
    this.emit({ type: 'SIP.ACK.RECEIVED', dialog: null });
    const peerStream = this.farLeg?.ownStream ?? null;
    if (peerStream !== null) this.emit({ type: 'MEDIA.STREAM', direction: 'remote', stream: peerStream });
    this.startAutoRecord();
    const replaced = this.replacedLeg;
    this.replacedLeg = null;
    if (replaced !== null && replaced.phase !== 'terminated') {
      replaced.finish({ cause: 'replaced', code: null, originator: 'remote', reason: 'Replaced' });
      replaced.sendToPeer({ kind: 'bye' });
    }
  }

  private onAbort(): void {
    if (this.phase === 'terminated') return;
    if (this.established) {
      return this.finish({ cause: 'bye', code: null, originator: 'remote', reason: 'Connection lost' });
    }
    if (this.direction === 'outgoing') {
      return this.finish({ cause: 'unavailable', code: 480, originator: 'remote', reason: reasonPhrase(480) });
    }
    this.finish({ cause: 'canceled', code: 487, originator: 'remote', reason: 'Canceled' });
  }

  private reinvite(hold: boolean): void {
    const command = hold ? 'hold' : 'unhold';
    if (!this.usable(command)) return;
    if (this.phase !== 'confirmed') return this.refuse(command, `cannot ${command} in state ${this.phase}`);
    if (this.pendingReinvite !== null) {
      return this.emit({ type: hold ? 'SIP.HOLD.FAILED' : 'SIP.UNHOLD.FAILED', code: 491, reason: reasonPhrase(491) });
    }
    if (hold === this.localHeld) return this.refuse(command, hold ? 'already on hold' : 'not on hold');
    this.pendingReinvite = command;
    this.sendToPeer({ kind: 'reinvite', hold });
  }

  private onReinvite(hold: boolean): void {
    if (this.phase === 'terminated') return;
    const respond = (code: number, reason: string) => this.sendToPeer({ kind: 'reinvite-response', hold, code, reason });
    if (this.phase !== 'confirmed' || this.pendingReinvite !== null) return respond(491, reasonPhrase(491));
    const fault = this.owner.takeReinviteFault();
    if (fault !== null) return respond(fault.code, fault.reason ?? reasonPhrase(fault.code));
    this.remoteHeldFlag = hold;
    this.emit({ type: 'SIP.REINVITE', video: false, held: hold, videoOffered: false });
    respond(200, 'OK');
  }

  private onReinviteResponse(hold: boolean, code: number, reason: string): void {
    if (this.phase === 'terminated') return;
    this.pendingReinvite = null;
    if (code >= 200 && code < 300) {
      this.localHeld = hold;
      return this.emit({ type: hold ? 'SIP.HOLD.SUCCEEDED' : 'SIP.UNHOLD.SUCCEEDED', dialog: null });
    }
    this.emit({ type: hold ? 'SIP.HOLD.FAILED' : 'SIP.UNHOLD.FAILED', code, reason });
  }

  private negotiated(): VideoDirections {
    const peer = this.farLeg;
    if (!this.videoLine || peer === null) return { send: false, receive: false };
    return { send: this.cameraOn, receive: peer.cameraOn };
  }

  /** The negotiated video when the last offer/answer changed it, else null. */
  private negotiatedChange(): VideoDirections | null {
    const video = this.negotiated();
    const last = this.lastNegotiated;
    if (last.send === video.send && last.receive === video.receive) return null;
    this.lastNegotiated = video;
    return video;
  }

  private emitNegotiated(): void {
    const video = this.negotiatedChange();
    if (video) this.emit({ type: 'SIP.MEDIA.NEGOTIATED', video });
  }

  private videoReinvite(add: boolean, cameraId: string | undefined): void {
    const command = add ? 'addVideo' : 'removeVideo';
    if (!this.usable(command)) return;
    const fail = (reason: string, code: number | null = null, media: MediaOutcome | null = null) =>
      this.emit({ type: 'SIP.RENEGOTIATE.FAILED', code, reason, media: media && !media.ok ? media.failure : null });
    if (this.phase !== 'confirmed') return fail(`cannot ${command} in state ${this.phase}`);
    if (this.pendingReinvite !== null || this.videoOfferPending) return fail('another offer/answer exchange is in progress', 491);
    const media = this.owner.faults.media;
    if (add && media !== undefined) return fail(media.reason ?? media.failure, null, { ok: false, failure: media.failure, reason: '' });
    if (add && cameraId !== undefined) this.chosenDevices.camera = cameraId;
    this.pendingReinvite = 'video';
    // The offer carries our camera: the far end that accepts it receives our video at once.
    if (add) this.cameraOn = true;
    this.sendToPeer({ kind: 'video-offer', add });
  }

  private onVideoOffer(add: boolean): void {
    if (this.phase === 'terminated') return;
    const respond = (code: number, reason: string, accepted: boolean) => this.sendToPeer({ kind: 'video-response', code, reason, accepted });
    if (this.phase !== 'confirmed' || this.pendingReinvite !== null || this.videoOfferPending) return respond(491, reasonPhrase(491), false);
    const fault = this.owner.takeReinviteFault();
    if (fault !== null) return respond(fault.code, fault.reason ?? reasonPhrase(fault.code), false);
    // An offer to add video waits for the app's answer, which may come while the event is delivered.
    const videoOffered = add && !this.videoLine;
    if (videoOffered) this.videoOfferPending = true;
    this.emit({ type: 'SIP.REINVITE', video: add, held: this.remoteHeldFlag, videoOffered });
    if (!add) {
      this.videoLine = false;
      this.cameraOn = false;
      this.screenFlag = false;
      respond(200, 'OK', false);
      return this.emitNegotiated();
    }
    if (!videoOffered) respond(200, 'OK', true);
  }

  private answerVideoOffer(accept: boolean, cameraId: string | undefined): void {
    const command = accept ? 'acceptVideo' : 'declineVideo';
    if (!this.usable(command)) return;
    if (!this.videoOfferPending) return this.refuse(command, 'no offer to add video is waiting for an answer');
    this.videoOfferPending = false;
    const media = this.owner.faults.media;
    let accepted = accept;
    if (accept && media !== undefined) {
      accepted = false;
      this.refuse(command, `the camera could not be had (${media.failure}); video declined`);
    }
    if (accepted && cameraId !== undefined) this.chosenDevices.camera = cameraId;
    this.videoLine = accepted;
    this.cameraOn = accepted;
    this.sendToPeer({ kind: 'video-response', code: 200, reason: 'OK', accepted });
    this.emitNegotiated();
    this.emit({ type: 'SIP.VIDEO.ANSWERED', accepted });
  }

  private onVideoResponse(code: number, reason: string, accepted: boolean): void {
    if (this.phase === 'terminated' || this.pendingReinvite !== 'video') return;
    this.pendingReinvite = null;
    const adding = !this.videoLine;
    if (code < 200 || code >= 300) {
      if (adding) this.cameraOn = false;
      return this.emit({ type: 'SIP.RENEGOTIATE.FAILED', code, reason: `${code} ${reason}`, media: null });
    }
    this.videoLine = adding && accepted;
    this.cameraOn = this.videoLine;
    if (!this.videoLine) this.screenFlag = false;
    this.emitNegotiated();
    this.emit({ type: 'SIP.RENEGOTIATE.SUCCEEDED' });
  }

  private changeScreen(start: boolean): void {
    const command = start ? 'startScreenShare' : 'stopScreenShare';
    if (!this.usable(command)) return;
    const media = this.owner.faults.media;
    if (this.phase !== 'confirmed' || !this.negotiated().send) {
      return this.emit({ type: 'SIP.SCREEN.FAILED', media: 'failed', reason: 'the call sends no video' });
    }
    if (start && media !== undefined) return this.emit({ type: 'SIP.SCREEN.FAILED', media: media.failure, reason: media.reason ?? media.failure });
    this.link.defer(() => {
      if (this.phase === 'terminated') return;
      this.screenFlag = start;
      this.emit({ type: start ? 'SIP.SCREEN.STARTED' : 'SIP.SCREEN.STOPPED' });
    });
  }

  private startAutoRecord(): void {
    if (this.owner.faults.autoRecord !== true) return;
    this.link.defer(() => {
      if (this.phase !== 'confirmed' || this.recording !== 'off') return;
      this.recording = 'recording';
      this.emit({ type: 'SIP.RECORD.STATE', state: 'recording' });
    });
  }

  private learnRemoteTag(): void {
    if (this.farLeg !== null) this.knownRemoteTag = this.farLeg.localTag;
  }

  /** The far end's identity, the first time a response of the far leg tells it (with a display name). */
  private learnIdentity(): RemoteIdentity | null {
    if (this.identityAnnounced || this.farLeg === null || this.direction !== 'outgoing') return null;
    this.identityAnnounced = true;
    const identity = this.farLeg.localIdentity;
    if (identity.name === null) return null;
    this.remoteIdentity = identity;
    return identity;
  }

  private finish(report: EndReport): void {
    if (this.phase === 'terminated') return;
    this.phase = 'terminated';
    this.endReport = report;
    this.pendingReinvite = null;
    this.videoOfferPending = false;
    this.clearNoAnswerTimer();
    this.emit({ type: this.established ? 'SIP.ENDED' : 'SIP.FAILED', ...report });
  }

  private sendToPeer(message: LegMessage): void {
    if (this.farLeg !== null) this.link.send(this, this.farLeg, message);
  }

  private dialog(signalingState: DialogInfo['signalingState']): DialogInfo {
    return {
      callId: this.callId,
      localTag: this.localTag,
      remoteTag: this.knownRemoteTag,
      localURI: this.localUri,
      remoteURI: this.remoteUri,
      remoteTarget: this.knownRemoteTag === null ? null : this.remoteUri,
      signalingState,
    };
  }

  /** False (and nothing emitted) once disposed; a `SIP.COMMAND.FAILED` once the call ended. */
  private usable(command: string): boolean {
    if (this.disposed) return false;
    if (this.phase === 'terminated') {
      this.refuse(command, 'the call has ended');
      return false;
    }
    return true;
  }

  private refuse(command: string, reason: string): void {
    this.emit({ type: 'SIP.COMMAND.FAILED', command, reason });
  }

  private emit(event: CallPortEvent): void {
    for (const watcher of [...this.watchers]) {
      try {
        watcher(event);
      } catch (error) {
        this.link.reportError(error);
      }
    }
    this.events.emit(event);
  }

  private clearNoAnswerTimer(): void {
    if (this.noAnswerTimer !== null) clearTimeout(this.noAnswerTimer);
    this.noAnswerTimer = null;
  }
}

function nextRecordState(current: RecordState, action: RecordAction): RecordState | null {
  if (action === 'start') return current === 'recording' ? null : 'recording';
  if (action === 'pause') return current === 'recording' ? 'paused' : null;
  return current === 'paused' ? 'recording' : null;
}
