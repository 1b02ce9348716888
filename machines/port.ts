/**
 * The contract between the machines and a SIP stack.
 *
 * A stack (JsSIP, the in-process memory double, another library) implements a {@link UserAgentPort}
 * and hands out one {@link CallPort} per call. The machines never call a port themselves: they name
 * their effects, and `src/` binds those names to a port. Everything a port reports comes back as a
 * typed, data-only event (`UA.*` for the user agent, `SIP.*` and `MEDIA.*` for a call).
 *
 * Rules every implementation follows:
 * - commands never throw; a refusal or a failure comes back as an event (possibly synchronously,
 *   from inside the command);
 * - a port buffers the events it emits before its first subscriber and replays them to that
 *   subscriber, so nothing emitted while a call is being created is lost;
 * - every call ends with exactly one `SIP.FAILED` (never established) or `SIP.ENDED` (established).
 *
 * @packageDocumentation
 */

/** Who caused something: us, the far end, or the stack itself (timers, transport, media). */
export type Originator = 'local' | 'remote' | 'system';

/** Direction of a call, seen from this phone. */
export type CallDirection = 'incoming' | 'outgoing';

/**
 * Why a call ended. Every way out of a call maps to one of these, with the SIP code when there is one.
 *
 * - `bye`: an established call was hung up (by the side named in `originator`)
 * - `canceled`: the caller gave up before an answer
 * - `rejected`: declined (403/603, or our own `reject()`)
 * - `busy`: 486/600
 * - `not-found`: 404/604
 * - `unavailable`: 480/410/408/430
 * - `no-answer`: nobody answered before the no-answer timeout
 * - `address-incomplete`: 484/424
 * - `incompatible-sdp`: 488/606
 * - `authentication-error`: 401/407 we could not satisfy
 * - `redirected`: 3xx
 * - `sip-failure`: any other 4xx-6xx
 * - `request-timeout`: a transaction timed out
 * - `connection-error`: the transport was lost while the call needed it
 * - `media-failure`: WebRTC error, ICE failure, RTP timeout, bad media description
 * - `user-denied-media`: microphone or camera access denied (`NotAllowedError`)
 * - `no-such-device`: the microphone or camera asked for does not exist (`NotFoundError`, or a device id nobody has)
 * - `device-in-use`: the device exists but cannot be read, usually because another program holds it (`NotReadableError`)
 * - `constraints-impossible`: no device satisfies the media constraints (`OverconstrainedError`)
 * - `hold-failed`: the stack ended the call because a hold/unhold re-INVITE failed
 * - `transferred`: the call was handed to someone else by a transfer that succeeded
 * - `replaced`: an INVITE with Replaces took this call over
 * - `no-ack`, `dialog-error`, `expires`, `internal-error`: protocol and stack failures
 */
export type EndCause =
  | 'bye'
  | 'canceled'
  | 'rejected'
  | 'busy'
  | 'not-found'
  | 'unavailable'
  | 'no-answer'
  | 'address-incomplete'
  | 'incompatible-sdp'
  | 'authentication-error'
  | 'redirected'
  | 'sip-failure'
  | 'request-timeout'
  | 'connection-error'
  | 'media-failure'
  | 'user-denied-media'
  | 'no-such-device'
  | 'device-in-use'
  | 'constraints-impossible'
  | 'hold-failed'
  | 'transferred'
  | 'replaced'
  | 'no-ack'
  | 'dialog-error'
  | 'expires'
  | 'internal-error';

/** How a call ended: the cause, the SIP status code when one was involved, and who ended it. */
export interface EndReport {
  /** Normalised cause. */
  readonly cause: EndCause;
  /** SIP status code of the final response or of the Reason header, when there is one. */
  readonly code: number | null;
  /** Who ended the call. */
  readonly originator: Originator;
  /** Reason phrase or the stack's own wording, for logs. */
  readonly reason?: string;
}

/** Identity of the far end as the stack saw it (From/To, P-Asserted-Identity, Remote-Party-ID). */
export interface RemoteIdentity {
  /** User part of the URI, e.g. `1002`. */
  readonly number: string;
  /** Display name, when the far end sent one. */
  readonly name: string | null;
  /** Full SIP URI. */
  readonly uri: string;
}

/** The DTMF transports a stack may offer. `info` is SIP INFO; `rfc2833` is in-band RTP events. */
export type DtmfTransport = 'info' | 'rfc2833';

/** Options for sending DTMF tones. */
export interface DtmfOptions {
  /** How the tones travel. */
  readonly transport: DtmfTransport;
  /** Tone length in milliseconds. */
  readonly durationMs: number;
  /** Gap between tones in milliseconds. */
  readonly interToneGapMs: number;
}

/**
 * The DTMF a phone sends unless told otherwise: SIP INFO (it reaches the far end through any SIP
 * proxy and needs nothing of the WebRTC stack), 100 ms tones, 70 ms gaps.
 */
export const DEFAULT_DTMF: DtmfOptions = { transport: 'info', durationMs: 100, interToneGapMs: 70 };

/** Media and signalling options for placing or answering a call (the seed's `CallOptions`). */
export interface CallOptions {
  /** Send and receive video as well as audio. */
  readonly video?: boolean;
  /** Offer to receive video even when not sending it. */
  readonly offerToReceiveVideo?: boolean;
  /** Extra SIP headers, each `Name: value`, on the INVITE (outgoing) or the 200 (answer). */
  readonly extraHeaders?: readonly string[];
  /** A stream already acquired by the app; when set, the stack does not call getUserMedia. */
  readonly mediaStream?: MediaStream;
  /** getUserMedia constraints, when the stack acquires the media itself. */
  readonly mediaConstraints?: MediaStreamConstraints;
  /** Input devices to acquire when the stack calls getUserMedia itself (ignored with `mediaConstraints`). */
  readonly deviceIds?: DeviceIds;
}

/** The input devices a phone uses: `deviceId`s from `enumerateDevices()`. */
export interface DeviceIds {
  readonly microphoneId?: string;
  readonly cameraId?: string;
}

/**
 * Why media could not be acquired or changed, told apart by the browser's error name:
 * - `no-such-device`: `NotFoundError`, or an `OverconstrainedError` on `deviceId` (the id names no device)
 * - `denied`: `NotAllowedError` / `SecurityError` (the user or the page's permissions refused)
 * - `in-use`: `NotReadableError` / `AbortError` (the device is held by something else or failed)
 * - `constraints-impossible`: `OverconstrainedError` on anything but `deviceId`
 * - `not-supported`: the browser lacks the API (no `getDisplayMedia`, no `setSinkId`, no media devices)
 * - `failed`: anything else
 */
export type MediaFailure = 'no-such-device' | 'denied' | 'in-use' | 'constraints-impossible' | 'not-supported' | 'failed';

/** What a media change (a device swap) came to. */
export type MediaOutcome = { readonly ok: true } | { readonly ok: false; readonly failure: MediaFailure; readonly reason: string };

/** The video of a call as the last completed offer/answer left it: whether we send it, whether we receive it. */
export interface VideoDirections {
  readonly send: boolean;
  readonly receive: boolean;
}

/** Which kind of input a device swap changes. */
export type DeviceKind = 'microphone' | 'camera';

/** What a recording backend is asked to do. */
export type RecordAction = 'start' | 'pause' | 'resume';

/** The state a recording backend reports. */
export type RecordState = 'off' | 'recording' | 'paused';

/** SIP.js-style session state of the dialog (RFC 3261 dialog life cycle). */
export type SessionState = 'Initial' | 'Early' | 'AckWait' | 'Confirmed' | 'Terminated';

/** State of the offer/answer exchange (RFC 3264). */
export type SignalingState = 'Initial' | 'HaveLocalOffer' | 'HaveRemoteOffer' | 'Stable' | 'Closed';

/** The SIP dialog of a call, as far as it is known. */
export interface DialogInfo {
  /** SIP Call-ID header value. */
  readonly callId: string;
  /** Our tag. */
  readonly localTag: string;
  /** The far end's tag, once a response or request carried it. */
  readonly remoteTag: string | null;
  /** Our URI (From of our requests). */
  readonly localURI: string;
  /** The far end's URI (To of our requests). */
  readonly remoteURI: string;
  /** The far end's Contact, once known. */
  readonly remoteTarget: string | null;
  /** Offer/answer state. */
  readonly signalingState: SignalingState;
}

/** One entry of a `getStats()` report: W3C webrtc-stats dictionaries, read loosely. */
export interface RtcStat {
  readonly id: string;
  readonly type: string;
  readonly timestamp: number;
  readonly [field: string]: unknown;
}

/** What `getStats()` returns: an `RTCStatsReport` or anything with the same `values()`. */
export interface StatsReportLike {
  values(): Iterable<RtcStat>;
}

/**
 * Events a call port reports. Data only; the `SIP.*` ones drive the call machine.
 *
 * One SIP message (received, or a final answer the stack sent itself) or one stack occurrence is
 * exactly one event, carrying everything that message told: the call machine handles each in one
 * step. Fields that a message may or may not carry are `null` when it did not (or when they did not
 * change).
 */
export type CallPortEvent =
  /** The INVITE that starts the call, ours sent or the far end's received: the dialog as it then stands. */
  | { readonly type: 'SIP.INVITE'; readonly dialog: DialogInfo }
  /**
   * A provisional response (1xx) to our INVITE: its code, whether it carried early media (an SDP
   * answer), and what it taught: the far end's identity, the early dialog, the video negotiated by
   * its SDP.
   */
  | {
      readonly type: 'SIP.PROGRESS';
      readonly code: number;
      readonly earlyMedia: boolean;
      readonly remote: RemoteIdentity | null;
      readonly dialog: DialogInfo | null;
      readonly video: VideoDirections | null;
    }
  /**
   * A 2xx to our INVITE, which the stack has acknowledged (ACK sent): the call is established. Carries
   * the far end's identity, the confirmed dialog and the video the answer negotiated (`null`: none
   * learned or no change).
   */
  | {
      readonly type: 'SIP.ANSWERED';
      readonly remote: RemoteIdentity | null;
      readonly dialog: DialogInfo | null;
      readonly video: VideoDirections | null;
    }
  /**
   * The stack sent our 200 to an incoming INVITE (after `answer()`); the call waits for the ACK. Carries
   * the far end's identity, the dialog and the video our answer negotiated, when known.
   */
  | {
      readonly type: 'SIP.ANSWER.SENT';
      readonly remote: RemoteIdentity | null;
      readonly dialog: DialogInfo | null;
      readonly video: VideoDirections | null;
    }
  /** The ACK to our 200 arrived: the incoming call is established. Carries the confirmed dialog when known. */
  | { readonly type: 'SIP.ACK.RECEIVED'; readonly dialog: DialogInfo | null }
  /** The call never got established: the final failure (or our own CANCEL/reject completed). */
  | ({ readonly type: 'SIP.FAILED' } & EndReport)
  /** The established call ended (BYE either way, or the stack gave up on it). */
  | ({ readonly type: 'SIP.ENDED' } & EndReport)
  /** Our hold re-INVITE (or UPDATE) got its 2xx: the far end is held. Carries the dialog after it, when known. */
  | { readonly type: 'SIP.HOLD.SUCCEEDED'; readonly dialog: DialogInfo | null }
  /** Our hold re-INVITE failed; the call is as it was. */
  | { readonly type: 'SIP.HOLD.FAILED'; readonly code: number | null; readonly reason: string }
  /** Our unhold re-INVITE got its 2xx: the far end is no longer held. Carries the dialog after it, when known. */
  | { readonly type: 'SIP.UNHOLD.SUCCEEDED'; readonly dialog: DialogInfo | null }
  /** Our unhold re-INVITE failed; the call is still held. */
  | { readonly type: 'SIP.UNHOLD.FAILED'; readonly code: number | null; readonly reason: string }
  /** An INFO carrying a DTMF tone (or an RFC 2833 tone the stack surfaced). */
  | { readonly type: 'SIP.DTMF.RECEIVED'; readonly tone: string; readonly durationMs: number; readonly transport: DtmfTransport }
  /** Any other in-dialog INFO. */
  | { readonly type: 'SIP.INFO.RECEIVED'; readonly contentType: string; readonly body: string }
  /** An in-dialog MESSAGE. */
  | { readonly type: 'SIP.MESSAGE.RECEIVED'; readonly contentType: string; readonly body: string }
  /**
   * A re-INVITE (or an UPDATE with SDP) from the far end, once the stack has taken in its offer:
   * whether the offer has active video, whether it holds us (`held`: the far end's hold as this offer
   * leaves it), and whether it offers to add video to a call that has none (`videoOffered`: the answer
   * then waits for `acceptVideo` or `declineVideo`).
   */
  | { readonly type: 'SIP.REINVITE'; readonly video: boolean; readonly held: boolean; readonly videoOffered: boolean }
  /** Our REFER got its 2xx. */
  | { readonly type: 'SIP.REFER.ACCEPTED' }
  /** Our REFER was refused, or could not be sent. */
  | { readonly type: 'SIP.REFER.FAILED'; readonly code: number | null; readonly reason: string }
  /** A NOTIFY of our REFER: the sipfrag status of the far end's new call. */
  | { readonly type: 'SIP.REFER.NOTIFY'; readonly code: number; readonly reason: string }
  /** The recording backend did what was asked. */
  | { readonly type: 'SIP.RECORD.SUCCEEDED'; readonly state: RecordState }
  /** The recording backend refused or failed. */
  | { readonly type: 'SIP.RECORD.FAILED'; readonly action: RecordAction; readonly reason: string }
  /** The recording backend changed state by itself (a PBX that records every call). */
  | { readonly type: 'SIP.RECORD.STATE'; readonly state: RecordState }
  /** A command could not be carried out (wrong state, the stack threw): nothing changed. */
  | { readonly type: 'SIP.COMMAND.FAILED'; readonly command: string; readonly reason: string }
  /**
   * A later offer/answer exchange completed (a re-INVITE either way) and changed the video. The
   * exchanges that establish the call report theirs in `SIP.PROGRESS`, `SIP.ANSWERED` and
   * `SIP.ANSWER.SENT` instead.
   */
  | { readonly type: 'SIP.MEDIA.NEGOTIATED'; readonly video: VideoDirections }
  /** Our video re-INVITE (`addVideo`/`removeVideo`) got its 2xx and the answer was applied. */
  | { readonly type: 'SIP.RENEGOTIATE.SUCCEEDED' }
  /** Our video re-INVITE failed (error response, or the camera could not be had): nothing changed. */
  | { readonly type: 'SIP.RENEGOTIATE.FAILED'; readonly code: number | null; readonly reason: string; readonly media: MediaFailure | null }
  /** The far end's offer to add video was answered (or withdrawn). */
  | { readonly type: 'SIP.VIDEO.ANSWERED'; readonly accepted: boolean }
  /** The screen is sent instead of the camera. */
  | { readonly type: 'SIP.SCREEN.STARTED' }
  /** The camera is sent again (asked for, or the user stopped sharing from the browser). */
  | { readonly type: 'SIP.SCREEN.STOPPED' }
  /** Screen sharing could not start (or stop): nothing changed. */
  | { readonly type: 'SIP.SCREEN.FAILED'; readonly media: MediaFailure; readonly reason: string }
  /** Media of the call appeared or changed: ours (`local`) or the far end's (`remote`). */
  | { readonly type: 'MEDIA.STREAM'; readonly direction: 'local' | 'remote'; readonly stream: MediaStream };

/** The `SIP.*` events of a call port (what the call machine consumes). */
export type SipEvent = Exclude<CallPortEvent, { type: 'MEDIA.STREAM' }>;

/** Unsubscribes a listener. */
export type Unsubscribe = () => void;

/** One call on a SIP stack. */
export interface CallPort {
  /** SIP Call-ID; the library's id for the call. */
  readonly callId: string;
  /** Who placed the call. */
  readonly direction: CallDirection;
  /** The far end as first known (updated later by what `SIP.PROGRESS`, `SIP.ANSWERED` and `SIP.ANSWER.SENT` carry). */
  readonly remote: RemoteIdentity;
  /** For an incoming INVITE with Replaces: the Call-ID of the call it replaces. */
  readonly replacesCallId: string | null;
  /** The stack's own session object (JsSIP's RTCSession), for apps that need to reach past the library. */
  readonly native: unknown;
  /** Our outgoing media, once there is some. */
  readonly localStream: MediaStream | null;
  /** The far end's media, once there is some. */
  readonly remoteStream: MediaStream | null;
  /** Listen to the call's events; the first subscriber also receives what was buffered. */
  subscribe(listener: (event: CallPortEvent) => void): Unsubscribe;
  /** Answer an incoming call (200 OK). */
  answer(options: CallOptions): void;
  /** Decline an incoming call that is not answered yet, with a 4xx-6xx code. */
  reject(code: number, reason?: string): void;
  /** Give up an outgoing call before its final response (CANCEL). */
  cancel(): void;
  /** End an established call (BYE). */
  hangup(): void;
  /** Put the far end on hold with a re-INVITE; the outcome is `SIP.HOLD.SUCCEEDED` or `SIP.HOLD.FAILED`. */
  hold(): void;
  /** Take the far end off hold; the outcome is `SIP.UNHOLD.SUCCEEDED` or `SIP.UNHOLD.FAILED`. */
  unhold(): void;
  /** Stop sending our audio (no signalling). */
  mute(): void;
  /** Send our audio again. */
  unmute(): void;
  /** Stop sending our video (the camera stays negotiated; no signalling). */
  muteVideo(): void;
  /** Send our video again. */
  unmuteVideo(): void;
  /**
   * Add video to the call with a re-INVITE (a camera, `cameraId` when given). The outcome is
   * `SIP.RENEGOTIATE.SUCCEEDED` (then `SIP.MEDIA.NEGOTIATED`) or `SIP.RENEGOTIATE.FAILED`, after which
   * the call is as it was.
   */
  addVideo(cameraId: string | undefined): void;
  /** Stop video both ways with a re-INVITE; outcome as for {@link CallPort.addVideo}. */
  removeVideo(): void;
  /** Accept the far end's offer to add video (a `SIP.REINVITE` with `videoOffered`), sending our camera too. */
  acceptVideo(cameraId: string | undefined): void;
  /** Decline the far end's offer to add video: the answer rejects the video stream (port 0). */
  declineVideo(): void;
  /** Send the screen (getDisplayMedia) instead of the camera; outcome `SIP.SCREEN.STARTED` or `SIP.SCREEN.FAILED`. */
  startScreenShare(): void;
  /** Send the camera again; outcome `SIP.SCREEN.STOPPED` or `SIP.SCREEN.FAILED`. */
  stopScreenShare(): void;
  /**
   * Swap the microphone or the camera of a live call (RTCRtpSender.replaceTrack, no re-INVITE). Never
   * rejects: a failure resolves with its {@link MediaFailure}.
   */
  switchDevice(kind: DeviceKind, deviceId: string): Promise<MediaOutcome>;
  /** Send DTMF tones (already validated). */
  sendDtmf(tones: string, options: DtmfOptions): void;
  /**
   * Ask the far end to call `target` (REFER). With `replaces`, the far end's new call replaces that
   * other call of ours (attended transfer). The outcome arrives as `SIP.REFER.*` events.
   */
  refer(target: string, replaces: CallPort | null): void;
  /** Send an in-dialog INFO. */
  sendInfo(contentType: string, body: string): void;
  /** Send an in-dialog MESSAGE. */
  sendMessage(contentType: string, body: string): void;
  /** Ask the recording backend to start, pause or resume; the outcome is `SIP.RECORD.*`. */
  record(action: RecordAction): void;
  /** Media statistics; resolves to an empty report when there is no media. */
  getStats(): Promise<StatsReportLike>;
  /** The library is done with this call: drop listeners and references. */
  dispose(): void;
}

/** Credentials for registration. Exactly one of `password` or `ha1` is used. */
export interface Credentials {
  /** Authorization user name (often the extension number). */
  readonly authorizationUser: string;
  /** Plain password. */
  readonly password?: string;
  /** Pre-computed MD5(user:realm:password), as PBXes hand out. */
  readonly ha1?: string;
  /** Realm the HA1 was computed for. */
  readonly realm?: string;
}

/**
 * Why the user agent lost its registration or its transport, whatever the stack: every adapter maps
 * its own wording to one of these, as it does {@link EndCause} for calls.
 *
 * - `authentication-error`: 401/407 the credentials could not satisfy
 * - `rejected`: 403/603, the registrar refuses this account
 * - `not-found`: 404/604, no such account
 * - `unavailable`: 480/410/408/430
 * - `redirected`: 3xx
 * - `sip-failure`: any other 4xx-6xx
 * - `request-timeout`: no response in time
 * - `connection-error`: the transport could not be opened or was lost
 * - `stopped`: the app closed the transport (`stop()`)
 * - `internal-error`: a configuration error or a failure inside the stack
 */
export type UserAgentCause =
  | 'authentication-error'
  | 'rejected'
  | 'not-found'
  | 'unavailable'
  | 'redirected'
  | 'sip-failure'
  | 'request-timeout'
  | 'connection-error'
  | 'stopped'
  | 'internal-error';

/** Events a user-agent port reports. */
export type UserAgentEvent =
  | { readonly type: 'UA.CONNECTING' }
  | { readonly type: 'UA.CONNECTED' }
  /** The transport is down: `cause` says why, `reason` is the stack's own wording, for logs. */
  | { readonly type: 'UA.DISCONNECTED'; readonly cause: UserAgentCause; readonly reason: string }
  | { readonly type: 'UA.REGISTERED' }
  | { readonly type: 'UA.UNREGISTERED' }
  /** A REGISTER failed: why, and the status code of the final response when there was one. */
  | { readonly type: 'UA.REGISTRATION.FAILED'; readonly cause: UserAgentCause; readonly code: number | null }
  | { readonly type: 'UA.CALL.INCOMING'; readonly call: CallPort }
  /**
   * The far end of call `callId` asks us to call `target` (REFER). The stack has answered it 202 and
   * NOTIFY 100 (RFC 3515); it stays pending, however long the app takes to decide, until
   * `acceptRefer` or `rejectRefer` settles it, or the call ends (the stack then drops it).
   */
  | { readonly type: 'UA.REFER.RECEIVED'; readonly callId: string; readonly referId: string; readonly target: string };

/** The user agent of a SIP stack: transport, registration, and the calls it creates. */
export interface UserAgentPort {
  /** Open the transport. Reconnection after a drop is the stack's job; it reports it with events. */
  start(): void;
  /**
   * Close the transport (un-REGISTER first when registered). The phone has ended its calls before;
   * a call still up is ended too, since nothing could signal it without the transport.
   */
  stop(): void;
  /** Send a REGISTER. */
  register(): void;
  /** Send an un-REGISTER. */
  unregister(): void;
  /** Replace the credentials used from the next REGISTER on. */
  setCredentials(credentials: Credentials): void;
  /** Place a call; the port exists at once and reports progress through its events. */
  call(target: string, options: CallOptions): CallPort;
  /**
   * Accept a REFER reported by `UA.REFER.RECEIVED`: the stack places the new call and settles the
   * REFER with NOTIFYs (progress, then the new call's final status). `null` when the REFER is
   * unknown or already settled.
   */
  acceptRefer(referId: string, options: CallOptions): CallPort | null;
  /** Refuse a REFER reported by `UA.REFER.RECEIVED`: its final NOTIFY says 603 Decline. */
  rejectRefer(referId: string): void;
  /** A call this user agent knows, by Call-ID. */
  getCall(callId: string): CallPort | undefined;
  /** Listen to user-agent events; the first subscriber also receives what was buffered. */
  subscribe(listener: (event: UserAgentEvent) => void): Unsubscribe;
  /** Release everything; the port is unusable afterwards. */
  dispose(): void;
}
