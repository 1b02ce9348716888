/**
 * Every public method and option × bad values. Each case must end as a typed refusal (the reason the
 * row expects, in `lastRefusal`; for `createPhone`, a `PhoneOptionsError`) or as one of the row's
 * documented acceptances; nothing may throw, reject or error an observable. The table and its
 * totals are printed at the end.
 */
import type { Phone, Result, Session } from '../../src';
import { createPhone, PhoneOptionsError } from '../../src';
import type { Refusal, RefusalReason } from '../../src';
import { MemorySipNetwork } from '../../adapters/memory';
import { establish, facadeRig } from '../support/facade-harness';
import type { FacadeRig } from '../support/facade-harness';

const VALUES: ReadonlyArray<readonly [string, unknown]> = [
  ['undefined', undefined],
  ['null', null],
  ["''", ''],
  ['100k chars', 'x'.repeat(100_000)],
  ['42', 42],
  ['-1', -1],
  ['NaN', Number.NaN],
  ['Infinity', Number.POSITIVE_INFINITY],
  ['-Infinity', Number.NEGATIVE_INFINITY],
  ['{}', {}],
  ['[]', []],
  ['Symbol', Symbol('bad')],
  ['__proto__', '__proto__'],
  ['constructor', 'constructor'],
  ['toString', 'toString'],
  ['CR/LF', 'a\r\nX-Injected: 1'],
  ['NUL', 'a\0b'],
  ['unicode', 'Zoë ☎ 電話'],
  ['lone surrogate', '\uD800'],
  ['unknown id', 'no-such-call'],
  ['function', () => undefined],
];

/** What a case had at hand: the calling phone, an established call on it, and the far end. */
interface Fixture {
  readonly phone: Phone;
  readonly session: Session;
  readonly callId: string;
  readonly ringing: Session;
}

interface Row {
  readonly name: string;
  /** The reason a refusal of this row must give. */
  readonly reason: RefusalReason;
  /** Labels of VALUES this row accepts, as documented. */
  readonly accepts: readonly string[];
  /** Where the refusal is recorded. */
  readonly on: 'phone' | 'session' | 'ringing';
  run(f: Fixture, value: never): unknown;
}

const TARGET_USERS = ['__proto__', 'constructor', 'toString', 'unknown id']; // valid RFC 3261 user parts
const ANY_STRING = ["''", '100k chars', '__proto__', 'constructor', 'toString', 'CR/LF', 'NUL', 'unicode', 'lone surrogate', 'unknown id'];

const NON_EMPTY = ANY_STRING.filter((l) => l !== "''");
/** An audio element that can choose its output. */
const SINK = { setSinkId: () => Promise.resolve() } as unknown as HTMLMediaElement;

const idRow = (name: string, run: (p: Phone, id: never) => unknown): Row => ({ name: `Phone.${name}(id)`, reason: 'unknown-call', accepts: [], on: 'phone', run: (f, id) => run(f.phone, id) });

const ROWS: readonly Row[] = [
  { name: 'Phone.call(number)', reason: 'invalid-input', accepts: TARGET_USERS, on: 'phone', run: (f, v) => f.phone.call(v) },
  { name: 'Phone.call(n, options)', reason: 'invalid-input', accepts: ['undefined', '{}'], on: 'phone', run: (f, v) => f.phone.call('1003', v) },
  { name: 'Phone.call(n, {}, transferId)', reason: 'unknown-call', accepts: ['undefined'], on: 'phone', run: (f, v) => f.phone.call('1003', {}, v) },
  idRow('answer', (p, id) => p.answer(id)),
  { name: 'Phone.answer(id, options)', reason: 'invalid-input', accepts: ['undefined', '{}'], on: 'ringing', run: (f, v) => f.ringing.answer(v) },
  idRow('reject', (p, id) => p.reject(id)),
  { name: 'Phone.reject(id, code)', reason: 'invalid-input', accepts: ['undefined'], on: 'phone', run: (f, v) => f.phone.reject(f.ringing.callId, v) },
  idRow('hangup', (p, id) => p.hangup(id)),
  idRow('blindTransfer', (p, id) => p.blindTransfer(id, '1003')),
  { name: 'Phone.blindTransfer(id, target)', reason: 'invalid-input', accepts: TARGET_USERS, on: 'phone', run: (f, v) => f.phone.blindTransfer(f.callId, v) },
  idRow('attendedTransfer', (p, id) => p.attendedTransfer(id, '1003')),
  { name: 'Phone.attendedTransfer(id, target)', reason: 'invalid-input', accepts: TARGET_USERS, on: 'phone', run: (f, v) => f.phone.attendedTransfer(f.callId, v) },
  idRow('hold', (p, id) => p.hold(id)),
  idRow('unhold', (p, id) => p.unhold(id)),
  idRow('dtmf', (p, id) => p.dtmf(id, '1')),
  { name: 'Phone.dtmf(id, tones)', reason: 'invalid-input', accepts: [], on: 'phone', run: (f, v) => f.phone.dtmf(f.callId, v) },
  idRow('mute', (p, id) => p.mute(id)),
  idRow('unmute', (p, id) => p.unmute(id)),
  idRow('startRecord', (p, id) => p.startRecord(id)),
  idRow('pauseRecord', (p, id) => p.pauseRecord(id)),
  idRow('terminate', (p, id) => p.terminate(id)),
  idRow('setCurrentSession', (p, id) => p.setCurrentSession(id)),
  idRow('setSessionStaticStatus', (p, id) => p.setSessionStaticStatus(id, { name: 'x' })),
  { name: 'Phone.setSessionStaticStatus(id, status)', reason: 'invalid-input', accepts: ['{}'], on: 'phone', run: (f, v) => f.phone.setSessionStaticStatus(f.callId, v) },
  { name: 'Phone.setSessionStaticStatus(id, s, manual)', reason: 'invalid-input', accepts: ['undefined'], on: 'phone', run: (f, v) => f.phone.setSessionStaticStatus(f.callId, { name: 'x' }, v) },
  { name: 'Phone.configure(settings)', reason: 'invalid-input', accepts: ['{}'], on: 'phone', run: (f, v) => f.phone.configure(v) },
  { name: 'Phone.reRegister(user, ha1)', reason: 'invalid-input', accepts: TARGET_USERS, on: 'phone', run: (f, v) => f.phone.reRegister(v, '6f1ed002ab5595859014ebf0951522d9') },
  { name: 'Phone.reRegister(user, HA1)', reason: 'invalid-input', accepts: TARGET_USERS, on: 'phone', run: (f, v) => f.phone.reRegister('1001', v) },
  { name: 'Phone.on(name, fn)', reason: 'invalid-input', accepts: [], on: 'phone', run: (f, v) => f.phone.on(v, () => undefined) },
  { name: 'Phone.on(event, listener)', reason: 'invalid-input', accepts: ['function'], on: 'phone', run: (f, v) => f.phone.on('connected', v) },
  { name: 'Phone.recordPermissions = v', reason: 'invalid-input', accepts: [], on: 'phone', run: (f, v) => (f.phone.recordPermissions = v) },
  { name: 'Phone.reRegistryPhoneTimes = v', reason: 'invalid-input', accepts: ['42'], on: 'phone', run: (f, v) => (f.phone.reRegistryPhoneTimes = v) },
  { name: 'Session.answer(options)', reason: 'invalid-input', accepts: ['undefined', '{}'], on: 'ringing', run: (f, v) => f.ringing.answer(v) },
  { name: 'Session.reject(code)', reason: 'invalid-input', accepts: ['undefined'], on: 'ringing', run: (f, v) => f.ringing.reject(v) },
  { name: 'Session.blindTransfer(target)', reason: 'invalid-input', accepts: TARGET_USERS, on: 'session', run: (f, v) => f.session.blindTransfer(v) },
  { name: 'Session.attendedTransfer(target)', reason: 'invalid-input', accepts: TARGET_USERS, on: 'session', run: (f, v) => f.session.attendedTransfer(v) },
  { name: 'Session.dtmf(tones)', reason: 'invalid-input', accepts: [], on: 'session', run: (f, v) => f.session.dtmf(v) },
  { name: 'Session.info(contentType, body)', reason: 'invalid-input', accepts: [], on: 'session', run: (f, v) => f.session.info(v, 'x') },
  { name: 'Session.info(type, body)', reason: 'invalid-input', accepts: ANY_STRING, on: 'session', run: (f, v) => f.session.info('text/plain', v) },
  { name: 'Session.message(contentType, body)', reason: 'invalid-input', accepts: [], on: 'session', run: (f, v) => f.session.message(v, 'x') },
  { name: 'Session.message(type, body)', reason: 'invalid-input', accepts: ANY_STRING, on: 'session', run: (f, v) => f.session.message('text/plain', v) },
  { name: 'Session.setStatus(status)', reason: 'invalid-input', accepts: ['{}'], on: 'session', run: (f, v) => f.session.setStatus(v) },
  { name: 'Session.setStatus({ name })', reason: 'invalid-input', accepts: ['undefined', ...ANY_STRING.filter((l) => l !== '100k chars')], on: 'session', run: (f, v) => f.session.setStatus({ name: v }) },
  { name: 'Session.setStaticStatus(status)', reason: 'invalid-input', accepts: ['{}'], on: 'session', run: (f, v) => f.session.setStaticStatus(v) },
  { name: 'Session.setStaticStatus(s, manual)', reason: 'invalid-input', accepts: ['undefined'], on: 'session', run: (f, v) => f.session.setStaticStatus({ name: 'x' }, v) },
  { name: 'Session.on(name, fn)', reason: 'invalid-input', accepts: [], on: 'session', run: (f, v) => f.session.on(v, () => undefined) },
  { name: 'Session.on(event, listener)', reason: 'invalid-input', accepts: ['function'], on: 'session', run: (f, v) => f.session.on('ended', v) },
  { name: 'Session.terminate(type)', reason: 'invalid-input', accepts: ['undefined'], on: 'session', run: (f, v) => f.session.terminate(v) },
  { name: 'Phone.terminate(id, type)', reason: 'invalid-input', accepts: ['undefined'], on: 'phone', run: (f, v) => f.phone.terminate(f.callId, v) },
  idRow('audioToVideo', (p, id) => p.audioToVideo(id)),
  idRow('videoToAudio', (p, id) => p.videoToAudio(id)),
  // A camera id is any non-empty string (the memory stack lists no devices, so any such id is taken);
  // undefined and null mean the phone's camera.
  { name: 'Phone.audioToVideo(id, { cameraId })', reason: 'invalid-input', accepts: ['undefined', 'null', ...NON_EMPTY], on: 'phone', run: (f, v) => f.phone.audioToVideo(f.callId, { cameraId: v }) },
  { name: 'Session.audioToVideo(options)', reason: 'invalid-input', accepts: ['undefined', '{}'], on: 'session', run: (f, v) => f.session.audioToVideo(v) },
  { name: 'Phone.audioToVideo(id, options)', reason: 'invalid-input', accepts: ['undefined', '{}'], on: 'phone', run: (f, v) => f.phone.audioToVideo(f.callId, v) },
  { name: 'Session.audioToVideo({ cameraId })', reason: 'invalid-input', accepts: ['undefined', 'null', ...NON_EMPTY], on: 'session', run: (f, v) => f.session.audioToVideo({ cameraId: v }) },
  { name: 'Session.switchMicrophone(deviceId)', reason: 'invalid-input', accepts: NON_EMPTY, on: 'session', run: (f, v) => f.session.switchMicrophone(v) },
  { name: 'Session.switchCamera(deviceId)', reason: 'invalid-input', accepts: NON_EMPTY, on: 'session', run: (f, v) => f.session.switchCamera(v) },
  { name: 'Phone.useMicrophone(deviceId)', reason: 'invalid-input', accepts: NON_EMPTY, on: 'phone', run: (f, v) => f.phone.useMicrophone(v) },
  { name: 'Phone.useCamera(deviceId)', reason: 'invalid-input', accepts: NON_EMPTY, on: 'phone', run: (f, v) => f.phone.useCamera(v) },
  { name: 'Phone.useSpeaker(deviceId, sink)', reason: 'invalid-input', accepts: NON_EMPTY, on: 'phone', run: (f, v) => f.phone.useSpeaker(v, SINK) },
];

/** Queries answer for any value; documented: `null` / `false`. */
const QUERIES: ReadonlyArray<readonly [string, (f: Fixture, v: never) => unknown, unknown]> = [
  ['Phone.getSession(id)', (f, v) => f.phone.getSession(v), null],
  ['Session.can(event)', (f, v) => f.session.can(v), false],
  ['Session.isId(id)', (f, v) => f.session.isId(v), false],
  ['Session.is(other)', (f, v) => f.session.is(v), false],
];

/** createPhone options: each key × VALUES, on an otherwise valid options object. */
const OPTION_ACCEPTS: Readonly<Record<string, readonly string[]>> = {
  maxCalls: ['undefined', '42'],
  callWaiting: ['undefined'],
  autoHold: ['undefined'],
  register: ['undefined'],
  reRegistryPhoneTimes: ['undefined', '42'],
  registrationRetryBaseMs: ['undefined', '42'],
  registrationRetryMaxMs: ['undefined', '42'],
  overCapCode: ['undefined'],
  userAgent: [],
  recordPermissions: ['undefined'],
  deviceIds: ['undefined', '{}'],
  dtmf: ['undefined', '{}'],
  rejectCode: ['undefined'],
  reportIntervalMs: ['undefined'],
  qualityReports: ['undefined'],
  scheduler: ['undefined'],
  inspect: ['undefined', '{}', '[]', 'function'],
  refer: ['undefined', 'function'],
  referTimeoutMs: ['undefined', '42'],
  mediaDevices: ['undefined', 'null'],
};

type Outcome = 'refused' | 'accepted' | 'threw';
interface Line {
  readonly row: string;
  refused: number;
  readonly accepted: string[];
  readonly threw: string[];
  readonly wrong: string[];
}
const table: Line[] = [];

async function freshFixture(): Promise<{ rig: FacadeRig; f: Fixture; errors: unknown[] }> {
  const rig = await facadeRig(['1001', '1002', '1003'], { maxCalls: 3, recordPermissions: 2 });
  const [a, b, c] = rig.phones;
  const errors: unknown[] = [];
  for (const { phone } of rig.phones) phone.state$.subscribe({ error: (e) => errors.push(e) });
  const { caller, callee } = await establish(rig, a, b);
  // The far end accepts every offer to add video, so an accepted audioToVideo resolves ok.
  callee.on('videoOffered', ({ session }) => void session.acceptVideo());
  await c.phone.call(a.number);
  await rig.settle();
  const ringing = a.phone.incomingList[0];
  for (const s of [caller, ringing]) s.status$.subscribe({ error: (e) => errors.push(e) });
  return { rig, f: { phone: a.phone, session: caller, callId: caller.callId, ringing }, errors };
}

async function classify(run: () => unknown, target: () => { lastRefusal: Refusal | null }, reason: RefusalReason): Promise<Outcome | `wrong reason ${string}`> {
  const before = target().lastRefusal;
  let value: unknown;
  try {
    value = run();
    if (value instanceof Promise) value = await value;
  } catch {
    return 'threw';
  }
  const after = target().lastRefusal;
  const refusedNow = after !== before && after !== null;
  const answeredNo = value === false || (typeof value === 'object' && value !== null && (value as Result).ok === false);
  if (refusedNow || answeredNo) {
    if (!refusedNow) return 'wrong reason (no lastRefusal)';
    return after.reason === reason ? 'refused' : `wrong reason ${after.reason}`;
  }
  return 'accepted';
}

describe('bad-input table', () => {
  afterAll(() => {
    const refused = table.reduce((n, l) => n + l.refused, 0);
    const accepted = table.reduce((n, l) => n + l.accepted.length, 0);
    const threw = table.reduce((n, l) => n + l.threw.length, 0);
    const width = Math.max(...table.map((l) => l.row.length));
    const lines = table.map((l) => `${l.row.padEnd(width)}  refused ${String(l.refused).padStart(2)}  accepted ${l.accepted.length ? l.accepted.join(', ') : '-'}${l.threw.length ? `  THREW ${l.threw.join(', ')}` : ''}`);
    console.log(
      [
        `bad-input table: ${table.length} rows × ${VALUES.length} values = ${refused + accepted + threw} cases`,
        ...lines,
        `totals: refused ${refused} / documented acceptance ${accepted} / threw ${threw}`,
      ].join('\n'),
    );
  });

  it.each(ROWS.map((row) => [row.name, row] as const))('%s', async (_, row) => {
    let fixture = await freshFixture();
    const line: Line = { row: row.name, refused: 0, accepted: [], threw: [], wrong: [] };
    for (const [label, value] of VALUES) {
      const { f } = fixture;
      const target = () => (row.on === 'phone' ? f.phone : row.on === 'session' ? f.session : f.ringing);
      const outcome = await classify(() => row.run(f, value as never), target, row.reason);
      await fixture.rig.settle();
      if (fixture.errors.length > 0) line.threw.push(`${label} (observable error)`);
      if (outcome === 'refused') line.refused += 1;
      else if (outcome === 'threw') line.threw.push(label);
      else if (outcome === 'accepted' && row.accepts.includes(label)) line.accepted.push(label);
      else line.wrong.push(`${label}: ${outcome}`);
      if (outcome === 'accepted') {
        fixture.rig.destroy();
        fixture = await freshFixture();
      }
    }
    fixture.rig.destroy();
    table.push(line);
    expect(line.threw).toEqual([]);
    expect(line.wrong).toEqual([]);
    expect(line.accepted).toEqual(row.accepts.filter((label) => VALUES.some(([l]) => l === label)));
  });

  it.each(QUERIES.map(([name, run, answer]) => [name, run, answer] as const))('%s answers its documented value', async (name, run, answer) => {
    const fixture = await freshFixture();
    const line: Line = { row: `${name} (query)`, refused: 0, accepted: [], threw: [], wrong: [] };
    for (const [label, value] of VALUES) {
      try {
        const result = run(fixture.f, value as never);
        if (result === answer) line.accepted.push(label);
        else line.wrong.push(`${label}: answered ${String(result)}`);
      } catch {
        line.threw.push(label);
      }
    }
    fixture.rig.destroy();
    table.push(line);
    expect(line.threw).toEqual([]);
    expect(line.wrong).toEqual([]);
  });

  it.each(Object.entries(OPTION_ACCEPTS))('createPhone({ %s })', (key, accepts) => {
    const network = new MemorySipNetwork();
    const line: Line = { row: `createPhone({ ${key} })`, refused: 0, accepted: [], threw: [], wrong: [] };
    for (const [label, value] of VALUES) {
      const options = { userAgent: network.createUserAgent({ number: '1001' }), qualityReports: false, [key]: value };
      try {
        const phone = createPhone(options as never);
        phone.destroy();
        if (accepts.includes(label)) line.accepted.push(label);
        else line.wrong.push(`${label}: accepted`);
      } catch (error) {
        if (error instanceof PhoneOptionsError) line.refused += 1;
        else line.threw.push(`${label}: ${String(error)}`);
      }
    }
    table.push(line);
    expect(line.threw).toEqual([]);
    expect(line.wrong).toEqual([]);
  });
});
