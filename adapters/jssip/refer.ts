/**
 * Typing for JsSIP's transfer objects, which its `.d.ts` leaves out or types loosely:
 * `RTCSession.refer()` is declared `void` but returns a ReferSubscriber (or `false` when the call is not
 * established), and the incoming `refer` event's `accept` is a bare `Function`.
 */
import type { EventEmitter } from 'events';
import type { RTCSession } from 'jssip/lib/RTCSession';

/** The sipfrag status line of a NOTIFY (`SIP/2.0 200 OK`). */
export interface SipFragStatusLine {
  readonly status_code: number;
  readonly reason_phrase: string;
}

/** Payloads of a ReferSubscriber's events. */
export interface ReferSubscriberEventMap {
  /** The REFER got a 2xx (usually 202): the far end will try; this is not the transfer's outcome. */
  requestSucceeded: (event: { response: { status_code: number; reason_phrase: string } }) => void;
  /** The REFER itself failed. */
  requestFailed: (event: { response: { status_code: number; reason_phrase: string } | null; cause: string }) => void;
  /** NOTIFY with a 100 sipfrag. */
  trying: (event: { request: unknown; status_line: SipFragStatusLine }) => void;
  /** NOTIFY with another 1xx sipfrag. */
  progress: (event: { request: unknown; status_line: SipFragStatusLine }) => void;
  /** NOTIFY with a 2xx sipfrag: the transfer target answered. */
  accepted: (event: { request: unknown; status_line: SipFragStatusLine }) => void;
  /** NOTIFY with a final failure sipfrag. */
  failed: (event: { request: unknown; status_line: SipFragStatusLine }) => void;
}

/** What `RTCSession.refer()` really returns. */
export interface ReferSubscriber extends EventEmitter {
  readonly id: number | null;
  on<K extends keyof ReferSubscriberEventMap>(event: K, listener: ReferSubscriberEventMap[K]): this;
}

/** `RTCSession.refer()` as it behaves at runtime. */
export type ReferFunction = (
  target: string,
  options?: { extraHeaders?: string[]; eventHandlers?: Partial<ReferSubscriberEventMap>; replaces?: RTCSession },
) => ReferSubscriber | false;

/** Call `session.refer()` with its runtime signature. */
export function sendRefer(session: RTCSession, target: string, extraHeaders?: string[]): ReferSubscriber | false {
  const refer = session.refer as unknown as ReferFunction;
  return refer.call(session, target, extraHeaders ? { extraHeaders } : {});
}

/** The incoming `refer` event (we are the transferee). JsSIP has already answered it 202. */
export interface IncomingReferEvent {
  readonly request: {
    readonly cseq: number;
    readonly refer_to: { readonly uri: { toString(): string } };
  };
  accept(initCallback?: (session: RTCSession) => void, options?: object): void;
  reject(): void;
}

/** The `replaces` event on the session an incoming INVITE with Replaces wants to take over. */
export interface IncomingReplacesEvent {
  readonly request: unknown;
  accept(initCallback?: (session: RTCSession) => void): void;
  reject(): void;
}

/** The identifiers of a dialog, from our side. */
export interface DialogIds {
  readonly callId: string;
  readonly localTag: string;
  readonly remoteTag: string;
}

/**
 * A Refer-To target carrying a `Replaces` URI header for the dialog `ids` (attended transfer).
 *
 * RFC 3891: the UA that receives the INVITE with Replaces matches `to-tag` against its local tag and
 * `from-tag` against its remote tag. That UA is the far end of *our* dialog, so `to-tag` is our remote
 * tag and `from-tag` is our local tag, whichever side sent the dialog's INVITE. JsSIP's own
 * `refer(target, { replaces })` takes the tags from the original INVITE's To/From and gets them
 * backwards when we received that INVITE (JsSIP issue #817), so the adapter builds the header itself.
 */
export function replacesTarget(target: string, ids: DialogIds): string {
  const bare = target.trim().replace(/^<(.*)>$/, '$1');
  const value = `${ids.callId};to-tag=${ids.remoteTag};from-tag=${ids.localTag}`;
  const separator = bare.includes('?') ? '&' : '?';
  return `${bare}${separator}Replaces=${encodeURIComponent(value)}`;
}
