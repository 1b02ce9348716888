import { guard, type AdapterLogger } from './exception-barrier';

/**
 * How many callbacks of the SIP stack are running right now. JsSIP emits its events in the middle of
 * handling a message: after the listeners return it still sends what the message calls for (the 200
 * to a NOTIFY, the ACK to a 2xx, the 180 to an INVITE). Anything the library does in reaction to an
 * event must come after that.
 */
let stackDepth = 0;

/** Whether JsSIP is handling a message right now (the `stackBusy` of the adapter's event buffers). */
export function stackBusy(): boolean {
  return stackDepth > 0;
}

/**
 * Run a callback the SIP stack invoked (an event listener, a response handler, a `done` callback, the
 * handling of a received message): guarded like {@link guard}, and marked as stack activity, so that
 * port events emitted meanwhile are delivered once the stack is done (see adapters/event-buffer.ts).
 */
export function stackCallback<R>(logger: AdapterLogger, where: string, fn: () => R): R | undefined {
  stackDepth += 1;
  try {
    return guard(logger, where, fn);
  } finally {
    stackDepth -= 1;
  }
}
