/**
 * Validation of caller input, one place per kind: this module holds DTMF, reject codes and targets
 * (the targets' grammar is in `sip-target`), and re-exports the others: call ids (`call-ids`),
 * settings (`settings`), call options (`call-options`), header values, media types and credentials
 * (`sip-grammar`).
 *
 * @packageDocumentation
 */
import { describe } from './sip-grammar';
import { targetProblem } from './sip-target';

export { targetProblem, MAX_TARGET_LENGTH } from './sip-target';
export {
  describe,
  digestCredentialsProblem,
  extraHeadersProblem,
  headerValueProblem,
  isSipToken,
  mediaTypeProblem,
  MAX_EXTRA_HEADERS,
  MAX_HEADER_LENGTH,
} from './sip-grammar';
export { hasCall, callEntry, isCallIdShape, refusalCallId } from './call-ids';

/** Most DTMF tones one `dtmf()` call sends. */
export const MAX_DTMF_TONES = 256;
import type { TerminateKind } from './call.types';

/** DTMF tones a call accepts: digits, A-D, `*` and `#` (RFC 4733 events 0-15). */
const DTMF_TONES = /^[0-9A-Da-d*#]+$/;

/** True when `tones` is one to {@link MAX_DTMF_TONES} valid DTMF tones. */
export function isValidDtmf(tones: unknown): tones is string {
  return typeof tones === 'string' && tones.length <= MAX_DTMF_TONES && DTMF_TONES.test(tones);
}

/** True when `target` can be dialled or referred to: a number, user@host or SIP URI (RFC 3261 grammar). */
export function isValidTarget(target: unknown): target is string {
  return targetProblem(target) === null;
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

/** Why `body` cannot be the body of an INFO or MESSAGE, or `null`: it must be a string. */
export function bodyProblem(body: unknown): string | null {
  return typeof body === 'string' ? null : `the body must be a string, got ${describe(body)}`;
}
