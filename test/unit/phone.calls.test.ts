/**
 * Phone machine, calls: spawning call actors, the cap, the current call, answering with auto-hold,
 * removal, record permissions, incoming REFER, consultation legs and attended transfer.
 */
import { startPhone, stopAllPhones } from '../support/phone-harness';
import type { PhoneHarness } from '../support/phone-harness';
import { remote } from '../support/recording-port';

afterEach(stopAllPhones);

function transferOf(h: PhoneHarness, callId: string): unknown {
  return (h.call(callId)?.value as { confirmed?: { transfer: unknown } }).confirmed?.transfer;
}
function holdOf(h: PhoneHarness, callId: string): unknown {
  return (h.call(callId)?.value as { confirmed?: { hold: unknown } }).confirmed?.hold;
}

describe('phone machine: placing a call', () => {
  it('PHONE.CALL sends AGENT.CALL with target, options and no consultation', () => {
    const h = startPhone();
    h.connect();
    h.ua.clear();
    const options = { video: false, extraHeaders: ['X-A: 1'] };
    expect(h.can({ type: 'PHONE.CALL', target: '1002', options })).toBe(true);
    h.send({ type: 'PHONE.CALL', target: '1002', options });
    expect(h.ua.commands).toEqual([{ type: 'AGENT.CALL', target: '1002', options, consultationFor: null }]);
    expect(h.context.calls).toEqual({}); // nothing spawned until the agent reports the call
  });

  it('UA.CALL.CREATED (outgoing) spawns a call actor with id = callId and makes it current', () => {
    const h = startPhone({ recordPermissions: 1 });
    h.connect();
    h.clearEmitted();
    h.created('out-1', 'outgoing', { number: '1002' });
    expect(h.child('out-1')).toBeDefined();
    expect(h.child('out-1')).toBe(h.context.calls['out-1'].ref);
    expect(h.context.calls['out-1']).toMatchObject({ direction: 'outgoing', consultationFor: null, awaitingAnswer: false });
    expect(h.context.order).toEqual(['out-1']);
    expect(h.context.currentSessionID).toBe('out-1');
    expect(h.emitted).toEqual([
      { type: 'call.created', callId: 'out-1', direction: 'outgoing', consultationFor: null },
      { type: 'call.started', callId: 'out-1' },
      { type: 'current.changed', currentSessionID: 'out-1' },
    ]);
    const call = h.call('out-1');
    expect(call?.value).toBe('dialing');
    expect(call?.context).toMatchObject({ callId: 'out-1', direction: 'outgoing', remote: remote('1002'), recordPermissions: 1 });
  });

  it('the spawned call runs on its own sip double and can be driven to confirmed', () => {
    const h = startPhone();
    h.connect();
    h.created('out-1', 'outgoing');
    h.confirm('out-1');
    expect(h.call('out-1')?.matches('confirmed')).toBe(true);
    h.toCall('out-1', { type: 'CALL.MUTE' });
    expect(h.sip.types('out-1')).toEqual(['PORT.MUTE']);
  });

  it('a duplicate UA.CALL.CREATED is ignored', () => {
    const h = startPhone();
    h.created('out-1', 'outgoing');
    const ref = h.context.calls['out-1'].ref;
    h.clearEmitted();
    h.created('out-1', 'outgoing');
    expect(h.context.calls['out-1'].ref).toBe(ref);
    expect(h.context.order).toEqual(['out-1']);
    expect(h.emitted).toEqual([]);
  });

  it('UA.CALL.REFUSED is reported as call.refused', () => {
    const h = startPhone();
    h.agent({ type: 'UA.CALL.REFUSED', target: 'bad target', reason: 'invalid target' });
    expect(h.emitted).toEqual([{ type: 'call.refused', target: 'bad target', reason: 'invalid target' }]);
  });

  it('placing a second call auto-holds the first (CALL.HOLD → PORT.HOLD on its sip double)', () => {
    const h = startPhone();
    h.connect();
    h.created('a', 'outgoing');
    h.confirm('a');
    h.created('b', 'outgoing');
    expect(h.sip.types('a')).toEqual(['PORT.HOLD']);
    expect(holdOf(h, 'a')).toBe('holding');
    expect(h.context.currentSessionID).toBe('b');
  });

  it('with autoHold off the first call is not held', () => {
    const h = startPhone({ autoHold: false });
    h.created('a', 'outgoing');
    h.confirm('a');
    h.created('b', 'outgoing');
    expect(h.sip.types('a')).toEqual([]);
  });
});

describe('phone machine: incoming calls', () => {
  it('spawns the call, emits call.created and call.incoming, and makes it current when there was none', () => {
    const h = startPhone();
    h.connect();
    h.clearEmitted();
    h.created('in-1', 'incoming');
    expect(h.child('in-1')).toBeDefined();
    expect(h.context.calls['in-1']).toMatchObject({ direction: 'incoming', awaitingAnswer: true });
    expect(h.call('in-1')?.value).toBe('ringing');
    expect(h.context.currentSessionID).toBe('in-1');
    expect(h.emitted).toEqual([
      { type: 'call.created', callId: 'in-1', direction: 'incoming', consultationFor: null },
      { type: 'call.incoming', callId: 'in-1' },
      { type: 'current.changed', currentSessionID: 'in-1' },
    ]);
    expect(h.sip.types('in-1')).toEqual([]);
  });

  it('an incoming call during another call is not current and holds nothing', () => {
    const h = startPhone();
    h.created('a', 'outgoing');
    h.confirm('a');
    h.clearEmitted();
    h.created('in-1', 'incoming');
    expect(h.context.currentSessionID).toBe('a');
    expect(h.emittedTypes()).toEqual(['call.created', 'call.incoming']);
    expect(h.sip.types('a')).toEqual([]);
  });

  it('PHONE.ANSWER answers with the options, makes the call current and auto-holds the others', () => {
    const h = startPhone();
    h.created('a', 'outgoing');
    h.confirm('a');
    h.created('in-1', 'incoming');
    h.clearEmitted();
    const options = { video: false };
    expect(h.can({ type: 'PHONE.ANSWER', callId: 'in-1', options })).toBe(true);
    h.send({ type: 'PHONE.ANSWER', callId: 'in-1', options });
    expect(h.sip.commands('in-1')).toEqual([{ type: 'PORT.ANSWER', options }]);
    expect(h.call('in-1')?.value).toBe('answering');
    expect(h.context.calls['in-1'].awaitingAnswer).toBe(false);
    expect(h.context.currentSessionID).toBe('in-1');
    expect(h.sip.commands('a')).toEqual([{ type: 'PORT.HOLD' }]);
    expect(holdOf(h, 'a')).toBe('holding');
    expect(h.emitted).toEqual([
      { type: 'call.started', callId: 'in-1' },
      { type: 'current.changed', currentSessionID: 'in-1' },
    ]);
  });

  it('PHONE.ANSWER for an unknown call is refused', () => {
    const h = startPhone();
    expect(h.can({ type: 'PHONE.ANSWER', callId: 'nope', options: {} })).toBe(false);
    expect(() => h.send({ type: 'PHONE.ANSWER', callId: 'nope', options: {} })).not.toThrow();
    expect(h.errors).toEqual([]);
  });

  it('PHONE.ANSWER for a call that is not waiting for an answer is refused and holds nothing', () => {
    const h = startPhone();
    h.created('a', 'outgoing');
    h.confirm('a');
    h.created('b', 'outgoing');
    h.port('a', { type: 'SIP.HOLD.SUCCEEDED', dialog: null });
    h.confirm('b');
    h.send({ type: 'PHONE.SET_CURRENT', callId: 'a' });
    h.toCall('a', { type: 'CALL.UNHOLD' });
    h.port('a', { type: 'SIP.UNHOLD.SUCCEEDED', dialog: null });
    h.sip.clear('a');
    h.clearEmitted();
    // b is an established outgoing call: answering it makes no sense
    h.send({ type: 'PHONE.ANSWER', callId: 'b', options: {} });
    expect(h.sip.types('a')).toEqual([]);
    expect(h.context.currentSessionID).toBe('a');
    expect(h.emittedOf('call.started')).toEqual([]);
    expect(h.can({ type: 'PHONE.ANSWER', callId: 'b', options: {} })).toBe(false);
  });
});

describe('phone machine: the call cap', () => {
  it('maxCalls 2: a third incoming call gets AGENT.REJECT_CALL 486 and incoming.rejected, no actor', () => {
    const h = startPhone();
    h.connect();
    h.created('a', 'outgoing');
    h.created('b', 'incoming');
    h.ua.clear();
    h.clearEmitted();
    h.created('c', 'incoming', { number: '3000' });
    expect(h.ua.commands).toEqual([{ type: 'AGENT.REJECT_CALL', callId: 'c', code: 486 }]);
    expect(h.emitted).toEqual([{ type: 'incoming.rejected', callId: 'c', remote: remote('3000'), code: 486, reason: 'over-cap' }]);
    expect(h.child('c')).toBeUndefined();
    expect('c' in h.context.calls).toBe(false);
    expect(h.context.order).toEqual(['a', 'b']);
  });

  it('the over-cap code is configurable', () => {
    const h = startPhone({ maxCalls: 1, overCapCode: 603 });
    h.created('a', 'outgoing');
    h.created('b', 'incoming');
    expect(h.ua.commands).toEqual([{ type: 'AGENT.REJECT_CALL', callId: 'b', code: 603 }]);
  });

  it('PHONE.CALL is refused at the cap (can false, no AGENT.CALL)', () => {
    const h = startPhone();
    h.created('a', 'outgoing');
    h.created('b', 'incoming');
    h.ua.clear();
    expect(h.can({ type: 'PHONE.CALL', target: '1003', options: {} })).toBe(false);
    h.send({ type: 'PHONE.CALL', target: '1003', options: {} });
    expect(h.ua.commands).toEqual([]);
  });

  it('maxCalls is configurable (3 calls with maxCalls 3)', () => {
    const h = startPhone({ maxCalls: 3 });
    h.created('a', 'outgoing');
    h.created('b', 'incoming');
    h.created('c', 'incoming');
    expect(Object.keys(h.context.calls)).toEqual(['a', 'b', 'c']);
    h.created('d', 'incoming');
    expect(h.ua.types()).toEqual(['AGENT.REJECT_CALL']);
  });

  it('callWaiting false → cap 1: a second incoming call is rejected and PHONE.CALL refused', () => {
    const h = startPhone({ callWaiting: false });
    h.created('a', 'outgoing');
    expect(h.can({ type: 'PHONE.CALL', target: '1003', options: {} })).toBe(false);
    h.created('b', 'incoming');
    expect(h.ua.commands).toEqual([{ type: 'AGENT.REJECT_CALL', callId: 'b', code: 486 }]);
    expect(h.emittedTypes()).toContain('incoming.rejected');
    expect(h.child('b')).toBeUndefined();
  });

  it('PHONE.CONFIGURE can turn call waiting off later', () => {
    const h = startPhone();
    h.created('a', 'outgoing');
    h.send({ type: 'PHONE.CONFIGURE', settings: { callWaiting: false } });
    h.created('b', 'incoming');
    expect(h.ua.types()).toEqual(['AGENT.REJECT_CALL']);
  });

  it('a slot freed by a call ending allows a new call', () => {
    const h = startPhone();
    h.created('a', 'outgoing');
    h.created('b', 'incoming');
    h.port('b', { type: 'SIP.FAILED', cause: 'canceled', code: 487, originator: 'remote' });
    expect(h.can({ type: 'PHONE.CALL', target: '1003', options: {} })).toBe(true);
    h.created('c', 'incoming');
    expect(h.child('c')).toBeDefined();
  });
});

describe('phone machine: removing ended calls and the current call', () => {
  it('removes the ended call (children, calls, order), emits call.removed with the end', () => {
    const h = startPhone();
    h.created('a', 'outgoing');
    h.confirm('a');
    const ref = h.context.calls['a'].ref;
    h.clearEmitted();
    h.remoteBye('a');
    expect(h.child('a')).toBeUndefined();
    expect(h.context.calls).toEqual({});
    expect(h.context.order).toEqual([]);
    expect(h.context.currentSessionID).toBeNull();
    expect(ref.getSnapshot().status).toBe('done');
    expect(h.emitted).toEqual([
      { type: 'call.removed', callId: 'a', end: expect.objectContaining({ cause: 'bye', code: null, originator: 'remote', at: expect.any(Number) }) },
      { type: 'current.changed', currentSessionID: null },
    ]);
    expect(h.errors).toEqual([]);
  });

  it('removes a rejected incoming call too', () => {
    const h = startPhone();
    h.created('in', 'incoming');
    h.toCall('in', { type: 'CALL.REJECT', code: 603 });
    expect(h.sip.commands('in')).toEqual([{ type: 'PORT.REJECT', code: 603 }]);
    h.port('in', { type: 'SIP.FAILED', cause: 'rejected', code: 603, originator: 'local' });
    expect(h.emittedOf('call.removed')[0].end).toMatchObject({ cause: 'rejected', code: 603, originator: 'local' });
    expect(h.context.calls).toEqual({});
  });

  it('when the current call ends, the newest remaining answered call becomes current, not a ringing one', () => {
    const h = startPhone({ maxCalls: 3 });
    h.created('a', 'outgoing');
    h.confirm('a');
    h.created('ring', 'incoming');
    h.created('c', 'outgoing');
    expect(h.context.currentSessionID).toBe('c');
    h.clearEmitted();
    h.remoteBye('c');
    expect(h.context.currentSessionID).toBe('a');
    expect(h.emittedOf('current.changed')).toEqual([{ type: 'current.changed', currentSessionID: 'a' }]);
  });

  it('falls back to the newest ringing call when only unanswered calls remain', () => {
    const h = startPhone({ maxCalls: 3 });
    h.created('a', 'outgoing');
    h.created('r1', 'incoming');
    h.created('r2', 'incoming');
    h.port('a', { type: 'SIP.FAILED', cause: 'busy', code: 486, originator: 'remote' });
    expect(h.context.currentSessionID).toBe('r2');
  });

  it('a non-current call ending leaves the current call alone', () => {
    const h = startPhone();
    h.created('a', 'outgoing');
    h.created('ring', 'incoming');
    h.clearEmitted();
    h.port('ring', { type: 'SIP.FAILED', cause: 'canceled', code: 487, originator: 'remote' });
    expect(h.context.currentSessionID).toBe('a');
    expect(h.emittedTypes()).toEqual(['call.removed']);
  });

  it('PHONE.SET_CURRENT switches the current call; unknown ids are refused', () => {
    const h = startPhone();
    h.created('a', 'outgoing');
    h.created('b', 'outgoing');
    h.clearEmitted();
    h.send({ type: 'PHONE.SET_CURRENT', callId: 'a' });
    expect(h.context.currentSessionID).toBe('a');
    expect(h.emitted).toEqual([{ type: 'current.changed', currentSessionID: 'a' }]);
    expect(h.can({ type: 'PHONE.SET_CURRENT', callId: 'zz' })).toBe(false);
    h.send({ type: 'PHONE.SET_CURRENT', callId: 'zz' });
    expect(h.context.currentSessionID).toBe('a');
  });
});

describe('phone machine: record permissions', () => {
  it('PHONE.RECORD_PERMISSIONS forwards CALL.PERMISSIONS to every call and emits recordPermissions.changed', () => {
    const h = startPhone({ recordPermissions: 0 });
    h.created('a', 'outgoing');
    h.confirm('a');
    h.created('b', 'incoming');
    expect(h.call('a')?.can({ type: 'CALL.RECORD.START' })).toBe(false);
    h.clearEmitted();
    h.send({ type: 'PHONE.RECORD_PERMISSIONS', recordPermissions: 2 });
    expect(h.context.recordPermissions).toBe(2);
    expect(h.call('a')?.context.recordPermissions).toBe(2);
    expect(h.call('b')?.context.recordPermissions).toBe(2);
    expect(h.emitted).toEqual([{ type: 'recordPermissions.changed', recordPermissions: 2 }]);
    h.toCall('a', { type: 'CALL.RECORD.START' });
    expect(h.sip.commands('a')).toEqual([{ type: 'PORT.RECORD', action: 'start' }]);
  });

  it('new calls get the current permissions', () => {
    const h = startPhone();
    h.send({ type: 'PHONE.RECORD_PERMISSIONS', recordPermissions: 1 });
    h.created('a', 'outgoing');
    expect(h.call('a')?.context.recordPermissions).toBe(1);
  });
});

describe('phone machine: incoming REFER', () => {
  it('is accepted under the cap (AGENT.ACCEPT_REFER) and reported', () => {
    const h = startPhone();
    h.created('a', 'outgoing');
    h.confirm('a');
    h.ua.clear();
    h.agent({ type: 'UA.REFER.RECEIVED', callId: 'a', referId: 'r1', target: 'sip:1003@example.test' });
    expect(h.ua.commands).toEqual([{ type: 'AGENT.ACCEPT_REFER', referId: 'r1', callId: 'a' }]);
    expect(h.emittedOf('refer.received')).toEqual([
      { type: 'refer.received', callId: 'a', target: 'sip:1003@example.test', accepted: true, outcome: 'accepted' },
    ]);
  });

  it('the call placed for a REFER does not put the referring call on hold, but holds the others', () => {
    const h = startPhone();
    h.created('a', 'outgoing');
    h.confirm('a');
    h.created('b', 'outgoing');
    h.confirm('b');
    h.sip.clear('a');
    h.sip.clear('b');
    h.agent({ type: 'UA.REFER.RECEIVED', callId: 'a', referId: 'r1', target: '1003' });
    h.created('c', 'outgoing', { referredFrom: 'a' });
    expect(h.sip.types('a')).toEqual([]);
    expect(h.sip.types('b')).toEqual(['PORT.HOLD']);
  });

  it('is declined at the cap: the transferred call stays up until the transferor hangs up, so accepting would exceed it', () => {
    const h = startPhone();
    h.created('a', 'outgoing');
    h.created('b', 'incoming');
    h.ua.clear();
    h.agent({ type: 'UA.REFER.RECEIVED', callId: 'a', referId: 'r1', target: '1003' });
    expect(h.ua.commands).toEqual([{ type: 'AGENT.REJECT_REFER', referId: 'r1' }]);
    expect(h.emittedOf('refer.received')).toEqual([{ type: 'refer.received', callId: 'a', target: '1003', accepted: false, outcome: 'over-cap' }]);
  });

  it('is declined with call waiting off (cap 1), even with a single call', () => {
    const h = startPhone({ callWaiting: false });
    h.created('a', 'outgoing');
    h.confirm('a');
    h.ua.clear();
    h.agent({ type: 'UA.REFER.RECEIVED', callId: 'a', referId: 'r1', target: '1003' });
    expect(h.ua.commands).toEqual([{ type: 'AGENT.REJECT_REFER', referId: 'r1' }]);
    expect(h.context.calls.a).toBeDefined();
  });

  it('is rejected over the cap (AGENT.REJECT_REFER)', () => {
    const h = startPhone();
    h.created('a', 'outgoing');
    h.created('b', 'outgoing');
    h.send({ type: 'PHONE.CONFIGURE', settings: { maxCalls: 1 } });
    h.ua.clear();
    h.agent({ type: 'UA.REFER.RECEIVED', callId: 'a', referId: 'r1', target: '1003' });
    expect(h.ua.commands).toEqual([{ type: 'AGENT.REJECT_REFER', referId: 'r1' }]);
    expect(h.emittedOf('refer.received')[0].accepted).toBe(false);
  });

  it('is rejected for an unknown call', () => {
    const h = startPhone();
    h.agent({ type: 'UA.REFER.RECEIVED', callId: 'ghost', referId: 'r1', target: '1003' });
    expect(h.ua.commands).toEqual([{ type: 'AGENT.REJECT_REFER', referId: 'r1' }]);
  });
});

describe('phone machine: call actions do not depend on transport or registration', () => {
  it('hangup works while the transport is down', () => {
    const h = startPhone();
    h.connect();
    h.created('a', 'outgoing');
    h.confirm('a');
    h.agent({ type: 'UA.DISCONNECTED', cause: 'connection-error', reason: 'network' });
    expect(h.snapshot.value).toEqual({ transport: 'reconnecting', registration: 'unregistered' });
    expect(h.call('a')?.matches('confirmed')).toBe(true);
    h.toCall('a', { type: 'CALL.HANGUP' });
    expect(h.sip.commands('a')).toEqual([{ type: 'PORT.HANGUP' }]);
    h.port('a', { type: 'SIP.ENDED', cause: 'connection-error', code: null, originator: 'system' });
    expect(h.context.calls).toEqual({});
  });

  it('PHONE.STOP ends every call through its own machine (480 for a ringing incoming call, CANCEL, BYE), then stops the agent', () => {
    const h = startPhone({ maxCalls: 3 });
    h.connect();
    h.created('in', 'incoming');
    h.created('out', 'outgoing');
    h.created('up', 'outgoing');
    h.confirm('up');
    h.ua.clear();
    h.send({ type: 'PHONE.STOP' });
    expect(h.sip.commands('in')).toEqual([{ type: 'PORT.REJECT', code: 480 }]);
    expect(h.sip.types('out')).toEqual(['PORT.CANCEL']);
    expect(h.sip.types('up')).toContain('PORT.HANGUP');
    expect(h.ua.types()).toEqual(['AGENT.STOP']);
    h.port('in', { type: 'SIP.FAILED', cause: 'unavailable', code: 480, originator: 'local' });
    h.port('out', { type: 'SIP.FAILED', cause: 'canceled', code: 487, originator: 'local' });
    h.port('up', { type: 'SIP.ENDED', cause: 'bye', code: null, originator: 'local' });
    expect(h.emittedOf('call.removed').map((e) => [e.callId, e.end.cause, e.end.code])).toEqual([
      ['in', 'rejected', 480],
      ['out', 'canceled', 487],
      ['up', 'bye', null],
    ]);
    expect(h.context.calls).toEqual({});
  });
});

describe('phone machine: INVITE with Replaces', () => {
  it('is accepted at the cap, auto-answered, takes over as current, and the replaced call ends as replaced', () => {
    const h = startPhone();
    h.created('a', 'outgoing');
    h.confirm('a');
    h.created('b', 'incoming');
    h.ua.clear();
    h.created('new', 'incoming', { replacesCallId: 'a' });
    expect(h.ua.commands).toEqual([]);
    expect(h.child('new')).toBeDefined();
    expect(h.context.calls['new'].awaitingAnswer).toBe(false);
    expect(h.sip.commands('new')).toEqual([{ type: 'PORT.ANSWER', options: {} }]);
    expect(h.context.currentSessionID).toBe('new');
    expect(h.emittedOf('call.incoming').map((e) => e.callId)).toEqual(['b']);
    h.port('a', { type: 'SIP.ENDED', cause: 'replaced', code: null, originator: 'remote' });
    expect(h.emittedOf('call.removed').map((e) => [e.callId, e.end.cause])).toEqual([['a', 'replaced']]);
    expect(h.context.currentSessionID).toBe('new');
  });
});

describe('phone machine: consultation legs and attended transfer', () => {
  /** a: confirmed parent; b: another (incoming, ringing) call, so the phone is at the cap. */
  function atCapWithParent(): PhoneHarness {
    const h = startPhone();
    h.connect();
    h.created('a', 'outgoing');
    h.confirm('a');
    h.created('b', 'incoming');
    h.ua.clear();
    h.sip.clear('a');
    h.clearEmitted();
    return h;
  }

  function withConsultation(): PhoneHarness {
    const h = atCapWithParent();
    h.send({ type: 'PHONE.CALL', target: '1003', options: {}, consultationFor: 'a' });
    h.created('c', 'outgoing', { consultationFor: 'a' });
    h.port('a', { type: 'SIP.HOLD.SUCCEEDED', dialog: null });
    h.confirm('c');
    h.ua.clear();
    h.sip.clear('a');
    h.sip.clear('c');
    h.clearEmitted();
    return h;
  }

  it('PHONE.CALL with consultationFor is allowed at the cap and sends AGENT.CALL with the link', () => {
    const h = atCapWithParent();
    expect(h.can({ type: 'PHONE.CALL', target: '1003', options: {} })).toBe(false);
    expect(h.can({ type: 'PHONE.CALL', target: '1003', options: {}, consultationFor: 'a' })).toBe(true);
    h.send({ type: 'PHONE.CALL', target: '1003', options: {}, consultationFor: 'a' });
    expect(h.ua.commands).toEqual([{ type: 'AGENT.CALL', target: '1003', options: {}, consultationFor: 'a' }]);
  });

  it('PHONE.CALL with consultationFor an unknown call is refused', () => {
    const h = atCapWithParent();
    expect(h.can({ type: 'PHONE.CALL', target: '1003', options: {}, consultationFor: 'ghost' })).toBe(false);
  });

  it('the consultation leg is spawned, linked to the parent (CALL.TRANSFER.CONSULT reaches it) and not counted', () => {
    const h = atCapWithParent();
    h.created('c', 'outgoing', { consultationFor: 'a' });
    expect(h.child('c')).toBeDefined();
    expect(h.context.calls['c'].consultationFor).toBe('a');
    expect(h.call('c')?.context.consultationFor).toBe('a');
    expect(h.call('a')?.context.consultation).toBe('c');
    expect(transferOf(h, 'a')).toEqual({ attended: 'consulting' });
    expect(h.emittedOf('call.created')).toEqual([{ type: 'call.created', callId: 'c', direction: 'outgoing', consultationFor: 'a' }]);
    expect(h.context.currentSessionID).toBe('c');
    // the parent is put on hold
    expect(h.sip.types('a')).toEqual(['PORT.HOLD']);
    // a second consultation for the same parent is refused
    expect(h.can({ type: 'PHONE.CALL', target: '1004', options: {}, consultationFor: 'a' })).toBe(false);
  });

  it('does not count the consultation leg against the cap', () => {
    const h = startPhone();
    h.created('a', 'outgoing');
    h.confirm('a');
    h.created('c', 'outgoing', { consultationFor: 'a' });
    // a + c(consultation) = 1 counted call: an incoming call is still accepted
    h.created('in', 'incoming');
    expect(h.child('in')).toBeDefined();
    expect(h.ua.types()).not.toContain('AGENT.REJECT_CALL');
  });

  it('PHONE.TRANSFER.COMPLETE (named by either leg) → PORT.REFER.ATTENDED on the parent', () => {
    const h = withConsultation();
    h.send({ type: 'PHONE.TRANSFER.COMPLETE', callId: 'c' });
    expect(h.sip.commands('a')).toEqual([{ type: 'PORT.REFER.ATTENDED', consultationId: 'c' }]);
    expect(transferOf(h, 'a')).toEqual({ attended: 'referring' });
  });

  it('attended transfer success hangs up the consultation leg', () => {
    const h = withConsultation();
    h.send({ type: 'PHONE.TRANSFER.COMPLETE', callId: 'a' });
    h.port('a', { type: 'SIP.REFER.ACCEPTED' });
    h.port('a', { type: 'SIP.REFER.NOTIFY', code: 200, reason: 'OK' });
    expect(h.sip.types('a')).toEqual(['PORT.REFER.ATTENDED', 'PORT.HANGUP']);
    h.port('a', { type: 'SIP.ENDED', cause: 'bye', code: null, originator: 'local' });
    expect(h.emittedOf('call.removed').map((e) => [e.callId, e.end.cause])).toEqual([['a', 'transferred']]);
    expect(h.sip.commands('c')).toEqual([{ type: 'PORT.HANGUP' }]);
    expect(h.call('c')?.value).toBe('ending');
    h.port('c', { type: 'SIP.ENDED', cause: 'bye', code: null, originator: 'local' });
    expect(Object.keys(h.context.calls)).toEqual(['b']);
  });

  it('PHONE.TRANSFER.LINK makes an established call (one we received) the consultation leg; COMPLETE then refers', () => {
    const h = startPhone();
    h.connect();
    h.created('a', 'outgoing');
    h.confirm('a');
    h.created('c', 'incoming');
    // still ringing: cannot be linked
    expect(h.can({ type: 'PHONE.TRANSFER.LINK', callId: 'a', consultationId: 'c' })).toBe(false);
    h.send({ type: 'PHONE.ANSWER', callId: 'c', options: {} });
    h.confirm('c');
    expect(h.can({ type: 'PHONE.TRANSFER.LINK', callId: 'a', consultationId: 'a' })).toBe(false);
    h.send({ type: 'PHONE.TRANSFER.LINK', callId: 'a', consultationId: 'c' });
    expect(h.context.calls['c'].consultationFor).toBe('a');
    expect(h.call('a')?.context.consultation).toBe('c');
    expect(h.call('c')?.context.consultationFor).toBe('a');
    expect(transferOf(h, 'a')).toEqual({ attended: 'consulting' });
    // linked once: a second link of either call is refused
    expect(h.can({ type: 'PHONE.TRANSFER.LINK', callId: 'c', consultationId: 'a' })).toBe(false);
    h.sip.clear('a');
    h.send({ type: 'PHONE.TRANSFER.COMPLETE', callId: 'a' });
    expect(h.sip.commands('a')).toEqual([{ type: 'PORT.REFER.ATTENDED', consultationId: 'c' }]);
  });

  it('PHONE.TRANSFER.CANCEL returns the parent to idle and hangs up the consultation leg', () => {
    const h = withConsultation();
    h.send({ type: 'PHONE.TRANSFER.CANCEL', callId: 'c' });
    expect(transferOf(h, 'a')).toBe('idle');
    expect(h.sip.commands('c')).toEqual([{ type: 'PORT.HANGUP' }]);
    expect(h.sip.commands('a')).toEqual([]);
  });

  it('the consultation leg ending returns the parent to idle (CALL.TRANSFER.CONSULTATION_ENDED)', () => {
    const h = withConsultation();
    h.remoteBye('c');
    expect(h.context.calls['c']).toBeUndefined();
    expect(transferOf(h, 'a')).toBe('idle');
    expect(h.call('a')?.context.consultation).toBeNull();
    expect(h.call('a')?.matches('confirmed')).toBe(true);
  });

  it('a parent ending while consulting turns the consultation into a normal, counted call', () => {
    const h = withConsultation();
    h.remoteBye('a');
    expect(h.context.calls['a']).toBeUndefined();
    expect(h.context.calls['c'].consultationFor).toBeNull();
    expect(h.call('c')?.matches('confirmed')).toBe(true);
    expect(h.sip.commands('c')).toEqual([]);
    // b + c now count: at the cap
    expect(h.can({ type: 'PHONE.CALL', target: '1005', options: {} })).toBe(false);
    expect(h.can({ type: 'PHONE.TRANSFER.COMPLETE', callId: 'c' })).toBe(true); // known call, but…
    h.send({ type: 'PHONE.TRANSFER.COMPLETE', callId: 'c' });
    expect(h.sip.commands('c')).toEqual([]); // …no parent to refer
  });
});
