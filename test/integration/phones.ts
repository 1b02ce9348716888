/**
 * Helpers for the public-API scenarios: phones made with `createPhone` on the JsSIP user agent, and
 * recorders of their events, so every scenario can assert what each phone's app saw, in order.
 */
import { filter, firstValueFrom, timeout } from 'rxjs';
import { createPhone, type CallState, type Phone, type PhoneOptions, type Session } from '../../src';
import { createJsSipUserAgent, type JsSipUserAgentOptions } from '../../adapters/jssip';
import { createToneStream, installNodeWebRtc, type ToneStream } from '../../adapters/jssip/node';
import type { Kamailio } from './kamailio';

installNodeWebRtc();

/** One recorded event: its name and arguments. */
export interface Recorded {
  readonly name: string;
  readonly args: readonly unknown[];
}

/** Records every event of a phone or a session (through `events$`). */
export class EventLog {
  readonly events: Recorded[] = [];
  private waiters: Array<{ name: string; from: number; where?: (args: readonly unknown[]) => boolean; resolve: (e: Recorded) => void }> = [];

  push = (event: { name: unknown; args: readonly unknown[] }): void => {
    const recorded = { name: String(event.name), args: event.args };
    this.events.push(recorded);
    const index = this.events.length - 1;
    this.waiters = this.waiters.filter((w) => {
      if (index >= w.from && recorded.name === w.name && (!w.where || w.where(recorded.args))) {
        w.resolve(recorded);
        return false;
      }
      return true;
    });
  };

  mark(): number {
    return this.events.length;
  }

  names(): string[] {
    return this.events.map((e) => e.name);
  }

  /** First argument of every event with this name. */
  all<T = Record<string, unknown>>(name: string, from = 0): T[] {
    return this.events.slice(from).filter((e) => e.name === name).map((e) => e.args[0] as T);
  }

  waitFor<T = Record<string, unknown>>(
    name: string,
    options: { from?: number; timeoutMs?: number; where?: (arg: T) => boolean } = {},
  ): Promise<T> {
    const from = options.from ?? 0;
    const where = options.where ? (args: readonly unknown[]) => options.where!(args[0] as T) : undefined;
    const found = this.events.slice(from).find((e) => e.name === name && (!where || where(e.args)));
    if (found) return Promise.resolve(found.args[0] as T);
    const ms = options.timeoutMs ?? 15_000;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.resolve !== done);
        reject(new Error(`timed out after ${ms} ms waiting for ${name}; saw: ${this.names().join(', ')}`));
      }, ms);
      const done = (e: Recorded) => {
        clearTimeout(timer);
        resolve(e.args[0] as T);
      };
      this.waiters.push({ name, from, where, resolve: done });
    });
  }
}

/** A phone of the tests: the library's `Phone` on a JsSIP user agent, with its events recorded. */
export class TestApp {
  readonly phone: Phone;
  readonly log = new EventLog();
  private readonly sessionLogs = new Map<string, EventLog>();

  constructor(
    readonly user: string,
    kamailio: Kamailio,
    options: { ua?: Partial<JsSipUserAgentOptions>; phone?: Partial<PhoneOptions> } = {},
  ) {
    const userAgent = createJsSipUserAgent({
      uri: `sip:${user}@${kamailio.domain}`,
      servers: kamailio.wsUrl,
      credentials: { authorizationUser: user, password: `pw${user}` },
      connectionRecovery: { minInterval: 1, maxInterval: 2 },
      iceGathering: { stopAtFirstHostCandidate: true },
      ...options.ua,
    });
    this.phone = createPhone({ userAgent, reportIntervalMs: 1000, ...options.phone });
    this.phone.events$.subscribe(this.log.push);
    // Every session's events from its creation on (newRTCSession fires before anything else of the call).
    this.phone.on('newRTCSession', ({ callId, session }) => this.logOf(callId, session));
  }

  /** The recorded events of one call. */
  logOf(callId: string, session?: Session): EventLog {
    let log = this.sessionLogs.get(callId);
    if (!log) {
      log = new EventLog();
      this.sessionLogs.set(callId, log);
      (session ?? this.phone.getSession(callId))?.events$.subscribe(log.push);
    }
    return log;
  }

  /** Start and wait until registered. */
  async start(): Promise<void> {
    const from = this.log.mark();
    this.phone.start();
    await this.log.waitFor('registered', { from });
  }

  /** The next incoming call after `from`. */
  async incoming(from: number): Promise<Session> {
    const { session } = await this.log.waitFor<{ session: Session }>('incoming', { from });
    return session;
  }
}

/** Wait until a session's state satisfies `predicate`. */
export function until(session: Session, predicate: (s: CallState) => boolean, ms = 15_000): Promise<CallState> {
  return firstValueFrom(session.state$.pipe(filter(predicate), timeout(ms)));
}

/** Wait until a phone's state satisfies `predicate`. */
export function untilPhone(phone: Phone, predicate: () => boolean, ms = 20_000): Promise<void> {
  return firstValueFrom(phone.state$.pipe(filter(() => predicate()), timeout(ms))).then(() => undefined);
}

/** Tone streams of the running test; stopped after each test so their timers do not pile up. */
export class Media {
  private streams: ToneStream[] = [];
  private count = 0;

  /** Call options with a fresh tone stream. */
  options(): { mediaStream: MediaStream } {
    const tone = createToneStream(300 + 37 * (this.count++ % 20));
    this.streams.push(tone);
    return { mediaStream: tone.stream };
  }

  stopAll(): void {
    for (const s of this.streams) s.stop();
    this.streams = [];
  }
}

/** `from` calls `to` with fresh tone media, `to` answers; resolves once both are confirmed. */
export async function establish(media: Media, from: TestApp, to: TestApp): Promise<{ out: Session; inc: Session }> {
  const { out, inc } = await placeCall(media, from, to);
  expect(await inc.answer(media.options())).toMatchObject({ ok: true });
  await until(out, (s) => s.phase === 'confirmed');
  await until(inc, (s) => s.phase === 'confirmed');
  return { out, inc };
}

/** `from` calls `to` with fresh tone media; resolves with both sessions once `to` has the call. */
export async function placeCall(media: Media, from: TestApp, to: TestApp): Promise<{ out: Session; inc: Session }> {
  const mark = to.log.mark();
  const result = await from.phone.call(to.user, media.options());
  expect(result).toMatchObject({ ok: true });
  const out = from.phone.getSession(result.callId!)!;
  const inc = await to.incoming(mark);
  return { out, inc };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
