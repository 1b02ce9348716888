/**
 * Call ids as keys. Call ids come from callers and from the SIP stack, so a call id may be any
 * string, `__proto__` and `constructor` included: a lookup by id must only ever see the calls
 * themselves, never what a plain object inherits.
 *
 * @packageDocumentation
 */

/** Longest call id accepted from a caller (SIP Call-IDs are far shorter). */
export const MAX_CALL_ID_LENGTH = 1024;

/** True for a string that can name a call. */
export function isCallIdShape(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_CALL_ID_LENGTH;
}

/** True when `calls` has an entry of its own for `callId` (inherited properties never count). */
export function hasCall(calls: object, callId: unknown): boolean {
  return typeof callId === 'string' && Object.prototype.hasOwnProperty.call(calls, callId);
}

/** The entry of `callId` in `calls`, or `undefined`; never an inherited property. */
export function callEntry<T>(calls: Readonly<Record<string, T>>, callId: unknown): T | undefined {
  return hasCall(calls, callId) ? calls[callId as string] : undefined;
}

/** `value` as the call id of a refusal: the string itself, or `null` for anything that is not a string. */
export function refusalCallId(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}
