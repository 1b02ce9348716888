/**
 * No caller string becomes SIP text unchecked. Content types, extra headers, digest credentials and
 * targets must follow RFC 3261's grammar; CR, LF, NUL and the like are refused by the facade, and
 * again by the adapters where the string would reach the stack, so the bytes never reach the wire:
 * on the memory network (nothing is delivered to the far end) and on real JsSIP fed through an
 * in-process socket (nothing is written to the socket).
 */
import * as JsSIP from 'jssip';
import { createJsSipUserAgent } from '../../adapters/jssip';
import type { CallPort, CallPortEvent, UserAgentPort } from '../../machines/port';
import { createPhone } from '../../src';
import type { Phone } from '../../src';
import { FarEndDialog, InProcessSocket, fakeAudioStream, installSignallingOnlyWebRtc, nextSent } from '../../bench/lib/in-process-sip';
import { establish, facadeRig, recordSession } from '../support/facade-harness';
import type { FacadeRig } from '../support/facade-harness';

const INJECTED = 'X-Injected';
const BAD_CONTENT_TYPES = [`text/plain\r\n${INJECTED}: 1`, `text/plain\n${INJECTED}: 1`, 'text/plain\0', 'text/plain;x="a\r\nb"', 'text', ''];
const BAD_HEADER_LINES = [[`X-A: 1\r\n${INJECTED}: 2`], [`X-A: 1\n${INJECTED}: 2`], ['X-A: \0'], ['Via: SIP/2.0/WSS evil'], ['no colon'], [`${INJECTED}`]];
const BAD_TARGETS = ['sip:1002@memory;x="<a>', 'sip:1002@memory\r\nX: 1', '<sip:1002@memory>', 'sip:1002@memory?Subject=a b', 'sip:10 02@memory', '1002\0'];

let rig: FacadeRig | null = null;
afterEach(() => {
  rig?.destroy();
  rig = null;
});

describe('memory network: refused input is never delivered', () => {
  it.each(BAD_CONTENT_TYPES)('info/message with content type %j: refused by the facade and by the port; the far end receives nothing', async (contentType) => {
    rig = await facadeRig(['1001', '1002']);
    const [a, b] = rig.phones;
    const { caller, callee } = await establish(rig, a, b);
    const far = recordSession(callee);
    expect(caller.info(contentType, 'x')).toBe(false);
    expect(caller.lastRefusal).toMatchObject({ command: 'info', reason: 'invalid-input' });
    expect(caller.message(contentType, 'x')).toBe(false);
    expect(caller.lastRefusal).toMatchObject({ command: 'message', reason: 'invalid-input' });
    const port = a.ua.getCall(caller.callId)!;
    const failures: CallPortEvent[] = [];
    port.subscribe((event) => event.type === 'SIP.COMMAND.FAILED' && failures.push(event));
    port.sendInfo(contentType, 'x');
    port.sendMessage(contentType, 'x');
    await rig.settle();
    expect(failures.map((f) => (f as { command: string }).command)).toEqual(['sendInfo', 'sendMessage']);
    expect(far.names().filter((n) => n === 'info' || n === 'message')).toEqual([]);
    // The same path delivers a valid content type.
    expect(caller.info('application/json; charset="utf-8"', '{}')).toBe(true);
    await rig.settle();
    expect(far.first('info')).toEqual([{ callId: callee.callId, contentType: 'application/json; charset="utf-8"', body: '{}' }]);
  });

  it.each(BAD_TARGETS)('target %j is refused by call, blindTransfer and attendedTransfer', async (target) => {
    rig = await facadeRig(['1001', '1002']);
    const [a, b] = rig.phones;
    const { caller } = await establish(rig, a, b);
    expect(await a.phone.call(target)).toMatchObject({ ok: false, reason: 'invalid-input' });
    expect(caller.blindTransfer(target)).toBe(false);
    expect(caller.lastRefusal).toMatchObject({ reason: 'invalid-input' });
    expect(caller.attendedTransfer(target)).toBe(false);
    expect(caller.lastRefusal).toMatchObject({ reason: 'invalid-input' });
    await rig.settle();
    expect(caller.state.transfer).toBe('idle');
  });

  it.each(BAD_HEADER_LINES.map((lines) => [JSON.stringify(lines), lines] as const))('extra headers %s are refused by call and answer', async (_, lines) => {
    rig = await facadeRig(['1001', '1002']);
    const [a, b] = rig.phones;
    expect(await a.phone.call(b.number, { extraHeaders: lines })).toMatchObject({ ok: false, reason: 'invalid-input' });
    expect((await a.phone.call(b.number, { extraHeaders: ['X-Ok: fine'] })).ok).toBe(true);
    await rig.settle();
    const incoming = b.phone.incomingList[0];
    expect(await incoming.answer({ extraHeaders: lines })).toMatchObject({ ok: false, reason: 'invalid-input' });
    expect(incoming.state.phase).toBe('ringing');
  });

  it.each([
    [`1001\r\n${INJECTED}: 1`, '6f1ed002ab5595859014ebf0951522d9'],
    ['1001"', '6f1ed002ab5595859014ebf0951522d9'],
    ['1001', `6f1ed002\r\n${INJECTED}: 1`],
    ['1001', '6f1e d002'],
  ])('reRegister(%j, %j) is refused and keeps the registration', async (user, ha1) => {
    rig = await facadeRig(['1001']);
    const { phone } = rig.phones[0];
    phone.reRegister(user, ha1);
    expect(phone.lastRefusal).toMatchObject({ command: 'reRegister', reason: 'invalid-input' });
    await rig.settle();
    expect(phone.isRegistered).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------- JsSIP

const AOR = 'sip:alice@far.bench.invalid';

function header(message: string, name: string): string {
  const match = new RegExp(`^${name}:\\s*(.*)$`, 'mi').exec(message);
  if (!match) throw new Error(`no ${name} header in:\n${message}`);
  return match[1].trim();
}

/** A 401 challenge to a REGISTER, or another final response. */
function challenge(register: string, status = '401 Unauthorized'): string {
  return [
    `SIP/2.0 ${status}`,
    `Via: ${header(register, 'Via')}`,
    `From: ${header(register, 'From')}`,
    `To: ${header(register, 'To')};tag=reg401`,
    `Call-ID: ${header(register, 'Call-ID')}`,
    `CSeq: ${header(register, 'CSeq')}`,
    'WWW-Authenticate: Digest realm="far.bench.invalid", nonce="n0nce", algorithm=MD5, qop="auth"',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

interface JsSipRig {
  readonly socket: InProcessSocket;
  readonly sent: string[];
  readonly port: UserAgentPort;
  readonly phone: Phone;
}

async function jssipRig(): Promise<JsSipRig> {
  installSignallingOnlyWebRtc();
  const socket = new InProcessSocket();
  const sent: string[] = [];
  const send = socket.send.bind(socket);
  socket.send = (message: string) => {
    sent.push(message);
    return send(message);
  };
  const jssip = { ...JsSIP, WebSocketInterface: function InProcess() { return socket; } } as unknown as typeof JsSIP;
  const port = createJsSipUserAgent({ uri: AOR, servers: socket.url, credentials: { authorizationUser: 'alice', password: 'pw' }, jssip, sessionTimers: false });
  const phone = createPhone({ userAgent: port, register: false, qualityReports: false });
  phone.start();
  for (let i = 0; i < 100 && phone.state.transport !== 'connected'; i++) await new Promise((r) => setImmediate(r));
  expect(phone.state.transport).toBe('connected');
  return { socket, sent, port, phone };
}

/** Places a call through JsSIP and has the far end answer it; resolves with the call's port. */
async function establishedJsSipCall(j: JsSipRig): Promise<{ port: CallPort; callId: string }> {
  const invite = nextSent(j.socket, /^INVITE /);
  const result = await j.phone.call('bob', { mediaStream: fakeAudioStream() });
  expect(result.ok).toBe(true);
  const far = new FarEndDialog(await invite, 1);
  const ack = nextSent(j.socket, /^ACK /);
  j.socket.deliver(far.ringing());
  j.socket.deliver(far.ok());
  await ack;
  for (let i = 0; i < 100 && j.phone.getSession(result.callId!)?.state.phase !== 'confirmed'; i++) await new Promise((r) => setImmediate(r));
  expect(j.phone.getSession(result.callId!)!.state.phase).toBe('confirmed');
  return { port: j.port.getCall(result.callId!)!, callId: result.callId! };
}

async function flush(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
}

describe('JsSIP through an in-process socket: refused input never reaches the wire', () => {
  let j: JsSipRig | null = null;
  afterEach(() => {
    j?.phone.destroy();
    j = null;
  });

  it('INFO and MESSAGE with a bad content type: the facade refuses, the adapter refuses, nothing is written', async () => {
    j = await jssipRig();
    const { port, callId } = await establishedJsSipCall(j);
    const session = j.phone.getSession(callId)!;
    const failures: string[] = [];
    port.subscribe((event) => event.type === 'SIP.COMMAND.FAILED' && failures.push(event.command));
    for (const contentType of BAD_CONTENT_TYPES) {
      expect(session.info(contentType, 'x')).toBe(false);
      expect(session.message(contentType, 'x')).toBe(false);
      port.sendInfo(contentType, 'x');
      port.sendMessage(contentType, 'x');
    }
    await flush();
    expect(failures).toHaveLength(BAD_CONTENT_TYPES.length * 2);
    expect(j.sent.filter((m) => /^(INFO|MESSAGE) /.test(m))).toEqual([]);
    expect(j.sent.some((m) => m.includes(INJECTED))).toBe(false);
    // A valid content type goes out as written.
    const info = nextSent(j.socket, /^INFO /);
    expect(session.info('application/json', '{}')).toBe(true);
    expect(header(await info, 'Content-Type')).toBe('application/json');
  });

  it('extra headers with CR/LF or a stack header: no INVITE is written; valid ones go out as written', async () => {
    j = await jssipRig();
    for (const lines of BAD_HEADER_LINES) {
      expect(await j.phone.call('bob', { extraHeaders: lines, mediaStream: fakeAudioStream() })).toMatchObject({ ok: false, reason: 'invalid-input' });
      const ended: CallPortEvent[] = [];
      const call = j.port.call('bob', { extraHeaders: lines, mediaStream: fakeAudioStream() });
      call.subscribe((event) => event.type === 'SIP.FAILED' && ended.push(event));
      expect(ended).toHaveLength(1);
    }
    await flush();
    expect(j.sent.filter((m) => /^INVITE /.test(m))).toEqual([]);
    expect(j.sent.some((m) => m.includes(INJECTED))).toBe(false);
    const invite = nextSent(j.socket, /^INVITE /);
    expect((await j.phone.call('bob', { extraHeaders: ['X-Ok: fine'], mediaStream: fakeAudioStream() })).ok).toBe(true);
    expect(header(await invite, 'X-Ok')).toBe('fine');
  });

  it('targets outside the SIP-URI grammar: no INVITE and no REFER is written', async () => {
    j = await jssipRig();
    const { port } = await establishedJsSipCall(j);
    const failures: CallPortEvent[] = [];
    port.subscribe((event) => event.type === 'SIP.REFER.FAILED' && failures.push(event));
    for (const target of BAD_TARGETS) {
      const ended: CallPortEvent[] = [];
      j.port.call(target, { mediaStream: fakeAudioStream() }).subscribe((event) => event.type === 'SIP.FAILED' && ended.push(event));
      expect(ended).toMatchObject([{ cause: 'address-incomplete' }]);
      port.refer(target, null);
    }
    await flush();
    expect(failures).toHaveLength(BAD_TARGETS.length);
    expect(j.sent.filter((m) => /^(INVITE|REFER) /.test(m))).toHaveLength(1); // the established call's INVITE
    const refer = nextSent(j.socket, /^REFER /);
    port.refer('sip:carol@far.bench.invalid', null);
    expect(header(await refer, 'Refer-To')).toContain('sip:carol@far.bench.invalid');
  });

  it('credentials with CR/LF are never used: the digest answer keeps the last good user', async () => {
    j = await jssipRig();
    j.port.setCredentials({ authorizationUser: `mallory\r\n${INJECTED}: 1`, ha1: '6f1ed002ab5595859014ebf0951522d9' });
    const register = nextSent(j.socket, /^REGISTER /);
    j.port.register();
    const retry = nextSent(j.socket, /^REGISTER /);
    j.socket.deliver(challenge(await register));
    const answered = await retry;
    expect(header(answered, 'Authorization')).toMatch(/username="alice"/);
    expect(j.sent.some((m) => m.includes(INJECTED))).toBe(false);
    j.socket.deliver(challenge(answered, '403 Forbidden'));
    await flush();
    // A valid change is used.
    j.port.setCredentials({ authorizationUser: 'carol', ha1: '6f1ed002ab5595859014ebf0951522d9' });
    const second = nextSent(j.socket, /^REGISTER /);
    j.port.register();
    const secondRetry = nextSent(j.socket, /^REGISTER /);
    j.socket.deliver(challenge(await second));
    expect(header(await secondRetry, 'Authorization')).toMatch(/username="carol"/);
  });
});
