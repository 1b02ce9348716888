/**
 * What a caller-supplied string may look like before it becomes part of a SIP message: header
 * names, header values, media types, extra header lines and digest credentials, after RFC 3261
 * §25.1. Every check answers with the problem in words, or `null` when the string is acceptable, so
 * the facade can refuse with a reason and an adapter can refuse the same string with the same words.
 *
 * @packageDocumentation
 */

/** Longest header line (name, colon and value) accepted from a caller. */
export const MAX_HEADER_LENGTH = 1024;

/** Most extra header lines accepted on one request. */
export const MAX_EXTRA_HEADERS = 32;

/** RFC 3261 `token`: alphanumerics and `-.!%*_+\`'~`. */
const TOKEN = /^[A-Za-z0-9\-.!%*_+`'~]+$/;

/** A header value: any character but the control characters (HTAB excepted); no line folding. */
const HEADER_VALUE = /^[^\x00-\x08\x0A-\x1F\x7F]*$/;

/** Half of a UTF-16 surrogate pair without its other half: not encodable as UTF-8. */
export const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** One media-type parameter value: a token or a quoted string without control characters. */
const PARAM_VALUE = /^(?:[A-Za-z0-9\-.!%*_+`'~]+|"(?:[^"\\\x00-\x08\x0A-\x1F\x7F]|\\[^\x00-\x08\x0A-\x1F\x7F])*")$/;

/**
 * Headers the SIP stack writes itself (full and compact forms). An extra header with one of these
 * names would contradict the stack's own and corrupt the message, so it is refused.
 */
const STACK_HEADERS = new Set([
  'via', 'v', 'from', 'f', 'to', 't', 'call-id', 'i', 'cseq', 'max-forwards', 'content-length', 'l', 'content-type', 'c',
  'contact', 'm', 'record-route',
]);

/** Longest authorization user accepted. */
const MAX_CREDENTIAL_LENGTH = 256;

/** RFC 3261 `user` characters: unreserved, escaped, and `&=+$,;?/`. */
const DIGEST_USER = /^(?:[A-Za-z0-9\-_.!~*'()&=+$,;?/]|%[0-9A-Fa-f]{2})+$/;

/** True for an RFC 3261 `token` (method names, header names, parameter names, media types). */
export function isSipToken(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_HEADER_LENGTH && TOKEN.test(value);
}

/** Why `value` cannot be a header value, or `null`. Control characters (CR, LF, NUL …) are refused. */
export function headerValueProblem(value: unknown): string | null {
  if (typeof value !== 'string') return 'a header value must be a string';
  if (value.length > MAX_HEADER_LENGTH) return `a header value may have at most ${MAX_HEADER_LENGTH} characters`;
  if (!HEADER_VALUE.test(value)) return 'a header value may not contain control characters (CR, LF, NUL …)';
  if (LONE_SURROGATE.test(value)) return 'a header value must be well-formed unicode';
  return null;
}

/**
 * Why `value` cannot be a `Content-Type`, or `null`. It must be an RFC 3261 `media-type`:
 * `type/subtype`, then `;name=value` parameters (value a token or a quoted string).
 */
export function mediaTypeProblem(value: unknown): string | null {
  const basic = headerValueProblem(value);
  if (basic) return `invalid content type: ${basic}`;
  const text = (value as string).trim();
  const [type, ...params] = splitParams(text);
  const slash = type.indexOf('/');
  if (slash === -1 || !isSipToken(type.slice(0, slash).trim()) || !isSipToken(type.slice(slash + 1).trim())) {
    return 'a content type must be type/subtype, e.g. application/json';
  }
  for (const param of params) {
    const eq = param.indexOf('=');
    if (eq === -1 || !isSipToken(param.slice(0, eq).trim()) || !PARAM_VALUE.test(param.slice(eq + 1).trim())) {
      return `invalid content type parameter: ${describe(param)}`;
    }
  }
  return null;
}

/**
 * Why `lines` cannot be a request's extra headers, or `null`. Each must be `Name: value` with a
 * token name, a valid value, and a name the stack does not write itself (Via, From, To, Call-ID,
 * CSeq, Contact, Content-Length …).
 */
export function extraHeadersProblem(lines: unknown): string | null {
  if (lines === undefined) return null;
  if (!Array.isArray(lines)) return 'extra headers must be an array of "Name: value" strings';
  if (lines.length > MAX_EXTRA_HEADERS) return `at most ${MAX_EXTRA_HEADERS} extra headers are accepted`;
  for (const line of lines as unknown[]) {
    if (typeof line !== 'string') return 'each extra header must be a "Name: value" string';
    const colon = line.indexOf(':');
    const name = colon === -1 ? '' : line.slice(0, colon).trim();
    if (!isSipToken(name)) return `an extra header needs a token name before a colon: ${describe(line)}`;
    if (STACK_HEADERS.has(name.toLowerCase())) return `the ${name} header is written by the SIP stack and cannot be set`;
    const problem = headerValueProblem(line.slice(colon + 1));
    if (problem) return `extra header ${name}: ${problem}`;
  }
  return null;
}

/**
 * Why `user` and `ha1` cannot be digest credentials, or `null`. The user goes into the quoted
 * `username` of an Authorization header, so it must be an RFC 3261 `user`; the HA1 must be a token
 * (a hex digest, as PBXes hand out).
 */
export function digestCredentialsProblem(user: unknown, ha1: unknown): string | null {
  const problem = digestUserProblem(user);
  if (problem) return problem;
  if (typeof ha1 !== 'string' || ha1.length === 0) return 'an HA1 is required';
  if (ha1.length > MAX_CREDENTIAL_LENGTH || !TOKEN.test(ha1)) return 'the HA1 must be a token such as a hex digest';
  return null;
}

/** Why `user` cannot be the authorization user of digest credentials (an RFC 3261 `user`), or `null`. */
export function digestUserProblem(user: unknown): string | null {
  if (typeof user !== 'string' || user.length === 0) return 'an authorization user is required';
  if (user.length > MAX_CREDENTIAL_LENGTH || !DIGEST_USER.test(user)) {
    return 'the authorization user may only contain the characters of a SIP user part';
  }
  return null;
}

/**
 * Throws a `TypeError` with the problem when there is one. For adapters, at the point where a string
 * is handed to the SIP stack: the adapter's command wrapper turns the error into a failure event.
 */
export function assertNoProblem(problem: string | null): void {
  if (problem !== null) throw new TypeError(problem);
}

/** A short, printable description of any value, for refusal messages (never throws). */
export function describe(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? JSON.stringify(value) : typeof value === 'symbol' ? value.toString() : String(value);
  } catch {
    text = Object.prototype.toString.call(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Split at `;` outside quoted strings. */
function splitParams(text: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (quoted && char === '\\') {
      current += char + (text[i + 1] ?? '');
      i += 1;
      continue;
    }
    if (char === '"') quoted = !quoted;
    if (char === ';' && !quoted) {
      parts.push(current);
      current = '';
      continue;
    }
    current += char;
  }
  parts.push(current);
  return parts;
}
