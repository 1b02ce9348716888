/**
 * Calls over the memory adapter for the core benchmarks: callstate phones place calls to bare memory
 * user agents (ports only, no callstate on that side), which the benchmark drives like a far end.
 * A watcher on our own leg stamps each port event as it leaves the port; subscribers of the session's
 * `state$` and `events$` stamp the first emission that follows it.
 */
import { createActor, setup } from 'xstate';
import type { Subscription } from 'rxjs';
import type { CallPortEvent } from '../../machines/port';
import { MemoryCall, MemorySipNetwork, MemoryUserAgent } from '../../adapters/memory';
import { createPhone, type Phone, type PhoneOptions, type Session } from '../../src';
import { now } from './measure';

/** A far end: a bare memory user agent that keeps every incoming leg. */
export class FarEnd {
  readonly ua: MemoryUserAgent;
  readonly legs = new Map<string, MemoryCall>();
  constructor(network: MemorySipNetwork, readonly number: string, autoAnswer: boolean) {
    this.ua = network.createUserAgent({ number });
    this.ua.subscribe((event) => {
      if (event.type !== 'UA.CALL.INCOMING') return;
      const leg = event.call as MemoryCall;
      this.legs.set(leg.callId, leg);
      leg.subscribe(() => undefined);
      if (autoAnswer) leg.answer({});
    });
    this.ua.start();
    this.ua.register();
  }

  /** The far end is done with a leg (its adapter would dispose it). */
  drop(callId: string): void {
    this.legs.get(callId)?.dispose();
    this.legs.delete(callId);
  }
}

/** Label of a port event kind, with the detail that decides what it does. */
export function kindOf(event: CallPortEvent): string {
  switch (event.type) {
    case 'SIP.REINVITE':
      return event.held ? 'SIP.REINVITE (held)' : 'SIP.REINVITE (resumed)';
    case 'SIP.PROGRESS':
      return `SIP.PROGRESS (${event.code})`;
    default:
      return event.type;
  }
}

/**
 * Times port event → first observable emission for one call. `samples` collects µs per event kind;
 * emissions not preceded by a port event (commands) are ignored.
 */
export class EventPathProbe {
  private pending: { kind: string; t0: number } | null = null;
  private readonly subscriptions: Subscription[] = [];
  recording = true;

  constructor(readonly session: Session, leg: MemoryCall, private readonly samples: Map<string, number[]>) {
    leg.watch((event) => {
      this.pending = { kind: kindOf(event), t0: now() };
    });
    const stamp = () => {
      const t1 = now();
      const pending = this.pending;
      if (pending === null) return;
      this.pending = null;
      if (!this.recording) return;
      let list = this.samples.get(pending.kind);
      if (!list) this.samples.set(pending.kind, (list = []));
      list.push((t1 - pending.t0) * 1000);
    };
    this.subscriptions.push(session.state$.subscribe(stamp), session.events$.subscribe(stamp));
  }

  /** Forget a port event that caused no emission (called after each step has settled). */
  settled(): void {
    this.pending = null;
  }

  close(): void {
    for (const s of this.subscriptions) s.unsubscribe();
  }
}

/** A caller phone on the memory network. */
export function memoryPhone(network: MemorySipNetwork, number: string, options: Partial<PhoneOptions> = {}): { phone: Phone; ua: MemoryUserAgent } {
  const ua = network.createUserAgent({ number });
  const phone = createPhone({ userAgent: ua, ...options });
  phone.start();
  return { phone, ua };
}

/** The baseline: a bare XState v5 actor of a small parallel machine, one event → one subscriber call. */
export function bareActor(): { sample: () => number; stop: () => void } {
  const machine = setup({}).createMachine({
    type: 'parallel',
    states: {
      a: { initial: 'off', states: { off: { on: { TOGGLE: 'on' } }, on: { on: { TOGGLE: 'off' } } } },
      b: { initial: 'off', states: { off: { on: { TOGGLE: 'on' } }, on: { on: { TOGGLE: 'off' } } } },
    },
  });
  const actor = createActor(machine).start();
  let t1 = 0;
  actor.subscribe(() => {
    t1 = now();
  });
  return {
    sample: () => {
      const t0 = now();
      actor.send({ type: 'TOGGLE' });
      return (t1 - t0) * 1000;
    },
    stop: () => actor.stop(),
  };
}
