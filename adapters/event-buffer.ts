import type { Unsubscribe } from '../machines/port';

/** What a buffer needs from its adapter. */
export interface EventBufferOptions {
  /** Receives whatever a listener throws; the other listeners still get the event. */
  readonly onListenerError: (error: unknown) => void;
  /**
   * Whether the stack is in the middle of handling a message right now. An event emitted then waits
   * for a microtask, so that what a listener does in reaction goes out after what the stack still
   * sends for that message. A stack that never reports from inside its own handling leaves it out.
   */
  readonly stackBusy?: () => boolean;
}

/**
 * The delivery rule of every port, call and user agent alike, in every adapter:
 * - events emitted before the first subscriber are kept and replayed to it, in order;
 * - afterwards every event goes to every listener, in emission order;
 * - an event emitted while listeners are being called is delivered after the current one, never in
 *   the middle of it;
 * - an event emitted while the stack is handling a message ({@link EventBufferOptions.stackBusy}) is
 *   delivered once the stack is done (on a microtask), after any events still waiting;
 * - once disposed, nothing more is kept or delivered.
 */
export class EventBuffer<E> {
  private readonly listeners = new Set<(event: E) => void>();
  private readonly queue: E[] = [];
  private started = false;
  private draining = false;
  private scheduled = false;
  private disposed = false;

  constructor(private readonly options: EventBufferOptions) {}

  /** Report an event (kept until the first subscriber). */
  emit(event: E): void {
    if (this.disposed) return;
    this.queue.push(event);
    if (this.started) this.deliver();
  }

  /** Add a listener; the first one also receives what was kept. */
  subscribe(listener: (event: E) => void): Unsubscribe {
    if (this.disposed) return () => undefined;
    this.listeners.add(listener);
    if (!this.started) {
      this.started = true;
      this.deliver();
    }
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Run `fn` once the events emitted so far have been delivered (at the earliest on a microtask). */
  afterDelivery(fn: () => void): void {
    queueMicrotask(() => {
      this.drain();
      fn();
    });
  }

  /** Drop every listener and kept event; later events are ignored. */
  dispose(): void {
    this.disposed = true;
    this.listeners.clear();
    this.queue.length = 0;
  }

  private deliver(): void {
    if (this.options.stackBusy?.()) this.schedule();
    else this.drain();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      this.drain();
    });
  }

  private drain(): void {
    if (this.draining || !this.started) return;
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        const event = this.queue.shift() as E;
        // The listeners as they were when the event came up: one added meanwhile hears the next event.
        if (this.listeners.size === 1) this.call(this.listeners.values().next().value as (event: E) => void, event);
        else for (const listener of [...this.listeners]) this.call(listener, event);
      }
    } finally {
      this.draining = false;
    }
  }

  private call(listener: (event: E) => void, event: E): void {
    try {
      listener(event);
    } catch (error) {
      this.options.onListenerError(error);
    }
  }
}
