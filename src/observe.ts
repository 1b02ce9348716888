import equal from 'fast-deep-equal';
import { Observable } from 'rxjs';

/** The part of an actor an observable needs. */
export interface Observed<TSnapshot> {
  getSnapshot(): TSnapshot;
  subscribe(observer: { next: (snapshot: TSnapshot) => void; error: (error: unknown) => void; complete: () => void }): {
    unsubscribe(): void;
  };
}

/**
 * A view of an actor as an observable: emits the current value on subscribe, then each new value
 * that differs structurally from the last, and completes when the actor stops.
 */
export function observeActor<TSnapshot, T>(actor: Observed<TSnapshot>, select: (snapshot: TSnapshot) => T): Observable<T> {
  return new Observable<T>((subscriber) => {
    let last = select(actor.getSnapshot());
    subscriber.next(last);
    const subscription = actor.subscribe({
      next: (snapshot) => {
        const value = select(snapshot);
        if (equal(value, last)) return;
        last = value;
        subscriber.next(value);
      },
      error: (error) => subscriber.error(error),
      complete: () => subscriber.complete(),
    });
    return () => subscription.unsubscribe();
  });
}
