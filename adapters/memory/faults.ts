import type { MediaFailure } from '../../machines/port';

/** A SIP failure response to script: the status code and, optionally, its reason phrase. */
export interface ScriptedResponse {
  /** Status code, e.g. 486 or 503. */
  readonly code: number;
  /** Reason phrase; the standard phrase of `code` when left out. */
  readonly reason?: string;
}

/**
 * Faults a {@link MemoryUserAgent} can be told to show, set on `ua.faults` at any time.
 *
 * Most faults describe how this user agent answers what the network delivers to it, so they are set
 * on the far end of the call under test: to make Alice's hold fail, script Bob's user agent with
 * `rejectReinvite`. `recordFailure` and `autoRecord` describe the PBX serving this user agent.
 * Transport loss is not a field: call `ua.dropTransport()` and `ua.restoreTransport()`.
 */
export interface MemoryFaults {
  /** Answer every incoming INVITE with this failure, without offering the call to the app (e.g. 486). */
  readonly rejectIncoming?: ScriptedResponse;
  /**
   * Nobody is at this phone: incoming calls ring (the caller sees 180) but are never offered to the
   * app, so the no-answer timer ends them (`no-answer`, 408).
   */
  readonly noAnswer?: boolean;
  /**
   * Answer incoming re-INVITEs (the far end's hold/unhold) with this failure. The call is kept.
   * `times` counts how many re-INVITEs fail (default 1); the fault clears itself afterwards.
   */
  readonly rejectReinvite?: ScriptedResponse & { readonly times?: number };
  /** Refuse incoming REFERs with this failure (the referrer gets `SIP.REFER.FAILED`), e.g. 403. */
  readonly refuseRefer?: ScriptedResponse;
  /**
   * Accept incoming REFERs (202 and NOTIFY 100) but settle them with a final NOTIFY carrying this
   * code (e.g. 486 or 503), without offering the REFER to the app.
   */
  readonly failReferNotify?: ScriptedResponse;
  /**
   * The registrar answers this user agent's REGISTERs with this failure (e.g. 503), as a PBX under
   * load does. `times` counts how many REGISTERs fail (default 1); the fault clears itself afterwards.
   */
  readonly rejectRegister?: ScriptedResponse & { readonly times?: number };
  /** The recording backend refuses every `record()` with this reason (`SIP.RECORD.FAILED`). */
  readonly recordFailure?: { readonly reason: string };
  /** The PBX records every call of this user agent: `SIP.RECORD.STATE` `recording` once confirmed. */
  readonly autoRecord?: boolean;
  /**
   * Every media acquisition of this user agent fails this way: placing or answering a call (which then
   * fails before it starts), adding or accepting video, swapping a device, sharing the screen.
   */
  readonly media?: { readonly failure: MediaFailure; readonly reason?: string };
}
