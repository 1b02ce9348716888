import { endCauseOf, endReportOf, parseReasonHeader } from '../../../adapters/jssip/causes';
import { EventBuffer } from '../../../adapters/event-buffer';
import { replacesTarget } from '../../../adapters/jssip/refer';
import { invalidTones } from '../../../adapters/jssip/dtmf';

describe('JsSIP causes', () => {
  test.each([
    ['Terminated', 'bye'],
    ['Canceled', 'canceled'],
    ['Busy', 'busy'],
    ['Rejected', 'rejected'],
    ['Not Found', 'not-found'],
    ['Unavailable', 'unavailable'],
    ['No Answer', 'no-answer'],
    ['Address Incomplete', 'address-incomplete'],
    ['Incompatible SDP', 'incompatible-sdp'],
    ['Authentication Error', 'authentication-error'],
    ['Redirected', 'redirected'],
    ['SIP Failure Code', 'sip-failure'],
    ['Request Timeout', 'request-timeout'],
    ['Connection Error', 'connection-error'],
    ['WebRTC Error', 'media-failure'],
    ['RTP Timeout', 'media-failure'],
    ['Bad Media Description', 'media-failure'],
    ['User Denied Media Access', 'user-denied-media'],
    ['No ACK', 'no-ack'],
    ['Dialog Error', 'dialog-error'],
    ['Expires', 'expires'],
    ['Internal Error', 'internal-error'],
    ['something new', 'internal-error'],
  ])('%s → %s', (jssip, cause) => expect(endCauseOf(jssip)).toBe(cause));

  test('code and reason from a response', () => {
    expect(endReportOf('remote', { status_code: 486, reason_phrase: 'Busy Here' }, 'Busy')).toEqual({
      cause: 'busy',
      code: 486,
      originator: 'remote',
      reason: 'Busy Here',
    });
  });

  test('code and text from the Reason header of a BYE', () => {
    const bye = { hasHeader: () => true, getHeader: () => 'SIP ;cause=500 ;text="Hold Failed"' };
    expect(endReportOf('remote', bye, 'Terminated')).toEqual({ cause: 'bye', code: 500, originator: 'remote', reason: 'Hold Failed' });
    expect(parseReasonHeader('Q.850;cause=16')).toEqual({ code: null, text: null });
  });

  test('system originator', () => expect(endReportOf('system', null, 'Expires').originator).toBe('system'));
});

describe('Replaces target (RFC 3891 from the far end of our dialog)', () => {
  test('to-tag is our remote tag, from-tag our local tag, URI-escaped', () => {
    const target = replacesTarget('<sip:1003@example.com>', { callId: 'abc@h', localTag: 'L1', remoteTag: 'R1' });
    expect(target).toBe('sip:1003@example.com?Replaces=abc%40h%3Bto-tag%3DR1%3Bfrom-tag%3DL1');
  });
});

describe('EventBuffer', () => {
  test('buffers until the first subscriber, then delivers in order, re-entrant emits after the current one', () => {
    const buffer = new EventBuffer<number>({ onListenerError: () => undefined });
    buffer.emit(1);
    buffer.emit(2);
    const seen: number[] = [];
    buffer.subscribe((n) => {
      seen.push(n);
      if (n === 2) buffer.emit(3);
    });
    buffer.emit(4);
    expect(seen).toEqual([1, 2, 3, 4]);
  });

  test('a throwing listener does not stop the others', () => {
    const buffer = new EventBuffer<number>({ onListenerError: () => undefined });
    const seen: number[] = [];
    buffer.subscribe(() => {
      throw new Error('boom');
    });
    buffer.subscribe((n) => seen.push(n));
    buffer.emit(1);
    expect(seen).toEqual([1]);
  });
});

test('DTMF tone validation', () => {
  expect(invalidTones('0123456789*#ABCD,')).toBeNull();
  expect(invalidTones('12x')).toMatch(/invalid/);
});
