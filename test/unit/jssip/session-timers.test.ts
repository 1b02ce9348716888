/**
 * RFC 4028: a 422 (Session Interval Too Small) to our INVITE is retried with the far end's Min-SE.
 * Real JsSIP, raw SIP through an in-process socket.
 */
import { FarEnd, fakeAudioStream, headerOf, installSignallingOnlyWebRtc, inProcessPhone, isRequest, sdp, type InProcessPhone } from '../../support/in-process-sip';
import { until } from './call-rig';

installSignallingOnlyWebRtc();

describe('session timers (JsSIP adapter, in-process SIP)', () => {
  let rig: InProcessPhone;
  beforeEach(async () => {
    rig = await inProcessPhone({ ua: { sessionTimers: true } });
  });
  afterEach(() => rig.destroy());

  test('a 422 with Min-SE 1800: the INVITE goes again (next CSeq, same Call-ID) asking for 1800, and the call is answered', async () => {
    const mark = rig.socket.mark();
    const result = await rig.phone.call('bob', { mediaStream: fakeAudioStream() });
    const session = rig.phone.getSession(result.callId!)!;
    const first = await rig.socket.waitFor(isRequest('INVITE'), mark);
    expect(headerOf(first, 'Session-Expires')).toMatch(/^90\b/);
    const far = FarEnd.uas(first);
    const retryMark = rig.socket.mark();
    rig.socket.deliver(far.respond(first, 422, 'Session Interval Too Small', { extra: ['Min-SE: 1800'] }));
    const retry = await rig.socket.waitFor(isRequest('INVITE'), retryMark);
    expect(headerOf(retry, 'Call-ID')).toBe(headerOf(first, 'Call-ID'));
    expect(Number.parseInt(headerOf(retry, 'CSeq')!, 10)).toBe(Number.parseInt(headerOf(first, 'CSeq')!, 10) + 1);
    expect(headerOf(retry, 'Session-Expires')).toMatch(/^1800\b/);
    expect(headerOf(retry, 'Min-SE')).toBe('1800');
    expect(session.state.phase).not.toBe('ended');
    rig.socket.deliver(far.respond(retry, 200, 'OK', { body: sdp('sendrecv'), extra: ['Session-Expires: 1800;refresher=uac', 'Require: timer'] }));
    await until(rig, () => session.state.phase === 'confirmed', 'confirmed');
    expect(rig.socket.all(isRequest('ACK'), retryMark).length).toBeGreaterThan(0);
  });

  test('a second 422 ends the call as before (no endless retries)', async () => {
    const mark = rig.socket.mark();
    const result = await rig.phone.call('bob', { mediaStream: fakeAudioStream() });
    const session = rig.phone.getSession(result.callId!)!;
    const first = await rig.socket.waitFor(isRequest('INVITE'), mark);
    const far = FarEnd.uas(first);
    const retryMark = rig.socket.mark();
    rig.socket.deliver(far.respond(first, 422, 'Session Interval Too Small', { extra: ['Min-SE: 1800'] }));
    const retry = await rig.socket.waitFor(isRequest('INVITE'), retryMark);
    rig.socket.deliver(far.respond(retry, 422, 'Session Interval Too Small', { extra: ['Min-SE: 3600'] }));
    await until(rig, () => session.state.phase === 'ended', 'ended');
    expect(session.state.end).toMatchObject({ code: 422 });
  });
});
