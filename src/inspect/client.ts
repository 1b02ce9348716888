import { REDACTING, type RedactingInspector } from '../redacting-inspector';
import { serializeInspectionEvent } from './serialize';
import type { SerializeOptions, SerializedInspectionEvent } from './serialize';

/** The part of a WebSocket the client uses (the browser's, or the `ws` package's in Node). */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(): void;
  onopen: ((event: unknown) => void) | null;
  onclose: ((event: unknown) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

export type WebSocketConstructor = new (url: string) => WebSocketLike;

/** Options of {@link createRelayInspector}. */
export interface RelayInspectorOptions extends SerializeOptions {
  /** The relay's WebSocket address, as `startInspector()` prints it. Default `ws://127.0.0.1:4242/relay`. */
  readonly url?: string;
  /**
   * The WebSocket implementation. Default: the global one (browsers, Node 22+); in Node, the
   * `callstate/inspect` entry falls back to the `ws` package, loaded on first use (Node 20).
   */
  readonly WebSocket?: WebSocketConstructor;
  /** Messages kept while the relay is not connected; the oldest go first. Default 10000. */
  readonly maxBuffered?: number;
  /** Milliseconds between reconnection attempts. Default 1000. */
  readonly retryMs?: number;
}

/** An inspector that sends redacted, serialized inspection events to the local relay. */
export interface RelayInspector {
  /** Pass this as `createPhone({ inspect })` (or to `createActor(machine, { inspect })`). */
  readonly inspect: RedactingInspector;
  /** True while connected to the relay. */
  readonly connected: boolean;
  /** Resolves once connected and everything so far has been handed to the socket. */
  flush(): Promise<void>;
  /** Close the connection and stop reconnecting. */
  close(): void;
}

export const DEFAULT_RELAY_URL = 'ws://127.0.0.1:4242/relay';

async function globalWebSocket(): Promise<WebSocketConstructor> {
  const global = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (!global) throw new Error('callstate/inspect: no WebSocket here; pass the `WebSocket` option');
  return global;
}

/**
 * An inspector that sends every inspection event, redacted and serialized
 * ({@link serializeInspectionEvent}), to the offline inspector's relay. It works in Node and in the
 * browser. Events are buffered until the relay answers, and again while it is away.
 *
 * ```ts
 * const inspector = createRelayInspector({ url: 'ws://127.0.0.1:4242/relay', label: 'alice' });
 * const phone = createPhone({ userAgent, inspect: inspector.inspect });
 * ```
 */
export function createRelayInspector(options: RelayInspectorOptions = {}): RelayInspector {
  return createRelayInspectorWith(options, globalWebSocket);
}

/** @internal {@link createRelayInspector} with the WebSocket to use when `options.WebSocket` is not given. */
export function createRelayInspectorWith(options: RelayInspectorOptions, defaultWebSocket: () => Promise<WebSocketConstructor>): RelayInspector {
  const url = options.url ?? DEFAULT_RELAY_URL;
  const maxBuffered = options.maxBuffered ?? 10_000;
  const retryMs = options.retryMs ?? 1000;
  const buffer: string[] = [];
  let socket: WebSocketLike | null = null;
  let open = false;
  let closed = false;
  let retry: ReturnType<typeof setTimeout> | null = null;
  const waiters: Array<() => void> = [];

  const drain = () => {
    if (!open || !socket) return;
    while (buffer.length > 0) socket.send(buffer.shift() as string);
    for (const resolve of waiters.splice(0)) resolve();
  };

  const connect = async () => {
    if (closed) return;
    const Ctor = options.WebSocket ?? (await defaultWebSocket());
    if (closed) return;
    const ws = new Ctor(url);
    socket = ws;
    ws.onopen = () => {
      open = true;
      drain();
    };
    ws.onerror = () => undefined;
    ws.onclose = () => {
      open = false;
      if (socket === ws) socket = null;
      if (!closed) retry = setTimeout(() => void connect(), retryMs);
    };
  };
  void connect();

  const send = (message: SerializedInspectionEvent) => {
    if (closed) return;
    buffer.push(JSON.stringify(message));
    if (buffer.length > maxBuffered) buffer.shift();
    drain();
  };

  return {
    inspect: {
      [REDACTING]: true,
      next: (event) => {
        const message = serializeInspectionEvent(event, options);
        if (message) send(message);
      },
    },
    get connected() {
      return open;
    },
    flush: () =>
      new Promise<void>((resolve) => {
        waiters.push(resolve);
        drain();
      }),
    close: () => {
      closed = true;
      if (retry) clearTimeout(retry);
      socket?.close();
      socket = null;
      open = false;
      buffer.length = 0;
      for (const resolve of waiters.splice(0)) resolve();
    },
  };
}
