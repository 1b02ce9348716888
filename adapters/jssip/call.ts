import type { RTCSession } from 'jssip/lib/RTCSession';
import type {
  CallDirection,
  CallOptions,
  CallPort,
  CallPortEvent,
  DeviceKind,
  DtmfOptions,
  EndReport,
  MediaFailure,
  MediaOutcome,
  RecordAction,
  RemoteIdentity,
  StatsReportLike,
  Unsubscribe,
} from '../../machines/port';
import { assertNoProblem, extraHeadersProblem, mediaTypeProblem } from '../../machines/sip-grammar';
import { targetProblem } from '../../machines/sip-target';
import { endCauseOfMediaFailure, inputConstraint, mediaFailureOf } from '../../machines/media-errors';
import { endReportOf, type MessageLike } from './causes';
import { dialogIds, dialogInfo } from './dialog';
import { sendDtmf } from './dtmf';
import { EventBuffer } from '../event-buffer';
import { stackBusy, stackCallback } from './stack-callback';
import { errorText, guard, type AdapterLogger } from './exception-barrier';
import { heldSdp } from './hold-sdp';
import { sendInDialog } from './in-dialog';
import { CallMedia, type MediaDevicesLike } from './media';
import { installSessionFixes } from './session-fixes';
import type { RecordingBackend } from './recording';
import { replacesTarget, sendRefer, type IncomingReferEvent, type IncomingReplacesEvent } from './refer';

/** How long JsSIP waits for ICE candidates before it sends the SDP. */
export interface IceGatheringOptions {
  /** Send the SDP as soon as the first host candidate is known. Default false. */
  readonly stopAtFirstHostCandidate?: boolean;
  /** Send the SDP at the latest this many ms after the first candidate. Default: wait for the end of gathering. */
  readonly timeoutMs?: number;
}

/** What a call needs from its user agent. */
export interface CallEnvironment {
  readonly logger: AdapterLogger;
  readonly iceGathering: IceGatheringOptions;
  readonly recording: RecordingBackend | null;
  readonly holdUsesUpdate: boolean;
  readonly pcConfig: RTCConfiguration | undefined;
  /** Where cameras, microphones and the screen are acquired (the browser's `navigator.mediaDevices`). */
  readonly mediaDevices: MediaDevicesLike | null;
  /** The call reported its single SIP.FAILED/SIP.ENDED. */
  callEnded(call: JsSipCall): void;
  /** The far end sent us a REFER on this call (JsSIP already answered 202). */
  referReceived(call: JsSipCall, event: IncomingReferEvent): void;
  /** An INVITE with Replaces targets this call. */
  replacesReceived(call: JsSipCall, event: IncomingReplacesEvent): void;
}

const STATUS_TERMINATED = 8;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Listener = (...args: any[]) => void;
type HoldKind = 'hold' | 'unhold';

interface EndPayload {
  originator: string;
  message?: MessageLike | string | null;
  cause?: string;
}

let fallbackIds = 0;

/** JsSIP's media options for `call()`/`answer()` from the port's {@link CallOptions}. */
export function mediaOptionsOf(options: CallOptions, pcConfig: RTCConfiguration | undefined): Record<string, unknown> {
  assertNoProblem(extraHeadersProblem(options.extraHeaders));
  const video = options.video === true;
  const devices = options.deviceIds ?? {};
  const constraints: MediaStreamConstraints = {
    audio: inputConstraint(devices.microphoneId),
    video: video ? inputConstraint(devices.cameraId) : false,
  };
  return {
    mediaStream: options.mediaStream,
    mediaConstraints: options.mediaStream ? undefined : (options.mediaConstraints ?? constraints),
    extraHeaders: options.extraHeaders ? [...options.extraHeaders] : undefined,
    pcConfig,
    rtcOfferConstraints: { offerToReceiveAudio: true, offerToReceiveVideo: video || options.offerToReceiveVideo === true },
  };
}

function identityOf(uri: { user?: string | null; toString(): string } | null | undefined, name?: string | null): RemoteIdentity {
  return { number: uri?.user ?? '', name: name || null, uri: uri ? uri.toString() : '' };
}

function identityOfTarget(target: string): RemoteIdentity {
  const match = /^(?:sips?:)?([^@;?>]+)@?/.exec(target.replace(/^</, ''));
  return { number: match ? match[1] : target, name: null, uri: target };
}

/**
 * One call on JsSIP: a {@link CallPort} over an RTCSession. The port exists before JsSIP's session
 * does (an outgoing call's `peerconnection` fires inside `ua.call()`), and `attach` binds the two.
 */
export class JsSipCall implements CallPort {
  readonly direction: CallDirection;
  readonly replacesCallId: string | null;
  session: RTCSession | null = null;
  localStream: MediaStream | null = null;
  remoteStream: MediaStream | null = null;

  private readonly events: EventBuffer<CallPortEvent>;
  private readonly logger: AdapterLogger;
  private readonly fallbackId = `callstate-${++fallbackIds}-${Date.now().toString(36)}`;
  private readonly targetIdentity: RemoteIdentity;
  private readonly attached: Array<[string, Listener]> = [];
  private pc: RTCPeerConnection | null = null;
  private finished = false;
  private disposed = false;
  private pendingHold: HoldKind | null = null;
  private holdFailure: { kind: HoldKind; code: number | null; reason: string } | null = null;
  private lastReofferError: { code: number; reason: string } | null = null;
  private ownTerminate = false;
  private localRejectCode: number | null = null;
  private transferSucceeded = false;
  private replacedBy: string | null = null;
  private mediaError: string | null = null;
  private mediaFailure: MediaFailure | null = null;
  private readonly media: CallMedia;
  private iceTimer: ReturnType<typeof setTimeout> | null = null;
  private recordBusy = false;
  /** The far end's re-INVITE or UPDATE being taken in, not told yet. */
  private pendingReinvite: { readonly video: boolean } | null = null;
  private removeFixes: () => void = () => {};

  constructor(
    private readonly env: CallEnvironment,
    direction: CallDirection,
    init: { target?: string; replacesCallId?: string | null; localStream?: MediaStream | null } = {},
  ) {
    this.direction = direction;
    this.replacesCallId = init.replacesCallId ?? null;
    this.logger = env.logger;
    this.events = new EventBuffer<CallPortEvent>({ onListenerError: (error) => env.logger.warn('jssip adapter: port listener threw', error), stackBusy });
    this.targetIdentity = identityOfTarget(init.target ?? '');
    this.localStream = init.localStream ?? null;
    this.media = new CallMedia({
      logger: env.logger,
      devices: env.mediaDevices,
      session: () => this.session,
      peerConnection: () => this.pc ?? ((this.session?.connection as RTCPeerConnection | undefined) || null),
      localStream: () => this.ownLocalStream(),
      emit: (event) => this.emit(event),
      offerBlocked: () => (this.pendingHold ? `a ${this.pendingHold} is in progress` : null),
      ended: () => this.finished,
    });
  }

  get callId(): string {
    const request = (this.session as unknown as { _request?: { call_id?: string } } | null)?._request;
    return request?.call_id ?? this.fallbackId;
  }

  get remote(): RemoteIdentity {
    const identity = this.session?.remote_identity;
    return identity ? identityOf(identity.uri, identity.display_name) : this.targetIdentity;
  }

  get native(): unknown {
    return this.session;
  }

  /** Whether the call has reported its end. */
  get ended(): boolean {
    return this.finished;
  }

  /** Handlers to pass as `eventHandlers` to `ua.call()` / refer `accept()`, for what fires before `attach`. */
  earlyHandlers(): Record<string, Listener> {
    return {
      peerconnection: ((event: { peerconnection: RTCPeerConnection }) =>
        stackCallback(this.logger, 'peerconnection', () => this.attachPeerConnection(event.peerconnection))) as Listener,
    };
  }

  /** Bind the port to JsSIP's session. */
  attach(session: RTCSession): void {
    if (this.session) return;
    this.session = session;
    this.patchSession(session);
    this.removeFixes = installSessionFixes(session, {
      logger: this.logger,
      callIdOwner: this.direction === 'outgoing',
      reofferFailed: (code, reason) => {
        this.lastReofferError = { code, reason };
      },
    });
    const on = (name: string, fn: (payload: never) => void) => {
      const wrapped = ((payload: never) => stackCallback(this.logger, `session ${name}`, () => fn(payload))) as Listener;
      session.on(name as never, wrapped as never);
      this.attached.push([name, wrapped]);
    };
    on('peerconnection', (e: { peerconnection: RTCPeerConnection }) => this.attachPeerConnection(e.peerconnection));
    on('connecting', () => this.announceLocalStream());
    on('progress', (e: { originator: string; response?: { status_code: number; body?: string } | null }) => {
      if (e.originator !== 'remote' || !e.response) return;
      const video = this.media.takeNegotiated(false);
      this.emit({ type: 'SIP.PROGRESS', code: e.response.status_code, earlyMedia: Boolean(e.response.body), remote: null, dialog: null, video });
    });
    // A 2xx to our INVITE fires `accepted` then, once JsSIP sent the ACK, `confirmed`: one message, told
    // once, at `confirmed`. For an incoming call, `accepted` is our 200 going out and `confirmed` the ACK.
    on('accepted', () => {
      if (this.direction !== 'incoming') return;
      this.emit({ type: 'SIP.ANSWER.SENT', remote: this.remote, dialog: null, video: this.media.takeNegotiated(true) });
    });
    on('confirmed', () => {
      this.announceLocalStream();
      const dialog = dialogInfo(session, this.pc);
      if (this.direction === 'incoming') this.emit({ type: 'SIP.ACK.RECEIVED', dialog });
      else this.emit({ type: 'SIP.ANSWERED', remote: this.remote, dialog, video: this.media.takeNegotiated(true) });
    });
    on('ended', (e: EndPayload) => this.finish('SIP.ENDED', e));
    on('failed', (e: EndPayload) => {
      // JsSIP reports a getUserMedia failure ('User Denied Media Access') just before the event that
      // carries the browser's error; the end waits for it, to say which device failure it was.
      if (e.cause === 'User Denied Media Access' && !this.mediaFailure) queueMicrotask(() => guard(this.logger, 'failed', () => this.finish('SIP.FAILED', e)));
      else this.finish('SIP.FAILED', e);
    });
    // The far end's re-INVITE (or UPDATE) is told once JsSIP has taken in its offer: when the hold it
    // changes is known (`hold`/`unhold`), else when our answer is ready (`sdp`), or when the offer failed.
    on('hold', (e: { originator: string }) => {
      if (e.originator === 'remote') this.tellReinvite(true);
    });
    on('unhold', (e: { originator: string }) => {
      if (e.originator === 'remote') this.tellReinvite(false);
    });
    on('newDTMF', (e: { originator: string; dtmf: { tone: string; duration: number } }) => {
      if (e.originator !== 'remote') return;
      this.emit({ type: 'SIP.DTMF.RECEIVED', tone: String(e.dtmf.tone), durationMs: Number(e.dtmf.duration) || 0, transport: 'info' });
    });
    on('newInfo', (e: { originator: string; info: { contentType?: string; body?: string } }) => {
      if (e.originator !== 'remote') return;
      this.emit({ type: 'SIP.INFO.RECEIVED', contentType: e.info.contentType ?? '', body: e.info.body ?? '' });
    });
    on('reinvite', (e: { request: { body?: string }; callback?: () => void; reject?: (options?: object) => unknown }) => {
      const body = e.request.body ?? '';
      this.pendingReinvite = { video: /^m=video [1-9]/m.test(body) };
      this.tellOnReject(e);
      const answered = this.media.remoteOffer(body);
      if (!answered) return;
      // An offer to add video: the answer waits for the app, which the event tells at once.
      e.callback = () => guard(this.logger, 'video offer answered', answered);
      this.tellReinvite(session.isOnHold().remote, true);
    });
    on('update', (e: { request: { body?: string }; reject?: (options?: object) => unknown }) => {
      if (!e.request.body) return;
      this.pendingReinvite = { video: /^m=video [1-9]/m.test(e.request.body) };
      this.tellOnReject(e);
    });
    on('sdp', (e: { originator: string; type: string; sdp: string }) => {
      if (e.originator !== 'local') return;
      if (e.type === 'answer') e.sdp = this.media.rewriteAnswer(e.sdp);
      if (this.pendingReinvite) this.tellReinvite(session.isOnHold().remote);
    });
    on('refer', (e: IncomingReferEvent) => this.env.referReceived(this, e));
    on('replaces', (e: IncomingReplacesEvent) => this.env.replacesReceived(this, e));
    // Every SDP the phone sends says the hold that is in force (JsSIP rewrites only its own re-offers).
    on('sdp', (e: { originator: string; sdp: string }) => {
      if (e.originator === 'local') e.sdp = heldSdp(e.sdp, session.isOnHold());
    });
    on('icecandidate', (e: { candidate: RTCIceCandidate; ready: () => void }) => this.onIceCandidate(e));
    on('getusermediafailed', (error: unknown) => {
      this.mediaError = `getUserMedia: ${errorText(error)}`;
      this.mediaFailure = mediaFailureOf(error);
    });
    for (const name of [
      'peerconnection:createofferfailed',
      'peerconnection:createanswerfailed',
      'peerconnection:setlocaldescriptionfailed',
      'peerconnection:setremotedescriptionfailed',
    ]) {
      on(name, (error: unknown) => {
        this.mediaError = `${name.slice('peerconnection:'.length)}: ${errorText(error)}`;
        if (this.pendingReinvite) this.tellReinvite(session.isOnHold().remote);
      });
    }
    const pc = session.connection as RTCPeerConnection | undefined;
    if (pc) this.attachPeerConnection(pc);
  }

  /** The call could not even be created (JsSIP threw from `call()`). */
  failBeforeStart(report: EndReport): void {
    if (this.finished) return;
    this.finished = true;
    this.emit({ type: 'SIP.FAILED', ...report });
    this.env.callEnded(this);
  }

  /** An INVITE with Replaces for this call was accepted: its end is a replacement. */
  markReplaced(byCallId: string): void {
    this.replacedBy = byCallId;
  }

  /** A transfer of this call succeeded (we are the transferee): its coming end is a transfer. */
  markTransferred(): void {
    this.transferSucceeded = true;
  }

  subscribe(listener: (event: CallPortEvent) => void): Unsubscribe {
    return this.events.subscribe(listener);
  }

  answer(options: CallOptions): void {
    this.command('answer', (session) => {
      if (this.direction !== 'incoming') return 'only an incoming call can be answered';
      if (options.mediaStream) this.localStream = options.mediaStream;
      session.answer(mediaOptionsOf(options, this.env.pcConfig) as never);
      return null;
    });
  }

  reject(code = 486, reason?: string): void {
    this.command('reject', (session) => {
      if (this.direction !== 'incoming') return 'only an incoming call can be rejected';
      if (session.isEstablished()) return 'the call is already answered';
      if (code < 300 || code > 699) return `invalid reject code ${code}`;
      this.localRejectCode = code;
      this.terminate({ status_code: code, reason_phrase: reason });
      return null;
    });
  }

  cancel(): void {
    this.command('cancel', (session) => {
      if (this.direction !== 'outgoing') return 'only an outgoing call can be canceled';
      if (session.isEstablished()) return 'the call is already answered';
      this.terminate({});
      return null;
    });
  }

  hangup(): void {
    this.command('hangup', () => {
      this.terminate({});
      return null;
    });
  }

  hold(): void {
    this.changeHold('hold');
  }

  unhold(): void {
    this.changeHold('unhold');
  }

  mute(): void {
    this.command('mute', (session) => {
      session.mute({ audio: true });
      return null;
    });
  }

  unmute(): void {
    this.command('unmute', (session) => {
      session.unmute({ audio: true });
      return null;
    });
  }

  muteVideo(): void {
    this.command('muteVideo', (session) => {
      session.mute({ video: true });
      return null;
    });
  }

  unmuteVideo(): void {
    this.command('unmuteVideo', (session) => {
      session.unmute({ video: true });
      return null;
    });
  }

  addVideo(cameraId: string | undefined): void {
    this.media.addVideo(cameraId);
  }

  removeVideo(): void {
    this.media.removeVideo();
  }

  acceptVideo(cameraId: string | undefined): void {
    this.command('acceptVideo', () => (this.media.answerOffer(true, cameraId) ? null : 'no offer to add video is waiting for an answer'));
  }

  declineVideo(): void {
    this.command('declineVideo', () => (this.media.answerOffer(false, undefined) ? null : 'no offer to add video is waiting for an answer'));
  }

  startScreenShare(): void {
    void this.media.startScreenShare();
  }

  stopScreenShare(): void {
    void this.media.stopScreenShare();
  }

  switchDevice(kind: DeviceKind, deviceId: string): Promise<MediaOutcome> {
    return this.media.switchDevice(kind, deviceId);
  }

  sendDtmf(tones: string, options: DtmfOptions): void {
    this.command('sendDtmf', (session) => sendDtmf(session, tones, options));
  }

  refer(target: string, replaces: CallPort | null): void {
    const session = this.session;
    if (!session || this.finished) {
      this.emit({ type: 'SIP.REFER.FAILED', code: null, reason: 'the call is not established' });
      return;
    }
    const problem = targetProblem(target);
    if (problem) return this.emit({ type: 'SIP.REFER.FAILED', code: null, reason: problem });
    let referTo = target;
    if (replaces) {
      const other = replaces instanceof JsSipCall ? replaces.session : null;
      const ids = other ? dialogIds(other) : null;
      if (!ids) {
        this.emit({ type: 'SIP.REFER.FAILED', code: null, reason: 'the call to replace has no dialog' });
        return;
      }
      referTo = replacesTarget(target, ids);
    }
    let subscriber: ReturnType<typeof sendRefer>;
    try {
      subscriber = sendRefer(session, referTo);
    } catch (error) {
      this.emit({ type: 'SIP.REFER.FAILED', code: null, reason: errorText(error) });
      return;
    }
    if (subscriber === false) {
      this.emit({ type: 'SIP.REFER.FAILED', code: null, reason: 'the call is not established' });
      return;
    }
    const notify = (status: { status_code: number; reason_phrase: string }) => {
      const code = Number(status.status_code);
      if (code >= 200 && code < 300) this.transferSucceeded = true;
      this.emit({ type: 'SIP.REFER.NOTIFY', code, reason: status.reason_phrase ?? '' });
    };
    const wrap = <A extends unknown[]>(name: string, fn: (...args: A) => void) => (...args: A) =>
      stackCallback(this.logger, `refer ${name}`, () => fn(...args));
    subscriber.on('requestSucceeded', wrap('requestSucceeded', () => this.emit({ type: 'SIP.REFER.ACCEPTED' })));
    subscriber.on(
      'requestFailed',
      wrap('requestFailed', (e) =>
        this.emit({ type: 'SIP.REFER.FAILED', code: e.response?.status_code ?? null, reason: e.response?.reason_phrase || e.cause }),
      ),
    );
    for (const name of ['trying', 'progress', 'accepted', 'failed'] as const) {
      subscriber.on(name, wrap(name, (e: { status_line: { status_code: number; reason_phrase: string } }) => notify(e.status_line)));
    }
  }

  sendInfo(contentType: string, body: string): void {
    this.command('sendInfo', (session) => {
      assertNoProblem(mediaTypeProblem(contentType));
      session.sendInfo(contentType, body);
      return null;
    });
  }

  sendMessage(contentType: string, body: string): void {
    this.command('sendMessage', (session) => {
      assertNoProblem(mediaTypeProblem(contentType));
      sendInDialog(session, 'MESSAGE', [`Content-Type: ${contentType}`], body, this.logger, (outcome) => {
        if (!outcome.ok) {
          this.emit({ type: 'SIP.COMMAND.FAILED', command: 'sendMessage', reason: `${outcome.code ?? ''} ${outcome.reason}`.trim() });
        }
      });
      return null;
    });
  }

  record(action: RecordAction): void {
    const backend = this.env.recording;
    const session = this.session;
    const fail = (reason: string) => this.emit({ type: 'SIP.RECORD.FAILED', action, reason });
    if (!backend) return fail('no recording backend configured');
    if (!session || this.finished || !session.isEstablished()) return fail('the call is not established');
    if (this.recordBusy) return fail('a recording request is already in progress');
    this.recordBusy = true;
    guard(this.logger, `recording ${backend.name}`, () =>
      backend.request({ session, logger: this.logger }, action, (outcome) => {
        this.recordBusy = false;
        if (this.finished) return;
        if (outcome.ok) this.emit({ type: 'SIP.RECORD.SUCCEEDED', state: outcome.state });
        else fail(outcome.reason);
      }),
    );
  }

  async getStats(): Promise<StatsReportLike> {
    const pc = this.pc ?? ((this.session?.connection as RTCPeerConnection | undefined) || null);
    if (!pc || pc.connectionState === 'closed') return { values: () => [] };
    try {
      return (await pc.getStats()) as unknown as StatsReportLike;
    } catch (error) {
      this.logger.debug('getStats failed', errorText(error));
      return { values: () => [] };
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.iceTimer) clearTimeout(this.iceTimer);
    this.removeFixes();
    const session = this.session;
    if (session) for (const [name, fn] of this.attached) session.removeListener(name, fn);
    this.attached.length = 0;
    this.events.dispose();
  }

  // --- internals -------------------------------------------------------------------------------

  private emit(event: CallPortEvent): void {
    if (this.disposed) return;
    this.events.emit(event);
  }

  /** Run a command; a refusal or a JsSIP exception becomes SIP.COMMAND.FAILED. */
  private command(name: string, run: (session: RTCSession) => string | null): void {
    const session = this.session;
    let failure: string | null;
    if (!session) failure = 'the call has no session yet';
    else if (this.finished) failure = 'the call has ended';
    else {
      try {
        failure = run(session);
      } catch (error) {
        failure = errorText(error);
      }
    }
    if (failure) this.emit({ type: 'SIP.COMMAND.FAILED', command: name, reason: failure });
  }

  private terminate(options: { status_code?: number; reason_phrase?: string }): void {
    const session = this.session;
    if (!session || session.status === STATUS_TERMINATED) return;
    this.ownTerminate = true;
    try {
      session.terminate(options);
    } finally {
      this.ownTerminate = false;
    }
  }

  private changeHold(kind: HoldKind): void {
    const failed = kind === 'hold' ? ('SIP.HOLD.FAILED' as const) : ('SIP.UNHOLD.FAILED' as const);
    const session = this.session;
    if (!session || this.finished) {
      this.emit({ type: failed, code: null, reason: 'the call is not established' });
      return;
    }
    if (this.pendingHold) {
      this.emit({ type: failed, code: null, reason: `a ${this.pendingHold} is already in progress` });
      return;
    }
    if (this.media.busy) {
      this.emit({ type: failed, code: null, reason: 'a video change is in progress' });
      return;
    }
    this.pendingHold = kind;
    this.lastReofferError = null;
    const done = () =>
      stackCallback(this.logger, `${kind} done`, () => {
        if (this.pendingHold !== kind) return;
        this.pendingHold = null;
        if (this.finished) return;
        const dialog = this.session ? dialogInfo(this.session, this.pc) : null;
        this.emit({ type: kind === 'hold' ? 'SIP.HOLD.SUCCEEDED' : 'SIP.UNHOLD.SUCCEEDED', dialog });
      });
    let accepted = false;
    try {
      const options = { useUpdate: this.env.holdUsesUpdate };
      accepted = kind === 'hold' ? session.hold(options, done) : session.unhold(options, done);
    } catch (error) {
      this.logger.warn(`jssip adapter: ${kind}() threw`, errorText(error));
    }
    if (!accepted && this.pendingHold === kind) {
      this.pendingHold = null;
      const state = session.isOnHold();
      const reason = !session.isEstablished()
        ? 'the call is not established'
        : kind === 'hold' && state.local
          ? 'already on hold'
          : kind === 'unhold' && !state.local
            ? 'not on hold'
            : 'another offer/answer exchange is in progress';
      this.emit({ type: failed, code: null, reason });
    }
  }

  /**
   * Two instance-level wrappers on JsSIP's session:
   * - `terminate` ignores calls on an ended session (JsSIP throws `InvalidStateError` there: a
   *   re-INVITE's error response arriving after our BYE makes JsSIP call it from inside its WebSocket
   *   message handler, and the exception stops the UA from reading further messages), and
   *   notes when JsSIP ends the call itself because a hold/unhold re-INVITE failed;
   * - `sendRequest` guards every in-dialog callback and remembers the last re-INVITE/UPDATE error.
   */
  private patchSession(session: RTCSession): void {
    const target = session as unknown as {
      terminate: (options?: { status_code?: number; reason_phrase?: string; cause?: string }) => void;
      sendRequest: (method: string, options?: { eventHandlers?: Record<string, (...args: unknown[]) => void> }) => unknown;
    };
    const terminate = target.terminate;
    target.terminate = (options) => {
      if (session.status === STATUS_TERMINATED) {
        this.logger.debug('jssip adapter: terminate() on an ended session ignored');
        return;
      }
      if (!this.ownTerminate && this.pendingHold && !this.holdFailure && this.lastReofferError && this.keepAfterFailedReoffer(session)) {
        return;
      }
      if (!this.ownTerminate && this.pendingHold && !this.holdFailure) {
        const error = this.lastReofferError;
        this.holdFailure = {
          kind: this.pendingHold,
          code: error ? error.code : null,
          reason: error ? `${error.code} ${error.reason}` : (options?.cause ?? options?.reason_phrase ?? 'failed'),
        };
      }
      terminate.call(session, options);
    };
    const sendRequest = target.sendRequest;
    target.sendRequest = (method, options) => {
      const handlers = options?.eventHandlers;
      if (!handlers) return sendRequest.call(session, method, options);
      const wrapped: Record<string, (...args: unknown[]) => void> = {};
      for (const [name, fn] of Object.entries(handlers)) {
        wrapped[name] = (...args: unknown[]) =>
          stackCallback(this.logger, `${method} ${name}`, () => {
            if ((method === 'INVITE' || method === 'UPDATE') && name === 'onErrorResponse') {
              const response = args[0] as { status_code: number; reason_phrase: string } | undefined;
              if (response) this.lastReofferError = { code: response.status_code, reason: response.reason_phrase };
            }
            fn(...args);
          });
      }
      return sendRequest.call(session, method, { ...options, eventHandlers: wrapped });
    };
  }

  /**
   * The far end answered our hold/unhold re-INVITE (or UPDATE) with an error. RFC 3261 §14.1: a failed
   * re-INVITE leaves the session as it was. JsSIP would hang up instead (it answers a failed hold or
   * unhold re-INVITE by terminating the call with cause `WEBRTC_ERROR`);
   * this undoes what `hold()`/`unhold()` already did — the local hold flag, the pending local offer
   * (rolled back) and the tracks' enabled state — reports the failure and keeps the call. Returns false
   * (and JsSIP hangs up as before) only when the session's internals are not as expected.
   */
  private keepAfterFailedReoffer(session: RTCSession): boolean {
    const kind = this.pendingHold;
    const error = this.lastReofferError;
    const internals = session as unknown as {
      _localHold?: boolean;
      _connectionPromiseQueue?: Promise<unknown>;
      _onhold?: (originator: string) => void;
      _onunhold?: (originator: string) => void;
    };
    if (!kind || !error || typeof internals._localHold !== 'boolean' || !internals._connectionPromiseQueue) return false;
    if (typeof internals._onhold !== 'function' || typeof internals._onunhold !== 'function') return false;
    const pc = (session.connection as RTCPeerConnection | undefined) ?? this.pc;
    internals._localHold = kind === 'unhold';
    internals._connectionPromiseQueue = internals._connectionPromiseQueue
      .then(async () => {
        if (pc && pc.signalingState === 'have-local-offer') await pc.setLocalDescription({ type: 'rollback' } as RTCSessionDescriptionInit);
      })
      .catch((rollbackError: unknown) => this.logger.warn('jssip adapter: rollback after a failed re-INVITE failed', errorText(rollbackError)));
    // Restores the tracks' enabled state and tells JsSIP's own listeners the hold did not happen.
    guard(this.logger, 'restore hold state', () => (kind === 'hold' ? internals._onunhold!('local') : internals._onhold!('local')));
    this.pendingHold = null;
    this.lastReofferError = null;
    const failed = kind === 'hold' ? ('SIP.HOLD.FAILED' as const) : ('SIP.UNHOLD.FAILED' as const);
    this.emit({ type: failed, code: error.code, reason: `${error.code} ${error.reason}`.trim() });
    return true;
  }

  private finish(type: 'SIP.ENDED' | 'SIP.FAILED', payload: EndPayload): void {
    if (this.finished) return;
    this.finished = true;
    if (this.iceTimer) clearTimeout(this.iceTimer);
    this.removeFixes();
    let report: EndReport = endReportOf(payload.originator, payload.message, payload.cause);
    if (this.holdFailure) {
      const failure = this.holdFailure;
      this.emit({ type: failure.kind === 'hold' ? 'SIP.HOLD.FAILED' : 'SIP.UNHOLD.FAILED', code: failure.code, reason: failure.reason });
      report = { cause: 'hold-failed', code: failure.code, originator: 'local', reason: `${failure.kind} failed: ${failure.reason}` };
    } else if (this.replacedBy) {
      report = { ...report, cause: 'replaced', reason: `replaced by ${this.replacedBy}` };
    } else if (this.transferSucceeded && type === 'SIP.ENDED') {
      report = { ...report, cause: 'transferred' };
    } else if (this.localRejectCode !== null && report.originator === 'local' && report.cause === 'rejected') {
      report = { ...report, code: this.localRejectCode };
    }
    if (report.cause === 'media-failure' || report.cause === 'user-denied-media') {
      if (this.mediaError) report = { ...report, reason: this.mediaError };
      if (report.cause === 'user-denied-media' && this.mediaFailure) report = { ...report, cause: endCauseOfMediaFailure(this.mediaFailure) };
    }
    this.media.close();
    this.pendingHold = null;
    this.pendingReinvite = null;
    this.emit({ type, ...report });
    this.env.callEnded(this);
  }

  private attachPeerConnection(pc: RTCPeerConnection): void {
    if (this.pc === pc) return;
    this.pc = pc;
    this.media.attach(pc);
    pc.addEventListener('track', (event: Event) =>
      guard(this.logger, 'track', () => {
        const e = event as RTCTrackEvent;
        // A track added later (video added to an audio call) may come in a stream of its own: it joins
        // the call's remote stream, so one stream keeps carrying all of the far end's media.
        if (this.remoteStream) {
          if (!this.remoteStream.getTracks().includes(e.track)) {
            this.remoteStream.addTrack(e.track);
            this.emit({ type: 'MEDIA.STREAM', direction: 'remote', stream: this.remoteStream });
          }
          return;
        }
        const stream = e.streams && e.streams[0] ? e.streams[0] : this.streamOf(e.track);
        if (stream) {
          this.remoteStream = stream;
          this.emit({ type: 'MEDIA.STREAM', direction: 'remote', stream });
        }
      }),
    );
  }

  private streamOf(track: MediaStreamTrack): MediaStream | null {
    const Ctor = (globalThis as { MediaStream?: new (tracks: MediaStreamTrack[]) => MediaStream }).MediaStream;
    return Ctor ? new Ctor([track]) : null;
  }

  private announced = false;

  /** Our outgoing stream; built from the senders when JsSIP acquired the media itself. */
  private ownLocalStream(): MediaStream | null {
    if (!this.localStream) this.announceLocalStream();
    if (!this.localStream) {
      const Ctor = (globalThis as { MediaStream?: new (tracks?: MediaStreamTrack[]) => MediaStream }).MediaStream;
      if (Ctor) this.localStream = new Ctor([]);
    }
    return this.localStream;
  }

  private announceLocalStream(): void {
    if (this.announced) return;
    if (!this.localStream && this.pc) {
      const tracks = this.pc
        .getSenders()
        .map((s) => s.track)
        .filter((t): t is MediaStreamTrack => Boolean(t));
      if (tracks.length > 0) this.localStream = this.streamOf(tracks[0]!) ?? null;
      if (this.localStream) for (const t of tracks.slice(1)) this.localStream.addTrack(t);
    }
    if (this.localStream) {
      this.announced = true;
      this.emit({ type: 'MEDIA.STREAM', direction: 'local', stream: this.localStream });
    }
  }

  private onIceCandidate(event: { candidate: RTCIceCandidate; ready: () => void }): void {
    const options = this.env.iceGathering;
    const isHost = / typ host/.test(event.candidate.candidate ?? '') || event.candidate.type === 'host';
    if (options.stopAtFirstHostCandidate && isHost) {
      event.ready();
      return;
    }
    if (options.timeoutMs !== undefined && !this.iceTimer) {
      this.iceTimer = setTimeout(() => {
        this.iceTimer = null;
        guard(this.logger, 'ICE gathering timeout', () => event.ready());
      }, options.timeoutMs);
    }
  }

  /**
   * The app may refuse the far end's re-INVITE or UPDATE from its own listener of the JsSIP session
   * (`reject()` on the same event): the request is then told at once, the hold as it was.
   */
  private tellOnReject(e: { reject?: (options?: object) => unknown }): void {
    const reject = e.reject;
    if (typeof reject !== 'function') return;
    e.reject = (options?: object) => {
      if (this.pendingReinvite && this.session) this.tellReinvite(this.session.isOnHold().remote);
      return reject(options);
    };
  }

  /** Tell the far end's re-INVITE (or UPDATE): the hold it leaves, and whether it offers to add video. */
  private tellReinvite(held: boolean, videoOffered = false): void {
    const video = this.pendingReinvite?.video ?? false;
    this.pendingReinvite = null;
    this.emit({ type: 'SIP.REINVITE', video, held, videoOffered });
  }
}
