/**
 * What the demo runs on: the project's Kamailio (test/integration/kamailio.cfg) on loopback, and a
 * small static server on 127.0.0.1 for the demo page, bundled with esbuild. Everything started here is
 * stopped by PID in `stop()`.
 */
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { Kamailio } from './kamailio';
import { freeTcpPort } from './loopback';
import { join } from 'node:path';

export { KAMAILIO_PATHS, kamailioBinary } from './kamailio';

/** A Kamailio the demo started. */
export type DemoKamailio = Kamailio;

/** The project's Kamailio on 127.0.0.1, with digest auth (password "pw" + extension). */
export const DemoKamailio = {
  start(root: string, options: { wsPort?: number } = {}): Promise<Kamailio> {
    return Kamailio.start({ configFile: join(root, 'test/integration/kamailio.cfg'), wsPort: options.wsPort });
  },
};

/** Bundle the demo page (demo/page/main.ts) for the browser. */
export async function bundlePage(root: string): Promise<string> {
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [join(root, 'demo/page/main.ts')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'chrome110',
    tsconfig: join(root, 'demo/tsconfig.json'),
    write: false,
    sourcemap: 'inline',
    logLevel: 'silent',
    absWorkingDir: root,
  });
  return result.outputFiles[0]!.text;
}

/** What the page gets as `config.json`. */
export interface PageDefaults {
  readonly server: string;
  readonly domain?: string;
  readonly reportMs?: number;
  /** The offline inspector's relay, for `--inspect`. */
  readonly inspectRelay?: string;
}

/** The demo page on http://127.0.0.1:<port>/: index.html, style.css, app.js and config.json. */
export class DemoServer {
  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(root: string, defaults: PageDefaults, options: { port?: number } = {}): Promise<DemoServer> {
    const app = await bundlePage(root);
    const files: Record<string, { type: string; body: string | Buffer }> = {
      '/': { type: 'text/html; charset=utf-8', body: readFileSync(join(root, 'demo/index.html')) },
      '/index.html': { type: 'text/html; charset=utf-8', body: readFileSync(join(root, 'demo/index.html')) },
      '/style.css': { type: 'text/css; charset=utf-8', body: readFileSync(join(root, 'demo/style.css')) },
      '/app.js': { type: 'text/javascript; charset=utf-8', body: app },
      '/config.json': { type: 'application/json', body: JSON.stringify(defaults) },
    };
    const server = createHttpServer((request, response) => {
      const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
      const file = request.method === 'GET' || request.method === 'HEAD' ? files[path] : undefined;
      if (!file) {
        response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      response.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-store' }).end(request.method === 'HEAD' ? undefined : file.body);
    });
    const port = await freeTcpPort(options.port ?? 0);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    return new DemoServer(server, port);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/`;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
