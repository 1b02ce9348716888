/**
 * How calls end and how an incoming REFER is decided, through the public API (`createPhone` on the
 * JsSIP user agent) against a real Kamailio, inside the loopback-only network namespace:
 * `disconnect()` ends every call on the wire with its cause, `terminate(type)` declines with the
 * phone's `rejectCode` and refuses unknown types, the `refer` option decides incoming REFERs (the
 * transferor sees the final NOTIFY) within the call cap, and registration causes are the port's.
 */
import type { Session } from '../../src';
import { describeIntegration } from './environment';
import { Kamailio } from './kamailio';
import { Media, sleep, TestApp, until, untilPhone, establish as establishCall, placeCall } from './phones';

jest.setTimeout(120_000);

describeIntegration('call ending and REFER decisions on JsSIP against Kamailio', () => {
  let k: Kamailio;
  const media = new Media();
  const made: TestApp[] = [];

  beforeAll(async () => {
    k = await Kamailio.start();
  });

  afterEach(async () => {
    for (const x of made) for (const s of x.phone.getSessions()) s.hangup();
    await Promise.all(made.flatMap((x) => x.phone.getSessions().map((s) => until(s, (st) => st.phase === 'ended', 10_000).catch(() => undefined))));
    for (const x of made.splice(0)) x.phone.destroy();
    await sleep(200);
    media.stopAll();
  });

  afterAll(async () => {
    await sleep(300);
    await k?.stop();
  });

  /** A started, registered phone of this test. */
  async function app(user: string, phone: ConstructorParameters<typeof TestApp>[2] extends infer O ? O extends { phone?: infer P } ? P : never : never = {}): Promise<TestApp> {
    const x = new TestApp(user, k, { phone });
    made.push(x);
    await x.start();
    return x;
  }

  /** `from` calls `to`, `to` answers; both confirmed. */
  const establish = (from: TestApp, to: TestApp) => establishCall(media, from, to);

  /** `from` calls `to`; resolves while `to` rings. */
  async function ring(from: TestApp, to: TestApp): Promise<{ out: Session; inc: Session }> {
    const call = await placeCall(media, from, to);
    await until(call.out, (s) => s.phase === 'ringing');
    return call;
  }

  describe("terminate(type) declines with the phone's rejectCode", () => {
    test.each(['hangup', 'terminate'] as const)("terminate('%s') on a ringing call of a phone with rejectCode 603: the caller gets 603", async (type) => {
      const a = await app(type === 'hangup' ? '3001' : '3011');
      const b = await app(type === 'hangup' ? '3002' : '3012', { rejectCode: 603 });
      const { out, inc } = await ring(a, b);
      expect(inc.terminate(type)).toBe(true);
      expect((await until(out, (s) => s.phase === 'ended')).end).toMatchObject({ cause: 'rejected', code: 603, originator: 'remote' });
      expect((await until(inc, (s) => s.phase === 'ended')).end).toMatchObject({ cause: 'rejected', originator: 'local' });
    });

    test('an unknown type is refused; the call keeps ringing and can still be answered', async () => {
      const a = await app('3003');
      const b = await app('3004', { rejectCode: 603 });
      const { out, inc } = await ring(a, b);
      expect(b.phone.terminate(inc.callId, 'drop' as never)).toBe(false);
      expect(b.phone.lastRefusal).toMatchObject({ command: 'terminate', reason: 'invalid-input' });
      await sleep(300); // room for a wrongly sent final response to reach the caller
      expect(out.state.phase).toBe('ringing');
      expect(await inc.answer(media.options())).toMatchObject({ ok: true });
      await until(out, (s) => s.phase === 'confirmed');
    });
  });

  describe('disconnect() ends every call on the wire, each with its cause, then goes offline', () => {
    test('established → BYE, placing → CANCEL, ringing incoming → 480; the far ends see it; then unregistered and disconnected', async () => {
      const a = await app('3021', { maxCalls: 3, autoHold: false });
      const [b, c, d] = await Promise.all([app('3022'), app('3023'), app('3024')]);
      const { out: ab, inc: ba } = await establish(a, b);
      const { out: ac, inc: ca } = await ring(a, c);
      const { out: da, inc: ad } = await ring(d, a);
      const mark = a.log.mark();

      expect(a.phone.disconnect()).toBe(true);

      expect((await until(ab, (s) => s.phase === 'ended')).end).toMatchObject({ cause: 'bye', originator: 'local' });
      expect((await until(ac, (s) => s.phase === 'ended')).end).toMatchObject({ cause: 'canceled', originator: 'local' });
      expect((await until(ad, (s) => s.phase === 'ended')).end).toMatchObject({ cause: 'rejected', code: 480, originator: 'local' });
      expect((await until(ba, (s) => s.phase === 'ended')).end).toMatchObject({ cause: 'bye', originator: 'remote' });
      expect((await until(ca, (s) => s.phase === 'ended')).end).toMatchObject({ cause: 'canceled', originator: 'remote' });
      expect((await until(da, (s) => s.phase === 'ended')).end).toMatchObject({ cause: 'unavailable', code: 480, originator: 'remote' });

      await a.log.waitFor('disconnected', { from: mark });
      expect(a.log.all('disconnected', mark)).toEqual([{ cause: 'stopped', reason: 'stopped' }]);
      await untilPhone(a.phone, () => a.phone.getSessions().length === 0);
      const removed = a.log.all<{ callId: string; cause: string }>('deleteSession', mark);
      expect(removed.map((r) => [r.callId, r.cause]).sort()).toEqual(
        [
          [ab.callId, 'bye'],
          [ac.callId, 'canceled'],
          [ad.callId, 'rejected'],
        ].sort(),
      );
      expect(a.phone.state).toMatchObject({ transport: 'disconnected', registration: 'unregistered' });
    });
  });

  describe('incoming REFER: the refer option decides, the transferor sees the final NOTIFY', () => {
    test("'decline': the transferor's transfer fails with 603, the call goes on, no call to the target", async () => {
      const [a, b, c] = await Promise.all([app('3031'), app('3032', { refer: 'decline' }), app('3033')]);
      const { out: ab, inc: ba } = await establish(a, b);
      const [bMark, cMark] = [b.log.mark(), c.log.mark()];
      expect(ab.blindTransfer(c.user)).toBe(true);
      expect(await b.log.waitFor('referReceived', { from: bMark })).toMatchObject({ callId: ba.callId, accepted: false, outcome: 'declined' });
      expect(await a.logOf(ab.callId).waitFor('transferFailed')).toMatchObject({ callId: ab.callId, code: 603 });
      await until(ab, (s) => s.transfer === 'idle');
      expect([ab.state.phase, ba.state.phase]).toEqual(['confirmed', 'confirmed']);
      expect(b.phone.getSessions()).toHaveLength(1);
      expect(c.log.all('incoming', cMark)).toHaveLength(0);
    });

    test('a function answering true after asking: B calls the target, the transfer succeeds', async () => {
      let asked: { callId: string; target: string } | null = null;
      let answer: (accept: boolean) => void = () => undefined;
      const decider = (request: { callId: string; target: string }) => {
        asked = request;
        return new Promise<boolean>((resolve) => (answer = resolve));
      };
      const [a, b, c] = await Promise.all([app('3041'), app('3042', { refer: decider }), app('3043')]);
      const { out: ab, inc: ba } = await establish(a, b);
      const [bMark, cMark] = [b.log.mark(), c.log.mark()];
      expect(ab.blindTransfer(c.user)).toBe(true);
      await until(ab, (s) => s.transfer === 'blind.awaitingOutcome');
      await untilPhone(b.phone, () => asked !== null);
      expect(asked).toMatchObject({ callId: ba.callId, target: expect.stringContaining('3043') });
      expect(b.log.all('referReceived', bMark)).toHaveLength(0);
      answer(true);
      expect(await b.log.waitFor('referReceived', { from: bMark })).toMatchObject({ accepted: true, outcome: 'accepted' });
      const cb = await c.incoming(cMark);
      await cb.answer(media.options());
      await until(cb, (s) => s.phase === 'confirmed');
      expect((await until(ab, (s) => s.phase === 'ended')).end).toMatchObject({ cause: 'transferred' });
    });

    test('no answer within referTimeoutMs: declined as timeout, the transferor sees 603', async () => {
      const never = () => new Promise<boolean>(() => undefined);
      const [a, b, c] = await Promise.all([app('3051'), app('3052', { refer: never, referTimeoutMs: 500 }), app('3053')]);
      const { out: ab } = await establish(a, b);
      const [bMark, cMark] = [b.log.mark(), c.log.mark()];
      ab.blindTransfer(c.user);
      expect(await b.log.waitFor('referReceived', { from: bMark })).toMatchObject({ accepted: false, outcome: 'timeout' });
      expect(await a.logOf(ab.callId).waitFor('transferFailed')).toMatchObject({ code: 603 });
      expect(c.log.all('incoming', cMark)).toHaveLength(0);
      expect(ab.state.phase).toBe('confirmed');
    });

    test('call waiting off (cap 1): declined as over-cap, B never has two calls', async () => {
      const [a, b, c] = await Promise.all([app('3061'), app('3062', { callWaiting: false }), app('3063')]);
      const { out: ab } = await establish(a, b);
      const [bMark, cMark] = [b.log.mark(), c.log.mark()];
      let most = 0;
      const sub = b.phone.sessions$.subscribe((sessions) => (most = Math.max(most, sessions.length)));
      ab.blindTransfer(c.user);
      expect(await b.log.waitFor('referReceived', { from: bMark })).toMatchObject({ accepted: false, outcome: 'over-cap' });
      expect(await a.logOf(ab.callId).waitFor('transferFailed')).toMatchObject({ code: 603 });
      sub.unsubscribe();
      expect(most).toBe(1);
      expect(c.log.all('incoming', cMark)).toHaveLength(0);
    });
  });

  describe('registration and transport causes are the port vocabulary', () => {
    test("wrong password → registrationFailed 'authentication-error' 401 (not JsSIP's 'Authentication Error')", async () => {
      const bad = new TestApp('3071', k, { ua: { credentials: { authorizationUser: '3071', password: 'wrong' } } });
      made.push(bad);
      bad.phone.start();
      expect(await bad.log.waitFor('registrationFailed')).toEqual({ cause: 'authentication-error', code: 401, attempt: 1, willRetry: false });
    });

    test("disconnect() reports disconnected with cause 'stopped'", async () => {
      const x = await app('3072');
      const mark = x.log.mark();
      x.phone.disconnect();
      expect(await x.log.waitFor('disconnected', { from: mark })).toEqual({ cause: 'stopped', reason: 'stopped' });
    });
  });
});
