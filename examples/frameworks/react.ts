import { useMemo, useSyncExternalStore } from 'react';
import type { Observable } from 'rxjs';
import type { CallState, Phone, PhoneState, Session } from 'callstate';

/** A useSyncExternalStore source over an observable: getSnapshot() stays the same object until it emits. */
export function observableStore<T>(source$: Observable<T>, initial: T) {
  let value = initial;
  return {
    subscribe(onStoreChange: () => void): () => void {
      const subscription = source$.subscribe((next) => {
        value = next;
        onStoreChange();
      });
      return () => subscription.unsubscribe();
    },
    getSnapshot: (): T => value,
  };
}

export function usePhoneState(phone: Phone): PhoneState {
  const store = useMemo(() => observableStore(phone.state$, phone.state), [phone]);
  return useSyncExternalStore(store.subscribe, store.getSnapshot);
}

export function useCallState(session: Session): CallState {
  const store = useMemo(() => observableStore(session.state$, session.state), [session]);
  return useSyncExternalStore(store.subscribe, store.getSnapshot);
}

// function Status({ phone }: { phone: Phone }) {
//   const { registration, calls } = usePhoneState(phone);
//   return <p>{registration}, {calls.length} call(s)</p>;
// }
