/**
 * The project's Kamailio (test/integration/kamailio.cfg) on loopback, started and stopped by PID. The
 * config's ports 5060 (UDP) and 8080 (WebSocket + JSON-RPC) are replaced by free ones, so the demo and
 * several test suites can each have their own proxy.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canConnect, freeTcpPort, freeUdpPort } from './loopback';

/** Where Debian and source installs put the binary. */
export const KAMAILIO_PATHS = ['/usr/sbin/kamailio', '/usr/local/sbin/kamailio', '/usr/bin/kamailio'];

/** The Kamailio binary, or `null` when it is not installed. */
export function kamailioBinary(): string | null {
  return KAMAILIO_PATHS.find((path) => existsSync(path)) ?? null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Options of {@link Kamailio.start}. */
export interface KamailioOptions {
  /** The configuration to run (its ports 5060 and 8080 are replaced). */
  readonly configFile: string;
  /** Digest auth with password "pw" + user (`WITH_AUTH`). Default on. */
  readonly auth?: boolean;
  /** The WebSocket port to use when it is free; any free port otherwise. */
  readonly wsPort?: number;
}

/** A running (or stopped) Kamailio on 127.0.0.1. */
export class Kamailio {
  private child: ChildProcess | null = null;
  private readonly dir = mkdtempSync(join(tmpdir(), 'callstate-kamailio-'));
  /** Kamailio's stderr. */
  readonly logFile = join(this.dir, 'kamailio.log');

  private constructor(
    private readonly configFile: string,
    /** WebSocket (and JSON-RPC) port. */
    readonly wsPort: number,
    /** UDP port. */
    readonly udpPort: number,
    private readonly defines: readonly string[],
  ) {}

  /** Start a Kamailio on free loopback ports. */
  static async start(options: KamailioOptions): Promise<Kamailio> {
    const defines = options.auth === false ? [] : ['WITH_AUTH'];
    const kamailio = new Kamailio(options.configFile, await freeTcpPort(options.wsPort ?? 0), await freeUdpPort(), defines);
    await kamailio.start();
    return kamailio;
  }

  /** `ws://127.0.0.1:<port>` */
  get wsUrl(): string {
    return `ws://127.0.0.1:${this.wsPort}`;
  }

  /** The SIP domain the phones register in. */
  get domain(): string {
    return '127.0.0.1';
  }

  /** The running process's id. */
  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  /** Start (again) on the same ports; resolves once it accepts WebSocket connections. */
  async start(): Promise<void> {
    if (this.child) return;
    const binary = kamailioBinary();
    if (!binary) throw new Error('kamailio is not installed (apt-get install kamailio kamailio-websocket-modules)');
    const config = readFileSync(this.configFile, 'utf8').replace(/:5060\b/g, `:${this.udpPort}`).replace(/:8080\b/g, `:${this.wsPort}`);
    const file = join(this.dir, 'kamailio.cfg');
    writeFileSync(file, config);
    const args = ['-f', file, '-DD', '-E', '-Y', this.dir, '-P', join(this.dir, 'kamailio.pid'), '-m', '64', '-M', '8'];
    for (const define of this.defines) args.push('-A', define);
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

  /** SIGTERM by PID, then SIGKILL if it has not exited within 5 s. */
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

  /** Stop, wait `gapMs`, start again on the same ports. */
  async restart(gapMs: number): Promise<void> {
    await this.stop();
    await sleep(gapMs);
    await this.start();
  }

  /** Kamailio JSON-RPC over HTTP on the WebSocket port (e.g. `ul.dump`, `ws.dump`, `ws.close`). */
  async rpc(method: string, ...params: Array<string | number>): Promise<unknown> {
    const response = await fetch(`http://127.0.0.1:${this.wsPort}/RPC`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', method, params, id: 1 }),
    });
    const json = (await response.json()) as { result?: unknown; error?: { message: string } };
    if (json.error) throw new Error(`${method}: ${json.error.message}`);
    return json.result;
  }

  /** The tail of Kamailio's log, for failure messages. */
  logTail(lines = 40): string {
    try {
      return readFileSync(this.logFile, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }
}
