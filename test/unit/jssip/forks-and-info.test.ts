/**
 * A forked 2xx (RFC 3261 §13.2.2.4) and a bodiless INFO, against real JsSIP through an in-process socket.
 */
import { FarEnd, headerOf, installSignallingOnlyWebRtc, inProcessPhone, isRequest, methodOf, sdp, statusOf, fakeAudioStream, type InProcessPhone } from '../../support/in-process-sip';
import { confirmedOutgoingCall, until } from './call-rig';

installSignallingOnlyWebRtc();

const toTag = (m: string) => /;tag=([^;>\s]+)/.exec(headerOf(m, 'To')!)?.[1];

describe('forks and INFO (JsSIP adapter, in-process SIP)', () => {
  let rig: InProcessPhone;
  beforeEach(async () => {
    rig = await inProcessPhone();
  });
  afterEach(() => rig.destroy());

  test('a second 2xx from another fork: ACK and BYE go to the fork, the first call stays confirmed, nothing is reported', async () => {
    const mark = rig.socket.mark();
    const result = await rig.phone.call('bob', { mediaStream: fakeAudioStream() });
    const session = rig.phone.getSession(result.callId!)!;
    const events: string[] = [];
    for (const name of ['ended', 'failed', 'accepted', 'confirmed', 'reinvite'] as const) session.on(name, () => events.push(name));
    const invite = await rig.socket.waitFor(isRequest('INVITE'), mark);
    const first = FarEnd.uas(invite, 'deskphone');
    const second = FarEnd.uas(invite, 'mobile');
    rig.socket.deliver(first.respond(invite, 200, 'OK', { body: sdp('sendrecv') }));
    await rig.socket.waitFor(isRequest('ACK'), mark);
    await until(rig, () => session.state.phase === 'confirmed', 'confirmed');
    const forkMark = rig.socket.mark();
    rig.socket.deliver(second.respond(invite, 200, 'OK', { body: sdp('sendrecv') }));
    const bye = await rig.socket.waitFor(isRequest('BYE'), forkMark);
    const acks = rig.socket.all(isRequest('ACK'), forkMark);
    expect(acks).toHaveLength(1);
    expect(toTag(acks[0]!)).toBe('mobile');
    expect(toTag(bye)).toBe('mobile');
    rig.socket.deliver(second.respond(bye, 200, 'OK'));
    await rig.settle();
    expect(session.state.phase).toBe('confirmed');
    expect(events).toEqual(['accepted', 'confirmed']);
    // the first device's dialog is intact: our hangup goes there
    const end = rig.socket.mark();
    session.hangup();
    const hangup = await rig.socket.waitFor(isRequest('BYE'), end);
    expect(toTag(hangup)).toBe('deskphone');
  });

  test('a request on the fork dialog after its BYE does not reach the call', async () => {
    const call = await confirmedOutgoingCall(rig);
    const second = FarEnd.uas(call.invite, 'mobile');
    const mark = rig.socket.mark();
    rig.socket.deliver(second.respond(call.invite, 200, 'OK', { body: sdp('sendrecv') }));
    await rig.socket.waitFor(isRequest('BYE'), mark);
    rig.socket.deliver(second.request('BYE'));
    await rig.settle();
    expect(call.session.state.phase).toBe('confirmed');
  });

  test('an INFO without a body is answered 200 and changes nothing', async () => {
    const call = await confirmedOutgoingCall(rig);
    const infos: unknown[] = [];
    call.session.on('info' as never, ((e: unknown) => infos.push(e)) as never);
    const before = JSON.stringify({ ...call.session.state, times: null });
    const mark = rig.socket.mark();
    rig.socket.deliver(call.far.request('INFO'));
    const response = await rig.socket.waitFor((m) => statusOf(m) !== null && methodOf(m) === 'INFO', mark);
    expect(statusOf(response)).toBe(200);
    await rig.settle();
    expect(JSON.stringify({ ...call.session.state, times: null })).toBe(before);
    expect(infos).toEqual([]);
    expect(rig.socket.all(isRequest('BYE'), mark)).toEqual([]);
  });
  test('an UPDATE without a body while the call rings (early dialog) is answered 200; the call then proceeds', async () => {
    const mark = rig.socket.mark();
    const result = await rig.phone.call('bob', { mediaStream: fakeAudioStream() });
    const session = rig.phone.getSession(result.callId!)!;
    const invite = await rig.socket.waitFor(isRequest('INVITE'), mark);
    const far = FarEnd.uas(invite);
    rig.socket.deliver(far.respond(invite, 180, 'Ringing'));
    await until(rig, () => session.state.phase === 'ringing', 'ringing');
    const updateMark = rig.socket.mark();
    rig.socket.deliver(far.request('UPDATE'));
    const response = await rig.socket.waitFor((m) => statusOf(m) !== null && methodOf(m) === 'UPDATE', updateMark);
    expect(statusOf(response)).toBe(200);
    expect(session.state.phase).toBe('ringing');
    rig.socket.deliver(far.respond(invite, 200, 'OK', { body: sdp('sendrecv') }));
    await until(rig, () => session.state.phase === 'confirmed', 'confirmed');
  });
  test('ringing from one fork, answer from another: the call is the answering fork; a later 2xx from the ringing one is ended', async () => {
    const mark = rig.socket.mark();
    const result = await rig.phone.call('bob', { mediaStream: fakeAudioStream() });
    const session = rig.phone.getSession(result.callId!)!;
    const invite = await rig.socket.waitFor(isRequest('INVITE'), mark);
    const ringing = FarEnd.uas(invite, 'ringing');
    const answering = FarEnd.uas(invite, 'answering');
    rig.socket.deliver(ringing.respond(invite, 180, 'Ringing'));
    rig.socket.deliver(answering.respond(invite, 200, 'OK', { body: sdp('sendrecv') }));
    await until(rig, () => session.state.phase === 'confirmed', 'confirmed');
    expect(rig.socket.all(isRequest('BYE'), mark)).toEqual([]);
    expect(toTag(await rig.socket.waitFor(isRequest('ACK'), mark))).toBe('answering');
    const late = rig.socket.mark();
    rig.socket.deliver(ringing.respond(invite, 200, 'OK', { body: sdp('sendrecv') }));
    expect(toTag(await rig.socket.waitFor(isRequest('BYE'), late))).toBe('ringing');
    expect(session.state.phase).toBe('confirmed');
  });
});
