/**
 * Runs one call machine against a recording `sip` double and collects what it emits.
 */
import { createActor } from 'xstate';
import type { CallPortEvent } from '../../machines/port';
import { callMachine } from '../../machines/call.machine';
import type { CallEmitted, CallEvent, CallInput, CallPortCommand } from '../../machines/call.types';
import { recordingSip, remote } from './recording-port';

type SipEvent = Exclude<CallPortEvent, { type: 'MEDIA.STREAM' }>;

const running = new Set<{ stop(): void }>();

/** Stop every actor started by this harness (call from afterEach: ending/retry timers would keep Jest alive). */
export function stopAllCalls(): void {
  for (const actor of running) actor.stop();
  running.clear();
}

export function startCall(input: Partial<CallInput> = {}) {
  const callId = input.callId ?? 'call-1';
  const sip = recordingSip();
  const actor = createActor(callMachine.provide({ actors: { sip: sip.logic } }), {
    input: { callId, direction: 'outgoing', remote: remote('1002', 'Bob'), ...input },
  });
  const emitted: CallEmitted[] = [];
  const errors: unknown[] = [];
  actor.on('*', (event) => {
    emitted.push(event as CallEmitted);
  });
  actor.subscribe({ error: (error) => errors.push(error) });
  actor.start();
  running.add(actor);
  return {
    actor,
    callId,
    sip,
    emitted,
    errors,
    get snapshot() {
      return actor.getSnapshot();
    },
    commands: (): CallPortCommand[] => sip.commands(callId),
    types: (): string[] => sip.types(callId),
    clearCommands: (): void => sip.clear(callId),
    /** The port reports `event` (delivered through the double's sendBack, as a real port would). */
    port: (event: SipEvent): void => sip.send(callId, event),
    /** The app (or the phone) sends a command to the call. */
    send: (event: CallEvent): void => actor.send(event),
    can: (event: CallEvent): boolean => actor.getSnapshot().can(event),
    emittedTypes: (): string[] => emitted.map((e) => e.type),
    emittedOf: <T extends CallEmitted['type']>(type: T) =>
      emitted.filter((e): e is Extract<CallEmitted, { type: T }> => e.type === type),
  };
}

export type CallHarness = ReturnType<typeof startCall>;

/** Outgoing call: 180, 200, ACK. */
export function confirmedOutgoing(input: Partial<CallInput> = {}): CallHarness {
  const h = startCall({ direction: 'outgoing', ...input });
  h.port({ type: 'SIP.PROGRESS', code: 180, earlyMedia: false });
  h.port({ type: 'SIP.ACCEPTED', originator: 'remote' });
  h.port({ type: 'SIP.CONFIRMED' });
  h.clearCommands();
  h.emitted.length = 0;
  return h;
}

/** Incoming call answered by us and confirmed. */
export function confirmedIncoming(input: Partial<CallInput> = {}): CallHarness {
  const h = startCall({ direction: 'incoming', ...input });
  h.send({ type: 'CALL.ANSWER', options: {} });
  h.port({ type: 'SIP.ACCEPTED', originator: 'local' });
  h.port({ type: 'SIP.CONFIRMED' });
  h.clearCommands();
  h.emitted.length = 0;
  return h;
}

export const DTMF_OPTIONS = { transport: 'rfc2833', durationMs: 100, interToneGapMs: 70 } as const;
