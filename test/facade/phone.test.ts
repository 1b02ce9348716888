/**
 * Phone facade (the seed SDK's PhoneOperator: its attributes, methods and events) over the memory SIP network:
 * every attribute, method and event, with behavioural assertions across two to four phones.
 */
import { MemorySipNetwork } from '../../adapters/memory';
import type { MemoryCall } from '../../adapters/memory';
import { createPhone } from '../../src';
import type { Phone } from '../../src';
import { establish, facadeRig, recordPhone, recordSession } from '../support/facade-harness';
import type { FacadeRig } from '../support/facade-harness';

let rig: FacadeRig | null = null;
const extra: Phone[] = [];

afterEach(() => {
  rig?.destroy();
  rig = null;
  extra.splice(0).forEach((phone) => phone.destroy());
  jest.useRealTimers();
});

describe('start and registration', () => {
  it('start() connects and registers: connected, registered, isRegisteredChange(true)', async () => {
    rig = await facadeRig(['1001'], {}, false);
    const [{ phone }] = rig.phones;
    const events = recordPhone(phone);
    expect(phone.isRegistered).toBe(false);
    expect(phone.start()).toBe(phone);
    await rig.settle();
    expect(events.names()).toEqual(['connected', 'registered', 'isRegisteredChange']);
    expect(events.args('isRegisteredChange')).toEqual([[true]]);
    expect(phone.isRegistered).toBe(true);
    expect(phone.state).toMatchObject({ transport: 'connected', registration: 'registered', isRegistered: true });
    expect(rig.network.registeredAs('1001')).toBe(rig.phones[0].ua);
  });

  it('a wrong password fails registration with its cause and code, and does not retry (401 is permanent)', async () => {
    jest.useFakeTimers();
    const network = new MemorySipNetwork();
    network.addAccount({ number: '1001', password: 'right' });
    const phone = createPhone({ userAgent: network.createUserAgent({ number: '1001', password: 'wrong' }), qualityReports: false });
    extra.push(phone);
    const events = recordPhone(phone);
    phone.start();
    await network.settle();
    expect(events.first('registrationFailed')).toEqual([{ cause: 'authentication-error', code: 401, attempt: 1, willRetry: false }]);
    expect(events.names()).not.toContain('registered');
    expect(events.args('isRegisteredChange')).toEqual([]); // it never was registered
    expect(phone.isRegistered).toBe(false);
    expect(phone.state).toMatchObject({ registration: 'failed', lastRegistrationFailure: { cause: 'authentication-error', code: 401 } });
    await jest.advanceTimersByTimeAsync(120_000);
    await network.settle();
    expect(events.args('registrationFailed')).toHaveLength(1);
  });

  it('reRegister(user, ha1) registers with new credentials after a failure', async () => {
    const network = new MemorySipNetwork();
    network.addAccount({ number: '1003', ha1: '6f1ed002ab5595859014ebf0951522d9' });
    const phone = createPhone({ userAgent: network.createUserAgent({ number: '1003', password: 'nope' }), qualityReports: false });
    extra.push(phone);
    const events = recordPhone(phone);
    phone.start();
    await network.settle();
    expect(phone.isRegistered).toBe(false);
    expect(phone.reRegister('1003', 'not-the-ha1')).toBe(phone);
    await network.settle();
    expect(events.args('registrationFailed')).toHaveLength(2);
    expect(phone.reRegister('1003', '6f1ed002ab5595859014ebf0951522d9')).toBe(phone);
    await network.settle();
    expect(phone.isRegistered).toBe(true);
    expect(events.names().slice(-2)).toEqual(['registered', 'isRegisteredChange']);
  });

  it('reRegister without a user or an HA1 is refused with invalid-input', async () => {
    rig = await facadeRig(['1001']);
    const { phone } = rig.phones[0];
    expect(phone.reRegister('', 'x')).toBe(phone);
    expect(phone.lastRefusal).toMatchObject({ command: 'reRegister', reason: 'invalid-input' });
    expect(phone.isRegistered).toBe(true);
  });

  it('reRegistryPhoneTimes is readable and settable; a bad value is refused', async () => {
    rig = await facadeRig(['1001'], { reRegistryPhoneTimes: 3 });
    const { phone } = rig.phones[0];
    expect(phone.reRegistryPhoneTimes).toBe(3);
    phone.reRegistryPhoneTimes = 7;
    expect(phone.reRegistryPhoneTimes).toBe(7);
    phone.reRegistryPhoneTimes = -1;
    expect(phone.reRegistryPhoneTimes).toBe(7);
    expect(phone.lastRefusal?.reason).toBe('invalid-input');
  });
});

describe('connected / disconnected / disconnect()', () => {
  it('disconnect() closes the connection: disconnected and isRegisteredChange(false)', async () => {
    rig = await facadeRig(['1001']);
    const [{ phone, ua }] = rig.phones;
    const events = recordPhone(phone);
    expect(phone.disconnect()).toBe(true);
    await rig.settle();
    expect(ua.connectionState).toBe('disconnected');
    expect(phone.state).toMatchObject({ transport: 'disconnected', isRegistered: false });
    expect(events.args('isRegisteredChange')).toEqual([[false]]);
    // the seed's `disconnected` (and the README's `unregistered`) must fire when the app disconnects
    expect(events.names()).toEqual(expect.arrayContaining(['unregistered', 'isRegisteredChange', 'disconnected']));
    expect(phone.disconnect()).toBe(false);
    expect(phone.lastRefusal?.reason).toBe('not-allowed-in-state');
  });

  it('a transport drop reports disconnected with its reason; its return reports connected and registers again', async () => {
    rig = await facadeRig(['1001']);
    const [{ phone, ua }] = rig.phones;
    const events = recordPhone(phone);
    ua.dropTransport();
    await rig.settle();
    expect(events.first('disconnected')).toEqual([{ cause: 'connection-error', reason: 'transport dropped' }]);
    expect(phone.isRegistered).toBe(false);
    ua.restoreTransport();
    await rig.settle();
    expect(events.names()).toContain('connected');
    expect(phone.isRegistered).toBe(true);
    expect(events.args('isRegisteredChange')).toEqual([[false], [true]]);
  });
});

describe('calls by callId', () => {
  it('call() → newRTCSession and startSession at once; the far end gets newRTCSession and incoming; answer() → startSession', async () => {
    rig = await facadeRig(['1001', '1002']);
    const [a, b] = rig.phones;
    const aEvents = recordPhone(a.phone);
    const bEvents = recordPhone(b.phone);
    const result = await a.phone.call('1002');
    expect(result).toMatchObject({ ok: true, code: 200, reason: null });
    const callId = result.callId!;
    expect(aEvents.first('newRTCSession')).toEqual([{ callId, session: a.phone.getSession(callId) }]);
    expect(aEvents.first('startSession')).toEqual([{ callId, session: a.phone.getSession(callId) }]);
    await rig.settle();
    const bSession = b.phone.getSession(callId)!;
    expect(bEvents.first('newRTCSession')).toEqual([{ callId, session: bSession }]);
    expect(bEvents.first('incoming')).toEqual([{ callId, session: bSession }]);
    expect(bEvents.args('startSession')).toEqual([]); // not before the answer
    const answered = await b.phone.answer(callId);
    expect(answered).toMatchObject({ ok: true, callId });
    expect(bEvents.first('startSession')).toEqual([{ callId, session: bSession }]);
    await rig.settle();
    expect(a.phone.getSession(callId)!.state.phase).toBe('confirmed');
    expect(bSession.state.phase).toBe('confirmed');
  });

  it('reject(callId) sends 486, reject(callId, 603) sends 603; deleteSession reports the cause', async () => {
    rig = await facadeRig(['1001', '1002']);
    const [a, b] = rig.phones;
    const aEvents = recordPhone(a.phone);
    const bEvents = recordPhone(b.phone);
    const first = (await a.phone.call('1002')).callId!;
    await rig.settle();
    expect(b.phone.reject(first)).toBe(true);
    await rig.settle();
    expect(aEvents.first('deleteSession')).toEqual([{ callId: first, cause: 'busy', code: 486 }]);
    expect(bEvents.first('deleteSession')).toEqual([{ callId: first, cause: 'rejected', code: 486 }]);
    const second = (await a.phone.call('1002')).callId!;
    await rig.settle();
    expect(b.phone.reject(second, 603)).toBe(true);
    await rig.settle();
    expect(aEvents.first('deleteSession')[1]).toEqual({ callId: second, cause: 'rejected', code: 603 });
  });

  it('hangup(callId) and terminate(callId, type) end calls whatever their state', async () => {
    rig = await facadeRig(['1001', '1002']);
    const [a, b] = rig.phones;
    const aEvents = recordPhone(a.phone);
    // hang up an established call
    const { callId } = await establish(rig, a, b);
    expect(a.phone.hangup(callId)).toBe(true);
    await rig.settle();
    expect(aEvents.first('deleteSession').pop()).toEqual({ callId, cause: 'bye', code: null });
    // terminate a ringing outgoing call (cancel)
    const ringingId = (await a.phone.call('1002')).callId!;
    await rig.settle();
    expect(a.phone.terminate(ringingId)).toBe(true);
    await rig.settle();
    expect(aEvents.first('deleteSession').pop()).toMatchObject({ callId: ringingId, cause: 'canceled' });
    // terminate(…, 'reject') on the callee's ringing call
    const rejectedId = (await a.phone.call('1002')).callId!;
    await rig.settle();
    expect(b.phone.terminate(rejectedId, 'reject')).toBe(true);
    await rig.settle();
    expect(aEvents.first('deleteSession').pop()).toEqual({ callId: rejectedId, cause: 'busy', code: 486 });
    // terminate(…, 'hangup') on an established call
    const second = await establish(rig, a, b);
    expect(b.phone.terminate(second.callId, 'hangup')).toBe(true);
    await rig.settle();
    expect(aEvents.first('deleteSession').pop()).toEqual({ callId: second.callId, cause: 'bye', code: null });
    expect(a.phone.getSessions()).toEqual([]);
  });

  it('hold/unhold, mute/unmute, dtmf by callId act on that call and the far end sees them', async () => {
    rig = await facadeRig(['1001', '1002']);
    const [a, b] = rig.phones;
    const { callId, caller, callee } = await establish(rig, a, b);
    const calleeEvents = recordSession(callee);
    expect(a.phone.hold(callId)).toBe(true);
    await rig.settle();
    expect(caller.state.hold).toBe('held');
    expect(callee.state.remoteHold).toBe(true);
    expect(a.phone.unhold(callId)).toBe(true);
    await rig.settle();
    expect(caller.state.hold).toBe('active');
    expect(callee.state.remoteHold).toBe(false);
    expect(a.phone.mute(callId)).toBe(true);
    expect((caller.RTCSession as MemoryCall).muted).toBe(true);
    expect(a.phone.unmute(callId)).toBe(true);
    expect((caller.RTCSession as MemoryCall).muted).toBe(false);
    expect(a.phone.dtmf(callId, '0#')).toBe(true);
    await rig.settle();
    expect(calleeEvents.first('dtmf').map((e) => e.tone)).toEqual(['0', '#']);
    expect(a.phone.dtmf(callId, '9x')).toBe(false);
    expect(a.phone.lastRefusal).toMatchObject({ command: 'dtmf', reason: 'invalid-input', callId });
  });

  it('startRecord/pauseRecord by callId follow recordPermissions; the setter emits recordPermissionsChange', async () => {
    rig = await facadeRig(['1001', '1002']);
    const [a, b] = rig.phones;
    const events = recordPhone(a.phone);
    const { callId, caller } = await establish(rig, a, b);
    expect(a.phone.recordPermissions).toBe(0);
    expect(a.phone.startRecord(callId)).toBe(false);
    expect(a.phone.lastRefusal).toMatchObject({ reason: 'no-permission', callId });
    a.phone.recordPermissions = 2;
    expect(events.args('recordPermissionsChange')).toEqual([[2]]);
    expect(a.phone.state.recordPermissions).toBe(2);
    expect(caller.state.recordPermissions).toBe(2); // forwarded to the live call
    expect(a.phone.startRecord(callId)).toBe(true);
    await rig.settle();
    expect(caller.isRecording()).toBe(true);
    a.phone.recordPermissions = 1;
    expect(a.phone.pauseRecord(callId)).toBe(true);
    await rig.settle();
    expect(caller.recordingIsPaused()).toBe(true);
    expect(a.phone.startRecord(callId)).toBe(true); // resume is allowed with 1
    await rig.settle();
    expect(caller.isRecording()).toBe(true);
    a.phone.recordPermissions = 5 as never;
    expect(a.phone.recordPermissions).toBe(1);
    expect(a.phone.lastRefusal?.reason).toBe('invalid-input');
    expect(events.args('recordPermissionsChange')).toEqual([[2], [1]]);
  });

  it('blindTransfer(callId, number) hands the far end over; the transferee gets referReceived', async () => {
    rig = await facadeRig(['1001', '1002', '1003']);
    const [a, b, c] = rig.phones;
    c.phone.on('incoming', ({ session }) => void session.answer());
    const bEvents = recordPhone(b.phone);
    const { callId } = await establish(rig, a, b);
    expect(a.phone.blindTransfer(callId, '1003')).toBe(true);
    await rig.settle();
    expect(bEvents.first('referReceived')).toEqual([{ callId, target: '1003', accepted: true, outcome: 'accepted' }]);
    expect(a.phone.getSessions()).toEqual([]);
    expect(b.phone.getSessions().map((s) => s.state.remote.number)).toEqual(['1003']);
    expect(c.phone.getSessions().map((s) => [s.state.phase, s.state.remote.number])).toEqual([['confirmed', '1002']]);
  });

  it('attendedTransfer(callId, number) places the consultation, then completes the transfer', async () => {
    rig = await facadeRig(['1001', '1002', '1003']);
    const [a, b, c] = rig.phones;
    c.phone.on('incoming', ({ session }) => void session.answer());
    const { callId } = await establish(rig, a, b);
    expect(a.phone.attendedTransfer(callId, '1003')).toBe(true);
    await rig.settle();
    const consultation = a.phone.getSessions().find((s) => s.callId !== callId)!;
    expect(consultation.state.phase).toBe('confirmed');
    expect(a.phone.currentSessionID).toBe(consultation.callId);
    expect(a.phone.attendedTransfer(callId, '')).toBe(true);
    await rig.settle();
    expect(a.phone.getSessions()).toEqual([]);
    expect(b.phone.getSessions().map((s) => [s.state.phase, s.state.remote.number])).toEqual([['confirmed', '1003']]);
  });
});

describe('sessions, current session, incoming list, cap', () => {
  it('sessions / getSessions / getSession / incomingList follow the calls', async () => {
    rig = await facadeRig(['1001', '1002', '1003']);
    const [a, b, c] = rig.phones;
    const { callId: first } = await establish(rig, b, a);
    const second = (await c.phone.call('1001')).callId!;
    await rig.settle();
    expect([...a.phone.sessions.keys()]).toEqual([first, second]);
    expect(a.phone.sessions).toBeInstanceOf(Map);
    expect(a.phone.getSessions().map((s) => s.callId)).toEqual([first, second]);
    expect(a.phone.getSession(second)).toBe(a.phone.sessions.get(second));
    expect(a.phone.getSession('nope')).toBeNull();
    expect(a.phone.incomingList.map((s) => s.callId)).toEqual([second]);
    await a.phone.answer(second);
    await rig.settle();
    expect(a.phone.incomingList).toEqual([]);
    a.phone.hangup(first);
    await rig.settle();
    expect([...a.phone.sessions.keys()]).toEqual([second]);
  });

  it('currentSessionID: placed → current; incoming while busy → not; answered → current; end → newest answered call', async () => {
    rig = await facadeRig(['1001', '1002', '1003', '1004'], { maxCalls: 3 });
    const [a, b, c, d] = rig.phones;
    const events = recordPhone(a.phone);
    expect(a.phone.currentSessionID).toBeNull();
    expect(a.phone.getCurrentSession()).toBeNull();
    const { callId: placed } = await establish(rig, a, b);
    expect(a.phone.currentSessionID).toBe(placed);
    const fromC = (await c.phone.call('1001')).callId!;
    await rig.settle();
    expect(a.phone.currentSessionID).toBe(placed); // an incoming call does not take over
    await a.phone.answer(fromC);
    await rig.settle();
    expect(a.phone.currentSessionID).toBe(fromC);
    expect(a.phone.currentSession?.callId).toBe(fromC);
    expect(a.phone.getSession(placed)!.state.hold).toBe('held'); // auto-hold
    const fromD = (await d.phone.call('1001')).callId!; // ringing, newest
    await rig.settle();
    a.phone.hangup(fromC);
    await rig.settle();
    expect(a.phone.currentSessionID).toBe(placed); // the newest call that is not an unanswered incoming one
    a.phone.hangup(placed);
    await rig.settle();
    expect(a.phone.currentSessionID).toBe(fromD); // else the newest remaining
    a.phone.hangup(fromD);
    await rig.settle();
    expect(a.phone.currentSessionID).toBeNull();
    expect(events.first('currentSessionChange').map((e) => e.currentSessionID)).toEqual([placed, fromC, placed, fromD, null]);
  });

  it('an incoming call becomes current when there is none; setCurrentSession overrides; unknown ids are refused', async () => {
    rig = await facadeRig(['1001', '1002', '1003']);
    const [a, b, c] = rig.phones;
    const first = (await b.phone.call('1001')).callId!;
    await rig.settle();
    expect(a.phone.currentSessionID).toBe(first);
    await a.phone.answer(first);
    const second = (await a.phone.call('1003')).callId!;
    expect(a.phone.currentSessionID).toBe(second);
    expect(a.phone.setCurrentSession(first)).toBe(true);
    expect(a.phone.currentSessionID).toBe(first);
    expect(a.phone.getCurrentSession()?.callId).toBe(first);
    expect(a.phone.setCurrentSession('nope')).toBe(false);
    expect(a.phone.lastRefusal).toMatchObject({ command: 'setCurrentSession', reason: 'unknown-call' });
    expect(a.phone.currentSessionID).toBe(first);
    await rig.settle();
    void c;
  });

  it('isMaxCall at the cap; an incoming call over the cap is answered 486 and reported as incomingRejected', async () => {
    rig = await facadeRig(['1001', '1002', '1003', '1004']);
    const [a, b, c, d] = rig.phones;
    const events = recordPhone(a.phone);
    await establish(rig, a, b);
    expect(a.phone.isMaxCall).toBe(false);
    await establish(rig, c, a);
    expect(a.phone.isMaxCall).toBe(true);
    expect(a.phone.state.callCap).toBe(2);
    const over = await d.phone.call('1001');
    await rig.settle();
    expect(events.first('incomingRejected')).toEqual([{ callId: over.callId, number: '1004', name: 'User 1004', code: 486 }]);
    expect(d.phone.getSessions()).toEqual([]);
    expect(a.phone.getSessions()).toHaveLength(2);
    const refused = await a.phone.call('1004');
    expect(refused).toMatchObject({ ok: false, reason: 'over-cap' });
    expect(a.phone.lastRefusal?.reason).toBe('over-cap');
  });

  it('callWaiting: false takes one call at a time', async () => {
    rig = await facadeRig(['1001', '1002', '1003'], (n) => (n === '1001' ? { callWaiting: false } : {}));
    const [a, b, c] = rig.phones;
    const events = recordPhone(a.phone);
    await establish(rig, b, a);
    expect(a.phone.isMaxCall).toBe(true);
    await c.phone.call('1001');
    await rig.settle();
    expect(events.args('incomingRejected')).toHaveLength(1);
  });
});

describe('setSessionStaticStatus, deviceIds', () => {
  it('setSessionStaticStatus sets name/avatar/company with manual mode, emitting staticStatusChange', async () => {
    rig = await facadeRig(['1001', '1002']);
    const [a, b] = rig.phones;
    const callId = (await a.phone.call('1002')).callId!;
    const session = a.phone.getSession(callId)!;
    const events = recordSession(session);
    expect(a.phone.setSessionStaticStatus(callId, { name: 'Bob', avatar: 'b.png', company: 'ACME' }, true)).toBe(true);
    expect(events.args('staticStatusChange')).toEqual([[{ name: 'Bob', avatar: 'b.png', company: 'ACME' }, { name: '', avatar: '', company: '' }]]);
    await rig.settle(); // the far end's display name arrives with the 180
    expect(session.status.name).toBe('Bob');
    expect(session.state.manualIdentity).toBe(true);
    expect(a.phone.setSessionStaticStatus('nope', { name: 'x' })).toBe(false);
    expect(a.phone.lastRefusal?.reason).toBe('unknown-call');
    void b;
  });

  it('deviceIds is the option given, and can be changed', async () => {
    rig = await facadeRig(['1001'], { deviceIds: { microphoneId: 'mic-1' } });
    const { phone } = rig.phones[0];
    expect(phone.deviceIds).toEqual({ microphoneId: 'mic-1' });
    phone.deviceIds = { microphoneId: 'mic-2', cameraId: 'cam-1' };
    expect(phone.deviceIds).toEqual({ microphoneId: 'mic-2', cameraId: 'cam-1' });
  });
});

describe('destroy()', () => {
  it('hangs up every call, stops the phone, completes events$ and refuses everything with destroyed', async () => {
    rig = await facadeRig(['1001', '1002']);
    const [a, b] = rig.phones;
    const { callId, callee } = await establish(rig, a, b);
    let completed = false;
    a.phone.events$.subscribe({ complete: () => (completed = true) });
    let stateDone = false;
    a.phone.state$.subscribe({ complete: () => (stateDone = true) });
    expect(() => a.phone.destroy()).not.toThrow();
    await rig.settle();
    expect(completed).toBe(true);
    expect(stateDone).toBe(true);
    expect(callee.state.end).toMatchObject({ cause: 'bye', originator: 'remote' });
    expect(rig.network.registeredAs('1001')).toBeUndefined();
    const refusals: [string, unknown][] = [
      ['hold', a.phone.hold(callId)],
      ['hangup', a.phone.hangup(callId)],
      ['dtmf', a.phone.dtmf(callId, '1')],
      ['disconnect', a.phone.disconnect()],
    ];
    for (const [command, value] of refusals) expect([command, value]).toEqual([command, false]);
    expect(a.phone.lastRefusal?.reason).toBe('destroyed');
    const result = await a.phone.call('1002');
    expect(result).toMatchObject({ ok: false, reason: 'destroyed' });
    a.phone.start();
    expect(a.phone.lastRefusal).toMatchObject({ command: 'start', reason: 'destroyed' });
    expect(() => a.phone.destroy()).not.toThrow();
  });
});
