/**
 * `createPhone({ inspect })` inspects the phone and every call actor, and the inspector only ever sees
 * redacted events: the password, the HA1, authorization headers and SDP never appear in its output.
 */
import { inspect as utilInspect } from 'node:util';
import type { InspectionEvent } from 'xstate';
import { createPhone } from '../../src/phone';
import type { Phone } from '../../src/phone';
import { MemorySipNetwork } from '../../adapters/memory';
import { callMachine } from '../../machines/call.machine';
import { phoneMachine } from '../../machines/phone.machine';
import { REDACTED, createRedactingInspector, redactInspectionEvent, redactValue } from '../../src/inspect/redact';
import type { InspectedActor } from '../../src/inspect/redact';
import type { RedactingInspector } from '../../src/redacting-inspector';

const PASSWORD = 'pa55-w0rd-ALICE';
const HA1 = '5f4dcc3b5aa765d61d8327deb882cf99';
const DIGEST_RESPONSE = '6629fae49393a05397450978507c4ef1';
const BEARER_TOKEN = 'eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXRva2Vu.sig';
const SECRETS = [PASSWORD, HA1, DIGEST_RESPONSE, BEARER_TOKEN];

/** The machine definitions: static configuration, the only part of an actor view not walked below. */
const DEFINITIONS = new Set<unknown>([phoneMachine.config, callMachine.config]);

function actorView(actor: InspectedActor | undefined): unknown {
  if (actor === undefined) return undefined;
  const { logic, _parent, getSnapshot, toJSON, ...rest } = actor;
  // A view's `logic.config` is a machine definition, or the function of a callback actor: code, no data.
  expect(typeof logic.config === 'function' || DEFINITIONS.has(logic.config)).toBe(true);
  return { ...rest, parent: actorView(_parent), snapshot: getSnapshot(), json: toJSON() };
}

/** Everything reachable from an inspection event (the actors' snapshots and parents included). */
function serialize(event: InspectionEvent): string {
  const { actorRef, sourceRef, ...rest } = event as InspectionEvent & { sourceRef?: unknown };
  const reachable = { ...rest, actor: actorView(actorRef as unknown as InspectedActor), source: actorView(sourceRef as InspectedActor | undefined) };
  return [
    JSON.stringify(event),
    utilInspect(reachable, { depth: Infinity, getters: true, showHidden: true, maxArrayLength: Infinity, maxStringLength: Infinity }),
  ].join('\n');
}

const actorId = (event: InspectionEvent) => (event.actorRef as unknown as InspectedActor).id;
const machineId = (event: InspectionEvent) => ((event.actorRef as unknown as InspectedActor).logic.config as { id?: string } | undefined)?.id;

let phones: Phone[] = [];
afterEach(() => {
  for (const phone of phones) phone.destroy();
  phones = [];
});

describe('createPhone({ inspect })', () => {
  it('inspects the phone and each call actor (by callId) through a call, and never shows a secret', async () => {
    const network = new MemorySipNetwork();
    network.addAccount({ number: '1001', password: PASSWORD, ha1: HA1 });
    network.addAccount({ number: '1002', password: 'bob-secret-pw' });
    const aliceEvents: InspectionEvent[] = [];
    const bobEvents: InspectionEvent[] = [];
    const alice = createPhone({ userAgent: network.createUserAgent({ number: '1001', password: PASSWORD }), qualityReports: false, inspect: createRedactingInspector((e) => aliceEvents.push(e)) });
    const bob = createPhone({ userAgent: network.createUserAgent({ number: '1002', password: 'bob-secret-pw' }), qualityReports: false, inspect: createRedactingInspector({ next: (e) => bobEvents.push(e) }) });
    phones = [alice, bob];
    bob.on('incoming', ({ session }) => void session.answer({ extraHeaders: [`Proxy-Authorization: Digest username="1002", response="${DIGEST_RESPONSE}"`] }));
    alice.start();
    bob.start();
    await network.settle();
    alice.reRegister('1001', HA1);
    await network.settle();
    expect(alice.isRegistered).toBe(true);

    const { callId } = await alice.call('1002', {
      extraHeaders: [`Authorization: Digest username="1001", realm="memory", response="${DIGEST_RESPONSE}"`, `X-Auth: Bearer ${BEARER_TOKEN}`, 'X-Plain: kept'],
    });
    await network.settle();
    expect(alice.getSession(callId!)!.state.phase).toBe('confirmed');
    alice.hold(callId!);
    await network.settle();
    expect(alice.getSession(callId!)!.state.hold).toBe('held');
    alice.hangup(callId!);
    await network.settle();

    // The phone: its actor, the events it received and its snapshots.
    for (const events of [aliceEvents, bobEvents]) {
      const phoneEvents = events.filter((e) => machineId(e) === 'phone');
      expect(phoneEvents.map((e) => e.type)).toEqual(expect.arrayContaining(['@xstate.actor', '@xstate.event', '@xstate.snapshot']));
      const callEvents = events.filter((e) => actorId(e) === callId && machineId(e) === 'call');
      expect(new Set(callEvents.map((e) => e.type))).toEqual(new Set(['@xstate.actor', '@xstate.event', '@xstate.snapshot', '@xstate.microstep', '@xstate.action']));
      // The call actor is a child of the phone actor.
      const callActor = callEvents[0].actorRef as unknown as InspectedActor;
      expect(machineId({ actorRef: callActor._parent } as unknown as InspectionEvent)).toBe('phone');
    }
    const aliceCallValues = aliceEvents
      .filter((e): e is Extract<InspectionEvent, { type: '@xstate.snapshot' }> => e.type === '@xstate.snapshot' && actorId(e) === callId)
      .map((e) => JSON.stringify((e.snapshot as unknown as { value: unknown }).value));
    expect(aliceCallValues).toEqual(expect.arrayContaining(['"dialing"', expect.stringContaining('"hold":"active"'), expect.stringContaining('"hold":"held"'), '"ended"']));
    const bobCallValues = bobEvents
      .filter((e): e is Extract<InspectionEvent, { type: '@xstate.snapshot' }> => e.type === '@xstate.snapshot' && actorId(e) === callId)
      .map((e) => JSON.stringify((e.snapshot as unknown as { value: unknown }).value));
    expect(bobCallValues).toEqual(expect.arrayContaining(['"ringing"', expect.stringContaining('"remoteHold":"held"'), '"ended"']));

    // The secrets went through the phone (the credentials event, the headers) but never out of it.
    const serialized = [...aliceEvents, ...bobEvents].map(serialize);
    for (const secret of [...SECRETS, 'bob-secret-pw']) {
      expect(serialized.filter((text) => text.includes(secret))).toEqual([]);
    }
    expect(serialized.filter((text) => /Authorization: Digest/i.test(text))).toEqual([]);
    const credentials = aliceEvents.find((e) => e.type === '@xstate.event' && (e.event as { type: string }).type === 'PHONE.CREDENTIALS');
    expect(credentials).toBeDefined();
    expect((credentials as { event: unknown }).event).toEqual({ type: 'PHONE.CREDENTIALS', credentials: { authorizationUser: '1001', ha1: REDACTED } });
    const placed = aliceEvents.find((e) => e.type === '@xstate.event' && (e.event as { type: string }).type === 'PHONE.CALL');
    expect((placed as unknown as { event: { options: unknown } }).event.options).toEqual({
      extraHeaders: [`Authorization: ${REDACTED}`, `X-Auth: Bearer ${REDACTED}`, 'X-Plain: kept'],
    });
  });

  it('gives inspectors a read-only view of each actor; the same actor always gives the same view', async () => {
    const network = new MemorySipNetwork();
    const events: InspectionEvent[] = [];
    const phone = createPhone({ userAgent: network.createUserAgent({ number: '1001' }), qualityReports: false, inspect: createRedactingInspector((e) => events.push(e)) });
    phones = [phone];
    phone.start();
    await network.settle();
    const root = events[0].actorRef as unknown as InspectedActor;
    expect(events[0].type).toBe('@xstate.actor');
    expect(events.every((e) => e.actorRef === (root as unknown) || (e.actorRef as unknown as InspectedActor)._parent === root)).toBe(true);
    expect('send' in root).toBe(false);
    expect(root.getSnapshot()).toMatchObject({ status: 'active', value: { transport: 'connected', registration: 'registered' } });
    expect(Object.isFrozen(root)).toBe(true);
  });

  it('keeps the phone running when the inspector throws', async () => {
    const network = new MemorySipNetwork();
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const phone = createPhone({ userAgent: network.createUserAgent({ number: '1001' }), qualityReports: false, inspect: createRedactingInspector(() => { throw new Error('broken inspector'); }) });
    phones = [phone];
    phone.start();
    await network.settle();
    expect(phone.isRegistered).toBe(true);
    expect(error).toHaveBeenCalledTimes(1);
    error.mockRestore();
  });

  it('gives an inspector that does not redact nothing, and says so once', async () => {
    const network = new MemorySipNetwork();
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const events: InspectionEvent[] = [];
    const plain = (e: InspectionEvent) => void events.push(e);
    const phone = createPhone({ userAgent: network.createUserAgent({ number: '1001' }), qualityReports: false, inspect: plain as unknown as RedactingInspector });
    phones = [phone];
    phone.start();
    await network.settle();
    expect(phone.isRegistered).toBe(true);
    expect(events).toEqual([]);
    expect(error).toHaveBeenCalledTimes(1);
    expect(String(error.mock.calls[0][0])).toContain('createRedactingInspector');
    error.mockRestore();
  });
});

describe('redactValue', () => {
  it('redacts secret keys at any depth, in any spelling, and leaves the rest', () => {
    const value = {
      authorizationUser: '1001',
      credentials: { password: PASSWORD, HA1: HA1, realm: 'r' },
      config: { authorization_jwt: BEARER_TOKEN, 'Proxy-Authorization': 'Digest x', uri: 'sip:1001@example.org' },
      list: [{ Password: PASSWORD }, 'plain'],
      empty: { password: undefined },
    };
    expect(redactValue(value)).toEqual({
      authorizationUser: '1001',
      credentials: { password: REDACTED, HA1: REDACTED, realm: 'r' },
      config: { authorization_jwt: REDACTED, 'Proxy-Authorization': REDACTED, uri: 'sip:1001@example.org' },
      list: [{ Password: REDACTED }, 'plain'],
      empty: { password: undefined },
    });
  });

  it('redacts authorization headers, digest and bearer credentials inside strings', () => {
    const message = `REGISTER sip:example.org SIP/2.0\r\nVia: SIP/2.0/WSS x\r\nAuthorization: Digest username="1001", response="${DIGEST_RESPONSE}"\r\nproxy-authorization:Digest nonce="n"\r\nContent-Length: 0\r\n\r\n`;
    const redacted = redactValue(message) as string;
    expect(redacted).toBe(`REGISTER sip:example.org SIP/2.0\r\nVia: SIP/2.0/WSS x\r\nAuthorization: ${REDACTED}\r\nproxy-authorization: ${REDACTED}\r\nContent-Length: 0\r\n\r\n`);
    expect(redactValue(`token Bearer ${BEARER_TOKEN} end`)).toBe(`token Bearer ${REDACTED} end`);
    expect(redactValue(`Digest username="a", response="${DIGEST_RESPONSE}"`)).toBe(`Digest ${REDACTED}`);
  });

  it('replaces SDP (whole, or as the body of a SIP message) unless kept; ice-pwd is always redacted', () => {
    const sdp = 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=ice-ufrag:abcd\r\na=ice-pwd:s3cr3ticepassword1234\r\n';
    expect(redactValue({ sdp })).toEqual({ sdp: `[sdp redacted: ${sdp.length} chars]` });
    const invite = `INVITE sip:1002@x SIP/2.0\r\nAuthorization: Digest response="${DIGEST_RESPONSE}"\r\nContent-Type: application/sdp\r\n\r\n${sdp}`;
    const redactedInvite = redactValue(invite) as string;
    expect(redactedInvite).toContain('INVITE sip:1002@x SIP/2.0');
    expect(redactedInvite).toContain(`Authorization: ${REDACTED}`);
    expect(redactedInvite).toContain(`[sdp redacted: ${sdp.length} chars]`);
    expect(redactedInvite).not.toContain('127.0.0.1');
    const kept = redactValue({ sdp }, { keepSdp: true }) as { sdp: string };
    expect(kept.sdp).toContain('m=audio 9');
    expect(kept.sdp).toContain(`a=ice-pwd:${REDACTED}`);
    expect(kept.sdp).not.toContain('s3cr3ticepassword1234');
  });

  it('does not walk into live objects, and survives cycles', () => {
    class UserAgentLike {
      readonly config = { password: PASSWORD };
    }
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    expect(redactValue({ ua: new UserAgentLike(), when: new Date(0), error: new Error('bad'), cyclic, extra: { pin: '1234' } }, { secretKeys: ['PIN'] })).toEqual({
      ua: '[UserAgentLike]',
      when: '1970-01-01T00:00:00.000Z',
      error: { name: 'Error', message: 'bad' },
      cyclic: { name: 'loop', self: '[circular]' },
      extra: { pin: REDACTED },
    });
  });
});

describe('redactInspectionEvent and createRedactingInspector', () => {
  it('redacts action parameters and is idempotent', () => {
    const actorRef = { id: 'x', sessionId: 'x:0', getSnapshot: () => ({ status: 'active', value: 'idle', context: { password: PASSWORD } }) };
    const event = { type: '@xstate.action', rootId: 'x:0', actorRef, action: { type: 'tellAgent', params: { type: 'AGENT.CREDENTIALS', credentials: { authorizationUser: 'u', ha1: HA1 } } } } as unknown as InspectionEvent;
    const once = redactInspectionEvent(event);
    expect(redactInspectionEvent(once)).toBe(once);
    expect(JSON.stringify(once)).not.toContain(HA1);
    expect((once.actorRef as unknown as InspectedActor).getSnapshot()).toEqual({ status: 'active', value: 'idle', context: { password: REDACTED } });
    const seen: InspectionEvent[] = [];
    createRedactingInspector({ next: (e) => seen.push(e) }).next!(event);
    expect(JSON.stringify(seen)).not.toContain(HA1);
  });
});
