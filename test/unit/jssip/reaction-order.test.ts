/**
 * Nothing the library does in reaction to a stack event goes out inside that event's emission: JsSIP's
 * own responses and requests first, then the phone's. Real JsSIP, raw SIP through an in-process socket.
 */
import { FarEnd, fakeAudioStream, installSignallingOnlyWebRtc, inProcessPhone, isRequest, isResponse, methodOf, sdp, statusOf, type InProcessPhone } from '../../support/in-process-sip';
import { confirmedOutgoingCall, until } from './call-rig';

installSignallingOnlyWebRtc();

const sipfrag = (status: string) => ({
  body: `SIP/2.0 ${status}\r\n`,
  contentType: 'message/sipfrag;version=2.0',
});

describe('reactions come after the stack (JsSIP adapter, in-process SIP)', () => {
  let rig: InProcessPhone;
  beforeEach(async () => {
    rig = await inProcessPhone();
  });
  afterEach(() => rig.destroy());

  test('blind transfer: the 200 to the final NOTIFY goes out before the BYE that ends our leg', async () => {
    const call = await confirmedOutgoingCall(rig);
    const mark = rig.socket.mark();
    expect(call.session.blindTransfer('carol')).toBe(true);
    const refer = await rig.socket.waitFor(isRequest('REFER'), mark);
    rig.socket.deliver(call.far.respond(refer, 202, 'Accepted'));
    rig.socket.deliver(call.far.request('NOTIFY', { ...sipfrag('100 Trying'), extra: ['Event: refer', 'Subscription-State: active;expires=60'] }));
    await rig.socket.waitFor(isResponse(200, 'NOTIFY'), mark);
    const finalMark = rig.socket.mark();
    rig.socket.deliver(call.far.request('NOTIFY', { ...sipfrag('200 OK'), extra: ['Event: refer', 'Subscription-State: terminated;reason=noresource'] }));
    await rig.socket.waitFor(isRequest('BYE'), finalMark);
    const order = rig.socket.sent.slice(finalMark).map((m) => `${statusOf(m) ?? ''} ${methodOf(m)}`.trim());
    expect(order.slice(0, 2)).toEqual(['200 NOTIFY', 'BYE']);
    await until(rig, () => call.session.state.phase === 'ended', 'ended');
    expect(call.session.state.end).toMatchObject({ cause: 'transferred' });
  });

  test('hanging up on `accepted`: the ACK of the 200 goes out before our BYE', async () => {
    const mark = rig.socket.mark();
    const result = await rig.phone.call('bob', { mediaStream: fakeAudioStream() });
    const session = rig.phone.getSession(result.callId!)!;
    session.on('accepted', () => session.hangup());
    const invite = await rig.socket.waitFor(isRequest('INVITE'), mark);
    const far = FarEnd.uas(invite);
    const okMark = rig.socket.mark();
    rig.socket.deliver(far.respond(invite, 200, 'OK', { body: sdp('sendrecv') }));
    await rig.socket.waitFor(isRequest('BYE'), okMark);
    const order = rig.socket.sent.slice(okMark).map((m) => methodOf(m));
    expect(order.slice(0, 2)).toEqual(['ACK', 'BYE']);
  });

  test('a call rejected at once (over the cap) gets its 486 without a 180 first', async () => {
    rig.destroy();
    rig = await inProcessPhone({ phone: { maxCalls: 1, callWaiting: false } as never });
    const first = FarEnd.invite(rig.aor, sdp('sendrecv'));
    const mark = rig.socket.mark();
    rig.socket.deliver(first.raw);
    await rig.socket.waitFor(isResponse(180, 'INVITE'), mark);
    const second = FarEnd.invite(rig.aor, sdp('sendrecv'));
    const secondMark = rig.socket.mark();
    rig.socket.deliver(second.raw);
    const final = await rig.socket.waitFor((m) => (statusOf(m) ?? 0) >= 300 && m.includes(second.far.callId), secondMark);
    expect(statusOf(final)).toBe(486);
    expect(rig.socket.all((m) => statusOf(m) === 180 && m.includes(second.far.callId), secondMark)).toEqual([]);
  });
});
