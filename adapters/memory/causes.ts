import type { EndCause, UserAgentCause } from '../../machines/port';

/**
 * The end cause a SIP final response stands for (JsSIP's `SIP_ERROR_CAUSES`, in the port's words).
 *
 * @param code a 3xx-6xx status code
 */
export function causeForStatus(code: number): EndCause {
  if (code >= 300 && code < 400) return 'redirected';
  switch (code) {
    case 486:
    case 600:
      return 'busy';
    case 403:
    case 603:
      return 'rejected';
    case 404:
    case 604:
      return 'not-found';
    case 480:
    case 410:
    case 408:
    case 430:
      return 'unavailable';
    case 484:
    case 424:
      return 'address-incomplete';
    case 488:
    case 606:
      return 'incompatible-sdp';
    case 401:
    case 407:
      return 'authentication-error';
    default:
      return 'sip-failure';
  }
}

const phrases: Readonly<Record<number, string>> = {
  100: 'Trying',
  180: 'Ringing',
  183: 'Session Progress',
  200: 'OK',
  202: 'Accepted',
  302: 'Moved Temporarily',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  407: 'Proxy Authentication Required',
  408: 'Request Timeout',
  410: 'Gone',
  480: 'Temporarily Unavailable',
  481: 'Call/Transaction Does Not Exist',
  482: 'Loop Detected',
  484: 'Address Incomplete',
  486: 'Busy Here',
  487: 'Request Terminated',
  488: 'Not Acceptable Here',
  491: 'Request Pending',
  500: 'Server Internal Error',
  503: 'Service Unavailable',
  600: 'Busy Everywhere',
  603: 'Decline',
  604: 'Does Not Exist Anywhere',
  606: 'Not Acceptable',
};

/** The standard reason phrase of a status code, or a generic one. */
export function reasonPhrase(code: number): string {
  return phrases[code] ?? `Status ${code}`;
}

/** True for a status code a UAS may answer an INVITE with to refuse it (300-699). */
export function isFinalFailure(code: number): boolean {
  return Number.isInteger(code) && code >= 300 && code <= 699;
}

/**
 * The user-agent cause a final response to REGISTER stands for (JsSIP's registration causes, in the
 * port's words): the challenges and 408 are the registrar's own; the rest read as they do for a call,
 * and what has no user-agent meaning is `sip-failure`.
 *
 * @param code a 3xx-6xx status code
 */
export function userAgentCauseForStatus(code: number): UserAgentCause {
  if (code === 401 || code === 407) return 'authentication-error';
  if (code === 408) return 'request-timeout';
  const cause = causeForStatus(code);
  return cause === 'redirected' || cause === 'rejected' || cause === 'not-found' || cause === 'unavailable' ? cause : 'sip-failure';
}
