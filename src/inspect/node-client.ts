import { createRelayInspectorWith } from './client';
import type { RelayInspector, RelayInspectorOptions, WebSocketConstructor } from './client';

/** The global WebSocket when there is one (Node 22+), else the `ws` package (an optional peer). */
async function nodeWebSocket(): Promise<WebSocketConstructor> {
  const global = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (global) return global;
  const ws = (await import('ws')) as unknown as { WebSocket?: WebSocketConstructor; default?: WebSocketConstructor };
  const ctor = ws.WebSocket ?? ws.default;
  if (!ctor) throw new Error('callstate/inspect: the ws package has no WebSocket export');
  return ctor;
}

/**
 * An inspector that sends every inspection event, redacted and serialized, to the offline
 * inspector's relay (see the browser build's `createRelayInspector`); in Node 20 it connects with
 * the `ws` package.
 */
export function createRelayInspector(options: RelayInspectorOptions = {}): RelayInspector {
  return createRelayInspectorWith(options, nodeWebSocket);
}
