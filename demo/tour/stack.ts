/**
 * What the demo runs on: the project's Kamailio (test/integration/kamailio.cfg) on loopback, and a
 * small static server on 127.0.0.1 for the demo page, bundled with esbuild. Everything started here is
 * stopped by PID in `stop()`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { canConnect, freeTcpPort, freeUdpPort } from './loopback';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const KAMAILIO_PATHS = ['/usr/sbin/kamailio', '/usr/local/sbin/kamailio', '/usr/bin/kamailio'];

export function kamailioBinary(): string | null {
  return KAMAILIO_PATHS.find((p) => existsSync(p)) ?? null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The project's Kamailio on 127.0.0.1, with digest auth (password "pw" + extension). */
export class DemoKamailio {
  private child: ChildProcess | null = null;
  readonly dir = mkdtempSync(join(tmpdir(), 'callstate-demo-kamailio-'));
  readonly logFile = join(this.dir, 'kamailio.log');

  private constructor(
    private readonly root: string,
    readonly wsPort: number,
    readonly udpPort: number,
  ) {}

  static async start(root: string, options: { wsPort?: number } = {}): Promise<DemoKamailio> {
    const kamailio = new DemoKamailio(root, await freeTcpPort(options.wsPort ?? 0), await freeUdpPort());
    await kamailio.start();
    return kamailio;
  }

  get wsUrl(): string {
    return `ws://127.0.0.1:${this.wsPort}`;
  }

  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  private async start(): Promise<void> {
    const binary = kamailioBinary();
    if (!binary) throw new Error('kamailio is not installed (apt-get install kamailio kamailio-websocket-modules)');
    const config = readFileSync(join(this.root, 'test/integration/kamailio.cfg'), 'utf8')
      .replace(/:5060\b/g, `:${this.udpPort}`)
      .replace(/:8080\b/g, `:${this.wsPort}`);
    const file = join(this.dir, 'kamailio.cfg');
    writeFileSync(file, config);
    const args = ['-f', file, '-DD', '-E', '-Y', this.dir, '-P', join(this.dir, 'kamailio.pid'), '-m', '64', '-M', '8', '-A', 'WITH_AUTH'];
    const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr?.pipe(createWriteStream(this.logFile, { flags: 'a' }));
    this.child = child;
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`kamailio exited with ${child.exitCode}; see ${this.logFile}`);
      if (await canConnect(this.wsPort)) return;
      await sleep(25);
    }
    throw new Error(`kamailio did not accept on ${this.wsPort} within 10 s; see ${this.logFile}`);
  }

  /** SIGTERM by PID, SIGKILL after 5 s. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}

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
