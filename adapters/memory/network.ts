import type { Credentials } from '../../machines/port';
import type { MemoryCall } from './call';
import type { AgentLink, RegistrationFailure } from './links';
import { reasonPhrase } from './causes';
import { DeliveryQueue } from './delivery-queue';
import type { DialogRef, LegMessage } from './messages';
import { MemoryUserAgent, type MemoryUserAgentOptions } from './user-agent';

/** Options for a {@link MemorySipNetwork}. */
export interface MemorySipNetworkOptions {
  /** Domain of every URI on the network; `memory` by default (`sip:1001@memory`). */
  readonly domain?: string;
  /**
   * Create an account for a number the first time `createUserAgent` names it, with the password or
   * HA1 given there. `true` by default; with `false`, only {@link MemorySipNetwork.addAccount}
   * creates accounts and REGISTER for any other number fails with 404.
   */
  readonly autoCreateAccounts?: boolean;
  /** How long an incoming call rings before it fails as `no-answer` (408); 60000 ms by default. */
  readonly noAnswerTimeoutMs?: number;
}

/** An account on the registrar. Without `password` and `ha1`, any credentials register. */
export interface MemoryAccount {
  /** The extension, e.g. `1002`. */
  readonly number: string;
  /** The password REGISTER must present. */
  readonly password?: string;
  /** The HA1 REGISTER must present when it uses an HA1 instead of a password. */
  readonly ha1?: string;
  /** Display name used by user agents created for this number without one. */
  readonly displayName?: string;
}

/**
 * An in-process SIP network for tests: registrar, proxy and wire in one object.
 *
 * Phones created with {@link MemorySipNetwork.createUserAgent} register and call each other by
 * number. Every message between them is queued and delivered on the microtask queue in FIFO order
 * (never on timers), so a test drives a whole call with `await network.settle()`, also under Jest's
 * fake timers. Ids are counters (`mem-call-1`, `mem-tag-2`, …), so runs are reproducible.
 *
 * One binding per number: the user agent that registered last receives that number's calls.
 */
export class MemorySipNetwork implements AgentLink<MemoryCall, MemoryUserAgent> {
  /** Domain of every URI on the network. */
  readonly domain: string;

  private readonly queue: DeliveryQueue;
  private readonly accounts = new Map<string, MemoryAccount>();
  private readonly bindings = new Map<string, MemoryUserAgent>();
  private readonly autoCreateAccounts: boolean;
  private readonly noAnswerTimeoutMs: number;
  private readonly errors: unknown[] = [];
  private counter = 0;

  /** @param options domain, account auto-creation and the default no-answer timeout */
  constructor(options: MemorySipNetworkOptions = {}) {
    this.domain = options.domain ?? 'memory';
    this.autoCreateAccounts = options.autoCreateAccounts ?? true;
    this.noAnswerTimeoutMs = options.noAnswerTimeoutMs ?? 60_000;
    this.queue = new DeliveryQueue((error) => this.reportError(error));
  }

  /** Add or replace an account on the registrar. */
  addAccount(account: MemoryAccount): void {
    this.accounts.set(account.number, { ...account });
  }

  /** A new phone for `number` (not started). Creates the account when auto-creation is on. */
  createUserAgent(options: MemoryUserAgentOptions): MemoryUserAgent {
    const account = this.accounts.get(options.number);
    if (account === undefined && this.autoCreateAccounts) {
      this.addAccount({ number: options.number, password: options.password, ha1: options.ha1, displayName: options.displayName });
    }
    const displayName = options.displayName ?? account?.displayName;
    return new MemoryUserAgent(this, { ...options, displayName }, this.noAnswerTimeoutMs);
  }

  /** The user agent currently registered as `number`, if any. */
  registeredAs(number: string): MemoryUserAgent | undefined {
    return this.bindings.get(number);
  }

  /** Deliveries queued and not run yet. */
  get pendingDeliveries(): number {
    return this.queue.size;
  }

  /**
   * Resolve once every queued delivery (and whatever they queued in turn) has run. Rejects with the
   * first error a listener threw since the last `settle()`, so a broken listener fails the test.
   */
  async settle(): Promise<void> {
    await this.queue.settle();
    if (this.errors.length > 0) {
      const [first] = this.errors.splice(0, this.errors.length);
      throw first;
    }
  }

  // ---- Wiring used by user agents and calls ----------------------------------------------------

  /** @internal a fresh id: `mem-<kind>-<n>` */
  nextId(kind: 'call' | 'tag' | 'refer'): string {
    this.counter += 1;
    return `mem-${kind}-${this.counter}`;
  }

  /** @internal */
  reportError(error: unknown): void {
    this.errors.push(error);
  }

  /** @internal run a task after everything queued so far */
  defer(task: () => void): void {
    this.queue.enqueue(task);
  }

  /**
   * @internal deliver `message` from one leg to the other. A request that cannot travel because
   * either end has no transport is lost; a re-INVITE or REFER then times out (408) for its sender.
   */
  send(from: MemoryCall, to: MemoryCall, message: LegMessage): void {
    const fromReachable = from.owner.reachable;
    this.queue.enqueue(() => {
      if (!fromReachable || !to.owner.reachable) return this.timeOut(from, message);
      to.receive(message);
    });
  }

  /** @internal the network ends a leg whose far side vanished with its transport */
  abort(leg: MemoryCall): void {
    this.queue.enqueue(() => leg.receive({ kind: 'abort' }));
  }

  /** @internal answer an outgoing leg's INVITE with a failure from the network itself */
  decline(caller: MemoryCall, code: number): void {
    this.queue.enqueue(() => caller.receive({ kind: 'decline', code, reason: reasonPhrase(code) }));
  }

  /** @internal route an INVITE to the user agent registered as `number` */
  invite(caller: MemoryCall, number: string, replaces: DialogRef | null): void {
    this.queue.enqueue(() => {
      if (caller.state === 'terminated') return;
      const respond = (code: number, reason = reasonPhrase(code)) => caller.receive({ kind: 'decline', code, reason });
      if (!caller.owner.reachable) return respond(408);
      if (!this.accounts.has(number)) return respond(404);
      const callee = this.bindings.get(number);
      if (callee === undefined || !callee.reachable) return respond(480);
      if (callee === caller.owner) return respond(482);
      const failure = callee.receiveInvite(caller, replaces);
      if (failure !== null) this.queue.enqueue(() => respond(failure.code, failure.reason));
    });
  }

  /** @internal check REGISTER credentials; `null` when they are good */
  authenticate(number: string, credentials: Credentials): RegistrationFailure | null {
    const account = this.accounts.get(number);
    if (account === undefined) return { cause: 'not-found', code: 404 };
    if (credentials.authorizationUser !== number) return { cause: 'rejected', code: 403 };
    if (account.password === undefined && account.ha1 === undefined) return null;
    if (credentials.ha1 !== undefined) {
      return account.ha1 !== undefined && credentials.ha1 === account.ha1 ? null : { cause: 'authentication-error', code: 401 };
    }
    if (credentials.password !== undefined && credentials.password === account.password) return null;
    return { cause: 'authentication-error', code: 401 };
  }

  /** @internal the registrar binds `ua`'s number to it */
  bind(ua: MemoryUserAgent): void {
    this.bindings.set(ua.number, ua);
  }

  /** @internal the registrar drops `ua`'s binding (if it still holds it) */
  unbind(ua: MemoryUserAgent): void {
    if (this.bindings.get(ua.number) === ua) this.bindings.delete(ua.number);
  }

  private timeOut(from: MemoryCall, message: LegMessage): void {
    const reason = reasonPhrase(408);
    if (message.kind === 'reinvite') from.receive({ kind: 'reinvite-response', hold: message.hold, code: 408, reason });
    if (message.kind === 'refer') from.receive({ kind: 'refer-response', code: 408, reason });
  }
}
