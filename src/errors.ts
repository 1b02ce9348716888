/**
 * Why a method refused to act. A method that returns `false` (or a `Result` with `ok: false`)
 * always leaves one of these in `lastRefusal`, and reports it on the `refused` event.
 *
 * - `invalid-input`: an empty or malformed number, DTMF outside `0-9 A-D * #`, an empty transfer target …
 * - `not-allowed-in-state`: the call or phone cannot do that now (hold while ringing, answer an outgoing call …)
 * - `no-permission`: the phone's recording permission does not allow it
 * - `over-cap`: the phone already has as many calls as it may
 * - `unknown-call`: no call has that id
 * - `call-ended`: the call has already ended
 * - `stack-refused`: the SIP stack refused the command
 * - `destroyed`: the object was destroyed
 * - `no-such-device`: the microphone, camera or speaker asked for does not exist
 * - `device-denied`: access to the device was denied (the user or the page's permissions)
 * - `device-in-use`: the device exists but cannot be read (another program holds it)
 * - `constraints-impossible`: no device satisfies the media constraints
 * - `not-supported`: the browser lacks the API (`setSinkId`, `getDisplayMedia`, media devices)
 * - `media-failed`: the media could not be changed for another reason
 * - `renegotiate-failed`: the far end refused the re-INVITE that changes the call's media
 *
 * Once an object's `events$` has completed (a destroyed phone or session, or a session whose call
 * has ended), it has no listeners left: its refusals are still recorded in `lastRefusal`, and no
 * `refused` event is emitted.
 */
export type RefusalReason =
  | 'invalid-input'
  | 'not-allowed-in-state'
  | 'no-permission'
  | 'over-cap'
  | 'unknown-call'
  | 'call-ended'
  | 'stack-refused'
  | 'destroyed'
  | 'no-such-device'
  | 'device-denied'
  | 'device-in-use'
  | 'constraints-impossible'
  | 'not-supported'
  | 'media-failed'
  | 'renegotiate-failed';

/** A refused method call: which method, why, and on which call. */
export interface Refusal {
  /** The method that refused, e.g. `hold`. */
  readonly command: string;
  readonly reason: RefusalReason;
  /** A sentence for logs and developers. */
  readonly message: string;
  readonly callId: string | null;
}

/** Numeric codes of the seed SDK's Result, for apps that switch on them. */
export const RESULT_CODES: Readonly<Record<RefusalReason | 'success', number>> = {
  success: 200,
  'invalid-input': -209,
  'not-allowed-in-state': -210,
  'no-permission': -213,
  'over-cap': -205,
  'unknown-call': -211,
  'call-ended': -214,
  'stack-refused': -200,
  destroyed: -215,
  'no-such-device': -290,
  'device-denied': -216,
  'device-in-use': -217,
  'constraints-impossible': -218,
  'not-supported': -219,
  'media-failed': -206,
  'renegotiate-failed': -212,
};

/** What `call()` and `answer()` resolve to. They never reject. */
export interface Result {
  readonly ok: boolean;
  /** 200 on success, a negative code from {@link RESULT_CODES} otherwise. */
  readonly code: number;
  readonly message: string;
  /** The call concerned, when there is one. */
  readonly callId: string | null;
  /** Why it failed, when it did. */
  readonly reason: RefusalReason | null;
}

/** A successful {@link Result}. */
export function success(callId: string | null, message = 'ok'): Result {
  return Object.freeze({ ok: true, code: RESULT_CODES.success, message, callId, reason: null });
}

/** The {@link Result} of a refusal. */
export function failure(refusal: Refusal): Result {
  return Object.freeze({
    ok: false,
    code: RESULT_CODES[refusal.reason],
    message: refusal.message,
    callId: refusal.callId,
    reason: refusal.reason,
  });
}

/**
 * Builds a frozen {@link Refusal}. `callId` is what the caller passed: kept when it is a string,
 * `null` otherwise (a number, a symbol, nothing).
 */
export function refusal(command: string, reason: RefusalReason, message: string, callId: unknown = null): Refusal {
  return Object.freeze({ command, reason, message, callId: typeof callId === 'string' ? callId : null });
}

/**
 * Thrown by `createPhone` when its options are not acceptable (nothing is created then). The only
 * exception of the public API: a constructor has no other way to refuse.
 */
export class PhoneOptionsError extends TypeError {
  /** What is wrong with the options, in one sentence. */
  readonly problem: string;

  constructor(problem: string) {
    super(`createPhone: ${problem}`);
    this.name = 'PhoneOptionsError';
    this.problem = problem;
  }
}
