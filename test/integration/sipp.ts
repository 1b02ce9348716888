/**
 * A sipp UAS playing one scenario of test/integration/sipp/ on udp 127.0.0.1:5070 (where
 * kamailio.cfg relays `sip:sipp@…`), started and awaited by PID.
 */
import { spawn, type ChildProcess } from 'child_process';
import { createSocket } from 'dgram';
import { mkdtempSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { SIPP } from './environment';

export const SIPP_PORT = 5070;

function udpPortTaken(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => resolve(true));
    socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(false)));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class SippUas {
  private readonly dir = mkdtempSync(join(tmpdir(), 'callstate-sipp-'));
  private readonly child: ChildProcess;
  readonly exited: Promise<number | null>;

  private constructor(readonly scenario: string) {
    if (!SIPP) throw new Error('sipp is not installed (scripts/ci-install.sh installs sip-tester)');
    const file = join(__dirname, 'sipp', `${scenario}.xml`);
    this.child = spawn(
      SIPP,
      ['-sf', file, '-i', '127.0.0.1', '-p', String(SIPP_PORT), '-m', '1', '-timeout', '30s', '-timeout_error', '-nostdin']
        .concat(['-trace_msg', '-message_file', join(this.dir, 'messages.log'), '-trace_err', '-error_file', join(this.dir, 'errors.log'), '-trace_logs', '-log_file', join(this.dir, 'logs.log')]),
      { stdio: ['ignore', 'ignore', 'ignore'] },
    );
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  /** Start sipp and wait until it listens on its UDP port. */
  static async start(scenario: string): Promise<SippUas> {
    const uas = new SippUas(scenario);
    for (let i = 0; i < 200; i++) {
      if (uas.child.exitCode !== null) throw new Error(`sipp exited at once (${uas.child.exitCode}): ${uas.errors()}`);
      if (await udpPortTaken(SIPP_PORT)) return uas;
      await sleep(25);
    }
    throw new Error('sipp did not bind udp 127.0.0.1:5070');
  }

  /** What sipp sent and received, for failure messages. */
  messages(): string {
    try {
      return readFileSync(join(this.dir, 'messages.log'), 'utf8');
    } catch {
      return '';
    }
  }

  errors(): string {
    for (const f of ['errors.log', 'logs.log']) {
      try {
        const text = readFileSync(join(this.dir, f), 'utf8');
        if (text) return text;
      } catch {
        /* none */
      }
    }
    return '';
  }

  logs(): string {
    try {
      return readFileSync(join(this.dir, 'logs.log'), 'utf8');
    } catch {
      return '';
    }
  }

  /** Wait for the scenario's end; its exit code (0: every step passed). */
  async done(): Promise<number | null> {
    return this.exited;
  }

  /** Stop by PID if it is still running. */
  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}
