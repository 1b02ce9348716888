/**
 * Session facade over the memory SIP network: every seed attribute, method and event of the
 * Session (000/001), the CallSession queries (002) and the dialog view (004), with behavioural
 * assertions on both ends of the call.
 */
import type { MemoryCall } from '../../adapters/memory';
import { attendedConsultation, establish, facadeRig, fakeStream, recordNames, recordSession, ringing as ringingCall } from '../support/facade-harness';
import type { EventRecord, FacadeRig } from '../support/facade-harness';
import type { SessionEventMap } from '../../src';

let rig: FacadeRig | null = null;

afterEach(() => {
  rig?.destroy();
  rig = null;
  jest.useRealTimers();
});

async function twoPhones(options: Parameters<typeof facadeRig>[1] = {}) {
  rig = await facadeRig(['1001', '1002'], options);
  const [a, b] = rig.phones;
  return { rig, a, b };
}

/** A calls B; resolves with both sessions while B's is still ringing. */
async function ringing(options: Parameters<typeof facadeRig>[1] = {}) {
  const { rig: r, a, b } = await twoPhones(options);
  return { rig: r, a, b, ...(await ringingCall(r, a, b)) };
}

describe('attributes', () => {
  it('callId, RTCSession, status, incomingList, timer, localStream, remoteStream, callReport', async () => {
    const { rig: r, a, b } = await twoPhones();
    const aStream = fakeStream('alice');
    const bStream = fakeStream('bob');
    const result = await a.phone.call(b.number, { mediaStream: aStream });
    await r.settle();
    const caller = a.phone.getSession(result.callId!)!;
    const callee = b.phone.incomingList[0];

    expect(caller.callId).toBe(result.callId);
    expect(callee.callId).toBe(caller.callId); // one SIP Call-ID, both legs
    // RTCSession: the stack's own object (the memory leg here)
    const leg = caller.RTCSession as MemoryCall;
    expect(leg.callId).toBe(caller.callId);
    expect(leg.direction).toBe('outgoing');
    expect((callee.RTCSession as MemoryCall).direction).toBe('incoming');
    // status while ringing
    expect(callee.status).toMatchObject({ number: '1001', callId: callee.callId, communicationType: 'inbound', isRing: true, callStatus: 'ringing' });
    expect(caller.status).toMatchObject({ number: '1002', communicationType: 'outbound', isRing: true, callStatus: 'ringing', name: 'User 1002' });
    expect(Object.isFrozen(caller.status)).toBe(true);
    // incomingList: the phone's unanswered incoming calls
    expect(callee.incomingList.map((s) => s.callId)).toEqual([callee.callId]);
    expect(caller.incomingList).toEqual([]);
    // timer
    expect(caller.timer).toEqual({ ringDuration: 0, callingDuration: 0, callDuration: 0, holdDuration: 0 });
    // streams: ours is the stream given, the far end's arrives with the answer
    expect(caller.localStream).toBe(aStream);
    expect(caller.remoteStream).toBeNull();
    await callee.answer({ mediaStream: bStream });
    await r.settle();
    expect(caller.remoteStream).toBe(bStream);
    expect(callee.localStream).toBe(bStream);
    expect(callee.remoteStream).toBe(aStream);
    expect(callee.incomingList).toEqual([]);
    expect(caller.status.callStatus).toBe('talking');
    // no reports while they are turned off
    expect(caller.callReport).toBeNull();
  });
});

describe('answer, accepted, confirmed, statusChange, ended', () => {
  it('answer() resolves ok, both ends emit accepted and confirmed, statusChange carries (new, old)', async () => {
    const { rig: r, caller, callee } = await ringing();
    const callerEvents = recordSession(caller);
    const calleeEvents = recordSession(callee);
    const result = await callee.answer();
    expect(result).toMatchObject({ ok: true, code: 200, callId: callee.callId, reason: null });
    await r.settle();
    for (const [events, session] of [[callerEvents, caller], [calleeEvents, callee]] as const) {
      const names = events.names();
      expect(names).toContain('accepted');
      expect(names).toContain('confirmed');
      expect(names.indexOf('accepted')).toBeLessThan(names.indexOf('confirmed'));
      expect(events.args('accepted')[0][0]).toEqual({ callId: session.callId, session });
      expect(events.args('confirmed')[0][0]).toEqual({ callId: session.callId, session });
      const changes = events.args('statusChange');
      expect(changes.length).toBeGreaterThan(0);
      const [newStatus, oldStatus] = changes[changes.length - 1];
      expect(newStatus.callStatus).toBe('talking');
      expect(oldStatus.callStatus).not.toBe('talking');
      expect(newStatus).toEqual(session.status);
    }
    expect(caller.isEstablished()).toBe(true);
    expect(callee.isAnswered()).toBe(true);
  });

  it('hangup() ends both sides with bye and the right originator; ended fires once, failed does not', async () => {
    const { rig: r, a, b } = await twoPhones();
    const { caller, callee } = await establish(r, a, b);
    const callerEvents = recordSession(caller);
    const calleeEvents = recordSession(callee);
    expect(caller.hangup()).toBe(true);
    expect(caller.isTerminating() || caller.isTerminated()).toBe(true);
    await r.settle();
    expect(callerEvents.args('ended')).toEqual([[{ callId: caller.callId, cause: 'bye', code: null, originator: 'local' }]]);
    expect(calleeEvents.args('ended')).toEqual([[{ callId: callee.callId, cause: 'bye', code: null, originator: 'remote' }]]);
    expect(callerEvents.args('failed')).toEqual([]);
    expect(caller.isTerminated()).toBe(true);
    expect(callee.isTerminated()).toBe(true);
    expect(a.phone.getSessions()).toEqual([]);
    expect(b.phone.getSessions()).toEqual([]);
  });
});

describe('reject and failed', () => {
  it('reject() declines with 486 by default: the caller fails busy/486, the callee ends rejected', async () => {
    const { rig: r, caller, callee } = await ringing();
    const callerEvents = recordSession(caller);
    const calleeEvents = recordSession(callee);
    expect(callee.reject()).toBe(true);
    await r.settle();
    expect(callerEvents.args('failed')).toEqual([[{ callId: caller.callId, cause: 'busy', code: 486 }]]);
    expect(callerEvents.args('ended')).toEqual([[{ callId: caller.callId, cause: 'busy', code: 486, originator: 'remote' }]]);
    expect(calleeEvents.args('ended')[0][0]).toMatchObject({ cause: 'rejected', code: 486, originator: 'local' });
    expect(calleeEvents.args('failed')[0][0]).toMatchObject({ cause: 'rejected', code: 486 });
  });

  it('reject(603) declines: the caller fails rejected/603', async () => {
    const { rig: r, caller, callee } = await ringing();
    const callerEvents = recordSession(caller);
    expect(callee.reject(603)).toBe(true);
    await r.settle();
    expect(callerEvents.args('failed')).toEqual([[{ callId: caller.callId, cause: 'rejected', code: 603 }]]);
  });

  it('the rejectCode option changes what reject() sends', async () => {
    const { rig: r, caller, callee } = await ringing({ rejectCode: 603 });
    expect(callee.reject()).toBe(true);
    await r.settle();
    expect(caller.state.end).toMatchObject({ cause: 'rejected', code: 603 });
  });

  it('reject(200) is invalid input and leaves the call ringing', async () => {
    const { callee } = await ringing();
    expect(callee.reject(200)).toBe(false);
    expect(callee.lastRefusal?.reason).toBe('invalid-input');
    expect(callee.isRinging()).toBe(true);
  });
});

describe('terminate(type)', () => {
  it("terminate('reject') on a ringing incoming call declines it (486)", async () => {
    const { rig: r, caller, callee } = await ringing();
    expect(callee.terminate('reject')).toBe(true);
    await r.settle();
    expect(caller.state.end).toMatchObject({ cause: 'busy', code: 486 });
    expect(callee.state.end).toMatchObject({ cause: 'rejected' });
  });

  it("terminate('terminate') (the default) on a ringing outgoing call cancels it", async () => {
    const { rig: r, caller, callee } = await ringing();
    const calleeEvents = recordSession(callee);
    expect(caller.terminate()).toBe(true);
    await r.settle();
    expect(caller.state.end).toMatchObject({ cause: 'canceled', originator: 'local' });
    expect(calleeEvents.args('failed')[0][0]).toMatchObject({ cause: 'canceled', code: 487 });
  });

  it("terminate('hangup') on an established call sends BYE", async () => {
    const { rig: r, a, b } = await twoPhones();
    const { caller, callee } = await establish(r, a, b);
    expect(callee.terminate('hangup')).toBe(true);
    await r.settle();
    expect(callee.state.end).toMatchObject({ cause: 'bye', originator: 'local' });
    expect(caller.state.end).toMatchObject({ cause: 'bye', originator: 'remote' });
  });

  it("terminate('reject') on an established call ends it (BYE), as the seed's terminate does", async () => {
    const { rig: r, a, b } = await twoPhones();
    const { caller, callee } = await establish(r, a, b);
    expect(callee.terminate('reject')).toBe(true);
    await r.settle();
    expect(caller.state.end).toMatchObject({ cause: 'bye', originator: 'remote' });
  });
});

describe('hold / unhold', () => {
  it('hold is committed when the re-INVITE succeeds; both sides see it; unhold and resume() reverse it', async () => {
    const { rig: r, a, b } = await twoPhones();
    const { caller, callee } = await establish(r, a, b);
    expect(caller.hold()).toBe(true);
    expect(caller.state.hold).toBe('holding');
    expect(caller.status.isHold).toBe(false); // not committed yet
    await r.settle();
    expect(caller.state.hold).toBe('held');
    expect(caller.isOnHold()).toBe(true);
    expect(caller.status.isHold).toBe(true);
    expect((caller.RTCSession as MemoryCall).held).toBe(true);
    expect(callee.state.remoteHold).toBe(true);
    expect(callee.isOnHold()).toBe(false); // remote hold is tracked apart from local hold
    // the far end holds as well
    expect(callee.hold()).toBe(true);
    await r.settle();
    expect(callee.state.hold).toBe('held');
    expect(caller.state.remoteHold).toBe(true);
    // unhold both
    expect(caller.unhold()).toBe(true);
    await r.settle();
    expect(caller.state.hold).toBe('active');
    expect(caller.isOnHold()).toBe(false);
    expect(callee.state.remoteHold).toBe(false);
    expect(callee.resume()).toBe(true);
    await r.settle();
    expect(callee.state.hold).toBe('active');
    expect(caller.state.remoteHold).toBe(false);
  });

  it('a failed hold re-INVITE rolls back and emits holdFailed', async () => {
    const { rig: r, a, b } = await twoPhones();
    const { caller } = await establish(r, a, b);
    b.ua.faults = { rejectReinvite: { code: 488 } };
    const events = recordSession(caller);
    expect(caller.hold()).toBe(true);
    await r.settle();
    expect(caller.state.hold).toBe('active');
    expect(events.args('holdFailed')[0][0]).toMatchObject({ code: 488 });
  });

  it('the far end of a re-INVITE emits reinvite', async () => {
    const { rig: r, a, b } = await twoPhones();
    const { caller, callee } = await establish(r, a, b);
    const calleeEvents = recordSession(callee);
    caller.hold();
    await r.settle();
    expect(callee.state.remoteHold).toBe(true); // the re-INVITE did arrive
    expect(calleeEvents.args('reinvite')).toEqual([[{ callId: callee.callId, session: callee, video: false }]]);
  });
});

describe('dtmf', () => {
  it('tones reach the far end in order with the configured duration', async () => {
    const { rig: r, a, b } = await twoPhones({ dtmf: { durationMs: 160 } });
    const { caller, callee } = await establish(r, a, b);
    const calleeEvents = recordSession(callee);
    expect(caller.dtmf('12*#A')).toBe(true);
    await r.settle();
    expect(calleeEvents.args('dtmf').map(([e]) => e.tone)).toEqual(['1', '2', '*', '#', 'A']);
    expect(calleeEvents.args('dtmf').every(([e]) => e.durationMs === 160 && e.callId === callee.callId)).toBe(true);
  });

  it('invalid DTMF is refused with invalid-input and nothing is sent', async () => {
    const { rig: r, a, b } = await twoPhones();
    const { caller, callee } = await establish(r, a, b);
    const calleeEvents = recordSession(callee);
    for (const bad of ['', 'x', '1 2', 'E', '12!']) {
      expect(caller.dtmf(bad)).toBe(false);
      expect(caller.lastRefusal).toMatchObject({ command: 'dtmf', reason: 'invalid-input', callId: caller.callId });
    }
    await r.settle();
    expect(calleeEvents.args('dtmf')).toEqual([]);
  });
});

describe('mute / unmute', () => {
  it('mutes our audio on the stack and in the status', async () => {
    const { rig: r, a, b } = await twoPhones();
    const { caller } = await establish(r, a, b);
    expect(caller.mute()).toBe(true);
    expect(caller.isMuted()).toBe(true);
    expect(caller.status.isMute).toBe(true);
    expect((caller.RTCSession as MemoryCall).muted).toBe(true);
    expect(caller.mute()).toBe(false);
    expect(caller.lastRefusal?.reason).toBe('not-allowed-in-state');
    expect(caller.unmute()).toBe(true);
    expect(caller.isMuted()).toBe(false);
    expect((caller.RTCSession as MemoryCall).muted).toBe(false);
  });
});

describe('startRecord / pauseRecord with recordPermissions', () => {
  it('permission 0: neither start nor pause (no-permission)', async () => {
    const { rig: r, a, b } = await twoPhones({ recordPermissions: 0 });
    const { caller } = await establish(r, a, b);
    expect(caller.startRecord()).toBe(false);
    expect(caller.lastRefusal?.reason).toBe('no-permission');
    expect(caller.state.recording).toBe('off');
  });

  it('permission 1: cannot start, but pauses and resumes a recording the PBX started', async () => {
    rig = await facadeRig(['1001', '1002'], { recordPermissions: 1 });
    const [a, b] = rig.phones;
    a.ua.faults = { autoRecord: true };
    const { caller } = await establish(rig, a, b);
    expect(caller.isRecording()).toBe(true);
    expect(caller.status.recordStatus).toBe('recording');
    expect(caller.pauseRecord()).toBe(true);
    await rig.settle();
    expect(caller.recordingIsPaused()).toBe(true);
    expect(caller.status.recordStatus).toBe('pause');
    expect(caller.startRecord()).toBe(true); // resume
    await rig.settle();
    expect(caller.isRecording()).toBe(true);
  });

  it('permission 1 refuses a start with no-permission', async () => {
    const { rig: r, a, b } = await twoPhones({ recordPermissions: 1 });
    const { caller } = await establish(r, a, b);
    expect(caller.startRecord()).toBe(false);
    expect(caller.lastRefusal?.reason).toBe('no-permission');
  });

  it('permission 2: start, pause, resume; the backend state follows', async () => {
    const { rig: r, a, b } = await twoPhones({ recordPermissions: 2 });
    const { caller } = await establish(r, a, b);
    expect(caller.startRecord()).toBe(true);
    await r.settle();
    expect(caller.isRecording()).toBe(true);
    expect((caller.RTCSession as MemoryCall).recordState).toBe('recording');
    expect(caller.pauseRecord()).toBe(true);
    await r.settle();
    expect(caller.recordingIsPaused()).toBe(true);
    expect((caller.RTCSession as MemoryCall).recordState).toBe('paused');
    expect(caller.startRecord()).toBe(true);
    await r.settle();
    expect(caller.isRecording()).toBe(true);
  });

  it('a backend refusal rolls back and emits recordFailed', async () => {
    const { rig: r, a, b } = await twoPhones({ recordPermissions: 2 });
    const { caller } = await establish(r, a, b);
    a.ua.faults = { recordFailure: { reason: 'disk full' } };
    const events = recordSession(caller);
    expect(caller.startRecord()).toBe(true);
    await r.settle();
    expect(caller.state.recording).toBe('off');
    expect(events.args('recordFailed')).toEqual([[{ callId: caller.callId, reason: 'disk full' }]]);
  });
});

describe('transfers', () => {
  it('blindTransfer: the far end is connected to the target; our call ends transferred', async () => {
    rig = await facadeRig(['1001', '1002', '1003']);
    const [a, b, c] = rig.phones;
    c.phone.on('incoming', ({ session }) => void session.answer());
    const { caller } = await establish(rig, a, b);
    const events = recordSession(caller);
    expect(caller.blindTransfer('1003')).toBe(true);
    expect(caller.state.transfer).toBe('blind.referring');
    await rig.settle();
    expect(events.args('transferSucceeded')).toEqual([[{ callId: caller.callId, target: '1003' }]]);
    expect(caller.state.end).toMatchObject({ cause: 'transferred' });
    expect(b.phone.getSessions().map((s) => [s.state.phase, s.state.remote.number])).toEqual([['confirmed', '1003']]);
    expect(c.phone.getSessions().map((s) => [s.state.phase, s.state.remote.number])).toEqual([['confirmed', '1002']]);
  });

  it('blindTransfer refused by the far end: transferFailed, the call goes on', async () => {
    const { rig: r, a, b } = await twoPhones();
    const { caller } = await establish(r, a, b);
    b.ua.faults = { refuseRefer: { code: 403 } };
    const events = recordSession(caller);
    expect(caller.blindTransfer('1003')).toBe(true);
    await r.settle();
    expect(events.args('transferFailed')[0][0]).toMatchObject({ code: 403 });
    expect(caller.state.phase).toBe('confirmed');
    expect(caller.state.transfer).toBe('idle');
  });

  it('attendedTransfer: the first call places the consultation, the second completes it', async () => {
    const consulting = await attendedConsultation();
    rig = consulting.rig;
    const { caller, consultation } = consulting;
    const [a, b, c] = consulting.phones;
    expect(consultation.state).toMatchObject({ phase: 'confirmed', consultationFor: caller.callId });
    expect(consultation.status.isTransfer).toBe(true);
    expect(consultation.status.transferParent).toMatchObject({ callId: caller.callId, number: '1002' });
    expect(caller.state.hold).toBe('held'); // auto-hold of the original call
    expect(caller.state.transfer).toBe('attended.consulting');
    expect(a.phone.isMaxCall).toBe(false); // the consultation leg does not count
    const events = recordSession(caller);
    expect(consultation.attendedTransfer('')).toBe(true); // completes, from either leg
    await rig.settle();
    expect(events.args('transferSucceeded')).toHaveLength(1);
    expect(caller.state.end).toMatchObject({ cause: 'transferred' });
    expect(consultation.isTerminated()).toBe(true);
    expect(a.phone.getSessions()).toEqual([]);
    expect(b.phone.getSessions().map((s) => [s.state.phase, s.state.remote.number])).toEqual([['confirmed', '1003']]);
    expect(c.phone.getSessions().map((s) => [s.state.phase, s.state.remote.number])).toEqual([['confirmed', '1002']]);
  });
});

describe('setStatus / setStaticStatus', () => {
  it('setStatus sets name, avatar and company only; derived fields are refused and left alone', async () => {
    const { rig: r, a, b } = await twoPhones();
    const { caller } = await establish(r, a, b);
    const events = recordSession(caller);
    const before = caller.status;
    expect(caller.setStatus({ name: 'Bob B.', avatar: 'bob.png', company: 'ACME', isHold: true, number: '999', callStatus: 'ringing' })).toBe(caller);
    const after = caller.status;
    expect(after).toMatchObject({ name: 'Bob B.', avatar: 'bob.png', company: 'ACME' });
    expect(after).toMatchObject({ isHold: before.isHold, number: before.number, callStatus: before.callStatus });
    expect(caller.lastRefusal).toMatchObject({ command: 'setStatus', reason: 'invalid-input' });
    expect(caller.lastRefusal?.message).toMatch(/isHold/);
    const [[newStatus, oldStatus]] = events.args('statusChange');
    expect(newStatus.name).toBe('Bob B.');
    expect(oldStatus.name).toBe(before.name);
  });

  it('setStaticStatus emits staticStatusChange (new, old)', async () => {
    const { rig: r, a, b } = await twoPhones();
    const { caller } = await establish(r, a, b);
    const events = recordSession(caller);
    expect(caller.setStaticStatus({ company: 'Initech' })).toBe(caller);
    expect(events.args('staticStatusChange')).toEqual([
      [{ name: 'User 1002', avatar: '', company: 'Initech' }, { name: 'User 1002', avatar: '', company: '' }],
    ]);
  });

  it('manual mode keeps the app identity when the SIP identity arrives; without it SIP overwrites', async () => {
    const { rig: r, a, b } = await twoPhones();
    const manual = (await a.phone.call(b.number)).callId!;
    const manualSession = a.phone.getSession(manual)!;
    manualSession.setStaticStatus({ name: 'Bob (CRM)' }, true);
    await r.settle(); // 180 with the far end's display name
    expect(manualSession.status.name).toBe('Bob (CRM)');
    expect(manualSession.state.remote.name).toBe('User 1002');
    manualSession.hangup();
    await r.settle();

    const auto = (await a.phone.call(b.number)).callId!;
    const autoSession = a.phone.getSession(auto)!;
    autoSession.setStaticStatus({ name: 'Bob (CRM)' });
    await r.settle();
    expect(autoSession.status.name).toBe('User 1002');
  });
});

describe('stopTimer and timer', () => {
  it('timer counts ringing and talking; stopTimer freezes it and completes timer$', async () => {
    jest.useFakeTimers({ now: 1_700_000_000_000 });
    const { rig: r, a, b } = await twoPhones();
    const result = await a.phone.call(b.number);
    await r.settle();
    const caller = a.phone.getSession(result.callId!)!;
    await jest.advanceTimersByTimeAsync(2000);
    expect(caller.timer.ringDuration).toBe(2);
    await b.phone.incomingList[0].answer();
    await r.settle();
    await jest.advanceTimersByTimeAsync(4000);
    expect(caller.timer).toMatchObject({ ringDuration: 2, callDuration: 4 });
    let completed = false;
    caller.timer$.subscribe({ complete: () => (completed = true) });
    expect(caller.stopTimer()).toBe(caller);
    expect(completed).toBe(true);
    await jest.advanceTimersByTimeAsync(5000);
    expect(caller.timer.callDuration).toBe(4);
    expect(caller.getElapsedTimeInSeconds()).toBe(9); // the call itself goes on
  });
});

describe('destroy', () => {
  it('hangs up a live call, drops listeners and refuses later commands with destroyed', async () => {
    const { rig: r, a, b } = await twoPhones();
    const { caller, callee } = await establish(r, a, b);
    const calleeNames = recordNames(callee);
    let eventsDone = false;
    caller.events$.subscribe({ complete: () => (eventsDone = true) });
    const listener = jest.fn();
    caller.on('statusChange', listener);
    caller.on('ended', listener);
    caller.destroy();
    expect(eventsDone).toBe(true);
    const callsAtDestroy = listener.mock.calls.length; // the end destroy() itself caused may be reported
    await r.settle();
    caller.setStaticStatus({ name: 'after destroy' });
    expect(listener).toHaveBeenCalledTimes(callsAtDestroy); // nothing reaches a listener afterwards
    expect(calleeNames).toContain('ended');
    expect(callee.state.end).toMatchObject({ cause: 'bye', originator: 'remote' });
    expect(caller.hold()).toBe(false);
    expect(caller.lastRefusal?.reason).toBe('destroyed');
    expect(() => caller.destroy()).not.toThrow();
  });
});

describe('streamAdded', () => {
  it('outbound when our media is attached, inbound when the far end\'s arrives', async () => {
    const { rig: r, a, b } = await twoPhones();
    const aStream = fakeStream('alice');
    const bStream = fakeStream('bob');
    let calleeEvents: EventRecord<SessionEventMap> | null = null;
    b.phone.on('incoming', ({ session }) => (calleeEvents = recordSession(session)));
    const result = await a.phone.call(b.number, { mediaStream: aStream });
    const caller = a.phone.getSession(result.callId!)!;
    const callerEvents = recordSession(caller);
    await r.settle();
    await b.phone.incomingList[0].answer({ mediaStream: bStream });
    await r.settle();
    expect(callerEvents.args('streamAdded')).toEqual([[{ callId: caller.callId, communicationType: 'inbound', stream: bStream }]]);
    expect(calleeEvents!.first('streamAdded').map((e) => [e.communicationType, e.stream])).toEqual([
      ['outbound', bStream],
      ['inbound', aStream],
    ]);
  });
});

describe('clientError and calls that fail inside the stack', () => {
  it('a call the stack cannot even send (user agent gone) fires failed, clientError and ended', async () => {
    const { rig: r, a } = await twoPhones();
    a.ua.dispose();
    let seen: EventRecord<SessionEventMap> | null = null;
    a.phone.on('newRTCSession', ({ session }) => (seen = recordSession(session)));
    const result = await a.phone.call('1002');
    await r.settle();
    expect(result.callId).not.toBeNull();
    expect(seen!.args('clientError')).toEqual([[{ callId: result.callId, cause: 'internal-error' }]]);
    expect(seen!.args('failed')).toEqual([[{ callId: result.callId, cause: 'internal-error', code: null }]]);
    expect(seen!.args('ended')).toHaveLength(1);
  });

  it('a call placed while the transport is down fails with connection-error, reported to the session', async () => {
    rig = await facadeRig(['1001', '1002'], {}, false); // never started
    const [a] = rig.phones;
    let seen: EventRecord<SessionEventMap> | null = null;
    a.phone.on('newRTCSession', ({ session }) => (seen = recordSession(session)));
    const result = await a.phone.call('1002');
    await rig.settle();
    expect(seen!.args('failed')).toEqual([[{ callId: result.callId, cause: 'connection-error', code: null }]]);
    expect(seen!.args('clientError')).toEqual([]); // a transport problem is not a client media error
  });
});

describe('callReport', () => {
  it('reports every 3 s while confirmed, updating the callReport attribute', async () => {
    jest.useFakeTimers({ now: 1_700_000_000_000 });
    rig = await facadeRig(['1001', '1002'], { qualityReports: true });
    const [a, b] = rig.phones;
    const { caller } = await establish(rig, a, b);
    const events = recordSession(caller);
    await jest.advanceTimersByTimeAsync(2999);
    expect(events.args('callReport')).toEqual([]);
    expect(caller.callReport).toBeNull();
    await jest.advanceTimersByTimeAsync(1);
    const first = events.args('callReport');
    expect(first).toHaveLength(1);
    expect(first[0][0].callId).toBe(caller.callId);
    expect(first[0][0].callReport.mos).toBeNull();
    expect(caller.callReport).toBe(first[0][0].callReport);
    await jest.advanceTimersByTimeAsync(3000);
    const reports = events.args('callReport').map(([e]) => e.callReport);
    expect(reports).toHaveLength(2);
    expect(reports[1].mos).not.toBeNull();
    expect(reports[1].codec).toBe('opus');
    expect(reports[1].at - reports[0].at).toBe(3000);
    expect(caller.callReport).toBe(reports[1]);
    caller.hangup();
    await rig.settle();
    await jest.advanceTimersByTimeAsync(9000);
    expect(events.args('callReport')).toHaveLength(2); // none after the end
  });
});

describe('the SIP dialog (004) and in-dialog INFO / MESSAGE', () => {
  it('exposes both legs of the dialog consistently', async () => {
    const { rig: r, a, b } = await twoPhones();
    const { caller, callee } = await establish(r, a, b);
    const mine = caller.dialog;
    const theirs = callee.dialog;
    expect(Object.isFrozen(mine)).toBe(true);
    expect(mine.callId).toBe(caller.callId);
    expect(theirs.callId).toBe(mine.callId);
    expect(mine.localTag).not.toBe('');
    expect(mine.remoteTag).toBe(theirs.localTag);
    expect(theirs.remoteTag).toBe(mine.localTag);
    expect(mine.localURI).toBe('sip:1001@memory');
    expect(mine.remoteURI).toBe('sip:1002@memory');
    expect(theirs.localURI).toBe('sip:1002@memory');
    expect(mine.remoteTarget).not.toBeNull();
    expect(mine.id).toBe(`${mine.callId}${mine.localTag}${mine.remoteTag}`);
    expect([mine.sessionState, mine.signalingState]).toEqual(['Confirmed', 'Stable']);
    caller.hangup();
    await r.settle();
    expect([caller.dialog.sessionState, caller.dialog.signalingState]).toEqual(['Terminated', 'Closed']);
  });

  it('info() and message() are received by the far end', async () => {
    const { rig: r, a, b } = await twoPhones();
    const { caller, callee } = await establish(r, a, b);
    const calleeEvents = recordSession(callee);
    const callerEvents = recordSession(caller);
    expect(caller.info('application/json', '{"x":1}')).toBe(true);
    expect(callee.message('text/plain', 'hello')).toBe(true);
    await r.settle();
    expect(calleeEvents.args('info')).toEqual([[{ callId: callee.callId, contentType: 'application/json', body: '{"x":1}' }]]);
    expect(callerEvents.args('message')).toEqual([[{ callId: caller.callId, contentType: 'text/plain', body: 'hello' }]]);
    expect(caller.info('', 'x')).toBe(false);
    expect(caller.lastRefusal?.reason).toBe('invalid-input');
  });

  it('info() before the call is established is refused', async () => {
    const { caller } = await ringing();
    expect(caller.info('text/plain', 'x')).toBe(false);
    expect(caller.lastRefusal?.reason).toBe('not-allowed-in-state');
  });
});

describe('CallSession queries (002)', () => {
  it('answer the questions along a call', async () => {
    const { rig: r, a, b, caller, callee } = await ringing();
    expect([caller.isOutgoing(), caller.isIncoming(), callee.isIncoming(), callee.isOutgoing()]).toEqual([true, false, true, false]);
    expect([caller.isRinging(), callee.isRinging()]).toEqual([true, true]);
    expect([callee.isEstablished(), callee.isAnswered(), callee.isActive(), callee.isTerminated()]).toEqual([false, false, true, false]);
    expect(callee.getElapsedTimeInSeconds()).toBe(0);
    expect(caller.getId()).toBe(caller.callId);
    expect(caller.isId(caller.callId)).toBe(true);
    expect(caller.isId('other')).toBe(false);
    expect(caller.is(a.phone.getSession(caller.callId))).toBe(true);
    expect(caller.is({ callId: 'other' })).toBe(false);
    expect(caller.is(null)).toBe(false);
    const json = callee.toJSON();
    expect(json).toMatchObject({ type: 'CallSession', callId: callee.callId, number: '1001', isCaller: false, answered: false, ringing: true, onHold: false, muted: false });
    expect(JSON.parse(JSON.stringify(callee))).toEqual(json);
    await callee.answer();
    await r.settle();
    expect([callee.isRinging(), callee.isEstablished(), callee.isAnswered(), callee.isActive()]).toEqual([false, true, true, true]);
    expect(callee.toJSON()).toMatchObject({ answered: true, ringing: false, sipStatus: 'confirmed' });
    expect(typeof callee.toJSON().answerTime).toBe('string');
    // the memory stack confirms a local BYE at once, so `ending` is seen from inside state$
    const duringEnding: boolean[][] = [];
    callee.state$.subscribe((s) => {
      if (s.phase === 'ending') duringEnding.push([callee.isTerminating(), callee.isActive(), callee.isTerminated()]);
    });
    callee.hangup();
    expect(duringEnding).toEqual([[true, false, false]]);
    await r.settle();
    expect([callee.isTerminated(), callee.isTerminating(), callee.isAnswered()]).toEqual([true, false, true]);
    expect(callee.toJSON()).toMatchObject({ sipStatus: 'ended', end: { cause: 'bye' } });
    expect(b.phone.getSessions()).toEqual([]);
  });
});
