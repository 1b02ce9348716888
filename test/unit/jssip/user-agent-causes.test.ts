/**
 * The JsSIP user agent reports registration and transport causes in the port's words
 * (`UserAgentCause`), never JsSIP's strings. JsSIP's UA is stood in for by an event emitter that
 * emits what JsSIP 3.13 emits; the same behaviour on the wire is proven against Kamailio in
 * test/integration/seam-logic.test.ts.
 */
import { EventEmitter } from 'events';
import type * as JsSIPModule from 'jssip';
import { createJsSipUserAgent } from '../../../adapters/jssip';
import { userAgentCauseOf } from '../../../adapters/jssip/causes';
import type { UserAgentCause, UserAgentEvent } from '../../../machines/port';

class FakeUa extends EventEmitter {
  static last: FakeUa | null = null;
  connected = false;
  constructor(readonly config: unknown) {
    super();
    FakeUa.last = this;
  }
  start(): void {
    this.connected = true;
    this.emit('connected', {});
  }
  stop(): void {
    this.connected = false;
    this.emit('disconnected', { error: false });
  }
  register(): void {}
  unregister(): void {}
  isConnected(): boolean {
    return this.connected;
  }
  isRegistered(): boolean {
    return false;
  }
}

class FakeSocket {
  constructor(readonly url: string) {}
}

/** Events the stack emits inside its own callbacks reach the port after that callback returns. */
const delivered = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function agent() {
  const jssip = { UA: FakeUa, WebSocketInterface: FakeSocket } as unknown as typeof JsSIPModule;
  const ua = createJsSipUserAgent({ uri: 'sip:1001@example.org', servers: 'wss://example.org/ws', credentials: { authorizationUser: '1001', password: 'pw' }, jssip });
  const events: UserAgentEvent[] = [];
  ua.subscribe((event) => events.push(event));
  ua.start();
  return { ua, events, jssipUa: FakeUa.last as FakeUa };
}

describe('JsSIP user agent: registration causes in the port vocabulary', () => {
  test.each<[string, number | null, UserAgentCause]>([
    ['Authentication Error', 401, 'authentication-error'],
    ['Authentication Error', 407, 'authentication-error'],
    ['Rejected', 403, 'rejected'],
    ['Not Found', 404, 'not-found'],
    ['Unavailable', 480, 'unavailable'],
    ['Redirected', 302, 'redirected'],
    ['SIP Failure Code', 503, 'sip-failure'],
    ['Busy', 486, 'sip-failure'],
    ['Request Timeout', null, 'request-timeout'],
    ['Connection Error', null, 'connection-error'],
    ['something new', null, 'internal-error'],
  ])('registrationFailed %s (%p) → UA.REGISTRATION.FAILED %s', async (jssipCause, code, cause) => {
    const { events, jssipUa } = agent();
    jssipUa.emit('registrationFailed', { cause: jssipCause, response: code === null ? null : { status_code: code } });
    await delivered();
    expect(events.filter((e) => e.type === 'UA.REGISTRATION.FAILED')).toEqual([{ type: 'UA.REGISTRATION.FAILED', cause, code }]);
    expect(userAgentCauseOf(jssipCause, code)).toBe(cause);
  });

  test('a transport that drops is a connection-error; one closed by stop() is stopped', async () => {
    const { ua, events, jssipUa } = agent();
    jssipUa.emit('disconnected', { error: true, code: 1006, reason: 'abnormal closure' });
    await delivered();
    ua.stop();
    await delivered();
    expect(events.filter((e) => e.type === 'UA.DISCONNECTED')).toEqual([
      { type: 'UA.DISCONNECTED', cause: 'connection-error', reason: 'abnormal closure' },
      { type: 'UA.DISCONNECTED', cause: 'stopped', reason: 'closed' },
    ]);
  });

  test('after stop() and start() again, a drop is a connection-error again', async () => {
    const { ua, events, jssipUa } = agent();
    ua.stop();
    await delivered();
    ua.start();
    await delivered();
    jssipUa.emit('disconnected', { error: true });
    await delivered();
    expect(events.filter((e) => e.type === 'UA.DISCONNECTED').map((e) => (e as { cause: string }).cause)).toEqual(['stopped', 'connection-error']);
  });
});
