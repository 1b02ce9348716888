/**
 * Starts and stops the tests' own Kamailio (test/integration/kamailio.cfg) on loopback, by PID.
 * The config's ports 5060 (UDP) and 8080 (WebSocket + JSON-RPC) are replaced by free ones, so several
 * suites can each have their own proxy.
 */
import { spawn, type ChildProcess } from 'child_process';
import { createWriteStream, mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { canConnect, freeTcpPort, freeUdpPort } from '../../demo/tour/loopback';
import { KAMAILIO } from './environment';

const CONFIG = join(__dirname, 'kamailio.cfg');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A running (or stopped) Kamailio of the tests. */
export class Kamailio {
  private child: ChildProcess | null = null;
  private readonly dir = mkdtempSync(join(tmpdir(), 'callstate-kamailio-'));
  readonly logFile = join(this.dir, 'kamailio.log');

  private constructor(
    readonly wsPort: number,
    readonly udpPort: number,
    private readonly defines: readonly string[],
  ) {}

  /** Start a Kamailio on free ports; `WITH_AUTH` (password "pw" + user) is on by default. */
  static async start(options: { auth?: boolean } = {}): Promise<Kamailio> {
    if (!KAMAILIO) throw new Error('kamailio is not installed (scripts/ci-install.sh installs it)');
    const kamailio = new Kamailio(await freeTcpPort(), await freeUdpPort(), options.auth === false ? [] : ['WITH_AUTH']);
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

  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  async start(): Promise<void> {
    if (this.child) return;
    const config = readFileSync(CONFIG, 'utf8').replace(/:5060\b/g, `:${this.udpPort}`).replace(/:8080\b/g, `:${this.wsPort}`);
    const file = join(this.dir, 'kamailio.cfg');
    writeFileSync(file, config);
    const args = ['-f', file, '-DD', '-E', '-Y', this.dir, '-P', join(this.dir, 'kamailio.pid'), '-m', '64', '-M', '8'];
    for (const d of this.defines) args.push('-A', d);
    const child = spawn(KAMAILIO as string, args, { stdio: ['ignore', 'ignore', 'pipe'] });
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
    if (!child) return;
    this.child = null;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }

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
