import { BehaviorSubject, Subject, VirtualTimeScheduler } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import {
  NO_TIMER_PHASES,
  ZERO_CALL_TIMER,
  callTimer$,
  computeCallTimer,
  type CallTimer,
  type TimerPhases,
} from '../../src/timer';

function phases(overrides: Partial<TimerPhases>): TimerPhases {
  return { ...NO_TIMER_PHASES, ...overrides };
}

function timer(ringDuration: number, callingDuration: number, callDuration: number, holdDuration: number): CallTimer {
  return { ringDuration, callingDuration, callDuration, holdDuration };
}

describe('computeCallTimer', () => {
  it('is all zeros before the call starts', () => {
    expect(computeCallTimer(NO_TIMER_PHASES, 123_456)).toEqual(ZERO_CALL_TIMER);
  });

  it('times dialling until ringing, ringing until the answer, and the call since the answer', () => {
    const dialing = phases({ dialingSince: 1_000 });
    const ringing = { ...dialing, ringingSince: 3_500 };
    const p = { ...ringing, confirmedSince: 11_400 };
    expect(computeCallTimer(dialing, 3_400)).toEqual(timer(0, 2, 0, 0));
    expect(computeCallTimer(ringing, 11_000)).toEqual(timer(7, 2, 0, 0));
    expect(computeCallTimer(p, 11_000)).toEqual(timer(7, 2, 0, 0));
    expect(computeCallTimer(p, 71_399)).toEqual(timer(7, 2, 59, 0));
    expect(computeCallTimer(p, 71_400)).toEqual(timer(7, 2, 60, 0));
  });

  it('stops dialling at the answer when the call never rang', () => {
    expect(computeCallTimer(phases({ dialingSince: 0, confirmedSince: 4_200 }), 10_000)).toEqual(timer(0, 4, 5, 0));
  });

  it('times an incoming call from its ringing', () => {
    expect(computeCallTimer(phases({ ringingSince: 0, confirmedSince: 12_000 }), 20_000)).toEqual(timer(12, 0, 8, 0));
  });

  it('adds the current hold to the holds that already ended', () => {
    const p = phases({ confirmedSince: 0, heldTotalMs: 4_600 });
    expect(computeCallTimer(p, 30_000).holdDuration).toBe(4);
    expect(computeCallTimer({ ...p, heldSince: 28_000 }, 30_500).holdDuration).toBe(7);
  });

  it('freezes every duration at the end', () => {
    const p = phases({ dialingSince: 0, ringingSince: 2_000, confirmedSince: 5_000, heldSince: 20_000, heldTotalMs: 3_000, endedAt: 26_000 });
    const atEnd = computeCallTimer(p, 26_000);
    expect(atEnd).toEqual(timer(3, 2, 21, 9));
    expect(computeCallTimer(p, 90_000_000)).toEqual(atEnd);
  });

  it('stops a call that was never answered at its end', () => {
    const p = phases({ dialingSince: 0, ringingSince: 1_000, endedAt: 31_000 });
    expect(computeCallTimer(p, 50_000)).toEqual(timer(30, 1, 0, 0));
  });

  it('never goes negative when the clock is behind a timestamp', () => {
    expect(computeCallTimer(phases({ confirmedSince: 10_000, heldSince: 10_000 }), 9_000)).toEqual(ZERO_CALL_TIMER);
  });

  it('returns frozen values', () => {
    expect(Object.isFrozen(computeCallTimer(NO_TIMER_PHASES, 0))).toBe(true);
  });
});

describe('callTimer$', () => {
  /** Run a scripted call on virtual time; return what the timer emitted, with the time of each emission. */
  function script(
    steps: ReadonlyArray<[at: number, next: Partial<TimerPhases> | 'complete']>,
    tickMs?: number,
  ): {
    emitted: Array<[number, CallTimer]>;
    completedAt: number | null;
  } {
    const scheduler = new VirtualTimeScheduler();
    const phases$ = new Subject<TimerPhases>();
    const emitted: Array<[number, CallTimer]> = [];
    let completedAt: number | null = null;
    callTimer$(phases$, { scheduler, tickMs }).subscribe({
      next: (value) => emitted.push([scheduler.now(), value]),
      complete: () => (completedAt = scheduler.now()),
    });
    let current = NO_TIMER_PHASES;
    for (const [at, next] of steps) {
      scheduler.schedule(() => {
        if (next === 'complete') phases$.complete();
        else phases$.next((current = { ...current, ...next }));
      }, at);
    }
    scheduler.flush();
    return { emitted, completedAt };
  }

  it('emits on phase changes and ticks, only when a value changed, and completes after the end', () => {
    const { emitted, completedAt } = script([
      [0, { dialingSince: 0 }],
      [1_500, { ringingSince: 1_500 }],
      [3_200, { confirmedSince: 3_200 }],
      [5_500, { heldSince: 5_500 }],
      [7_500, { heldSince: null, heldTotalMs: 2_000 }],
      [9_300, { endedAt: 9_300 }],
      [12_000, 'complete'],
    ]);
    expect(emitted).toEqual([
      [0, timer(0, 0, 0, 0)],
      [1_000, timer(0, 1, 0, 0)],
      // 1_500 ringing starts: nothing visible changed; 2_000: still 0 s of ringing
      [3_000, timer(1, 1, 0, 0)],
      // 3_200 answered: ringing stays 1 s, call 0 s; 4_000: call 0.8 s
      [5_000, timer(1, 1, 1, 0)],
      // the hold starts between ticks and shows the call's second that had not been ticked yet
      [5_500, timer(1, 1, 2, 0)],
      // 6_000: call 2.8 s, hold 0.5 s
      [7_000, timer(1, 1, 3, 1)],
      [7_500, timer(1, 1, 4, 2)],
      [9_000, timer(1, 1, 5, 2)],
      [9_300, timer(1, 1, 6, 2)],
    ]);
    expect(completedAt).toBe(12_000);
  });

  it('keeps the hold total across holds', () => {
    const { emitted } = script([
      [0, { confirmedSince: 0 }],
      [1_000, { heldSince: 1_000 }],
      [4_000, { heldSince: null, heldTotalMs: 3_000 }],
      [10_000, { heldSince: 10_000 }],
      [12_000, { endedAt: 12_000, heldSince: null, heldTotalMs: 5_000 }],
      [13_000, 'complete'],
    ]);
    expect(emitted.map(([at, value]) => [at, value.holdDuration])).toEqual([
      [0, 0],
      [1_000, 0],
      [2_000, 1],
      [3_000, 2],
      [4_000, 3],
      [5_000, 3],
      [6_000, 3],
      [7_000, 3],
      [8_000, 3],
      [9_000, 3],
      [10_000, 3],
      [11_000, 4],
      [12_000, 5],
    ]);
  });

  it('does not tick before the call starts or after it ends', () => {
    const { emitted, completedAt } = script([
      [0, {}],
      [5_000, { dialingSince: 5_000, endedAt: 7_000 }],
      [60_000, 'complete'],
    ]);
    expect(emitted).toEqual([
      [0, ZERO_CALL_TIMER],
      [5_000, timer(0, 2, 0, 0)],
    ]);
    expect(completedAt).toBe(60_000);
  });

  it('emits a last value when the phases complete mid-call and time moved it', () => {
    const { emitted, completedAt } = script(
      [
        [0, { confirmedSince: 0 }],
        [2_600, 'complete'],
      ],
      5_000,
    );
    expect(emitted).toEqual([
      [0, timer(0, 0, 0, 0)],
      [2_600, timer(0, 0, 2, 0)],
    ]);
    expect(completedAt).toBe(2_600);
  });

  it('takes a tick length', () => {
    const testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    testScheduler.run(({ cold, expectObservable }) => {
      const phases$ = cold<TimerPhases>('a', { a: phases({ confirmedSince: 0 }) });
      expectObservable(callTimer$(phases$, { tickMs: 500 }), '^ 2600ms !').toBe('a 999ms b 999ms c', {
        a: timer(0, 0, 0, 0),
        b: timer(0, 0, 1, 0),
        c: timer(0, 0, 2, 0),
      });
    });
  });

  it('passes errors through', () => {
    const phases$ = new Subject<TimerPhases>();
    const errors: unknown[] = [];
    callTimer$(phases$, { scheduler: new VirtualTimeScheduler() }).subscribe({ error: (e) => errors.push(e) });
    phases$.error(new Error('actor crashed'));
    expect(errors).toEqual([new Error('actor crashed')]);
  });

  it('rejects a tick length that is not a positive number', () => {
    expect(() => callTimer$(new Subject<TimerPhases>(), { tickMs: 0 })).toThrow(RangeError);
  });
});

describe('callTimer$ on the real clock (Jest fake timers)', () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: 1_700_000_000_000 });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('catches up after a long gap without ticks, like a throttled background tab', () => {
    const phases$ = new BehaviorSubject(phases({ confirmedSince: Date.now() }));
    const seen: number[] = [];
    const subscription = callTimer$(phases$).subscribe((value) => seen.push(value.callDuration));
    jest.advanceTimersByTime(3_000);
    expect(seen).toEqual([0, 1, 2, 3]);

    // The tab sleeps for ten minutes: the clock moves, no timer fires.
    jest.setSystemTime(Date.now() + 600_000);
    jest.advanceTimersByTime(1_000);
    expect(seen).toEqual([0, 1, 2, 3, 604]);
    subscription.unsubscribe();
  });

  it('leaves no timer behind after the end or an unsubscribe', () => {
    const phases$ = new BehaviorSubject(phases({ dialingSince: Date.now() }));
    const subscription = callTimer$(phases$).subscribe();
    expect(jest.getTimerCount()).toBe(1);
    phases$.next({ ...phases$.value, endedAt: Date.now() + 1 });
    expect(jest.getTimerCount()).toBe(0);
    phases$.next({ ...phases$.value, endedAt: null });
    expect(jest.getTimerCount()).toBe(1);
    subscription.unsubscribe();
    expect(jest.getTimerCount()).toBe(0);
  });
});
