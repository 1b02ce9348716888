/**
 * Runs one call machine against a recording `sip` double and collects what it emits.
 */
import { createActor } from 'xstate';
import type { CallPortEvent } from '../../machines/port';
import { callMachine } from '../../machines/call.machine';
import type { CallEmitted, CallEvent, CallInput, CallPortCommand } from '../../machines/call.types';
import { recordingSip, remote } from './recording-port';

const running = new Set<{ stop(): void }>();

/** Stop every actor started by this harness (call from afterEach: ending/retry timers would keep Jest alive). */
export function stopAllCalls(): void {
  for (const actor of running) actor.stop();
  running.clear();
}

export function startCall(input: Partial<CallInput> = {}) {
  const callId = input.callId ?? 'call-1';
  const sip = recordingSip();
  const actor = createActor(callMachine.provide({ actions: { tellPort: sip.tellPort } }), {
    input: { callId, direction: 'outgoing', remote: remote('1002', 'Bob'), ...input },
  });
  sip.resolveWith((id) => (id === callId ? actor : undefined));
  const emitted: CallEmitted[] = [];
  const errors: unknown[] = [];
  actor.on('*', (event) => {
    emitted.push(event as CallEmitted);
  });
  let snapshots = 0;
  actor.subscribe({ next: () => (snapshots += 1), error: (error) => errors.push(error) });
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
    /** The port reports `event` (delivered to the actor, as the phone's port bridge does). */
    port: (event: CallPortEvent): void => sip.send(callId, event),
    /** The app (or the phone) sends a command to the call. */
    send: (event: CallEvent): void => actor.send(event),
    can: (event: CallEvent): boolean => actor.getSnapshot().can(event),
    emittedTypes: (): string[] => emitted.map((e) => e.type),
    /** How many snapshots (macrosteps) the actor went through while `act` ran. */
    snapshotsAfter: (act: () => void): number => {
      const before = snapshots;
      act();
      return snapshots - before;
    },
    emittedOf: <T extends CallEmitted['type']>(type: T) =>
      emitted.filter((e): e is Extract<CallEmitted, { type: T }> => e.type === type),
  };
}

export type CallHarness = ReturnType<typeof startCall>;

/** A 1xx to our INVITE, telling nothing else unless given. */
export function progress(code: number, extra: Partial<Extract<CallPortEvent, { type: 'SIP.PROGRESS' }>> = {}): CallPortEvent {
  return { type: 'SIP.PROGRESS', code, earlyMedia: false, remote: null, dialog: null, video: null, ...extra };
}

/** The 2xx to our INVITE (ACKed), telling nothing else unless given. */
export function answered(extra: Partial<Extract<CallPortEvent, { type: 'SIP.ANSWERED' }>> = {}): CallPortEvent {
  return { type: 'SIP.ANSWERED', remote: null, dialog: null, video: null, ...extra };
}

/** Our 200 to an incoming INVITE went out, telling nothing else unless given. */
export function answerSent(extra: Partial<Extract<CallPortEvent, { type: 'SIP.ANSWER.SENT' }>> = {}): CallPortEvent {
  return { type: 'SIP.ANSWER.SENT', remote: null, dialog: null, video: null, ...extra };
}

/** The far end's re-INVITE: on hold or not, with video or not, offering to add video or not. */
export function reinvite(held: boolean, video = false, videoOffered = false): CallPortEvent {
  return { type: 'SIP.REINVITE', video, held, videoOffered };
}

/** Outgoing call: 180, 200, ACK. */
export function confirmedOutgoing(input: Partial<CallInput> = {}): CallHarness {
  const h = startCall({ direction: 'outgoing', ...input });
  h.port(progress(180));
  h.port(answered());
  h.clearCommands();
  h.emitted.length = 0;
  return h;
}

/** Incoming call answered by us and confirmed. */
export function confirmedIncoming(input: Partial<CallInput> = {}): CallHarness {
  const h = startCall({ direction: 'incoming', ...input });
  h.send({ type: 'CALL.ANSWER', options: {} });
  h.port(answerSent());
  h.port({ type: 'SIP.ACK.RECEIVED', dialog: null });
  h.clearCommands();
  h.emitted.length = 0;
  return h;
}

export const DTMF_OPTIONS = { transport: 'rfc2833', durationMs: 100, interToneGapMs: 70 } as const;
