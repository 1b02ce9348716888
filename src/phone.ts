import { asyncScheduler, distinctUntilChanged, Observable, map } from 'rxjs';
import type { SchedulerLike, Subscription } from 'rxjs';
import { createActor } from 'xstate';
import type { Actor } from 'xstate';
import { DEFAULT_DTMF } from '../machines/port';
import type { CallOptions, DeviceIds, DtmfOptions, UserAgentPort } from '../machines/port';
import { callMachine } from '../machines/call.machine';
import type { RecordPermission } from '../machines/call.types';
import { toPhoneState } from '../machines/phone.connect';
import type { PhoneState } from '../machines/phone.connect';
import { phoneMachine } from '../machines/phone.machine';
import type { CallActorRef, PhoneCommandEvent, PhoneEmitted, PhoneSettings } from '../machines/phone.types';
import { callOptionsProblem } from '../machines/call-options';
import { settingsProblem, givenSettings } from '../machines/settings';
import { callEntry, describe, digestCredentialsProblem, hasCall, targetProblem } from '../machines/validation';
import { agentBridge } from './agent-bridge';
import { CallPorts, tellPhonePort } from './call-port-bridge';
import { wirePhone, wiringOf } from './phone-wiring';
import { referDecision } from './refer-decision';
import type { ReferPolicy } from './refer-decision';
import { PhoneOperator } from './seed/phone-operator';
import { PhoneOptionsError, failure, refusal, success } from './errors';
import type { Refusal, RefusalReason, Result } from './errors';
import { mediaFailureOf } from '../machines/media-errors';
import { Devices, browserDeviceSource, refusalReasonOf } from './devices';
import type { ChosenDevices, DeviceList, DeviceSource } from './devices';
import { EventHub } from './event-hub';
import { eventNames, relayOf } from './event-table';
import type { ArgsOfTable } from './event-table';
import { listenerProblem, staticStatusProblem } from './facade-input';
import { observeActor } from './observe';
import { phoneInspector, type RedactingInspector } from './redacting-inspector';
import { PHONE_EVENTS } from './phone-events';
import { phoneOptionsProblem } from './phone-options';
import { Session } from './session';
import type { SessionHost } from './session';

/** Options of {@link createPhone}. */
export interface PhoneOptions extends Partial<PhoneSettings> {
  /** The SIP stack: a JsSIP user agent, the memory double, or any other port implementation. */
  readonly userAgent: UserAgentPort;
  /** Recording permission: 0 none, 1 pause/resume, 2 start/pause/resume. Default 0. */
  readonly recordPermissions?: RecordPermission;
  /** Devices used when the stack acquires media (and the speaker `useSpeaker` applies). */
  readonly deviceIds?: ChosenDevices;
  /** Where `devices$` lists devices; the browser's `navigator.mediaDevices` by default, none in Node. */
  readonly mediaDevices?: DeviceSource | null;
  /** DTMF transport and timing; what is not given comes from `DEFAULT_DTMF` (SIP INFO, 100 ms tones, 70 ms gaps). */
  readonly dtmf?: Partial<DtmfOptions>;
  /**
   * What to do when the far end transfers us (an incoming REFER): `'accept'` (the default),
   * `'decline'`, or a function asked each time — `({ callId, target, session }) => boolean |
   * Promise<boolean>` — to show "Transfer to 1003? Accept / Decline". Without an answer within
   * `referTimeoutMs` (30 s by default) the REFER is declined. A REFER that would exceed the call cap is
   * declined without asking. Either way the far end gets the outcome as a final NOTIFY, and
   * `referReceived` reports it.
   */
  readonly refer?: ReferPolicy;
  /** Interval of the quality reports, in ms. Default 3000. */
  readonly reportIntervalMs?: number;
  /** Turn the periodic quality reports off. Default on. */
  readonly qualityReports?: boolean;
  /** Clock and timers of `timer$` and `report$`; pass a virtual-time scheduler to run them headless. */
  readonly scheduler?: SchedulerLike;
  /**
   * An inspector for the phone's actor system (every call actor included) that only sees redacted
   * events, no password, HA1, authorization header or SDP: wrap any XState inspector with
   * `createRedactingInspector` of `callstate/inspect` (the relay inspector is one already). Anything
   * else gets no event, and the phone says so on the console.
   */
  readonly inspect?: RedactingInspector;
}

const PHONE_EVENT_NAMES = eventNames(PHONE_EVENTS);

/**
 * The phone machine with its implementations, built once for every phone: each implementation
 * reaches its phone's user agent, ports, REFER policy and sessions through the phone's wiring
 * (`src/phone-wiring.ts`).
 */
const wiredPhoneMachine = phoneMachine.provide({
  actors: {
    ua: agentBridge(wiringOf),
    referDecision: referDecision(wiringOf),
    call: callMachine.provide({ actions: { tellPort: tellPhonePort((system) => wiringOf(system)?.ports) } }),
  },
});
const relayPhoneEvent = relayOf(PHONE_EVENTS);

/** Arguments of each Phone event, as `on()` listeners receive them. */
export type PhoneEventMap = ArgsOfTable<typeof PHONE_EVENTS>;

/**
 * The phone: the seed SDK's PhoneOperator over a phone actor that owns the transport, the
 * registration and one call actor per call. Every attribute is read from the actor's snapshot.
 *
 * Methods that take a `callId` refuse (return `false`, with the reason in `lastRefusal`) for an
 * unknown call; nothing throws.
 */
export class Phone extends PhoneOperator {
  /** The phone's state: transport, registration, calls, current call, incoming list, cap, permissions. */
  readonly state$: Observable<PhoneState>;
  /** The sessions, oldest first, on every change of the call list. */
  readonly sessions$: Observable<readonly Session[]>;
  /** The incoming calls nobody answered yet. */
  readonly incoming$: Observable<readonly Session[]>;
  /** Every phone event, as `{ name, args }`. */
  readonly events$: EventHub<PhoneEventMap>['events$'];
  /** Microphones, cameras and speakers (`enumerateDevices` plus `devicechange`), the chosen one of each marked. */
  readonly devices$: Observable<DeviceList>;

  private readonly actor: Actor<typeof phoneMachine>;
  private readonly hub = new EventHub<PhoneEventMap>();
  private readonly sessionsByRef = new WeakMap<CallActorRef, Session>();
  /** Each call's port, handed over once by the user agent's bridge. */
  private readonly ports = new CallPorts();
  private readonly host: SessionHost;
  private refusalValue: Refusal | null = null;
  private destroyed = false;
  private readonly devices: Devices;
  private readonly deviceWatch: Subscription;

  /** @internal Use {@link createPhone}. */
  constructor(private readonly options: PhoneOptions) {
    super();
    const problem = phoneOptionsProblem(options);
    if (problem) throw new PhoneOptionsError(problem);
    const { userAgent } = options;
    this.devices = new Devices(options.mediaDevices === undefined ? browserDeviceSource() : options.mediaDevices, { ...options.deviceIds });
    this.devices$ = this.devices.list$;
    this.deviceWatch = this.devices$.subscribe();
    const settings = Object.fromEntries(
      (['maxCalls', 'callWaiting', 'autoHold', 'register', 'reRegistryPhoneTimes', 'registrationRetryBaseMs', 'registrationRetryMaxMs', 'overCapCode', 'rejectCode', 'referTimeoutMs'] as const)
        .filter((key) => options[key] !== undefined)
        .map((key) => [key, options[key]]),
    );
    const scheduler = options.scheduler ?? asyncScheduler;
    this.actor = createActor(wiredPhoneMachine, {
      input: { ...settings, recordPermissions: options.recordPermissions, clock: { now: () => scheduler.now() } },
      inspect: phoneInspector(options.inspect),
      clock: {
        setTimeout: (callback: () => void, ms: number) => scheduler.schedule(callback, ms),
        clearTimeout: (subscription: Subscription) => subscription.unsubscribe(),
      },
    });
    wirePhone(this.actor.system, {
      userAgent,
      ports: this.ports,
      refer: options.refer ?? 'accept',
      sessionOf: (callId) => this.getSession(callId),
    });
    this.host = {
      dtmf: { ...DEFAULT_DTMF, ...options.dtmf },
      scheduler,
      reportIntervalMs: options.reportIntervalMs ?? 3000,
      qualityReports: options.qualityReports ?? true,
      answer: (callId, callOptions) => this.actor.send({ type: 'PHONE.ANSWER', callId, options: this.withDevices(callOptions) }),
      placeConsultation: (parentId, target) => this.call(target, {}, parentId),
      completeTransfer: (callId) => this.actor.send({ type: 'PHONE.TRANSFER.COMPLETE', callId }),
      linkConsultation: (parentId, number) => this.linkConsultation(parentId, number),
      cancelTransfer: (callId) => this.actor.send({ type: 'PHONE.TRANSFER.CANCEL', callId }),
      incomingList: () => this.incomingList,
      session: (callId) => this.getSession(callId) ?? undefined,
      deviceIds: () => this.inputDevices(),
    };
    this.events$ = this.hub.events$;
    this.state$ = observeActor(this.actor, toPhoneState);
    this.sessions$ = observeActor(this.actor, (snapshot) => snapshot.context.order).pipe(map(() => this.getSessions()));
    this.incoming$ = this.state$.pipe(
      map((state) => state.incoming.join('\n')),
      distinctUntilChanged(),
      map(() => this.incomingList),
    );
    this.actor.on('*', (event) => this.relay(event as PhoneEmitted));
    this.actor.start();
  }

  // ---------------------------------------------------------------- attributes

  /** The phone's current state. */
  get state(): PhoneState {
    return toPhoneState(this.actor.getSnapshot());
  }

  /** Id of the current call: the newest placed or answered call, or the one set with `setCurrentSession`. */
  get currentSessionID(): string | null {
    return this.actor.getSnapshot().context.currentSessionID;
  }

  /** Registration attempts after a failure before the phone gives up. */
  get reRegistryPhoneTimes(): number {
    return this.actor.getSnapshot().context.reRegistryPhoneTimes;
  }

  set reRegistryPhoneTimes(value: number) {
    if (value === undefined) this.guardDestroyed('reRegistryPhoneTimes') && this.refuse('reRegistryPhoneTimes', 'invalid-input', 'reRegistryPhoneTimes must be an integer from 0 up');
    else this.applySettings('reRegistryPhoneTimes', { reRegistryPhoneTimes: value });
  }

  /** True while registered. */
  get isRegistered(): boolean {
    return this.actor.getSnapshot().matches({ registration: 'registered' });
  }

  /** Recording permission: 0 none, 1 pause/resume, 2 start/pause/resume. Setting it emits `recordPermissionsChange`. */
  get recordPermissions(): RecordPermission {
    return this.actor.getSnapshot().context.recordPermissions;
  }

  set recordPermissions(value: RecordPermission) {
    if (!this.guardDestroyed('recordPermissions')) return;
    if (value === 0 || value === 1 || value === 2) this.actor.send({ type: 'PHONE.RECORD_PERMISSIONS', recordPermissions: value });
    else this.refuse('recordPermissions', 'invalid-input', `recordPermissions must be 0, 1 or 2, got ${describe(value)}`);
  }

  /** Why the last refused method refused, or `null`. */
  get lastRefusal(): Refusal | null {
    return this.refusalValue;
  }

  /** The devices used when the stack acquires media: set to choose them (`useMicrophone` and co. also swap them on live calls). */
  get deviceIds(): ChosenDevices {
    return { ...this.devices.choice };
  }

  set deviceIds(value: ChosenDevices) {
    const ids = value ?? {};
    const bad = (['microphoneId', 'cameraId', 'speakerId'] as const).find((key) => ids[key] !== undefined && (typeof ids[key] !== 'string' || ids[key] === ''));
    if (bad) this.refuse('deviceIds', 'invalid-input', `${bad} must be a non-empty string`);
    else this.devices.choose({ microphoneId: ids.microphoneId, cameraId: ids.cameraId, speakerId: ids.speakerId });
  }

  /** True when the last device scan found no camera (false before one, or where devices cannot be listed). */
  get isNoneCamera(): boolean {
    const list = this.devices.latest;
    return list.supported && list.cameras.length === 0;
  }

  // ---------------------------------------------------------------- methods

  /**
   * Listen to an event; returns the function that stops listening. Attach listeners before `start()`.
   * An unknown event name or a listener that is not a function is refused (`invalid-input`), and the
   * returned function does nothing.
   */
  on<K extends keyof PhoneEventMap>(eventName: K, listener: (...args: PhoneEventMap[K]) => void): () => void {
    if (!this.guardDestroyed('on')) return () => undefined;
    const problem = listenerProblem(PHONE_EVENT_NAMES, eventName, listener);
    if (problem) {
      this.refuse('on', 'invalid-input', problem);
      return () => undefined;
    }
    return this.hub.on(eventName, listener);
  }

  /** Connect to the SIP server and register (unless `register: false`). */
  start(): this {
    if (this.guardDestroyed('start')) this.actor.send({ type: 'PHONE.START' });
    return this;
  }

  /** Register again with new credentials (an authorization user and an HA1). */
  reRegister(authorizationUser: string, ha1: string): this {
    if (!this.guardDestroyed('reRegister')) return this;
    const problem = digestCredentialsProblem(authorizationUser, ha1);
    if (problem) {
      this.refuse('reRegister', 'invalid-input', problem);
      return this;
    }
    this.actor.send({ type: 'PHONE.CREDENTIALS', credentials: { authorizationUser, ha1 } });
    return this;
  }

  /** Place a call; with `transferId`, a consultation call for an attended transfer of that call. */
  call(number: string, option: CallOptions = {}, transferId?: string): Promise<Result> {
    if (!this.guardDestroyed('call')) return Promise.resolve(failure(this.refusalValue as Refusal));
    const problem = targetProblem(number) ?? callOptionsProblem(option);
    if (problem) return Promise.resolve(failure(this.record(refusal('call', 'invalid-input', problem))));
    if (transferId !== undefined && this.getSession(transferId) === null) {
      return Promise.resolve(failure(this.record(refusal('call', 'unknown-call', `no call ${describe(transferId)} to transfer`, transferId))));
    }
    const event: PhoneCommandEvent = { type: 'PHONE.CALL', target: number, options: this.withDevices(option), consultationFor: transferId ?? null };
    if (!this.actor.getSnapshot().can(event)) {
      const reason: RefusalReason = transferId === undefined ? 'over-cap' : 'not-allowed-in-state';
      const message = transferId === undefined ? 'the phone already has as many calls as it may' : 'that call already has a consultation call, or is one';
      return Promise.resolve(failure(this.record(refusal('call', reason, message, transferId ?? null))));
    }
    let outcome: Result | null = null;
    const listener = this.actor.on('*', (emitted) => {
      const e = emitted as PhoneEmitted;
      if (e.type === 'call.created' && outcome === null) outcome = success(e.callId);
      if (e.type === 'call.refused' && outcome === null) outcome = failure(this.record(refusal('call', 'stack-refused', e.reason)));
    });
    this.actor.send(event);
    listener.unsubscribe();
    return Promise.resolve(outcome ?? failure(this.record(refusal('call', 'stack-refused', 'the SIP stack did not create the call'))));
  }

  /** Answer a ringing incoming call. */
  answer(callId: string, option?: CallOptions): Promise<Result> {
    if (!this.guardDestroyed('answer')) return Promise.resolve(failure(this.refusalValue as Refusal));
    const session = this.getSession(callId);
    if (!session) return Promise.resolve(failure(this.record(refusal('answer', 'unknown-call', `no call ${describe(callId)}`, callId))));
    return session.answer(option).then((result) => {
      if (!result.ok && session.lastRefusal) this.record(session.lastRefusal);
      return result;
    });
  }

  /** Read the device list again: browsers name devices only once media access was granted (a call started). */
  refreshDevices(): void {
    this.devices.refresh();
  }

  /** Use this microphone from now on, and on every live call (track replaced, no re-INVITE). */
  useMicrophone(deviceId: string): Promise<Result> {
    return this.useInput('useMicrophone', 'microphones', deviceId, (session) => session.switchMicrophone(deviceId), { microphoneId: deviceId });
  }

  /** Use this camera from now on, and on every live call that sends video. */
  useCamera(deviceId: string): Promise<Result> {
    return this.useInput('useCamera', 'cameras', deviceId, (session) => session.switchCamera(deviceId), { cameraId: deviceId });
  }

  /**
   * Play the far ends through this speaker: `setSinkId` on each element given (the app's audio/video
   * elements). Refuses `not-supported` where the browser has no `setSinkId`, `no-such-device` for an
   * unknown id.
   */
  async useSpeaker(deviceId: string, ...elements: HTMLMediaElement[]): Promise<Result> {
    if (!this.guardDestroyed('useSpeaker')) return failure(this.refusalValue as Refusal);
    if (typeof deviceId !== 'string' || deviceId === '') return failure(this.record(refusal('useSpeaker', 'invalid-input', 'a device id is required')));
    const sinks = elements.filter((element) => element !== null && element !== undefined);
    const unsupported = sinks.length === 0 || sinks.some((element) => typeof (element as { setSinkId?: unknown }).setSinkId !== 'function');
    if (unsupported) return failure(this.record(refusal('useSpeaker', 'not-supported', 'this browser cannot choose the audio output (no setSinkId)')));
    if (await this.devices.isMissing('speakers', deviceId)) return failure(this.record(refusal('useSpeaker', 'no-such-device', `no speaker ${deviceId}`)));
    try {
      await Promise.all(sinks.map((element) => (element as { setSinkId(id: string): Promise<void> }).setSinkId(deviceId)));
    } catch (error) {
      return failure(this.record(refusal('useSpeaker', refusalReasonOf(mediaFailureOf(error)), String(error))));
    }
    this.devices.choose({ speakerId: deviceId });
    return success(null);
  }

  /**
   * Go offline: end every call, un-REGISTER, then close the connection to the SIP server. Each call
   * ends on the wire the way its hang-up would end it — an answered call with a BYE (`bye`), a call
   * being placed with a CANCEL (`canceled`), a ringing incoming call declined with 480 Temporarily
   * Unavailable (`rejected`) — and is reported with that cause (`ended` on its session,
   * `deleteSession` here). `start()` connects again.
   */
  disconnect(): boolean {
    if (!this.guardDestroyed('disconnect')) return false;
    const snapshot = this.actor.getSnapshot();
    if (snapshot.matches({ transport: 'disconnected' })) return this.refuse('disconnect', 'not-allowed-in-state', 'the phone is not connected');
    this.actor.send({ type: 'PHONE.STOP' });
    return true;
  }

  /** A call's session, or `null`. */
  getSession(callId: string): Session | null {
    const entry = callEntry(this.actor.getSnapshot().context.calls, callId);
    return entry ? this.sessionFor(entry.ref) : null;
  }

  /** Every call's session, oldest first. */
  getSessions(): Session[] {
    const { calls, order } = this.actor.getSnapshot().context;
    return order.filter((id) => hasCall(calls, id)).map((id) => this.sessionFor(calls[id].ref));
  }

  /** Make a call the current one. */
  setCurrentSession(callId: string): boolean {
    if (!this.guardDestroyed('setCurrentSession')) return false;
    if (!this.getSession(callId)) return this.refuse('setCurrentSession', 'unknown-call', `no call ${describe(callId)}`, callId);
    this.actor.send({ type: 'PHONE.SET_CURRENT', callId });
    return true;
  }

  /**
   * Change the cap, call waiting, auto-hold or registration retry settings at run time. Only the
   * documented settings with valid values are applied; otherwise nothing is, and the refusal
   * (`invalid-input`) names the first problem.
   */
  configure(settings: Partial<PhoneSettings>): this {
    this.applySettings('configure', settings);
    return this;
  }

  /** Hang up every call, close the connection, stop the actors and drop every listener. */
  destroy(): void {
    if (this.destroyed) return;
    for (const session of this.getSessions()) session.destroy();
    this.actor.send({ type: 'PHONE.STOP' });
    this.destroyed = true;
    this.deviceWatch.unsubscribe();
    this.actor.stop();
    this.options.userAgent.dispose();
    this.ports.clear();
    this.hub.close();
  }

  // ---------------------------------------------------------------- internals

  private applySettings(command: string, settings: unknown): boolean {
    if (!this.guardDestroyed(command)) return false;
    const problem = settingsProblem(settings);
    if (problem) return this.refuse(command, 'invalid-input', problem);
    this.actor.send({ type: 'PHONE.CONFIGURE', settings: givenSettings(settings as Record<string, unknown>) });
    return true;
  }

  private linkConsultation(parentId: string, number: string): string | null {
    const candidate = this.getSessions().find((session) => {
      if (session.callId === parentId) return false;
      const state = session.state;
      return state.phase === 'confirmed' && state.remote.number === number && state.consultationFor === null && state.consultation === null;
    });
    if (!candidate) return null;
    this.actor.send({ type: 'PHONE.TRANSFER.LINK', callId: parentId, consultationId: candidate.callId });
    return this.actor.getSnapshot().context.calls[candidate.callId]?.consultationFor === parentId ? candidate.callId : null;
  }

  private inputDevices(): DeviceIds {
    const { microphoneId, cameraId } = this.devices.choice;
    return { ...(microphoneId !== undefined ? { microphoneId } : {}), ...(cameraId !== undefined ? { cameraId } : {}) };
  }

  /** The call options with the phone's devices, when some were chosen and the app named none. */
  private withDevices(option: CallOptions): CallOptions {
    const deviceIds = this.inputDevices();
    return option.deviceIds || Object.keys(deviceIds).length === 0 ? option : { ...option, deviceIds };
  }

  protected async withSessionResult(command: string, callId: string, run: (session: Session) => Promise<Result>): Promise<Result> {
    if (!this.guardDestroyed(command)) return failure(this.refusalValue as Refusal);
    const session = this.getSession(callId);
    if (!session) return failure(this.record(refusal(command, 'unknown-call', `no call ${String(callId)}`, callId)));
    const result = await run(session);
    if (!result.ok && session.lastRefusal) this.record(session.lastRefusal);
    return result;
  }

  private async useInput(
    command: string,
    kind: 'microphones' | 'cameras',
    deviceId: string,
    swap: (session: Session) => Promise<Result>,
    choice: ChosenDevices,
  ): Promise<Result> {
    if (!this.guardDestroyed(command)) return failure(this.refusalValue as Refusal);
    if (typeof deviceId !== 'string' || deviceId === '') return failure(this.record(refusal(command, 'invalid-input', 'a device id is required')));
    const live = this.getSessions().filter((session) => session.state.phase === 'confirmed');
    if (live.length === 0 && (await this.devices.isMissing(kind, deviceId))) {
      return failure(this.record(refusal(command, 'no-such-device', `no ${kind.slice(0, -1)} ${deviceId}`)));
    }
    for (const session of live) {
      const result = await swap(session);
      if (!result.ok) {
        if (session.lastRefusal) this.record(session.lastRefusal);
        return result;
      }
    }
    this.devices.choose(choice);
    return success(null);
  }

  private sessionFor(ref: CallActorRef): Session {
    let session = this.sessionsByRef.get(ref);
    if (!session) {
      session = new Session(ref, this.ports.get(ref.id), this.host);
      this.sessionsByRef.set(ref, session);
      // The port keeps its events until its first listener. That listener comes a microtask after the
      // Session exists, so that what the app attaches on hearing of the call (`newRTCSession`,
      // `incoming`, the result of `call()`) hears the call's first events too.
      const created = session;
      // (A resolved promise rather than queueMicrotask, which test clocks replace.)
      void Promise.resolve().then(() => {
        if (!this.destroyed && ref.getSnapshot().status === 'active') this.ports.connect(ref.id, ref, (event) => created.streamAdded(event));
      });
    }
    return session;
  }

  protected withSession(command: string, callId: string, run: (session: Session) => boolean): boolean {
    if (!this.guardDestroyed(command)) return false;
    const session = this.getSession(callId);
    if (!session) return this.refuse(command, 'unknown-call', `no call ${describe(callId)}`, callId);
    const ok = run(session);
    if (!ok && session.lastRefusal) this.record(session.lastRefusal);
    return ok;
  }

  private guardDestroyed(command: string): boolean {
    if (!this.destroyed) return true;
    this.record(refusal(command, 'destroyed', 'the phone was destroyed'));
    return false;
  }

  private refuse(command: string, reason: RefusalReason, message: string, callId: unknown = null): false {
    this.record(refusal(command, reason, message, callId));
    return false;
  }

  private record(value: Refusal): Refusal {
    this.refusalValue = value;
    if (!this.destroyed) this.hub.emit('refused', value);
    return value;
  }

  private relay(event: PhoneEmitted): void {
    relayPhoneEvent(event, this, (name, args) => this.hub.emit(name as keyof PhoneEventMap, ...(args as never)));
  }
}

/**
 * Create a phone on a SIP stack. Attach listeners, then call `start()`.
 *
 * @throws {@link PhoneOptionsError} when the options are not acceptable (a missing `userAgent`, an
 * unknown option, a value outside its range); nothing is created then.
 */
export function createPhone(options: PhoneOptions): Phone {
  return new Phone(options);
}
