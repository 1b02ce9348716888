/**
 * 1. SIP message → observable. Real JsSIP 3.13.8 is fed raw SIP messages through an in-process socket
 * (no network): for each call, a 180, a 200 to the INVITE, an incoming re-INVITE putting us on hold,
 * an INFO DTMF and a BYE. Measured from the message handed to JsSIP (the socket's `ondata`) to:
 * - callstate: the emission on `session.state$` / `session.events$` that reports it (180: `progress`
 *   event or the `ringing` phase, whichever comes first; 200: phase `confirmed`; re-INVITE:
 *   `remoteHold: true`; INFO: the `dtmf` event; BYE: phase `ended`);
 * - baseline, same run, interleaved call by call: the same messages through a second JsSIP UA alone,
 *   to a bare listener of the JsSIP event behind that emission (`progress`, `confirmed`, `hold`,
 *   `newDTMF`, `ended`).
 * Both UAs have the same configuration, the same media options and the same signalling-only
 * RTCPeerConnection (see lib/in-process-sip.ts for why). Target: callstate / raw JsSIP ≤ 1.10 at p50.
 */
import * as JsSIP from 'jssip';
import type { RTCSession } from 'jssip/lib/RTCSession';
import { createJsSipUserAgent } from '../adapters/jssip';
import { mediaOptionsOf } from '../adapters/jssip/call';
import type { CallState } from '../machines/call.connect';
import { createPhone, type Session } from '../src';
import { FarEndDialog, InProcessSocket, fakeAudioStream, installSignallingOnlyWebRtc, nextSent } from './lib/in-process-sip';
import { QUICK, now, report, row, summarize, type Row } from './lib/measure';

installSignallingOnlyWebRtc();

const CALLS = QUICK ? 20 : 400;
const WARMUP = QUICK ? 5 : 50;
const TARGET = 1.1;
const KINDS = ['180 Ringing', '200 OK to INVITE', 're-INVITE (hold)', 'INFO DTMF', 'BYE'] as const;
type Kind = (typeof KINDS)[number];
const AOR = 'sip:alice@bench.invalid';
const stream = fakeAudioStream();

let callCounter = 0;

async function connected(check: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !check(); i++) await new Promise((r) => setTimeout(r, 1));
  if (!check()) throw new Error('the in-process socket did not connect');
}

/** Deliver `raw`, resolve with µs until `stamp` is called with the emission time. */
async function timed(socket: InProcessSocket, raw: string, arm: (stamp: (t: number) => void) => void): Promise<number> {
  let resolve!: (t: number) => void;
  const done = new Promise<number>((r) => (resolve = r));
  arm(resolve);
  const t0 = now();
  socket.deliver(raw);
  const t1 = await Promise.race([done, new Promise<number>((_, reject) => setTimeout(() => reject(new Error('no emission within 5 s')), 5000))]);
  return (t1 - t0) * 1000;
}

/** One call through the far end; `measure` times each message. */
async function drive(
  socket: InProcessSocket,
  place: () => Promise<void>,
  measure: (kind: Kind, far: FarEndDialog) => Promise<number>,
  out: Map<Kind, number[]> | null,
): Promise<void> {
  const invite = nextSent(socket, /^INVITE /);
  await place();
  const far = new FarEndDialog(await invite, ++callCounter);
  const record = (kind: Kind, us: number) => out?.get(kind)!.push(us);
  record('180 Ringing', await measure('180 Ringing', far));
  record('200 OK to INVITE', await measure('200 OK to INVITE', far));
  const answered = nextSent(socket, /^SIP\/2\.0 200/);
  record('re-INVITE (hold)', await measure('re-INVITE (hold)', far));
  await answered;
  socket.deliver(far.ack());
  record('INFO DTMF', await measure('INFO DTMF', far));
  record('BYE', await measure('BYE', far));
}

async function main(): Promise<void> {
  // Raw JsSIP, the baseline.
  const rawSocket = new InProcessSocket();
  const rawUa = new JsSIP.UA({ sockets: [rawSocket as never], uri: AOR, authorization_user: 'alice', password: 'pw', register: false });
  rawUa.start();
  await connected(() => rawUa.isConnected());

  // callstate on the same JsSIP, with its own in-process socket.
  const csSocket = new InProcessSocket();
  const jssip = { ...JsSIP, WebSocketInterface: function InProcess() { return csSocket; } } as unknown as typeof JsSIP;
  const phone = createPhone({
    userAgent: createJsSipUserAgent({ uri: AOR, servers: csSocket.url, credentials: { authorizationUser: 'alice', password: 'pw' }, jssip }),
    register: false,
  });
  phone.start();
  await connected(() => phone.state.transport === 'connected');

  const rawEvent: Record<Kind, string> = {
    '180 Ringing': 'progress',
    '200 OK to INVITE': 'confirmed',
    're-INVITE (hold)': 'hold',
    'INFO DTMF': 'newDTMF',
    BYE: 'ended',
  };
  const message = (kind: Kind, far: FarEndDialog): string =>
    kind === '180 Ringing' ? far.ringing() : kind === '200 OK to INVITE' ? far.ok() : kind === 're-INVITE (hold)' ? far.holdReinvite() : kind === 'INFO DTMF' ? far.infoDtmf('5') : far.bye();

  const rawCall = (out: Map<Kind, number[]> | null) => {
    let session!: RTCSession;
    return drive(
      rawSocket,
      async () => {
        session = rawUa.call('sip:bob@bench.invalid', mediaOptionsOf({ mediaStream: stream }, undefined) as never);
      },
      (kind, far) => timed(rawSocket, message(kind, far), (stamp) => session.once(rawEvent[kind] as never, () => stamp(now()))),
      out,
    );
  };

  type Waiter = (source: 'state' | 'event', value: unknown) => boolean;
  const emittedFor: Record<Kind, Waiter> = {
    '180 Ringing': (src, v) => (src === 'event' && (v as { name: string }).name === 'progress') || (src === 'state' && (v as CallState).phase === 'ringing'),
    '200 OK to INVITE': (src, v) => src === 'state' && (v as CallState).phase === 'confirmed',
    're-INVITE (hold)': (src, v) => src === 'state' && (v as CallState).remoteHold,
    'INFO DTMF': (src, v) => src === 'event' && (v as { name: string }).name === 'dtmf',
    BYE: (src, v) => src === 'state' && (v as CallState).phase === 'ended',
  };
  const csCall = (out: Map<Kind, number[]> | null) => {
    let waiting: { match: Waiter; stamp: (t: number) => void } | null = null;
    let session!: Session;
    const seen = (source: 'state' | 'event') => (value: unknown) => {
      const t = now();
      if (waiting && waiting.match(source, value)) {
        const w = waiting;
        waiting = null;
        w.stamp(t);
      }
    };
    return drive(
      csSocket,
      async () => {
        const result = await phone.call('bob', { mediaStream: stream });
        if (!result.ok) throw new Error(`phone.call refused: ${result.message}`);
        session = phone.getSession(result.callId!)!;
        session.state$.subscribe(seen('state'));
        session.events$.subscribe(seen('event'));
      },
      (kind, far) =>
        timed(csSocket, message(kind, far), (stamp) => {
          waiting = { match: emittedFor[kind], stamp };
        }),
      out,
    );
  };

  const raw = new Map<Kind, number[]>(KINDS.map((k) => [k, []]));
  const cs = new Map<Kind, number[]>(KINDS.map((k) => [k, []]));
  for (let i = 0; i < CALLS; i++) {
    const measured = i >= WARMUP;
    if (i % 2 === 0) {
      await rawCall(measured ? raw : null);
      await csCall(measured ? cs : null);
    } else {
      await csCall(measured ? cs : null);
      await rawCall(measured ? raw : null);
    }
  }

  const rows: Row[] = KINDS.map((kind) => {
    const c = summarize(cs.get(kind)!);
    const r = summarize(raw.get(kind)!);
    const ratio = c.p50 / r.p50;
    return row({
      measure: `${kind} → ${kind === 'INFO DTMF' ? 'events$' : kind === '180 Ringing' ? 'events$/state$' : 'state$'} (n=${c.n})`,
      unit: 'µs',
      p50: c.p50,
      p95: c.p95,
      n: c.n,
      baseline: `raw JsSIP → '${rawEvent[kind]}' listener`,
      baselineP50: r.p50,
      baselineP95: r.p95,
      ratio,
      target: `≤ ${TARGET.toFixed(2)}`,
      met: ratio <= TARGET,
    });
  });
  phone.destroy();
  rawUa.stop();
  report({
    id: 'sip-message-to-observable',
    title: '1. SIP message → observable (JsSIP, in-process socket)',
    rows,
    notes: [
      `${CALLS - WARMUP} calls per side after ${WARMUP} warm-up calls, interleaved; signalling-only RTCPeerConnection on both sides (native media work left out of both).`,
    ],
  });
  setTimeout(() => process.exit(0), 50);
}

void main().catch((error) => {
  console.error(error);
  process.exit(1);
});
