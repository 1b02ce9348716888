import equal from 'fast-deep-equal';
import { Observable } from 'rxjs';
import type { Subscriber } from 'rxjs';

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

/**
 * {@link observeActor} shared by all its subscribers: one subscription to the actor while anyone
 * listens, each new value compared once and delivered to every subscriber in the order they
 * subscribed. A subscriber gets the latest value on subscribe (the current one when nobody was
 * listening); once the actor has stopped, the final value and completion.
 */
export function observeActorShared<TSnapshot, T>(actor: Observed<TSnapshot>, select: (snapshot: TSnapshot) => T): Observable<T> {
  const subscribers = new Set<Subscriber<T>>();
  let connection: { unsubscribe(): void } | null = null;
  let last: T;
  const end = (notify: (subscriber: Subscriber<T>) => void): void => {
    connection = null;
    const all = [...subscribers];
    subscribers.clear();
    all.forEach(notify);
  };
  return new Observable<T>((subscriber) => {
    if (connection === null) last = select(actor.getSnapshot());
    subscribers.add(subscriber);
    subscriber.next(last);
    if (connection === null && !subscriber.closed) {
      // On a stopped actor this completes everyone at once; the teardown below then lets go of it.
      connection = actor.subscribe({
        next: (snapshot) => {
          const value = select(snapshot);
          if (equal(value, last)) return;
          last = value;
          [...subscribers].forEach((each) => each.next(value));
        },
        error: (error) => end((each) => each.error(error)),
        complete: () => end((each) => each.complete()),
      });
    }
    return () => {
      subscribers.delete(subscriber);
      if (subscribers.size === 0 && connection !== null) {
        connection.unsubscribe();
        connection = null;
      }
    };
  });
}
