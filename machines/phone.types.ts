import type { ActorRefFrom, DoneActorEvent } from 'xstate';
import type { CallDirection, CallOptions, Credentials, RemoteIdentity, UserAgentCause, UserAgentEvent } from './port';
import type { CallMachine } from './call.machine';
import type { CallEnd, CallOutput, Clock, RecordPermission } from './call.types';

/** A call actor as the phone keeps it. */
export type CallActorRef = ActorRefFrom<CallMachine>;

/** What the phone knows of each of its calls. */
export interface CallEntry {
  readonly ref: CallActorRef;
  readonly direction: CallDirection;
  /** Set while this call is the consultation leg of an attended transfer of that call. */
  readonly consultationFor: string | null;
  /** True for an incoming call nobody has answered yet (it is in the incoming list). */
  readonly awaitingAnswer: boolean;
}

/** How the phone is configured; every field can be changed later with `PHONE.CONFIGURE`. */
export interface PhoneSettings {
  /** Most calls at once, consultation legs of an attended transfer not counted. Default 2. */
  readonly maxCalls: number;
  /** With call waiting off the phone takes one call at a time, whatever `maxCalls` says. Default on. */
  readonly callWaiting: boolean;
  /** Hold the other calls when a call is placed or answered. Default on. */
  readonly autoHold: boolean;
  /** Register as soon as the transport is up. Default on. */
  readonly register: boolean;
  /** Retries of a failed registration before giving up (0: none). Default 5. */
  readonly reRegistryPhoneTimes: number;
  /** First retry delay in ms; each further retry doubles it, up to `registrationRetryMaxMs`. Default 2000. */
  readonly registrationRetryBaseMs: number;
  /** Longest delay between two registration attempts, in ms. Default 60000. */
  readonly registrationRetryMaxMs: number;
  /** Status code an incoming call over the cap is answered with. Default 486. */
  readonly overCapCode: number;
  /** Status code a ringing incoming call is declined with by `reject()`, `hangup()` or `terminate()`. Default 486. */
  readonly rejectCode: number;
  /** Longest wait, in ms, for the app's decision on an incoming REFER; without one by then it is declined. Default 30000. */
  readonly referTimeoutMs: number;
}

/**
 * How an incoming REFER was settled:
 * - `accepted`: the app agreed; the phone places the call to the target
 * - `declined`: the app said no (or its decision failed)
 * - `timeout`: no decision within `referTimeoutMs`
 * - `over-cap`: accepting would exceed the call cap (a transfer has both calls up until the transferor hangs up)
 * - `call-ended`: the call that carried the REFER ended first
 */
export type ReferOutcome = 'accepted' | 'declined' | 'timeout' | 'over-cap' | 'call-ended';

/** An incoming REFER waiting for the app's decision. */
export interface PendingRefer {
  /** The call the REFER arrived on (the call to be transferred). */
  readonly callId: string;
  /** Where the far end asks us to call (Refer-To). */
  readonly target: string;
}

/** What the `referDecision` actor is asked: one incoming REFER to accept or decline. */
export interface ReferQuestion extends PendingRefer {
  readonly referId: string;
}

/** What a phone machine is created with. */
export interface PhoneInput extends Partial<PhoneSettings> {
  readonly recordPermissions?: RecordPermission;
  /** Clock of the calls' timestamps; the wall clock by default. */
  readonly clock?: Clock;
}

/** The phone machine's context. */
export interface PhoneContext extends PhoneSettings {
  /** The clock handed to every call (a dependency, not state). */
  readonly clock: Clock;
  readonly recordPermissions: RecordPermission;
  readonly registrationAttempts: number;
  readonly lastRegistrationFailure: { readonly cause: UserAgentCause; readonly code: number | null } | null;
  readonly calls: Readonly<Record<string, CallEntry>>;
  /** Incoming REFERs waiting for the app's decision, by REFER id. */
  readonly refers: Readonly<Record<string, PendingRefer>>;
  /** Call ids, oldest first. */
  readonly order: readonly string[];
  readonly currentSessionID: string | null;
}

/**
 * The user agent's events as the phone machine receives them (data only): the port's events, with a
 * new call port replaced by the data of `UA.CALL.CREATED` (both directions) and a refused call added.
 */
export type AgentEvent =
  | Exclude<UserAgentEvent, { type: 'UA.CALL.INCOMING' }>
  | {
      readonly type: 'UA.CALL.CREATED';
      readonly callId: string;
      readonly direction: CallDirection;
      readonly remote: RemoteIdentity;
      readonly replacesCallId: string | null;
      readonly consultationFor: string | null;
      /** For a call placed because the far end of that call asked (REFER): its id. */
      readonly referredFrom: string | null;
    }
  | { readonly type: 'UA.CALL.REFUSED'; readonly target: string; readonly reason: string };

/** Commands the app (through the facade) sends to the phone. */
export type PhoneCommandEvent =
  | { readonly type: 'PHONE.START' }
  | { readonly type: 'PHONE.STOP' }
  | { readonly type: 'PHONE.REGISTER' }
  | { readonly type: 'PHONE.UNREGISTER' }
  | { readonly type: 'PHONE.CREDENTIALS'; readonly credentials: Credentials }
  | { readonly type: 'PHONE.CALL'; readonly target: string; readonly options: CallOptions; readonly consultationFor?: string | null }
  | { readonly type: 'PHONE.ANSWER'; readonly callId: string; readonly options: CallOptions }
  | { readonly type: 'PHONE.SET_CURRENT'; readonly callId: string }
  | { readonly type: 'PHONE.RECORD_PERMISSIONS'; readonly recordPermissions: RecordPermission }
  | { readonly type: 'PHONE.CONFIGURE'; readonly settings: Partial<PhoneSettings> }
  | { readonly type: 'PHONE.TRANSFER.COMPLETE'; readonly callId: string }
  | { readonly type: 'PHONE.TRANSFER.CANCEL'; readonly callId: string }
  /** Make an existing established call (`consultationId`, e.g. one we received) the consultation leg of `callId`. */
  | { readonly type: 'PHONE.TRANSFER.LINK'; readonly callId: string; readonly consultationId: string };

/** The app's answer to an incoming REFER (from the `referDecision` actor), or the end of the wait for it. */
export type ReferDecisionEvent =
  | { readonly type: 'PHONE.REFER.DECIDED'; readonly referId: string; readonly accept: boolean }
  | { readonly type: 'PHONE.REFER.TIMEOUT'; readonly referId: string };

/** A call actor reached `ended` (XState's done event, renamed to one type by {@link withCallDoneEvents}). */
export interface CallDoneEvent {
  readonly type: 'PHONE.CALL_DONE';
  readonly output: CallOutput;
}

/** Everything the phone machine accepts. */
export type PhoneEvent = PhoneCommandEvent | AgentEvent | ReferDecisionEvent | DoneActorEvent<CallOutput> | CallDoneEvent;

/** Commands the phone asks the user agent to carry out (sent to its `ua` actor). */
export type AgentCommand =
  | { readonly type: 'AGENT.START' }
  | { readonly type: 'AGENT.STOP' }
  | { readonly type: 'AGENT.REGISTER' }
  | { readonly type: 'AGENT.UNREGISTER' }
  | { readonly type: 'AGENT.CREDENTIALS'; readonly credentials: Credentials }
  | { readonly type: 'AGENT.CALL'; readonly target: string; readonly options: CallOptions; readonly consultationFor: string | null }
  | { readonly type: 'AGENT.REJECT_CALL'; readonly callId: string; readonly code: number }
  | { readonly type: 'AGENT.ACCEPT_REFER'; readonly referId: string; readonly callId: string }
  | { readonly type: 'AGENT.REJECT_REFER'; readonly referId: string };

/** Events the phone actor emits for listeners outside the actor system. */
export type PhoneEmitted =
  | { readonly type: 'transport.connected' }
  | { readonly type: 'transport.disconnected'; readonly cause: UserAgentCause; readonly reason: string }
  | { readonly type: 'registration.registered' }
  | { readonly type: 'registration.unregistered' }
  | {
      readonly type: 'registration.failed';
      readonly cause: UserAgentCause;
      readonly code: number | null;
      readonly attempt: number;
      readonly willRetry: boolean;
    }
  | { readonly type: 'registration.changed'; readonly isRegistered: boolean }
  | { readonly type: 'call.created'; readonly callId: string; readonly direction: CallDirection; readonly consultationFor: string | null }
  | { readonly type: 'call.refused'; readonly target: string; readonly reason: string }
  | { readonly type: 'call.incoming'; readonly callId: string }
  | { readonly type: 'call.started'; readonly callId: string }
  | { readonly type: 'call.removed'; readonly callId: string; readonly end: CallEnd }
  | {
      readonly type: 'incoming.rejected';
      readonly callId: string;
      readonly remote: RemoteIdentity;
      readonly code: number;
      readonly reason: 'over-cap';
    }
  | {
      readonly type: 'refer.received';
      readonly callId: string;
      readonly target: string;
      readonly accepted: boolean;
      readonly outcome: ReferOutcome;
    }
  | { readonly type: 'recordPermissions.changed'; readonly recordPermissions: RecordPermission }
  | { readonly type: 'current.changed'; readonly currentSessionID: string | null };
