/**
 * Runs the phone machine with a recording `ua` double; its spawned calls run the real call machine
 * with a recording `sip` double, so tests can drive both levels.
 */
import { createActor } from 'xstate';
import type { CallDirection, CallPortEvent } from '../../machines/port';
import { callMachine } from '../../machines/call.machine';
import { phoneMachine } from '../../machines/phone.machine';
import type { CallEvent } from '../../machines/call.types';
import type { AgentEvent, PhoneEmitted, PhoneEvent, PhoneInput } from '../../machines/phone.types';
import { recordingSip, recordingUa, remote } from './recording-port';

const running = new Set<{ stop(): void }>();

/** Stop every actor started by this harness (call from afterEach: ending/retry timers would keep Jest alive). */
export function stopAllPhones(): void {
  for (const actor of running) actor.stop();
  running.clear();
}

export function startPhone(input: PhoneInput = {}) {
  const ua = recordingUa();
  const sip = recordingSip();
  const machine = phoneMachine.provide({
    actors: { ua: ua.logic, call: callMachine.provide({ actions: { tellPort: sip.tellPort } }) },
  });
  const actor = createActor(machine, { input });
  sip.resolveWith((callId) => actor.getSnapshot().context.calls[callId]?.ref);
  const emitted: PhoneEmitted[] = [];
  const errors: unknown[] = [];
  actor.on('*', (event) => {
    emitted.push(event as PhoneEmitted);
  });
  actor.subscribe({ error: (error) => errors.push(error) });
  actor.start();
  running.add(actor);

  const h = {
    actor,
    ua,
    sip,
    emitted,
    errors,
    get snapshot() {
      return actor.getSnapshot();
    },
    get context() {
      return actor.getSnapshot().context;
    },
    send: (event: PhoneEvent): void => actor.send(event),
    can: (event: PhoneEvent): boolean => actor.getSnapshot().can(event),
    /** The user agent reports `event`. */
    agent: (event: AgentEvent): void => ua.send(event),
    /** The port of call `callId` reports `event`. */
    port: (callId: string, event: CallPortEvent): void => sip.send(callId, event),
    /** Send a command straight to a call actor (as the facade's Session does). */
    toCall: (callId: string, event: CallEvent): void => {
      const entry = actor.getSnapshot().context.calls[callId];
      if (!entry) throw new Error(`no call ${callId}`);
      entry.ref.send(event);
    },
    call: (callId: string) => actor.getSnapshot().context.calls[callId]?.ref.getSnapshot(),
    child: (callId: string) => (actor.getSnapshot().children as Record<string, unknown>)[callId],
    emittedTypes: (): string[] => emitted.map((e) => e.type),
    emittedOf: <T extends PhoneEmitted['type']>(type: T) =>
      emitted.filter((e): e is Extract<PhoneEmitted, { type: T }> => e.type === type),
    clearEmitted: (): void => {
      emitted.length = 0;
    },

    /** PHONE.START then UA.CONNECTED (then UA.REGISTERED when auto-registering). */
    connect(register = true): void {
      actor.send({ type: 'PHONE.START' });
      ua.send({ type: 'UA.CONNECTED' });
      if (register) ua.send({ type: 'UA.REGISTERED' });
    },
    /** The user agent reports a new call. */
    created(
      callId: string,
      direction: CallDirection,
      extra: { consultationFor?: string | null; replacesCallId?: string | null; referredFrom?: string | null; number?: string } = {},
    ): void {
      ua.send({
        type: 'UA.CALL.CREATED',
        callId,
        direction,
        remote: remote(extra.number ?? callId),
        replacesCallId: extra.replacesCallId ?? null,
        referredFrom: extra.referredFrom ?? null,
        consultationFor: extra.consultationFor ?? null,
      });
    },
    /** Bring call `callId` to confirmed, from whichever side. */
    confirm(callId: string): void {
      const snap = h.call(callId);
      if (!snap) throw new Error(`no call ${callId}`);
      if (snap.context.direction === 'incoming') {
        actor.send({ type: 'PHONE.ANSWER', callId, options: {} });
      } else {
        sip.send(callId, { type: 'SIP.PROGRESS', code: 180, earlyMedia: false, remote: null, dialog: null, video: null });
        sip.send(callId, { type: 'SIP.ANSWERED', remote: null, dialog: null, video: null });
        return;
      }
      sip.send(callId, { type: 'SIP.ACK.RECEIVED', dialog: null });
    },
    /** The far end hangs up call `callId`. */
    remoteBye(callId: string): void {
      sip.send(callId, { type: 'SIP.ENDED', cause: 'bye', code: null, originator: 'remote' });
    },
  };
  return h;
}

export type PhoneHarness = ReturnType<typeof startPhone>;
