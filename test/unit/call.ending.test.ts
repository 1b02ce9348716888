/**
 * Call machine: every way into `ended`, the end record, the output and the `ending` timeout.
 */
import type { EndCause, Originator } from '../../machines/port';
import { ENDING_TIMEOUT_MS } from '../../machines/call.machine';
import { confirmedIncoming, confirmedOutgoing, startCall, stopAllCalls, progress } from '../support/call-harness';
import type { CallHarness } from '../support/call-harness';

afterEach(stopAllCalls);

const NOW = new Date('2030-01-02T03:04:05Z').getTime();

beforeEach(() => {
  jest.useFakeTimers({ now: NOW });
});

afterEach(() => {
  jest.useRealTimers();
});

function expectEnded(h: CallHarness, cause: EndCause, code: number | null, originator: Originator, established: boolean): void {
  const snap = h.snapshot;
  expect(snap.value).toBe('ended');
  expect(snap.status).toBe('done');
  expect(snap.hasTag('terminated')).toBe(true);
  expect(snap.context.end).toMatchObject({ cause, code, originator, at: expect.any(Number) });
  expect(snap.context.times.endedAt).toBe(snap.context.end?.at);
  expect(snap.output).toMatchObject({ callId: h.callId, end: snap.context.end, established });
  const ended = h.emittedOf('call.ended');
  expect(ended).toHaveLength(1);
  expect(ended[0]).toEqual({ type: 'call.ended', end: snap.context.end, established });
  expect(h.errors).toEqual([]);
}

describe('call machine: ending an established call', () => {
  it('hangup from confirmed: PORT.HANGUP, ending, then SIP.ENDED → bye / local', () => {
    const h = confirmedOutgoing();
    h.send({ type: 'CALL.HANGUP' });
    expect(h.snapshot.value).toBe('ending');
    expect(h.snapshot.hasTag('terminating')).toBe(true);
    expect(h.commands()).toEqual([{ type: 'PORT.HANGUP' }]);
    expect(h.emittedOf('call.ended')).toEqual([]);
    jest.advanceTimersByTime(1500);
    h.port({ type: 'SIP.ENDED', cause: 'bye', code: null, originator: 'local' });
    expectEnded(h, 'bye', null, 'local', true);
    expect(h.snapshot.context.end?.at).toBe(NOW + 1500);
  });

  it('CALL.HANGUP with a reject code on an established call still hangs up (BYE)', () => {
    const h = confirmedIncoming();
    h.send({ type: 'CALL.HANGUP', rejectCode: 480 });
    expect(h.commands()).toEqual([{ type: 'PORT.HANGUP' }]);
    h.port({ type: 'SIP.ENDED', cause: 'bye', code: null, originator: 'local' });
    expectEnded(h, 'bye', null, 'local', true);
  });

  it('remote BYE → bye / remote, no command sent', () => {
    const h = confirmedIncoming();
    h.port({ type: 'SIP.ENDED', cause: 'bye', code: null, originator: 'remote' });
    expectEnded(h, 'bye', null, 'remote', true);
    expect(h.commands()).toEqual([]);
  });

  it('transport loss → connection-error', () => {
    const h = confirmedOutgoing();
    h.port({ type: 'SIP.ENDED', cause: 'connection-error', code: null, originator: 'system' });
    expectEnded(h, 'connection-error', null, 'system', true);
  });

  it('media failure → media-failure', () => {
    const h = confirmedOutgoing();
    h.port({ type: 'SIP.ENDED', cause: 'media-failure', code: null, originator: 'system' });
    expectEnded(h, 'media-failure', null, 'system', true);
  });

  it('the stack ending the call after a failed hold re-INVITE → hold-failed', () => {
    const h = confirmedOutgoing();
    h.send({ type: 'CALL.HOLD' });
    h.port({ type: 'SIP.ENDED', cause: 'hold-failed', code: 488, originator: 'system' });
    expectEnded(h, 'hold-failed', 488, 'system', true);
  });

  it('an INVITE with Replaces taking the call over → replaced', () => {
    const h = confirmedOutgoing();
    h.port({ type: 'SIP.ENDED', cause: 'replaced', code: null, originator: 'remote' });
    expectEnded(h, 'replaced', null, 'remote', true);
  });

  it('hangup while answering (accepted, not yet confirmed) sends PORT.HANGUP', () => {
    const h = startCall({ direction: 'incoming' });
    h.send({ type: 'CALL.ANSWER' });
    h.clearCommands();
    h.send({ type: 'CALL.HANGUP' });
    expect(h.snapshot.value).toBe('ending');
    expect(h.commands()).toEqual([{ type: 'PORT.HANGUP' }]);
  });

  it('keeps the held time in times.heldTotalMs when ending while held', () => {
    const h = confirmedOutgoing();
    h.send({ type: 'CALL.HOLD' });
    h.port({ type: 'SIP.HOLD.SUCCEEDED', dialog: null });
    jest.advanceTimersByTime(4000);
    h.port({ type: 'SIP.ENDED', cause: 'bye', code: null, originator: 'remote' });
    expect(h.snapshot.context.times.heldSince).toBeNull();
    expect(h.snapshot.context.times.heldTotalMs).toBe(4000);
  });
});

describe('call machine: ending an incoming call before it is answered', () => {
  it('reject by us with the default 486: PORT.REJECT 486; the port reports busy/local → rejected', () => {
    const h = startCall({ direction: 'incoming' });
    h.send({ type: 'CALL.REJECT' });
    expect(h.snapshot.value).toBe('ending');
    expect(h.commands()).toEqual([{ type: 'PORT.REJECT', code: 486 }]);
    h.port({ type: 'SIP.FAILED', cause: 'busy', code: 486, originator: 'local' });
    expectEnded(h, 'rejected', 486, 'local', false);
  });

  it('reject by us with 603 → rejected 603', () => {
    const h = startCall({ direction: 'incoming' });
    h.send({ type: 'CALL.REJECT', code: 603 });
    expect(h.commands()).toEqual([{ type: 'PORT.REJECT', code: 603 }]);
    h.port({ type: 'SIP.FAILED', cause: 'rejected', code: 603, originator: 'local' });
    expectEnded(h, 'rejected', 603, 'local', false);
  });

  it('CALL.HANGUP on a ringing incoming call rejects it with 486', () => {
    const h = startCall({ direction: 'incoming' });
    h.send({ type: 'CALL.HANGUP' });
    expect(h.commands()).toEqual([{ type: 'PORT.REJECT', code: 486 }]);
    h.port({ type: 'SIP.FAILED', cause: 'busy', code: 486, originator: 'local' });
    expectEnded(h, 'rejected', 486, 'local', false);
  });

  it("CALL.HANGUP on a ringing incoming call declines it with the call's rejectCode (603), not a hard-coded 486", () => {
    const h = startCall({ direction: 'incoming', rejectCode: 603 });
    h.send({ type: 'CALL.HANGUP' });
    expect(h.commands()).toEqual([{ type: 'PORT.REJECT', code: 603 }]);
    h.port({ type: 'SIP.FAILED', cause: 'rejected', code: 603, originator: 'local' });
    expectEnded(h, 'rejected', 603, 'local', false);
  });

  it("CALL.REJECT without a code declines with the call's rejectCode", () => {
    const h = startCall({ direction: 'incoming', rejectCode: 603 });
    h.send({ type: 'CALL.REJECT' });
    expect(h.commands()).toEqual([{ type: 'PORT.REJECT', code: 603 }]);
  });

  it("CALL.HANGUP's own reject code (the phone going offline: 480) wins over the call's", () => {
    const h = startCall({ direction: 'incoming', rejectCode: 603 });
    h.send({ type: 'CALL.HANGUP', rejectCode: 480 });
    expect(h.commands()).toEqual([{ type: 'PORT.REJECT', code: 480 }]);
  });

  it.each([200, 700, 486.5])('a call created with the non-reject code %p as rejectCode declines with 486', (rejectCode) => {
    const h = startCall({ direction: 'incoming', rejectCode });
    h.send({ type: 'CALL.HANGUP' });
    expect(h.commands()).toEqual([{ type: 'PORT.REJECT', code: 486 }]);
  });

  it.each([200, 399, 700, 486.5])('CALL.REJECT with the non-reject code %p is refused', (code) => {
    const h = startCall({ direction: 'incoming' });
    expect(h.can({ type: 'CALL.REJECT', code })).toBe(false);
    h.send({ type: 'CALL.REJECT', code });
    expect(h.snapshot.value).toBe('ringing');
    expect(h.commands()).toEqual([]);
  });

  it('remote cancel while ringing → canceled / remote', () => {
    const h = startCall({ direction: 'incoming' });
    h.port({ type: 'SIP.FAILED', cause: 'canceled', code: 487, originator: 'remote' });
    expectEnded(h, 'canceled', 487, 'remote', false);
    expect(h.commands()).toEqual([]);
  });

  it('transport loss while ringing → connection-error', () => {
    const h = startCall({ direction: 'incoming' });
    h.port({ type: 'SIP.FAILED', cause: 'connection-error', code: null, originator: 'system' });
    expectEnded(h, 'connection-error', null, 'system', false);
  });

  it('user-denied media while answering → user-denied-media, not established', () => {
    const h = startCall({ direction: 'incoming' });
    h.send({ type: 'CALL.ANSWER' });
    h.port({ type: 'SIP.FAILED', cause: 'user-denied-media', code: null, originator: 'local' });
    expectEnded(h, 'user-denied-media', null, 'local', false);
  });
});

describe('call machine: ending an outgoing call before it is answered', () => {
  it('cancel by us while dialing: PORT.CANCEL, then canceled / local', () => {
    const h = startCall({ direction: 'outgoing' });
    h.send({ type: 'CALL.HANGUP' });
    expect(h.snapshot.value).toBe('ending');
    expect(h.commands()).toEqual([{ type: 'PORT.CANCEL' }]);
    h.port({ type: 'SIP.FAILED', cause: 'canceled', code: 487, originator: 'local' });
    expectEnded(h, 'canceled', 487, 'local', false);
  });

  it('cancel by us while ringing (CALL.HANGUP, whatever reject code it carries): PORT.CANCEL → canceled', () => {
    const h = startCall({ direction: 'outgoing', rejectCode: 603 });
    h.port(progress(180, { earlyMedia: false }));
    h.send({ type: 'CALL.HANGUP', rejectCode: 480 });
    expect(h.commands()).toEqual([{ type: 'PORT.CANCEL' }]);
    h.port({ type: 'SIP.FAILED', cause: 'canceled', code: null, originator: 'local' });
    expectEnded(h, 'canceled', null, 'local', false);
  });

  it.each([
    [486, 'busy'],
    [600, 'busy'],
    [603, 'rejected'],
    [403, 'rejected'],
    [404, 'not-found'],
    [480, 'unavailable'],
    [484, 'address-incomplete'],
    [488, 'incompatible-sdp'],
    [401, 'authentication-error'],
    [302, 'redirected'],
    [500, 'sip-failure'],
  ] as const)('a remote final %i while ringing → %s / remote', (code, cause) => {
    const h = startCall({ direction: 'outgoing' });
    h.port(progress(180, { earlyMedia: false }));
    h.port({ type: 'SIP.FAILED', cause, code, originator: 'remote' });
    expectEnded(h, cause, code, 'remote', false);
    expect(h.commands()).toEqual([]);
  });

  it('a remote 486 while dialing (no 18x) → busy', () => {
    const h = startCall({ direction: 'outgoing' });
    h.port({ type: 'SIP.FAILED', cause: 'busy', code: 486, originator: 'remote' });
    expectEnded(h, 'busy', 486, 'remote', false);
  });

  it('no answer before the no-answer timer → no-answer', () => {
    const h = startCall({ direction: 'outgoing' });
    h.port(progress(180, { earlyMedia: false }));
    h.port({ type: 'SIP.FAILED', cause: 'no-answer', code: 408, originator: 'system' });
    expectEnded(h, 'no-answer', 408, 'system', false);
  });

  it('a transaction timeout → request-timeout', () => {
    const h = startCall({ direction: 'outgoing' });
    h.port({ type: 'SIP.FAILED', cause: 'request-timeout', code: null, originator: 'system' });
    expectEnded(h, 'request-timeout', null, 'system', false);
  });

  it('a remote final arriving after our CANCEL keeps the remote cause (busy crossed our CANCEL)', () => {
    const h = startCall({ direction: 'outgoing' });
    h.port(progress(180, { earlyMedia: false }));
    h.send({ type: 'CALL.HANGUP' });
    h.port({ type: 'SIP.FAILED', cause: 'busy', code: 486, originator: 'remote' });
    expectEnded(h, 'busy', 486, 'remote', false);
  });
});

describe('call machine: ending timeout', () => {
  it('exports a 32 s ending timeout (RFC 3261 timer B/F)', () => {
    expect(ENDING_TIMEOUT_MS).toBe(32_000);
  });

  it('ends with request-timeout / local when the stack never confirms a hangup', () => {
    const h = confirmedOutgoing();
    h.send({ type: 'CALL.HANGUP' });
    jest.advanceTimersByTime(ENDING_TIMEOUT_MS - 1);
    expect(h.snapshot.value).toBe('ending');
    jest.advanceTimersByTime(1);
    expectEnded(h, 'request-timeout', null, 'local', true);
    expect(h.snapshot.context.end?.at).toBe(NOW + ENDING_TIMEOUT_MS);
  });

  it('keeps the cause we asked for (canceled) when a CANCEL is never confirmed', () => {
    const h = startCall({ direction: 'outgoing' });
    h.send({ type: 'CALL.HANGUP' });
    jest.advanceTimersByTime(ENDING_TIMEOUT_MS);
    expectEnded(h, 'canceled', null, 'local', false);
  });

  it('no timeout fires once the stack confirmed the end', () => {
    const h = confirmedOutgoing();
    h.send({ type: 'CALL.HANGUP' });
    h.port({ type: 'SIP.ENDED', cause: 'bye', code: null, originator: 'local' });
    const end = h.snapshot.context.end;
    jest.advanceTimersByTime(ENDING_TIMEOUT_MS * 2);
    expect(h.snapshot.context.end).toBe(end);
    expect(h.emittedOf('call.ended')).toHaveLength(1);
  });

  it('keeps the held time in times.heldTotalMs when the ending times out while held', () => {
    const h = confirmedOutgoing();
    h.send({ type: 'CALL.HOLD' });
    h.port({ type: 'SIP.HOLD.SUCCEEDED', dialog: null });
    jest.advanceTimersByTime(4000);
    h.send({ type: 'CALL.HANGUP' });
    jest.advanceTimersByTime(ENDING_TIMEOUT_MS);
    expect(h.snapshot.value).toBe('ended');
    expect(h.snapshot.context.times.heldSince).toBeNull();
    // held from the hold until the end, as when the stack confirms the end (see the test above)
    expect(h.snapshot.context.times.heldTotalMs).toBe(4000 + ENDING_TIMEOUT_MS);
  });
});

describe('call machine: output', () => {
  it('carries callId, end, established, transfer and the consultation links', () => {
    const h = confirmedOutgoing({ callId: 'x-1', consultationFor: 'p-1' });
    h.port({ type: 'SIP.ENDED', cause: 'bye', code: null, originator: 'remote', reason: 'BYE' });
    expect(h.snapshot.output).toEqual({
      callId: 'x-1',
      end: { cause: 'bye', code: null, originator: 'remote', at: NOW, reason: 'BYE' },
      established: true,
      transfer: null,
      consultationFor: 'p-1',
      consultation: null,
    });
  });

  it('is done once ended (the facade releases the port then: test/unit/call-port-bridge.test.ts)', () => {
    const h = confirmedOutgoing();
    expect(h.snapshot.status).toBe('active');
    h.port({ type: 'SIP.ENDED', cause: 'bye', code: null, originator: 'remote' });
    expect(h.snapshot.status).toBe('done');
  });
});
