/**
 * Recording doubles for the machines' invoked children: a `sip` double for call actors and a `ua`
 * double for the phone. Each records every command it receives and can send SIP/UA events back to
 * the machine that invoked it, on demand.
 */
import { fromCallback } from 'xstate';
import type { CallPortEvent, RemoteIdentity } from '../../machines/port';
import type { CallPortCommand } from '../../machines/call.types';
import type { AgentCommand, AgentEvent } from '../../machines/phone.types';

type SipEvent = Exclude<CallPortEvent, { type: 'MEDIA.STREAM' }>;

/** What one call's `sip` double saw. */
export interface SipChannel {
  readonly callId: string;
  readonly commands: CallPortCommand[];
  /** The `sendBack` of the running double, once the call actor started it. */
  sendBack: ((event: SipEvent) => void) | null;
  /** True once the call actor stopped its `sip` child. */
  stopped: boolean;
}

/** A `sip` actor implementation recording per call (keyed by the `callId` input). */
export function recordingSip() {
  const channels = new Map<string, SipChannel>();
  const channel = (callId: string): SipChannel => {
    let found = channels.get(callId);
    if (!found) {
      found = { callId, commands: [], sendBack: null, stopped: false };
      channels.set(callId, found);
    }
    return found;
  };
  const logic = fromCallback<CallPortCommand, { callId: string }>(({ input, receive, sendBack }) => {
    const ch = channel(input.callId);
    ch.sendBack = sendBack as (event: SipEvent) => void;
    ch.stopped = false;
    receive((command) => {
      ch.commands.push(command);
    });
    return () => {
      ch.stopped = true;
    };
  });
  return {
    logic,
    channel,
    /** Commands the call `callId` sent to its port so far. */
    commands: (callId: string): CallPortCommand[] => channel(callId).commands,
    /** Command types only, for terse assertions. */
    types: (callId: string): string[] => channel(callId).commands.map((c) => c.type),
    /** Report a SIP event from the port of call `callId`. */
    send(callId: string, event: SipEvent): void {
      const ch = channel(callId);
      if (!ch.sendBack) throw new Error(`no sip double running for ${callId}`);
      ch.sendBack(event);
    },
    clear(callId: string): void {
      channel(callId).commands.length = 0;
    },
  };
}

export type RecordingSip = ReturnType<typeof recordingSip>;

/** A `ua` actor implementation recording the phone's agent commands. */
export function recordingUa() {
  const state = {
    commands: [] as AgentCommand[],
    sendBack: null as ((event: AgentEvent) => void) | null,
    stopped: false,
  };
  const logic = fromCallback<AgentCommand, Record<string, never>>(({ receive, sendBack }) => {
    state.sendBack = sendBack as (event: AgentEvent) => void;
    receive((command) => {
      state.commands.push(command);
    });
    return () => {
      state.stopped = true;
    };
  });
  return {
    logic,
    state,
    get commands(): AgentCommand[] {
      return state.commands;
    },
    types: (): string[] => state.commands.map((c) => c.type),
    send(event: AgentEvent): void {
      if (!state.sendBack) throw new Error('no ua double running');
      state.sendBack(event);
    },
    clear(): void {
      state.commands.length = 0;
    },
  };
}

export type RecordingUa = ReturnType<typeof recordingUa>;

/** A far end identity for tests. */
export function remote(number: string, name: string | null = null): RemoteIdentity {
  return { number, name, uri: `sip:${number}@example.test` };
}
