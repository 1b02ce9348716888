/**
 * The call timer: how long a call has been dialling, ringing, talking and on hold, computed from the
 * timestamps of its phases rather than by counting ticks, so a throttled background tab shows the
 * right values as soon as it runs again.
 *
 * @packageDocumentation
 */
import { asyncScheduler, interval, Observable, type SchedulerLike, type Subscription } from 'rxjs';

/**
 * When a call entered each phase, in epoch ms by the same clock as the timer's scheduler; `null` for a
 * phase it has not reached. The Session derives it from the call machine's snapshot.
 */
export interface TimerPhases {
  /** Our INVITE went out (outgoing calls only; `null` for incoming calls). */
  readonly dialingSince: number | null;
  /**
   * The call started ringing: a 180/183 for an outgoing call. For an incoming call the Session chooses:
   * `null` leaves incoming ringing untimed (as the seed SDK does), the INVITE's arrival times it.
   */
  readonly ringingSince: number | null;
  /** The call was answered and media can flow. */
  readonly confirmedSince: number | null;
  /** The call ended (answered or not). Durations stop growing here. */
  readonly endedAt: number | null;
  /** The current hold started; `null` while not on hold. */
  readonly heldSince: number | null;
  /** Total length of the holds that already ended, in ms. */
  readonly heldTotalMs: number;
}

/** The phases of a call that has not started. */
export const NO_TIMER_PHASES: TimerPhases = Object.freeze({
  dialingSince: null,
  ringingSince: null,
  confirmedSince: null,
  endedAt: null,
  heldSince: null,
  heldTotalMs: 0,
});

/** Call durations in whole seconds (rounded down), under the seed SDK's `TimerType` names. */
export interface CallTimer {
  /** Seconds spent ringing, until the answer or the end. */
  readonly ringDuration: number;
  /** Seconds spent dialling (INVITE sent, no ringing yet), until ringing, the answer or the end. */
  readonly callingDuration: number;
  /** Seconds since the answer, until the end. Holds are included. */
  readonly callDuration: number;
  /** Seconds on hold in total over the call; it keeps its value after an unhold. */
  readonly holdDuration: number;
}

/** All durations at zero. */
export const ZERO_CALL_TIMER: CallTimer = Object.freeze({
  ringDuration: 0,
  callingDuration: 0,
  callDuration: 0,
  holdDuration: 0,
});

function wholeSeconds(ms: number): number {
  return ms > 0 ? Math.floor(ms / 1000) : 0;
}

/** Time from `start` to the first of `ends` that is set (else `now`), in ms; 0 when `start` is unset. */
function span(start: number | null, now: number, ...ends: (number | null)[]): number {
  if (start === null) return 0;
  const end = ends.find((value): value is number => value !== null) ?? now;
  return end - start;
}

/**
 * The durations of a call at time `now`. Pure.
 *
 * @param phases - when the call entered each phase.
 * @param now - the current time in epoch ms (same clock as `phases`).
 */
export function computeCallTimer(phases: TimerPhases, now: number): CallTimer {
  const { dialingSince, ringingSince, confirmedSince, endedAt, heldSince, heldTotalMs } = phases;
  const currentHoldMs = span(heldSince, now, endedAt);
  return Object.freeze({
    callingDuration: wholeSeconds(span(dialingSince, now, ringingSince, confirmedSince, endedAt)),
    ringDuration: wholeSeconds(span(ringingSince, now, confirmedSince, endedAt)),
    callDuration: wholeSeconds(span(confirmedSince, now, endedAt)),
    holdDuration: wholeSeconds(heldTotalMs + Math.max(0, currentHoldMs)),
  });
}

/** Whether two timer values are equal field by field. */
export function sameCallTimer(a: CallTimer, b: CallTimer): boolean {
  return (
    a.ringDuration === b.ringDuration &&
    a.callingDuration === b.callingDuration &&
    a.callDuration === b.callDuration &&
    a.holdDuration === b.holdDuration
  );
}

/** Whether some duration of the call can still grow. */
function isRunning(phases: TimerPhases): boolean {
  return (
    phases.endedAt === null &&
    (phases.dialingSince !== null ||
      phases.ringingSince !== null ||
      phases.confirmedSince !== null ||
      phases.heldSince !== null)
  );
}

/** Options of {@link callTimer$}. */
export interface CallTimerOptions {
  /** The clock (`now()`) and the ticks (`asyncScheduler` by default: `Date.now` and `setInterval`). */
  readonly scheduler?: SchedulerLike;
  /** Time between ticks while the call runs, in ms (1000). A displayed second lags by up to one tick. */
  readonly tickMs?: number;
}

/**
 * The call timer as a stream.
 *
 * Emits a frozen {@link CallTimer} when `phases$` emits and on each tick, but only when a value
 * changed. It ticks only while the call runs (some phase has started and `endedAt` is unset), so
 * after the end it emits the final value once and falls silent. It completes when `phases$`
 * completes, after a last value if time moved it, and errors when `phases$` errors.
 *
 * @param phases$ - the call's phases; typically derived from the call actor's snapshots.
 * @throws RangeError (on call) when `tickMs` is not a positive finite number.
 */
export function callTimer$(phases$: Observable<TimerPhases>, options: CallTimerOptions = {}): Observable<CallTimer> {
  const scheduler = options.scheduler ?? asyncScheduler;
  const tickMs = options.tickMs ?? 1000;
  if (!(Number.isFinite(tickMs) && tickMs > 0)) {
    throw new RangeError(`tickMs must be a positive number of milliseconds, got ${tickMs}`);
  }

  return new Observable<CallTimer>((subscriber) => {
    let phases: TimerPhases | null = null;
    let last: CallTimer | null = null;
    let ticking: Subscription | null = null;

    const emitIfChanged = (): void => {
      if (phases === null) return;
      const value = computeCallTimer(phases, scheduler.now());
      if (last !== null && sameCallTimer(last, value)) return;
      last = value;
      subscriber.next(value);
    };

    const stopTicking = (): void => {
      ticking?.unsubscribe();
      ticking = null;
    };

    const phasesSubscription = phases$.subscribe({
      next: (next) => {
        phases = next;
        emitIfChanged();
        if (!isRunning(next)) stopTicking();
        else if (ticking === null) ticking = interval(tickMs, scheduler).subscribe(emitIfChanged);
      },
      error: (error: unknown) => {
        stopTicking();
        subscriber.error(error);
      },
      complete: () => {
        stopTicking();
        emitIfChanged();
        subscriber.complete();
      },
    });

    return () => {
      stopTicking();
      phasesSubscription.unsubscribe();
    };
  });
}
