/**
 * Flow tests drive several phones on one memory SIP network through the public API only
 * (`createPhone`, `Phone`, `Session`) and record everything a UI would see: every `state$` emission
 * of each phone and of each call, and every event on `events$`.
 */
import { MemorySipNetwork } from '../../adapters/memory';
import type { MemorySipNetworkOptions, MemoryUserAgent } from '../../adapters/memory';
import { createPhone } from '../../src';
import type { CallState, Phone, PhoneOptions, PhoneState, Session } from '../../src';

/** One recorded event: its name and the arguments listeners received. */
export interface RecordedEvent {
  readonly name: string;
  readonly args: readonly unknown[];
}

/** What one call looked like from one phone: every state$ emission and every session event. */
export interface CallRecord {
  readonly callId: string;
  readonly session: Session;
  readonly states: CallState[];
  readonly events: RecordedEvent[];
  /** True once `state$` completed (the call actor stopped). */
  completed: boolean;
}

/** Consecutive duplicates removed. */
export function distinct<T>(values: readonly T[]): T[] {
  return values.filter((value, i) => i === 0 || value !== values[i - 1]);
}

/** A phone under test with its recordings. */
export class FlowPhone {
  /** Every `state$` emission of the phone, in order. */
  readonly states: PhoneState[] = [];
  /** Every phone event, in order. */
  readonly events: RecordedEvent[] = [];
  /** Every call this phone has seen, by call id, in order of creation. */
  readonly calls = new Map<string, CallRecord>();

  constructor(
    readonly number: string,
    readonly phone: Phone,
    readonly ua: MemoryUserAgent,
  ) {
    phone.state$.subscribe((state) => this.states.push(state));
    phone.events$.subscribe((event) => {
      this.events.push({ name: event.name, args: event.args });
      if (event.name === 'newRTCSession') {
        const [{ callId, session }] = event.args as [{ callId: string; session: Session }];
        this.track(callId, session);
      }
    });
  }

  /** The recording of a call this phone has seen (throws when it has not seen it). */
  call(callId: string): CallRecord {
    const record = this.calls.get(callId);
    if (!record) throw new Error(`${this.number} has not seen call ${callId}; it saw ${[...this.calls.keys()].join(', ') || 'none'}`);
    return record;
  }

  /** The only call this phone has seen (throws when there is not exactly one). */
  onlyCall(): CallRecord {
    if (this.calls.size !== 1) throw new Error(`${this.number} saw ${this.calls.size} calls`);
    return [...this.calls.values()][0];
  }

  /** The newest call this phone has seen. */
  lastCall(): CallRecord {
    const all = [...this.calls.values()];
    if (all.length === 0) throw new Error(`${this.number} saw no call`);
    return all[all.length - 1];
  }

  /** Names of the phone events so far. */
  eventNames(): string[] {
    return this.events.map((event) => event.name);
  }

  /** First arguments of every phone event called `name`. */
  eventsOf<T = unknown>(name: string): T[] {
    return this.events.filter((event) => event.name === name).map((event) => event.args[0] as T);
  }

  /** Values of one field over the phone's `state$` emissions, consecutive duplicates removed. */
  stateTrail<K extends keyof PhoneState>(key: K): PhoneState[K][] {
    return distinct(this.states.map((state) => state[key]));
  }

  /** Forget what was recorded so far (the subscriptions stay). */
  clear(): void {
    this.states.length = 0;
    this.events.length = 0;
    for (const record of this.calls.values()) {
      record.states.length = 0;
      record.events.length = 0;
    }
  }

  private track(callId: string, session: Session): void {
    if (this.calls.has(callId)) return;
    const record: CallRecord = { callId, session, states: [], events: [], completed: false };
    this.calls.set(callId, record);
    session.state$.subscribe({
      next: (state) => record.states.push(state),
      complete: () => {
        record.completed = true;
      },
    });
    session.events$.subscribe((event) => record.events.push({ name: event.name, args: event.args }));
  }
}

/** Values of one field over a call's `state$` emissions, consecutive duplicates removed. */
export function trail<K extends keyof CallState>(record: CallRecord, key: K): CallState[K][] {
  return distinct(record.states.map((state) => state[key]));
}

/** Names of a call's session events so far (`statusChange` and `callReport` left out: they are noise here). */
export function sessionEventNames(record: CallRecord): string[] {
  return record.events.map((event) => event.name).filter((name) => name !== 'statusChange' && name !== 'staticStatusChange' && name !== 'callReport');
}

/** First arguments of every session event called `name`. */
export function sessionEventsOf<T = unknown>(record: CallRecord, name: string): T[] {
  return record.events.filter((event) => event.name === name).map((event) => event.args[0] as T);
}

/** Options of one phone of a flow. */
export type FlowPhoneOptions = Omit<PhoneOptions, 'userAgent'>;

/** A network of started, registered phones. */
export interface Flow {
  readonly network: MemorySipNetwork;
  readonly phones: FlowPhone[];
  settle(): Promise<void>;
  destroy(): void;
}

/**
 * Create a network and one started, registered phone per number (quality reports off unless
 * asked for). Phone-specific options by number.
 */
export async function startFlow(
  numbers: readonly string[],
  options: { network?: MemorySipNetworkOptions; phones?: Record<string, FlowPhoneOptions>; defaults?: FlowPhoneOptions } = {},
): Promise<Flow> {
  const network = new MemorySipNetwork(options.network);
  const phones = numbers.map((number) => {
    network.addAccount({ number, password: `pw-${number}` });
    const ua = network.createUserAgent({ number, password: `pw-${number}` });
    const phone = createPhone({ qualityReports: false, ...options.defaults, ...options.phones?.[number], userAgent: ua });
    return new FlowPhone(number, phone, ua);
  });
  for (const p of phones) p.phone.start();
  await network.settle();
  for (const p of phones) {
    if (!p.phone.isRegistered) throw new Error(`${p.number} did not register`);
  }
  for (const p of phones) p.clear();
  return {
    network,
    phones,
    settle: () => network.settle(),
    destroy: () => {
      for (const p of phones) p.phone.destroy();
    },
  };
}

/** `from` calls `to`'s number; resolves with the call id once the network has settled. */
export async function dial(flow: Flow, from: FlowPhone, to: FlowPhone | string): Promise<string> {
  const target = typeof to === 'string' ? to : to.number;
  const result = await from.phone.call(target);
  if (!result.ok || result.callId === null) throw new Error(`${from.number} could not call ${target}: ${result.message}`);
  await flow.settle();
  return result.callId;
}

/** `from` calls `to` and `to` answers; resolves with the call id once both are confirmed. */
export async function connect(flow: Flow, from: FlowPhone, to: FlowPhone): Promise<string> {
  const callId = await dial(flow, from, to);
  const answered = await to.phone.answer(callId);
  if (!answered.ok) throw new Error(`${to.number} could not answer ${callId}: ${answered.message}`);
  await flow.settle();
  const a = from.phone.getSession(callId)?.state.phase;
  const b = to.phone.getSession(callId)?.state.phase;
  if (a !== 'confirmed' || b !== 'confirmed') throw new Error(`call ${callId} not confirmed: ${from.number} ${a}, ${to.number} ${b}`);
  return callId;
}
