/** Test phones on the port: a UserAgentPort per extension, with every event recorded. */
import type { CallOptions, CallPort, CallPortEvent, UserAgentEvent, UserAgentPort } from '../../machines/port';
import { createJsSipUserAgent, type JsSipUserAgentOptions } from '../../adapters/jssip';
import { createToneStream, installNodeWebRtc, type ToneStream } from '../../adapters/jssip/node';
import type { Kamailio } from './kamailio';

installNodeWebRtc();

type Typed = { readonly type: string };

/** Keeps every event of one source and lets a test wait for one. */
export class Recorder<E extends Typed> {
  readonly events: E[] = [];
  private waiters: Array<{ match: (e: E) => boolean; from: number; resolve: (e: E) => void }> = [];

  push = (event: E): void => {
    this.events.push(event);
    const index = this.events.length - 1;
    this.waiters = this.waiters.filter((w) => {
      if (index >= w.from && w.match(event)) {
        w.resolve(event);
        return false;
      }
      return true;
    });
  };

  /** Index to pass as `from` to wait only for what comes after now. */
  mark(): number {
    return this.events.length;
  }

  types(): string[] {
    return this.events.map((e) => e.type);
  }

  all<T extends E['type']>(type: T): Array<Extract<E, { type: T }>> {
    return this.events.filter((e) => e.type === type) as Array<Extract<E, { type: T }>>;
  }

  waitFor<T extends E['type']>(
    type: T,
    options: { from?: number; timeoutMs?: number; where?: (e: Extract<E, { type: T }>) => boolean } = {},
  ): Promise<Extract<E, { type: T }>> {
    const from = options.from ?? 0;
    const match = (e: E) => e.type === type && (!options.where || options.where(e as Extract<E, { type: T }>));
    const found = this.events.slice(from).find(match);
    if (found) return Promise.resolve(found as Extract<E, { type: T }>);
    const timeoutMs = options.timeoutMs ?? 10_000;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.resolve !== done);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${type}; saw: ${this.types().join(', ')}`));
      }, timeoutMs);
      const done = (e: E) => {
        clearTimeout(timer);
        resolve(e as Extract<E, { type: T }>);
      };
      this.waiters.push({ match, from, resolve: done });
    });
  }
}

/** One extension registered through the port. */
export class TestPhone {
  readonly ua: UserAgentPort;
  readonly events = new Recorder<UserAgentEvent>();
  private readonly streams: ToneStream[] = [];
  private readonly recorders = new Map<CallPort, Recorder<CallPortEvent>>();

  constructor(
    readonly user: string,
    readonly kamailio: Kamailio,
    options: Partial<JsSipUserAgentOptions> = {},
  ) {
    this.ua = createJsSipUserAgent({
      uri: `sip:${user}@${kamailio.domain}`,
      servers: kamailio.wsUrl,
      credentials: { authorizationUser: user, password: `pw${user}` },
      connectionRecovery: { minInterval: 1, maxInterval: 2 },
      iceGathering: { stopAtFirstHostCandidate: true },
      ...options,
    });
    this.ua.subscribe(this.events.push);
  }

  get aor(): string {
    return `sip:${this.user}@${this.kamailio.domain}`;
  }

  async register(): Promise<void> {
    const from = this.events.mark();
    this.ua.start();
    this.ua.register();
    await this.events.waitFor('UA.REGISTERED', { from });
  }

  /** A fresh tone stream for one call. */
  media(): CallOptions {
    const tone = createToneStream(300 + 100 * this.streams.length);
    this.streams.push(tone);
    return { mediaStream: tone.stream };
  }

  /** Start recording a call's events (before anything else subscribes). */
  track(call: CallPort): Recorder<CallPortEvent> {
    let recorder = this.recorders.get(call);
    if (!recorder) {
      recorder = new Recorder<CallPortEvent>();
      this.recorders.set(call, recorder);
      call.subscribe(recorder.push);
    }
    return recorder;
  }

  call(target: TestPhone | string): { call: CallPort; events: Recorder<CallPortEvent> } {
    const call = this.ua.call(typeof target === 'string' ? target : target.aor, this.media());
    return { call, events: this.track(call) };
  }

  /** The next incoming call after `from`. */
  async incoming(from: number, timeoutMs = 10_000): Promise<{ call: CallPort; events: Recorder<CallPortEvent> }> {
    const event = await this.events.waitFor('UA.CALL.INCOMING', { from, timeoutMs });
    return { call: event.call, events: this.track(event.call) };
  }

  async stop(): Promise<void> {
    const from = this.events.mark();
    this.ua.stop();
    await this.events.waitFor('UA.DISCONNECTED', { from, timeoutMs: 3000 }).catch(() => undefined);
    this.ua.dispose();
    for (const s of this.streams) s.stop();
  }
}

/** Sum of `packetsReceived` over the inbound audio RTP stats of a call. */
export async function packetsReceived(call: CallPort): Promise<number> {
  const report = await call.getStats();
  let total = 0;
  for (const stat of report.values()) {
    if (stat.type === 'inbound-rtp' && typeof stat.packetsReceived === 'number') total += stat.packetsReceived;
  }
  return total;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
