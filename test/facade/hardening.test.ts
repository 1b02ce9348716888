/**
 * Input that used to break a phone: prototype-named and non-string call ids, settings and options
 * outside the documented ones, listeners that are not functions, a media stream that is not one,
 * `setStatus`/`can` with nothing, a destroyed phone's setters, `events$` and `status$` of calls that
 * are gone, and refusal call ids. Each answers with a typed refusal now, and the phone goes on.
 */
import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import type { Phone, Result, Session } from '../../src';
import { createPhone, PhoneOptionsError } from '../../src';
import { MemorySipNetwork } from '../../adapters/memory';
import { attendedConsultation, establish, facadeRig, PHONE_CALL_COMMANDS, recordPhone } from '../support/facade-harness';
import type { FacadeRig } from '../support/facade-harness';
import { startPhone, stopAllPhones } from '../support/phone-harness';

let rig: FacadeRig | null = null;

afterEach(() => {
  rig?.destroy();
  rig = null;
  stopAllPhones();
  jest.useRealTimers();
});

/** Every Phone method that takes a call id, with otherwise valid arguments. */
const CALL_ID_METHODS: ReadonlyArray<readonly [string, (p: Phone, id: never) => unknown]> = [
  ...PHONE_CALL_COMMANDS,
  ['getSession', (p, id) => p.getSession(id)],
  ['call (transferId)', (p, id) => p.call('1002', {}, id)],
];

async function settled(value: unknown): Promise<unknown> {
  return value instanceof Promise ? await value : value;
}

describe('call ids that are Object.prototype names or not strings', () => {
  const IDS: ReadonlyArray<readonly [string, unknown]> = [
    ['__proto__', '__proto__'],
    ['constructor', 'constructor'],
    ['toString', 'toString'],
    ['hasOwnProperty', 'hasOwnProperty'],
    ['a Symbol', Symbol('id')],
    ['the number 42', 42],
  ];

  it.each(IDS)('every method given %s refuses with unknown-call, with a string or null callId', async (_, id) => {
    rig = await facadeRig(['1001', '1002']);
    const { phone } = rig.phones[0];
    await establish(rig, rig.phones[0], rig.phones[1]);
    const before = phone.getSessions().map((s) => s.callId);
    for (const [name, run] of CALL_ID_METHODS) {
      let value: unknown;
      expect(() => (value = run(phone, id as never))).not.toThrow();
      const outcome = await settled(value);
      if (name === 'getSession') {
        expect(outcome).toBeNull();
        continue;
      }
      expect([name, outcome === false || (outcome as Result).ok === false]).toEqual([name, true]);
      expect([name, phone.lastRefusal?.reason]).toEqual([name, 'unknown-call']);
      expect(phone.lastRefusal?.callId).toBe(typeof id === 'string' ? id : null);
    }
    expect(phone.getSessions().map((s) => s.callId)).toEqual(before);
    expect(phone.currentSessionID).toBe(before[0]);
  });

  it('the phone machine keeps an incoming call whose id is a prototype name, and never takes an inherited one for a call', () => {
    const h = startPhone({ maxCalls: 5 });
    h.connect();
    h.send({ type: 'PHONE.SET_CURRENT', callId: '__proto__' });
    expect(h.context.currentSessionID).toBeNull();
    h.created('constructor', 'incoming', { number: '1002' });
    expect(Object.keys(h.context.calls)).toEqual(['constructor']);
    expect(h.emittedOf('call.incoming').map((e) => e.callId)).toEqual(['constructor']);
  });
});

describe('configure() and createPhone() accept only the documented settings', () => {
  it.each([
    ['null', null],
    ['a string', 'maxCalls'],
    ['{ order: null }', { order: null }],
    ['{ calls: {} }', { calls: {} }],
    ['{ maxCalls: 0 }', { maxCalls: 0 }],
    ['{ maxCalls: -1 }', { maxCalls: -1 }],
    ['{ maxCalls: NaN }', { maxCalls: Number.NaN }],
    ['{ callWaiting: "yes" }', { callWaiting: 'yes' }],
    ['{ overCapCode: 200 }', { overCapCode: 200 }],
  ])('configure(%s) is refused with invalid-input; live calls and the cap stay', async (_, settings) => {
    rig = await facadeRig(['1001', '1002', '1003']);
    const [a, b, c] = rig.phones;
    const states: unknown[] = [];
    const errors: unknown[] = [];
    a.phone.state$.subscribe({ next: (s) => states.push(s), error: (e) => errors.push(e) });
    await establish(rig, a, b);
    expect(() => a.phone.configure(settings as never)).not.toThrow();
    expect(a.phone.lastRefusal).toMatchObject({ command: 'configure', reason: 'invalid-input' });
    expect(errors).toEqual([]);
    expect(a.phone.getSessions()).toHaveLength(1);
    expect(a.phone.state.callCap).toBe(2);
    const second = await a.phone.call(c.number);
    expect(second.ok).toBe(true);
  });

  it('configure() with valid settings applies them', async () => {
    rig = await facadeRig(['1001']);
    const { phone } = rig.phones[0];
    phone.configure({ maxCalls: 4 });
    expect(phone.state).toMatchObject({ callCap: 4 });
    phone.configure({ callWaiting: false, reRegistryPhoneTimes: undefined });
    expect(phone.state).toMatchObject({ callCap: 1 });
    expect(phone.lastRefusal).toBeNull();
  });

  it.each([
    ['{}', {}],
    ['no options', undefined],
    ['maxCalls -1', { maxCalls: -1 }],
    ['recordPermissions 5', { recordPermissions: 5 }],
    ['rejectCode 200', { rejectCode: 200 }],
    ['reportIntervalMs 0', { reportIntervalMs: 0 }],
    ['an unknown option', { calls: {} }],
    ['dtmf transport "x"', { dtmf: { transport: 'x' } }],
  ])('createPhone(%s) throws one PhoneOptionsError and leaves nothing behind', (_, extra) => {
    jest.useFakeTimers();
    const network = new MemorySipNetwork();
    const options = extra === undefined ? undefined : { ...(Object.keys(extra).length ? { userAgent: network.createUserAgent({ number: '1001' }) } : {}), ...extra };
    expect(() => createPhone(options as never)).toThrow(PhoneOptionsError);
    expect(jest.getTimerCount()).toBe(0);
    expect(() => jest.runOnlyPendingTimers()).not.toThrow();
  });
});

describe('on() with a listener that is not a function', () => {
  it.each([
    ['null', null],
    ['a string', 'listener'],
  ])('Phone.on(event, %s) is refused, and the event fires without an uncaught error', async (_, listener) => {
    jest.useFakeTimers();
    rig = await facadeRig(['1001'], {}, false);
    const { phone } = rig.phones[0];
    const off = phone.on('registered', listener as never);
    expect(typeof off).toBe('function');
    expect(phone.lastRefusal).toMatchObject({ command: 'on', reason: 'invalid-input' });
    phone.start();
    await rig.settle();
    expect(phone.isRegistered).toBe(true);
    expect(() => jest.runOnlyPendingTimers()).not.toThrow();
  });

  it('Session.on(event, null) is refused, and the event fires without an uncaught error', async () => {
    jest.useFakeTimers();
    rig = await facadeRig(['1001', '1002']);
    const { caller } = await establish(rig, rig.phones[0], rig.phones[1]);
    caller.on('statusChange', null as never);
    expect(caller.lastRefusal).toMatchObject({ command: 'on', reason: 'invalid-input' });
    expect(caller.hold()).toBe(true);
    await rig.settle();
    expect(caller.state.hold).toBe('held');
    expect(() => jest.runOnlyPendingTimers()).not.toThrow();
  });

  it('Session.on() once the call has ended is refused with call-ended (its events$ has completed)', async () => {
    rig = await facadeRig(['1001', '1002']);
    const { caller } = await establish(rig, rig.phones[0], rig.phones[1]);
    caller.hangup();
    await rig.settle();
    caller.on('ended', () => undefined);
    expect(caller.lastRefusal).toMatchObject({ command: 'on', reason: 'call-ended' });
  });

  it('an unknown event name is refused too', async () => {
    rig = await facadeRig(['1001']);
    const { phone } = rig.phones[0];
    phone.on('nonsense' as never, () => undefined);
    expect(phone.lastRefusal).toMatchObject({ command: 'on', reason: 'invalid-input' });
  });
});

describe('a mediaStream that is not a MediaStream', () => {
  it('call(n, { mediaStream: "x" }) and answer(id, { mediaStream: "x" }) are refused; status$ stays healthy', async () => {
    rig = await facadeRig(['1001', '1002']);
    const [a, b] = rig.phones;
    const refused = await a.phone.call(b.number, { mediaStream: 'x' as never });
    expect(refused).toMatchObject({ ok: false, reason: 'invalid-input' });
    expect(a.phone.getSessions()).toHaveLength(0);
    const placed = await a.phone.call(b.number);
    await rig.settle();
    const incoming = b.phone.incomingList[0];
    const errors: unknown[] = [];
    incoming.status$.subscribe({ error: (e) => errors.push(e) });
    const answered = await b.phone.answer(incoming.callId, { mediaStream: 'x' as never });
    expect(answered).toMatchObject({ ok: false, reason: 'invalid-input' });
    await rig.settle();
    expect(errors).toEqual([]);
    expect(incoming.state.phase).toBe('ringing');
    expect((await b.phone.answer(incoming.callId)).ok).toBe(true);
    await rig.settle();
    expect(a.phone.getSession(placed.callId!)!.state.phase).toBe('confirmed');
  });
});

describe('setStatus and can with nothing', () => {
  it.each([undefined, null, 'x', 5])('setStatus(%p) is refused with invalid-input, nothing thrown', async (value) => {
    rig = await facadeRig(['1001', '1002']);
    const { caller } = await establish(rig, rig.phones[0], rig.phones[1]);
    expect(() => caller.setStatus(value as never)).not.toThrow();
    expect(caller.lastRefusal).toMatchObject({ command: 'setStatus', reason: 'invalid-input' });
  });

  it.each([undefined, null, 'CALL.HOLD', {}, { type: 'PHONE.START' }])('can(%p) answers false without throwing', async (value) => {
    rig = await facadeRig(['1001', '1002']);
    const { caller } = await establish(rig, rig.phones[0], rig.phones[1]);
    expect(caller.can(value as never)).toBe(false);
    expect(caller.can({ type: 'CALL.HOLD' })).toBe(true);
  });
});

describe('video options that are not an object', () => {
  it.each([null, 'cam', 5, [], { cameraId: 5 }, { camera: 'x' }])('audioToVideo(%p) and acceptVideo(%p) are refused with invalid-input, nothing thrown', async (value) => {
    rig = await facadeRig(['1001', '1002']);
    const { caller } = await establish(rig, rig.phones[0], rig.phones[1]);
    await expect(caller.audioToVideo(value as never)).resolves.toMatchObject({ ok: false, reason: 'invalid-input' });
    expect(() => caller.acceptVideo(value as never)).not.toThrow();
    expect(caller.lastRefusal).toMatchObject({ command: 'acceptVideo', reason: 'invalid-input' });
  });
});

describe('a destroyed phone refuses every setter consistently', () => {
  it('configure, recordPermissions and reRegistryPhoneTimes record destroyed and change nothing', async () => {
    rig = await facadeRig(['1001']);
    const { phone } = rig.phones[0];
    phone.destroy();
    phone.configure({ maxCalls: 5 });
    expect(phone.lastRefusal).toMatchObject({ command: 'configure', reason: 'destroyed' });
    phone.recordPermissions = 2;
    expect(phone.lastRefusal).toMatchObject({ command: 'recordPermissions', reason: 'destroyed' });
    expect(phone.recordPermissions).toBe(0);
    phone.reRegistryPhoneTimes = 9;
    expect(phone.lastRefusal).toMatchObject({ command: 'reRegistryPhoneTimes', reason: 'destroyed' });
    expect(phone.reRegistryPhoneTimes).toBe(5);
    expect(phone.state.callCap).toBe(2);
  });
});

describe('observables of calls that are gone', () => {
  it('Session.events$ completes when its call ends, before the phone is destroyed', async () => {
    rig = await facadeRig(['1001', '1002']);
    const { caller } = await establish(rig, rig.phones[0], rig.phones[1]);
    const names = lastValueFrom(caller.events$.pipe(toArray()));
    expect(caller.hangup()).toBe(true);
    await rig.settle();
    expect((await names).map((e) => e.name)).toContain('ended');
  });

  it("status$ drops the transfer parent when the parent call is hung up, like the status getter", async () => {
    const consulting = await attendedConsultation();
    rig = consulting.rig;
    const { caller, consultation } = consulting;
    let latest: unknown = null;
    consultation.status$.subscribe((status) => (latest = status));
    expect(latest).toMatchObject({ transferParent: { callId: caller.callId } });
    expect(caller.hangup()).toBe(true);
    await rig.settle();
    expect(consultation.state.phase).toBe('confirmed');
    expect(consultation.status.transferParent).toBeUndefined();
    expect(latest).toEqual(consultation.status);
    expect(await firstValueFrom(consultation.status$)).toEqual(consultation.status);
  });
});

describe('what a session raises itself follows its streams', () => {
  it('every status$ value after the first arrives as statusChange (new, old), also when the original call of a consultation leg goes', async () => {
    const consulting = await attendedConsultation();
    rig = consulting.rig;
    const { caller, consultation } = consulting;
    const changes: Array<[unknown, unknown]> = [];
    consultation.on('statusChange', (next, old) => changes.push([next, old]));
    const streamed: unknown[] = [];
    consultation.status$.subscribe((status) => streamed.push(status));
    caller.setStaticStatus({ name: 'Original' });
    await rig.settle();
    expect(caller.hangup()).toBe(true);
    await rig.settle();
    consultation.hold();
    await rig.settle();
    expect(streamed.length).toBeGreaterThanOrEqual(3);
    expect(changes.map(([next]) => next)).toEqual(streamed.slice(1));
    expect(changes.map(([, old]) => old)).toEqual(streamed.slice(0, -1));
    expect(changes.some(([next]) => (next as { transferParent?: { name: string } }).transferParent?.name === 'Original')).toBe(true);
    expect(changes[changes.length - 1]![0]).toEqual(consultation.status);
  });

  it('report$ read once reports have begun gets the later ones, the same objects callReport carries; read after the end, it completes at once', async () => {
    jest.useFakeTimers({ now: 1_700_000_000_000 });
    try {
      rig = await facadeRig(['1001', '1002'], { qualityReports: true });
      const { caller } = await establish(rig, rig.phones[0], rig.phones[1]);
      const events: unknown[] = [];
      caller.on('callReport', ({ callReport }) => events.push(callReport));
      await jest.advanceTimersByTimeAsync(3000);
      expect(events).toHaveLength(1);
      const late: unknown[] = [];
      let lateDone = false;
      caller.report$.subscribe({ next: (report) => late.push(report), complete: () => (lateDone = true) });
      await jest.advanceTimersByTimeAsync(6000);
      expect(events).toHaveLength(3);
      expect(late).toEqual(events.slice(1));
      expect(late[1]).toBe(events[2]);
      expect(caller.callReport).toBe(events[2]);
      caller.hangup();
      await rig.settle();
      expect(lateDone).toBe(true);
      await jest.advanceTimersByTimeAsync(6000);
      expect(events).toHaveLength(3);
      let afterEnd = false;
      caller.report$.subscribe({ complete: () => (afterEnd = true) });
      expect(afterEnd).toBe(true);
    } finally {
      rig?.destroy();
      rig = null;
      jest.useRealTimers();
    }
  });
});

describe('a consultation call of a consultation call (found by the property suite)', () => {
  it('call(n, {}, legId) on a consultation leg is refused; no call is both a leg and a parent', async () => {
    const consulting = await attendedConsultation();
    rig = consulting.rig;
    const { caller, consultation: leg } = consulting;
    const [a] = consulting.phones;
    expect(leg.state.consultationFor).toBe(caller.callId);
    const result = await a.phone.call('1002', {}, leg.callId);
    expect(result).toMatchObject({ ok: false, reason: 'not-allowed-in-state' });
    await rig.settle();
    expect(a.phone.getSessions()).toHaveLength(2);
    expect(a.phone.getSessions().every((s) => s.state.consultationFor === null || s.state.consultation === null)).toBe(true);
  });
});

describe('refusal call ids', () => {
  it('a refusal names the call id only when it is a string', async () => {
    rig = await facadeRig(['1001']);
    const { phone } = rig.phones[0];
    const events = recordPhone(phone);
    phone.hold(42 as never);
    expect(phone.lastRefusal).toMatchObject({ reason: 'unknown-call', callId: null });
    phone.hold('nope');
    expect(phone.lastRefusal).toMatchObject({ reason: 'unknown-call', callId: 'nope' });
    expect(events.first('refused').map((r) => r.callId)).toEqual([null, 'nope']);
  });
});
