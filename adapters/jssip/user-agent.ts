import type * as JsSIPModule from 'jssip';
import type { RTCSession } from 'jssip/lib/RTCSession';
import type { UA, UAConfiguration } from 'jssip/lib/UA';
import type {
  CallOptions,
  CallPort,
  Credentials,
  Unsubscribe,
  UserAgentEvent,
  UserAgentPort,
} from '../../machines/port';
import { assertNoProblem, digestCredentialsProblem, digestUserProblem } from '../../machines/sip-grammar';
import { targetProblem } from '../../machines/sip-target';
import { JsSipCall, mediaOptionsOf, type CallEnvironment, type IceGatheringOptions } from './call';
import { userAgentCauseOf } from './causes';
import { EventBuffer } from '../event-buffer';
import { stackBusy, stackCallback } from './stack-callback';
import { errorText, guard, silentLogger, type AdapterLogger } from './exception-barrier';
import type { MediaDevicesLike } from './media';
import type { RecordingBackend } from './recording';
import type { IncomingReferEvent, IncomingReplacesEvent } from './refer';

/** Options of {@link createJsSipUserAgent}. */
export interface JsSipUserAgentOptions {
  /** Our address of record, e.g. `sip:1001@pbx.example.com`. */
  readonly uri: string;
  /** WebSocket server(s), e.g. `wss://pbx.example.com:8089/ws`. */
  readonly servers: string | readonly string[];
  /** Password or HA1; never logged. */
  readonly credentials: Credentials;
  /** Display name on our From. */
  readonly displayName?: string;
  /** User-Agent header. */
  readonly userAgent?: string;
  /** REGISTER expiry, seconds (JsSIP default 600). JsSIP refreshes it by itself. */
  readonly registerExpires?: number;
  /** Extra headers on REGISTER. */
  readonly registerExtraHeaders?: readonly string[];
  /** Reconnect back-off bounds, seconds (JsSIP defaults 2 and 30). */
  readonly connectionRecovery?: { readonly minInterval: number; readonly maxInterval: number };
  /** Seconds an incoming call may ring before JsSIP ends it with 'No Answer' (default 60). */
  readonly noAnswerTimeout?: number;
  /** RFC 4028 session timers (JsSIP default true). */
  readonly sessionTimers?: boolean;
  /** ICE servers and other RTCPeerConnection settings for every call. */
  readonly pcConfig?: RTCConfiguration;
  /** Stop waiting for ICE candidates early (JsSIP waits for the end of gathering by default). */
  readonly iceGathering?: IceGatheringOptions;
  /** Backend for `record()`; none by default (then every request reports SIP.RECORD.FAILED). */
  readonly recording?: RecordingBackend | null;
  /** Where cameras, microphones and the screen are acquired; the browser's `navigator.mediaDevices` by default. */
  readonly mediaDevices?: MediaDevicesLike | null;
  /** Send hold/unhold as UPDATE instead of re-INVITE. Default false. */
  readonly holdUsesUpdate?: boolean;
  /** JsSIP's module; defaults to `require('jssip')` (the peer dependency). */
  readonly jssip?: typeof JsSIPModule;
  /** Where diagnostics go. Credentials are never passed to it. */
  readonly logger?: AdapterLogger;
}

interface PendingRefer {
  readonly call: JsSipCall;
  readonly event: IncomingReferEvent;
}

/** JsSIP's INVITE server transaction state before any final response (Transactions.C.STATUS_PROCEEDING). */
const SERVER_TRANSACTION_PROCEEDING = 2;

/** The incoming INVITE as JsSIP's `newRTCSession` hands it over (only what the adapter touches). */
interface IncomingInvite {
  reply(code: number, reason?: string | null, extraHeaders?: string[], body?: string): void;
  readonly server_transaction?: { readonly state: number };
}

function browserMediaDevices(): MediaDevicesLike | null {
  const devices = (globalThis as { navigator?: { mediaDevices?: MediaDevicesLike } }).navigator?.mediaDevices;
  return devices ?? null;
}

function loadJsSip(): typeof JsSIPModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('jssip') as typeof JsSIPModule;
}

/**
 * The {@link UserAgentPort} on JsSIP 3.13. Registration is the port's: `register()` asks for it, and
 * after a transport drop the adapter registers again once JsSIP reconnects. JsSIP refreshes a
 * registration by itself as long as nobody listens to `registrationExpiring`, so the adapter does not.
 */
export function createJsSipUserAgent(options: JsSipUserAgentOptions): UserAgentPort {
  return new JsSipUserAgent(options);
}

class JsSipUserAgent implements UserAgentPort {
  private readonly jssip: typeof JsSIPModule;
  private readonly logger: AdapterLogger;
  private readonly events: EventBuffer<UserAgentEvent>;
  private readonly calls = new Map<string, JsSipCall>();
  private readonly refers = new Map<string, PendingRefer>();
  private readonly env: CallEnvironment;
  private ua: UA | null = null;
  private wantRegistered = false;
  /** Set by `stop()` until the next `start()`: the transport closing then is ours, not a failure. */
  private stopping = false;
  private pendingLocal: JsSipCall | null = null;
  private disposed = false;

  constructor(private options: JsSipUserAgentOptions) {
    this.jssip = options.jssip ?? loadJsSip();
    this.logger = options.logger ?? silentLogger;
    this.events = new EventBuffer<UserAgentEvent>({ onListenerError: (error) => this.logger.warn('jssip adapter: port listener threw', error), stackBusy });
    this.env = {
      logger: this.logger,
      iceGathering: options.iceGathering ?? {},
      recording: options.recording ?? null,
      holdUsesUpdate: options.holdUsesUpdate ?? false,
      pcConfig: options.pcConfig,
      mediaDevices: options.mediaDevices === undefined ? browserMediaDevices() : options.mediaDevices,
      callEnded: (call) => this.callEnded(call),
      referReceived: (call, event) => this.referReceived(call, event),
      replacesReceived: (call, event) => this.replacesReceived(call, event),
    };
  }

  subscribe(listener: (event: UserAgentEvent) => void): Unsubscribe {
    return this.events.subscribe(listener);
  }

  start(): void {
    if (this.disposed) return;
    this.stopping = false;
    const ua = this.ua ?? this.createUa();
    if (!ua) return;
    guard(this.logger, 'ua.start', () => ua.start());
  }

  stop(): void {
    this.wantRegistered = false;
    this.stopping = true;
    const ua = this.ua;
    if (ua) guard(this.logger, 'ua.stop', () => ua.stop());
  }

  register(): void {
    this.wantRegistered = true;
    const ua = this.ua;
    if (!ua || !ua.isConnected()) return;
    guard(this.logger, 'ua.register', () => {
      // JsSIP emits 'registered' only on a change from unregistered: a REGISTER sent while registered
      // (new credentials through reRegister, for instance) would never report its success. Clearing
      // its flag makes the 200 report 'registered' (and a failure 'unregistered' + 'registrationFailed').
      const registrator = (ua as unknown as { _registrator?: { _registered?: boolean } })._registrator;
      if (ua.isRegistered() && registrator && typeof registrator._registered === 'boolean') registrator._registered = false;
      ua.register();
    });
  }

  unregister(): void {
    this.wantRegistered = false;
    const ua = this.ua;
    if (ua) guard(this.logger, 'ua.unregister', () => ua.unregister());
  }

  setCredentials(credentials: Credentials): void {
    const ua = this.ua;
    this.options = { ...this.options, credentials };
    if (!ua) return;
    guard(this.logger, 'ua.set credentials', () => {
      assertNoProblem(credentials.ha1 ? digestCredentialsProblem(credentials.authorizationUser, credentials.ha1) : digestUserProblem(credentials.authorizationUser));
      ua.set('authorization_user', credentials.authorizationUser);
      if (credentials.ha1) {
        if (credentials.realm) ua.set('realm', credentials.realm);
        ua.set('ha1', credentials.ha1);
      } else {
        ua.set('password', credentials.password ?? '');
      }
    });
  }

  call(target: string, options: CallOptions): CallPort {
    const call = new JsSipCall(this.env, 'outgoing', { target, localStream: options.mediaStream ?? null });
    const ua = this.ua;
    if (!ua) {
      call.failBeforeStart({ cause: 'connection-error', code: null, originator: 'local', reason: 'the user agent is not started' });
      return call;
    }
    this.pendingLocal = call;
    try {
      const problem = targetProblem(target);
      assertNoProblem(problem && `Invalid target: ${problem}`);
      const session = ua.call(target, {
        ...(mediaOptionsOf(options, this.options.pcConfig) as object),
        eventHandlers: call.earlyHandlers() as never,
      });
      call.attach(session);
      if (!call.ended) this.calls.set(call.callId, call);
    } catch (error) {
      const text = errorText(error);
      call.failBeforeStart({
        cause: /Invalid target/i.test(text) ? 'address-incomplete' : 'internal-error',
        code: null,
        originator: 'local',
        reason: text,
      });
    } finally {
      this.pendingLocal = null;
    }
    return call;
  }

  acceptRefer(referId: string, options: CallOptions): CallPort | null {
    const pending = this.refers.get(referId);
    if (!pending) return null;
    this.refers.delete(referId);
    const target = pending.event.request.refer_to.uri.toString();
    const call = new JsSipCall(this.env, 'outgoing', { target, localStream: options.mediaStream ?? null });
    this.pendingLocal = call;
    try {
      pending.event.accept(
        (session: RTCSession) => guard(this.logger, 'refer initCallback', () => call.attach(session)),
        { ...(mediaOptionsOf(options, this.options.pcConfig) as object), eventHandlers: call.earlyHandlers() },
      );
    } catch (error) {
      call.failBeforeStart({ cause: 'internal-error', code: null, originator: 'local', reason: errorText(error) });
    } finally {
      this.pendingLocal = null;
    }
    if (!call.session) {
      call.failBeforeStart({ cause: 'dialog-error', code: null, originator: 'local', reason: 'the referring call is no longer established' });
      return call;
    }
    if (!call.ended) this.calls.set(call.callId, call);
    // The transferee's original call ends as "transferred" once the new call is answered.
    call.session.once('accepted', () => pending.call.markTransferred());
    return call;
  }

  rejectRefer(referId: string): void {
    const pending = this.refers.get(referId);
    if (!pending) return;
    this.refers.delete(referId);
    guard(this.logger, 'refer reject', () => pending.event.reject());
  }

  getCall(callId: string): CallPort | undefined {
    return this.calls.get(callId);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const id of [...this.refers.keys()]) this.rejectRefer(id);
    this.stop();
    const ua = this.ua;
    if (ua) ua.removeAllListeners();
    for (const call of this.calls.values()) call.dispose();
    this.calls.clear();
    this.events.dispose();
  }

  // --- internals -------------------------------------------------------------------------------

  private emit(event: UserAgentEvent): void {
    if (!this.disposed) this.events.emit(event);
  }

  private createUa(): UA | null {
    const o = this.options;
    const servers = typeof o.servers === 'string' ? [o.servers] : [...o.servers];
    try {
      const sockets = servers.map((url) => new this.jssip.WebSocketInterface(url));
      const config: UAConfiguration = {
        sockets,
        uri: o.uri,
        authorization_user: o.credentials.authorizationUser,
        register: false,
        display_name: o.displayName,
        user_agent: o.userAgent,
        register_expires: o.registerExpires,
        extra_headers: o.registerExtraHeaders ? [...o.registerExtraHeaders] : undefined,
        connection_recovery_min_interval: o.connectionRecovery?.minInterval,
        connection_recovery_max_interval: o.connectionRecovery?.maxInterval,
        no_answer_timeout: o.noAnswerTimeout,
        session_timers: o.sessionTimers,
      };
      if (o.credentials.ha1) {
        config.ha1 = o.credentials.ha1;
        config.realm = o.credentials.realm;
      } else {
        config.password = o.credentials.password;
      }
      for (const key of Object.keys(config) as Array<keyof UAConfiguration>) {
        if (config[key] === undefined) delete config[key];
      }
      const ua = new this.jssip.UA(config);
      this.guardTransport(ua);
      this.listen(ua);
      this.ua = ua;
      return ua;
    } catch (error) {
      // A configuration error: say so without echoing the configuration (it holds the credentials).
      this.emit({
        type: 'UA.DISCONNECTED',
        cause: 'internal-error',
        reason: `configuration error: ${errorText(error).replace(/password|ha1/gi, '***')}`,
      });
      return null;
    }
  }

  /** Anything thrown while JsSIP handles a received message must not escape into the socket handler. */
  private guardTransport(ua: UA): void {
    const transport = (ua as unknown as { _transport?: { ondata?: (data: unknown) => void } })._transport;
    if (!transport || typeof transport.ondata !== 'function') return;
    const ondata = transport.ondata;
    transport.ondata = (data: unknown) => stackCallback(this.logger, 'JsSIP message handling', () => ondata.call(transport, data));
  }

  private listen(ua: UA): void {
    const on = (name: string, fn: (payload: never) => void) =>
      ua.on(name as never, ((payload: never) => stackCallback(this.logger, `ua ${name}`, () => fn(payload))) as never);
    on('connecting', () => this.emit({ type: 'UA.CONNECTING' }));
    on('connected', () => {
      this.emit({ type: 'UA.CONNECTED' });
      if (this.wantRegistered) ua.register();
    });
    on('disconnected', (e: { error?: boolean; code?: number; reason?: string }) =>
      this.emit({
        type: 'UA.DISCONNECTED',
        cause: this.stopping ? 'stopped' : 'connection-error',
        reason: e.reason || (e.code !== undefined ? `code ${e.code}` : e.error ? 'error' : 'closed'),
      }),
    );
    on('registered', () => this.emit({ type: 'UA.REGISTERED' }));
    on('unregistered', () => this.emit({ type: 'UA.UNREGISTERED' }));
    on('registrationFailed', (e: { cause?: string; response?: { status_code?: number } | null }) => {
      const code = e.response?.status_code ?? null;
      const cause = userAgentCauseOf(e.cause, code);
      this.emit({ type: 'UA.REGISTRATION.FAILED', cause, code });
      // Wrong credentials do not get better by retrying every refresh.
      if (cause === 'authentication-error') this.wantRegistered = false;
    });
    // No 'registrationExpiring' listener on purpose: with one, JsSIP stops refreshing by itself.
    on('newRTCSession', (e: { originator: string; session: RTCSession; request: { replaces?: { call_id: string } } }) => {
      if (e.originator === 'local') {
        const call = this.pendingLocal;
        if (call && !call.session) call.attach(e.session);
        return;
      }
      const replaces = e.request.replaces?.call_id ?? null;
      const call = new JsSipCall(this.env, 'incoming', { replacesCallId: replaces });
      call.attach(e.session);
      this.calls.set(call.callId, call);
      this.emit({ type: 'UA.CALL.INCOMING', call });
      this.holdBackRinging(e.session, e.request as unknown as IncomingInvite);
    });
  }

  /**
   * JsSIP answers 180 right after `newRTCSession` returns, but the call is announced to the phone only
   * after that emission (see EventBuffer): hold the 180 back until the phone has seen the call, so a
   * call it rejects at once (over its call cap) gets its final response without ringing first.
   */
  private holdBackRinging(session: RTCSession, request: IncomingInvite): void {
    const reply = request.reply;
    if (typeof reply !== 'function') return;
    let held: Parameters<IncomingInvite['reply']> | null = null;
    request.reply = (...args) => {
      if (args[0] === 180 && held === null) {
        held = args;
        return;
      }
      reply.apply(request, args);
    };
    this.events.afterDelivery(() => {
      request.reply = reply;
      const ringing = held;
      if (!ringing) return;
      const proceeding = request.server_transaction?.state === SERVER_TRANSACTION_PROCEEDING;
      if (proceeding && !session.isEnded()) guard(this.logger, '180 Ringing', () => reply.apply(request, ringing));
    });
  }

  private callEnded(call: JsSipCall): void {
    if (this.calls.get(call.callId) === call) this.calls.delete(call.callId);
    for (const [id, pending] of this.refers) {
      if (pending.call === call) this.rejectRefer(id);
    }
  }

  private referReceived(call: JsSipCall, event: IncomingReferEvent): void {
    const referId = `${call.callId};refer=${event.request.cseq}`;
    this.refers.set(referId, { call, event });
    this.emit({ type: 'UA.REFER.RECEIVED', callId: call.callId, referId, target: event.request.refer_to.uri.toString() });
  }

  /**
   * An INVITE with Replaces for one of our calls: accept it at the JsSIP level (which only creates
   * the new incoming session; nothing is answered yet) and announce the new call with
   * `replacesCallId`. JsSIP ends the replaced call once the new one is confirmed.
   */
  private replacesReceived(call: JsSipCall, event: IncomingReplacesEvent): void {
    event.accept((session: RTCSession) => {
      const id = (session as unknown as { _request?: { call_id?: string } })._request?.call_id ?? '';
      session.once('accepted', () => call.markReplaced(id));
    });
  }
}
