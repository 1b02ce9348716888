/**
 * The public API (`createPhone` with the JsSIP user agent) against a real Kamailio and real WebRTC
 * (@roamhq/wrtc), inside a loopback-only network namespace. Every scenario asserts what each phone's
 * app sees: the session's state and the phone's and sessions' events.
 */
import { createHash } from 'crypto';
import { format } from 'util';
import * as JsSIP from 'jssip';
import type { RTCSession } from 'jssip/lib/RTCSession';
import type { CallQualityReport, Session } from '../../src';
import { featureCodeRecording, sipInfoRecording } from '../../adapters/jssip';
import { mediaOptionsOf } from '../../adapters/jssip/call';
import { dtmfSenderOf } from '../../adapters/jssip/dtmf';
import { describeIntegration } from './environment';
import { Kamailio } from './kamailio';
import { Media, median, sleep, TestApp, until, untilPhone, establish as establishCall } from './phones';

jest.setTimeout(120_000);

describeIntegration('public API (createPhone) on JsSIP against Kamailio', () => {
  let k: Kamailio;
  let a: TestApp; // records through SIP INFO (Record: on/pause)
  let b: TestApp;
  let c: TestApp;
  let d: TestApp; // records through a feature code sent as DTMF over INFO
  const media = new Media();
  const apps = () => [a, b, c, d].filter(Boolean);

  beforeAll(async () => {
    k = await Kamailio.start();
    a = new TestApp('2001', k, { ua: { recording: sipInfoRecording() }, phone: { recordPermissions: 2 } });
    b = new TestApp('2002', k);
    c = new TestApp('2003', k);
    d = new TestApp('2004', k, {
      ua: { recording: featureCodeRecording({ codes: { start: '*1', pause: '*2', resume: '*1' }, transport: 'info' }) },
      phone: { recordPermissions: 2 },
    });
    await Promise.all(apps().map((x) => x.start()));
  });

  beforeEach(async () => {
    // After the restart and ws.close scenarios, every phone must be back before the next one.
    await Promise.all(apps().map((x) => untilPhone(x.phone, () => x.phone.isRegistered)));
  });

  afterEach(async () => {
    // A failed scenario must not leave calls behind for the next one.
    for (const x of apps()) for (const s of x.phone.getSessions()) s.hangup();
    await Promise.all(apps().flatMap((x) => x.phone.getSessions().map((s) => until(s, (st) => st.phase === 'ended', 10_000).catch(() => undefined))));
    media.stopAll();
  });

  afterAll(async () => {
    for (const x of apps()) x.phone.destroy();
    await sleep(300);
    media.stopAll();
    await k?.stop();
  });

  /** `from` calls `to`, `to` answers; both confirmed. */
  const establish = (from: TestApp, to: TestApp) => establishCall(media, from, to);

  async function hangupBoth(x: Session, y: Session): Promise<void> {
    expect(x.hangup()).toBe(true);
    await until(x, (s) => s.phase === 'ended');
    await until(y, (s) => s.phase === 'ended');
  }

  test('register: connected → registered on every phone, isRegistered true', () => {
    for (const x of apps()) {
      expect(x.log.names().slice(0, 3)).toEqual(['connected', 'registered', 'isRegisteredChange']);
      expect(x.phone.isRegistered).toBe(true);
      expect(x.phone.state).toMatchObject({ transport: 'connected', registration: 'registered' });
    }
  });

  test('wrong password → registrationFailed with its cause; 401 is not retried', async () => {
    let registers = 0;
    class CountingSocket extends JsSIP.WebSocketInterface {
      override send(message: string): boolean {
        if (/^REGISTER /.test(message)) registers += 1;
        return super.send(message);
      }
    }
    const counting = { ...JsSIP, WebSocketInterface: CountingSocket } as unknown as typeof JsSIP;
    // A retry after a failure would come 50 ms later with this base; none may come at all.
    const bad = new TestApp('2009', k, {
      ua: { credentials: { authorizationUser: '2009', password: 'wrong' }, jssip: counting },
      phone: { registrationRetryBaseMs: 50, reRegistryPhoneTimes: 5 },
    });
    try {
      bad.phone.start();
      const failed = await bad.log.waitFor('registrationFailed');
      expect(failed).toEqual({ cause: 'authentication-error', code: 401, attempt: 1, willRetry: false });
      expect(registers).toBe(2); // the first REGISTER and the one with the (wrong) credentials
      await sleep(1000); // 20× the retry base: a retry storm would be well under way
      expect(registers).toBe(2);
      expect(bad.log.all('registrationFailed')).toHaveLength(1);
      expect(bad.log.all('registered')).toHaveLength(0);
      expect(bad.phone.isRegistered).toBe(false);
      expect(bad.phone.state.registration).toBe('failed');
    } finally {
      bad.phone.destroy();
    }
  });

  test('HA1 through reRegister(authorizationUser, ha1): registers', async () => {
    const x = new TestApp('2008', k, { ua: { credentials: { authorizationUser: '2008', password: 'wrong' } } });
    try {
      x.phone.start();
      await x.log.waitFor('registrationFailed');
      const from = x.log.mark();
      x.phone.reRegister('2008', createHash('md5').update(`2008:${k.domain}:pw2008`).digest('hex'));
      await x.log.waitFor('registered', { from });
      expect(x.phone.isRegistered).toBe(true);
    } finally {
      x.phone.destroy();
    }
  });

  test('credentials are never logged: JsSIP debug output, console, stderr and the adapter logger during register', async () => {
    const captured: string[] = [];
    // JsSIP's loggers are `debug` instances bound to console methods when JsSIP was loaded; every line
    // they print goes through the module's formatArgs first, so that is where it is captured.
    type DebugModule = { formatArgs(this: unknown, args: unknown[]): void; enable(ns: string): void; disable(): string };
    const debugModule = JsSIP.debug as unknown as DebugModule;
    const formatArgs = debugModule.formatArgs;
    debugModule.formatArgs = function (this: unknown, args: unknown[]) {
      formatArgs.call(this, args);
      captured.push(format(...args));
    };
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((level) =>
      jest.spyOn(console, level).mockImplementation((...args: unknown[]) => void captured.push(format(...args))),
    );
    // Jest's console prints through its _log: capture there too, which also keeps JsSIP's debug lines
    // (bound to the console methods when JsSIP loaded) out of the test output.
    const jestConsole = console as unknown as { _log?: (type: string, message: string) => void };
    const consoleLog = jestConsole._log;
    if (typeof consoleLog === 'function') jestConsole._log = (_type: string, message: string) => void captured.push(message);
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      captured.push(String(chunk));
      return true;
    });
    const logger = { debug: (...args: unknown[]) => captured.push(format(...args)), warn: (...args: unknown[]) => captured.push(format(...args)) };
    const ha1 = createHash('md5').update(`2302:${k.domain}:pw2302`).digest('hex');
    const withPassword = new TestApp('2301', k, { ua: { logger } });
    const wrongThenHa1 = new TestApp('2302', k, { ua: { logger, credentials: { authorizationUser: '2302', password: 'Secret-2302!' } } });
    debugModule.enable('JsSIP:*');
    try {
      await withPassword.start();
      wrongThenHa1.phone.start();
      await wrongThenHa1.log.waitFor('registrationFailed');
      const from = wrongThenHa1.log.mark();
      wrongThenHa1.phone.reRegister('2302', ha1);
      await wrongThenHa1.log.waitFor('registered', { from });
    } finally {
      debugModule.disable();
      debugModule.formatArgs = formatArgs;
      if (typeof consoleLog === 'function') jestConsole._log = consoleLog;
      for (const spy of spies) spy.mockRestore();
      stderr.mockRestore();
      withPassword.phone.destroy();
      wrongThenHa1.phone.destroy();
    }
    const text = captured.join('\n');
    // the capture did see the registration traffic, with its digest…
    expect(text).toMatch(/REGISTER sip:/);
    expect(text).toMatch(/Authorization: Digest/);
    // …and never a secret
    for (const secret of ['pw2301', 'Secret-2302!', ha1, createHash('md5').update(`2301:${k.domain}:pw2301`).digest('hex')]) {
      expect(text).not.toContain(secret);
    }
  });

  test('A calls B, B answers: both confirmed, events in order; report$ has packets and a MOS from the second report', async () => {
    const { out, inc } = await establish(a, b);
    const outLog = a.logOf(out.callId);
    const incLog = b.logOf(inc.callId);
    expect(out.state).toMatchObject({ phase: 'confirmed', direction: 'outgoing', hold: 'active', remoteHold: false });
    expect(inc.state).toMatchObject({ phase: 'confirmed', direction: 'incoming', hold: 'active', remoteHold: false });
    expect(inc.state.remote.number).toBe('2001');
    expect(out.callId).toBe(inc.callId);
    expect(outLog.names()).toEqual(expect.arrayContaining(['progress', 'accepted', 'confirmed', 'streamAdded']));
    expect(outLog.names().indexOf('accepted')).toBeLessThan(outLog.names().indexOf('confirmed'));
    expect(incLog.names()).toEqual(expect.arrayContaining(['accepted', 'confirmed']));
    expect(out.dialog.localTag).toBe(inc.dialog.remoteTag);
    expect(out.dialog.remoteTag).toBe(inc.dialog.localTag);
    const reports: CallQualityReport[] = [];
    const sub = out.report$.subscribe((r) => reports.push(r));
    await untilReports(reports, 2);
    sub.unsubscribe();
    console.log('report$ of A:', reports.map((r) => ({ packetsReceived: r.packetsReceived, mos: r.mos })));
    expect(reports[1]!.packetsReceived).toBeGreaterThan(0);
    expect(reports[1]!.mos).toEqual(expect.any(Number));
    expect(reports[1]!.mos!).toBeGreaterThan(1);
    await hangupBoth(out, inc);
    expect(out.state.end).toMatchObject({ cause: 'bye', originator: 'local' });
    expect(inc.state.end).toMatchObject({ cause: 'bye', originator: 'remote' });
    expect(outLog.all('ended')).toHaveLength(1);
    expect(incLog.all('ended')).toHaveLength(1);
    expect(outLog.all('failed')).toHaveLength(0);
    expect(a.log.all('deleteSession').at(-1)).toMatchObject({ callId: out.callId, cause: 'bye' });
  });

  async function untilReports(reports: CallQualityReport[], n: number): Promise<void> {
    for (let i = 0; i < 200 && reports.length < n; i++) await sleep(50);
    expect(reports.length).toBeGreaterThanOrEqual(n);
  }

  test('B rejects → busy (486) at A, rejected at B', async () => {
    const mark = b.log.mark();
    const result = await a.phone.call('2002', media.options());
    const out = a.phone.getSession(result.callId!)!;
    const inc = await b.incoming(mark);
    await until(inc, (s) => s.phase === 'ringing');
    expect(inc.reject()).toBe(true);
    expect((await until(out, (s) => s.phase === 'ended')).end).toMatchObject({ cause: 'busy', code: 486, originator: 'remote' });
    expect((await until(inc, (s) => s.phase === 'ended')).end).toMatchObject({ cause: 'rejected', code: 486, originator: 'local' });
    expect(a.logOf(out.callId).all('failed')).toEqual([{ callId: out.callId, cause: 'busy', code: 486 }]);
    expect(b.logOf(inc.callId).all('failed')).toEqual([{ callId: inc.callId, cause: 'rejected', code: 486 }]);
  });

  test('A hangs up before the answer → canceled on both sides', async () => {
    const mark = b.log.mark();
    const result = await a.phone.call('2002', media.options());
    const out = a.phone.getSession(result.callId!)!;
    const inc = await b.incoming(mark);
    await until(out, (s) => s.phase === 'ringing');
    expect(out.hangup()).toBe(true);
    expect((await until(out, (s) => s.phase === 'ended')).end).toMatchObject({ cause: 'canceled', originator: 'local' });
    expect((await until(inc, (s) => s.phase === 'ended')).end).toMatchObject({ cause: 'canceled', originator: 'remote' });
    expect(b.logOf(inc.callId).all('failed')).toEqual([expect.objectContaining({ cause: 'canceled' })]);
    // B can no longer answer; nothing throws
    expect(await inc.answer(media.options())).toMatchObject({ ok: false, reason: 'call-ended' });
  });

  test('callee not registered → Kamailio answers 404: not-found', async () => {
    const result = await a.phone.call('2099', media.options());
    const out = a.phone.getSession(result.callId!)!;
    expect((await until(out, (s) => s.phase === 'ended')).end).toMatchObject({ cause: 'not-found', code: 404, originator: 'remote' });
    expect(a.logOf(out.callId).all('failed')).toEqual([{ callId: out.callId, cause: 'not-found', code: 404 }]);
  });

  test('hold/unhold: held on A (local), remote hold on B, and back', async () => {
    const { out, inc } = await establish(a, b);
    expect(out.hold()).toBe(true);
    expect(out.state.hold).toBe('holding'); // committed only on the re-INVITE's answer
    await until(out, (s) => s.hold === 'held');
    await until(inc, (s) => s.remoteHold);
    expect(out.isOnHold()).toBe(true);
    expect(inc.state.hold).toBe('active'); // B did not hold anyone
    expect(b.logOf(inc.callId).all('reinvite')).toHaveLength(1);
    expect(out.hold()).toBe(false);
    expect(out.lastRefusal).toMatchObject({ reason: 'not-allowed-in-state' });
    expect(out.unhold()).toBe(true);
    await until(out, (s) => s.hold === 'active');
    await until(inc, (s) => !s.remoteHold);
    expect(a.logOf(out.callId).all('holdFailed')).toHaveLength(0);
    await hangupBoth(out, inc);
  });

  test('mute and unmute: state and the audio track', async () => {
    const { out, inc } = await establish(a, b);
    expect(out.mute()).toBe(true);
    await until(out, (s) => s.muted);
    const pc = (out.RTCSession as RTCSession).connection;
    const track = pc.getSenders().find((s) => s.track?.kind === 'audio')!.track!;
    expect(track.enabled).toBe(false);
    expect(out.isMuted()).toBe(true);
    expect(inc.state.muted).toBe(false);
    expect(out.unmute()).toBe(true);
    await until(out, (s) => !s.muted);
    expect(track.enabled).toBe(true);
    await hangupBoth(out, inc);
  });

  test('DTMF over SIP INFO: B receives every tone, in order', async () => {
    const { out, inc } = await establish(a, b);
    const incLog = b.logOf(inc.callId);
    expect(out.dtmf('12#*9')).toBe(true);
    await incLog.waitFor('dtmf', { where: (e: { tone: string }) => e.tone === '9' });
    expect(incLog.all<{ tone: string; durationMs: number }>('dtmf').map((e) => e.tone)).toEqual(['1', '2', '#', '*', '9']);
    expect(incLog.all<{ durationMs: number }>('dtmf')[0]!.durationMs).toBe(100);
    expect(out.dtmf('x')).toBe(false);
    expect(out.lastRefusal).toMatchObject({ reason: 'invalid-input' });
    await hangupBoth(out, inc);
  });

  test('DTMF over RFC 2833: @roamhq/wrtc has no RTCDTMFSender, so dtmf() is refused (stack-refused) in Node', async () => {
    const e = new TestApp('2005', k, { phone: { dtmf: { transport: 'rfc2833' } } });
    try {
      await e.start();
      const { out, inc } = await establish(e, b);
      const pc = (out.RTCSession as RTCSession).connection;
      // telephone-event was negotiated both ways…
      expect(pc.localDescription?.sdp).toMatch(/telephone-event\/8000/);
      expect(pc.remoteDescription?.sdp).toMatch(/telephone-event\/8000/);
      // …but wrtc's RTCRtpSender has no `dtmf` (its native DtmfSender is not bound to JS)
      const sender = pc.getSenders().find((s) => s.track?.kind === 'audio')!;
      expect('dtmf' in sender).toBe(false);
      expect((globalThis as { RTCDTMFSender?: unknown }).RTCDTMFSender).toBeUndefined();
      expect(dtmfSenderOf(pc)).toBeNull();
      expect(out.dtmf('5')).toBe(false);
      expect(out.lastRefusal).toMatchObject({ command: 'dtmf', reason: 'stack-refused', message: expect.stringMatching(/RTCDTMFSender/) });
      expect(e.logOf(out.callId).all('refused').at(-1)).toMatchObject({ reason: 'stack-refused' });
      // nothing reached B: an INFO sent afterwards arrives with no DTMF before it
      const incLog = b.logOf(inc.callId);
      expect(out.info('text/plain', 'marker')).toBe(true);
      await incLog.waitFor('info', { where: (i: { body: string }) => i.body === 'marker' });
      expect(incLog.all('dtmf')).toHaveLength(0);
      expect(out.state.phase).toBe('confirmed');
      await hangupBoth(out, inc);
    } finally {
      e.phone.destroy();
    }
  });

  test('recording over SIP INFO (Record: on/pause): B sees each INFO; A changes state only on its 2xx', async () => {
    const { out, inc } = await establish(a, b);
    const headers: string[] = [];
    const stateAtB: Array<string | null> = [];
    (inc.RTCSession as RTCSession).on('newInfo', (e: { originator: string; request: { getHeader(n: string): string } }) => {
      if (e.originator !== 'remote') return;
      headers.push(e.request.getHeader('Record'));
      stateAtB.push(out.state.recording); // A has not seen the 200 yet
    });
    const incLog = b.logOf(inc.callId);
    expect(out.startRecord()).toBe(true);
    expect(out.state.recording).toBe('starting');
    await until(out, (s) => s.recording === 'recording');
    expect(out.pauseRecord()).toBe(true);
    await until(out, (s) => s.recording === 'paused');
    expect(out.recordingIsPaused()).toBe(true);
    expect(out.startRecord()).toBe(true); // resume
    await until(out, (s) => s.recording === 'recording');
    await incLog.waitFor('info', { where: () => headers.length >= 3 });
    expect(headers).toEqual(['on', 'pause', 'on']);
    expect(stateAtB).toEqual(['starting', 'pausing', 'resuming']);
    expect(incLog.all<{ contentType: string }>('info').map((i) => i.contentType)).toEqual([
      'application/vnd.callstate.record',
      'application/vnd.callstate.record',
      'application/vnd.callstate.record',
    ]);
    expect(a.logOf(out.callId).all('recordFailed')).toHaveLength(0);
    // B may not record (permission 0): refused, no state change
    expect(inc.startRecord()).toBe(false);
    expect(inc.lastRefusal).toMatchObject({ reason: 'no-permission' });
    expect(inc.state.recording).toBe('off');
    await hangupBoth(out, inc);
  });

  test('recording with a feature code sent as DTMF: B receives the code; state changes once it was delivered', async () => {
    const { out, inc } = await establish(d, b);
    const incLog = b.logOf(inc.callId);
    const stateAtB: Array<string | null> = [];
    incLog.waitFor('dtmf', { where: (e: { tone: string }) => e.tone === '1' }).then(() => stateAtB.push(out.state.recording));
    expect(out.startRecord()).toBe(true);
    await until(out, (s) => s.recording === 'recording');
    expect(incLog.all<{ tone: string }>('dtmf').map((e) => e.tone)).toEqual(['*', '1']);
    expect(stateAtB).toEqual(['starting']);
    expect(out.pauseRecord()).toBe(true);
    await until(out, (s) => s.recording === 'paused');
    expect(incLog.all<{ tone: string }>('dtmf').map((e) => e.tone)).toEqual(['*', '1', '*', '2']);
    await hangupBoth(out, inc);
  });

  test('recording backend failure (feature code over RFC 2833 in Node): recordFailed, state stays off', async () => {
    const e = new TestApp('2006', k, {
      ua: { recording: featureCodeRecording({ codes: { start: '*1', pause: '*2', resume: '*1' }, transport: 'rfc2833' }) },
      phone: { recordPermissions: 2 },
    });
    try {
      await e.start();
      const { out, inc } = await establish(e, b);
      expect(out.startRecord()).toBe(false);
      expect(out.lastRefusal).toMatchObject({ reason: 'stack-refused', message: expect.stringMatching(/RTCDTMFSender/) });
      expect(e.logOf(out.callId).all('recordFailed')).toEqual([expect.objectContaining({ reason: expect.stringMatching(/RTCDTMFSender/) })]);
      expect(out.state.recording).toBe('off');
      expect(out.isRecording()).toBe(false);
      await hangupBoth(out, inc);
    } finally {
      e.phone.destroy();
    }
  });

  test('a third incoming call over the cap (2) → 486 at the caller, incomingRejected at the callee', async () => {
    const first = await establish(a, c);
    const second = await establish(b, c);
    expect(c.phone.isMaxCall).toBe(true);
    await until(first.inc, (s) => s.hold === 'held'); // auto-hold when C answered the second call
    const mark = c.log.mark();
    const result = await d.phone.call('2003', media.options());
    const third = d.phone.getSession(result.callId!)!;
    expect((await until(third, (s) => s.phase === 'ended')).end).toMatchObject({ cause: 'busy', code: 486, originator: 'remote' });
    expect(await c.log.waitFor('incomingRejected', { from: mark })).toMatchObject({ number: '2004', code: 486 });
    expect(c.log.all('incoming', mark)).toHaveLength(0);
    expect(c.phone.getSessions()).toHaveLength(2);
    // ringing never started at D: the 486 came before JsSIP's automatic 180
    expect(d.logOf(third.callId).all<{ statusCode: number }>('progress').map((p) => p.statusCode)).not.toContain(180);
    await hangupBoth(first.out, first.inc);
    await hangupBoth(second.out, second.inc);
  });

  test('blind transfer: A transfers B to C; B–C confirmed; A ends as transferred', async () => {
    const { out: ab, inc: ba } = await establish(a, b);
    const [bMark, cMark] = [b.log.mark(), c.log.mark()];
    expect(ab.blindTransfer('2003')).toBe(true);
    await until(ab, (s) => s.transfer !== 'idle');
    expect(await b.log.waitFor('referReceived', { from: bMark })).toMatchObject({ callId: ba.callId, accepted: true });
    const cb = await c.incoming(cMark);
    expect(cb.state.remote.number).toBe('2002');
    await cb.answer(media.options());
    await until(cb, (s) => s.phase === 'confirmed');
    expect((await until(ab, (s) => s.phase === 'ended')).end).toMatchObject({ cause: 'transferred' });
    expect(a.logOf(ab.callId).all('transferSucceeded')).toEqual([{ callId: ab.callId, target: '2003' }]);
    expect((await until(ba, (s) => s.phase === 'ended')).end).toMatchObject({ cause: 'transferred' });
    const bc = b.phone.getSessions().find((s) => s.callId === cb.callId)!;
    expect(bc.state).toMatchObject({ phase: 'confirmed', direction: 'outgoing' });
    expect(b.phone.currentSessionID).toBe(bc.callId);
    await hangupBoth(bc, cb);
  });

  async function attended(consultationIncoming: boolean): Promise<void> {
    const { out: ab, inc: ba } = await establish(a, b);
    let ac: Session; // A's consultation leg
    let ca: Session; // C's consultation leg
    if (consultationIncoming) {
      // C calls A while A talks to B; A answers (B is held automatically) …
      const consult = await establish(c, a);
      [ac, ca] = [consult.inc, consult.out];
      await until(ab, (s) => s.hold === 'held');
      // … and A's first attendedTransfer makes C's call the consultation leg
      expect(ab.attendedTransfer('2003')).toBe(true);
      expect(ab.state.consultation).toBe(ac.callId);
      expect(ac.state.consultationFor).toBe(ab.callId);
    } else {
      const cMark = c.log.mark();
      expect(ab.attendedTransfer('2003')).toBe(true); // places the consultation call, holds B
      ca = await c.incoming(cMark);
      await ca.answer(media.options());
      await until(ca, (s) => s.phase === 'confirmed');
      ac = a.phone.getSession(ab.state.consultation!)!;
      await until(ac, (s) => s.phase === 'confirmed');
      expect(ac.state.consultationFor).toBe(ab.callId);
      await until(ab, (s) => s.hold === 'held');
    }
    expect(ab.state.transfer).toBe('attended.consulting');
    await until(ba, (s) => s.remoteHold);
    const [bMark, cMark] = [b.log.mark(), c.log.mark()];
    expect(ab.attendedTransfer('2003')).toBe(true); // completes: REFER with Replaces to B
    expect(await b.log.waitFor('referReceived', { from: bMark })).toMatchObject({ callId: ba.callId, accepted: true });
    // C's phone takes the INVITE with Replaces on its own: no `incoming`, the new call is answered
    const { session: cb } = await c.log.waitFor<{ session: Session; callId: string }>('startSession', { from: cMark, where: (x) => x.callId !== ca.callId });
    expect(cb.state.remote.number).toBe('2002');
    await until(cb, (s) => s.phase === 'confirmed');
    const bc = b.phone.getSession(cb.callId)!;
    await until(bc, (s) => s.phase === 'confirmed');
    expect(c.log.all('incoming', cMark)).toHaveLength(0);
    expect((await until(ca, (s) => s.phase === 'ended')).end).toMatchObject({ cause: 'replaced' });
    expect((await until(ab, (s) => s.phase === 'ended')).end).toMatchObject({ cause: 'transferred' });
    expect((await until(ba, (s) => s.phase === 'ended')).end).toMatchObject({ cause: 'transferred' });
    expect((await until(ac, (s) => s.phase === 'ended')).end!.cause).toMatch(/^(bye|transferred)$/);
    expect(a.logOf(ab.callId).all('transferSucceeded')).toHaveLength(1);
    expect(a.phone.getSessions()).toHaveLength(0);
    expect(b.phone.getSessions().map((s) => s.callId)).toEqual([bc.callId]);
    expect(c.phone.getSessions().map((s) => s.callId)).toEqual([cb.callId]);
    await hangupBoth(cb, bc);
  }

  test('attended transfer, consultation call placed by A: attendedTransfer(number) twice', () => attended(false));

  test('attended transfer, consultation call received by A (JsSIP #817): attendedTransfer(number) twice', () => attended(true));

  test('Kamailio restarted mid-call: the phones reconnect and re-register; the call survives, holds and hangs up', async () => {
    const { out, inc } = await establish(a, b);
    const [ma, mb] = [a.log.mark(), b.log.mark()];
    await k.restart(1000);
    await Promise.all([a.log.waitFor('disconnected', { from: ma }), b.log.waitFor('disconnected', { from: mb })]);
    await Promise.all([a.log.waitFor('registered', { from: ma, timeoutMs: 20_000 }), b.log.waitFor('registered', { from: mb, timeoutMs: 20_000 })]);
    expect(a.log.names().slice(ma)).toEqual(expect.arrayContaining(['disconnected', 'unregistered', 'connected', 'registered']));
    expect(out.state.phase).toBe('confirmed');
    expect(inc.state.phase).toBe('confirmed');
    expect(out.hold()).toBe(true);
    await until(out, (s) => s.hold === 'held');
    await until(inc, (s) => s.remoteHold);
    await hangupBoth(out, inc);
    expect(out.state.end).toMatchObject({ cause: 'bye', originator: 'local' });
    expect(inc.state.end).toMatchObject({ cause: 'bye', originator: 'remote' });
  });

  test('WebSocket closed by the server (ws.close): the phones reconnect and re-register; the call survives, holds and hangs up', async () => {
    const { out, inc } = await establish(a, b);
    let ids: number[] = [];
    for (let i = 0; i < 100 && ids.length < apps().length; i++) {
      const dump = JSON.stringify(await k.rpc('ws.dump'));
      ids = [...dump.matchAll(/(\d+): ws:[^"]*?->/g)].map((m) => Number(m[1]));
      if (ids.length < apps().length) await sleep(100);
    }
    expect(ids.length).toBeGreaterThanOrEqual(apps().length);
    const marks = apps().map((x) => x.log.mark());
    // ws.dump does not say whose connection is whose: close them all (every phone must recover)
    for (const id of ids) await k.rpc('ws.close', id);
    await Promise.all(apps().map((x, i) => x.log.waitFor('disconnected', { from: marks[i] })));
    await Promise.all(apps().map((x, i) => x.log.waitFor('registered', { from: marks[i], timeoutMs: 20_000 })));
    expect(out.state.phase).toBe('confirmed');
    expect(inc.state.phase).toBe('confirmed');
    expect(inc.hold()).toBe(true);
    await until(inc, (s) => s.hold === 'held');
    await until(out, (s) => s.remoteHold);
    await hangupBoth(out, inc);
    expect(inc.state.end).toMatchObject({ cause: 'bye', originator: 'remote' });
  });

  test('ICE gathering timeout: the offer goes out before gathering ends; the call connects', async () => {
    const e = new TestApp('2007', k, { ua: { iceGathering: { timeoutMs: 1 } } });
    try {
      await e.start();
      const gathering: string[] = [];
      e.phone.on('newRTCSession', ({ session }) => {
        (session.RTCSession as RTCSession).on('sending', () => gathering.push((session.RTCSession as RTCSession).connection.iceGatheringState));
      });
      const { out, inc } = await establish(e, b);
      // the 1 ms timeout sent the offer while gathering went on…
      expect(gathering).toEqual(['gathering']);
      await hangupBoth(out, inc);
    } finally {
      e.phone.destroy();
    }
    // …where JsSIP alone (no iceGathering option) waits for the end of gathering
    const f = new TestApp('2010', k, { ua: { iceGathering: {} } });
    try {
      await f.start();
      const gathering: string[] = [];
      f.phone.on('newRTCSession', ({ session }) => {
        (session.RTCSession as RTCSession).on('sending', () => gathering.push((session.RTCSession as RTCSession).connection.iceGatheringState));
      });
      const { out, inc } = await establish(f, b);
      expect(gathering).toEqual(['complete']);
      await hangupBoth(out, inc);
    } finally {
      f.phone.destroy();
    }
  });

  test('call() → confirmed, median of 20 calls, interleaved: through the library and through raw JsSIP', async () => {
    // Same media options (mediaOptionsOf, one tone stream per side), same ICE shortcut (first host
    // candidate), same answer path (the callee answers on the next turn of the event loop after it
    // learns of the call), same hang-up and wait for both ends.
    const lib = { x: new TestApp('2021', k), y: new TestApp('2022', k) };
    const raw = (user: string) =>
      new JsSIP.UA({ sockets: [new JsSIP.WebSocketInterface(k.wsUrl)], uri: `sip:${user}@${k.domain}`, password: `pw${user}`, register: true });
    const rx = raw('2011');
    const ry = raw('2012');
    const xStream = media.options();
    const yStream = media.options();
    const firstHost = (e: { candidate: RTCIceCandidate; ready(): void }) => {
      if (/ typ host/.test(e.candidate.candidate ?? '')) e.ready();
    };
    try {
      await Promise.all([lib.x.start(), lib.y.start()]);
      const registered = (ua: JsSIP.UA) => new Promise<void>((r) => ua.once('registered', () => r()));
      const both = Promise.all([registered(rx), registered(ry)]);
      rx.start();
      ry.start();
      await both;
      const offLib = lib.y.phone.on('incoming', ({ session }) => void setImmediate(() => void session.answer(yStream)));
      ry.on('newRTCSession', (e: { originator: string; session: RTCSession }) => {
        if (e.originator !== 'remote') return;
        e.session.on('icecandidate', firstHost);
        setImmediate(() => e.session.answer(mediaOptionsOf(yStream, undefined)));
      });
      const libraryMs: number[] = [];
      const rawMs: number[] = [];
      for (let i = 0; i < 20; i++) {
        // library
        {
          const t0 = performance.now();
          const result = await lib.x.phone.call('2022', xStream);
          const out = lib.x.phone.getSession(result.callId!)!;
          await until(out, (s) => s.phase === 'confirmed');
          libraryMs.push(performance.now() - t0);
          const inc = lib.y.phone.getSession(out.callId)!;
          await until(inc, (s) => s.phase === 'confirmed');
          await hangupBoth(out, inc);
        }
        // raw JsSIP
        {
          let calleeEnded!: Promise<void>;
          const calleeSeen = new Promise<void>((resolve) =>
            ry.once('newRTCSession', (e: { session: RTCSession }) => {
              calleeEnded = new Promise<void>((r) => {
                e.session.once('ended', () => r());
                e.session.once('failed', () => r());
              });
              resolve();
            }),
          );
          const t0 = performance.now();
          await new Promise<void>((resolve, reject) => {
            const session = rx.call(`sip:2012@${k.domain}`, {
              ...(mediaOptionsOf(xStream, undefined) as object),
              eventHandlers: {
                icecandidate: firstHost,
                confirmed: () => {
                  rawMs.push(performance.now() - t0);
                  session.terminate();
                },
                ended: () => resolve(),
                failed: (e: { cause: string }) => reject(new Error(e.cause)),
              },
            });
          });
          await calleeSeen;
          await calleeEnded;
        }
      }
      offLib();
      const p95 = (xs: number[]) => [...xs].sort((p, q) => p - q)[18]!.toFixed(1);
      console.log(
        `call() → confirmed, median of 20 (interleaved): library ${median(libraryMs).toFixed(1)} ms (p95 ${p95(libraryMs)}), ` +
          `raw JsSIP ${median(rawMs).toFixed(1)} ms (p95 ${p95(rawMs)})\n` +
          `library: ${libraryMs.map((x) => x.toFixed(0)).join(' ')}\nraw:     ${rawMs.map((x) => x.toFixed(0)).join(' ')}`,
      );
      expect(libraryMs).toHaveLength(20);
      expect(rawMs).toHaveLength(20);
    } finally {
      lib.x.phone.destroy();
      lib.y.phone.destroy();
      rx.stop();
      ry.stop();
    }
  });
});
