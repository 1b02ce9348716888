import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { SERIALIZER_VERSION } from './serialize';

/** Options of {@link startInspector}. */
export interface InspectorOptions {
  /** A loopback address: `127.0.0.1` (default), another `127.x.y.z`, `::1` or `localhost`. */
  readonly host?: string;
  /** TCP port; `0` picks a free one. Default 4242. */
  readonly port?: number;
  /** Where the built page is (`index.html`, `inspector.js`, `inspector.css`). Default: found next to this module. */
  readonly pageDir?: string;
  /** More folders searched for `phone.svg` and `call.svg`, before the defaults. */
  readonly diagramsDirs?: readonly string[];
  /** Messages kept for a page that connects later. Default 20000. */
  readonly history?: number;
}

/** A running offline inspector: the page on `url`, the relay on `relayUrl`. */
export interface InspectorServer {
  /** The page, e.g. `http://127.0.0.1:4242/`. */
  readonly url: string;
  /** Where phones send inspection events, e.g. `ws://127.0.0.1:4242/relay`. */
  readonly relayUrl: string;
  /** Inspection messages received so far. */
  readonly received: number;
  /** Stop serving and close every connection. */
  close(): Promise<void>;
}

/** A message of the relay to a page: what happened before it connected. */
export interface RelayHistoryMessage {
  readonly type: '@callstate.history';
  readonly messages: readonly Record<string, unknown>[];
}

const LOOPBACK_HOST = /^(127(?:\.\d{1,3}){3}|::1|\[::1\]|localhost)$/i;

/** True for a loopback host name or address, with or without a port. */
export function isLoopbackHost(host: string | undefined): boolean {
  if (!host) return false;
  const bareIpv6 = !host.startsWith('[') && host.split(':').length > 2;
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : bareIpv6 ? host : host.replace(/:\d+$/, '');
  return LOOPBACK_HOST.test(name);
}

function isLoopbackOrigin(origin: string | undefined): boolean {
  if (origin === undefined) return true; // not a browser: a Node phone, a test
  try {
    return isLoopbackHost(new URL(origin).host);
  } catch {
    return false;
  }
}

declare const __dirname: string | undefined;

/** Folders that may hold the built page, most specific first; the first with an `index.html` wins. */
function pageDirCandidates(): string[] {
  const dirs: string[] = [];
  // The CommonJS build (dist/inspect.js), the relay's own bundle, or the sources under ts-jest.
  if (typeof __dirname === 'string') dirs.push(__dirname, join(__dirname, 'inspector'), join(__dirname, '../../visualizations/inspector/dist'));
  // The command line (dist/inspect-cli.*), whichever build runs it.
  if (process.argv[1]) dirs.push(join(dirname(process.argv[1]), 'inspector'));
  // The installed package, seen from the application's folder.
  try {
    dirs.push(join(dirname(createRequire(join(process.cwd(), 'noop.js')).resolve('callstate/package.json')), 'dist/inspector'));
  } catch {
    // not installed as a package here
  }
  dirs.push(join(process.cwd(), 'dist/inspector'), join(process.cwd(), 'visualizations/inspector/dist'));
  return dirs;
}

function defaultPageDir(): string {
  const candidates = pageDirCandidates();
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? candidates[0];
}

const FILES: Record<string, string> = {
  '/': 'index.html',
  '/index.html': 'index.html',
  '/inspector.js': 'inspector.js',
  '/inspector.css': 'inspector.css',
};
const DIAGRAMS: Record<string, string> = { '/phone.svg': 'phone.svg', '/call.svg': 'call.svg' };
const TYPES: Record<string, string> = { html: 'text/html; charset=utf-8', js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8', svg: 'image/svg+xml' };

/**
 * Start the offline inspector: an HTTP server on a loopback address that serves the inspector page
 * and the statechart diagrams, and a WebSocket relay on `/relay` that takes inspection events from
 * phones (in Node through {@link createRelayInspector}, in a browser page likewise, or from
 * `@statelyai/inspect`'s `createWebSocketInspector`) and passes them to every open page
 * (`/relay?role=viewer`), after the ones it kept. Only loopback hosts and loopback page origins are
 * served. Needs the `ws` package.
 */
export async function startInspector(options: InspectorOptions = {}): Promise<InspectorServer> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopbackHost(host)) throw new Error(`callstate/inspect: the inspector serves loopback only, not ${host}`);
  const pageDir = options.pageDir ?? defaultPageDir();
  const diagramDirs = [...(options.diagramsDirs ?? []), pageDir, join(pageDir, '../..'), join(process.cwd(), 'visualizations')];
  const historySize = options.history ?? 20_000;
  const { WebSocketServer } = (await import('ws')) as typeof import('ws');

  const history: Record<string, unknown>[] = [];
  let received = 0;
  let connections = 0;

  const serve = (request: IncomingMessage, response: ServerResponse) => {
    if (!isLoopbackHost(request.headers.host)) {
      response.writeHead(421).end('loopback only');
      return;
    }
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    const file = FILES[path] ? join(pageDir, FILES[path]) : DIAGRAMS[path] ? diagramDirs.map((dir) => join(dir, DIAGRAMS[path])).find((candidate) => existsSync(candidate)) : undefined;
    if (!file || !existsSync(file)) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end(FILES[path] ? `the inspector page is not built in ${pageDir}: run npm run build, or pass pageDir` : 'not found');
      return;
    }
    const extension = file.slice(file.lastIndexOf('.') + 1);
    response.writeHead(200, { 'content-type': TYPES[extension] ?? 'application/octet-stream', 'cache-control': 'no-store' }).end(readFileSync(file));
  };

  const server = createServer(serve);
  const wss = new WebSocketServer({ noServer: true });
  const viewers = new Set<import('ws').WebSocket>();

  server.on('upgrade', (request, socket, head) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/relay' || !isLoopbackHost(request.headers.host) || !isLoopbackOrigin(request.headers.origin)) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      connections += 1;
      const connection = `c${connections}`;
      if (url.searchParams.get('role') === 'viewer') {
        viewers.add(ws);
        ws.send(JSON.stringify({ type: '@callstate.history', messages: history } satisfies RelayHistoryMessage));
        ws.on('close', () => viewers.delete(ws));
        return;
      }
      ws.on('message', (data) => {
        const message = normalize(String(data), connection);
        if (!message) return;
        received += 1;
        history.push(message);
        if (history.length > historySize) history.shift();
        const text = JSON.stringify(message);
        for (const viewer of viewers) viewer.send(text);
      });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 4242, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const authority = host.includes(':') && !host.startsWith('[') ? `[${host}]:${port}` : `${host}:${port}`;
  return {
    url: `http://${authority}/`,
    relayUrl: `ws://${authority}/relay`,
    get received() {
      return received;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

/**
 * An inspection message as the relay passes it on: this library's messages as they are; others
 * (`@statelyai/inspect`'s) get their ids prefixed with the connection, since XState numbers actors
 * per system (every phone's root is `x:0`), plus `actorId` and `at`.
 */
function normalize(text: string, connection: string): Record<string, unknown> | null {
  let message: Record<string, unknown>;
  try {
    message = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return null;
  }
  if (!message || typeof message !== 'object' || typeof message.type !== 'string' || !message.type.startsWith('@xstate.')) return null;
  if (message._version === SERIALIZER_VERSION) return message;
  const prefix = (id: unknown) => (typeof id === 'string' ? `${connection}/${id}` : id);
  const at = Number(message.createdAt);
  return {
    ...message,
    sessionId: prefix(message.sessionId),
    rootId: prefix(message.rootId),
    parentId: prefix(message.parentId),
    sourceId: prefix(message.sourceId),
    ...(typeof message.name === 'string' ? { actorId: message.name } : {}),
    at: Number.isFinite(at) ? at : Date.now(),
  };
}
