/**
 * 5. Call setup through Kamailio, inside the loopback-only network namespace (`npm run bench` makes
 * one when run as root; otherwise this benchmark reports itself skipped). Real JsSIP, real WebRTC
 * (@roamhq/wrtc), the integration tests' Kamailio (digest auth on).
 *
 * 20 calls each, interleaved (the order alternates every call): raw JsSIP `ua.call()` → its
 * `confirmed` event, against callstate `phone.call()` → `state$` phase `confirmed`. Same target, the
 * same media options (a tone stream; the options the adapter derives, built by its own
 * `mediaOptionsOf`), the same far end: one raw JsSIP UA that answers every call the same way.
 * Then again with the ICE-gathering shortcut on every side: raw JsSIP and the far end call `ready()`
 * on the first host candidate; callstate uses its `iceGathering: { stopAtFirstHostCandidate: true }`.
 * Target: callstate / raw ≤ 1.05 at p50 in both runs.
 */
import * as JsSIP from 'jssip';
import type { RTCSession } from 'jssip/lib/RTCSession';
import { filter, firstValueFrom, timeout } from 'rxjs';
import { createJsSipUserAgent } from '../adapters/jssip';
import { mediaOptionsOf } from '../adapters/jssip/call';
import { createToneStream, installNodeWebRtc, type ToneStream } from '../adapters/jssip/node';
import { createPhone, type Phone } from '../src';
import { KAMAILIO } from '../test/integration/environment';
import { Kamailio } from '../test/integration/kamailio';
import { QUICK, now, report, row, sleep, summarize, type Row } from './lib/measure';

const MEASURED = QUICK ? 3 : 20;
const WARMUP = QUICK ? 1 : 3;
const TARGET = 1.05;
const isHost = (candidate: RTCIceCandidate) => / typ host/.test(candidate.candidate ?? '') || candidate.type === 'host';

function skip(reason: string): void {
  report({ id: 'call-setup-kamailio', title: '5. call setup through Kamailio', rows: [], notes: [], skipped: reason });
}

function waitFor(emitter: { once(name: string, fn: (...a: unknown[]) => void): void }, name: string, ms = 15_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no '${name}' within ${ms} ms`)), ms);
    emitter.once(name, () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

async function main(): Promise<void> {
  if (!process.env.CALLSTATE_NETNS) {
    return skip(`${process.env.BENCH_NO_NETNS ?? 'not started by npm run bench'}: needs a loopback-only network namespace (run npm run bench as root with iproute2)`);
  }
  if (!KAMAILIO) return skip('kamailio is not installed (scripts/ci-install.sh installs it)');
  installNodeWebRtc();
  const k = await Kamailio.start();
  const tones: ToneStream[] = [];
  const tone = () => {
    const t = createToneStream(300 + 10 * (tones.length % 50));
    tones.push(t);
    return t.stream;
  };
  const rawUa = (user: string) => {
    const ua = new JsSIP.UA({
      sockets: [new JsSIP.WebSocketInterface(k.wsUrl)],
      uri: `sip:${user}@${k.domain}`,
      authorization_user: user,
      password: `pw${user}`,
    });
    const registered = waitFor(ua as never, 'registered');
    ua.start();
    return { ua, registered };
  };
  let shortcut = false;

  // The far end, the same for both sides: answers at once with a tone.
  const callee = rawUa('3000');
  callee.ua.on('newRTCSession', (e: { originator: string; session: RTCSession }) => {
    if (e.originator !== 'remote') return;
    const session = e.session;
    session.on('icecandidate', (ev: { candidate: RTCIceCandidate; ready: () => void }) => {
      if (shortcut && isHost(ev.candidate)) ev.ready();
    });
    session.answer({ mediaStream: tone() } as never);
  });
  const caller = rawUa('3001');
  await Promise.all([callee.registered, caller.registered]);

  const phoneFor = (user: string, stopAtFirstHostCandidate: boolean): Phone =>
    createPhone({
      userAgent: createJsSipUserAgent({
        uri: `sip:${user}@${k.domain}`,
        servers: k.wsUrl,
        credentials: { authorizationUser: user, password: `pw${user}` },
        iceGathering: stopAtFirstHostCandidate ? { stopAtFirstHostCandidate: true } : {},
      }),
    });
  const plainPhone = phoneFor('3002', false);
  const shortcutPhone = phoneFor('3003', true);
  for (const p of [plainPhone, shortcutPhone]) p.start();
  await Promise.all(
    [plainPhone, shortcutPhone].map((p) => firstValueFrom(p.state$.pipe(filter((s) => s.isRegistered), timeout(10_000)))),
  );
  const target = `sip:3000@${k.domain}`;

  const rawCall = async (): Promise<number> => {
    const media = mediaOptionsOf({ mediaStream: tone() }, undefined);
    const t0 = now();
    const session = caller.ua.call(target, {
      ...(media as object),
      eventHandlers: {
        icecandidate: (ev: { candidate: RTCIceCandidate; ready: () => void }) => {
          if (shortcut && isHost(ev.candidate)) ev.ready();
        },
      },
    } as never);
    await waitFor(session as never, 'confirmed');
    const ms = now() - t0;
    const ended = waitFor(session as never, 'ended');
    session.terminate();
    await ended;
    return ms;
  };
  const csCall = async (phone: Phone): Promise<number> => {
    const mediaStream = tone();
    const t0 = now();
    const result = await phone.call(target, { mediaStream });
    if (!result.ok) throw new Error(`phone.call refused: ${result.message}`);
    const session = phone.getSession(result.callId!)!;
    await firstValueFrom(session.state$.pipe(filter((s) => s.phase === 'confirmed' || s.phase === 'ended'), timeout(15_000)));
    const ms = now() - t0;
    if (session.state.phase !== 'confirmed') throw new Error(`call ended: ${JSON.stringify(session.state.end)}`);
    const ended = firstValueFrom(session.state$.pipe(filter((s) => s.phase === 'ended'), timeout(15_000)));
    session.hangup();
    await ended;
    return ms;
  };

  const rows: Row[] = [];
  for (const withShortcut of [false, true]) {
    shortcut = withShortcut;
    const phone = withShortcut ? shortcutPhone : plainPhone;
    const raw: number[] = [];
    const cs: number[] = [];
    for (let i = 0; i < WARMUP + MEASURED; i++) {
      const measured = i >= WARMUP;
      const pair = i % 2 === 0 ? [rawCall, () => csCall(phone)] : [() => csCall(phone), rawCall];
      for (const run of pair) {
        const ms = await run();
        if (measured) (run === rawCall ? raw : cs).push(ms);
        await sleep(50);
        while (tones.length > 0) tones.pop()!.stop();
      }
    }
    const c = summarize(cs);
    const r = summarize(raw);
    const label = withShortcut ? 'with ICE stop at first host candidate' : 'full ICE gathering';
    rows.push(
      row({
        measure: `call → confirmed, ${label} (n=${c.n})`,
        unit: 'ms',
        p50: c.p50,
        p95: c.p95,
        n: c.n,
        baseline: `raw JsSIP ua.call() → 'confirmed', ${label}`,
        baselineP50: r.p50,
        baselineP95: r.p95,
        ratio: c.p50 / r.p50,
        target: `≤ ${TARGET.toFixed(2)}`,
        met: c.p50 / r.p50 <= TARGET,
      }),
    );
  }
  plainPhone.destroy();
  shortcutPhone.destroy();
  caller.ua.stop();
  callee.ua.stop();
  await sleep(300);
  await k.stop();
  report({
    id: 'call-setup-kamailio',
    title: '5. call setup through Kamailio',
    rows,
    notes: [`${MEASURED} measured calls per side and mode after ${WARMUP} warm-up calls, interleaved; Kamailio with digest auth (INVITEs are challenged once on both sides).`],
  });
  // @roamhq/wrtc keeps native threads alive; exit explicitly (as the tests do with --forceExit).
  setTimeout(() => process.exit(0), 100);
}

void main().catch((error) => {
  console.error(error);
  process.exit(1);
});
