import type { EndCause, EndReport, Originator, UserAgentCause } from '../../machines/port';

/**
 * JsSIP's `C.causes`, keyed on their string values (JsSIP spells `BYE` as 'Terminated'), mapped to the
 * port's {@link EndCause}.
 */
const CAUSES: Readonly<Record<string, EndCause>> = {
  Terminated: 'bye',
  Canceled: 'canceled',
  Rejected: 'rejected',
  Busy: 'busy',
  'Not Found': 'not-found',
  Unavailable: 'unavailable',
  'No Answer': 'no-answer',
  'Address Incomplete': 'address-incomplete',
  'Incompatible SDP': 'incompatible-sdp',
  'Missing SDP': 'incompatible-sdp',
  'Authentication Error': 'authentication-error',
  Redirected: 'redirected',
  'SIP Failure Code': 'sip-failure',
  'Request Timeout': 'request-timeout',
  'Connection Error': 'connection-error',
  'WebRTC Error': 'media-failure',
  'Bad Media Description': 'media-failure',
  'RTP Timeout': 'media-failure',
  'User Denied Media Access': 'user-denied-media',
  'No ACK': 'no-ack',
  'Dialog Error': 'dialog-error',
  Expires: 'expires',
  'Internal Error': 'internal-error',
};

/** The port's cause for a JsSIP cause string; unknown strings are an internal error. */
export function endCauseOf(jssipCause: string | undefined): EndCause {
  return (jssipCause !== undefined && CAUSES[jssipCause]) || 'internal-error';
}

/** The part of a JsSIP message the mapping reads (an IncomingResponse or an IncomingRequest). */
export interface MessageLike {
  readonly status_code?: number;
  readonly reason_phrase?: string;
  hasHeader?(name: string): boolean;
  getHeader?(name: string): string;
}

/** `Reason: SIP ;cause=500 ;text="Hold Failed"` → { code: 500, text: 'Hold Failed' }. */
export function parseReasonHeader(value: string): { code: number | null; text: string | null } {
  const cause = /cause\s*=\s*(\d{3})/i.exec(value);
  const text = /text\s*=\s*"([^"]*)"/i.exec(value);
  return { code: cause ? Number(cause[1]) : null, text: text ? text[1] : null };
}

/** Build the port's {@link EndReport} from JsSIP's `ended`/`failed` payload. */
export function endReportOf(
  originator: string,
  message: MessageLike | string | null | undefined,
  jssipCause: string | undefined,
): EndReport {
  const who: Originator = originator === 'local' || originator === 'remote' ? originator : 'system';
  let code: number | null = null;
  let reason: string | undefined = jssipCause;
  if (message && typeof message === 'object') {
    if (typeof message.status_code === 'number') {
      code = message.status_code;
      reason = message.reason_phrase || reason;
    } else if (message.hasHeader?.('Reason') && message.getHeader) {
      const parsed = parseReasonHeader(message.getHeader('Reason'));
      code = parsed.code;
      reason = parsed.text ?? reason;
    }
  } else if (typeof message === 'string' && message) {
    reason = message;
  }
  return { cause: endCauseOf(jssipCause), code, originator: who, reason };
}

/**
 * The port's {@link UserAgentCause} for a failed REGISTER, from JsSIP's `registrationFailed` cause
 * string and the final response's status code when there was one (JsSIP derives the string from
 * the code; the code is the more precise of the two).
 */
export function userAgentCauseOf(jssipCause: string | undefined, code: number | null): UserAgentCause {
  if (code !== null) {
    if (code === 401 || code === 407) return 'authentication-error';
    if (code === 403 || code === 603) return 'rejected';
    if (code === 404 || code === 604) return 'not-found';
    if (code === 480 || code === 410 || code === 408 || code === 430) return 'unavailable';
    if (code >= 300 && code < 400) return 'redirected';
    if (code >= 400 && code <= 699) return 'sip-failure';
  }
  switch (jssipCause) {
    case 'Authentication Error':
      return 'authentication-error';
    case 'Request Timeout':
      return 'request-timeout';
    case 'Connection Error':
      return 'connection-error';
    default:
      return 'internal-error';
  }
}
