import type { Unsubscribe } from '../../machines/port';
import { guard, type AdapterLogger } from './exception-barrier';

/**
 * How many callbacks of the SIP stack are running right now. JsSIP emits its events in the middle of
 * handling a message: after the listeners return it still sends what the message calls for (the 200
 * to a NOTIFY, the ACK to a 2xx, the 180 to an INVITE). Anything the library does in reaction to an
 * event must come after that, so port events emitted while this is non-zero are delivered later.
 */
let stackDepth = 0;

/**
 * Run a callback the SIP stack invoked (an event listener, a response handler, a `done` callback, the
 * handling of a received message): guarded like {@link guard}, and marked as stack activity for the
 * delivery rule of {@link EventBuffer}.
 */
export function stackCallback<R>(logger: AdapterLogger, where: string, fn: () => R): R | undefined {
  stackDepth += 1;
  try {
    return guard(logger, where, fn);
  } finally {
    stackDepth -= 1;
  }
}

/**
 * The port's delivery rule, for every event the JsSIP adapter reports:
 * - events emitted before the first subscriber are kept and replayed to it;
 * - afterwards every event goes to every listener, in emission order;
 * - an event emitted inside a callback of the SIP stack ({@link stackCallback}) is delivered once the
 *   stack has finished what it was doing (on a microtask), so whatever a listener does in reaction —
 *   a BYE after a transfer's final NOTIFY, a hang-up on `accepted` — goes out after the stack's own
 *   responses and requests (the 200 to that NOTIFY, the ACK), never in the middle of them;
 * - an event emitted outside the stack (a command refused at once) is delivered at once, after any
 *   events still waiting, and an event emitted while listeners are being called is delivered after
 *   the current one, never in the middle of it.
 */
export class EventBuffer<E> {
  private readonly listeners = new Set<(event: E) => void>();
  private readonly queue: E[] = [];
  private started = false;
  private draining = false;
  private scheduled = false;

  constructor(private readonly logger: AdapterLogger) {}

  emit(event: E): void {
    this.queue.push(event);
    if (!this.started) return;
    if (stackDepth > 0) this.schedule();
    else this.drain();
  }

  subscribe(listener: (event: E) => void): Unsubscribe {
    this.listeners.add(listener);
    if (!this.started) {
      this.started = true;
      if (stackDepth > 0) this.schedule();
      else this.drain();
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

  clear(): void {
    this.listeners.clear();
    this.queue.length = 0;
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
        for (const listener of [...this.listeners]) {
          guard(this.logger, 'port listener', () => listener(event));
        }
      }
    } finally {
      this.draining = false;
    }
  }
}
