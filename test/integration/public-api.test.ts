/**
 * The public API (`createPhone`) on the JsSIP adapter, against a real Kamailio and real WebRTC, inside
 * a loopback-only network namespace.
 */
import { filter, firstValueFrom, timeout } from 'rxjs';
import { createPhone, type CallQualityReport, type CallState, type Phone, type Session } from '../../src';
import { createJsSipUserAgent } from '../../adapters/jssip';
import { createToneStream, installNodeWebRtc, type ToneStream } from '../../adapters/jssip/node';
import * as JsSIP from 'jssip';
import { describeIntegration } from './environment';
import { Kamailio } from './kamailio';

installNodeWebRtc();
jest.setTimeout(90_000);

const streams: ToneStream[] = [];
function media(): { mediaStream: MediaStream } {
  const tone = createToneStream(400 + 50 * streams.length);
  streams.push(tone);
  return { mediaStream: tone.stream };
}

function until(session: Session, predicate: (s: CallState) => boolean, ms = 10_000): Promise<CallState> {
  return firstValueFrom(session.state$.pipe(filter(predicate), timeout(ms)));
}

function nextIncoming(phone: Phone, ms = 10_000): Promise<Session> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no incoming call')), ms);
    const off = phone.on('incoming', ({ session }) => {
      clearTimeout(timer);
      off();
      resolve(session);
    });
  });
}

function waitPhone(phone: Phone, predicate: () => boolean, ms = 15_000): Promise<void> {
  return firstValueFrom(phone.state$.pipe(filter(() => predicate()), timeout(ms))).then(() => undefined);
}

const median = (xs: number[]) => {
  const s = [...xs].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

describeIntegration('public API (createPhone) on JsSIP against Kamailio', () => {
  let k: Kamailio;
  const phones: Record<string, Phone> = {};

  function makePhone(user: string, extra: Partial<Parameters<typeof createPhone>[0]> = {}): Phone {
    const userAgent = createJsSipUserAgent({
      uri: `sip:${user}@${k.domain}`,
      servers: k.wsUrl,
      credentials: { authorizationUser: user, password: `pw${user}` },
      connectionRecovery: { minInterval: 1, maxInterval: 2 },
      iceGathering: { stopAtFirstHostCandidate: true },
    });
    return createPhone({ userAgent, reportIntervalMs: 1000, ...extra });
  }

  beforeAll(async () => {
    k = await Kamailio.start();
    phones.a = makePhone('2001');
    phones.b = makePhone('2002');
    phones.c = makePhone('2003', { maxCalls: 1 });
    for (const p of Object.values(phones)) p.start();
    await Promise.all(Object.values(phones).map((p) => waitPhone(p, () => p.isRegistered)));
  });

  afterAll(async () => {
    for (const p of Object.values(phones)) p.destroy();
    await new Promise((r) => setTimeout(r, 300));
    for (const s of streams) s.stop();
    await k?.stop();
  });

  async function establish(from: Phone, to: Phone, number: string): Promise<{ out: Session; inc: Session }> {
    const incoming = nextIncoming(to);
    const result = await from.call(number, media());
    expect(result.ok).toBe(true);
    const out = from.getSession(result.callId!)!;
    const inc = await incoming;
    expect((await inc.answer(media())).ok).toBe(true);
    await until(out, (s) => s.phase === 'confirmed');
    await until(inc, (s) => s.phase === 'confirmed');
    return { out, inc };
  }

  async function hangup(x: Session, y: Session): Promise<void> {
    x.hangup();
    await until(x, (s) => s.phase === 'ended');
    await until(y, (s) => s.phase === 'ended');
  }

  test('every phone registered', () => {
    expect(Object.values(phones).map((p) => p.isRegistered)).toEqual([true, true, true]);
  });

  test('call, answer, both confirmed; report$ has packets and a MOS from the second report', async () => {
    const { out, inc } = await establish(phones.a!, phones.b!, '2002');
    expect(out.isEstablished()).toBe(true);
    expect(inc.isIncoming()).toBe(true);
    const reports: CallQualityReport[] = [];
    const sub = out.report$.subscribe((r) => reports.push(r));
    await new Promise((r) => setTimeout(r, 2600));
    sub.unsubscribe();
    console.log('public API reports', reports.map((r) => ({ packets: r.packetsReceived, mos: r.mos, rtt: r.rttMs })));
    expect(reports.length).toBeGreaterThanOrEqual(2);
    expect(reports.at(-1)!.packetsReceived).toBeGreaterThan(0);
    expect(reports[1]!.mos).not.toBeNull();
    await hangup(out, inc);
    expect(out.state.end).toMatchObject({ cause: 'bye', originator: 'local' });
    expect(inc.state.end).toMatchObject({ cause: 'bye', originator: 'remote' });
  });

  test('reject → busy at the caller', async () => {
    const incoming = nextIncoming(phones.b!);
    const result = await phones.a!.call('2002', media());
    const out = phones.a!.getSession(result.callId!)!;
    const inc = await incoming;
    inc.reject();
    expect((await until(out, (s) => s.phase === 'ended')).end).toMatchObject({ cause: 'busy', code: 486 });
    expect((await until(inc, (s) => s.phase === 'ended')).end).toMatchObject({ cause: 'rejected' });
  });

  test('hangup before the answer cancels on both sides', async () => {
    const incoming = nextIncoming(phones.b!);
    const result = await phones.a!.call('2002', media());
    const out = phones.a!.getSession(result.callId!)!;
    const inc = await incoming;
    await until(out, (s) => s.phase === 'ringing');
    out.hangup();
    expect((await until(out, (s) => s.phase === 'ended')).end).toMatchObject({ cause: 'canceled' });
    expect((await until(inc, (s) => s.phase === 'ended')).end).toMatchObject({ cause: 'canceled', originator: 'remote' });
  });

  test('hold/unhold: held on A, remote hold on B', async () => {
    const { out, inc } = await establish(phones.a!, phones.b!, '2002');
    expect(out.hold()).toBe(true);
    await until(out, (s) => s.hold === 'held');
    await until(inc, (s) => s.remoteHold);
    expect(out.unhold()).toBe(true);
    await until(out, (s) => s.hold === 'active');
    await until(inc, (s) => !s.remoteHold);
    await hangup(out, inc);
  });

  test('over the cap: a second incoming call to C (maxCalls 1) → 486 at the caller, an event at C', async () => {
    const { out, inc } = await establish(phones.a!, phones.c!, '2003');
    const rejected = new Promise<{ code: number }>((resolve) => phones.c!.on('incomingRejected', resolve));
    const result = await phones.b!.call('2003', media());
    const second = phones.b!.getSession(result.callId!)!;
    expect((await until(second, (s) => s.phase === 'ended')).end).toMatchObject({ cause: 'busy', code: 486 });
    expect((await rejected).code).toBe(486);
    await hangup(out, inc);
  });

  test('blind transfer: A transfers B to C; B–C confirmed; A ends as transferred', async () => {
    const { out, inc } = await establish(phones.a!, phones.b!, '2002');
    const atC = nextIncoming(phones.c!);
    expect(out.blindTransfer('2003')).toBe(true);
    const c = await atC;
    await c.answer(media());
    await until(c, (s) => s.phase === 'confirmed');
    expect((await until(out, (s) => s.phase === 'ended')).end).toMatchObject({ cause: 'transferred' });
    await until(inc, (s) => s.phase === 'ended');
    const bc = phones.b!.getSessions().find((s) => s.state.phase === 'confirmed')!;
    expect(bc).toBeDefined();
    await hangup(bc, c);
  });

  test('Kamailio restarted mid-call: re-registration, the call survives, holds and hangs up', async () => {
    const { out, inc } = await establish(phones.a!, phones.b!, '2002');
    await k.restart(1000);
    await waitPhone(phones.a!, () => !phones.a!.isRegistered, 5000);
    await Promise.all([phones.a!, phones.b!].map((p) => waitPhone(p, () => p.isRegistered)));
    expect(out.state.phase).toBe('confirmed');
    out.hold();
    await until(out, (s) => s.hold === 'held');
    await until(inc, (s) => s.remoteHold);
    await hangup(out, inc);
    expect(inc.state.end).toMatchObject({ cause: 'bye' });
  });

  test('call() → confirmed, median of 20 calls: through the library and through raw JsSIP', async () => {
    const library: number[] = [];
    const autoAnswer = phones.b!.on('incoming', ({ session }) => void session.answer(media()));
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now();
      const result = await phones.a!.call('2002', media());
      const out = phones.a!.getSession(result.callId!)!;
      await until(out, (s) => s.phase === 'confirmed');
      library.push(performance.now() - t0);
      const inc = phones.b!.getSessions()[0]!;
      await until(inc, (s) => s.phase === 'confirmed');
      await hangup(out, inc);
    }
    autoAnswer();
    // raw JsSIP, same Kamailio, same process, same ICE shortcut
    const raw = (user: string) =>
      new JsSIP.UA({
        sockets: [new JsSIP.WebSocketInterface(k.wsUrl)],
        uri: `sip:${user}@${k.domain}`,
        password: `pw${user}`,
        register: true,
      });
    const x = raw('2011');
    const y = raw('2012');
    const registered = (ua: JsSIP.UA) => new Promise<void>((r) => ua.once('registered', () => r()));
    const both = Promise.all([registered(x), registered(y)]);
    x.start();
    y.start();
    await both;
    y.on('newRTCSession', (e: { originator: string; session: import("jssip/lib/RTCSession").RTCSession }) => {
      if (e.originator !== 'remote') return;
      e.session.on('icecandidate', (c: { candidate: RTCIceCandidate; ready(): void }) => {
        if (/ typ host/.test(c.candidate.candidate)) c.ready();
      });
      e.session.answer({ mediaStream: media().mediaStream });
    });
    const rawTimes: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now();
      await new Promise<void>((resolve, reject) => {
        const session = x.call(`sip:2012@${k.domain}`, {
          mediaStream: media().mediaStream,
          eventHandlers: {
            icecandidate: (e: { candidate: RTCIceCandidate; ready(): void }) => {
              if (/ typ host/.test(e.candidate.candidate)) e.ready();
            },
            confirmed: () => {
              rawTimes.push(performance.now() - t0);
              session.terminate();
            },
            ended: () => resolve(),
            failed: (e: { cause: string }) => reject(new Error(e.cause)),
          },
        });
      });
    }
    x.stop();
    y.stop();
    console.log(
      `call() → confirmed, median of 20: library ${median(library).toFixed(1)} ms (p95 ${[...library].sort((p, q) => p - q)[18]!.toFixed(1)}), ` +
        `raw JsSIP ${median(rawTimes).toFixed(1)} ms (p95 ${[...rawTimes].sort((p, q) => p - q)[18]!.toFixed(1)})`,
    );
    expect(library).toHaveLength(20);
    expect(rawTimes).toHaveLength(20);
  });
});
