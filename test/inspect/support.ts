/** Shared by the inspector tests: secrets that must never reach an inspector, a call flow, a relay viewer. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { Phone } from '../../src/phone';

export { AUTH_HEADER, DIGEST_RESPONSE, HA1, PASSWORD, SECRETS } from './secrets';

export const ROOT = join(__dirname, '../..');

/** Build the inspector page into a fresh folder; returns it. */
export function buildPage(): string {
  const outdir = mkdtempSync(join(tmpdir(), 'callstate-inspector-'));
  const result = spawnSync(process.execPath, [join(ROOT, 'visualizations/inspector/build.mjs'), '--outdir', outdir], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`building the inspector page failed: ${result.stderr}`);
  return outdir;
}

type Message = Record<string, unknown>;

/** A page's connection to the relay, as a test sees it: every message, and waiting for one. */
export class Viewer {
  readonly messages: Message[] = [];
  private readonly waiters: Array<{ test: (m: Message) => boolean; resolve: (m: Message) => void }> = [];
  private readonly socket: WebSocket;
  readonly opened: Promise<void>;

  constructor(relayUrl: string) {
    this.socket = new WebSocket(`${relayUrl}?role=viewer`);
    this.opened = new Promise((resolve, reject) => {
      this.socket.once('open', () => resolve());
      this.socket.once('error', reject);
    });
    this.socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as Message;
      const batch = message.type === '@callstate.history' ? (message.messages as Message[]) : [message];
      for (const m of batch) this.take(m);
    });
  }

  /** Resolves with the first message (already received or to come) that passes `test`. */
  waitFor(test: (m: Message) => boolean): Promise<Message> {
    const found = this.messages.find(test);
    if (found) return Promise.resolve(found);
    return new Promise((resolve) => this.waiters.push({ test, resolve }));
  }

  close(): void {
    this.socket.close();
  }

  private take(message: Message): void {
    this.messages.push(message);
    for (const waiter of [...this.waiters]) {
      if (waiter.test(message)) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(message);
      }
    }
  }
}

/** The sessionIds of the actors named `actorId` in a viewer's messages. */
export function sessionsOf(messages: Message[], actorId: string): Set<string> {
  return new Set(messages.filter((m) => m.type === '@xstate.actor' && (m.actorId === actorId || m.name === actorId)).map((m) => m.sessionId as string));
}

/** JSON of a state value, for comparisons. */
export const valueOf = (m: Message): string => JSON.stringify((m.snapshot as { value?: unknown } | undefined)?.value);

export type { Phone };
