/**
 * The JsSIP adapter's ports against a real Kamailio, real JsSIP and real WebRTC (@roamhq/wrtc), inside
 * a loopback-only network namespace. Every scenario asserts what both (or all three) phones report.
 */
import { createHash } from 'crypto';
import type { CallPort, CallPortEvent } from '../../machines/port';
import { featureCodeRecording, sipInfoRecording } from '../../adapters/jssip';
import { dtmfSenderOf } from '../../adapters/jssip/dtmf';
import { describeIntegration } from './environment';
import { Kamailio } from './kamailio';
import { packetsReceived, Recorder, sleep, TestPhone } from './harness';

jest.setTimeout(60_000);

type Leg = { call: CallPort; events: Recorder<CallPortEvent> };

describeIntegration('JsSIP adapter ports against Kamailio', () => {
  let k: Kamailio;
  let a: TestPhone; // records through SIP INFO
  let b: TestPhone;
  let c: TestPhone;
  let d: TestPhone; // records through a feature code sent as DTMF (INFO)
  const phones = () => [a, b, c, d].filter(Boolean);

  beforeAll(async () => {
    k = await Kamailio.start();
    a = new TestPhone('1001', k, { recording: sipInfoRecording() });
    b = new TestPhone('1002', k);
    c = new TestPhone('1003', k);
    d = new TestPhone('1004', k, {
      recording: featureCodeRecording({ codes: { start: '*1', pause: '*2', resume: '*1' }, transport: 'info' }),
    });
    await Promise.all(phones().map((p) => p.register()));
  });

  afterAll(async () => {
    await Promise.all(phones().map((p) => p.stop()));
    await k?.stop();
  });

  /** `from` calls `to`, `to` answers; both confirmed. */
  async function establish(from: TestPhone, to: TestPhone): Promise<{ out: Leg; inc: Leg; ms: number }> {
    const mark = to.events.mark();
    const t0 = performance.now();
    const out = from.call(to);
    const inc = await to.incoming(mark);
    inc.call.answer(to.media());
    await out.events.waitFor('SIP.ANSWERED');
    const ms = performance.now() - t0;
    await inc.events.waitFor('SIP.ACK.RECEIVED');
    return { out, inc, ms };
  }

  async function hangupBoth(x: Leg, y: Leg): Promise<void> {
    x.call.hangup();
    await x.events.waitFor('SIP.ENDED');
    await y.events.waitFor('SIP.ENDED');
  }

  test('register: connecting → connected → registered on every phone', () => {
    for (const p of phones()) {
      expect(p.events.types().slice(0, 3)).toEqual(['UA.CONNECTING', 'UA.CONNECTED', 'UA.REGISTERED']);
    }
  });

  test('wrong password → UA.REGISTRATION.FAILED with its cause and code', async () => {
    const bad = new TestPhone('1005', k, { credentials: { authorizationUser: '1005', password: 'wrong' } });
    try {
      bad.ua.start();
      bad.ua.register();
      const failed = await bad.events.waitFor('UA.REGISTRATION.FAILED');
      expect(failed).toMatchObject({ cause: 'authentication-error', code: 401 });
      expect(bad.events.all('UA.REGISTERED')).toHaveLength(0);
    } finally {
      await bad.stop();
    }
  });

  test('HA1 credentials register (MD5 of user:realm:password)', async () => {
    const ha1 = createHash('md5').update(`1006:${k.domain}:pw1006`).digest('hex');
    const phone = new TestPhone('1006', k, { credentials: { authorizationUser: '1006', ha1, realm: k.domain } });
    try {
      await phone.register();
      expect(phone.events.all('UA.REGISTRATION.FAILED')).toHaveLength(0);
    } finally {
      await phone.stop();
    }
  });

  test('A calls B, B answers: both confirmed, dialogs mirror, RTP flows both ways', async () => {
    const { out, inc, ms } = await establish(a, b);
    console.log(`call() → confirmed: ${ms.toFixed(1)} ms`);
    expect(out.events.types()).toEqual(expect.arrayContaining(['SIP.PROGRESS', 'SIP.ANSWERED']));
    // One event per message: the 2xx (with its ACK) at A; our 200 and the ACK at B.
    expect(out.events.all('SIP.ANSWERED')).toHaveLength(1);
    expect(out.events.all('SIP.ANSWERED')[0]!.remote?.number).toBe('1002');
    expect(inc.events.all('SIP.ANSWER.SENT')).toHaveLength(1);
    expect(inc.events.all('SIP.ACK.RECEIVED')).toHaveLength(1);
    expect(inc.call.direction).toBe('incoming');
    expect(inc.call.remote.number).toBe('1001');
    expect(out.call.callId).toBe(inc.call.callId);
    const da = (await out.events.waitFor('SIP.ANSWERED')).dialog!;
    const db = (await inc.events.waitFor('SIP.ACK.RECEIVED')).dialog!;
    expect(da.callId).toBe(db.callId);
    expect(da.localTag).toBe(db.remoteTag);
    expect(da.remoteTag).toBe(db.localTag);
    expect(da.signalingState).toBe('Stable');
    const streams = (e: Recorder<CallPortEvent>) => e.all('MEDIA.STREAM').map((s) => s.direction).sort();
    expect(streams(out.events)).toEqual(['local', 'remote']);
    expect(streams(inc.events)).toEqual(['local', 'remote']);
    expect(out.call.remoteStream).not.toBeNull();
    await sleep(1500);
    const [pa, pb] = [await packetsReceived(out.call), await packetsReceived(inc.call)];
    console.log(`RTP packets received after 1.5 s: A ${pa}, B ${pb}`);
    expect(pa).toBeGreaterThan(0);
    expect(pb).toBeGreaterThan(0);
    await hangupBoth(out, inc);
    expect(out.events.all('SIP.ENDED')[0]).toMatchObject({ cause: 'bye', originator: 'local' });
    expect(inc.events.all('SIP.ENDED')[0]).toMatchObject({ cause: 'bye', originator: 'remote' });
    // exactly one end per call, and nothing after it
    for (const e of [out.events, inc.events]) {
      expect(e.all('SIP.ENDED').length + e.all('SIP.FAILED').length).toBe(1);
      expect(e.types().at(-1)).toBe('SIP.ENDED');
    }
    expect(await packetsReceived(out.call)).toBe(0); // stats of an ended call: empty report
  });

  test('B rejects (486 by default) → busy at A, rejected at B', async () => {
    const mark = b.events.mark();
    const out = a.call(b);
    const inc = await b.incoming(mark);
    inc.call.reject(486);
    const fa = await out.events.waitFor('SIP.FAILED');
    const fb = await inc.events.waitFor('SIP.FAILED');
    expect(fa).toMatchObject({ cause: 'busy', code: 486, originator: 'remote' });
    expect(fb).toMatchObject({ cause: 'rejected', code: 486, originator: 'local' });
  });

  test('B declines with 603 → rejected at A', async () => {
    const mark = b.events.mark();
    const out = a.call(b);
    const inc = await b.incoming(mark);
    inc.call.reject(603);
    expect(await out.events.waitFor('SIP.FAILED')).toMatchObject({ cause: 'rejected', code: 603, originator: 'remote' });
    expect(await inc.events.waitFor('SIP.FAILED')).toMatchObject({ cause: 'rejected', code: 603 });
  });

  test('A cancels before the answer → canceled on both sides', async () => {
    const mark = b.events.mark();
    const out = a.call(b);
    const inc = await b.incoming(mark);
    await out.events.waitFor('SIP.PROGRESS', { where: (e) => e.code === 180 });
    out.call.cancel();
    expect(await out.events.waitFor('SIP.FAILED')).toMatchObject({ cause: 'canceled', originator: 'local' });
    expect(await inc.events.waitFor('SIP.FAILED')).toMatchObject({ cause: 'canceled', originator: 'remote' });
    // the callee can no longer answer: the command is refused, nothing throws
    inc.call.answer(b.media());
    expect(await inc.events.waitFor('SIP.COMMAND.FAILED')).toMatchObject({ command: 'answer' });
  });

  test('callee not registered → Kamailio answers 404: not-found', async () => {
    const out = a.call('sip:1099@127.0.0.1');
    expect(await out.events.waitFor('SIP.FAILED')).toMatchObject({ cause: 'not-found', code: 404, originator: 'remote' });
  });

  test('invalid target → SIP.FAILED from inside call(), no throw', async () => {
    const out = a.call('sip:@@');
    const failed = await out.events.waitFor('SIP.FAILED');
    expect(['address-incomplete', 'internal-error']).toContain(failed.cause);
  });

  test('hold/unhold: committed on the re-INVITE answer at A, one SIP.REINVITE (held) at B; mute', async () => {
    const { out, inc } = await establish(a, b);
    out.call.hold();
    await out.events.waitFor('SIP.HOLD.SUCCEEDED');
    expect(await inc.events.waitFor('SIP.REINVITE')).toMatchObject({ held: true });
    expect(inc.events.all('SIP.REINVITE')).toHaveLength(1);
    // a second hold is refused without touching the call
    out.call.hold();
    expect(await out.events.waitFor('SIP.HOLD.FAILED')).toMatchObject({ reason: 'already on hold' });
    const mark = inc.events.mark();
    out.call.unhold();
    await out.events.waitFor('SIP.UNHOLD.SUCCEEDED');
    expect(await inc.events.waitFor('SIP.REINVITE', { from: mark })).toMatchObject({ held: false });
    out.call.mute();
    const session = out.call.native as { isMuted(): { audio: boolean } };
    expect(session.isMuted().audio).toBe(true);
    out.call.unmute();
    expect(session.isMuted().audio).toBe(false);
    expect(out.events.all('SIP.ENDED')).toHaveLength(0);
    await hangupBoth(inc, out);
  });

  test('hold re-INVITE refused by B (488): SIP.HOLD.FAILED with the code; the call stays up, unheld, and can hold later', async () => {
    const { out, inc } = await establish(a, b);
    const refuse = (e: { reject(o: { status_code: number }): void }) => e.reject({ status_code: 488 });
    (inc.call.native as NodeJS.EventEmitter).on('reinvite', refuse);
    out.call.hold();
    expect(await out.events.waitFor('SIP.HOLD.FAILED')).toMatchObject({ code: 488 });
    expect(out.events.all('SIP.HOLD.SUCCEEDED')).toHaveLength(0);
    const session = out.call.native as { isOnHold(): { local: boolean }; connection: RTCPeerConnection };
    expect(session.isOnHold().local).toBe(false);
    await inc.events.waitFor('SIP.REINVITE');
    // RFC 3261 §14.1: the session is as it was. The pending offer was rolled back; a later hold works.
    (inc.call.native as NodeJS.EventEmitter).off('reinvite', refuse);
    const mark = inc.events.mark();
    out.call.hold();
    await out.events.waitFor('SIP.HOLD.SUCCEEDED');
    expect(await inc.events.waitFor('SIP.REINVITE', { from: mark })).toMatchObject({ held: true });
    expect(session.connection.signalingState).toBe('stable');
    out.call.unhold();
    await out.events.waitFor('SIP.UNHOLD.SUCCEEDED');
    expect(out.events.all('SIP.ENDED')).toHaveLength(0);
    expect(inc.events.all('SIP.ENDED')).toHaveLength(0);
    await hangupBoth(out, inc);
    expect(out.events.all('SIP.ENDED')[0]).toMatchObject({ cause: 'bye', originator: 'local' });
  });

  test('DTMF over SIP INFO reaches B; RFC 2833 needs an RTCDTMFSender', async () => {
    const { out, inc } = await establish(a, b);
    out.call.sendDtmf('1#', { transport: 'info', durationMs: 100, interToneGapMs: 70 });
    await inc.events.waitFor('SIP.DTMF.RECEIVED', { where: (e) => e.tone === '#' });
    expect(inc.events.all('SIP.DTMF.RECEIVED').map((e) => [e.tone, e.transport])).toEqual([
      ['1', 'info'],
      ['#', 'info'],
    ]);
    // Both SDPs negotiated telephone-event, so RFC 2833 is on offer...
    const pc = (out.call.native as { connection: RTCPeerConnection }).connection;
    expect(pc.localDescription?.sdp).toMatch(/telephone-event\/8000/);
    expect(pc.remoteDescription?.sdp).toMatch(/telephone-event\/8000/);
    out.call.sendDtmf('5', { transport: 'rfc2833', durationMs: 100, interToneGapMs: 70 });
    if (dtmfSenderOf(pc)) {
      expect(out.events.all('SIP.COMMAND.FAILED')).toHaveLength(0);
    } else {
      // ...but @roamhq/wrtc's RTCRtpSender has no `dtmf`: the port says so instead of dropping the tones.
      expect(await out.events.waitFor('SIP.COMMAND.FAILED')).toMatchObject({ command: 'sendDtmf', reason: expect.stringMatching(/RTCDTMFSender/) });
    }
    out.call.sendDtmf('x', { transport: 'info', durationMs: 100, interToneGapMs: 70 });
    await out.events.waitFor('SIP.COMMAND.FAILED', { where: (e) => /invalid DTMF/.test(e.reason) });
    await hangupBoth(out, inc);
  });

  test('recording over SIP INFO (Record: on/pause): state changes on the 2xx; B sees the header', async () => {
    const { out, inc } = await establish(a, b);
    const headers: string[] = [];
    (inc.call.native as NodeJS.EventEmitter).on('newInfo', (e: { originator: string; request: { getHeader(n: string): string } }) => {
      if (e.originator === 'remote') headers.push(e.request.getHeader('Record'));
    });
    out.call.record('start');
    expect(await out.events.waitFor('SIP.RECORD.SUCCEEDED')).toMatchObject({ state: 'recording' });
    const mark = out.events.mark();
    out.call.record('pause');
    expect(await out.events.waitFor('SIP.RECORD.SUCCEEDED', { from: mark })).toMatchObject({ state: 'paused' });
    await inc.events.waitFor('SIP.INFO.RECEIVED', { where: () => headers.length >= 2 });
    expect(headers).toEqual(['on', 'pause']);
    expect(inc.events.all('SIP.INFO.RECEIVED')[0]!.contentType).toBe('application/vnd.callstate.record');
    // B has no backend: refused, and no state change
    inc.call.record('start');
    expect(await inc.events.waitFor('SIP.RECORD.FAILED')).toMatchObject({ action: 'start', reason: 'no recording backend configured' });
    await hangupBoth(out, inc);
  });

  test('recording with a feature code sent as DTMF: B receives the code', async () => {
    const { out, inc } = await establish(d, b);
    out.call.record('start');
    expect(await out.events.waitFor('SIP.RECORD.SUCCEEDED', { timeoutMs: 5000 })).toMatchObject({ state: 'recording' });
    expect(inc.events.all('SIP.DTMF.RECEIVED').map((e) => e.tone)).toEqual(['*', '1']);
    await hangupBoth(out, inc);
  });

  test('blind transfer: A refers B to C; B–C confirmed; NOTIFY outcome drives A; A and B end as transferred', async () => {
    const { out: ab, inc: ba } = await establish(a, b);
    const bMark = b.events.mark();
    const cMark = c.events.mark();
    ab.call.refer(c.aor, null);
    const refer = await b.events.waitFor('UA.REFER.RECEIVED', { from: bMark });
    expect(refer.callId).toBe(ba.call.callId);
    expect(refer.target).toContain('1003@');
    const bcCall = b.ua.acceptRefer(refer.referId, b.media());
    expect(bcCall).not.toBeNull();
    const bc = { call: bcCall!, events: b.track(bcCall!) };
    const cb = await c.incoming(cMark);
    expect(cb.call.remote.number).toBe('1002');
    cb.call.answer(c.media());
    await bc.events.waitFor('SIP.ANSWERED');
    await cb.events.waitFor('SIP.ACK.RECEIVED');
    await ab.events.waitFor('SIP.REFER.ACCEPTED');
    const final = await ab.events.waitFor('SIP.REFER.NOTIFY', { where: (e) => e.code >= 200 });
    expect(final.code).toBe(200);
    const notifyCodes = ab.events.all('SIP.REFER.NOTIFY').map((e) => e.code);
    expect(notifyCodes[0]).toBe(100);
    // the referrer hangs up once the NOTIFY says the target answered
    ab.call.hangup();
    expect(await ab.events.waitFor('SIP.ENDED')).toMatchObject({ cause: 'transferred', originator: 'local' });
    expect(await ba.events.waitFor('SIP.ENDED')).toMatchObject({ cause: 'transferred', originator: 'remote' });
    await sleep(500);
    expect(await packetsReceived(bc.call)).toBeGreaterThan(0);
    await hangupBoth(bc, cb);
  });

  async function attended(consultationIncoming: boolean): Promise<void> {
    // A talks to B, puts B on hold and consults C
    const { out: ab, inc: ba } = await establish(a, b);
    ab.call.hold();
    await ab.events.waitFor('SIP.HOLD.SUCCEEDED');
    const consult = consultationIncoming ? await establish(c, a) : await establish(a, c);
    const ac = consultationIncoming ? consult.inc : consult.out; // A's leg of the consultation
    const ca = consultationIncoming ? consult.out : consult.inc; // C's leg
    const bMark = b.events.mark();
    const cMark = c.events.mark();
    ab.call.refer(c.aor, ac.call);
    const refer = await b.events.waitFor('UA.REFER.RECEIVED', { from: bMark });
    expect(refer.target).toMatch(/Replaces=/);
    const bcCall = b.ua.acceptRefer(refer.referId, b.media())!;
    const bc = { call: bcCall, events: b.track(bcCall) };
    const cb = await c.incoming(cMark);
    expect(cb.call.replacesCallId).toBe(ca.call.callId);
    // RFC 3891 from C's side: to-tag is C's local tag of the replaced dialog, from-tag its remote tag
    const replaces = (cb.call.native as { _request: { replaces: { call_id: string; to_tag: string; from_tag: string } } })._request.replaces;
    // C's leg is established by the 2xx it got (C called A) or by the ACK it got (A called C).
    const cDialog = (ca.call.direction === 'outgoing' ? (await ca.events.waitFor('SIP.ANSWERED')).dialog : (await ca.events.waitFor('SIP.ACK.RECEIVED')).dialog)!;
    expect(replaces).toMatchObject({ call_id: cDialog.callId, to_tag: cDialog.localTag, from_tag: cDialog.remoteTag });
    cb.call.answer(c.media());
    await bc.events.waitFor('SIP.ANSWERED');
    await cb.events.waitFor('SIP.ACK.RECEIVED');
    // C's consultation leg is replaced; A's consultation leg gets C's BYE
    expect(await ca.events.waitFor('SIP.ENDED')).toMatchObject({ cause: 'replaced', originator: 'local' });
    expect(await ac.events.waitFor('SIP.ENDED')).toMatchObject({ cause: 'bye', originator: 'remote' });
    expect((await ab.events.waitFor('SIP.REFER.NOTIFY', { where: (e) => e.code >= 200 })).code).toBe(200);
    ab.call.hangup();
    expect(await ab.events.waitFor('SIP.ENDED')).toMatchObject({ cause: 'transferred' });
    expect(await ba.events.waitFor('SIP.ENDED')).toMatchObject({ cause: 'transferred' });
    await sleep(500);
    expect(await packetsReceived(cb.call)).toBeGreaterThan(0);
    await hangupBoth(cb, bc);
  }

  test('attended transfer, consultation call placed by A', () => attended(false));

  test('attended transfer, consultation call received by A (JsSIP #817 case)', () => attended(true));

  test('incoming REFER rejected → final NOTIFY 603 at A, call stays up', async () => {
    const { out: ab, inc: ba } = await establish(a, b);
    const bMark = b.events.mark();
    ab.call.refer(c.aor, null);
    const refer = await b.events.waitFor('UA.REFER.RECEIVED', { from: bMark });
    b.ua.rejectRefer(refer.referId);
    expect(await ab.events.waitFor('SIP.REFER.NOTIFY', { where: (e) => e.code >= 200 })).toMatchObject({ code: 603 });
    expect(ab.events.all('SIP.ENDED')).toHaveLength(0);
    expect(b.ua.acceptRefer(refer.referId, {})).toBeNull(); // settled once
    await hangupBoth(ab, ba);
  });

  test('Kamailio restarted mid-call: both phones reconnect and re-register, the call survives, holds and hangs up', async () => {
    const { out, inc } = await establish(a, b);
    const [ma, mb] = [a.events.mark(), b.events.mark()];
    const before = await packetsReceived(inc.call);
    await k.restart(1000);
    await Promise.all([
      a.events.waitFor('UA.DISCONNECTED', { from: ma }),
      b.events.waitFor('UA.DISCONNECTED', { from: mb }),
    ]);
    await Promise.all([
      a.events.waitFor('UA.REGISTERED', { from: ma, timeoutMs: 15_000 }),
      b.events.waitFor('UA.REGISTERED', { from: mb, timeoutMs: 15_000 }),
    ]);
    expect(out.events.all('SIP.ENDED')).toHaveLength(0);
    expect(inc.events.all('SIP.ENDED')).toHaveLength(0);
    expect(await packetsReceived(inc.call)).toBeGreaterThan(before);
    out.call.hold();
    await out.events.waitFor('SIP.HOLD.SUCCEEDED');
    expect(await inc.events.waitFor('SIP.REINVITE')).toMatchObject({ held: true });
    await hangupBoth(out, inc);
    expect(inc.events.all('SIP.ENDED')[0]).toMatchObject({ cause: 'bye', originator: 'remote' });
  });

  test('WebSocket closed by the server (ws.close): B reconnects, re-registers, the call survives', async () => {
    const { out, inc } = await establish(a, b);
    // after the restart scenario, C and D may still be in their reconnect back-off
    let ids: number[] = [];
    for (let i = 0; i < 100 && ids.length < phones().length; i++) {
      const dump = JSON.stringify(await k.rpc('ws.dump'));
      ids = [...dump.matchAll(/(\d+): ws:[^"]*?->/g)].map((m) => Number(m[1]));
      if (ids.length < phones().length) await sleep(100);
    }
    expect(ids.length).toBe(phones().length);
    const marks = phones().map((p) => p.events.mark());
    // ws.dump does not say which connection is whose: close them all (every phone must recover)
    for (const id of ids) await k.rpc('ws.close', id);
    await Promise.all(phones().map((p, i) => p.events.waitFor('UA.DISCONNECTED', { from: marks[i] })));
    await Promise.all(phones().map((p, i) => p.events.waitFor('UA.REGISTERED', { from: marks[i], timeoutMs: 15_000 })));
    expect(out.events.all('SIP.ENDED')).toHaveLength(0);
    inc.call.hold();
    await inc.events.waitFor('SIP.HOLD.SUCCEEDED');
    expect(await out.events.waitFor('SIP.REINVITE')).toMatchObject({ held: true });
    await hangupBoth(inc, out);
  });
});
