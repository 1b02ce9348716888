import type { PhoneState } from '../../machines/phone.connect';
import type { TerminateKind } from '../../machines/call.types';
import type { Result } from '../errors';
import type { Session } from '../session';
import type { StaticCallStatus } from './call-status';

/**
 * The seed's PhoneOperator conveniences over the core phone: the current session, the `sessions`
 * map, the incoming list and the cap, read from the phone's state, and every call method by call id,
 * carried out by that call's {@link Session} (an unknown call is refused with `unknown-call`). A
 * Phone is one.
 */
export abstract class PhoneOperator {
  /** The phone's current state. */
  abstract get state(): PhoneState;

  /** Id of the current call. */
  abstract get currentSessionID(): string | null;

  /** A call's session, or `null`. */
  abstract getSession(callId: string): Session | null;

  /** Every call's session, oldest first. */
  abstract getSessions(): Session[];

  /** Run a call method on the session of `callId`; `false`, with the refusal recorded, for an unknown call or a refused method. */
  protected abstract withSession(command: string, callId: string, run: (session: Session) => boolean): boolean;

  /** {@link PhoneOperator.withSession} for a method that resolves to a result. */
  protected abstract withSessionResult(command: string, callId: string, run: (session: Session) => Promise<Result>): Promise<Result>;

  /** The current call's session. */
  get currentSession(): Session | null {
    const id = this.currentSessionID;
    return id === null ? null : this.getSession(id);
  }

  /** The calls, keyed by call id, oldest first. */
  get sessions(): Map<string, Session> {
    return new Map(this.getSessions().map((session) => [session.callId, session]));
  }

  /** Incoming calls nobody answered yet, oldest first. */
  get incomingList(): Session[] {
    return this.state.incoming.map((id) => this.getSession(id)).filter((session): session is Session => session !== null);
  }

  /** True when the phone cannot take or place another call (consultation legs excepted). */
  get isMaxCall(): boolean {
    return this.state.isMaxCall;
  }

  /** Decline a ringing incoming call with `code`, or with `rejectCode` (486 by default). */
  reject(callId: string, code?: number): boolean {
    return this.withSession('reject', callId, (session) => session.reject(code));
  }

  /** Hang up a call, whatever its state. */
  hangup(callId: string): boolean {
    return this.withSession('hangup', callId, (session) => session.hangup());
  }

  /** Blind transfer of a call to `number`. */
  blindTransfer(callId: string, number: string): boolean {
    return this.withSession('blindTransfer', callId, (session) => session.blindTransfer(number));
  }

  /** Attended transfer: place the consultation call, or complete the transfer (see `Session.attendedTransfer`). */
  attendedTransfer(callId: string, number: string): boolean {
    return this.withSession('attendedTransfer', callId, (session) => session.attendedTransfer(number));
  }

  /** Hold a call. */
  hold(callId: string): boolean {
    return this.withSession('hold', callId, (session) => session.hold());
  }

  /** Take a call off hold. */
  unhold(callId: string): boolean {
    return this.withSession('unhold', callId, (session) => session.unhold());
  }

  /** Send DTMF on a call. */
  dtmf(callId: string, dtmf: string): boolean {
    return this.withSession('dtmf', callId, (session) => session.dtmf(dtmf));
  }

  /** Mute a call. */
  mute(callId: string): boolean {
    return this.withSession('mute', callId, (session) => session.mute());
  }

  /** Unmute a call. */
  unmute(callId: string): boolean {
    return this.withSession('unmute', callId, (session) => session.unmute());
  }

  /** Start or resume recording a call. */
  startRecord(callId: string): boolean {
    return this.withSession('startRecord', callId, (session) => session.startRecord());
  }

  /** Pause recording a call. */
  pauseRecord(callId: string): boolean {
    return this.withSession('pauseRecord', callId, (session) => session.pauseRecord());
  }

  /** End a call (see `Session.terminate`). */
  terminate(callId: string, type: TerminateKind = 'terminate'): boolean {
    return this.withSession('terminate', callId, (session) => session.terminate(type));
  }

  /** Add video to a call (see `Session.audioToVideo`). */
  audioToVideo(callId: string, options?: { readonly cameraId?: string }): Promise<Result> {
    return this.withSessionResult('audioToVideo', callId, (session) => session.audioToVideo(options));
  }

  /** Remove video from a call (see `Session.videoToAudio`). */
  videoToAudio(callId: string): Promise<Result> {
    return this.withSessionResult('videoToAudio', callId, (session) => session.videoToAudio());
  }

  /** The current call's session, or `null`. */
  getCurrentSession(): Session | null {
    return this.currentSession;
  }

  /** Set a call's name, avatar and company; with `startManualModel`, SIP updates stop overwriting them. */
  setSessionStaticStatus(callId: string, staticStatus: Partial<StaticCallStatus>, startManualModel?: boolean): boolean {
    return this.withSession('setSessionStaticStatus', callId, (session) => session.applyStaticStatus('setSessionStaticStatus', staticStatus, startManualModel));
  }
}
