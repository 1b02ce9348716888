import type { Credentials, UserAgentCause } from '../../machines/port';
import type { MemoryFaults, ScriptedResponse } from './faults';
import type { DialogRef, LegMessage } from './messages';

/**
 * What a call leg and a user agent need from the parts around them: the user agent that owns a leg,
 * and the network that carries both. Written over the leg's and the agent's type (`Leg`, `Agent`),
 * so that these contracts need neither class and neither class needs the network.
 */

/** What a call leg needs from the user agent that owns it. */
export interface CallOwner<Leg> {
  /** The user agent can send and receive signalling (started, connected, not disposed). */
  readonly reachable: boolean;
  /** The faults currently scripted on the user agent. */
  readonly faults: MemoryFaults;
  /** Consume one scripted re-INVITE failure, if any is left. */
  takeReinviteFault(): ScriptedResponse | null;
  /** A REFER arrived on one of the user agent's calls. */
  receiveRefer(leg: Leg, target: string, replaces: DialogRef | null): void;
  /** The leg was disposed; the user agent stops knowing it. */
  forget(leg: Leg): void;
}

/** The network as a call leg sees it. */
export interface CallLink<Leg> {
  /** Deliver a message to the far leg later, in order, when both ends are reachable. */
  send(from: Leg, to: Leg, message: LegMessage): void;
  /** Run a task later, in order with the deliveries (a round trip to the PBX). */
  defer(task: () => void): void;
  /** A listener threw; remember it for `settle()`. */
  reportError(error: unknown): void;
}

/** Why the registrar refused a REGISTER. */
export interface RegistrationFailure {
  /** `authentication-error` (401 wrong secret), `rejected` (403 wrong user) or `not-found` (404 no account). */
  readonly cause: UserAgentCause;
  /** SIP status code of the refusal. */
  readonly code: number;
}

/** The network as a user agent sees it: registrar, proxy and wire. */
export interface AgentLink<Leg, Agent> extends CallLink<Leg> {
  /** The SIP domain of every number on the network. */
  readonly domain: string;
  /** A fresh id: `mem-<kind>-<n>`. */
  nextId(kind: 'call' | 'tag' | 'refer'): string;
  /** End a leg whose far side vanished with its transport. */
  abort(leg: Leg): void;
  /** Answer an outgoing leg's INVITE with a failure from the network itself. */
  decline(caller: Leg, code: number): void;
  /** Route an INVITE to the user agent registered as `number`. */
  invite(caller: Leg, number: string, replaces: DialogRef | null): void;
  /** Check REGISTER credentials; `null` when they are good. */
  authenticate(number: string, credentials: Credentials): RegistrationFailure | null;
  /** The registrar binds the agent's number to it. */
  bind(ua: Agent): void;
  /** The registrar drops the agent's binding (if it still holds it). */
  unbind(ua: Agent): void;
}
