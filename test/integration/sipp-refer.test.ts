/**
 * A PBX-like transferor played by sipp (test/integration/sipp/refer-declined.xml) through Kamailio
 * sends an in-dialog REFER to a phone made with `createPhone` on the JsSIP user agent. sipp itself
 * checks the wire: 202, NOTIFY 100 with an active subscription, then the final NOTIFY 603 with
 * Subscription-State terminated. Loopback only, inside the tests' network namespace.
 */
import type { PhoneOptions, Session } from '../../src';
import { describeIntegration } from './environment';
import { Kamailio } from './kamailio';
import { Media, sleep, TestApp, until } from './phones';
import { SippUas } from './sipp';

jest.setTimeout(60_000);

describeIntegration('incoming REFER declined, settled on the wire (sipp transferor)', () => {
  let k: Kamailio;
  let sipp: SippUas | null = null;
  let x: TestApp | null = null;
  const media = new Media();

  beforeAll(async () => {
    k = await Kamailio.start();
  });

  afterEach(async () => {
    sipp?.kill();
    sipp = null;
    x?.phone.destroy();
    x = null;
    await sleep(200);
    media.stopAll();
  });

  afterAll(async () => {
    await k?.stop();
  });

  async function referredBySipp(user: string, phone: Partial<PhoneOptions>): Promise<{ app: TestApp; out: Session }> {
    const app = new TestApp(user, k, { phone });
    x = app;
    await app.start();
    sipp = await SippUas.start('refer-declined');
    const result = await app.phone.call('sipp', media.options());
    expect(result).toMatchObject({ ok: true });
    const out = app.phone.getSession(result.callId!)!;
    await until(out, (s) => s.phase === 'confirmed');
    return { app, out };
  }

  /** The phone's referReceived, with what sipp saw when it does not come. */
  async function referReceived(app: TestApp): Promise<Record<string, unknown>> {
    try {
      return await app.log.waitFor('referReceived');
    } catch (error) {
      throw new Error(`${String(error)}\nsipp:\n${sipp!.errors()}\n${sipp!.messages()}`);
    }
  }

  async function sippPassed(): Promise<void> {
    const code = await sipp!.done();
    if (code !== 0) throw new Error(`sipp exited ${code}\n${sipp!.errors()}\n${sipp!.messages()}`);
  }

  test("refer: 'decline' → 202, NOTIFY 100, final NOTIFY 603 (terminated); the call goes on until the PBX hangs up", async () => {
    const { app, out } = await referredBySipp('3101', { refer: 'decline' });
    expect(await referReceived(app)).toMatchObject({ callId: out.callId, target: expect.stringContaining('3999'), accepted: false, outcome: 'declined' });
    await sippPassed();
    expect((await until(out, (s) => s.phase === 'ended')).end).toMatchObject({ cause: 'bye', originator: 'remote' });
    expect(app.log.all('newRTCSession')).toHaveLength(1); // no call to 3999
  });

  test('call waiting off (cap 1), default policy → declined as over-cap, same final NOTIFY 603; never two calls', async () => {
    const { app, out } = await referredBySipp('3102', { callWaiting: false });
    let most = 0;
    const sub = app.phone.sessions$.subscribe((sessions) => (most = Math.max(most, sessions.length)));
    expect(await referReceived(app)).toMatchObject({ callId: out.callId, accepted: false, outcome: 'over-cap' });
    await sippPassed();
    await until(out, (s) => s.phase === 'ended');
    sub.unsubscribe();
    expect(most).toBe(1);
  });
});
