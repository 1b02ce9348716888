/**
 * Every SDP the phone sends while it holds the call says `sendonly` (or `inactive` when the far end
 * holds it too), whatever exchange carries it, and the state shown is the direction on the wire.
 * Real JsSIP, raw SIP through an in-process socket.
 */
import { FarEnd, bodyOf, directionOf, installSignallingOnlyWebRtc, inProcessPhone, isRequest, sdp, type InProcessPhone } from '../../support/in-process-sip';
import { confirmedOutgoingCall, farRequest, heldCall, until } from './call-rig';

installSignallingOnlyWebRtc();

describe('hold on the wire (JsSIP adapter, in-process SIP)', () => {
  let rig: InProcessPhone;
  beforeEach(async () => {
    rig = await inProcessPhone();
  });
  afterEach(() => rig.destroy());

  test('the hold re-INVITE offers sendonly; held only once the 200 arrived', async () => {
    const call = await confirmedOutgoingCall(rig);
    const mark = rig.socket.mark();
    expect(call.session.hold()).toBe(true);
    const invite = await rig.socket.waitFor(isRequest('INVITE'), mark);
    expect(directionOf(bodyOf(invite))).toBe('sendonly');
    expect(call.session.state.hold).toBe('holding');
    rig.socket.deliver(call.far.respond(invite, 200, 'OK', { body: sdp('recvonly', 2) }));
    await until(rig, () => call.session.state.hold === 'held', 'held');
  });

  test('held, the far end re-INVITEs with sendrecv: the 200 answers sendonly and the call stays held', async () => {
    const call = await heldCall(rig);
    const ok = await farRequest(rig, call.far.request('INVITE', { body: sdp('sendrecv', 3) }));
    expect(ok).toMatch(/^SIP\/2\.0 200/);
    expect(directionOf(bodyOf(ok))).toBe('sendonly');
    rig.socket.deliver(call.far.ack());
    await rig.settle();
    expect(call.session.state).toMatchObject({ phase: 'confirmed', hold: 'held', remoteHold: false });
  });

  test('held, the far end holds us too (sendonly offer): the 200 answers inactive', async () => {
    const call = await heldCall(rig);
    const ok = await farRequest(rig, call.far.request('INVITE', { body: sdp('sendonly', 3) }));
    expect(directionOf(bodyOf(ok))).toBe('inactive');
    rig.socket.deliver(call.far.ack());
    await until(rig, () => call.session.state.remoteHold, 'remote hold');
    expect(call.session.state).toMatchObject({ hold: 'held', remoteHold: true });
  });

  test('held, the far end re-INVITEs without SDP: the offer in our 200 says sendonly', async () => {
    const call = await heldCall(rig);
    const ok = await farRequest(rig, call.far.request('INVITE'));
    expect(directionOf(bodyOf(ok))).toBe('sendonly');
    rig.socket.deliver(call.far.request('ACK', { body: sdp('recvonly', 3) }));
    await rig.settle();
    expect(call.session.state).toMatchObject({ phase: 'confirmed', hold: 'held' });
  });

  test('held, the far end sends an UPDATE with a sendrecv offer: the 200 answers sendonly', async () => {
    const call = await heldCall(rig);
    const ok = await farRequest(rig, call.far.request('UPDATE', { body: sdp('sendrecv', 3) }), 'UPDATE');
    expect(ok).toMatch(/^SIP\/2\.0 200/);
    expect(directionOf(bodyOf(ok))).toBe('sendonly');
    expect(call.session.state).toMatchObject({ hold: 'held' });
  });

  test('unheld again, a far-end re-INVITE is answered sendrecv', async () => {
    const call = await heldCall(rig);
    const mark = rig.socket.mark();
    expect(call.session.unhold()).toBe(true);
    const invite = await rig.socket.waitFor(isRequest('INVITE'), mark);
    expect(directionOf(bodyOf(invite))).toBe('sendrecv');
    rig.socket.deliver(call.far.respond(invite, 200, 'OK', { body: sdp('sendrecv', 3) }));
    await until(rig, () => call.session.state.hold === 'active', 'active');
    const ok = await farRequest(rig, call.far.request('INVITE', { body: sdp('sendrecv', 4) }));
    expect(directionOf(bodyOf(ok))).toBe('sendrecv');
  });

  test('an incoming call answered, then held: a far-end re-INVITE is answered sendonly', async () => {
    const { raw, far } = FarEnd.invite(rig.aor, sdp('sendrecv'));
    const incoming = new Promise<string>((resolve) => rig.phone.on('incoming', ({ session }) => resolve(session.callId)));
    rig.socket.deliver(raw);
    const session = rig.phone.getSession(await incoming)!;
    const mark = rig.socket.mark();
    await session.answer({ mediaStream: (await import('../../support/in-process-sip')).fakeAudioStream() });
    const ok = await rig.socket.waitFor((m) => /^SIP\/2\.0 200/.test(m), mark);
    const dialog = far.confirmed(ok);
    rig.socket.deliver(dialog.ack());
    await until(rig, () => session.state.phase === 'confirmed', 'confirmed');
    const holdMark = rig.socket.mark();
    expect(session.hold()).toBe(true);
    const invite = await rig.socket.waitFor(isRequest('INVITE'), holdMark);
    rig.socket.deliver(dialog.respond(invite, 200, 'OK', { body: sdp('recvonly', 2) }));
    await until(rig, () => session.state.hold === 'held', 'held');
    const answer = await farRequest(rig, dialog.request('INVITE', { body: sdp('sendrecv', 3) }));
    expect(directionOf(bodyOf(answer))).toBe('sendonly');
  });
  test('the far end holds us the RFC 2543 way (c=0.0.0.0, sendrecv): shown as remote hold, answered recvonly; a real address resumes', async () => {
    const call = await confirmedOutgoingCall(rig);
    const zero = sdp('sendrecv', 3).replace('c=IN IP4 127.0.0.1', 'c=IN IP4 0.0.0.0');
    const ok = await farRequest(rig, call.far.request('INVITE', { body: zero }));
    expect(directionOf(bodyOf(ok))).toBe('recvonly');
    rig.socket.deliver(call.far.ack());
    await until(rig, () => call.session.state.remoteHold, 'remote hold');
    const resumed = await farRequest(rig, call.far.request('INVITE', { body: sdp('sendrecv', 4) }));
    expect(directionOf(bodyOf(resumed))).toBe('sendrecv');
    rig.socket.deliver(call.far.ack());
    await until(rig, () => !call.session.state.remoteHold, 'remote hold lifted');
  });
});
