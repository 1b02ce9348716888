import type {
  CallOptions,
  Credentials,
  RemoteIdentity,
  Unsubscribe,
  UserAgentEvent,
  UserAgentPort,
} from '../../machines/port';
import { MemoryCall } from './call';
import type { AgentLink, CallOwner } from './links';
import { reasonPhrase, userAgentCauseForStatus } from './causes';
import { EventBuffer } from '../event-buffer';
import { endCauseOfMediaFailure } from '../../machines/media-errors';
import type { MemoryFaults, ScriptedResponse } from './faults';
import type { DialogRef } from './messages';
import { parseTarget, uriFor } from './sip-uri';

/** Options for {@link MemorySipNetwork.createUserAgent}. */
export interface MemoryUserAgentOptions {
  /** The extension this phone registers as, e.g. `1001`. */
  readonly number: string;
  /** Plain password for REGISTER. */
  readonly password?: string;
  /** Pre-computed HA1 for REGISTER, checked against the account's `ha1`. */
  readonly ha1?: string;
  /** Display name the far end sees. */
  readonly displayName?: string;
  /** How long an incoming call may ring before it fails as `no-answer`; the network's default otherwise. */
  readonly noAnswerTimeoutMs?: number;
}

/** Where the user agent's connection to the network is. */
export type MemoryConnectionState = 'disconnected' | 'connecting' | 'connected';

interface PendingRefer {
  readonly leg: MemoryCall;
  readonly target: string;
  readonly replaces: DialogRef | null;
}

/**
 * A phone on the {@link MemorySipNetwork}: implements {@link UserAgentPort}.
 *
 * `start()` connects (UA.CONNECTING now, UA.CONNECTED on the next delivery), `register()` checks the
 * credentials with the network's registrar, `call()` places a call. Incoming calls arrive as
 * `UA.CALL.INCOMING`. Faults are scripted through {@link MemoryUserAgent.faults} and the transport
 * is dropped and restored with {@link MemoryUserAgent.dropTransport} / `restoreTransport`.
 */
export class MemoryUserAgent implements UserAgentPort, CallOwner<MemoryCall> {
  /** The extension number. */
  readonly number: string;
  /** Display name the far end sees, if any. */
  readonly displayName: string | null;
  /** This phone's SIP URI, e.g. `sip:1001@memory`. */
  readonly uri: string;
  /** Faults to show from now on; see {@link MemoryFaults}. */
  faults: MemoryFaults = {};

  private readonly network: AgentLink<MemoryCall, MemoryUserAgent>;
  private readonly events: EventBuffer<UserAgentEvent>;
  private readonly calls = new Map<string, MemoryCall>();
  private readonly refers = new Map<string, PendingRefer>();
  private readonly noAnswerTimeoutMs: number;
  private credentials: Credentials;
  private connection: MemoryConnectionState = 'disconnected';
  private transportUp = true;
  private registered = false;
  private registerAfterReconnect = false;
  private epoch = 0;
  private disposed = false;

  /** @internal created by {@link MemorySipNetwork.createUserAgent} */
  constructor(network: AgentLink<MemoryCall, MemoryUserAgent>, options: MemoryUserAgentOptions, noAnswerTimeoutMs: number) {
    this.network = network;
    this.number = options.number;
    this.displayName = options.displayName ?? null;
    this.uri = uriFor(options.number, network.domain);
    this.noAnswerTimeoutMs = options.noAnswerTimeoutMs ?? noAnswerTimeoutMs;
    this.credentials = { authorizationUser: options.number, password: options.password, ha1: options.ha1 };
    this.events = new EventBuffer<UserAgentEvent>({ onListenerError: (error) => network.reportError(error) });
  }

  // ---- State for tests -------------------------------------------------------------------------

  /** Where the connection is. */
  get connectionState(): MemoryConnectionState {
    return this.connection;
  }

  /** The registrar holds a binding for this user agent. */
  get isRegistered(): boolean {
    return this.registered;
  }

  /** @internal can send and receive signalling */
  get reachable(): boolean {
    return !this.disposed && this.connection === 'connected';
  }

  /** Every call of this user agent that was not disposed yet, ended ones included. */
  get knownCalls(): readonly MemoryCall[] {
    return [...this.calls.values()];
  }

  // ---- UserAgentPort ---------------------------------------------------------------------------

  /** Connect: UA.CONNECTING now, UA.CONNECTED once delivered (or after `restoreTransport()`). */
  start(): void {
    if (this.disposed || this.connection !== 'disconnected') return;
    this.connection = 'connecting';
    const epoch = ++this.epoch;
    this.events.emit({ type: 'UA.CONNECTING' });
    this.network.defer(() => {
      if (epoch === this.epoch && this.connection === 'connecting' && this.transportUp) this.becomeConnected();
    });
  }

  /** End every call, un-REGISTER when registered, then disconnect. */
  stop(): void {
    if (this.disposed || this.connection === 'disconnected') return;
    this.terminateCalls();
    const wasRegistered = this.registered;
    this.unbind();
    this.registerAfterReconnect = false;
    this.connection = 'disconnected';
    this.epoch++;
    this.network.defer(() => {
      if (wasRegistered) this.events.emit({ type: 'UA.UNREGISTERED' });
      this.events.emit({ type: 'UA.DISCONNECTED', cause: 'stopped', reason: 'stopped' });
    });
  }

  /** REGISTER with the current credentials; the outcome is UA.REGISTERED or UA.REGISTRATION.FAILED. */
  register(): void {
    if (this.disposed) return;
    this.network.defer(() => this.completeRegister());
  }

  /** Remove the binding; UA.UNREGISTERED follows (also when there was none). */
  unregister(): void {
    if (this.disposed) return;
    this.registerAfterReconnect = false;
    this.network.defer(() => {
      this.unbind();
      this.events.emit({ type: 'UA.UNREGISTERED' });
    });
  }

  /** Use these credentials from the next REGISTER on. They are kept here and never logged. */
  setCredentials(credentials: Credentials): void {
    if (this.disposed) return;
    this.credentials = { ...credentials };
  }

  /**
   * Place a call to `'1002'` or `'sip:1002@memory'`. The returned call reports its progress through
   * its events: 404 `not-found` for an unknown number, 480 `unavailable` for a number nobody is
   * registered as, `connection-error` at once when this user agent is not connected.
   */
  call(target: string, options: CallOptions): MemoryCall {
    return this.placeCall(target, options, null);
  }

  /**
   * Accept a REFER reported by UA.REFER.RECEIVED: place the call to its target (with Replaces for an
   * attended transfer) and relay its progress to the referrer as NOTIFYs (180, 200 or the failure
   * code). Returns `null` for an unknown REFER or when the transferred call has already ended.
   */
  acceptRefer(referId: string, options: CallOptions): MemoryCall | null {
    const refer = this.refers.get(referId);
    if (this.disposed || refer === undefined) return null;
    this.refers.delete(referId);
    if (refer.leg.state === 'terminated') return null;
    return this.placeCall(refer.target, options, refer.replaces, (call) => relayProgress(call, refer.leg));
  }

  /** Refuse a REFER reported by UA.REFER.RECEIVED: the referrer gets a final NOTIFY 603. */
  rejectRefer(referId: string): void {
    const refer = this.refers.get(referId);
    if (this.disposed || refer === undefined) return;
    this.refers.delete(referId);
    refer.leg.notifyReferrer(603, reasonPhrase(603));
  }

  /** A call of this user agent by Call-ID, until it is disposed. */
  getCall(callId: string): MemoryCall | undefined {
    return this.calls.get(callId);
  }

  /** Listen to user-agent events; the first subscriber also receives what was buffered. */
  subscribe(listener: (event: UserAgentEvent) => void): Unsubscribe {
    return this.events.subscribe(listener);
  }

  /** Stop (ending every call), forget pending REFERs and drop listeners; later commands are ignored. */
  dispose(): void {
    if (this.disposed) return;
    this.terminateCalls();
    this.unbind();
    this.refers.clear();
    this.connection = 'disconnected';
    this.epoch++;
    this.disposed = true;
    this.events.dispose();
  }

  // ---- Transport faults ------------------------------------------------------------------------

  /**
   * Lose the transport: UA.DISCONNECTED (and UA.UNREGISTERED when registered), now. Established calls
   * survive (their media is peer-to-peer) but their requests fail or get lost until the transport is
   * back; calls still being set up fail with `connection-error`.
   */
  dropTransport(): void {
    if (this.disposed || !this.transportUp) return;
    this.transportUp = false;
    if (this.connection !== 'connected') return;
    this.connection = 'connecting';
    this.events.emit({ type: 'UA.DISCONNECTED', cause: 'connection-error', reason: 'transport dropped' });
    if (this.registered) {
      this.unbind();
      this.registerAfterReconnect = true;
      this.events.emit({ type: 'UA.UNREGISTERED' });
    }
    for (const leg of [...this.calls.values()]) {
      if (leg.state === 'terminated' || leg.state === 'confirmed') continue;
      leg.loseTransport();
      if (leg.peer !== null) this.network.abort(leg.peer);
    }
  }

  /** Bring the transport back: UA.CONNECTED now, then REGISTER again if the drop unregistered us. */
  restoreTransport(): void {
    if (this.disposed || this.transportUp) return;
    this.transportUp = true;
    if (this.connection === 'connecting') this.becomeConnected();
  }

  // ---- Wiring used by calls and the network ----------------------------------------------------

  /** @internal consume one scripted re-INVITE failure */
  takeReinviteFault(): ScriptedResponse | null {
    const fault = this.faults.rejectReinvite;
    if (fault === undefined) return null;
    const remaining = (fault.times ?? 1) - 1;
    this.faults = { ...this.faults, rejectReinvite: remaining > 0 ? { ...fault, times: remaining } : undefined };
    return fault;
  }

  /** @internal a REFER arrived on `leg`: 202 and NOTIFY 100 first, as JsSIP does, then the app decides */
  receiveRefer(leg: MemoryCall, target: string, replaces: DialogRef | null): void {
    const refused = this.faults.refuseRefer;
    if (refused !== undefined) return leg.answerRefer(refused.code, refused.reason ?? reasonPhrase(refused.code));
    leg.answerRefer(202, reasonPhrase(202));
    leg.notifyReferrer(100, reasonPhrase(100));
    const failure = this.faults.failReferNotify;
    if (failure !== undefined) return leg.notifyReferrer(failure.code, failure.reason ?? reasonPhrase(failure.code));
    const referId = this.network.nextId('refer');
    this.refers.set(referId, { leg, target, replaces });
    this.events.emit({ type: 'UA.REFER.RECEIVED', callId: leg.callId, referId, target });
  }

  /** @internal a leg was disposed */
  forget(leg: MemoryCall): void {
    if (this.calls.get(leg.callId) === leg) this.calls.delete(leg.callId);
  }

  /** @internal the network delivers an INVITE from `caller`; returns the failure to answer with, if any */
  receiveInvite(caller: MemoryCall, replaces: DialogRef | null): ScriptedResponse | null {
    if (this.faults.rejectIncoming !== undefined) return this.faults.rejectIncoming;
    let replaced: MemoryCall | null = null;
    if (replaces !== null) {
      replaced = this.findDialog(replaces);
      if (replaced === null) return { code: 481 };
      if (replaced.state === 'terminated') return { code: 603 };
    }
    const leg = this.createLeg({
      callId: caller.callId,
      direction: 'incoming',
      remoteUri: caller.localUri,
      remote: caller.localIdentity,
      replacesCallId: replaced?.callId ?? null,
    });
    if (replaced !== null) leg.replace(replaced);
    caller.connect(leg);
    leg.connect(caller);
    leg.startNoAnswerTimer(this.noAnswerTimeoutMs);
    if (this.faults.noAnswer !== true) this.events.emit({ type: 'UA.CALL.INCOMING', call: leg });
    if (leg.state === 'ringing') this.network.send(leg, caller, { kind: 'ringing' });
    return null;
  }

  // ---- Internals -------------------------------------------------------------------------------

  private placeCall(
    target: string,
    options: CallOptions,
    replaces: DialogRef | null,
    beforeSending?: (call: MemoryCall) => void,
  ): MemoryCall {
    const parsed = parseTarget(target, this.network.domain);
    const number = parsed.ok ? parsed.number : target;
    const leg = this.createLeg({
      callId: this.network.nextId('call'),
      direction: 'outgoing',
      remoteUri: parsed.ok ? uriFor(number, this.network.domain) : target,
      remote: { number, name: null, uri: parsed.ok ? uriFor(number, this.network.domain) : target },
      replacesCallId: null,
      mediaStream: options.mediaStream,
    });
    beforeSending?.(leg);
    leg.announce();
    leg.offerVideo(options);
    const media = this.faults.media;
    if (this.disposed) {
      leg.fail({ cause: 'internal-error', code: null, originator: 'system', reason: 'user agent disposed' });
    } else if (media !== undefined && options.mediaStream === undefined) {
      leg.fail({ cause: endCauseOfMediaFailure(media.failure), code: null, originator: 'local', reason: media.reason ?? media.failure });
    } else if (!this.reachable) {
      leg.fail({ cause: 'connection-error', code: null, originator: 'system', reason: 'Connection Error' });
    } else if (!parsed.ok) {
      this.network.decline(leg, parsed.code);
    } else {
      this.network.invite(leg, parsed.number, replaces);
    }
    return leg;
  }

  private createLeg(init: {
    callId: string;
    direction: 'incoming' | 'outgoing';
    remoteUri: string;
    remote: RemoteIdentity;
    replacesCallId: string | null;
    mediaStream?: MediaStream;
  }): MemoryCall {
    const leg = new MemoryCall({
      callId: init.callId,
      direction: init.direction,
      localTag: this.network.nextId('tag'),
      localUri: this.uri,
      remoteUri: init.remoteUri,
      remote: init.remote,
      localIdentity: { number: this.number, name: this.displayName, uri: this.uri },
      replacesCallId: init.replacesCallId,
      owner: this,
      link: this.network,
      mediaStream: init.mediaStream ?? null,
    });
    this.calls.set(leg.callId, leg);
    return leg;
  }

  private findDialog(ref: DialogRef): MemoryCall | null {
    const leg = this.calls.get(ref.callId);
    if (leg === undefined || leg.localTag !== ref.remoteTag || leg.remoteTag !== ref.localTag) return null;
    return leg;
  }

  private completeRegister(): void {
    if (this.disposed) return;
    if (!this.reachable) {
      this.events.emit({ type: 'UA.REGISTRATION.FAILED', cause: 'connection-error', code: null });
      return;
    }
    const scripted = this.faults.rejectRegister;
    if (scripted !== undefined) {
      const remaining = (scripted.times ?? 1) - 1;
      this.faults = { ...this.faults, rejectRegister: remaining > 0 ? { ...scripted, times: remaining } : undefined };
      this.events.emit({ type: 'UA.REGISTRATION.FAILED', cause: userAgentCauseForStatus(scripted.code), code: scripted.code });
      return;
    }
    const failure = this.network.authenticate(this.number, this.credentials);
    if (failure !== null) {
      this.events.emit({ type: 'UA.REGISTRATION.FAILED', cause: failure.cause, code: failure.code });
      return;
    }
    this.network.bind(this);
    this.registered = true;
    this.events.emit({ type: 'UA.REGISTERED' });
  }

  private becomeConnected(): void {
    this.connection = 'connected';
    this.events.emit({ type: 'UA.CONNECTED' });
    if (this.registerAfterReconnect) {
      this.registerAfterReconnect = false;
      this.register();
    }
  }

  private unbind(): void {
    if (!this.registered) return;
    this.registered = false;
    this.network.unbind(this);
  }

  private terminateCalls(): void {
    for (const leg of [...this.calls.values()]) leg.terminate();
  }
}

/** Report the progress of a call placed for a REFER to the referrer, as NOTIFYs on `referLeg`. */
function relayProgress(call: MemoryCall, referLeg: MemoryCall): void {
  let settled = false;
  call.watch((event) => {
    if (settled) return;
    if (event.type === 'SIP.PROGRESS') referLeg.notifyReferrer(event.code, reasonPhrase(event.code));
    if (event.type === 'SIP.ANSWERED') {
      settled = true;
      referLeg.notifyReferrer(200, reasonPhrase(200));
    }
    if (event.type === 'SIP.FAILED') {
      settled = true;
      const code = event.code ?? 500;
      referLeg.notifyReferrer(code, event.reason ?? reasonPhrase(code));
    }
  });
}
