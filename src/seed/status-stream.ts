import equal from 'fast-deep-equal';
import { concat, distinctUntilChanged, map, of, switchMap, takeLast, takeUntil } from 'rxjs';
import type { Observable } from 'rxjs';
import type { CallState } from '../../machines/call.connect';
import { callStatusFrom } from './call-status';
import type { CallStatus } from './call-status';

/**
 * A call's state paired with the state of the call it is the consultation leg of (or `null`): the
 * inputs of its status. The parent's state follows the parent's own stream and turns `null` when
 * that call goes, so a status derived from the pair never names a parent that is gone. Completes
 * with `state$`.
 *
 * @param state$ - the call's state; must replay its latest value to a new subscriber.
 * @param parentState$ - the state stream of a call by id, or `null` when there is no such call.
 */
export function statusWithParent$(
  state$: Observable<CallState>,
  parentState$: (callId: string) => Observable<CallState> | null,
): Observable<readonly [CallState, CallState | null]> {
  return state$.pipe(
    switchMap((state) => {
      const parent$ = state.consultationFor === null ? null : parentState$(state.consultationFor);
      if (parent$ === null) return of([state, null] as const);
      return concat(parent$, of(null)).pipe(map((parent) => [state, parent] as const));
    }),
    takeUntil(state$.pipe(takeLast(1))),
  );
}

/** The seed's call status of a call, on subscribe and on every change (see {@link statusWithParent$}). */
export function callStatus$(
  state$: Observable<CallState>,
  parentState$: (callId: string) => Observable<CallState> | null,
): Observable<CallStatus> {
  return statusWithParent$(state$, parentState$).pipe(
    map(([state, parent]) => callStatusFrom(state, parent)),
    distinctUntilChanged(equal),
  );
}
