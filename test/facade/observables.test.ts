/**
 * The observables a UI subscribes to: current value on subscribe, plain frozen objects, only on
 * change, completion when the actor stops; the Svelte store contract and a useSyncExternalStore-style
 * consumer; `timer$` and `report$` under Jest fake timers and on an injected virtual-time scheduler.
 */
import { VirtualTimeScheduler } from 'rxjs';
import type { Observable, Subscription } from 'rxjs';
import type { CallQualityReport, CallState, CallTimer, PhoneState } from '../../src';
import { establish, facadeRig } from '../support/facade-harness';
import type { FacadeRig } from '../support/facade-harness';

let rig: FacadeRig | null = null;

afterEach(() => {
  rig?.destroy();
  rig = null;
  jest.useRealTimers();
});

/** Collects what an observable emits and whether it completed. */
function watch<T>(obs$: Observable<T>): { values: T[]; done: () => boolean; sub: Subscription } {
  const values: T[] = [];
  let completed = false;
  const sub = obs$.subscribe({ next: (v) => values.push(v), complete: () => (completed = true) });
  return { values, done: () => completed, sub };
}

function isDeepFrozen(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return true;
  if (!Object.isFrozen(value)) return false;
  return Object.values(value).every(isDeepFrozen);
}

// ------------------------------------------------------------------ the two consumer adapters

/** Svelte's store contract: `subscribe(fn)` calls fn synchronously with the current value and returns an unsubscriber. */
interface Readable<T> {
  subscribe(run: (value: T) => void): () => void;
}

/** The one-liner a Svelte app writes to turn an observable into a store. */
const toStore = <T,>(obs$: Observable<T>): Readable<T> => ({ subscribe: (run) => { const s = obs$.subscribe(run); return () => s.unsubscribe(); } });

/** What svelte's `get(store)` does: subscribe, read the synchronous first value, unsubscribe. */
function get<T>(store: { subscribe(run: (value: T) => void): (() => void) | { unsubscribe(): void } }): T {
  let value: T | undefined;
  let called = false;
  const unsub = store.subscribe((v) => {
    value = v;
    called = true;
  });
  if (!called) throw new Error('the store did not call its subscriber synchronously');
  if (typeof unsub === 'function') unsub();
  else unsub.unsubscribe();
  return value as T;
}

/** A useSyncExternalStore source: `subscribe(onStoreChange)` and a `getSnapshot()` stable between changes. */
function createExternalStore<T>(obs$: Observable<T>): { subscribe(onStoreChange: () => void): () => void; getSnapshot(): T; dispose(): void } {
  let snapshot!: T;
  const listeners = new Set<() => void>();
  const subscription = obs$.subscribe((value) => {
    snapshot = value;
    listeners.forEach((listener) => listener());
  });
  return {
    subscribe(onStoreChange) {
      listeners.add(onStoreChange);
      return () => listeners.delete(onStoreChange);
    },
    getSnapshot: () => snapshot,
    dispose: () => subscription.unsubscribe(),
  };
}

// ------------------------------------------------------------------ the basic contract

describe('the observable contract', () => {
  it('state$ emits the current value synchronously on subscribe, as a plain deep-frozen object', async () => {
    rig = await facadeRig(['1001', '1002']);
    const [a, b] = rig.phones;
    const { caller } = await establish(rig, a, b);
    let first: CallState | null = null;
    caller.state$.subscribe((s) => (first ??= s)).unsubscribe();
    expect(first).toEqual(caller.state);
    expect(Object.getPrototypeOf(first)).toBe(Object.prototype);
    expect(isDeepFrozen(first)).toBe(true);
    expect(structuredClone(first)).toEqual(first); // plain data, nothing live inside
    let phone: PhoneState | null = null;
    a.phone.state$.subscribe((s) => (phone = s)).unsubscribe();
    expect(phone).toEqual(a.phone.state);
    expect(isDeepFrozen(phone)).toBe(true);
    const status = watch(caller.status$);
    expect(status.values).toEqual([caller.status]);
    expect(Object.isFrozen(status.values[0])).toBe(true);
  });

  it('an emitted value cannot be used to change the call (no aliasing of the actor context)', async () => {
    rig = await facadeRig(['1001', '1002']);
    const [a, b] = rig.phones;
    const { caller } = await establish(rig, a, b);
    const answeredAt = caller.state.times.answeredAt;
    const emitted = caller.state as unknown as { times: { answeredAt: number }; remote: { number: string } };
    try {
      emitted.times.answeredAt = 0;
    } catch {
      // a frozen object refuses the write: that is the point
    }
    try {
      emitted.remote.number = 'tampered';
    } catch {
      // idem
    }
    expect(caller.state.times.answeredAt).toBe(answeredAt);
    expect(caller.status.number).toBe('1002');
  });

  it('emits only on change: commands that change nothing emit nothing; no two consecutive values are equal', async () => {
    rig = await facadeRig(['1001', '1002']);
    const [a, b] = rig.phones;
    const { caller, callId } = await establish(rig, a, b);
    const state = watch(caller.state$);
    const phone = watch(a.phone.state$);
    const sessions = watch(a.phone.sessions$);
    caller.dtmf('123');
    caller.info('text/plain', 'ping');
    a.phone.setCurrentSession(callId); // already current
    caller.hold(); // refused? no: accepted, so it changes
    await rig.settle();
    caller.unhold();
    await rig.settle();
    expect(state.values.map((s) => s.hold)).toEqual(['active', 'holding', 'held', 'resuming', 'active']);
    for (let i = 1; i < state.values.length; i++) expect(state.values[i]).not.toEqual(state.values[i - 1]);
    expect(phone.values).toHaveLength(1);
    expect(sessions.values).toHaveLength(1);
    const refusedOnly = watch(caller.state$);
    expect(caller.unhold()).toBe(false); // a refusal changes nothing
    expect(refusedOnly.values).toHaveLength(1);
  });

  it("a session's state$, status$ and timer$ complete after the call ends; a late subscriber gets the final value and completion", async () => {
    rig = await facadeRig(['1001', '1002']);
    const [a, b] = rig.phones;
    const { caller } = await establish(rig, a, b);
    const state = watch(caller.state$);
    const status = watch(caller.status$);
    const timer = watch(caller.timer$);
    caller.hangup();
    await rig.settle();
    expect(state.values[state.values.length - 1].phase).toBe('ended');
    expect(state.done()).toBe(true);
    expect(status.done()).toBe(true);
    expect(timer.done()).toBe(true);
    const late = watch(caller.state$);
    expect(late.values.map((s) => s.phase)).toEqual(['ended']);
    expect(late.done()).toBe(true);
  });

  it("the phone's state$, sessions$, incoming$ and events$ complete on destroy()", async () => {
    rig = await facadeRig(['1001']);
    const { phone } = rig.phones[0];
    const streams = [watch(phone.state$), watch(phone.sessions$), watch(phone.incoming$), watch(phone.events$)];
    phone.destroy();
    expect(streams.map((s) => s.done())).toEqual([true, true, true, true]);
  });

  it('sessions$ and incoming$ follow the call list', async () => {
    rig = await facadeRig(['1001', '1002']);
    const [a, b] = rig.phones;
    const sessions = watch(b.phone.sessions$);
    const incoming = watch(b.phone.incoming$);
    const callId = (await a.phone.call('1002')).callId!;
    await rig.settle();
    await b.phone.answer(callId);
    await rig.settle();
    a.phone.hangup(callId);
    await rig.settle();
    expect(sessions.values.map((list) => list.map((s) => s.callId))).toEqual([[], [callId], []]);
    expect(incoming.values.map((list) => list.map((s) => s.callId))).toEqual([[], [callId], []]);
  });
});

// ------------------------------------------------------------------ Svelte

describe('as a Svelte store', () => {
  it('toStore(state$) keeps the contract: synchronous current value, an unsubscriber, nothing after unsubscribing', async () => {
    rig = await facadeRig(['1001', '1002']);
    const [a, b] = rig.phones;
    const { caller } = await establish(rig, a, b);
    const store = toStore(caller.state$);
    const seen: string[] = [];
    const unsubscribe = store.subscribe((s) => seen.push(`${s.phase}/${s.hold}`));
    expect(seen).toEqual(['confirmed/active']); // synchronously
    expect(typeof unsubscribe).toBe('function');
    caller.hold();
    await rig.settle();
    expect(seen).toEqual(['confirmed/active', 'confirmed/holding', 'confirmed/held']);
    unsubscribe();
    caller.unhold();
    await rig.settle();
    expect(seen).toHaveLength(3);
    expect(get(store).hold).toBe('active');
  });

  it('the raw observables already satisfy Svelte ($store accepts { unsubscribe() } as well as a function)', async () => {
    rig = await facadeRig(['1001']);
    const { phone } = rig.phones[0];
    expect(get(phone.state$).isRegistered).toBe(true);
    expect(get(toStore(phone.state$))).toEqual(phone.state);
  });
});

// ------------------------------------------------------------------ React

describe('as a useSyncExternalStore source', () => {
  it('getSnapshot changes exactly when the state changes and is referentially stable otherwise', async () => {
    rig = await facadeRig(['1001', '1002']);
    const [a, b] = rig.phones;
    const callId = (await a.phone.call('1002')).callId!;
    const caller = a.phone.getSession(callId)!;
    const store = createExternalStore(caller.state$);
    let notified = 0;
    const unsubscribe = store.subscribe(() => (notified += 1));

    const snapshots: CallState[] = [store.getSnapshot()];
    const notifications: number[] = [0];
    const step = async (act: () => unknown) => {
      act();
      await rig!.settle();
      const before = snapshots[snapshots.length - 1];
      const now = store.getSnapshot();
      expect(store.getSnapshot()).toBe(now); // stable between two reads
      if (now === before) expect(notified).toBe(notifications[notifications.length - 1]);
      else expect(now).not.toEqual(before); // a new reference only for a new value
      expect(now).toEqual(caller.state); // and it is the current one
      snapshots.push(now);
      notifications.push(notified);
    };

    await step(() => undefined); // dialing → ringing
    await step(() => b.phone.answer(callId)); // → confirmed
    await step(() => caller.dtmf('5')); // no change
    await step(() => caller.info('text/plain', 'x')); // no change
    await step(() => caller.hold());
    await step(() => caller.mute());
    await step(() => caller.mute()); // refused: no change
    await step(() => caller.hangup());

    const distinct = new Set(snapshots);
    expect(snapshots[2]).toBe(snapshots[3]); // dtmf changed nothing
    expect(snapshots[3]).toBe(snapshots[4]); // info changed nothing
    expect(snapshots[6]).toBe(snapshots[7]); // a refused mute changed nothing
    expect(snapshots[snapshots.length - 1].phase).toBe('ended');
    expect(notified).toBeGreaterThanOrEqual(distinct.size - 1);
    unsubscribe();
    store.dispose();
  });
});

// ------------------------------------------------------------------ timers and reports

describe('timer$ and report$ under Jest fake timers', () => {
  it('timer$ ticks every second while the call runs', async () => {
    jest.useFakeTimers({ now: 1_700_000_000_000 });
    rig = await facadeRig(['1001', '1002']);
    const [a, b] = rig.phones;
    const { caller } = await establish(rig, a, b);
    const timer = watch(caller.timer$);
    await jest.advanceTimersByTimeAsync(3000);
    expect(timer.values.map((t) => t.callDuration)).toEqual([0, 1, 2, 3]);
    caller.hold();
    await rig.settle();
    await jest.advanceTimersByTimeAsync(2000);
    const last = timer.values[timer.values.length - 1];
    expect(last).toMatchObject({ callDuration: 5, holdDuration: 2 });
    expect(caller.timer).toEqual(last);
    expect(Object.isFrozen(last)).toBe(true);
  });

  it('report$ every 3 s while confirmed: first MOS null, second not; completes when the call ends', async () => {
    jest.useFakeTimers({ now: 1_700_000_000_000 });
    rig = await facadeRig(['1001', '1002'], { qualityReports: true });
    const [a, b] = rig.phones;
    const { caller } = await establish(rig, a, b);
    const reports = watch(caller.report$);
    await jest.advanceTimersByTimeAsync(9000);
    expect(reports.values.map((r) => r.at - 1_700_000_000_000)).toEqual([3000, 6000, 9000]);
    expect(reports.values[0].mos).toBeNull();
    expect(reports.values[1].mos).not.toBeNull();
    expect(reports.values[1].mos!).toBeGreaterThan(4);
    expect(reports.values[1].packetsReceived).toBe(150);
    expect(isDeepFrozen(reports.values[1])).toBe(true);
    caller.hangup();
    await rig.settle();
    expect(reports.done()).toBe(true);
  });

  it('reportIntervalMs configures the period', async () => {
    jest.useFakeTimers({ now: 1_700_000_000_000 });
    rig = await facadeRig(['1001', '1002'], { qualityReports: true, reportIntervalMs: 1000 });
    const [a, b] = rig.phones;
    const { caller } = await establish(rig, a, b);
    const reports = watch(caller.report$);
    await jest.advanceTimersByTimeAsync(3000);
    expect(reports.values.map((r) => r.at - 1_700_000_000_000)).toEqual([1000, 2000, 3000]);
  });
});

/** Runs a virtual-time scheduler up to `ms` later, one due action at a time, letting promises settle in between. */
async function advanceVirtual(scheduler: VirtualTimeScheduler, ms: number, onTick?: (frame: number) => void): Promise<void> {
  const target = scheduler.frame + ms;
  for (;;) {
    const next = scheduler.actions[0];
    if (next === undefined || next.delay > target) break;
    scheduler.maxFrames = next.delay;
    onTick?.(next.delay);
    scheduler.flush();
    for (let i = 0; i < 20; i++) await Promise.resolve();
  }
  scheduler.frame = target;
  scheduler.maxFrames = Number.POSITIVE_INFINITY;
}

describe('timer$ and report$ on an injected virtual-time scheduler', () => {
  it('reports every reportIntervalMs of virtual time, stamped by the scheduler; first MOS null, second not', async () => {
    // The memory network's synthetic getStats() counts packets by Date.now(), so the fake clock is
    // moved along with the virtual one; the reports themselves run on the scheduler alone.
    const T0 = 1_700_000_000_000;
    jest.useFakeTimers({ now: T0 });
    const scheduler = new VirtualTimeScheduler();
    rig = await facadeRig(['1001', '1002'], { qualityReports: true, scheduler });
    const [a, b] = rig.phones;
    const { caller } = await establish(rig, a, b);
    const reports: CallQualityReport[] = [];
    caller.on('callReport', ({ callReport }) => reports.push(callReport));
    const sync = (frame: number) => jest.setSystemTime(T0 + frame);
    await advanceVirtual(scheduler, 2999, sync);
    expect(reports).toEqual([]);
    await advanceVirtual(scheduler, 1, sync);
    await advanceVirtual(scheduler, 6000, sync);
    expect(reports.map((r) => r.at)).toEqual([3000, 6000, 9000]);
    expect(reports[0].mos).toBeNull();
    expect(reports[1].mos).not.toBeNull();
    expect(caller.callReport).toBe(reports[2]);
  });

  it('timer$ and timer measure durations by the scheduler clock', async () => {
    const scheduler = new VirtualTimeScheduler();
    rig = await facadeRig(['1001', '1002'], { scheduler });
    const [a, b] = rig.phones;
    const { caller } = await establish(rig, a, b);
    const timer = watch(caller.timer$);
    await advanceVirtual(scheduler, 5000);
    const expected: Partial<CallTimer> = { callDuration: 5 };
    expect(timer.values[timer.values.length - 1]).toMatchObject(expected);
    expect(caller.timer).toMatchObject(expected);
    expect(caller.getElapsedTimeInSeconds()).toBe(5);
  });
});
