/**
 * The world of the property suite: 2–3 phones on one memory SIP network, driven only through the
 * public API, with every fault the memory network can script, and the invariants checked after each
 * step. A step is data (so fast-check can generate, print and shrink it); `runSteps` plays a list.
 */
import fc from 'fast-check';
import type { Subscription } from 'rxjs';
import { MemorySipNetwork } from '../../adapters/memory';
import type { MemoryFaults, MemoryUserAgent } from '../../adapters/memory';
import { createPhone } from '../../src';
import type { DeviceSource, Phone, ReferPolicy, Refusal, Session } from '../../src';

const NUMBERS = ['1001', '1002', '1003'];
const REASONS = new Set([
  'invalid-input', 'not-allowed-in-state', 'no-permission', 'over-cap', 'unknown-call', 'call-ended', 'stack-refused', 'destroyed',
  'no-such-device', 'device-denied', 'device-in-use', 'constraints-impossible', 'not-supported', 'media-failed', 'renegotiate-failed',
]);
/** The devices every phone of the world lists. */
const DEVICES: DeviceSource = {
  enumerateDevices: () =>
    Promise.resolve([
      { deviceId: 'mic-1', kind: 'audioinput', label: 'Microphone', groupId: 'g' },
      { deviceId: 'mic-2', kind: 'audioinput', label: 'USB microphone', groupId: 'g' },
      { deviceId: 'cam-1', kind: 'videoinput', label: 'Camera', groupId: 'g' },
      { deviceId: 'spk-1', kind: 'audiooutput', label: 'Speakers', groupId: 'g' },
    ]),
};
/** An audio element that can choose its output, and one that cannot. */
const SINK = { setSinkId: () => Promise.resolve() } as unknown as HTMLMediaElement;
const NO_SINK = {} as HTMLMediaElement;

/** How a phone answers the far end's REFER: the `refer` option, as data so a scenario prints it. */
export type ReferPick = 'accept' | 'decline' | 'yes' | 'no' | 'yes-later' | 'no-later' | 'never';
const REFER_POLICIES: Record<ReferPick, ReferPolicy> = {
  accept: 'accept',
  decline: 'decline',
  yes: () => true,
  no: () => false,
  'yes-later': () => Promise.resolve(true),
  'no-later': () => Promise.resolve(false),
  never: () => new Promise<boolean>(() => undefined),
};
const ORIGINATORS = new Set(['local', 'remote', 'system']);

// ------------------------------------------------------------------------------------------ steps

/** A call id as a step names it: the n-th call of the phone, or a literal (unknown, prototype name, not a string). */
export type IdPick = { readonly nth: number } | { readonly literal: unknown };

export type Step =
  | { readonly kind: 'call'; readonly p: number; readonly target: string; readonly options?: unknown }
  | { readonly kind: 'consult'; readonly p: number; readonly id: IdPick; readonly target: string }
  | { readonly kind: 'byId'; readonly p: number; readonly id: IdPick; readonly method: string; readonly arg?: unknown }
  | { readonly kind: 'answerIncoming'; readonly p: number; readonly viaPhone: boolean }
  | { readonly kind: 'session'; readonly p: number; readonly nth: number; readonly method: string; readonly args: readonly unknown[] }
  | { readonly kind: 'phone'; readonly p: number; readonly method: string; readonly arg?: unknown }
  | { readonly kind: 'fault'; readonly p: number; readonly faults: MemoryFaults }
  | { readonly kind: 'transport'; readonly p: number; readonly up: boolean }
  | { readonly kind: 'tick'; readonly ms: number }
  | { readonly kind: 'destroy'; readonly p: number };

const phoneIndex = fc.nat(2);
const target = fc.constantFrom('1001', '1002', '1003', '1002', '1003', '1002', '1003', '1009', 'sip:1002@memory', 'sip:1003@memory;transport=ws', 'sip:1002@memory;x="<a>', '', '1002\r\nX: 1');
const idPick: fc.Arbitrary<IdPick> = fc.oneof(
  { weight: 6, arbitrary: fc.nat(2).map((nth) => ({ nth })) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>('__proto__', 'constructor', 'nope', 42, Symbol.for('id'), null).map((literal) => ({ literal })) },
);
const callOptions = fc.constantFrom<unknown>(
  undefined, {}, { extraHeaders: ['X-Ok: 1'] }, { extraHeaders: ['X: 1\r\nY: 2'] }, { mediaStream: 'x' }, null,
  { video: true }, { video: true }, { offerToReceiveVideo: true }, { video: 'yes' }, { video: true, deviceIds: { cameraId: 'cam-1' } }, { deviceIds: { cameraId: '' } },
);
const cameraOptions = fc.constantFrom<unknown>(undefined, {}, { cameraId: 'cam-1' }, { cameraId: 'cam-9' }, { cameraId: '' }, { cameraId: 5 });
const deviceId = fc.constantFrom<unknown>('mic-1', 'mic-2', 'cam-1', 'spk-1', 'nope', '', null, 5);
const settings = fc.oneof(
  fc.record({ maxCalls: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ callWaiting: fc.boolean() }),
  fc.record({ autoHold: fc.boolean() }),
  fc.constantFrom<unknown>(null, { maxCalls: 0 }, { calls: {} }, { order: null }, { maxCalls: -1 }, 'x'),
);
const faults: fc.Arbitrary<MemoryFaults> = fc.oneof(
  fc.constant({}),
  fc.constantFrom(486, 603, 503).map((code) => ({ rejectIncoming: { code } })),
  fc.constant({ noAnswer: true }),
  fc.integer({ min: 1, max: 2 }).map((times) => ({ rejectReinvite: { code: 488, times } })),
  fc.constant({ refuseRefer: { code: 403 } }),
  fc.constant({ failReferNotify: { code: 486 } }),
  fc.constant({ recordFailure: { reason: 'backend down' } }),
  fc.constant({ autoRecord: true }),
  fc.constantFrom('denied', 'in-use', 'no-such-device', 'not-supported', 'failed').map((failure) => ({ media: { failure } }) as MemoryFaults),
);
const BY_ID = ['answer', 'reject', 'hangup', 'terminate', 'blindTransfer', 'attendedTransfer', 'hold', 'unhold', 'dtmf', 'mute', 'unmute', 'startRecord', 'pauseRecord', 'setCurrentSession', 'setSessionStaticStatus', 'audioToVideo', 'videoToAudio'];
/** Session methods and their arguments; the call's life cycle (answer, hold, unhold, hangup) comes up most. */
const SESSION: ReadonlyArray<readonly [string, fc.Arbitrary<readonly unknown[]>]> = [
  ['answer', fc.constant([])],
  ['answer', fc.constant([])],
  ['answer', fc.constant([])],
  ['hold', fc.constant([])],
  ['hold', fc.constant([])],
  ['unhold', fc.constant([])],
  ['unhold', fc.constant([])],
  ['attendedTransfer', fc.constantFrom('1003', '1001').map((t) => [t])],
  ['answer', callOptions.map((o) => [o])],
  ['reject', fc.constantFrom<unknown>(undefined, 603, 200, 'x').map((c) => [c])],
  ['hangup', fc.constant([])],
  ['terminate', fc.constantFrom<unknown>('terminate', 'hangup', 'reject', undefined, 'cancel', null, 5).map((t) => [t])],
  ['audioToVideo', cameraOptions.map((o) => [o])],
  ['audioToVideo', fc.constant([])],
  ['videoToAudio', fc.constant([])],
  ['acceptVideo', cameraOptions.map((o) => [o])],
  ['acceptVideo', fc.constant([])],
  ['declineVideo', fc.constant([])],
  ['muteVideo', fc.constant([])],
  ['unmuteVideo', fc.constant([])],
  ['disableCamera', fc.constant([])],
  ['enableCamera', fc.constant([])],
  ['startScreenSharing', fc.constant([])],
  ['stopScreenSharing', fc.constant([])],
  ['switchMicrophone', deviceId.map((d) => [d])],
  ['switchCamera', deviceId.map((d) => [d])],
  ['blindTransfer', target.map((t) => [t])],
  ['attendedTransfer', target.map((t) => [t])],
  ['cancelAttendedTransfer', fc.constant([])],
  ['hold', fc.constant([])],
  ['unhold', fc.constant([])],
  ['resume', fc.constant([])],
  ['dtmf', fc.constantFrom('1', '#*', 'x', '').map((t) => [t])],
  ['mute', fc.constant([])],
  ['unmute', fc.constant([])],
  ['startRecord', fc.constant([])],
  ['pauseRecord', fc.constant([])],
  ['info', fc.constantFrom<readonly unknown[]>(['text/plain', 'hi'], ['text/plain\r\nX: 1', 'hi'], ['', 'x'], ['application/json', 5])],
  ['message', fc.constantFrom<readonly unknown[]>(['text/plain', 'hi'], ['bad', 'x'])],
  ['setStatus', fc.constantFrom<unknown>({ name: 'N' }, { callStatus: 'talking' }, null, undefined).map((s) => [s])],
  ['setStaticStatus', fc.constantFrom<readonly unknown[]>([{ name: 'S' }, true], [{ avatar: 'a' }], [null])],
  ['on', fc.constantFrom<readonly unknown[]>(['ended', null], ['nope', () => undefined], ['ended', () => undefined])],
  ['stopTimer', fc.constant([])],
  ['destroy', fc.constant([])],
];
const PHONE: ReadonlyArray<readonly [string, fc.Arbitrary<unknown>]> = [
  ['configure', settings],
  ['recordPermissions', fc.constantFrom<unknown>(0, 1, 2, 5, null)],
  ['reRegistryPhoneTimes', fc.constantFrom<unknown>(0, 3, -1, undefined)],
  ['reRegister', fc.constantFrom<unknown>(['1001', '6f1ed002ab5595859014ebf0951522d9'], ['1001\r\nX: 1', 'ab'], ['', ''])],
  ['disconnect', fc.constant(undefined)],
  ['start', fc.constant(undefined)],
  ['on', fc.constantFrom<unknown>(null, 'x')],
  ['useMicrophone', deviceId],
  ['useCamera', deviceId],
  ['useSpeaker', fc.tuple(deviceId, fc.constantFrom('sink', 'no sink', 'none'))],
  ['refreshDevices', fc.constant(undefined)],
];

/** One step: any public method, any fault, time passing, or a destroy. */
export const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 10, arbitrary: fc.record({ kind: fc.constant('call' as const), p: phoneIndex, target, options: callOptions }) },
  { weight: 10, arbitrary: fc.record({ kind: fc.constant('answerIncoming' as const), p: phoneIndex, viaPhone: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('consult' as const), p: phoneIndex, id: idPick, target }) },
  {
    weight: 6,
    arbitrary: fc.record({ kind: fc.constant('byId' as const), p: phoneIndex, id: idPick, method: fc.constantFrom(...BY_ID), arg: fc.constantFrom<unknown>(undefined, '1003', '1#', 603, { name: 'x' }) }),
  },
  {
    weight: 20,
    arbitrary: fc
      .tuple(phoneIndex, fc.nat(1), fc.constantFrom(...SESSION))
      .chain(([p, nth, [method, args]]) => args.map((a) => ({ kind: 'session' as const, p, nth, method, args: a }))),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(...PHONE).chain(([method, arg]) => fc.record({ kind: fc.constant('phone' as const), p: phoneIndex, method: fc.constant(method), arg })),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('fault' as const), p: phoneIndex, faults }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('transport' as const), p: phoneIndex, up: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('tick' as const), ms: fc.constantFrom(1_000, 5_000, 61_000) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('destroy' as const), p: phoneIndex }) },
);

/** A scenario: how many phones, and the steps. */
export const scenarioArb = fc.record({
  phones: fc.constantFrom(2, 2, 3),
  /** Each phone's answer to a REFER (the `refer` option); most accept, as by default. */
  refer: fc.array(fc.constantFrom<ReferPick>('accept', 'accept', 'accept', 'decline', 'yes', 'no', 'yes-later', 'no-later', 'never'), { minLength: 3, maxLength: 3 }),
  /** Start from an established call between the first two phones (most of the time). */
  established: fc.constantFrom(true, true, true, false),
  steps: fc.array(stepArb, { minLength: 4, maxLength: 14, size: 'max' }),
});

// ------------------------------------------------------------------------------------------ world

interface Member {
  readonly number: string;
  readonly phone: Phone;
  readonly ua: MemoryUserAgent;
  destroyed: boolean;
  /** Calls whose far end asked this phone to call someone else (REFER), and the phone accepted. */
  readonly referred: Set<string>;
}

/** What the world saw of one session. */
interface Watch {
  readonly session: Session;
  readonly owner: Member;
  ends: number;
  lastStatus: unknown;
  stateCompleted: boolean;
  eventsCompleted: boolean;
}

/** A broken invariant: the message names it. */
export class InvariantError extends Error {}

function check(condition: boolean, message: string): void {
  if (!condition) throw new InvariantError(message);
}

/** The phones, what they emitted, and the invariants. */
export class World {
  readonly network = new MemorySipNetwork();
  readonly members: Member[];
  private readonly watches = new Map<Session, Watch>();
  private readonly removed: Array<{ member: Member; callId: string }> = [];
  private readonly observableErrors: string[] = [];
  private readonly subscriptions: Subscription[] = [];
  private readonly phoneCompletions = new Map<Phone, { state: boolean; sessions: boolean; events: boolean }>();
  /** Calls counted against the cap after the last step, per phone. */
  private readonly counted = new Map<Phone, number>();

  constructor(phones: number, refer: readonly ReferPick[] = []) {
    this.members = NUMBERS.slice(0, phones).map((number, i) => {
      const ua = this.network.createUserAgent({ number, password: `pw-${number}` });
      const pick = refer[i] ?? 'accept';
      const phone = createPhone({
        userAgent: ua,
        qualityReports: true,
        reportIntervalMs: 3000,
        mediaDevices: DEVICES,
        refer: REFER_POLICIES[pick],
        ...(pick === 'never' ? { referTimeoutMs: 5_000 } : {}),
      });
      const member: Member = { number, phone, ua, destroyed: false, referred: new Set() };
      const completion = { state: false, sessions: false, events: false };
      this.phoneCompletions.set(phone, completion);
      const fail = (what: string) => (error: unknown) => this.observableErrors.push(`${number} ${what}: ${String(error)}`);
      this.subscriptions.push(
        phone.state$.subscribe({ error: fail('state$'), complete: () => (completion.state = true) }),
        phone.sessions$.subscribe({ error: fail('sessions$'), complete: () => (completion.sessions = true) }),
        phone.events$.subscribe({ error: fail('events$'), complete: () => (completion.events = true), next: (event) => this.phoneEvent(member, event) }),
      );
      return member;
    });
    for (const { phone } of this.members) phone.start();
  }

  /** Play one step; every method's outcome is checked for being a boolean, a Result, `this` or a function. */
  async play(step: Step): Promise<void> {
    const member = this.members[('p' in step ? step.p : 0) % this.members.length];
    const { phone } = member;
    const sessions = () => phone.getSessions();
    const pick = (id: IdPick): unknown => ('nth' in id ? sessions()[id.nth]?.callId ?? 'gone' : id.literal);
    let outcome: unknown;
    switch (step.kind) {
      case 'call':
        outcome = phone.call(step.target, step.options as never);
        break;
      case 'consult':
        outcome = phone.call(step.target, {}, pick(step.id) as never);
        break;
      case 'byId': {
        const id = pick(step.id) as never;
        const arg = step.arg as never;
        const method = step.method;
        outcome =
          method === 'blindTransfer' || method === 'attendedTransfer' ? phone[method](id, arg ?? '1003')
          : method === 'dtmf' ? phone.dtmf(id, arg ?? '1')
          : method === 'reject' ? phone.reject(id, typeof step.arg === 'number' ? step.arg : undefined)
          : method === 'setSessionStaticStatus' ? phone.setSessionStaticStatus(id, arg ?? {})
          : method === 'audioToVideo' ? phone.audioToVideo(id, typeof step.arg === 'object' ? (step.arg as never) : undefined)
          : (phone as unknown as Record<string, (id: unknown) => unknown>)[method](id);
        break;
      }
      case 'answerIncoming': {
        const ringing = phone.incomingList[0];
        if (!ringing) return;
        outcome = step.viaPhone ? phone.answer(ringing.callId) : ringing.answer();
        break;
      }
      case 'session': {
        const session = sessions()[step.nth];
        if (!session) return;
        outcome = (session as unknown as Record<string, (...args: unknown[]) => unknown>)[step.method](...step.args);
        break;
      }
      case 'phone':
        if (step.method === 'configure') outcome = phone.configure(step.arg as never);
        else if (step.method === 'recordPermissions') phone.recordPermissions = step.arg as never;
        else if (step.method === 'reRegistryPhoneTimes') phone.reRegistryPhoneTimes = step.arg as never;
        else if (step.method === 'reRegister') outcome = phone.reRegister(...(step.arg as [string, string]));
        else if (step.method === 'on') outcome = phone.on('connected', step.arg as never);
        else if (step.method === 'useMicrophone') outcome = phone.useMicrophone(step.arg as never);
        else if (step.method === 'useCamera') outcome = phone.useCamera(step.arg as never);
        else if (step.method === 'useSpeaker') {
          const [id, sink] = step.arg as [never, string];
          outcome = sink === 'none' ? phone.useSpeaker(id) : phone.useSpeaker(id, sink === 'sink' ? SINK : NO_SINK);
        }
        else outcome = (phone as unknown as Record<string, () => unknown>)[step.method]();
        break;
      case 'fault':
        member.ua.faults = step.faults;
        break;
      case 'transport':
        if (step.up) member.ua.restoreTransport();
        else member.ua.dropTransport();
        break;
      case 'tick':
        await jest.advanceTimersByTimeAsync(step.ms);
        break;
      case 'destroy':
        phone.destroy();
        member.destroyed = true;
        break;
    }
    // A media change resolves once the far end answered, which may take later steps: checked when it settles.
    if (outcome instanceof Promise) {
      outcome.then(
        (result) => {
          try {
            check(typeof result === 'object' && result !== null && typeof result.ok === 'boolean', `a promise resolved to ${String(result)}`);
            if (!result.ok) this.checkRefusal(result.reason === null ? null : { command: 'result', reason: result.reason, message: result.message, callId: result.callId });
          } catch (error) {
            this.observableErrors.push(`${member.number} ${step.kind} ${'method' in step ? step.method : ''}: ${String(error)}`);
          }
        },
        (error) => this.observableErrors.push(`${member.number} ${step.kind} ${'method' in step ? step.method : ''} rejected: ${String(error)}`),
      );
    }
    await this.network.settle();
    // Listener errors are rethrown on a timer: run what is due now so they surface here.
    jest.advanceTimersByTime(0);
  }

  /** Every invariant; `settled` when the network has delivered everything. */
  checkInvariants(): void {
    check(this.observableErrors.length === 0, `an observable errored: ${this.observableErrors.join('; ')}`);
    for (const member of this.members) {
      const { phone } = member;
      this.checkRefusal(phone.lastRefusal);
      if (member.destroyed) continue;
      const state = phone.state;
      const sessions = phone.getSessions();
      check(JSON.stringify(state.calls) === JSON.stringify(sessions.map((s) => s.callId)), `${member.number}: state.calls and getSessions() disagree`);
      check(state.currentSessionID === null || state.calls.includes(state.currentSessionID), `${member.number}: currentSessionID names no call`);
      check(state.incoming.every((id) => state.calls.includes(id)), `${member.number}: an incoming id names no call`);
      for (const session of sessions) {
        this.watch(member, session);
        this.checkCall(member, session);
      }
      // The cap: a phone at or over its cap gets no further call (configure may lower the cap below
      // the calls it has; those stay).
      // Not counted, as the phone's own rule has it: consultation legs while their parent call is
      // there, and a call whose REFER the phone accepted (it places the new call while that one leaves).
      const counted = sessions.filter(
        (s) => (s.state.consultationFor === null || phone.getSession(s.state.consultationFor) === null) && !member.referred.has(s.callId),
      ).length;
      const before = this.counted.get(phone) ?? 0;
      check(counted <= state.callCap || counted <= before, `${member.number}: ${counted} calls (${before} before this step) with a cap of ${state.callCap}`);
      this.counted.set(phone, counted);
    }
    this.checkAgreement();
    for (const { member, callId } of this.removed) {
      const watch = [...this.watches.values()].find((w) => w.owner === member && w.session.callId === callId);
      if (watch) check(watch.ends === 1, `${member.number}: call ${callId} was removed after ${watch.ends} ended events`);
    }
    this.removed.length = 0;
  }

  /** Destroy every phone, then check that nothing is left: actors, timers, subscriptions, open observables. */
  async tearDown(): Promise<void> {
    for (const member of this.members) {
      member.phone.destroy();
      member.destroyed = true;
    }
    await this.network.settle();
    jest.advanceTimersByTime(0);
    for (const member of this.members) {
      const completion = this.phoneCompletions.get(member.phone)!;
      check(completion.state && completion.sessions && completion.events, `${member.number}: an observable of the destroyed phone did not complete`);
      const actor = (member.phone as unknown as { actor: { getSnapshot(): { status: string } } }).actor;
      check(actor.getSnapshot().status === 'stopped', `${member.number}: the phone actor is still ${actor.getSnapshot().status}`);
    }
    for (const watch of this.watches.values()) {
      check(watch.stateCompleted && watch.eventsCompleted, `${watch.owner.number}: an observable of session ${watch.session.callId} did not complete`);
      check(watch.session.state.phase === 'ended' || watch.session.state.phase === 'ending' || !this.isActive(watch.session), `session ${watch.session.callId} is still live`);
    }
    check(jest.getTimerCount() === 0, `${jest.getTimerCount()} timers are left after destroy()`);
    check(this.observableErrors.length === 0, `an observable errored or a result was wrong: ${this.observableErrors.join('; ')}`);
    this.subscriptions.forEach((s) => s.unsubscribe());
  }

  /** What the phones show now (phases, holds, transfers), for the coverage figures of a fuzz run. */
  facts(): Set<string> {
    const facts = new Set<string>();
    for (const member of this.members) {
      if (member.destroyed) continue;
      for (const session of member.phone.getSessions()) {
        const state = session.state;
        facts.add(`phase ${state.phase}`);
        if (state.hold) facts.add(`hold ${state.hold}`);
        if (state.remoteHold) facts.add('remoteHold');
        if (state.transfer && state.transfer !== 'idle') facts.add(`transfer ${state.transfer}`);
        if (state.recording && state.recording !== 'off') facts.add(`recording ${state.recording}`);
        if (state.consultationFor) facts.add('consultation leg');
        if (state.video.negotiation !== 'off') facts.add(`video ${state.video.negotiation}`);
        if (state.video.local) facts.add(`video sends ${state.video.local}`);
        if (state.video.muted) facts.add('video muted');
      }
      if (member.phone.getSessions().length > 1) facts.add('2+ calls on a phone');
    }
    return facts;
  }

  private isActive(session: Session): boolean {
    return (session as unknown as { ref: { getSnapshot(): { status: string } } }).ref.getSnapshot().status === 'active';
  }

  private phoneEvent(member: Member, event: { name: string | number | symbol; args: readonly unknown[] }): void {
    if (event.name === 'refused') this.checkRefusal(event.args[0] as Refusal);
    if (event.name === 'newRTCSession') this.watch(member, (event.args[0] as { session: Session }).session);
    if (event.name === 'referReceived' && (event.args[0] as { accepted: boolean }).accepted) member.referred.add((event.args[0] as { callId: string }).callId);
    if (event.name === 'deleteSession') this.removed.push({ member, callId: (event.args[0] as { callId: string }).callId });
  }

  private watch(member: Member, session: Session): void {
    if (this.watches.has(session)) return;
    const watch: Watch = { session, owner: member, ends: 0, lastStatus: null, stateCompleted: false, eventsCompleted: false };
    this.watches.set(session, watch);
    const fail = (what: string) => (error: unknown) => this.observableErrors.push(`${member.number} ${session.callId} ${what}: ${String(error)}`);
    this.subscriptions.push(
      session.state$.subscribe({ error: fail('state$'), complete: () => (watch.stateCompleted = true) }),
      session.status$.subscribe({ error: fail('status$'), next: (status) => (watch.lastStatus = status) }),
      session.timer$.subscribe({ error: fail('timer$') }),
      session.report$.subscribe({ error: fail('report$') }),
      session.events$.subscribe({
        error: fail('events$'),
        complete: () => (watch.eventsCompleted = true),
        next: (event) => {
          if (event.name === 'refused') this.checkRefusal(event.args[0] as Refusal);
          if (event.name === 'ended') {
            watch.ends += 1;
            const end = event.args[0] as { cause: unknown; code: unknown; originator: unknown };
            check(typeof end.cause === 'string' && end.cause.length > 0, `an end without a cause: ${JSON.stringify(end)}`);
            check(end.code === null || (typeof end.code === 'number' && Number.isInteger(end.code)), `an end with code ${String(end.code)}`);
            check(ORIGINATORS.has(end.originator as string), `an end with originator ${String(end.originator)}`);
          }
        },
      }),
    );
  }

  private checkRefusal(refusal: Refusal | null): void {
    if (refusal === null) return;
    check(REASONS.has(refusal.reason), `an untyped refusal: ${String(refusal.reason)}`);
    check(typeof refusal.command === 'string' && typeof refusal.message === 'string', 'a refusal without command or message');
    check(refusal.callId === null || typeof refusal.callId === 'string', `a refusal with callId ${String(refusal.callId)}`);
  }

  private checkCall(member: Member, session: Session): void {
    const state = session.state;
    const where = `${member.number} ${session.callId} (${state.phase})`;
    check(session.isTerminated() === (state.phase === 'ended'), `${where}: isTerminated() disagrees with the phase`);
    check(session.isEstablished() === (state.phase === 'confirmed'), `${where}: isEstablished() disagrees with the phase`);
    check(session.isRinging() === (state.phase === 'ringing'), `${where}: isRinging() disagrees with the phase`);
    check((state.hold === null) === (state.phase !== 'confirmed'), `${where}: hold is ${state.hold}`);
    check(session.isOnHold() === (state.hold === 'held' || state.hold === 'resuming'), `${where}: isOnHold() disagrees with hold ${state.hold}`);
    check((state.end !== null) === (state.phase === 'ended'), `${where}: end is ${JSON.stringify(state.end)}`);
    check(state.consultationFor === null || state.consultation === null, `${where}: both a consultation and a parent`);
    // The video as the UI sees it: something flows only once negotiated, and never while held or muted.
    const video = state.video;
    const committed = video.negotiation === 'on' || video.negotiation === 'removing';
    check(session.isVideo() === committed, `${where}: isVideo() disagrees with negotiation ${video.negotiation}`);
    check(video.local === null || (committed && !video.muted && !session.isOnHold() && !state.remoteHold), `${where}: sends ${video.local} with ${JSON.stringify(video)} hold ${state.hold}`);
    check(!video.remote || (committed && !session.isOnHold() && !state.remoteHold), `${where}: receives video with ${JSON.stringify(video)} hold ${state.hold}`);
    check(video.negotiation === 'off' || state.phase === 'confirmed' || state.phase === 'ending' || state.phase === 'ended' || committed, `${where}: video ${video.negotiation} outside a confirmed call`);
    check(session.isScreenSharing() === (video.local === 'screen') || video.local === null, `${where}: isScreenSharing() disagrees with video ${JSON.stringify(video)}`);
    const watch = this.watches.get(session);
    if (watch && watch.lastStatus !== null) {
      check(JSON.stringify(watch.lastStatus) === JSON.stringify(session.status), `${where}: status$ is stale: ${JSON.stringify(watch.lastStatus)} vs ${JSON.stringify(session.status)}`);
    }
  }

  /** Both ends of a call agree, once the network has delivered everything, while both can reach each other. */
  private checkAgreement(): void {
    const live = this.members.filter((m) => !m.destroyed && m.ua.reachable);
    for (const a of live) {
      for (const b of live) {
        if (a === b) continue;
        for (const mine of a.phone.getSessions()) {
          const theirs = b.phone.getSessions().find((s) => s.state.dialog?.callId !== undefined && s.state.dialog?.callId === mine.state.dialog?.callId);
          if (!theirs) continue;
          const [x, y] = [mine.state, theirs.state];
          const where = `${a.number} ${x.callId} ${x.phase} / ${b.number} ${y.callId} ${y.phase}`;
          if (x.phase === 'confirmed') check(y.phase === 'confirmed' || y.phase === 'ending' || y.phase === 'ended', `ends disagree: ${where}`);
          if (x.phase === 'confirmed' && y.phase === 'confirmed') {
            check(y.remoteHold === (x.hold === 'held' || x.hold === 'resuming' || x.hold === 'holding'), `hold disagrees: ${where} hold ${x.hold} remoteHold ${y.remoteHold}`);
            const settled = (v: typeof x.video) => v.negotiation === 'on' || v.negotiation === 'off';
            if (settled(x.video) && settled(y.video)) check(x.video.negotiation === y.video.negotiation, `video disagrees: ${where} ${x.video.negotiation} / ${y.video.negotiation}`);
          }
          if (x.phase === 'ringing' && x.direction === 'incoming') check(y.phase === 'dialing' || y.phase === 'ringing' || y.phase === 'ending', `ringing disagrees: ${where}`);
        }
      }
    }
  }
}

/** Play a scenario on a fresh world, checking every invariant after each step and after tear-down. */
export async function runScenario(
  scenario: { phones: number; refer?: readonly ReferPick[]; established: boolean; steps: readonly Step[] },
  stats?: Map<string, number>,
): Promise<void> {
  const world = new World(scenario.phones, scenario.refer);
  try {
    await world.network.settle();
    world.checkInvariants();
    if (scenario.established) {
      await world.play({ kind: 'call', p: 0, target: '1002' });
      await world.play({ kind: 'answerIncoming', p: 1, viaPhone: false });
      world.checkInvariants();
    }
    for (const step of scenario.steps) {
      await world.play(step);
      world.checkInvariants();
      if (stats) for (const fact of world.facts()) stats.set(fact, (stats.get(fact) ?? 0) + 1);
    }
  } finally {
    await world.tearDown();
  }
}
