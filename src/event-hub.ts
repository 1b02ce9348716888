import { Subject } from 'rxjs';
import type { Observable } from 'rxjs';

/** An event as it appears on an `events$` stream: its name and the arguments listeners receive. */
export interface HubEvent<M extends EventArgs, K extends keyof M = keyof M> {
  readonly name: K;
  readonly args: M[K];
}

/** Event names mapped to the argument lists their listeners receive. */
export type EventArgs = { [name: string]: readonly unknown[] };

/** The events of an {@link EventHub}, one variant per name. */
export type HubEvents<M extends EventArgs> = { [K in keyof M]: HubEvent<M, K> }[keyof M];

function reportListenerError(error: unknown): void {
  setTimeout(() => {
    throw error;
  });
}

/**
 * Named events with typed arguments, delivered to `on()` listeners and on `events$`.
 * A listener that throws never breaks the library or other listeners: its error is rethrown
 * asynchronously, where the host's error reporting sees it.
 */
export class EventHub<M extends EventArgs> {
  // Made on first use: most owners never get a listener for most events, or a subscriber.
  private listeners: Map<keyof M, Set<(...args: never[]) => void>> | null = null;
  private subject: Subject<HubEvents<M>> | null = null;
  private stream: Observable<HubEvents<M>> | null = null;
  private closed = false;

  /** Every event, in order. Completes when the owner is destroyed. */
  get events$(): Observable<HubEvents<M>> {
    if (this.stream === null) {
      this.subject = new Subject<HubEvents<M>>();
      if (this.closed) this.subject.complete();
      this.stream = this.subject.asObservable();
    }
    return this.stream;
  }

  /** Listen to one event; returns the function that stops listening. */
  on<K extends keyof M>(name: K, listener: (...args: M[K]) => void): () => void {
    const listeners = (this.listeners ??= new Map());
    let set = listeners.get(name);
    if (!set) {
      set = new Set();
      listeners.set(name, set);
    }
    const entry = listener as unknown as (...args: never[]) => void;
    set.add(entry);
    return () => {
      set.delete(entry);
    };
  }

  /** Deliver an event to its listeners and to `events$`. */
  emit<K extends keyof M>(name: K, ...args: M[K]): void {
    const set = this.listeners?.get(name);
    if (set) {
      for (const listener of [...set]) {
        try {
          (listener as unknown as (...a: M[K]) => void)(...args);
        } catch (error) {
          reportListenerError(error);
        }
      }
    }
    this.subject?.next({ name, args } as HubEvents<M>);
  }

  /** Drop every listener and complete `events$`. */
  close(): void {
    this.closed = true;
    this.listeners?.clear();
    this.subject?.complete();
  }
}
