/**
 * Three phones on the memory SIP network, driven through the public API only: blind and attended
 * transfer, the call cap, call waiting, transport loss during a call and the current-call rule.
 */
import type { Flow, FlowPhone } from '../support/flow-harness';
import { connect, dial, distinct, sessionEventNames, sessionEventsOf, startFlow, trail } from '../support/flow-harness';

const A = '1001';
const B = '1002';
const C = '1003';

let flow: Flow | null = null;

afterEach(() => {
  flow?.destroy();
  flow = null;
});

async function threePhones(options: Parameters<typeof startFlow>[1] = {}): Promise<{ flow: Flow; a: FlowPhone; b: FlowPhone; c: FlowPhone }> {
  flow = await startFlow([A, B, C], options);
  const [a, b, c] = flow.phones;
  return { flow, a, b, c };
}

const ids = (p: FlowPhone) => [...p.phone.state.calls];
const currentTrail = (p: FlowPhone) => p.stateTrail('currentSessionID');

describe('blind transfer A→B to C', () => {
  it('B accepts the REFER and calls C, C answers: B–C confirmed, A\'s call ends transferred with transferSucceeded', async () => {
    const { flow, a, b, c } = await threePhones();
    const ab = await connect(flow, a, b);
    const aCall = a.call(ab);
    const bOld = b.call(ab);
    a.clear();
    b.clear();
    c.clear();

    expect(a.phone.blindTransfer(ab, C)).toBe(true);
    expect(aCall.session.state.transfer).toBe('blind.referring');
    expect(aCall.session.state.transferInfo).toMatchObject({ kind: 'blind', target: C });
    await flow.settle();

    // B's phone accepted the REFER (one call, cap 2) and placed the call to C.
    expect(b.eventsOf('referReceived')).toEqual([{ callId: ab, target: C, accepted: true, outcome: 'accepted' }]);
    expect(b.calls.size).toBe(2);
    const bNew = b.lastCall();
    const bc = bNew.callId;
    expect(bc).not.toBe(ab);
    expect(bNew.session.state).toMatchObject({ direction: 'outgoing', phase: 'ringing', remote: { number: C } });
    expect(b.phone.state).toMatchObject({ calls: [ab, bc], currentSessionID: bc });
    // C rings.
    expect(c.phone.state).toMatchObject({ calls: [bc], incoming: [bc] });
    expect(c.call(bc).session.state).toMatchObject({ phase: 'ringing', remote: { number: B } });
    // A waits for the outcome; its call is still up.
    expect(aCall.session.state).toMatchObject({ phase: 'confirmed', transfer: 'blind.awaitingOutcome' });
    expect(aCall.session.state.transferInfo?.notify).toMatchObject({ code: 180 });

    expect((await c.phone.answer(bc)).ok).toBe(true);
    await flow.settle();

    // B–C confirmed on both.
    expect(bNew.session.state).toMatchObject({ phase: 'confirmed', hold: 'active' });
    expect(c.call(bc).session.state).toMatchObject({ phase: 'confirmed', hold: 'active', remoteHold: false });
    expect(b.phone.state).toMatchObject({ calls: [bc], currentSessionID: bc });
    expect(c.phone.state).toMatchObject({ calls: [bc], currentSessionID: bc, incoming: [] });
    // A's call ended as transferred, B's old leg by A's BYE.
    expect(sessionEventsOf(aCall, 'transferSucceeded')).toEqual([{ callId: ab, target: C }]);
    expect(aCall.session.state.end).toMatchObject({ cause: 'transferred', originator: 'local' });
    expect(sessionEventsOf(aCall, 'ended')).toEqual([expect.objectContaining({ callId: ab, cause: 'transferred' })]);
    expect(sessionEventNames(aCall)).not.toContain('transferFailed');
    expect(sessionEventNames(aCall)).not.toContain('failed');
    expect(trail(aCall, 'transfer')).toEqual(['blind.referring', 'blind.awaitingOutcome', null]);
    expect(bOld.session.state.end).toMatchObject({ cause: 'bye', originator: 'remote' });
    expect(a.phone.state).toMatchObject({ calls: [], currentSessionID: null });
    expect(a.eventsOf('deleteSession')).toEqual([expect.objectContaining({ callId: ab, cause: 'transferred' })]);
    expect(currentTrail(b)).toEqual([bc]);
  });

  it('REFER refused (403): A\'s call continues, transfer back to idle, transferFailed; the call still transfers and hangs up afterwards', async () => {
    const { flow, a, b, c } = await threePhones();
    const ab = await connect(flow, a, b);
    const aCall = a.call(ab);
    b.ua.faults = { refuseRefer: { code: 403 } };

    expect(aCall.session.blindTransfer(C)).toBe(true);
    await flow.settle();
    expect(aCall.session.state).toMatchObject({ phase: 'confirmed', transfer: 'idle', hold: 'active' });
    expect(sessionEventsOf(aCall, 'transferFailed')).toEqual([{ callId: ab, code: 403, reason: 'Forbidden' }]);
    expect(sessionEventNames(aCall)).not.toContain('transferSucceeded');
    expect(trail(aCall, 'transfer')).toEqual([null, 'idle', 'blind.referring', 'idle']);
    expect(b.eventsOf('referReceived')).toEqual([]);
    expect(b.call(ab).session.state.phase).toBe('confirmed');
    expect(c.calls.size).toBe(0);
    expect(a.phone.state.calls).toEqual([ab]);

    expect(aCall.session.hangup()).toBe(true);
    await flow.settle();
    expect(aCall.session.state.end).toMatchObject({ cause: 'bye', originator: 'local' });
    expect(b.call(ab).session.state.end).toMatchObject({ cause: 'bye', originator: 'remote' });
  });

  it('NOTIFY failure (503): A\'s call continues, transfer back to idle, transferFailed', async () => {
    const { flow, a, b, c } = await threePhones();
    const ab = await connect(flow, a, b);
    const aCall = a.call(ab);
    b.ua.faults = { failReferNotify: { code: 503 } };

    expect(a.phone.blindTransfer(ab, C)).toBe(true);
    await flow.settle();
    expect(aCall.session.state).toMatchObject({ phase: 'confirmed', transfer: 'idle' });
    expect(sessionEventsOf(aCall, 'transferFailed')).toEqual([{ callId: ab, code: 503, reason: 'Service Unavailable' }]);
    expect(trail(aCall, 'transfer').slice(-3)).toEqual(['blind.referring', 'blind.awaitingOutcome', 'idle']);
    expect(c.calls.size).toBe(0);
    expect(b.phone.state.calls).toEqual([ab]);

    // A second attempt, without the fault, succeeds.
    b.ua.faults = {};
    expect(a.phone.blindTransfer(ab, C)).toBe(true);
    await flow.settle();
    const bc = c.onlyCall().callId;
    expect((await c.phone.answer(bc)).ok).toBe(true);
    await flow.settle();
    expect(aCall.session.state.end).toMatchObject({ cause: 'transferred' });
    expect(sessionEventsOf(aCall, 'transferSucceeded')).toHaveLength(1);
  });

  it('B\'s phone over its cap refuses the REFER (603): referReceived not accepted, A gets transferFailed and keeps the call', async () => {
    const { flow, a, b, c } = await threePhones();
    const ab = await connect(flow, a, b);
    const cb = await connect(flow, c, b);
    // B lowers its cap below what it already has: taking the transfer would exceed it even after A's leg goes.
    b.phone.configure({ maxCalls: 1 });
    expect(b.phone.state).toMatchObject({ calls: [ab, cb], isMaxCall: true });
    const aCall = a.call(ab);
    expect(a.phone.blindTransfer(ab, C)).toBe(true);
    await flow.settle();
    expect(b.eventsOf('referReceived')).toEqual([{ callId: ab, target: C, accepted: false, outcome: 'over-cap' }]);
    expect(b.phone.state.calls).toEqual([ab, cb]);
    expect(sessionEventsOf(aCall, 'transferFailed')).toEqual([{ callId: ab, code: 603, reason: 'Decline' }]);
    expect(aCall.session.state).toMatchObject({ phase: 'confirmed', transfer: 'idle' });
    expect(c.phone.state.calls).toEqual([cb]);
  });

  it('the transfer target is busy: the final NOTIFY carries 486, A\'s call continues with transferFailed', async () => {
    const { flow, a, b, c } = await threePhones();
    const ab = await connect(flow, a, b);
    const aCall = a.call(ab);
    expect(a.phone.blindTransfer(ab, C)).toBe(true);
    await flow.settle();
    const bc = c.onlyCall().callId;
    expect(c.phone.reject(bc, 486)).toBe(true);
    await flow.settle();
    expect(sessionEventsOf(aCall, 'transferFailed')).toEqual([{ callId: ab, code: 486, reason: 'Busy Here' }]);
    expect(aCall.session.state).toMatchObject({ phase: 'confirmed', transfer: 'idle' });
    // B's attempt failed; B is still talking with A: the call a REFER came on is not put on hold.
    expect(b.call(bc).session.state.end).toMatchObject({ cause: 'busy', code: 486 });
    expect(b.phone.state).toMatchObject({ calls: [ab], currentSessionID: ab });
    expect(b.call(ab).session.state).toMatchObject({ phase: 'confirmed', hold: 'active' });
    expect(aCall.session.state.remoteHold).toBe(false);
  });
});

describe('attended transfer A→B to C', () => {
  it('consultation to C (B auto-held, not counted against the cap), C answers, completion connects B to C', async () => {
    const { flow, a, b, c } = await threePhones();
    const ab = await connect(flow, a, b);
    const parent = a.call(ab);
    const bOld = b.call(ab);
    a.clear();
    b.clear();

    expect(a.phone.attendedTransfer(ab, C)).toBe(true);
    // The consultation call exists at once, linked to the parent, and is current.
    expect(a.calls.size).toBe(2);
    const consult = a.lastCall();
    const ac = consult.callId;
    expect(consult.session.state).toMatchObject({ direction: 'outgoing', consultationFor: ab, remote: { number: C } });
    expect(parent.session.state).toMatchObject({ consultation: ac, transfer: 'attended.consulting', hold: 'holding' });
    expect(a.phone.state).toMatchObject({ calls: [ab, ac], currentSessionID: ac, isMaxCall: false, callCap: 2 });
    expect(consult.session.status.isTransfer).toBe(true);
    await flow.settle();
    // B auto-held; C rings.
    expect(parent.session.state).toMatchObject({ hold: 'held', transfer: 'attended.consulting' });
    expect(bOld.session.state.remoteHold).toBe(true);
    expect(c.phone.state).toMatchObject({ calls: [ac], incoming: [ac] });
    expect(consult.session.state.phase).toBe('ringing');
    // The consultation leg does not count: the phone is still below its cap.
    expect(a.phone.isMaxCall).toBe(false);

    expect((await c.phone.answer(ac)).ok).toBe(true);
    await flow.settle();
    expect(consult.session.state.phase).toBe('confirmed');
    const cOld = c.call(ac);
    expect(cOld.session.state.phase).toBe('confirmed');

    // Complete: B is referred to C with Replaces of C's consultation leg.
    expect(a.phone.attendedTransfer(ab, C)).toBe(true);
    expect(parent.session.state.transfer).toBe('attended.referring');
    await flow.settle();

    expect(b.eventsOf('referReceived')).toEqual([{ callId: ab, target: `sip:${C}@memory`, accepted: true, outcome: 'accepted' }]);
    // B–C connected on a new call that replaced C's consultation leg.
    const bNew = b.lastCall();
    const bc = bNew.callId;
    expect(bc).not.toBe(ab);
    expect(bc).not.toBe(ac);
    expect(bNew.session.state).toMatchObject({ phase: 'confirmed', remote: { number: C } });
    const cNew = c.call(bc);
    expect(cNew.session.state).toMatchObject({ phase: 'confirmed', direction: 'incoming', remote: { number: B } });
    expect(cOld.session.state.end).toMatchObject({ cause: 'replaced' });
    expect(c.phone.state).toMatchObject({ calls: [bc], currentSessionID: bc, incoming: [] });
    expect(b.phone.state).toMatchObject({ calls: [bc], currentSessionID: bc });
    expect(bOld.session.state.end).toMatchObject({ cause: 'bye', originator: 'remote' });
    // A: both calls ended, the parent as transferred.
    expect(sessionEventsOf(parent, 'transferSucceeded')).toEqual([{ callId: ab, target: ac }]);
    expect(parent.session.state.end).toMatchObject({ cause: 'transferred', originator: 'local' });
    expect(consult.session.state.end).toMatchObject({ cause: 'bye', originator: 'local' });
    expect(consult.completed).toBe(true);
    expect(parent.completed).toBe(true);
    expect(a.phone.state).toMatchObject({ calls: [], currentSessionID: null });
    expect(a.eventsOf<{ callId: string; cause: string }>('deleteSession').map((e) => [e.callId, e.cause])).toEqual(
      expect.arrayContaining([[ab, 'transferred']]),
    );
    expect(a.eventsOf('deleteSession')).toHaveLength(2);
    expect(trail(parent, 'transfer')).toEqual(['attended.consulting', 'attended.referring', 'attended.awaitingOutcome', null]);
    expect(trail(parent, 'hold')).toEqual(['active', 'holding', 'held', null]);
  });

  it('the replacing call is reported on C like any call it takes: newRTCSession and startSession, current, never in the incoming list', async () => {
    const { flow, a, b, c } = await threePhones();
    const ab = await connect(flow, a, b);
    expect(a.phone.attendedTransfer(ab, C)).toBe(true);
    await flow.settle();
    const ac = a.lastCall().callId;
    await c.phone.answer(ac);
    await flow.settle();
    c.clear();
    expect(a.phone.attendedTransfer(ac, '')).toBe(true); // completing from the consultation leg; the number is not used
    await flow.settle();
    const cNew = c.lastCall();
    const bc = cNew.callId;
    expect(c.eventNames()).not.toContain('incoming');
    expect(c.eventsOf('newRTCSession')).toEqual([expect.objectContaining({ callId: bc })]);
    expect(c.stateTrail('incoming').every((list) => list.length === 0)).toBe(true);
    expect(c.phone.currentSessionID).toBe(bc);
    expect(cNew.session.state.phase).toBe('confirmed');
    expect(cNew.session.isAnswered()).toBe(true);
    // C answered it (automatically): like every call C answers, it is a started session, and its
    // Session reports the 200 OK it sent (accepted) before the ACK (confirmed).
    expect({
      startSession: c.eventsOf<{ callId: string }>('startSession').map((e) => e.callId),
      sessionEvents: sessionEventNames(cNew),
    }).toEqual({ startSession: [bc], sessionEvents: ['accepted', 'confirmed'] });
  });

  it('with maxCalls 1 the phone still places the consultation call, while a plain call is over the cap', async () => {
    const { flow, a, b, c } = await threePhones({ phones: { [A]: { maxCalls: 1 } } });
    const ab = await connect(flow, a, b);
    expect(a.phone.isMaxCall).toBe(true);
    const plain = await a.phone.call(C);
    expect(plain).toMatchObject({ ok: false, reason: 'over-cap' });
    expect(a.phone.attendedTransfer(ab, C)).toBe(true);
    await flow.settle();
    expect(a.phone.state.calls).toHaveLength(2);
    const ac = a.lastCall().callId;
    expect(a.call(ac).session.state.consultationFor).toBe(ab);
    expect(c.phone.state.incoming).toEqual([ac]);
    expect(a.phone.state).toMatchObject({ isMaxCall: true, callCap: 1 });
  });

  it('cancelAttendedTransfer() from either leg hangs up the consultation and leaves the parent held', async () => {
    const { flow, a, b, c } = await threePhones();
    const ab = await connect(flow, a, b);
    const parent = a.call(ab);
    expect(parent.session.cancelAttendedTransfer()).toBe(false);
    expect(parent.session.lastRefusal?.reason).toBe('not-allowed-in-state');
    expect(a.phone.attendedTransfer(ab, C)).toBe(true);
    await flow.settle();
    const ac = a.lastCall().callId;
    await c.phone.answer(ac);
    await flow.settle();
    expect(a.call(ac).session.cancelAttendedTransfer()).toBe(true);
    await flow.settle();
    expect(a.call(ac).session.state.end).toMatchObject({ cause: 'bye', originator: 'local' });
    expect(c.call(ac).session.state.end).toMatchObject({ cause: 'bye', originator: 'remote' });
    expect(parent.session.state).toMatchObject({ phase: 'confirmed', transfer: 'idle', consultation: null, hold: 'held' });
    expect(b.call(ab).session.state.phase).toBe('confirmed');
  });

  it.each([
    ['after C answered', true],
    ['while C still rings', false],
  ])('hanging up the consultation %s: parent back to transfer idle, still held, unhold works', async (_label, answered) => {
    const { flow, a, b, c } = await threePhones();
    const ab = await connect(flow, a, b);
    const parent = a.call(ab);
    expect(a.phone.attendedTransfer(ab, C)).toBe(true);
    await flow.settle();
    const ac = a.lastCall().callId;
    if (answered) {
      await c.phone.answer(ac);
      await flow.settle();
      expect(a.call(ac).session.state.phase).toBe('confirmed');
    }
    a.clear();

    expect(a.phone.hangup(ac)).toBe(true);
    await flow.settle();
    expect(a.call(ac).session.state.end).toMatchObject({ cause: answered ? 'bye' : 'canceled', originator: 'local' });
    expect(c.call(ac).session.state.end).toMatchObject({ cause: answered ? 'bye' : 'canceled', originator: 'remote' });
    expect(parent.session.state).toMatchObject({ phase: 'confirmed', transfer: 'idle', consultation: null, hold: 'held' });
    expect(sessionEventNames(parent)).not.toContain('transferFailed');
    expect(a.phone.state).toMatchObject({ calls: [ab], currentSessionID: ab });
    expect(currentTrail(a)).toEqual([ab]);
    expect(b.call(ab).session.state.remoteHold).toBe(true);

    expect(a.phone.unhold(ab)).toBe(true);
    await flow.settle();
    expect(parent.session.state).toMatchObject({ hold: 'active', transfer: 'idle' });
    expect(b.call(ab).session.state.remoteHold).toBe(false);
    // A new consultation can start.
    expect(a.phone.attendedTransfer(ab, C)).toBe(true);
    await flow.settle();
    expect(parent.session.state.transfer).toBe('attended.consulting');
  });

  it('REFER refused while completing: both of A\'s calls continue, the parent goes back to consulting with transferFailed', async () => {
    const { flow, a, b, c } = await threePhones();
    const ab = await connect(flow, a, b);
    const parent = a.call(ab);
    expect(a.phone.attendedTransfer(ab, C)).toBe(true);
    await flow.settle();
    const ac = a.lastCall().callId;
    await c.phone.answer(ac);
    await flow.settle();
    b.ua.faults = { refuseRefer: { code: 403 } };
    expect(a.phone.attendedTransfer(ab, C)).toBe(true);
    await flow.settle();
    expect(sessionEventsOf(parent, 'transferFailed')).toEqual([{ callId: ab, code: 403, reason: 'Forbidden' }]);
    expect(parent.session.state).toMatchObject({ phase: 'confirmed', transfer: 'attended.consulting', consultation: ac });
    expect(a.call(ac).session.state.phase).toBe('confirmed');
    expect(c.call(ac).session.state.phase).toBe('confirmed');
    expect(a.phone.state.calls).toEqual([ab, ac]);
  });
});

describe('the call cap and call waiting', () => {
  it('over-cap incoming: A has two calls, C\'s third call is answered 486, A gets incomingRejected and no session', async () => {
    const { flow, a, b, c } = await threePhones();
    const ab = await connect(flow, a, b);
    const ac = await connect(flow, a, c);
    expect(a.phone.state).toMatchObject({ calls: [ab, ac], isMaxCall: true, currentSessionID: ac });
    a.clear();

    const third = await c.phone.call(A);
    expect(third.ok).toBe(true);
    const ca = third.callId!;
    await flow.settle();
    expect(c.call(ca).session.state.end).toMatchObject({ cause: 'busy', code: 486, originator: 'remote' });
    expect(sessionEventsOf(c.call(ca), 'failed')).toEqual([{ callId: ca, cause: 'busy', code: 486 }]);
    expect(a.eventsOf('incomingRejected')).toEqual([{ callId: ca, number: C, name: null, code: 486 }]);
    expect(a.eventNames()).not.toContain('newRTCSession');
    expect(a.eventNames()).not.toContain('incoming');
    expect(a.phone.getSession(ca)).toBeNull();
    expect(a.calls.has(ca)).toBe(false);
    expect(a.phone.state).toMatchObject({ calls: [ab, ac], incoming: [], currentSessionID: ac });
    expect(a.states).toEqual([]);
    // C's first call with A is untouched.
    expect(c.call(ac).session.state.phase).toBe('confirmed');
    expect(c.phone.state.calls).toEqual([ac]);
  });

  it('call waiting off: the second incoming call is rejected 486 and reported', async () => {
    const { flow, a, b, c } = await threePhones({ phones: { [A]: { callWaiting: false } } });
    expect(a.phone.state).toMatchObject({ callCap: 1, isMaxCall: false });
    const ab = await connect(flow, a, b);
    expect(a.phone.state).toMatchObject({ calls: [ab], isMaxCall: true });
    a.clear();
    const second = await c.phone.call(A);
    const ca = second.callId!;
    await flow.settle();
    expect(c.call(ca).session.state.end).toMatchObject({ cause: 'busy', code: 486 });
    expect(a.eventsOf('incomingRejected')).toEqual([{ callId: ca, number: C, name: null, code: 486 }]);
    expect(a.phone.state.calls).toEqual([ab]);
    expect(a.calls.has(ca)).toBe(false);
    // Nor can A place a second call.
    await expect(a.phone.call(C)).resolves.toMatchObject({ ok: false, reason: 'over-cap' });
    // Once the call ends, A takes calls again.
    expect(a.phone.hangup(ab)).toBe(true);
    await flow.settle();
    const third = await c.phone.call(A);
    await flow.settle();
    expect(a.phone.state.incoming).toEqual([third.callId]);
  });
});

describe('transport drop during a call', () => {
  it('A loses its transport: reconnecting and unregistered; the call survives, its hold is still sent (and times out); restore: reconnected, re-registered, hold works', async () => {
    const { flow, a, b } = await threePhones();
    const ab = await connect(flow, a, b);
    const aCall = a.call(ab);
    const bCall = b.call(ab);
    a.clear();

    a.ua.dropTransport();
    expect(a.phone.state).toMatchObject({ transport: 'reconnecting', registration: 'unregistered', isRegistered: false, calls: [ab] });
    expect(a.phone.isRegistered).toBe(false);
    expect(a.stateTrail('transport')).toEqual(['reconnecting']);
    expect(a.stateTrail('registration')).toEqual(['unregistered']);
    expect(a.eventsOf('disconnected')).toEqual([{ cause: 'connection-error', reason: 'transport dropped' }]);
    expect(a.eventsOf('isRegisteredChange')).toEqual([false]);
    await flow.settle();
    expect(aCall.session.state).toMatchObject({ phase: 'confirmed', hold: 'active' });
    expect(bCall.session.state.phase).toBe('confirmed');

    // The machine sends the hold whatever the registration; the memory network loses the re-INVITE (408).
    expect(a.phone.hold(ab)).toBe(true);
    expect(aCall.session.state.hold).toBe('holding');
    await flow.settle();
    expect(sessionEventsOf(aCall, 'holdFailed')).toEqual([{ callId: ab, code: 408, reason: 'Request Timeout' }]);
    expect(aCall.session.state).toMatchObject({ phase: 'confirmed', hold: 'active' });

    a.ua.restoreTransport();
    expect(a.phone.state.transport).toBe('connected');
    // Connected but not registered yet: call actions go ahead.
    expect(a.phone.state.isRegistered).toBe(false);
    expect(a.phone.hold(ab)).toBe(true);
    await flow.settle();
    expect(aCall.session.state.hold).toBe('held');
    expect(bCall.session.state.remoteHold).toBe(true);
    expect(a.phone.state).toMatchObject({ transport: 'connected', registration: 'registered', isRegistered: true });
    expect(a.stateTrail('transport')).toEqual(['reconnecting', 'connected']);
    expect(a.stateTrail('registration')).toEqual(['unregistered', 'registering', 'registered']);
    expect(a.eventsOf('connected')).toHaveLength(1);
    expect(a.eventsOf('registered')).toHaveLength(1);
    expect(a.eventsOf('isRegisteredChange')).toEqual([false, true]);

    expect(a.phone.hangup(ab)).toBe(true);
    await flow.settle();
    expect(aCall.session.state.end).toMatchObject({ cause: 'bye', originator: 'local' });
    expect(bCall.session.state.end).toMatchObject({ cause: 'bye', originator: 'remote' });
  });

  it('losing the transport ends the registration: the phone emits unregistered (once), as it does when it un-REGISTERs', async () => {
    const { flow, a, b } = await threePhones();
    await connect(flow, a, b);
    a.clear();
    a.ua.dropTransport();
    await flow.settle();
    expect(a.phone.state.registration).toBe('unregistered');
    expect(a.eventsOf('disconnected')).toHaveLength(1);
    expect(a.eventsOf('isRegisteredChange')).toEqual([false]);
    expect(a.eventsOf('unregistered')).toHaveLength(1);
  });

  it('hang up while the transport is down: A\'s call ends at once (the BYE is lost, B hangs up on its own)', async () => {
    const { flow, a, b } = await threePhones();
    const ab = await connect(flow, a, b);
    const aCall = a.call(ab);
    const bCall = b.call(ab);
    a.ua.dropTransport();
    await flow.settle();
    expect(a.phone.state.registration).toBe('unregistered');
    expect(a.phone.hangup(ab)).toBe(true);
    await flow.settle();
    expect(aCall.session.state.end).toMatchObject({ cause: 'bye', originator: 'local' });
    expect(a.phone.state.calls).toEqual([]);
    expect(bCall.session.state.phase).toBe('confirmed');
    expect(bCall.session.hangup()).toBe(true);
    await flow.settle();
    expect(b.phone.state.calls).toEqual([]);
    a.ua.restoreTransport();
    await flow.settle();
    expect(a.phone.state).toMatchObject({ transport: 'connected', registration: 'registered' });
  });

  it('a call being set up when the transport drops fails with connection-error', async () => {
    const { flow, a, c } = await threePhones();
    const ac = await dial(flow, a, c);
    a.ua.dropTransport();
    await flow.settle();
    expect(a.call(ac).session.state.end).toMatchObject({ cause: 'connection-error' });
    expect(sessionEventsOf(a.call(ac), 'failed')).toEqual([expect.objectContaining({ cause: 'connection-error' })]);
    expect(c.call(ac).session.state.phase).toBe('ended');
    expect(a.phone.state.calls).toEqual([]);
  });
});

describe('currentSessionID across flows', () => {
  it('new outgoing call is current; an incoming call is not while there is one; the answered call is; the other call when the current ends', async () => {
    const { flow, a, b, c } = await threePhones();
    const ab = await connect(flow, a, b);
    expect(a.phone.currentSessionID).toBe(ab);

    // C calls A: ringing, not current.
    const ca = (await c.phone.call(A)).callId!;
    await flow.settle();
    expect(a.phone.state).toMatchObject({ calls: [ab, ca], incoming: [ca], currentSessionID: ab });
    expect(a.phone.currentSession?.callId).toBe(ab);

    // A answers C: current, and B is auto-held.
    a.clear();
    await a.phone.answer(ca);
    expect(a.phone.currentSessionID).toBe(ca);
    await flow.settle();
    expect(a.call(ab).session.state.hold).toBe('held');
    expect(a.call(ca).session.state.phase).toBe('confirmed');
    expect(a.eventsOf('currentSessionChange')).toEqual([{ currentSessionID: ca }]);

    // setCurrentSession overrides; then back.
    expect(a.phone.setCurrentSession(ab)).toBe(true);
    expect(a.phone.currentSessionID).toBe(ab);
    expect(a.phone.setCurrentSession(ca)).toBe(true);

    // C hangs up: the other call becomes current.
    a.clear();
    expect(c.phone.hangup(ca)).toBe(true);
    await flow.settle();
    expect(a.phone.state).toMatchObject({ calls: [ab], currentSessionID: ab });
    expect(currentTrail(a)).toEqual([ab]);
    expect(a.eventsOf('currentSessionChange')).toEqual([{ currentSessionID: ab }]);

    // A places a new call while talking to B: the new call is current; when it ends, B's call is again.
    const ac = (await a.phone.call(C)).callId!;
    expect(a.phone.currentSessionID).toBe(ac);
    await flow.settle();
    expect(c.phone.hangup(ac)).toBe(true); // C declines
    await flow.settle();
    expect(a.phone.currentSessionID).toBe(ab);
    expect(distinct(a.states.map((s) => s.currentSessionID))).toEqual([ab, ac, ab]);
  });

  it('when the current call ends and only an unanswered incoming call remains, that call becomes current', async () => {
    const { flow, a, b, c } = await threePhones();
    const ab = await connect(flow, a, b);
    const ca = (await c.phone.call(A)).callId!;
    await flow.settle();
    expect(a.phone.currentSessionID).toBe(ab);
    expect(b.phone.hangup(ab)).toBe(true);
    await flow.settle();
    expect(a.phone.state).toMatchObject({ calls: [ca], incoming: [ca], currentSessionID: ca });
  });

  it('the newest answered call wins over a newer unanswered incoming call when the current one ends', async () => {
    const { flow, a, b, c } = await threePhones({ phones: { [A]: { maxCalls: 3 } } });
    const ab = await connect(flow, a, b);
    const ac = await connect(flow, a, c);
    expect(a.phone.currentSessionID).toBe(ac);
    // B calls A again: A now has ab (held), ac (current), ba (ringing).
    const ba = (await b.phone.call(A)).callId!;
    await flow.settle();
    expect(a.phone.state).toMatchObject({ calls: [ab, ac, ba], incoming: [ba], currentSessionID: ac });
    expect(c.phone.hangup(ac)).toBe(true);
    await flow.settle();
    expect(a.phone.state).toMatchObject({ calls: [ab, ba], currentSessionID: ab });
  });
});
