import type { Unsubscribe } from '../port';
import { guard, type AdapterLogger } from './exception-barrier';

/**
 * The port's delivery rule: events emitted before the first subscriber are kept and replayed to it;
 * afterwards every event goes to every listener, in emission order. An event emitted while listeners
 * are being called (a listener issued a command that reported synchronously) is delivered after the
 * current one, never in the middle of it.
 */
export class EventBuffer<E> {
  private readonly listeners = new Set<(event: E) => void>();
  private readonly queue: E[] = [];
  private started = false;
  private draining = false;

  constructor(private readonly logger: AdapterLogger) {}

  emit(event: E): void {
    this.queue.push(event);
    if (this.started) this.drain();
  }

  subscribe(listener: (event: E) => void): Unsubscribe {
    this.listeners.add(listener);
    if (!this.started) {
      this.started = true;
      this.drain();
    }
    return () => {
      this.listeners.delete(listener);
    };
  }

  clear(): void {
    this.listeners.clear();
    this.queue.length = 0;
  }

  private drain(): void {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        const event = this.queue.shift() as E;
        for (const listener of [...this.listeners]) {
          guard(this.logger, 'port listener', () => listener(event));
        }
      }
    } finally {
      this.draining = false;
    }
  }
}
