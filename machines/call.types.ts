import type {
  CallDirection,
  CallOptions,
  DialogInfo,
  DtmfOptions,
  EndCause,
  MediaFailure,
  Originator,
  RemoteIdentity,
  SipEvent,
  VideoDirections,
} from './port';
import type { CallPortEvent } from './port';

/** A media stream of the call appeared or changed (the port's `MEDIA.STREAM`). */
export type MediaStreamEvent = Extract<CallPortEvent, { type: 'MEDIA.STREAM' }>;

/** Where a machine reads the time (epoch ms). The phone passes its scheduler's clock. */
export interface Clock {
  now(): number;
}

/** The wall clock. */
export const systemClock: Clock = { now: () => Date.now() };

/** Recording permission of the phone: 0 none, 1 pause/resume only, 2 start/pause/resume. */
export type RecordPermission = 0 | 1 | 2;

/**
 * The seed's termination types of `terminate(type)`. They all end the call the way its state calls
 * for: a ringing incoming call is declined with the call's reject code, a call being placed is
 * canceled, an answered call gets a BYE.
 */
export type TerminateKind = 'hangup' | 'reject' | 'terminate';

/** Status code a ringing incoming call is declined with when no other is given (486 Busy Here). */
export const DEFAULT_REJECT_CODE = 486;

/** Where a call ended: the cause, the SIP code, who ended it and when (epoch ms). */
export interface CallEnd {
  readonly cause: EndCause;
  readonly code: number | null;
  readonly originator: Originator;
  readonly at: number;
  readonly reason?: string;
}

/** App-supplied identity of the far end (the seed's StaticCallStatus). */
export interface StaticIdentity {
  readonly name: string | null;
  readonly avatar: string | null;
  readonly company: string | null;
}

/** A transfer in progress or just finished. */
export interface TransferInfo {
  readonly kind: 'blind' | 'attended';
  /** Blind: the target dialled. Attended: the consultation call's id. */
  readonly target: string;
  /** Last NOTIFY sipfrag status seen. */
  readonly notify: { readonly code: number; readonly reason: string } | null;
  /** Why the last attempt failed, when it did. */
  readonly failure: { readonly code: number | null; readonly reason: string } | null;
}

/** Timestamps (epoch ms) of the call's phases, from which timers are derived. */
export interface CallTimes {
  readonly createdAt: number;
  readonly ringingAt: number | null;
  readonly answeredAt: number | null;
  readonly endedAt: number | null;
  readonly heldSince: number | null;
  readonly heldTotalMs: number;
}

/** What a call machine is created with. */
export interface CallInput {
  readonly callId: string;
  readonly direction: CallDirection;
  readonly remote: RemoteIdentity;
  readonly recordPermissions?: RecordPermission;
  /** Set when this call is the consultation leg of an attended transfer of that call. */
  readonly consultationFor?: string | null;
  /** Code a ringing incoming call is declined with by a hang-up or a reject without a code. Default 486. */
  readonly rejectCode?: number;
  /** Clock of the call's timestamps; the wall clock by default. */
  readonly clock?: Clock;
}

/** The call machine's context: data only, everything the snapshot needs to describe the call. */
export interface CallContext {
  /** The clock timestamps are read from (a dependency, not state: it never changes). */
  readonly clock: Clock;
  readonly callId: string;
  readonly direction: CallDirection;
  readonly remote: RemoteIdentity;
  readonly identity: StaticIdentity;
  /** When true, SIP identity updates no longer overwrite the app's name, avatar and company. */
  readonly manualIdentity: boolean;
  readonly recordPermissions: RecordPermission;
  readonly consultationFor: string | null;
  readonly consultation: string | null;
  /** Code a ringing incoming call is declined with by a hang-up or a reject without a code. */
  readonly rejectCode: number;
  readonly transfer: TransferInfo | null;
  readonly dialog: DialogInfo | null;
  readonly earlyMedia: boolean;
  readonly lastProgressCode: number | null;
  /** The cause to report when an end we started completes (a finished transfer, for instance). */
  readonly pendingEnd: EndCause | null;
  readonly end: CallEnd | null;
  readonly times: CallTimes;
  /** The call's video as the last completed offer/answer left it. */
  readonly video: VideoDirections;
  /** The far end took away the video this call had (its offer dropped it), not us. */
  readonly videoRemotelyDowngraded: boolean;
  /** Which media streams the call has (the streams themselves stay with the port). */
  readonly media: MediaPresence;
}

/** Which media streams a call has: ours (`local`) and the far end's (`remote`). */
export interface MediaPresence {
  readonly local: boolean;
  readonly remote: boolean;
}

/** Commands the app (through the facade) or the phone sends to a call. */
export type CallCommandEvent =
  | { readonly type: 'CALL.ANSWER'; readonly options?: CallOptions }
  /** Decline a ringing incoming call; without a code, with the call's `rejectCode`. */
  | { readonly type: 'CALL.REJECT'; readonly code?: number }
  /**
   * End the call the way its state calls for (decline, CANCEL or BYE). `rejectCode` overrides the
   * call's own for a ringing incoming call (the phone going offline declines with 480).
   */
  | { readonly type: 'CALL.HANGUP'; readonly rejectCode?: number }
  | { readonly type: 'CALL.HOLD' }
  | { readonly type: 'CALL.UNHOLD' }
  | { readonly type: 'CALL.MUTE' }
  | { readonly type: 'CALL.UNMUTE' }
  | { readonly type: 'CALL.DTMF'; readonly tones: string; readonly options: DtmfOptions }
  | { readonly type: 'CALL.TRANSFER.BLIND'; readonly target: string }
  | { readonly type: 'CALL.TRANSFER.CONSULT'; readonly consultationId: string }
  /** This call was made the consultation leg of `parentId` (an existing call, e.g. one we received). */
  | { readonly type: 'CALL.TRANSFER.LINKED'; readonly parentId: string }
  | { readonly type: 'CALL.TRANSFER.COMPLETE' }
  | { readonly type: 'CALL.TRANSFER.CANCEL' }
  | { readonly type: 'CALL.TRANSFER.CONSULTATION_ENDED' }
  | { readonly type: 'CALL.RECORD.START' }
  | { readonly type: 'CALL.RECORD.PAUSE' }
  | { readonly type: 'CALL.RECORD.RESUME' }
  | { readonly type: 'CALL.PERMISSIONS'; readonly recordPermissions: RecordPermission }
  | { readonly type: 'CALL.IDENTITY.SET'; readonly identity: Partial<StaticIdentity>; readonly manual?: boolean }
  | { readonly type: 'CALL.INFO'; readonly contentType: string; readonly body: string }
  | { readonly type: 'CALL.MESSAGE'; readonly contentType: string; readonly body: string }
  | { readonly type: 'CALL.VIDEO.ADD'; readonly cameraId?: string }
  | { readonly type: 'CALL.VIDEO.REMOVE' }
  | { readonly type: 'CALL.VIDEO.ACCEPT'; readonly cameraId?: string }
  | { readonly type: 'CALL.VIDEO.DECLINE' }
  | { readonly type: 'CALL.VIDEO.MUTE' }
  | { readonly type: 'CALL.VIDEO.UNMUTE' }
  | { readonly type: 'CALL.SCREEN.START' }
  | { readonly type: 'CALL.SCREEN.STOP' };

/** Everything a call machine accepts: commands and the SIP stack's events (media streams included). */
export type CallEvent = CallCommandEvent | SipEvent | MediaStreamEvent;

/** Commands the call machine asks the SIP stack to carry out (through its `tellPort` action). */
export type CallPortCommand =
  | { readonly type: 'PORT.ANSWER'; readonly options: CallOptions }
  | { readonly type: 'PORT.REJECT'; readonly code: number }
  | { readonly type: 'PORT.CANCEL' }
  | { readonly type: 'PORT.HANGUP' }
  | { readonly type: 'PORT.HOLD' }
  | { readonly type: 'PORT.UNHOLD' }
  | { readonly type: 'PORT.MUTE' }
  | { readonly type: 'PORT.UNMUTE' }
  | { readonly type: 'PORT.DTMF'; readonly tones: string; readonly options: DtmfOptions }
  | { readonly type: 'PORT.REFER'; readonly target: string }
  | { readonly type: 'PORT.REFER.ATTENDED'; readonly consultationId: string }
  | { readonly type: 'PORT.RECORD'; readonly action: 'start' | 'pause' | 'resume' }
  | { readonly type: 'PORT.INFO'; readonly contentType: string; readonly body: string }
  | { readonly type: 'PORT.MESSAGE'; readonly contentType: string; readonly body: string }
  | { readonly type: 'PORT.VIDEO.ADD'; readonly cameraId?: string }
  | { readonly type: 'PORT.VIDEO.REMOVE' }
  | { readonly type: 'PORT.VIDEO.ACCEPT'; readonly cameraId?: string }
  | { readonly type: 'PORT.VIDEO.DECLINE' }
  | { readonly type: 'PORT.VIDEO.MUTE' }
  | { readonly type: 'PORT.VIDEO.UNMUTE' }
  | { readonly type: 'PORT.SCREEN.START' }
  | { readonly type: 'PORT.SCREEN.STOP' };

/** Events a call actor emits for listeners outside the actor system (the facade, the UI). */
export type CallEmitted =
  | { readonly type: 'call.progress'; readonly code: number; readonly earlyMedia: boolean }
  | { readonly type: 'call.accepted' }
  | { readonly type: 'call.confirmed' }
  | { readonly type: 'call.ended'; readonly end: CallEnd; readonly established: boolean }
  | { readonly type: 'call.hold.failed'; readonly code: number | null; readonly reason: string }
  | { readonly type: 'call.unhold.failed'; readonly code: number | null; readonly reason: string }
  | { readonly type: 'call.reinvite'; readonly video: boolean }
  | { readonly type: 'call.dtmf.received'; readonly tone: string; readonly durationMs: number }
  | { readonly type: 'call.info.received'; readonly contentType: string; readonly body: string }
  | { readonly type: 'call.message.received'; readonly contentType: string; readonly body: string }
  | { readonly type: 'call.transfer.succeeded'; readonly transfer: TransferInfo }
  | { readonly type: 'call.transfer.failed'; readonly transfer: TransferInfo }
  | { readonly type: 'call.record.failed'; readonly reason: string }
  | { readonly type: 'call.command.failed'; readonly command: string; readonly reason: string }
  | { readonly type: 'call.identity.changed'; readonly identity: StaticIdentity; readonly remote: RemoteIdentity }
  /** The far end offers to add video; `acceptVideo`/`declineVideo` answer it. */
  | { readonly type: 'call.video.offered' }
  /** Adding or removing video failed (re-INVITE refused, camera unavailable); the call's media is as before. */
  | { readonly type: 'call.video.failed'; readonly code: number | null; readonly reason: string; readonly media: MediaFailure | null }
  /** The negotiated video changed (either side's offer). */
  | { readonly type: 'call.video.changed'; readonly video: VideoDirections }
  /** Screen sharing could not start or stop. */
  | { readonly type: 'call.screen.failed'; readonly media: MediaFailure; readonly reason: string };

/** What a call actor outputs when it reaches `ended`. */
export interface CallOutput {
  readonly callId: string;
  readonly end: CallEnd;
  readonly established: boolean;
  readonly transfer: TransferInfo | null;
  readonly consultationFor: string | null;
  readonly consultation: string | null;
}
