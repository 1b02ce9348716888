import { derived, readable, type Readable } from 'svelte/store';
import type { Observable } from 'rxjs';
import type { Phone, Session } from 'callstate';

/**
 * The observables already keep Svelte's store contract, so `$state` works on `phone.state$` in a
 * component. For typed stores (and `derived`), wrap them:
 */
export function fromObservable<T>(source$: Observable<T>, initial: T): Readable<T> {
  return readable(initial, (set) => {
    const subscription = source$.subscribe(set);
    return () => subscription.unsubscribe();
  });
}

export function phoneStores(phone: Phone) {
  const state = fromObservable(phone.state$, phone.state);
  return { state, registered: derived(state, (s) => s.isRegistered), calls: fromObservable(phone.sessions$, phone.getSessions()) };
}

export const callDuration = (session: Session): Readable<number> =>
  derived(fromObservable(session.timer$, session.timer), (timer) => timer.callDuration);
// <p>{$registered ? 'online' : 'offline'} · {$calls.length} call(s)</p>
