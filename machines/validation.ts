import type { TerminateKind } from './call.types';

/** DTMF tones a call accepts: digits, A-D, `*` and `#` (RFC 4733 events 0-15). */
const DTMF_TONES = /^[0-9A-Da-d*#]+$/;

/** A dialable number or SIP user part, optionally with a host: `1002`, `+33123`, `alice@example.org`. */
const PLAIN_TARGET = /^[A-Za-z0-9+*#._~!$&'()=-]+(@[A-Za-z0-9.-]+(:\d{1,5})?)?$/;

/** A SIP or SIPS URI with a user part or a host. */
const SIP_URI = /^sips?:([A-Za-z0-9+*#._~!$&'()=%;?-]+@)?[A-Za-z0-9.\-[\]:]+(;[^\s]*)?$/;

/** True when `tones` is one or more valid DTMF tones. */
export function isValidDtmf(tones: unknown): tones is string {
  return typeof tones === 'string' && DTMF_TONES.test(tones);
}

/** True when `target` can be dialled or referred to: a non-empty number, user@host or SIP URI. */
export function isValidTarget(target: unknown): target is string {
  if (typeof target !== 'string') return false;
  const trimmed = target.trim();
  return trimmed.length > 0 && trimmed === target && (PLAIN_TARGET.test(target) || SIP_URI.test(target));
}

/** True for a SIP final response code a call may be rejected with (4xx-6xx). */
export function isRejectCode(code: unknown): code is number {
  return typeof code === 'number' && Number.isInteger(code) && code >= 400 && code <= 699;
}

const TERMINATE_KINDS: readonly unknown[] = ['hangup', 'reject', 'terminate'] satisfies readonly TerminateKind[];

/** True for one of the seed's termination types of `terminate(type)`. */
export function isTerminateKind(kind: unknown): kind is TerminateKind {
  return TERMINATE_KINDS.includes(kind);
}
