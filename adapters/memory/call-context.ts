import type { MemoryCall } from './call';
import type { MemoryFaults, ScriptedResponse } from './faults';
import type { DialogRef, LegMessage } from './messages';

/** What a call leg needs from the user agent that owns it. */
export interface CallOwner {
  /** The user agent can send and receive signalling (started, connected, not disposed). */
  readonly reachable: boolean;
  /** The faults currently scripted on the user agent. */
  readonly faults: MemoryFaults;
  /** Consume one scripted re-INVITE failure, if any is left. */
  takeReinviteFault(): ScriptedResponse | null;
  /** A REFER arrived on one of the user agent's calls. */
  receiveRefer(leg: MemoryCall, target: string, replaces: DialogRef | null): void;
  /** The leg was disposed; the user agent stops knowing it. */
  forget(leg: MemoryCall): void;
}

/** The network as a call leg sees it. */
export interface CallLink {
  /** Deliver a message to the far leg later, in order, when both ends are reachable. */
  send(from: MemoryCall, to: MemoryCall, message: LegMessage): void;
  /** Run a task later, in order with the deliveries (a round trip to the PBX). */
  defer(task: () => void): void;
  /** A listener threw; remember it for `settle()`. */
  reportError(error: unknown): void;
}
