/**
 * Two phones on the memory SIP network, driven through the public API only. Every step asserts
 * what both phones show: the sessions' `state`, their `state$` emissions, the phones' `state` and
 * `state$` emissions, and the events.
 */
import type { Flow, FlowPhone } from '../support/flow-harness';
import { connect, dial, distinct, sessionEventNames, sessionEventsOf, startFlow, trail } from '../support/flow-harness';
import type { MemoryCall } from '../../adapters/memory';

const A = '1001';
const B = '1002';

let flow: Flow | null = null;

afterEach(() => {
  flow?.destroy();
  flow = null;
  jest.useRealTimers();
});

async function twoPhones(options: Parameters<typeof startFlow>[1] = {}): Promise<{ flow: Flow; a: FlowPhone; b: FlowPhone }> {
  flow = await startFlow([A, B], options);
  const [a, b] = flow.phones;
  return { flow, a, b };
}

const callTrail = (p: FlowPhone) => distinct(p.states.map((state) => state.calls.join(',')));
const native = (p: FlowPhone, callId: string) => p.phone.getSession(callId)!.RTCSession as MemoryCall;

describe('two phones: call, ring, answer, hang up', () => {
  it('A calls B: dialing → ringing on A, ringing on B; B answers: confirmed on both; B hangs up: bye on both', async () => {
    const { flow, a, b } = await twoPhones();

    const result = await a.phone.call(B);
    expect(result).toMatchObject({ ok: true, code: 200, reason: null });
    const callId = result.callId!;
    // A's phone knows the call at once, and it is current (a call we place becomes current).
    expect(a.phone.state).toMatchObject({ calls: [callId], currentSessionID: callId, incoming: [], isMaxCall: false });
    expect(a.phone.currentSessionID).toBe(callId);
    expect(a.eventNames()).toEqual(['newRTCSession', 'startSession', 'currentSessionChange']);
    expect(a.eventsOf('currentSessionChange')).toEqual([{ currentSessionID: callId }]);
    const aCall = a.call(callId);
    expect(aCall.session.state).toMatchObject({ phase: 'dialing', direction: 'outgoing', hold: null, remote: { number: B } });
    expect(aCall.session.isOutgoing()).toBe(true);

    await flow.settle();
    // B rings; its call has the same Call-ID; an incoming call becomes current when there is none.
    expect(b.phone.state).toMatchObject({ calls: [callId], incoming: [callId], currentSessionID: callId });
    expect(b.eventNames()).toEqual(['newRTCSession', 'incoming', 'currentSessionChange']);
    const bCall = b.call(callId);
    expect(b.phone.incomingList).toEqual([bCall.session]);
    expect(bCall.session.state).toMatchObject({ phase: 'ringing', direction: 'incoming', remote: { number: A } });
    expect(bCall.session.isRinging()).toBe(true);
    expect(bCall.session.isIncoming()).toBe(true);
    expect(aCall.session.state.phase).toBe('ringing');
    expect(aCall.session.isRinging()).toBe(true);
    expect(sessionEventsOf(aCall, 'progress')).toEqual([{ callId, statusCode: 180, earlyMedia: false }]);
    expect(aCall.session.state.sessionState).toBe('Early');

    const answered = await b.phone.answer(callId);
    expect(answered).toMatchObject({ ok: true, callId });
    expect(b.phone.state.incoming).toEqual([]);
    await flow.settle();

    for (const [p, record] of [[a, aCall], [b, bCall]] as const) {
      expect(record.session.state).toMatchObject({ phase: 'confirmed', hold: 'active', remoteHold: false, muted: false, recording: 'off', transfer: 'idle' });
      expect(record.session.isEstablished()).toBe(true);
      expect(record.session.isAnswered()).toBe(true);
      expect(record.session.state.sessionState).toBe('Confirmed');
      expect(p.phone.state).toMatchObject({ calls: [callId], currentSessionID: callId, incoming: [] });
    }
    // The 2xx (ACKed by the stack) is one step for the caller: ringing → confirmed.
    expect(trail(aCall, 'phase')).toEqual(['dialing', 'ringing', 'confirmed']);
    expect(trail(bCall, 'phase')).toEqual(['ringing', 'answering', 'confirmed']);
    expect(sessionEventNames(aCall)).toEqual(['progress', 'accepted', 'confirmed']);
    expect(sessionEventNames(bCall)).toEqual(['accepted', 'confirmed']);
    expect(b.eventNames()).toEqual(['newRTCSession', 'incoming', 'currentSessionChange', 'startSession']);
    // One dialog seen from both ends: same Call-ID, tags crossed.
    const aDialog = aCall.session.dialog;
    const bDialog = bCall.session.dialog;
    expect(aDialog.callId).toBe(bDialog.callId);
    expect(aDialog.remoteTag).toBe(bDialog.localTag);
    expect(bDialog.remoteTag).toBe(aDialog.localTag);
    expect(aDialog.sessionState).toBe('Confirmed');

    expect(callTrail(a)).toEqual([callId]);
    expect(a.stateTrail('currentSessionID')).toEqual([callId]);
    expect(b.stateTrail('incoming').map((ids) => ids.join(','))).toEqual([callId, '']);
    a.clear();
    b.clear();
    expect(bCall.session.hangup()).toBe(true);
    await flow.settle();
    expect(bCall.session.state.end).toMatchObject({ cause: 'bye', originator: 'local' });
    expect(aCall.session.state.end).toMatchObject({ cause: 'bye', originator: 'remote' });
    expect(sessionEventsOf(aCall, 'ended')).toEqual([{ callId, cause: 'bye', code: null, originator: 'remote' }]);
    expect(sessionEventsOf(bCall, 'ended')).toEqual([{ callId, cause: 'bye', code: null, originator: 'local' }]);
    expect(sessionEventNames(aCall)).not.toContain('failed');
    expect(sessionEventNames(bCall)).not.toContain('failed');
    for (const [p, record] of [[a, aCall], [b, bCall]] as const) {
      expect(record.completed).toBe(true);
      expect(trail(record, 'phase').slice(-1)).toEqual(['ended']);
      expect(p.phone.state).toMatchObject({ calls: [], currentSessionID: null, incoming: [] });
      expect(p.phone.sessions.size).toBe(0);
      expect(p.eventsOf('deleteSession')).toEqual([{ callId, cause: 'bye', code: null }]);
      expect(p.eventsOf('currentSessionChange')).toEqual([{ currentSessionID: null }]);
    }
    expect(callTrail(a)).toEqual(['']);
    expect(a.stateTrail('currentSessionID')).toEqual([null]);
    expect(a.phone.hangup(callId)).toBe(false);
    expect(a.phone.lastRefusal?.reason).toBe('unknown-call');
  });
});

describe('two phones: hold and unhold', () => {
  it('A holds: A held, B remotely held; A unholds; B holds: the other way round; both hold at once', async () => {
    const { flow, a, b } = await twoPhones();
    const callId = await connect(flow, a, b);
    const aCall = a.call(callId);
    const bCall = b.call(callId);
    a.clear();
    b.clear();

    expect(a.phone.hold(callId)).toBe(true);
    expect(aCall.session.state.hold).toBe('holding');
    await flow.settle();
    expect(aCall.session.state).toMatchObject({ hold: 'held', remoteHold: false });
    expect(bCall.session.state).toMatchObject({ hold: 'active', remoteHold: true });
    expect(aCall.session.isOnHold()).toBe(true);
    expect(bCall.session.isOnHold()).toBe(false);
    expect(aCall.session.state.times.heldSince).not.toBeNull();
    expect(trail(aCall, 'hold')).toEqual(['holding', 'held']);
    expect(trail(bCall, 'remoteHold')).toEqual([true]);
    expect(a.phone.sessions.get(callId)!.status.isHold).toBe(true);

    expect(a.phone.unhold(callId)).toBe(true);
    expect(aCall.session.state.hold).toBe('resuming');
    await flow.settle();
    expect(aCall.session.state).toMatchObject({ hold: 'active', remoteHold: false });
    expect(bCall.session.state).toMatchObject({ hold: 'active', remoteHold: false });
    expect(trail(aCall, 'hold')).toEqual(['holding', 'held', 'resuming', 'active']);
    expect(trail(bCall, 'remoteHold')).toEqual([true, false]);

    // From B: the other way round.
    a.clear();
    b.clear();
    expect(b.phone.hold(callId)).toBe(true);
    await flow.settle();
    expect(bCall.session.state).toMatchObject({ hold: 'held', remoteHold: false });
    expect(aCall.session.state).toMatchObject({ hold: 'active', remoteHold: true });
    expect(trail(bCall, 'hold')).toEqual(['holding', 'held']);
    expect(trail(aCall, 'remoteHold')).toEqual([true]);
    expect(bCall.session.unhold()).toBe(true);
    await flow.settle();
    expect(bCall.session.state).toMatchObject({ hold: 'active', remoteHold: false });
    expect(aCall.session.state).toMatchObject({ hold: 'active', remoteHold: false });

    // Both at once: A holds, then B holds too.
    expect(aCall.session.hold()).toBe(true);
    await flow.settle();
    expect(bCall.session.hold()).toBe(true);
    await flow.settle();
    expect(aCall.session.state).toMatchObject({ phase: 'confirmed', hold: 'held', remoteHold: true });
    expect(bCall.session.state).toMatchObject({ phase: 'confirmed', hold: 'held', remoteHold: true });
    expect(aCall.session.isOnHold()).toBe(true);
    expect(bCall.session.isOnHold()).toBe(true);
    // Hold again while held is refused, not sent.
    expect(aCall.session.hold()).toBe(false);
    expect(aCall.session.lastRefusal?.reason).toBe('not-allowed-in-state');
    // A resumes; B still holds A.
    expect(aCall.session.unhold()).toBe(true);
    await flow.settle();
    expect(aCall.session.state).toMatchObject({ hold: 'active', remoteHold: true });
    expect(bCall.session.state).toMatchObject({ hold: 'held', remoteHold: false });
    expect(bCall.session.resume()).toBe(true);
    await flow.settle();
    expect(aCall.session.state).toMatchObject({ hold: 'active', remoteHold: false });
    expect(bCall.session.state).toMatchObject({ hold: 'active', remoteHold: false });
    expect(bCall.session.state.times.heldTotalMs).toBeGreaterThanOrEqual(0);
    // No failure along the way.
    for (const record of [aCall, bCall]) {
      expect(sessionEventNames(record)).not.toContain('holdFailed');
      expect(sessionEventNames(record)).not.toContain('unholdFailed');
    }
    expect(a.phone.state.calls).toEqual([callId]);
    expect(b.phone.state.calls).toEqual([callId]);
  });

  it('glare: A and B hold in the same instant, both re-INVITEs meet 491, both roll back; held one after the other they both hold', async () => {
    const { flow, a, b } = await twoPhones();
    const callId = await connect(flow, a, b);
    const aCall = a.call(callId);
    const bCall = b.call(callId);
    expect(aCall.session.hold()).toBe(true);
    expect(bCall.session.hold()).toBe(true);
    expect(aCall.session.state.hold).toBe('holding');
    expect(bCall.session.state.hold).toBe('holding');
    await flow.settle();
    for (const record of [aCall, bCall]) {
      expect(record.session.state).toMatchObject({ phase: 'confirmed', hold: 'active', remoteHold: false });
      expect(sessionEventsOf(record, 'holdFailed')).toEqual([{ callId, code: 491, reason: 'Request Pending' }]);
    }
    expect(aCall.session.hold()).toBe(true);
    await flow.settle();
    expect(bCall.session.hold()).toBe(true);
    await flow.settle();
    expect(aCall.session.state).toMatchObject({ hold: 'held', remoteHold: true });
    expect(bCall.session.state).toMatchObject({ hold: 'held', remoteHold: true });
  });

  it('re-INVITE failure: hold rolls back to active with holdFailed, the call continues, a retry works and the call still hangs up', async () => {
    const { flow, a, b } = await twoPhones();
    const callId = await connect(flow, a, b);
    const aCall = a.call(callId);
    const bCall = b.call(callId);
    a.clear();
    b.clear();

    b.ua.faults = { rejectReinvite: { code: 488 } };
    expect(aCall.session.hold()).toBe(true);
    expect(aCall.session.state.hold).toBe('holding');
    await flow.settle();
    expect(aCall.session.state).toMatchObject({ phase: 'confirmed', hold: 'active' });
    expect(bCall.session.state).toMatchObject({ phase: 'confirmed', remoteHold: false });
    expect(trail(aCall, 'hold')).toEqual(['holding', 'active']);
    expect(sessionEventsOf(aCall, 'holdFailed')).toEqual([{ callId, code: 488, reason: 'Not Acceptable Here' }]);
    expect(aCall.session.isOnHold()).toBe(false);
    expect(aCall.session.state.times.heldSince).toBeNull();
    expect(a.phone.state.calls).toEqual([callId]);

    // The fault was for one re-INVITE: a retry holds.
    expect(aCall.session.hold()).toBe(true);
    await flow.settle();
    expect(aCall.session.state.hold).toBe('held');
    expect(bCall.session.state.remoteHold).toBe(true);

    // Unhold failure: stays held, unholdFailed.
    b.ua.faults = { rejectReinvite: { code: 500 } };
    expect(aCall.session.unhold()).toBe(true);
    await flow.settle();
    expect(aCall.session.state.hold).toBe('held');
    expect(bCall.session.state.remoteHold).toBe(true);
    expect(sessionEventsOf(aCall, 'unholdFailed')).toEqual([{ callId, code: 500, reason: 'Server Internal Error' }]);

    expect(aCall.session.hangup()).toBe(true);
    await flow.settle();
    expect(aCall.session.state.end).toMatchObject({ cause: 'bye', originator: 'local' });
    expect(bCall.session.state.end).toMatchObject({ cause: 'bye', originator: 'remote' });
    expect(a.phone.state.calls).toEqual([]);
    expect(b.phone.state.calls).toEqual([]);
  });
});

describe('two phones: DTMF and mute', () => {
  it('DTMF over SIP INFO (default): B receives every tone in order', async () => {
    const { flow, a, b } = await twoPhones();
    const callId = await connect(flow, a, b);
    const bCall = b.call(callId);
    const aCall = a.call(callId);

    expect(a.phone.dtmf(callId, '1*9#')).toBe(true);
    expect(a.phone.dtmf(callId, 'AD0')).toBe(true);
    await flow.settle();
    expect(sessionEventsOf(bCall, 'dtmf')).toEqual(
      ['1', '*', '9', '#', 'A', 'D', '0'].map((tone) => ({ callId, tone, durationMs: 100 })),
    );
    // And the other way round.
    expect(bCall.session.dtmf('5')).toBe(true);
    await flow.settle();
    expect(sessionEventsOf(aCall, 'dtmf')).toEqual([{ callId, tone: '5', durationMs: 100 }]);

    // Invalid tones are refused and nothing is sent.
    expect(a.phone.dtmf(callId, '12x')).toBe(false);
    expect(a.phone.lastRefusal).toMatchObject({ command: 'dtmf', reason: 'invalid-input' });
    await flow.settle();
    expect(sessionEventsOf(bCall, 'dtmf')).toHaveLength(7);
  });

  it('DTMF as RFC 2833 with the phone\'s dtmf option: B receives every tone in order with that duration', async () => {
    const { flow, a, b } = await twoPhones({ phones: { [A]: { dtmf: { transport: 'rfc2833', durationMs: 160 } } } });
    const callId = await connect(flow, a, b);
    const bCall = b.call(callId);
    expect(a.call(callId).session.dtmf('#0*')).toBe(true);
    await flow.settle();
    expect(sessionEventsOf(bCall, 'dtmf')).toEqual([
      { callId, tone: '#', durationMs: 160 },
      { callId, tone: '0', durationMs: 160 },
      { callId, tone: '*', durationMs: 160 },
    ]);
  });

  it('DTMF before the call is confirmed is refused', async () => {
    const { flow, a, b } = await twoPhones();
    const callId = await dial(flow, a, b);
    expect(a.phone.dtmf(callId, '1')).toBe(false);
    expect(a.phone.lastRefusal).toMatchObject({ reason: 'not-allowed-in-state', callId });
  });

  it('mute and unmute: A muted, B unaffected; mute twice refused', async () => {
    const { flow, a, b } = await twoPhones();
    const callId = await connect(flow, a, b);
    const aCall = a.call(callId);
    const bCall = b.call(callId);
    a.clear();
    b.clear();

    expect(a.phone.mute(callId)).toBe(true);
    expect(aCall.session.state.muted).toBe(true);
    expect(aCall.session.isMuted()).toBe(true);
    expect(native(a, callId).muted).toBe(true);
    expect(a.phone.mute(callId)).toBe(false);
    expect(a.phone.lastRefusal?.reason).toBe('not-allowed-in-state');
    await flow.settle();
    expect(bCall.session.state.muted).toBe(false);
    expect(bCall.states).toEqual([]);

    expect(a.phone.unmute(callId)).toBe(true);
    expect(aCall.session.isMuted()).toBe(false);
    expect(native(a, callId).muted).toBe(false);
    expect(trail(aCall, 'muted')).toEqual([true, false]);
    expect(aCall.session.state).toMatchObject({ phase: 'confirmed', hold: 'active' });
  });
});

describe('two phones: calls that never connect', () => {
  it.each([
    [486, 'busy'],
    [603, 'rejected'],
  ])('B rejects with %d: A ends %s, B ends rejected; failed and ended on both', async (code, aCause) => {
    const { flow, a, b } = await twoPhones();
    const callId = await dial(flow, a, b);
    const aCall = a.call(callId);
    const bCall = b.call(callId);

    expect(b.phone.reject(callId, code)).toBe(true);
    expect(bCall.session.state.phase).toBe('ended');
    await flow.settle();
    expect(aCall.session.state.end).toMatchObject({ cause: aCause, code, originator: 'remote' });
    expect(bCall.session.state.end).toMatchObject({ cause: 'rejected', code, originator: 'local' });
    expect(sessionEventsOf(aCall, 'failed')).toEqual([{ callId, cause: aCause, code }]);
    expect(sessionEventsOf(aCall, 'ended')).toEqual([{ callId, cause: aCause, code, originator: 'remote' }]);
    expect(sessionEventNames(bCall).slice(-2)).toEqual(['failed', 'ended']);
    expect(trail(aCall, 'phase')).toEqual(['dialing', 'ringing', 'ended']);
    expect(trail(bCall, 'phase')).toEqual(['ringing', 'ending', 'ended']);
    for (const p of [a, b]) {
      expect(p.phone.state).toMatchObject({ calls: [], currentSessionID: null, incoming: [] });
    }
    expect(a.eventsOf('deleteSession')).toEqual([{ callId, cause: aCause, code }]);
  });

  it('the phone\'s rejectCode option is the default of reject(): 603 → A ends rejected', async () => {
    const { flow, a, b } = await twoPhones({ phones: { [B]: { rejectCode: 603 } } });
    const callId = await dial(flow, a, b);
    expect(b.call(callId).session.reject()).toBe(true);
    await flow.settle();
    expect(a.call(callId).session.state.end).toMatchObject({ cause: 'rejected', code: 603 });
  });

  it('A cancels before B answers: canceled on both, B\'s incoming list empties', async () => {
    const { flow, a, b } = await twoPhones();
    const callId = await dial(flow, a, b);
    const aCall = a.call(callId);
    const bCall = b.call(callId);
    const incoming: string[][] = [];
    b.phone.incoming$.subscribe((list) => incoming.push(list.map((s) => s.callId)));
    expect(incoming).toEqual([[callId]]);

    expect(a.phone.hangup(callId)).toBe(true);
    expect(aCall.session.state.end).toMatchObject({ cause: 'canceled', originator: 'local' });
    await flow.settle();
    expect(bCall.session.state.end).toMatchObject({ cause: 'canceled', code: 487, originator: 'remote' });
    expect(sessionEventsOf(aCall, 'failed')).toEqual([expect.objectContaining({ cause: 'canceled' })]);
    expect(sessionEventsOf(bCall, 'failed')).toEqual([{ callId, cause: 'canceled', code: 487 }]);
    expect(sessionEventsOf(bCall, 'ended')).toEqual([{ callId, cause: 'canceled', code: 487, originator: 'remote' }]);
    expect(b.phone.state).toMatchObject({ calls: [], incoming: [], currentSessionID: null });
    expect(b.phone.incomingList).toEqual([]);
    expect(incoming[incoming.length - 1]).toEqual([]);
    expect(a.phone.state).toMatchObject({ calls: [], currentSessionID: null });
    // Answering a canceled call is refused, never thrown.
    await expect(bCall.session.answer()).resolves.toMatchObject({ ok: false, reason: 'call-ended' });
  });

  it('callee unknown: not-found 404', async () => {
    const { flow, a } = await twoPhones();
    const callId = await dial(flow, a, '1999');
    const aCall = a.call(callId);
    expect(aCall.session.state.end).toMatchObject({ cause: 'not-found', code: 404, originator: 'remote' });
    expect(sessionEventsOf(aCall, 'failed')).toEqual([{ callId, cause: 'not-found', code: 404 }]);
    expect(a.eventsOf('deleteSession')).toEqual([{ callId, cause: 'not-found', code: 404 }]);
    expect(a.phone.state).toMatchObject({ calls: [], currentSessionID: null });
    expect(callTrail(a)).toEqual([callId, '']);
  });

  it('callee with an account but not registered: unavailable 480', async () => {
    const { flow, a } = await twoPhones();
    flow.network.addAccount({ number: '1004', password: 'x' });
    const callId = await dial(flow, a, '1004');
    expect(a.call(callId).session.state.end).toMatchObject({ cause: 'unavailable', code: 480, originator: 'remote' });
    expect(a.phone.state.calls).toEqual([]);
  });

  it('callee that disconnected (unregistered): unavailable 480', async () => {
    const { flow, a, b } = await twoPhones();
    expect(b.phone.disconnect()).toBe(true);
    await flow.settle();
    expect(b.phone.state).toMatchObject({ transport: 'disconnected', registration: 'unregistered', isRegistered: false });
    const callId = await dial(flow, a, b);
    expect(a.call(callId).session.state.end).toMatchObject({ cause: 'unavailable', code: 480 });
    expect(b.calls.size).toBe(0);
  });

  it('no answer: both ends no-answer (408) after the callee\'s timeout, under fake timers', async () => {
    jest.useFakeTimers();
    const { flow, a, b } = await twoPhones({ network: { noAnswerTimeoutMs: 30_000 } });
    const callId = await dial(flow, a, b);
    const aCall = a.call(callId);
    const bCall = b.call(callId);
    jest.advanceTimersByTime(29_999);
    await flow.settle();
    expect(aCall.session.state.phase).toBe('ringing');
    expect(bCall.session.state.phase).toBe('ringing');
    jest.advanceTimersByTime(1);
    await flow.settle();
    expect(bCall.session.state.end).toMatchObject({ cause: 'no-answer', code: 408 });
    expect(aCall.session.state.end).toMatchObject({ cause: 'no-answer', code: 408, originator: 'remote' });
    expect(sessionEventsOf(aCall, 'failed')).toEqual([{ callId, cause: 'no-answer', code: 408 }]);
    expect(sessionEventsOf(bCall, 'failed')).toEqual([{ callId, cause: 'no-answer', code: 408 }]);
    expect(a.phone.state.calls).toEqual([]);
    expect(b.phone.state).toMatchObject({ calls: [], incoming: [] });
  });
});

describe('two phones: recording', () => {
  it('permission 0: startRecord and pauseRecord refused with no-permission, even when the PBX records', async () => {
    const { flow, a, b } = await twoPhones();
    a.ua.faults = { autoRecord: true };
    const callId = await connect(flow, a, b);
    const aCall = a.call(callId);
    expect(a.phone.recordPermissions).toBe(0);
    expect(aCall.session.state.recording).toBe('recording');
    expect(a.phone.startRecord(callId)).toBe(false);
    expect(a.phone.lastRefusal).toMatchObject({ command: 'startRecord', reason: 'no-permission', callId });
    expect(a.phone.pauseRecord(callId)).toBe(false);
    expect(a.phone.lastRefusal).toMatchObject({ command: 'pauseRecord', reason: 'no-permission' });
    await flow.settle();
    expect(aCall.session.state.recording).toBe('recording');
    expect(native(a, callId).recordState).toBe('recording');
  });

  it('permission 0 without a PBX recording: startRecord false no-permission, recording stays off', async () => {
    const { flow, a, b } = await twoPhones({ phones: { [A]: { recordPermissions: 0 } } });
    const callId = await connect(flow, a, b);
    const aCall = a.call(callId);
    expect(a.phone.startRecord(callId)).toBe(false);
    expect(aCall.session.lastRefusal?.reason).toBe('no-permission');
    await flow.settle();
    expect(aCall.session.state.recording).toBe('off');
    expect(aCall.session.isRecording()).toBe(false);
    expect(native(a, callId).recordState).toBe('off');
  });

  it('permission 1: start refused; the PBX auto-records, then pause and resume work; the far end records nothing', async () => {
    const { flow, a, b } = await twoPhones({ phones: { [A]: { recordPermissions: 1 } } });
    a.ua.faults = { autoRecord: true };
    const callId = await connect(flow, a, b);
    const aCall = a.call(callId);
    const bCall = b.call(callId);
    expect(aCall.session.state.recording).toBe('recording');
    expect(aCall.session.isRecording()).toBe(true);
    expect(aCall.session.status.recordStatus).toBe('recording');
    expect(a.phone.startRecord(callId)).toBe(false);
    expect(a.phone.lastRefusal).toMatchObject({ command: 'startRecord', reason: 'no-permission' });

    expect(a.phone.pauseRecord(callId)).toBe(true);
    expect(aCall.session.state.recording).toBe('pausing');
    await flow.settle();
    expect(aCall.session.state.recording).toBe('paused');
    expect(aCall.session.recordingIsPaused()).toBe(true);
    expect(native(a, callId).recordState).toBe('paused');

    // startRecord on a paused recording resumes it, which permission 1 allows.
    expect(a.phone.startRecord(callId)).toBe(true);
    expect(aCall.session.state.recording).toBe('resuming');
    await flow.settle();
    expect(aCall.session.state.recording).toBe('recording');
    expect(trail(aCall, 'recording')).toEqual([null, 'off', 'recording', 'pausing', 'paused', 'resuming', 'recording']);

    // The recording is A's PBX's: B's leg and session show none.
    expect(bCall.session.state.recording).toBe('off');
    expect(native(b, callId).recordState).toBe('off');
    expect(sessionEventNames(aCall)).not.toContain('recordFailed');
  });

  it('permission 1 without PBX recording: startRecord refused with no-permission', async () => {
    const { flow, a, b } = await twoPhones({ phones: { [A]: { recordPermissions: 1 } } });
    const callId = await connect(flow, a, b);
    expect(a.phone.startRecord(callId)).toBe(false);
    expect(a.phone.lastRefusal?.reason).toBe('no-permission');
    expect(a.call(callId).session.state.recording).toBe('off');
  });

  it('permission 2: start, pause, resume', async () => {
    const { flow, a, b } = await twoPhones({ phones: { [A]: { recordPermissions: 2 } } });
    const callId = await connect(flow, a, b);
    const aCall = a.call(callId);
    const bCall = b.call(callId);
    expect(a.phone.startRecord(callId)).toBe(true);
    expect(aCall.session.state.recording).toBe('starting');
    await flow.settle();
    expect(aCall.session.state.recording).toBe('recording');
    expect(native(a, callId).recordState).toBe('recording');
    expect(a.phone.pauseRecord(callId)).toBe(true);
    await flow.settle();
    expect(aCall.session.state.recording).toBe('paused');
    expect(a.phone.startRecord(callId)).toBe(true);
    await flow.settle();
    expect(aCall.session.state.recording).toBe('recording');
    expect(trail(aCall, 'recording').filter((r) => r !== null)).toEqual(['off', 'starting', 'recording', 'pausing', 'paused', 'resuming', 'recording']);
    expect(bCall.session.state.recording).toBe('off');
    expect(native(b, callId).recordState).toBe('off');
  });

  it('changing the permission at run time reaches the live call', async () => {
    const { flow, a, b } = await twoPhones();
    const callId = await connect(flow, a, b);
    a.clear();
    a.phone.recordPermissions = 2;
    expect(a.eventsOf('recordPermissionsChange')).toEqual([2]);
    expect(a.phone.state.recordPermissions).toBe(2);
    expect(a.call(callId).session.state.recordPermissions).toBe(2);
    expect(a.phone.startRecord(callId)).toBe(true);
    await flow.settle();
    expect(a.call(callId).session.state.recording).toBe('recording');
  });

  it('record failure fault: start rolls back to off, pause rolls back to recording, recordFailed each time', async () => {
    const { flow, a, b } = await twoPhones({ phones: { [A]: { recordPermissions: 2 } } });
    const callId = await connect(flow, a, b);
    const aCall = a.call(callId);
    a.ua.faults = { recordFailure: { reason: 'no recording licence' } };
    expect(a.phone.startRecord(callId)).toBe(true);
    expect(aCall.session.state.recording).toBe('starting');
    await flow.settle();
    expect(aCall.session.state.recording).toBe('off');
    expect(sessionEventsOf(aCall, 'recordFailed')).toEqual([{ callId, reason: 'no recording licence' }]);

    a.ua.faults = {};
    expect(a.phone.startRecord(callId)).toBe(true);
    await flow.settle();
    expect(aCall.session.state.recording).toBe('recording');
    a.ua.faults = { recordFailure: { reason: 'backend down' } };
    expect(a.phone.pauseRecord(callId)).toBe(true);
    expect(aCall.session.state.recording).toBe('pausing');
    await flow.settle();
    expect(aCall.session.state.recording).toBe('recording');
    expect(sessionEventsOf(aCall, 'recordFailed')).toEqual([
      { callId, reason: 'no recording licence' },
      { callId, reason: 'backend down' },
    ]);
    expect(aCall.session.state.phase).toBe('confirmed');
  });
});
