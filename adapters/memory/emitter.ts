import type { Unsubscribe } from '../../machines/port';

/**
 * An event emitter that follows the port's buffering rule: events emitted before the first
 * subscriber are kept and replayed to that subscriber; later events go to whoever is listening.
 *
 * A listener that throws does not stop the others; the error goes to `onListenerError`.
 */
export class BufferedEmitter<E> {
  private listeners: Array<(event: E) => void> = [];
  /** Events waiting for the first subscriber; `null` once someone subscribed. */
  private buffer: E[] | null = [];
  /** While the first subscriber is being replayed to, new events join the end of the replay. */
  private replay: E[] | null = null;
  private disposed = false;

  /** @param onListenerError receives whatever a listener throws. */
  constructor(private readonly onListenerError: (error: unknown) => void) {}

  /** Deliver an event now, or buffer it when nobody has subscribed yet. */
  emit(event: E): void {
    if (this.disposed) return;
    if (this.buffer !== null) {
      this.buffer.push(event);
      return;
    }
    if (this.replay !== null) {
      this.replay.push(event);
      return;
    }
    for (const listener of [...this.listeners]) this.call(listener, event);
  }

  /** Add a listener; the first one also receives the buffered events, synchronously. */
  subscribe(listener: (event: E) => void): Unsubscribe {
    if (this.disposed) return () => undefined;
    this.listeners.push(listener);
    const buffered = this.buffer;
    this.buffer = null;
    if (buffered !== null && buffered.length > 0) {
      this.replay = buffered;
      for (let i = 0; i < this.replay.length; i++) this.call(listener, this.replay[i]);
      this.replay = null;
    }
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  /** Drop every listener and buffered event; later emits are ignored. */
  dispose(): void {
    this.disposed = true;
    this.listeners = [];
    this.buffer = null;
    this.replay = null;
  }

  private call(listener: (event: E) => void, event: E): void {
    try {
      listener(event);
    } catch (error) {
      this.onListenerError(error);
    }
  }
}
