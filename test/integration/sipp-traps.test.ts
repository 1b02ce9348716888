/**
 * What JsSIP gets wrong on the wire and the JsSIP adapter absorbs (a failed hold re-INVITE that
 * would end the call, re-INVITE glare, a late response after the call ended that would throw out of
 * the WebSocket handler, …), played by a scripted SIP peer (sipp, test/integration/sipp/*.xml)
 * through Kamailio, against a phone made with `createPhone` on the JsSIP user agent. Loopback only,
 * inside the tests' network namespace.
 */
import { createHash } from 'crypto';
import type { Session } from '../../src';
import { describeIntegration } from './environment';
import { Kamailio } from './kamailio';
import { Media, sleep, TestApp, until, untilPhone } from './phones';
import { SippUas } from './sipp';

jest.setTimeout(60_000);

describeIntegration('jssip-observed.md traps with sipp, through the public API', () => {
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
});
