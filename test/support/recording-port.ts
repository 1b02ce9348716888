/**
 * Recording doubles for the machines' effects: a port double for call actors (their `tellPort`
 * action) and a `ua` double for the phone (its invoked `ua` actor). Each records every command it
 * receives and can send SIP/UA events to the machine, on demand.
 */
import { fromCallback } from 'xstate';
import type { CallPortEvent, RemoteIdentity } from '../../machines/port';
import type { CallEvent, CallPortCommand } from '../../machines/call.types';
import type { AgentCommand, AgentEvent } from '../../machines/phone.types';

/** What one call's port double saw. */
export interface SipChannel {
  readonly callId: string;
  readonly commands: CallPortCommand[];
}

/** Where the double delivers a call's port events: the call actor of that id, if it exists. */
export type CallResolver = (callId: string) => { send(event: CallEvent): void } | undefined;

/**
 * A port double recording per call: `tellPort` is the call machine's action implementation (keyed by
 * the call's id); `send` delivers a port event to the call actor `resolve` finds, as the phone's port
 * bridge does.
 */
export function recordingSip() {
  const channels = new Map<string, SipChannel>();
  let resolve: CallResolver = () => undefined;
  const channel = (callId: string): SipChannel => {
    let found = channels.get(callId);
    if (!found) {
      found = { callId, commands: [] };
      channels.set(callId, found);
    }
    return found;
  };
  const tellPort = ({ context }: { context: { callId: string } }, command: CallPortCommand): void => {
    channel(context.callId).commands.push(command);
  };
  return {
    tellPort,
    channel,
    /** Where `send` finds the call actors. */
    resolveWith(resolver: CallResolver): void {
      resolve = resolver;
    },
    /** Commands the call `callId` sent to its port so far. */
    commands: (callId: string): CallPortCommand[] => channel(callId).commands,
    /** Command types only, for terse assertions. */
    types: (callId: string): string[] => channel(callId).commands.map((c) => c.type),
    /** Report an event from the port of call `callId`. */
    send(callId: string, event: CallPortEvent): void {
      const call = resolve(callId);
      if (!call) throw new Error(`no call actor ${callId}`);
      call.send(event);
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
