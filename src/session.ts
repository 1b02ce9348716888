import equal from 'fast-deep-equal';
import { EMPTY, Observable, Subject, defer, map, takeUntil } from 'rxjs';
import { callOptionsProblem, videoOptionsProblem } from '../machines/call-options';
import type { SchedulerLike, Subscription } from 'rxjs';
import type { CallOptions, CallPort, DeviceIds, DtmfOptions } from '../machines/port';
import { callStateProjection } from '../machines/call.connect';
import type { CallState } from '../machines/call.connect';
import type { CallCommandEvent, CallEmitted, MediaStreamEvent, TerminateKind } from '../machines/call.types';
import type { CallActorRef } from '../machines/phone.types';
import { bodyProblem, describe, isRejectCode, isTerminateKind, isValidDtmf, mediaTypeProblem, targetProblem } from '../machines/validation';
import { failure, refusal, success } from './errors';
import type { Refusal, RefusalReason, Result } from './errors';
import { refusalReasonOf } from './devices';
import { EventHub } from './event-hub';
import { eventNames, relayOf } from './event-table';
import type { ArgsOfTable } from './event-table';
import { listenerProblem, staticStatusProblem } from './facade-input';
import { mediaChange, type MediaChangeOutcome } from './media-outcome';
import { observeActorShared } from './observe';
import { qualityReports$ } from './quality/report-stream';
import type { CallQualityReport } from './quality/report';
import { CallSession } from './seed/call-session';
import { callStatusFrom, givenIdentity, staticStatusOf } from './seed/call-status';
import type { CallStatus, StaticCallStatus } from './seed/call-status';
import { callStatus$ } from './seed/status-stream';
import { sessionEvents } from './session-events';
import { callTimer$, computeCallTimer } from './timer';
import type { CallTimer, TimerPhases } from './timer';

const SESSION_EVENTS = sessionEvents<Session>();
const SESSION_EVENT_NAMES = eventNames(SESSION_EVENTS);
const relayCallEvent = relayOf(SESSION_EVENTS);

/** Arguments of each Session event, as `on()` listeners receive them. */
export type SessionEventMap = ArgsOfTable<typeof SESSION_EVENTS>;

/** What a Session needs from the phone that owns it. */
export interface SessionHost {
  readonly dtmf: DtmfOptions;
  readonly scheduler: SchedulerLike;
  readonly reportIntervalMs: number;
  readonly qualityReports: boolean;
  answer(callId: string, options: CallOptions): void;
  placeConsultation(parentId: string, target: string): Promise<Result>;
  completeTransfer(callId: string): void;
  /** Make an established call to/from `number` the consultation leg of `parentId`; its id, or null when there is none. */
  linkConsultation(parentId: string, number: string): string | null;
  cancelTransfer(callId: string): void;
  incomingList(): Session[];
  session(callId: string): Session | undefined;
  /** The devices the phone uses now. */
  deviceIds(): DeviceIds;
}

function timerPhasesOf(state: CallState): TimerPhases {
  return {
    dialingSince: state.direction === 'outgoing' ? state.times.createdAt : null,
    ringingSince: state.times.ringingAt,
    confirmedSince: state.times.answeredAt,
    endedAt: state.times.endedAt,
    heldSince: state.times.heldSince,
    heldTotalMs: state.times.heldTotalMs,
  };
}

/**
 * One call: the seed SDK's Session (attributes, methods, events) and observables for a UI, with the
 * seed's read-only surface (status, CallSession queries, `toJSON()`, the SIP dialog) of
 * {@link CallSession}. A thin face over the call actor: every answer it gives is read from the
 * actor's snapshot.
 *
 * Methods return `true` only when the call accepted the command and it went out to the SIP stack;
 * otherwise `false`, with the reason in {@link Session.lastRefusal}. Nothing throws, also after the
 * call has ended.
 */
export class Session extends CallSession {
  /** The call's id (the SIP Call-ID). */
  readonly callId: string;

  private readonly hub = new EventHub<SessionEventMap>();
  private readonly subscriptions: Array<{ unsubscribe(): void }> = [];
  private refusalValue: Refusal | null = null;
  private stoppedTimer: CallTimer | null = null;
  private destroyed = false;
  /** The status last reported by `statusChange` (`null` until the first is known). */
  private lastStatus: CallStatus | null = null;
  /** For a consultation leg: the original call and its latest state (`null` once that call has gone). */
  private parent: { readonly id: string; state: CallState | null; subscription?: Subscription } | null = null;
  /** The quality report run: not yet started (`null`), running, or over (`'ended'`). */
  private reports: Subscription | 'ended' | null = null;
  private latestReport: CallQualityReport | null = null;
  // The public streams are made on first use: most calls never need most of them.
  private stateStream?: Observable<CallState>;
  /** This call's snapshots as states: one state per snapshot, unchanged parts shared with the last one. */
  private readonly project = callStateProjection();
  private statusStream?: Observable<CallStatus>;
  private timerStream?: Observable<CallTimer>;
  private timerStopped?: Subject<void>;
  private reportSubject?: Subject<CallQualityReport>;
  private reportStream?: Observable<CallQualityReport>;

  /** @internal Created by the phone for each call. */
  constructor(
    private readonly ref: CallActorRef,
    private readonly port: CallPort | undefined,
    private readonly host: SessionHost,
  ) {
    super();
    this.callId = ref.getSnapshot().context.callId;
    this.watch();
  }

  // ---------------------------------------------------------------- streams

  /** The call's state, emitted on subscribe and on every change; completes when the call actor stops. */
  get state$(): Observable<CallState> {
    return (this.stateStream ??= observeActorShared(this.ref, this.project));
  }

  /**
   * The seed's call status, derived from `state$` and, for a consultation leg, from its original
   * call's state (so `transferParent` goes when that call does); always equal to `status`.
   */
  get status$(): Observable<CallStatus> {
    return (this.statusStream ??= callStatus$(this.state$, (parentId) => this.host.session(parentId)?.state$ ?? null));
  }

  /** The call timer, every second and on each phase change; completes when the call ends or `stopTimer()` is called. */
  get timer$(): Observable<CallTimer> {
    return (this.timerStream ??= defer(() =>
      callTimer$(this.state$.pipe(map(timerPhasesOf)), { scheduler: this.host.scheduler }).pipe(takeUntil((this.timerStopped ??= new Subject<void>()))),
    ));
  }

  /** Quality reports every `reportIntervalMs` (3 s by default) while confirmed; completes when the call ends. */
  get report$(): Observable<CallQualityReport> {
    if (!this.host.qualityReports || !this.port) return EMPTY;
    if (!this.reportSubject) {
      this.reportSubject = new Subject<CallQualityReport>();
      this.reportStream = this.reportSubject.asObservable();
      if (this.reports === 'ended') this.reportSubject.complete();
    }
    return this.reportStream as Observable<CallQualityReport>;
  }

  /** Every event of this session, as `{ name, args }`. Completes when the call ends (after `ended`) or the session is destroyed. */
  get events$(): EventHub<SessionEventMap>['events$'] {
    return this.hub.events$;
  }

  // ---------------------------------------------------------------- attributes

  /** The SIP stack's own session object (JsSIP's RTCSession), for what the library does not cover. */
  get RTCSession(): unknown {
    return this.port?.native ?? null;
  }

  /** The latest quality report, or `null` before the first one. */
  get callReport(): CallQualityReport | null {
    return this.latestReport;
  }

  /** The call's current state. */
  get state(): CallState {
    return this.project(this.ref.getSnapshot());
  }

  /** The phone's incoming calls that nobody answered yet. */
  get incomingList(): Session[] {
    return this.host.incomingList();
  }

  /** The call timer now, in whole seconds (frozen by `stopTimer()`). */
  get timer(): CallTimer {
    return this.stoppedTimer ?? computeCallTimer(timerPhasesOf(this.state), this.host.scheduler.now());
  }

  /** Our outgoing media. */
  get localStream(): MediaStream | null {
    return this.port?.localStream ?? null;
  }

  /** The far end's media. */
  get remoteStream(): MediaStream | null {
    return this.port?.remoteStream ?? null;
  }

  /** Why the last refused method refused, or `null` if none has. */
  get lastRefusal(): Refusal | null {
    return this.refusalValue;
  }

  // ---------------------------------------------------------------- methods

  /**
   * Listen to an event; returns the function that stops listening. An unknown event name or a
   * listener that is not a function is refused (`invalid-input`), as is any listener once the call
   * has ended (`call-ended`: nothing more will be emitted) or the session was destroyed; the
   * returned function then does nothing.
   */
  on<K extends keyof SessionEventMap>(eventName: K, listener: (...args: SessionEventMap[K]) => void): () => void {
    const problem = listenerProblem(SESSION_EVENT_NAMES, eventName, listener);
    const refused = problem ? this.refusalFor('on', 'invalid-input', problem) : this.unavailable('on');
    if (refused) {
      this.record(refused);
      return () => undefined;
    }
    return this.hub.on(eventName, listener);
  }

  /** Stop the call timer: `timer$` completes and `timer` keeps its current value. */
  stopTimer(): this {
    if (this.stoppedTimer === null) this.stoppedTimer = this.timer;
    this.timerStopped?.next();
    return this;
  }

  /** Answer an incoming call. Resolves once the answer went out; never rejects. */
  answer(option: CallOptions = {}): Promise<Result> {
    const problem = callOptionsProblem(option);
    const reason = problem ? this.refusalFor('answer', 'invalid-input', problem) : this.check('answer', { type: 'CALL.ANSWER', options: option });
    if (reason) {
      this.record(reason);
      return Promise.resolve(failure(reason));
    }
    this.host.answer(this.callId, option);
    return Promise.resolve(success(this.callId));
  }

  /** Decline an incoming call that is still ringing, with `code` or the phone's `rejectCode` (486 by default; 603 is the other common one). */
  reject(code?: number): boolean {
    if (code !== undefined && !isRejectCode(code)) return this.refuse('reject', 'invalid-input', `${describe(code)} is not a 4xx-6xx code`);
    return this.act('reject', code === undefined ? { type: 'CALL.REJECT' } : { type: 'CALL.REJECT', code });
  }

  /** Hang up: decline (with the phone's `rejectCode`), cancel or end the call, whichever its state calls for. */
  hangup(): boolean {
    return this.act('hangup', { type: 'CALL.HANGUP' });
  }

  /**
   * End the call. Every seed termination type (`'hangup'`, `'reject'`, `'terminate'`) ends it the way
   * its state calls for, as {@link Session.hangup} does: a ringing incoming call is declined with the
   * phone's `rejectCode`, a call being placed is canceled, an answered call gets a BYE. Any other
   * type is refused (`invalid-input`).
   */
  terminate(type: TerminateKind = 'terminate'): boolean {
    if (!isTerminateKind(type)) return this.refuse('terminate', 'invalid-input', `${String(type)} is not a termination type (hangup, reject, terminate)`);
    return this.act('terminate', { type: 'CALL.HANGUP' });
  }

  /** Transfer the far end to `number` (REFER); the outcome arrives as `transferSucceeded` or `transferFailed`. */
  blindTransfer(number: string): boolean {
    const problem = targetProblem(number);
    if (problem) return this.refuse('blindTransfer', 'invalid-input', problem);
    return this.act('blindTransfer', { type: 'CALL.TRANSFER.BLIND', target: number });
  }

  /**
   * Attended transfer in two steps. Without a consultation call, this places one to `number`
   * (and holds this call) — or, when the phone already has an established call with `number`
   * (one it placed or received), makes that call the consultation leg. Called again on either leg, it completes the transfer: the far end of
   * the original call is connected to the consultation's far end (REFER with Replaces).
   */
  attendedTransfer(number: string): boolean {
    const unavailable = this.unavailable('attendedTransfer');
    if (unavailable) return this.record(unavailable);
    const state = this.state;
    const parentId = state.consultationFor ?? (state.consultation ? this.callId : null);
    if (parentId !== null) {
      const parent = this.host.session(parentId);
      if (!parent) return this.refuse('attendedTransfer', 'unknown-call', 'the original call of this transfer is gone');
      const ok = parent.can({ type: 'CALL.TRANSFER.COMPLETE' });
      if (!ok) return this.refuse('attendedTransfer', 'not-allowed-in-state', 'the original call cannot complete a transfer now');
      this.host.completeTransfer(parentId);
      return true;
    }
    const problem = targetProblem(number);
    if (problem) return this.refuse('attendedTransfer', 'invalid-input', problem);
    if (state.phase !== 'confirmed') return this.refuse('attendedTransfer', 'not-allowed-in-state', 'only an established call can be transferred');
    // An established call with `number` already exists (for instance it called us while this call was
    // held): that call becomes the consultation leg instead of placing a new one.
    if (this.host.linkConsultation(this.callId, number) !== null) return true;
    void this.host.placeConsultation(this.callId, number).then((result) => {
      if (!result.ok && result.reason) this.refuse('attendedTransfer', result.reason, result.message);
    });
    return true;
  }

  /**
   * Give up an attended transfer in its consultation phase, from either leg: the consultation call
   * is hung up and the original call stays as it is (held, usually).
   */
  cancelAttendedTransfer(): boolean {
    const unavailable = this.unavailable('cancelAttendedTransfer');
    if (unavailable) return this.record(unavailable);
    const state = this.state;
    const parentId = state.consultationFor ?? (state.consultation ? this.callId : null);
    const parent = parentId === null ? undefined : this.host.session(parentId);
    if (!parent || !parent.can({ type: 'CALL.TRANSFER.CANCEL' })) {
      return this.refuse('cancelAttendedTransfer', 'not-allowed-in-state', 'no attended transfer is in its consultation phase');
    }
    this.host.cancelTransfer(parent.callId);
    return true;
  }

  /** Put the far end on hold (re-INVITE); `held` is reached when the stack confirms it. */
  hold(): boolean {
    return this.act('hold', { type: 'CALL.HOLD' });
  }

  /** Take the far end off hold. */
  unhold(): boolean {
    return this.act('unhold', { type: 'CALL.UNHOLD' });
  }

  /** Alias of {@link Session.unhold}, as the CallSession names it. */
  resume(): boolean {
    return this.unhold();
  }

  /** Send DTMF tones (`0-9`, `A-D`, `*`, `#`) with the phone's DTMF options. */
  dtmf(dtmf: string): boolean {
    if (!isValidDtmf(dtmf)) return this.refuse('dtmf', 'invalid-input', 'DTMF must be one or more of 0-9, A-D, * and #');
    return this.act('dtmf', { type: 'CALL.DTMF', tones: dtmf, options: this.host.dtmf });
  }

  /** Stop sending our audio. */
  mute(): boolean {
    return this.act('mute', { type: 'CALL.MUTE' });
  }

  /** Send our audio again. */
  unmute(): boolean {
    return this.act('unmute', { type: 'CALL.UNMUTE' });
  }

  /** Start recording, or resume a paused recording (permission 2 to start, 1 to resume). */
  startRecord(): boolean {
    const recording = this.state.recording;
    return this.act('startRecord', recording === 'paused' ? { type: 'CALL.RECORD.RESUME' } : { type: 'CALL.RECORD.START' });
  }

  /** Pause the recording (permission 1 or 2). */
  pauseRecord(): boolean {
    return this.act('pauseRecord', { type: 'CALL.RECORD.PAUSE' });
  }

  /**
   * Set the app-owned part of the status: `name`, `avatar`, `company`. Every other field is derived
   * from the call's state and is left as it is (a refusal records that it was ignored).
   */
  setStatus(status: Partial<CallStatus>): this {
    const problem = staticStatusProblem(status, true);
    if (problem) {
      this.refuse('setStatus', 'invalid-input', problem);
      return this;
    }
    const { name, avatar, company, ...rest } = status;
    const identity = givenIdentity({ name, avatar, company });
    if (Object.keys(identity).length > 0) this.act('setStatus', { type: 'CALL.IDENTITY.SET', identity });
    if (Object.keys(rest).length > 0) {
      this.refuse('setStatus', 'invalid-input', `derived fields are not settable: ${Object.keys(rest).join(', ')}`);
    }
    return this;
  }

  /** Set name, avatar and company; with `startManualModel`, SIP identity updates stop overwriting them. */
  setStaticStatus(staticStatus: Partial<StaticCallStatus>, startManualModel?: boolean): this {
    this.applyStaticStatus('setStaticStatus', staticStatus, startManualModel);
    return this;
  }

  /** @internal `setStaticStatus` for the phone: true when the status was applied. */
  applyStaticStatus(command: string, staticStatus: unknown, startManualModel: unknown): boolean {
    const problem =
      staticStatusProblem(staticStatus) ??
      (startManualModel === undefined || typeof startManualModel === 'boolean' ? null : `startManualModel must be true or false, got ${describe(startManualModel)}`);
    if (problem) return this.refuse(command, 'invalid-input', problem);
    const identity = givenIdentity(staticStatus as Partial<StaticCallStatus>);
    return this.act(command, { type: 'CALL.IDENTITY.SET', identity, manual: startManualModel as boolean | undefined });
  }

  /** Send an in-dialog INFO; `contentType` must be an RFC 3261 media type (`type/subtype;param=value`). */
  info(contentType: string, body: string): boolean {
    const problem = mediaTypeProblem(contentType) ?? bodyProblem(body);
    if (problem) return this.refuse('info', 'invalid-input', problem);
    return this.act('info', { type: 'CALL.INFO', contentType, body });
  }

  /** Send an in-dialog MESSAGE; `contentType` must be an RFC 3261 media type (`type/subtype;param=value`). */
  message(contentType: string, body: string): boolean {
    const problem = mediaTypeProblem(contentType) ?? bodyProblem(body);
    if (problem) return this.refuse('message', 'invalid-input', problem);
    return this.act('message', { type: 'CALL.MESSAGE', contentType, body });
  }

  // ---------------------------------------------------------------- video and devices

  /** Stop sending our video without renegotiating (the camera goes dark; the far end keeps the stream). */
  muteVideo(): boolean {
    return this.act('muteVideo', { type: 'CALL.VIDEO.MUTE' });
  }

  /** Send our video again. */
  unmuteVideo(): boolean {
    return this.act('unmuteVideo', { type: 'CALL.VIDEO.UNMUTE' });
  }

  /** Turn the camera off: {@link Session.muteVideo}. */
  disableCamera(): boolean {
    return this.muteVideo();
  }

  /** Turn the camera on: unmute it on a video call, or add video to an audio call ({@link Session.audioToVideo}). */
  enableCamera(): boolean {
    const video = this.state.video;
    if (video.negotiation === 'off' && this.state.phase === 'confirmed') {
      if (!this.can({ type: 'CALL.VIDEO.ADD' })) return this.refuse('enableCamera', 'not-allowed-in-state', 'the call cannot add video now');
      void this.audioToVideo();
      return true;
    }
    return this.act('enableCamera', { type: 'CALL.VIDEO.UNMUTE' });
  }

  /**
   * Add video to an audio call: a re-INVITE with our camera (`cameraId`, else the phone's camera). Resolves
   * once the far end answered: `ok` when video is on, else the reason (`renegotiate-failed` for a refused
   * re-INVITE or a declined video stream, a device reason when the camera could not be had).
   */
  audioToVideo(options: { readonly cameraId?: string } = {}): Promise<Result> {
    const problem = videoOptionsProblem(options);
    if (problem) return Promise.resolve(this.refusedResult(this.refusalFor('audioToVideo', 'invalid-input', problem)));
    const cameraId = options.cameraId ?? this.host.deviceIds().cameraId;
    if (cameraId !== undefined && (typeof cameraId !== 'string' || cameraId === '')) {
      return Promise.resolve(this.refusedResult(this.refusalFor('audioToVideo', 'invalid-input', 'cameraId must be a non-empty string')));
    }
    return this.changeMedia('audioToVideo', { type: 'CALL.VIDEO.ADD', cameraId }, (state) => state.video.negotiation === 'adding');
  }

  /** Remove video from the call (a re-INVITE); resolves once the far end answered. */
  videoToAudio(): Promise<Result> {
    return this.changeMedia('videoToAudio', { type: 'CALL.VIDEO.REMOVE' }, (state) => state.video.negotiation === 'removing');
  }

  /** Accept the far end's offer to add video (`videoOffered`), sending our camera too. */
  acceptVideo(options: { readonly cameraId?: string } = {}): boolean {
    const problem = videoOptionsProblem(options);
    if (problem) return this.refuse('acceptVideo', 'invalid-input', problem);
    const cameraId = options.cameraId ?? this.host.deviceIds().cameraId;
    return this.act('acceptVideo', { type: 'CALL.VIDEO.ACCEPT', cameraId });
  }

  /** Decline the far end's offer to add video: the call stays audio (the answer rejects the video stream). */
  declineVideo(): boolean {
    return this.act('declineVideo', { type: 'CALL.VIDEO.DECLINE' });
  }

  /** Send the screen instead of the camera (the browser asks which screen); resolves once it is sent or failed. */
  startScreenSharing(): Promise<Result> {
    return this.changeMedia('startScreenSharing', { type: 'CALL.SCREEN.START' }, (state) => state.tags.includes('screenPending'));
  }

  /** Send the camera again instead of the screen. */
  stopScreenSharing(): Promise<Result> {
    return this.changeMedia('stopScreenSharing', { type: 'CALL.SCREEN.STOP' }, (state) => state.tags.includes('screenPending'));
  }

  /** Use another microphone on this call (the track is replaced; no re-INVITE). */
  switchMicrophone(deviceId: string): Promise<Result> {
    return this.switchDevice('switchMicrophone', 'microphone', deviceId);
  }

  /** Use another camera on this call (the track is replaced; no re-INVITE). */
  switchCamera(deviceId: string): Promise<Result> {
    return this.switchDevice('switchCamera', 'camera', deviceId);
  }

  /** Hang up if the call is live, stop the timer and the reports, and drop every listener. */
  destroy(): void {
    if (this.destroyed) return;
    if (this.ref.getSnapshot().status === 'active' && this.state.phase !== 'ending') this.hangup();
    this.destroyed = true;
    this.stopTimer();
    this.release();
  }

  /**
   * True when the call would accept this call-machine command event now (`{ type: 'CALL.HOLD' }`,
   * `{ type: 'CALL.HANGUP' }` …, see the call machine's events); false for anything else, and once
   * the call has ended.
   */
  can(event: CallCommandEvent): boolean {
    if (typeof event !== 'object' || event === null || typeof (event as { type?: unknown }).type !== 'string') return false;
    if (!(event as { type: string }).type.startsWith('CALL.')) return false;
    const snapshot = this.ref.getSnapshot();
    try {
      return snapshot.status === 'active' && snapshot.can(event);
    } catch {
      return false;
    }
  }

  // ---------------------------------------------------------------- internals

  protected stateOf(callId: string): CallState | null {
    return this.host.session(callId)?.state ?? null;
  }

  protected now(): number {
    return this.host.scheduler.now();
  }

  /** Drop the subscriptions to the actor and the port, stop the quality reports, and complete `events$`. */
  private release(): void {
    this.subscriptions.splice(0).forEach((subscription) => subscription.unsubscribe());
    this.parent?.subscription?.unsubscribe();
    this.stopReports();
    this.hub.close();
  }

  private audioExpected(): boolean {
    const state = this.state;
    return state.phase === 'confirmed' && state.hold === 'active' && !state.remoteHold;
  }

  private changeMedia(command: string, event: CallCommandEvent, pending: (state: CallState) => boolean): Promise<Result> {
    const refused = this.check(command, event);
    if (refused) return Promise.resolve(this.refusedResult(refused));
    return mediaChange(this.ref, () => this.ref.send(event), pending).then((outcome) => this.mediaResult(command, outcome));
  }

  private mediaResult(command: string, outcome: MediaChangeOutcome): Result {
    if (outcome.ok) return success(this.callId);
    const reason: RefusalReason = outcome.media
      ? refusalReasonOf(outcome.media)
      : outcome.state.phase !== 'confirmed'
        ? 'call-ended'
        : command.includes('Screen')
          ? 'media-failed'
          : 'renegotiate-failed';
    return this.refusedResult(this.refusalFor(command, reason, outcome.reason));
  }

  private async switchDevice(command: string, kind: 'microphone' | 'camera', deviceId: string): Promise<Result> {
    if (typeof deviceId !== 'string' || deviceId === '') {
      return this.refusedResult(this.refusalFor(command, 'invalid-input', 'a device id is required'));
    }
    const unavailable = this.unavailable(command);
    if (unavailable) return this.refusedResult(unavailable);
    if (!this.port) return this.refusedResult(this.refusalFor(command, 'not-supported', 'the call has no media port'));
    const outcome = await this.port.switchDevice(kind, deviceId);
    if (outcome.ok) return success(this.callId);
    return this.refusedResult(this.refusalFor(command, refusalReasonOf(outcome.failure), outcome.reason));
  }

  private unavailable(command: string): Refusal | null {
    if (this.destroyed) return this.refusalFor(command, 'destroyed', 'the session was destroyed');
    if (this.ref.getSnapshot().status !== 'active') return this.refusalFor(command, 'call-ended', 'the call has ended');
    return null;
  }

  private check(command: string, event: CallCommandEvent): Refusal | null {
    const unavailable = this.unavailable(command);
    if (unavailable) return unavailable;
    const snapshot = this.ref.getSnapshot();
    if (snapshot.can(event)) return null;
    const permission = snapshot.context.recordPermissions;
    const needsStart = event.type === 'CALL.RECORD.START' && permission < 2;
    const needsPause = (event.type === 'CALL.RECORD.PAUSE' || event.type === 'CALL.RECORD.RESUME') && permission < 1;
    if (needsStart || needsPause) return this.refusalFor(command, 'no-permission', `recording permission ${permission} does not allow ${command}`);
    return this.refusalFor(command, 'not-allowed-in-state', `${command} is not possible while the call is ${this.project(snapshot).phase}`);
  }

  private act(command: string, event: CallCommandEvent): boolean {
    const refused = this.check(command, event);
    if (refused) return this.record(refused);
    let failedReason: string | null = null;
    const listener = this.ref.on('*', (emitted: CallEmitted) => {
      if (emitted.type === 'call.command.failed' || emitted.type === 'call.hold.failed' || emitted.type === 'call.unhold.failed') {
        failedReason = emitted.reason;
      } else if (emitted.type === 'call.record.failed') {
        failedReason = emitted.reason;
      } else if (emitted.type === 'call.transfer.failed') {
        failedReason = emitted.transfer.failure?.reason ?? 'transfer refused';
      }
    });
    this.ref.send(event);
    listener.unsubscribe();
    if (failedReason !== null) return this.refuse(command, 'stack-refused', failedReason);
    return true;
  }

  private refusalFor(command: string, reason: RefusalReason, message: string): Refusal {
    return refusal(command, reason, message, this.callId);
  }

  private refuse(command: string, reason: RefusalReason, message: string): false {
    return this.record(this.refusalFor(command, reason, message));
  }

  private refusedResult(value: Refusal): Result {
    this.record(value);
    return failure(value);
  }

  private record(value: Refusal): false {
    this.refusalValue = value;
    if (!this.destroyed) this.hub.emit('refused', value);
    return false;
  }

  /**
   * One subscription to the call actor drives what the session raises itself: `statusChange` and
   * `staticStatusChange`, the quality report run (from the first confirmed state to the end), and the
   * end of the session once the actor stops (`ended` has been relayed then, nothing more will come).
   */
  private watch(): void {
    this.subscriptions.push(this.ref.subscribe({ next: () => this.onState(), complete: () => this.release() }));
    this.onState();
    this.subscriptions.push(this.ref.on('*', (event: CallEmitted) => this.relay(event)));
  }

  /** @internal A media stream of the call appeared or changed (the phone's port bridge reports it). */
  streamAdded(event: MediaStreamEvent): void {
    if (this.destroyed) return;
    this.hub.emit('streamAdded', { callId: this.callId, communicationType: event.direction === 'local' ? 'outbound' : 'inbound', stream: event.stream });
  }

  private onState(): void {
    const state = this.state;
    this.followParent(state.consultationFor);
    this.updateStatus();
    if (state.phase === 'confirmed' && this.reports === null) this.startReports();
    else if (state.phase === 'ended') this.stopReports();
  }

  /** Follow the state of the call this one is the consultation leg of, while it is one. */
  private followParent(id: string | null): void {
    if (id === (this.parent?.id ?? null)) return;
    this.parent?.subscription?.unsubscribe();
    this.parent = null;
    const parent$ = id === null ? undefined : this.host.session(id)?.state$;
    if (id === null || !parent$) return;
    const parent: NonNullable<Session['parent']> = { id, state: null };
    this.parent = parent;
    parent.subscription = parent$.subscribe({
      next: (state) => {
        parent.state = state;
        this.updateStatus();
      },
      complete: () => {
        parent.state = null;
        this.updateStatus();
      },
    });
  }

  private updateStatus(): void {
    const next = callStatusFrom(this.state, this.parent?.state ?? null);
    const old = this.lastStatus;
    if (old !== null && equal(next, old)) return;
    this.lastStatus = next;
    if (old === null) return;
    this.hub.emit('statusChange', next, old);
    const before = staticStatusOf({ name: old.name, avatar: old.avatar, company: old.company });
    const after = staticStatusOf({ name: next.name, avatar: next.avatar, company: next.company });
    if (!equal(before, after)) this.hub.emit('staticStatusChange', after, before);
  }

  /**
   * The report pipeline is built off the event path that confirmed the call: a zero-delay action on
   * the phone's scheduler builds it, so the state change reaches its listeners first. Its polls are
   * counted from that action, at the same scheduler time as the confirmation.
   */
  private startReports(): void {
    const port = this.port;
    if (!port || !this.host.qualityReports) return;
    this.reports = this.host.scheduler.schedule(() => {
      if (this.reports !== 'ended') this.reports = this.reportRun(port);
    });
  }

  private reportRun(port: CallPort): Subscription {
    return qualityReports$(() => port.getStats(), {
      intervalMs: this.host.reportIntervalMs,
      scheduler: this.host.scheduler,
      audioExpected: () => this.audioExpected(),
      videoExpected: () => this.state.video.remote,
    }).subscribe((report) => {
      this.latestReport = report;
      this.hub.emit('callReport', { callId: this.callId, callReport: report });
      if (report.raisedWarnings.length > 0 || report.clearedWarnings.length > 0) {
        this.hub.emit('qualityWarning', {
          callId: this.callId,
          raised: report.raisedWarnings,
          cleared: report.clearedWarnings,
          active: report.warnings.map((warning) => warning.name),
        });
      }
      this.reportSubject?.next(report);
    });
  }

  private stopReports(): void {
    if (this.reports === 'ended') return;
    this.reports?.unsubscribe();
    this.reports = 'ended';
    this.reportSubject?.complete();
  }

  private relay(event: CallEmitted): void {
    relayCallEvent(event, this, (name, args) => this.hub.emit(name as keyof SessionEventMap, ...(args as never)));
  }
}
