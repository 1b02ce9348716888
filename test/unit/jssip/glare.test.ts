/**
 * Re-INVITE glare (RFC 3261 §14): a far-end re-INVITE that crossed ours is answered 491 and leaves no
 * trace; our own re-INVITE answered 491 is retried after §14.1's delay with a fresh offer.
 * Real JsSIP, raw SIP through an in-process socket.
 */
import { glareRetryDelayMs } from '../../../adapters/jssip/session-fixes';
import { bodyOf, directionOf, installSignallingOnlyWebRtc, inProcessPhone, isRequest, isResponse, sdp, statusOf, methodOf, type InProcessPhone } from '../../support/in-process-sip';
import { confirmedOutgoingCall, heldCall, until } from './call-rig';

installSignallingOnlyWebRtc();

describe('re-INVITE glare (JsSIP adapter, in-process SIP)', () => {
  let rig: InProcessPhone;
  beforeEach(async () => {
    rig = await inProcessPhone();
  });
  afterEach(() => {
    jest.useRealTimers();
    rig.destroy();
  });

  test('the far end re-INVITE crossing our hold is answered 491 and surfaces nothing (no reinvite, no remote hold, no 200)', async () => {
    const call = await confirmedOutgoingCall(rig);
    const reinvites: unknown[] = [];
    call.session.on('reinvite', (e) => reinvites.push(e));
    const mark = rig.socket.mark();
    expect(call.session.hold()).toBe(true);
    const ours = await rig.socket.waitFor(isRequest('INVITE'), mark);
    rig.socket.deliver(call.far.request('INVITE', { body: sdp('sendonly', 5) }));
    await rig.socket.waitFor(isResponse(491, 'INVITE'), mark);
    await rig.settle();
    await rig.settle();
    expect(reinvites).toEqual([]);
    expect(call.session.state.remoteHold).toBe(false);
    expect(rig.socket.all((m) => statusOf(m) === 200 && methodOf(m) === 'INVITE', mark)).toEqual([]);
    // our hold still completes
    rig.socket.deliver(call.far.respond(ours, 200, 'OK', { body: sdp('recvonly', 2) }));
    await until(rig, () => call.session.state.hold === 'held', 'held');
    expect(reinvites).toEqual([]);
    expect(rig.warnings.filter((w) => /threw/.test(w))).toEqual([]);
  });

  test('RFC 3261 §14.1 delays: 2.1–4 s for the Call-ID owner, 0–2 s otherwise', () => {
    expect(glareRetryDelayMs(true, () => 0)).toBe(2100);
    expect(glareRetryDelayMs(true, () => 0.999999)).toBeLessThanOrEqual(4000);
    expect(glareRetryDelayMs(true, () => 0.999999)).toBeGreaterThan(3990);
    expect(glareRetryDelayMs(false, () => 0)).toBe(0);
    expect(glareRetryDelayMs(false, () => 0.999999)).toBeLessThan(2000);
  });

  test('our hold re-INVITE answered 491 (we own the Call-ID): no retry before 2.1 s, a fresh sendonly offer by 4 s, then held', async () => {
    const call = await confirmedOutgoingCall(rig);
    jest.useFakeTimers({ doNotFake: ['queueMicrotask', 'nextTick', 'setImmediate'] });
    const mark = rig.socket.mark();
    expect(call.session.hold()).toBe(true);
    const first = await rig.socket.waitFor(isRequest('INVITE'), mark);
    const afterFirst = rig.socket.mark();
    rig.socket.deliver(call.far.respond(first, 491, 'Request Pending'));
    await rig.settle();
    jest.advanceTimersByTime(2099);
    await rig.settle();
    expect(rig.socket.all(isRequest('INVITE'), afterFirst)).toEqual([]);
    jest.advanceTimersByTime(1901);
    await rig.settle();
    const retries = rig.socket.all(isRequest('INVITE'), afterFirst);
    expect(retries).toHaveLength(1);
    const retry = retries[0]!;
    expect(directionOf(bodyOf(retry))).toBe('sendonly');
    expect(Number(/^CSeq:\s*(\d+)/m.exec(retry)![1])).toBeGreaterThan(Number(/^CSeq:\s*(\d+)/m.exec(first)![1]));
    expect(call.session.state.hold).toBe('holding');
    rig.socket.deliver(call.far.respond(retry, 200, 'OK', { body: sdp('recvonly', 2) }));
    await until(rig, () => call.session.state.hold === 'held', 'held');
  });

  test('491 twice: holdFailed with 491, the call goes on not held, and the next hold works', async () => {
    const call = await confirmedOutgoingCall(rig);
    const failures: Array<{ code: number | null }> = [];
    call.session.on('holdFailed', (e) => failures.push(e));
    jest.useFakeTimers({ doNotFake: ['queueMicrotask', 'nextTick', 'setImmediate'] });
    const mark = rig.socket.mark();
    expect(call.session.hold()).toBe(true);
    const first = await rig.socket.waitFor(isRequest('INVITE'), mark);
    rig.socket.deliver(call.far.respond(first, 491, 'Request Pending'));
    await rig.settle();
    const afterFirst = rig.socket.mark();
    jest.advanceTimersByTime(4000);
    await rig.settle();
    const retry = await rig.socket.waitFor(isRequest('INVITE'), afterFirst);
    rig.socket.deliver(call.far.respond(retry, 491, 'Request Pending'));
    await until(rig, () => failures.length === 1, 'holdFailed');
    expect(failures[0]).toMatchObject({ code: 491 });
    expect(call.session.state).toMatchObject({ phase: 'confirmed', hold: 'active' });
    expect(rig.socket.all(isRequest('BYE'), mark)).toEqual([]);
    jest.advanceTimersByTime(10_000);
    await rig.settle();
    const again = rig.socket.mark();
    expect(call.session.hold()).toBe(true);
    const third = await rig.socket.waitFor(isRequest('INVITE'), again);
    expect(directionOf(bodyOf(third))).toBe('sendonly');
    rig.socket.deliver(call.far.respond(third, 200, 'OK', { body: sdp('recvonly', 3) }));
    await until(rig, () => call.session.state.hold === 'held', 'held');
  });

  test('after glare while held, the far end retries its sendrecv re-INVITE: answered sendonly, still held', async () => {
    const call = await heldCall(rig);
    const reinvites: unknown[] = [];
    call.session.on('reinvite', (e) => reinvites.push(e));
    const mark = rig.socket.mark();
    rig.socket.deliver(call.far.request('INVITE', { body: sdp('sendrecv', 7) }));
    const ok = await rig.socket.waitFor((m) => statusOf(m) === 200 && methodOf(m) === 'INVITE', mark);
    expect(directionOf(bodyOf(ok))).toBe('sendonly');
    rig.socket.deliver(call.far.ack());
    await rig.settle();
    expect(reinvites).toHaveLength(1);
    expect(call.session.state.hold).toBe('held');
  });
});
