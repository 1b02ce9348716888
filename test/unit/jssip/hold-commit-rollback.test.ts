/**
 * Hold commit and rollback, a late final response, INFO and DTMF, on real JsSIP through an in-process
 * socket: the adapter's call paths without a network.
 */
import { bodyOf, directionOf, installSignallingOnlyWebRtc, inProcessPhone, isRequest, isResponse, methodOf, sdp, statusOf, type InProcessPhone } from '../../support/in-process-sip';
import { confirmedOutgoingCall, heldCall, until } from './call-rig';

installSignallingOnlyWebRtc();

describe('hold commit and rollback (JsSIP adapter, in-process SIP)', () => {
  let rig: InProcessPhone;
  beforeEach(async () => {
    rig = await inProcessPhone();
  });
  afterEach(() => rig.destroy());

  test('a hold answered 488 rolls back: holdFailed, the call goes on not held, no BYE; the next hold offers sendonly and commits', async () => {
    const call = await confirmedOutgoingCall(rig);
    const failures: Array<{ code: number | null }> = [];
    call.session.on('holdFailed', (e) => failures.push(e));
    const mark = rig.socket.mark();
    expect(call.session.hold()).toBe(true);
    const invite = await rig.socket.waitFor(isRequest('INVITE'), mark);
    rig.socket.deliver(call.far.respond(invite, 488, 'Not Acceptable Here'));
    await until(rig, () => failures.length === 1, 'holdFailed');
    expect(failures[0]).toMatchObject({ code: 488 });
    expect(call.session.state).toMatchObject({ phase: 'confirmed', hold: 'active' });
    expect(rig.socket.all(isRequest('BYE'), mark)).toEqual([]);
    // not held: a far-end re-INVITE is answered sendrecv
    const offerMark = rig.socket.mark();
    rig.socket.deliver(call.far.request('INVITE', { body: sdp('sendrecv', 3) }));
    const ok = await rig.socket.waitFor((m) => statusOf(m) === 200 && methodOf(m) === 'INVITE', offerMark);
    expect(directionOf(bodyOf(ok))).toBe('sendrecv');
    rig.socket.deliver(call.far.ack());
    await rig.settle();
    const again = rig.socket.mark();
    expect(call.session.hold()).toBe(true);
    const second = await rig.socket.waitFor(isRequest('INVITE'), again);
    expect(directionOf(bodyOf(second))).toBe('sendonly');
    rig.socket.deliver(call.far.respond(second, 200, 'OK', { body: sdp('recvonly', 4) }));
    await until(rig, () => call.session.state.hold === 'held', 'held');
  });

  test('an unhold answered 500 keeps the call held and says so on the wire', async () => {
    const call = await heldCall(rig);
    const failures: unknown[] = [];
    call.session.on('unholdFailed', (e) => failures.push(e));
    const mark = rig.socket.mark();
    expect(call.session.unhold()).toBe(true);
    const invite = await rig.socket.waitFor(isRequest('INVITE'), mark);
    expect(directionOf(bodyOf(invite))).toBe('sendrecv');
    rig.socket.deliver(call.far.respond(invite, 500, 'Server Internal Error'));
    await until(rig, () => failures.length === 1, 'unholdFailed');
    expect(call.session.state).toMatchObject({ phase: 'confirmed', hold: 'held' });
    const offerMark = rig.socket.mark();
    rig.socket.deliver(call.far.request('INVITE', { body: sdp('sendrecv', 5) }));
    const ok = await rig.socket.waitFor((m) => statusOf(m) === 200 && methodOf(m) === 'INVITE', offerMark);
    expect(directionOf(bodyOf(ok))).toBe('sendonly');
  });

  test('BYE while our hold is pending, then a late 487: one end (bye, remote), no exception', async () => {
    const call = await confirmedOutgoingCall(rig);
    const ended: unknown[] = [];
    call.session.on('ended', (e) => ended.push(e));
    const mark = rig.socket.mark();
    expect(call.session.hold()).toBe(true);
    const invite = await rig.socket.waitFor(isRequest('INVITE'), mark);
    rig.socket.deliver(call.far.request('BYE'));
    await rig.socket.waitFor(isResponse(200, 'BYE'), mark);
    rig.socket.deliver(call.far.respond(invite, 487, 'Request Terminated'));
    await until(rig, () => call.session.state.phase === 'ended', 'ended');
    await rig.settle();
    expect(call.session.state.end).toMatchObject({ cause: 'bye', originator: 'remote' });
    expect(ended).toHaveLength(1);
    expect(rig.warnings.filter((w) => /threw/.test(w))).toEqual([]);
  });

  test('INFO with a body reaches the app; INFO DTMF is a dtmf event', async () => {
    const call = await confirmedOutgoingCall(rig);
    const infos: Array<{ contentType: string; body: string }> = [];
    const tones: string[] = [];
    call.session.on('info', (e) => infos.push(e));
    call.session.on('dtmf', (e) => tones.push(e.tone));
    const mark = rig.socket.mark();
    rig.socket.deliver(call.far.request('INFO', { body: 'hello', contentType: 'text/plain' }));
    rig.socket.deliver(call.far.request('INFO', { body: 'Signal=5\r\nDuration=100\r\n', contentType: 'application/dtmf-relay' }));
    await rig.socket.waitFor((m) => statusOf(m) !== null && methodOf(m) === 'INFO' && /^CSeq:\s*\d+ INFO/m.test(m), mark);
    await until(rig, () => infos.length === 1 && tones.length === 1, 'info and dtmf');
    expect(infos[0]).toMatchObject({ contentType: 'text/plain', body: 'hello' });
    expect(tones).toEqual(['5']);
  });
});
