/**
 * What JsSIP gets wrong on the wire and the JsSIP adapter absorbs (a failed hold re-INVITE that
 * would end the call, re-INVITE glare, a late response after the call ended that would throw out of
 * the WebSocket handler, …), played by a scripted SIP peer (sipp, test/integration/sipp/*.xml)
 * through Kamailio, against a phone made with `createPhone` on the JsSIP user agent. Loopback only,
 * inside the tests' network namespace.
 */
import { createHash } from 'crypto';
import type { CallState, Session } from '../../src';
import { describeIntegration } from './environment';
import { Kamailio } from './kamailio';
import { Media, sleep, TestApp, until, untilPhone } from './phones';
import { SippUas } from './sipp';

jest.setTimeout(60_000);

describeIntegration('what PBX-like peers send, played by sipp, through the public API', () => {
  let k: Kamailio;
  let x: TestApp; // the phone under test
  let y: TestApp; // a second phone, to show x still works afterwards
  const warnings: string[] = [];
  const debugs: string[] = [];
  const uncaught: unknown[] = [];
  const onUncaught = (error: unknown) => uncaught.push(error);
  const media = new Media();
  let sipp: SippUas | null = null;

  beforeAll(async () => {
    process.on('uncaughtException', onUncaught);
    k = await Kamailio.start();
    x = new TestApp('2201', k, {
      ua: {
        logger: {
          debug: (message: string) => debugs.push(message),
          warn: (message: string, ...details: unknown[]) => warnings.push(`${message} ${details.map(String).join(' ')}`),
        },
      },
    });
    y = new TestApp('2202', k);
    await Promise.all([x.start(), y.start()]);
  });

  afterEach(async () => {
    sipp?.kill();
    sipp = null;
    for (const app of [x, y]) for (const s of app.phone.getSessions()) s.hangup();
    media.stopAll();
  });

  afterAll(async () => {
    process.off('uncaughtException', onUncaught);
    x?.phone.destroy();
    y?.phone.destroy();
    await sleep(300);
    await k?.stop();
  });

  async function callSipp(scenario: string): Promise<Session> {
    sipp = await SippUas.start(scenario);
    const result = await x.phone.call('sipp', media.options());
    expect(result).toMatchObject({ ok: true });
    const out = x.phone.getSession(result.callId!)!;
    try {
      await until(out, (s) => s.phase === 'confirmed');
    } catch (error) {
      throw new Error(`${String(error)}\nsipp:\n${sipp.errors()}\n${sipp.messages()}`);
    }
    return out;
  }

  /** The phone still works: a call to y is confirmed and hung up, and a fresh REGISTER succeeds. */
  async function stillWorks(): Promise<void> {
    const mark = y.log.mark();
    const result = await x.phone.call('2202', media.options());
    const out = x.phone.getSession(result.callId!)!;
    const inc = await y.incoming(mark);
    await inc.answer(media.options());
    await until(out, (s) => s.phase === 'confirmed');
    await until(inc, (s) => s.phase === 'confirmed');
    out.hangup();
    await until(inc, (s) => s.phase === 'ended');
    const from = x.log.mark();
    x.phone.reRegister('2201', createHash('md5').update(`2201:${k.domain}:pw2201`).digest('hex'));
    await x.log.waitFor('registered', { from });
    expect(x.log.all('registrationFailed', from)).toHaveLength(0);
  }

  test('trap 1: the hold re-INVITE is answered 488 → holdFailed, the call is kept (not held), a later hold works', async () => {
    const out = await callSipp('hold-488');
    const log = x.logOf(out.callId);
    expect(out.hold()).toBe(true);
    const failed = await log.waitFor<{ code: number | null; reason: string }>('holdFailed');
    expect(failed).toMatchObject({ code: 488 });
    expect(out.state).toMatchObject({ phase: 'confirmed', hold: 'active' });
    expect(out.isOnHold()).toBe(false);
    expect((out.RTCSession as { isOnHold(): { local: boolean } }).isOnHold().local).toBe(false);
    // the same call holds on the next try (sipp answers this one 200 recvonly)
    expect(out.hold()).toBe(true);
    await until(out, (s) => s.hold === 'held');
    expect(out.hangup()).toBe(true);
    const end = (await until(out, (s) => s.phase === 'ended')).end!;
    expect(end).toMatchObject({ cause: 'bye', originator: 'local' });
    expect(log.all('ended')).toEqual([{ callId: out.callId, cause: 'bye', code: null, originator: 'local' }]);
    expect(log.all('holdFailed')).toHaveLength(1);
    expect(await sipp!.done()).toBe(0);
    expect(uncaught).toEqual([]);
    expect(warnings.filter((w) => /threw/.test(w))).toEqual([]);
    await stillWorks();
  });

  test('trap 3: BYE while our hold re-INVITE is pending, then a late 487 → exactly one ended, no exception, the phone keeps working', async () => {
    const out = await callSipp('late-final-response');
    const log = x.logOf(out.callId);
    const ignoredBefore = debugs.filter((d) => /terminate\(\) on an ended session ignored/.test(d)).length;
    expect(out.hold()).toBe(true);
    const end = (await until(out, (s) => s.phase === 'ended')).end!;
    expect(end).toMatchObject({ cause: 'bye', originator: 'remote' });
    // sipp sends the 487 after the BYE's 200 and ends once the proxy ACKed it
    const code = await sipp!.done();
    if (code !== 0) throw new Error(`sipp exited ${code}\n${sipp!.errors()}\n${sipp!.messages()}`);
    // the 487 reached JsSIP's failure path, which tried to terminate the ended session: absorbed
    for (let i = 0; i < 100 && debugs.filter((d) => /terminate\(\) on an ended session ignored/.test(d)).length === ignoredBefore; i++) await sleep(20);
    expect(debugs.filter((d) => /terminate\(\) on an ended session ignored/.test(d)).length).toBe(ignoredBefore + 1);
    expect(log.all('ended')).toEqual([{ callId: out.callId, cause: 'bye', code: null, originator: 'remote' }]);
    expect(log.all('failed')).toHaveLength(0);
    expect(uncaught).toEqual([]);
    expect(warnings.filter((w) => /threw/.test(w))).toEqual([]);
    expect(x.phone.isRegistered).toBe(true);
    await untilPhone(x.phone, () => x.phone.getSessions().length === 0);
    await stillWorks();
  });
  /** sipp's exit code, with its log when it failed. */
  async function sippPassed(): Promise<void> {
    const code = await sipp!.done();
    if (code !== 0) throw new Error(`sipp exited ${code}\n${sipp!.errors()}\n${sipp!.messages()}`);
  }

  /** Every state the session shows from now on. */
  function history(out: Session): CallState[] {
    const seen: CallState[] = [];
    out.state$.subscribe((state) => seen.push(state));
    return seen;
  }

  test('held: every SDP the phone sends says sendonly (inactive while held both ways) — re-INVITE with and without SDP, UPDATE', async () => {
    const out = await callSipp('held-far-offers');
    const states = history(out);
    expect(out.hold()).toBe(true);
    await until(out, (s) => s.hold === 'held');
    const end = (await until(out, (s) => s.phase === 'ended', 30_000)).end!;
    expect(end).toMatchObject({ cause: 'bye', originator: 'remote' });
    // sipp checked the direction of every SDP the phone sent (a mismatch fails the scenario)
    await sippPassed();
    const afterHeld = states.slice(states.findIndex((s) => s.hold === 'held')).filter((s) => s.phase === 'confirmed');
    expect(afterHeld.every((s) => s.hold === 'held')).toBe(true);
    expect(afterHeld.some((s) => s.remoteHold)).toBe(true);
    expect(uncaught).toEqual([]);
  });

  test('re-INVITE glare: the crossed far-end re-INVITE gets 491 and no event; the hold is retried and committed; held stays on the wire', async () => {
    const out = await callSipp('reinvite-glare');
    const log = x.logOf(out.callId);
    expect(out.hold()).toBe(true);
    await until(out, (s) => s.hold === 'held', 20_000);
    const end = (await until(out, (s) => s.phase === 'ended', 30_000)).end!;
    expect(end).toMatchObject({ cause: 'bye', originator: 'remote' });
    await sippPassed();
    // only sipp's retried re-INVITE (after the glare) took effect and was reported
    expect(log.all('reinvite')).toHaveLength(1);
    expect(log.all('holdFailed')).toHaveLength(0);
    expect(uncaught).toEqual([]);
  });

  test('forked 2xx: the second answer is ACKed and BYEd on its own dialog; the call stays with the first and nothing is reported', async () => {
    const out = await callSipp('forked-2xx');
    const log = x.logOf(out.callId);
    for (let i = 0; i < 200 && !/BYE sip:sipp@[^\n]*\n[\s\S]*tag=sipp-mobile/.test(sipp!.messages()); i++) await sleep(25);
    await sleep(200);
    expect(out.state.phase).toBe('confirmed');
    expect(log.all('ended')).toHaveLength(0);
    expect(log.all('failed')).toHaveLength(0);
    expect(out.hangup()).toBe(true);
    expect((await until(out, (s) => s.phase === 'ended')).end).toMatchObject({ cause: 'bye', originator: 'local' });
    // sipp checked the To-tags of both ACKs and both BYEs
    await sippPassed();
    expect(log.all('ended')).toHaveLength(1);
    expect(uncaught).toEqual([]);
  });

  test('blind transfer: the 200 to the final NOTIFY reaches the transferee before the BYE', async () => {
    const out = await callSipp('blind-transfer-notify');
    expect(out.blindTransfer('2202')).toBe(true);
    const end = (await until(out, (s) => s.phase === 'ended')).end!;
    expect(end).toMatchObject({ cause: 'transferred' });
    // sipp fails on a BYE that arrives before the 200
    await sippPassed();
    expect(uncaught).toEqual([]);
  });

  test('an INFO without a body (PBX keep-alive) is answered 200 and changes nothing', async () => {
    const out = await callSipp('info-keepalive');
    const log = x.logOf(out.callId);
    const end = (await until(out, (s) => s.phase === 'ended')).end!;
    expect(end).toMatchObject({ cause: 'bye', originator: 'remote' });
    await sippPassed();
    expect(log.all('info')).toHaveLength(0);
    expect(uncaught).toEqual([]);
  });
  test('an RFC 2543 hold (c=0.0.0.0) is shown as remote hold and answered recvonly; a real address resumes', async () => {
    const out = await callSipp('zero-address-hold');
    const states = history(out);
    const end = (await until(out, (s) => s.phase === 'ended')).end!;
    expect(end).toMatchObject({ cause: 'bye', originator: 'remote' });
    // sipp checked the directions of both answers
    await sippPassed();
    const remote = states.filter((s) => s.phase === 'confirmed').map((s) => s.remoteHold);
    expect(remote).toContain(true);
    expect(remote[remote.length - 1]).toBe(false);
    expect(uncaught).toEqual([]);
  });
  test('an UPDATE without a body while ringing (early dialog) is answered 200 and the call proceeds', async () => {
    const out = await callSipp('early-update');
    expect(out.hangup()).toBe(true);
    expect((await until(out, (s) => s.phase === 'ended')).end).toMatchObject({ cause: 'bye', originator: 'local' });
    // sipp fails on anything but a 200 to its UPDATE
    await sippPassed();
    expect(uncaught).toEqual([]);
  });
  test('a 422 with Min-SE (RFC 4028): the INVITE is sent again with that interval and the call is answered', async () => {
    const out = await callSipp('session-interval-422');
    expect(out.hangup()).toBe(true);
    expect((await until(out, (s) => s.phase === 'ended')).end).toMatchObject({ cause: 'bye', originator: 'local' });
    // sipp checked the Session-Expires of both INVITEs
    await sippPassed();
    expect(uncaught).toEqual([]);
  });
});
