import { assign, emit, enqueueActions, fromCallback, sendTo, setup, stateIn, stopChild } from 'xstate';
import type { DoneActorEvent, EventObject } from 'xstate';
import { callMachine } from './call.machine';
import { callEntry, hasCall } from './call-ids';
import { DEFAULT_REJECT_CODE, systemClock } from './call.types';
import type { CallOutput } from './call.types';
import type {
  AgentCommand,
  CallDoneEvent,
  AgentEvent,
  CallEntry,
  PhoneContext,
  PhoneEmitted,
  PhoneEvent,
  PhoneInput,
  PhoneSettings,
  ReferOutcome,
  ReferQuestion,
} from './phone.types';
import { consultationOf, isMaxCall, nextCurrentCall, transferParentOf } from './phone.queries';

/** Defaults of every phone setting. */
export const DEFAULT_PHONE_SETTINGS: PhoneSettings = {
  maxCalls: 2,
  callWaiting: true,
  autoHold: true,
  register: true,
  reRegistryPhoneTimes: 5,
  registrationRetryBaseMs: 2_000,
  registrationRetryMaxMs: 60_000,
  overCapCode: 486,
  rejectCode: DEFAULT_REJECT_CODE,
  referTimeoutMs: 30_000,
};

/** Code a ringing incoming call is declined with when the phone goes offline (480 Temporarily Unavailable). */
export const OFFLINE_REJECT_CODE = 480;

type CallCreated = Extract<AgentEvent, { type: 'UA.CALL.CREATED' }>;

/** Ids of the actor that asks the app about a REFER, and of the end of the wait for its answer. */
const referDecisionId = (referId: string) => `refer-decision:${referId}`;
const referTimeoutId = (referId: string) => `refer-timeout:${referId}`;

/** Registration failures not worth retrying: the same credentials would fail the same way. */
const PERMANENT_REGISTRATION_CODES = new Set([401, 403, 404, 407]);

function registrationRetryDelay(context: PhoneContext): number {
  const exponent = Math.max(0, context.registrationAttempts - 1);
  return Math.min(context.registrationRetryBaseMs * 2 ** exponent, context.registrationRetryMaxMs);
}

function mayRetryRegistration(context: PhoneContext): boolean {
  const failure = context.lastRegistrationFailure;
  const permanent = failure !== null && failure.code !== null && PERMANENT_REGISTRATION_CODES.has(failure.code);
  return !permanent && context.registrationAttempts <= context.reRegistryPhoneTimes;
}

/** The phone machine as defined, before its call done events are renamed. */
const definition = setup({
  types: {
    context: {} as PhoneContext,
    events: {} as PhoneEvent,
    input: {} as PhoneInput,
    emitted: {} as PhoneEmitted,
  },
  actors: {
    call: callMachine,
    ua: fromCallback<AgentCommand, Record<string, never>>(() => undefined),
    /** Asks the app whether to follow an incoming REFER; answers with `PHONE.REFER.DECIDED`. Accepts by default. */
    referDecision: fromCallback<EventObject, ReferQuestion>(({ input, sendBack }) => {
      sendBack({ type: 'PHONE.REFER.DECIDED', referId: input.referId, accept: true });
    }),
  },
  actions: {
    tellAgent: sendTo('ua', (_, command: AgentCommand) => command),
    addCall: enqueueActions(({ context, event, enqueue }) => {
      const created = event as CallCreated;
      if (hasCall(context.calls, created.callId)) return;
      const replaced = created.replacesCallId !== null && hasCall(context.calls, created.replacesCallId) ? created.replacesCallId : null;
      const incoming = created.direction === 'incoming';
      if (incoming && replaced === null && isMaxCall(context)) {
        enqueue.sendTo('ua', { type: 'AGENT.REJECT_CALL', callId: created.callId, code: context.overCapCode });
        enqueue.emit({ type: 'incoming.rejected', callId: created.callId, remote: created.remote, code: context.overCapCode, reason: 'over-cap' });
        return;
      }
      const consultationFor = created.consultationFor !== null && hasCall(context.calls, created.consultationFor) ? created.consultationFor : null;
      const becomesCurrent = !incoming || context.currentSessionID === null || (replaced !== null && context.currentSessionID === replaced);
      enqueue.assign(({ context: current, spawn }) => {
        const ref = spawn('call', {
          id: created.callId,
          input: {
            callId: created.callId,
            direction: created.direction,
            remote: created.remote,
            recordPermissions: current.recordPermissions,
            consultationFor,
            rejectCode: current.rejectCode,
            clock: current.clock,
          },
        });
        const entry: CallEntry = { ref, direction: created.direction, consultationFor, awaitingAnswer: incoming && replaced === null };
        return {
          calls: { ...current.calls, [created.callId]: entry },
          order: [...current.order, created.callId],
          currentSessionID: becomesCurrent ? created.callId : current.currentSessionID,
        };
      });
      if (consultationFor !== null) {
        enqueue.sendTo(context.calls[consultationFor].ref, { type: 'CALL.TRANSFER.CONSULT', consultationId: created.callId });
      }
      enqueue.emit({ type: 'call.created', callId: created.callId, direction: created.direction, consultationFor });
      if (incoming && replaced === null) enqueue.emit({ type: 'call.incoming', callId: created.callId });
      if (replaced !== null) enqueue.sendTo(created.callId, { type: 'CALL.ANSWER', options: {} });
      if (!incoming || replaced !== null) {
        enqueue.emit({ type: 'call.started', callId: created.callId });
        if (context.autoHold) {
          for (const id in context.calls) {
            if (id !== replaced && id !== created.referredFrom) enqueue.sendTo(context.calls[id].ref, { type: 'CALL.HOLD' });
          }
        }
      }
      if (becomesCurrent) enqueue.emit({ type: 'current.changed', currentSessionID: created.callId });
    }),
    answerCall: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'PHONE.ANSWER') return;
      const entry = callEntry(context.calls, event.callId);
      if (!entry) return;
      enqueue.sendTo(entry.ref, { type: 'CALL.ANSWER', options: event.options });
      enqueue.assign({
        calls: ({ context: current }) => ({ ...current.calls, [event.callId]: { ...entry, awaitingAnswer: false } }),
        currentSessionID: event.callId,
      });
      if (context.autoHold) {
        for (const id in context.calls) if (id !== event.callId) enqueue.sendTo(context.calls[id].ref, { type: 'CALL.HOLD' });
      }
      enqueue.emit({ type: 'call.started', callId: event.callId });
      if (context.currentSessionID !== event.callId) enqueue.emit({ type: 'current.changed', currentSessionID: event.callId });
    }),
    removeCall: enqueueActions(({ context, event, enqueue }) => {
      const done = event as DoneActorEvent<CallOutput> | CallDoneEvent;
      const output = done.output;
      const entry = callEntry(context.calls, output.callId);
      if (!entry) return;
      const wasCurrent = context.currentSessionID === output.callId;
      const next = wasCurrent ? nextCurrentCall(context, output.callId) : context.currentSessionID;
      const consultation = consultationOf(context, output.callId);
      enqueue(stopChild(entry.ref));
      enqueue.assign(({ context: current }) => {
        const calls = { ...current.calls };
        delete calls[output.callId];
        if (consultation !== null && calls[consultation] && output.end.cause !== 'transferred') {
          calls[consultation] = { ...calls[consultation], consultationFor: null };
        }
        return { calls, order: current.order.filter((id) => id !== output.callId), currentSessionID: next };
      });
      if (entry.consultationFor !== null && hasCall(context.calls, entry.consultationFor)) {
        enqueue.sendTo(context.calls[entry.consultationFor].ref, { type: 'CALL.TRANSFER.CONSULTATION_ENDED' });
      }
      if (consultation !== null && output.end.cause === 'transferred') {
        enqueue.sendTo(context.calls[consultation].ref, { type: 'CALL.HANGUP' });
      }
      enqueue.emit({ type: 'call.removed', callId: output.callId, end: output.end });
      if (wasCurrent) enqueue.emit({ type: 'current.changed', currentSessionID: next });
    }),
    endCalls: enqueueActions(({ context, enqueue }) => {
      for (const id of context.order) {
        const entry = context.calls[id];
        if (entry) enqueue.sendTo(entry.ref, { type: 'CALL.HANGUP', rejectCode: OFFLINE_REJECT_CODE });
      }
    }),
    receiveRefer: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'UA.REFER.RECEIVED') return;
      const { referId, callId, target } = event;
      const refused: ReferOutcome | null = !hasCall(context.calls, callId) ? 'call-ended' : isMaxCall(context) ? 'over-cap' : null;
      if (refused !== null) {
        enqueue.sendTo('ua', { type: 'AGENT.REJECT_REFER', referId });
        enqueue.emit({ type: 'refer.received', callId, target, accepted: false, outcome: refused });
        return;
      }
      enqueue.assign({ refers: ({ context: current }) => ({ ...current.refers, [referId]: { callId, target } }) });
      enqueue.raise({ type: 'PHONE.REFER.TIMEOUT', referId }, { id: referTimeoutId(referId), delay: context.referTimeoutMs });
      enqueue.spawnChild('referDecision', { id: referDecisionId(referId), input: { referId, callId, target } });
    }),
    /**
     * Settles the REFERs an event decides: the app's answer, the end of the wait for it, or the end
     * of the call the REFER came on. Accepting checks the cap again: another call may have come
     * while the app was deciding.
     */
    settleRefers: enqueueActions(({ context, event, enqueue }) => {
      const settled: Array<[string, ReferOutcome]> = [];
      if (event.type === 'PHONE.REFER.TIMEOUT') settled.push([event.referId, 'timeout']);
      else if (event.type === 'PHONE.REFER.DECIDED') {
        settled.push([event.referId, !event.accept ? 'declined' : isMaxCall(context) ? 'over-cap' : 'accepted']);
      } else if ('output' in event) {
        const ended = (event as CallDoneEvent).output.callId;
        for (const referId in context.refers) if (context.refers[referId].callId === ended) settled.push([referId, 'call-ended']);
      }
      for (const [referId, outcome] of settled) {
        const pending = context.refers[referId];
        if (!pending) continue;
        enqueue.cancel(referTimeoutId(referId));
        enqueue(stopChild(referDecisionId(referId)));
        enqueue.assign({
          refers: ({ context: current }) => Object.fromEntries(Object.entries(current.refers).filter(([id]) => id !== referId)),
        });
        const accepted = outcome === 'accepted';
        enqueue.sendTo(
          'ua',
          accepted ? { type: 'AGENT.ACCEPT_REFER', referId, callId: pending.callId } : { type: 'AGENT.REJECT_REFER', referId },
        );
        enqueue.emit({ type: 'refer.received', callId: pending.callId, target: pending.target, accepted, outcome });
      }
    }),
    forwardPermissions: enqueueActions(({ context, enqueue }) => {
      for (const id in context.calls) {
        enqueue.sendTo(context.calls[id].ref, { type: 'CALL.PERMISSIONS', recordPermissions: context.recordPermissions });
      }
      enqueue.emit({ type: 'recordPermissions.changed', recordPermissions: context.recordPermissions });
    }),
    completeTransfer: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'PHONE.TRANSFER.COMPLETE') return;
      const parent = transferParentOf(context, event.callId);
      if (parent !== null) enqueue.sendTo(context.calls[parent].ref, { type: 'CALL.TRANSFER.COMPLETE' });
    }),
    linkConsultation: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'PHONE.TRANSFER.LINK') return;
      const entry = callEntry(context.calls, event.consultationId)!;
      enqueue.assign({
        calls: ({ context: current }) => ({ ...current.calls, [event.consultationId]: { ...entry, consultationFor: event.callId } }),
      });
      enqueue.sendTo(entry.ref, { type: 'CALL.TRANSFER.LINKED', parentId: event.callId });
      enqueue.sendTo(context.calls[event.callId].ref, { type: 'CALL.TRANSFER.CONSULT', consultationId: event.consultationId });
    }),
    cancelTransfer: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'PHONE.TRANSFER.CANCEL') return;
      const parent = transferParentOf(context, event.callId);
      if (parent === null) return;
      const consultation = consultationOf(context, parent);
      enqueue.sendTo(context.calls[parent].ref, { type: 'CALL.TRANSFER.CANCEL' });
      if (consultation !== null) enqueue.sendTo(context.calls[consultation].ref, { type: 'CALL.HANGUP' });
    }),
  },
  guards: {
    mayPlaceCall: ({ context, event }) => {
      if (event.type !== 'PHONE.CALL') return false;
      const parent = event.consultationFor ?? null;
      // A consultation leg cannot have a consultation of its own: a call is either a parent or a leg.
      if (parent !== null) return hasCall(context.calls, parent) && context.calls[parent].consultationFor === null && consultationOf(context, parent) === null;
      return !isMaxCall(context);
    },
    mayLinkConsultation: ({ context, event }) => {
      if (event.type !== 'PHONE.TRANSFER.LINK') return false;
      const parent = callEntry(context.calls, event.callId);
      const leg = callEntry(context.calls, event.consultationId);
      if (!parent || !leg || event.callId === event.consultationId) return false;
      if (parent.consultationFor !== null || leg.consultationFor !== null || leg.awaitingAnswer) return false;
      if (consultationOf(context, event.callId) !== null || consultationOf(context, event.consultationId) !== null) return false;
      return true;
    },
    knownCall: ({ context, event }) => 'callId' in event && typeof event.callId === 'string' && hasCall(context.calls, event.callId),
    awaitsAnswer: ({ context, event }) => event.type === 'PHONE.ANSWER' && callEntry(context.calls, event.callId)?.awaitingAnswer === true,
    registersAutomatically: ({ context }) => context.register,
    mayRetryRegistration: ({ context }) => mayRetryRegistration(context),
  },
  delays: {
    registrationRetry: ({ context }) => registrationRetryDelay(context),
  },
}).createMachine({
  id: 'phone',
  type: 'parallel',
  context: ({ input }) => ({
    ...DEFAULT_PHONE_SETTINGS,
    ...Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined)),
    clock: input.clock ?? systemClock,
    recordPermissions: input.recordPermissions ?? 0,
    registrationAttempts: 0,
    lastRegistrationFailure: null,
    calls: {},
    refers: {},
    order: [],
    currentSessionID: null,
  }),
  invoke: { id: 'ua', src: 'ua', input: {} },
  on: {
    'PHONE.CALL': {
      guard: 'mayPlaceCall',
      actions: {
        type: 'tellAgent',
        params: ({ event }) => ({ type: 'AGENT.CALL', target: event.target, options: event.options, consultationFor: event.consultationFor ?? null }),
      },
    },
    'UA.CALL.CREATED': { actions: 'addCall' },
    'UA.CALL.REFUSED': { actions: emit(({ event }) => ({ type: 'call.refused' as const, target: event.target, reason: event.reason })) },
    'UA.REFER.RECEIVED': { actions: 'receiveRefer' },
    'PHONE.REFER.DECIDED': { actions: 'settleRefers' },
    'PHONE.REFER.TIMEOUT': { actions: 'settleRefers' },
    'PHONE.ANSWER': { guard: 'awaitsAnswer', actions: 'answerCall' },
    'PHONE.SET_CURRENT': {
      guard: 'knownCall',
      actions: [
        assign({ currentSessionID: ({ event }) => event.callId }),
        emit(({ event }) => ({ type: 'current.changed' as const, currentSessionID: event.callId })),
      ],
    },
    'PHONE.RECORD_PERMISSIONS': {
      actions: [assign({ recordPermissions: ({ event }) => event.recordPermissions }), 'forwardPermissions'],
    },
    'PHONE.CONFIGURE': {
      actions: assign(({ event }) => Object.fromEntries(Object.entries(event.settings).filter(([, value]) => value !== undefined))),
    },
    'PHONE.TRANSFER.COMPLETE': { guard: 'knownCall', actions: 'completeTransfer' },
    'PHONE.TRANSFER.CANCEL': { guard: 'knownCall', actions: 'cancelTransfer' },
    'PHONE.TRANSFER.LINK': { guard: 'mayLinkConsultation', actions: 'linkConsultation' },
    'xstate.done.actor.*': { actions: ['removeCall', 'settleRefers'] },
    'PHONE.CALL_DONE': { actions: ['removeCall', 'settleRefers'] },
  },
  states: {
    transport: {
      initial: 'disconnected',
      states: {
        disconnected: {
          on: { 'PHONE.START': { target: 'connecting', actions: { type: 'tellAgent', params: { type: 'AGENT.START' } } } },
        },
        connecting: {
          on: {
            'UA.CONNECTED': 'connected',
            'UA.DISCONNECTED': 'reconnecting',
          },
        },
        connected: {
          entry: emit({ type: 'transport.connected' as const }),
          on: {
            'UA.DISCONNECTED': {
              target: 'reconnecting',
              actions: emit(({ event }) => ({ type: 'transport.disconnected' as const, cause: event.cause, reason: event.reason })),
            },
          },
        },
        reconnecting: {
          on: { 'UA.CONNECTED': 'connected' },
        },
      },
      on: {
        'PHONE.STOP': [
          {
            guard: stateIn('#phone.transport.disconnected'),
          },
          {
            // Calls end first, each the way its own hang-up would end it, so every end is on the wire and
            // reported with its cause before the transport closes.
            target: '.disconnected',
            actions: ['endCalls', { type: 'tellAgent', params: { type: 'AGENT.STOP' } }, emit({ type: 'transport.disconnected' as const, cause: 'stopped' as const, reason: 'stopped' })],
          },
        ],
      },
    },
    registration: {
      initial: 'unregistered',
      states: {
        unregistered: {
          on: {
            'UA.CONNECTED': { guard: 'registersAutomatically', target: 'registering' },
            'PHONE.REGISTER': { guard: stateIn('#phone.transport.connected'), target: 'registering' },
          },
        },
        registering: {
          entry: { type: 'tellAgent', params: { type: 'AGENT.REGISTER' } },
          on: {
            'UA.REGISTERED': 'registered',
            'UA.REGISTRATION.FAILED': {
              target: 'failed',
              actions: assign({
                registrationAttempts: ({ context }) => context.registrationAttempts + 1,
                lastRegistrationFailure: ({ event }) => ({ cause: event.cause, code: event.code }),
              }),
            },
          },
        },
        registered: {
          entry: [
            assign({ registrationAttempts: 0, lastRegistrationFailure: null }),
            emit({ type: 'registration.registered' as const }),
            emit({ type: 'registration.changed' as const, isRegistered: true }),
          ],
          exit: emit({ type: 'registration.changed' as const, isRegistered: false }),
          on: {
            'UA.UNREGISTERED': { target: 'unregistered', actions: emit({ type: 'registration.unregistered' as const }) },
            'UA.DISCONNECTED': { target: 'unregistered', actions: emit({ type: 'registration.unregistered' as const }) },
            'UA.REGISTRATION.FAILED': {
              target: 'failed',
              actions: assign({
                registrationAttempts: ({ context }) => context.registrationAttempts + 1,
                lastRegistrationFailure: ({ event }) => ({ cause: event.cause, code: event.code }),
              }),
            },
            'PHONE.STOP': { target: 'unregistered', actions: emit({ type: 'registration.unregistered' as const }) },
            'PHONE.UNREGISTER': {
              target: 'unregistered',
              actions: [{ type: 'tellAgent', params: { type: 'AGENT.UNREGISTER' } }, emit({ type: 'registration.unregistered' as const })],
            },
          },
        },
        failed: {
          entry: emit(({ context }) => ({
            type: 'registration.failed' as const,
            cause: context.lastRegistrationFailure?.cause ?? 'internal-error',
            code: context.lastRegistrationFailure?.code ?? null,
            attempt: context.registrationAttempts,
            willRetry: mayRetryRegistration(context),
          })),
          after: { registrationRetry: { guard: 'mayRetryRegistration', target: 'registering' } },
          on: {
            'PHONE.REGISTER': { guard: stateIn('#phone.transport.connected'), target: 'registering' },
          },
        },
      },
      on: {
        'UA.DISCONNECTED': '.unregistered',
        'PHONE.STOP': '.unregistered',
        'PHONE.CREDENTIALS': [
          {
            guard: stateIn('#phone.transport.connected'),
            target: '.registering',
            actions: [
              { type: 'tellAgent', params: ({ event }) => ({ type: 'AGENT.CREDENTIALS', credentials: event.credentials }) },
              assign({ registrationAttempts: 0, lastRegistrationFailure: null }),
            ],
          },
          {
            actions: [
              { type: 'tellAgent', params: ({ event }) => ({ type: 'AGENT.CREDENTIALS', credentials: event.credentials }) },
              assign({ registrationAttempts: 0, lastRegistrationFailure: null, register: true }),
            ],
          },
        ],
      },
    },
  },
});

/** The phone machine's type, for typing actors and snapshots. */
export type PhoneMachine = typeof definition;

const CALL_DONE_PREFIX = 'xstate.done.actor.';

/**
 * The phone machine with every call actor's done event renamed to `PHONE.CALL_DONE`. XState keeps,
 * per state node, the transitions it found for each event type it has seen; a done event's type
 * carries the call's id, so without this a long-lived phone would keep an entry for every call it
 * ever had. The machine `.provide()` makes from the result is renamed the same way.
 */
export function withCallDoneEvents<TMachine extends PhoneMachine>(machine: TMachine): TMachine {
  const logic = Object.create(machine) as TMachine;
  logic.transition = (snapshot, event, scope) => {
    const renamed =
      typeof event.type === 'string' && event.type.startsWith(CALL_DONE_PREFIX) && 'output' in event
        ? { type: 'PHONE.CALL_DONE' as const, output: (event as DoneActorEvent<CallOutput>).output }
        : event;
    return machine.transition(snapshot, renamed, scope);
  };
  logic.provide = ((implementations: Parameters<TMachine['provide']>[0]) => withCallDoneEvents(machine.provide(implementations) as TMachine)) as TMachine['provide'];
  return logic;
}

/**
 * The phone: transport and registration as parallel regions, and one spawned call actor per call,
 * whose done events arrive as `PHONE.CALL_DONE` ({@link withCallDoneEvents}). Pure: the user agent
 * is the invoked `ua` actor, supplied with `.provide()` by the facade.
 */
export const phoneMachine = withCallDoneEvents(definition);
