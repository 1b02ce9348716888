/**
 * Helpers for the facade tests: phones on one memory SIP network, a call brought to confirmed,
 * recorders of every event a phone or a session emits, and a stand-in MediaStream.
 */
import { MemorySipNetwork } from '../../adapters/memory';
import type { MemoryUserAgent } from '../../adapters/memory';
import { createPhone } from '../../src';
import type { Observable } from 'rxjs';
import type { HubEvents, Phone, PhoneEventMap, PhoneOptions, Result, Session, SessionEventMap } from '../../src';

export interface FacadePhone {
  readonly phone: Phone;
  readonly ua: MemoryUserAgent;
  readonly number: string;
}

export interface FacadeRig {
  readonly network: MemorySipNetwork;
  readonly phones: FacadePhone[];
  settle(): Promise<void>;
  destroy(): void;
}

/** Passwords are derived from the number so a test can present a wrong one on purpose. */
export const passwordOf = (number: string): string => `pw-${number}`;

/**
 * Phones `numbers` on a fresh network, each with an account, created with `options` (quality
 * reports off unless asked for) and, unless `start` is false, started and settled.
 */
export async function facadeRig(
  numbers: readonly string[],
  options: Partial<Omit<PhoneOptions, 'userAgent'>> | ((number: string) => Partial<Omit<PhoneOptions, 'userAgent'>>) = {},
  start = true,
): Promise<FacadeRig> {
  const network = new MemorySipNetwork();
  const phones = numbers.map((number) => {
    network.addAccount({ number, password: passwordOf(number), displayName: `User ${number}` });
    const ua = network.createUserAgent({ number, password: passwordOf(number) });
    const own = typeof options === 'function' ? options(number) : options;
    const phone = createPhone({ qualityReports: false, ...own, userAgent: ua });
    return { phone, ua, number };
  });
  if (start) {
    phones.forEach(({ phone }) => phone.start());
    await network.settle();
  }
  return {
    network,
    phones,
    settle: () => network.settle(),
    destroy: () => phones.forEach(({ phone }) => phone.destroy()),
  };
}

/** `from` calls `to`, `to` answers the ringing call; both sides are confirmed when it resolves. */
export async function establish(
  rig: FacadeRig,
  from: FacadePhone,
  to: FacadePhone,
): Promise<{ caller: Session; callee: Session; callId: string }> {
  const before = new Set(to.phone.getSessions().map((s) => s.callId));
  const result = await from.phone.call(to.number);
  if (!result.ok || result.callId === null) throw new Error(`call refused: ${result.message}`);
  await rig.settle();
  const callee = to.phone.getSessions().find((s) => !before.has(s.callId));
  if (!callee) throw new Error(`${to.number} got no call`);
  const answered = await callee.answer();
  if (!answered.ok) throw new Error(`answer refused: ${answered.message}`);
  await rig.settle();
  const caller = from.phone.getSession(result.callId);
  if (!caller) throw new Error('the caller lost its session');
  return { caller, callee, callId: result.callId };
}

/** Every Phone command that names a call, with otherwise valid arguments. */
export const PHONE_CALL_COMMANDS: ReadonlyArray<readonly [string, (p: Phone, id: string) => boolean | Promise<Result>]> = [
  ['answer', (p, id) => p.answer(id)],
  ['reject', (p, id) => p.reject(id)],
  ['hangup', (p, id) => p.hangup(id)],
  ['terminate', (p, id) => p.terminate(id, 'hangup')],
  ['blindTransfer', (p, id) => p.blindTransfer(id, '1003')],
  ['attendedTransfer', (p, id) => p.attendedTransfer(id, '1003')],
  ['hold', (p, id) => p.hold(id)],
  ['unhold', (p, id) => p.unhold(id)],
  ['dtmf', (p, id) => p.dtmf(id, '1')],
  ['mute', (p, id) => p.mute(id)],
  ['unmute', (p, id) => p.unmute(id)],
  ['startRecord', (p, id) => p.startRecord(id)],
  ['pauseRecord', (p, id) => p.pauseRecord(id)],
  ['setCurrentSession', (p, id) => p.setCurrentSession(id)],
  ['setSessionStaticStatus', (p, id) => p.setSessionStaticStatus(id, { name: 'x' })],
];

/** `from` calls `to`; resolves with both sessions while `to`'s is still ringing. */
export async function ringing(rig: FacadeRig, from: FacadePhone, to: FacadePhone): Promise<{ caller: Session; callee: Session }> {
  const result = await from.phone.call(to.number);
  expect(result.ok).toBe(true);
  await rig.settle();
  const caller = from.phone.getSession(result.callId!)!;
  const callee = to.phone.incomingList[0]!;
  expect(callee).toBeDefined();
  return { caller, callee };
}

/**
 * Three phones: A (1001) talks to B (1002) and has started an attended transfer to C (1003), who
 * answers at once; `consultation` is A's consultation leg to C, `caller` A's original call.
 */
export async function attendedConsultation(): Promise<{
  rig: FacadeRig;
  phones: FacadePhone[];
  caller: Session;
  consultation: Session;
}> {
  const rig = await facadeRig(['1001', '1002', '1003']);
  const [a, b, c] = rig.phones as [FacadePhone, FacadePhone, FacadePhone];
  c.phone.on('incoming', ({ session }) => void session.answer());
  const { caller } = await establish(rig, a, b);
  if (!caller.attendedTransfer('1003')) throw new Error('attendedTransfer refused');
  await rig.settle();
  const consultation = a.phone.getSessions().find((s) => s.callId !== caller.callId);
  if (!consultation) throw new Error('no consultation call');
  return { rig, phones: rig.phones, caller, consultation };
}

/** Names of the events seen on an `events$` stream, in order. */
export function recordNames(target: { events$: { subscribe(fn: (e: { name: string | number | symbol }) => void): unknown } }): string[] {
  const names: string[] = [];
  target.events$.subscribe((event) => names.push(String(event.name)));
  return names;
}

/** What a recorder keeps: every event in order, and typed access to the arguments of one event. */
export interface EventRecord<M extends EventArgs> {
  readonly list: HubEvents<M>[];
  names(): (keyof M)[];
  /** The argument lists of every `name` event, in order. */
  args<K extends keyof M>(name: K): M[K][];
  /** The first argument of every `name` event, in order. */
  first<K extends keyof M>(name: K): M[K][0][];
}

type EventArgs = { [name: string]: readonly unknown[] };

function recorder<M extends EventArgs>(events$: Observable<HubEvents<M>>): EventRecord<M> {
  const list: HubEvents<M>[] = [];
  events$.subscribe((event) => list.push(event));
  const args = <K extends keyof M>(name: K): M[K][] => list.filter((e) => e.name === name).map((e) => e.args as M[K]);
  return {
    list,
    names: () => list.map((e) => e.name),
    args,
    first: (name) => args(name).map((a) => a[0]),
  };
}

/** Records every event of a session. */
export function recordSession(session: Session): EventRecord<SessionEventMap> {
  return recorder<SessionEventMap>(session.events$ as Observable<HubEvents<SessionEventMap>>);
}

/** Records every event of a phone. */
export function recordPhone(phone: Phone): EventRecord<PhoneEventMap> {
  return recorder<PhoneEventMap>(phone.events$ as Observable<HubEvents<PhoneEventMap>>);
}

/**
 * A stand-in for a browser MediaStream (Node has none): what the facade and the memory network read.
 */
export function fakeStream(id: string, video = false): MediaStream {
  const track = (kind: string) => ({ kind, id: `${id}-${kind}`, enabled: true, stop: () => undefined });
  const audio = [track('audio')];
  const videos = video ? [track('video')] : [];
  return {
    id,
    active: true,
    getTracks: () => [...audio, ...videos],
    getAudioTracks: () => audio,
    getVideoTracks: () => videos,
  } as unknown as MediaStream;
}
