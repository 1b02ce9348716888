import { onScopeDispose, shallowRef, type ShallowRef } from 'vue';
import type { Observable } from 'rxjs';
import type { Phone, PhoneState, Session } from 'callstate';

/** A ref that follows an observable while the component (or effect scope) lives. */
export function useObservable<T>(source$: Observable<T>, initial: T): Readonly<ShallowRef<T>> {
  const value = shallowRef(initial);
  const subscription = source$.subscribe((next) => {
    value.value = next;
  });
  onScopeDispose(() => subscription.unsubscribe());
  return value;
}

// In <script setup>: const state = usePhone(phone) … and in the template: {{ state.registration }}
export const usePhone = (phone: Phone): Readonly<ShallowRef<PhoneState>> => useObservable(phone.state$, phone.state);
export const useTimer = (session: Session) => useObservable(session.timer$, session.timer);
