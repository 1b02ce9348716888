/**
 * What may be dialled or referred to: a plain number or `user@host`, or a SIP/SIPS URI after the
 * `SIP-URI` rule of RFC 3261 §25.1 (user info, host, port, `;parameters`, `?headers`). Anything
 * else, quotes, angle brackets, spaces and control characters included, is refused, so a target can
 * never smuggle text into the Request-URI, the To header or a Refer-To header.
 *
 * @packageDocumentation
 */
import { describe } from './sip-grammar';

/** Longest target accepted. */
export const MAX_TARGET_LENGTH = 512;

const ESCAPED = '%[0-9A-Fa-f]{2}';
const UNRESERVED = "A-Za-z0-9\\-_.!~*'()";
/** RFC 3261 `user`: unreserved, escaped and `&=+$,;?/`. */
const USER = `(?:[${UNRESERVED}&=+$,;?/]|${ESCAPED})+`;
/** RFC 3261 `password`. */
const PASSWORD = `(?:[${UNRESERVED}&=+$,]|${ESCAPED})*`;
const DOMAIN_LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?';
const TOP_LABEL = '[A-Za-z](?:[A-Za-z0-9-]*[A-Za-z0-9])?';
const HOSTNAME = `(?:${DOMAIN_LABEL}\\.)*${TOP_LABEL}\\.?`;
const IPV4 = '\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}';
const IPV6_REFERENCE = '\\[[0-9A-Fa-f:.]+\\]';
const HOST = `(?:${HOSTNAME}|${IPV4}|${IPV6_REFERENCE})`;
const PORT = '(?::\\d{1,5})?';
/** RFC 3261 `paramchar`: param-unreserved (`[]/:&+$`), unreserved, escaped. */
const PARAM_CHAR = `(?:[\\[\\]/:&+$${UNRESERVED}]|${ESCAPED})`;
const URI_PARAMETERS = `(?:;${PARAM_CHAR}+(?:=${PARAM_CHAR}+)?)*`;
/** RFC 3261 `hname`/`hvalue` characters: hnv-unreserved (`[]/?:+$`), unreserved, escaped. */
const HNV_CHAR = `(?:[\\[\\]/?:+$${UNRESERVED}]|${ESCAPED})`;
const URI_HEADERS = `(?:\\?${HNV_CHAR}+=${HNV_CHAR}*(?:&${HNV_CHAR}+=${HNV_CHAR}*)*)?`;

const SIP_URI = new RegExp(`^sips?:(?:${USER}(?::${PASSWORD})?@)?${HOST}${PORT}${URI_PARAMETERS}${URI_HEADERS}$`, 'i');

/**
 * A plain target: a user part (digits, `+`, `*`, `#` and the other RFC 3261 user characters; the
 * stack escapes `#`), optionally `@host[:port]`.
 */
const PLAIN_TARGET = new RegExp(`^(?:[${UNRESERVED}&=+$,#]|${ESCAPED})+(?:@${HOST}${PORT})?$`);

/** Why `target` cannot be dialled or referred to, or `null` when it can. */
export function targetProblem(target: unknown): string | null {
  if (typeof target !== 'string') return `the target must be a string, got ${describe(target)}`;
  if (target.length === 0) return 'the target is empty';
  if (target.length > MAX_TARGET_LENGTH) return `the target may have at most ${MAX_TARGET_LENGTH} characters`;
  if (/^sips?:/i.test(target)) return SIP_URI.test(target) ? null : `${describe(target)} is not a valid SIP URI`;
  return PLAIN_TARGET.test(target) ? null : `${describe(target)} is not a number, user@host or SIP URI`;
}
