/**
 * The phone machine as a test model (xstate/graph). A step of the model is one thing that can
 * happen to a phone in the world (the app starts it, the server answers a REGISTER, a caller rings,
 * the app answers…): a model event `MODEL.*` that expands to the phone machine events it causes,
 * applied to the unmodified `phoneMachine` one after the other. Which steps each state offers is
 * read from the snapshot (transport, registration, the call list, the cap), so the paths follow the
 * machine as it changes.
 *
 * Call ids are symbolic in the model (`c1`, `c2`…: the smallest free one for a new call); the run
 * maps the network's Call-IDs onto them as calls appear. Used by test/model/phone.model.test.ts;
 * the executors live in ./model-phone-world.ts.
 */
import equal from 'fast-deep-equal';
import { createEmptyActor } from 'xstate';
import type { ActorLogic, AnyEventObject, SnapshotFrom } from 'xstate';
import { TestModel } from 'xstate/graph';
import type { TestPath } from 'xstate/graph';
import { toPhoneState } from '../../machines/phone.connect';
import type { PhoneState } from '../../machines/phone.connect';
import { phoneMachine } from '../../machines/phone.machine';
import { isMaxCall } from '../../machines/phone.queries';
import type { PhoneEvent, PhoneInput } from '../../machines/phone.types';
import { dropPrefixPaths } from '../../src/flows/paths';

export type PhoneSnapshot = SnapshotFrom<typeof phoneMachine>;

/** The phone under test and the numbers around it. */
export const SELF = '1001';
/** Numbers that call the phone under test, in the order free callers are picked. */
export const CALLERS = ['1002', '1003', '1004'] as const;
/** The number the phone under test calls; it answers every call. */
export const CALLEE = '1005';

/** Settings of the phone under test: few registration retries, short backoff (the run waits for it). */
export const PHONE_INPUT: PhoneInput = { reRegistryPhoneTimes: 2, registrationRetryBaseMs: 25, registrationRetryMaxMs: 100 };

/** What the world can make happen to the phone, one observable step each. */
export type ModelStep =
  | { readonly type: 'MODEL.START' }
  | { readonly type: 'MODEL.STOP' }
  | { readonly type: 'MODEL.CONNECTED' }
  | { readonly type: 'MODEL.TRANSPORT_LOST' }
  | { readonly type: 'MODEL.TRANSPORT_BACK' }
  | { readonly type: 'MODEL.REGISTERED' }
  /** The registrar refuses (401, not worth retrying) or fails (503, retried with backoff). */
  | { readonly type: 'MODEL.REGISTRATION_FAILED'; readonly code: 401 | 503 }
  | { readonly type: 'MODEL.RETRY_TIMER' }
  | { readonly type: 'MODEL.CREDENTIALS' }
  | { readonly type: 'MODEL.CALL_WAITING'; readonly on: boolean }
  | { readonly type: 'MODEL.RECORD_PERMISSIONS'; readonly value: 0 | 2 }
  | { readonly type: 'MODEL.PLACE_CALL' }
  /** The app places a call at the cap: refused, nothing changes but the refusal. */
  | { readonly type: 'MODEL.PLACE_CALL_OVER_CAP' }
  | { readonly type: 'MODEL.INCOMING' }
  /** A call arrives at the cap: the phone answers it 486 by itself. */
  | { readonly type: 'MODEL.INCOMING_OVER_CAP' }
  | { readonly type: 'MODEL.ANSWER'; readonly callId: string }
  | { readonly type: 'MODEL.SET_CURRENT'; readonly callId: string }
  | { readonly type: 'MODEL.HANGUP'; readonly callId: string }
  /**
   * The caller of an answered call transfers us (blind REFER) to the callee: when the phone takes
   * the REFER it calls the callee, and the old call ends once the transfer succeeded.
   */
  | { readonly type: 'MODEL.REFERRED'; readonly callId: string };

export type PhonePath = TestPath<PhoneSnapshot, ModelStep>;

/** Steps that leave the phone's state as it was; the run checks the public event each one fires instead. */
export const SELF_LOOPS: Readonly<Partial<Record<ModelStep['type'], string>>> = {
  'MODEL.PLACE_CALL_OVER_CAP': 'refused',
  'MODEL.INCOMING_OVER_CAP': 'incomingRejected',
};

/** Steps that are a whole exchange between several parties: checked once the network is quiet. */
export const SETTLING: ReadonlySet<ModelStep['type']> = new Set(['MODEL.REFERRED']);

const RETRY_EVENT = 'xstate.after.registrationRetry.phone.registration.failed';

const FAILURES = {
  401: { cause: 'authentication-error', code: 401 },
  503: { cause: 'sip-failure', code: 503 },
} as const;

function newCallId(snapshot: PhoneSnapshot): string {
  for (let n = 1; ; n++) if (!(`c${n}` in snapshot.context.calls)) return `c${n}`;
}

/** The phone machine events a step causes, in order, from `snapshot`. */
export function expand(snapshot: PhoneSnapshot, step: ModelStep): PhoneEvent[] {
  switch (step.type) {
    case 'MODEL.START':
      return [{ type: 'PHONE.START' }];
    case 'MODEL.STOP':
      return [{ type: 'PHONE.STOP' }];
    case 'MODEL.CONNECTED':
    case 'MODEL.TRANSPORT_BACK':
      return [{ type: 'UA.CONNECTED' }];
    case 'MODEL.TRANSPORT_LOST':
      return snapshot.matches({ registration: 'registered' })
        ? [{ type: 'UA.DISCONNECTED', cause: 'connection-error', reason: 'transport dropped' }, { type: 'UA.UNREGISTERED' }]
        : [{ type: 'UA.DISCONNECTED', cause: 'connection-error', reason: 'transport dropped' }];
    case 'MODEL.REGISTERED':
      return [{ type: 'UA.REGISTERED' }];
    case 'MODEL.REGISTRATION_FAILED':
      return [{ type: 'UA.REGISTRATION.FAILED', ...FAILURES[step.code] }];
    case 'MODEL.RETRY_TIMER':
      return [{ type: RETRY_EVENT } as unknown as PhoneEvent];
    case 'MODEL.CREDENTIALS':
      return [{ type: 'PHONE.CREDENTIALS', credentials: { authorizationUser: SELF, ha1: 'model-ha1' } }];
    case 'MODEL.CALL_WAITING':
      return [{ type: 'PHONE.CONFIGURE', settings: { callWaiting: step.on } }];
    case 'MODEL.RECORD_PERMISSIONS':
      return [{ type: 'PHONE.RECORD_PERMISSIONS', recordPermissions: step.value }];
    case 'MODEL.PLACE_CALL':
      return [
        { type: 'PHONE.CALL', target: CALLEE, options: {}, consultationFor: null },
        callCreated(newCallId(snapshot), 'outgoing', CALLEE, null),
      ];
    case 'MODEL.PLACE_CALL_OVER_CAP':
      return [{ type: 'PHONE.CALL', target: CALLEE, options: {}, consultationFor: null }];
    case 'MODEL.INCOMING':
    case 'MODEL.INCOMING_OVER_CAP': {
      // Which caller rings is the world's choice (the first one without a call); the phone does not care.
      const number = CALLERS[0];
      return [callCreated(step.type === 'MODEL.INCOMING' ? newCallId(snapshot) : 'over-cap', 'incoming', number, null)];
    }
    case 'MODEL.ANSWER':
      return [{ type: 'PHONE.ANSWER', callId: step.callId, options: {} }];
    case 'MODEL.SET_CURRENT':
      return [{ type: 'PHONE.SET_CURRENT', callId: step.callId }];
    case 'MODEL.HANGUP':
      return [callDone(step.callId)];
    case 'MODEL.REFERRED': {
      const refer: PhoneEvent = { type: 'UA.REFER.RECEIVED', callId: step.callId, referId: 'model-refer', target: CALLEE };
      // The app (the phone's default decision) accepts; whether the phone then takes the REFER is the
      // machine's decision: read it from what it tells its user agent.
      const decided: PhoneEvent = { type: 'PHONE.REFER.DECIDED', referId: 'model-refer', accept: true };
      const asked = phoneMachine.transition(snapshot, refer, inertScope());
      if (!('model-refer' in asked.context.refers)) return [refer];
      if (!tellsAgent(asked, decided, 'AGENT.ACCEPT_REFER')) return [refer, decided];
      const created: PhoneEvent = callCreated(newCallId(snapshot), 'outgoing', CALLEE, step.callId);
      return [refer, decided, created, callDone(step.callId)];
    }
  }
}

/** The user agent's announcement of a new call with `number` (placed, received or placed for a REFER). */
function callCreated(callId: string, direction: 'incoming' | 'outgoing', number: string, referredFrom: string | null): PhoneEvent {
  return {
    type: 'UA.CALL.CREATED',
    callId,
    direction,
    remote: { number, name: null, uri: `sip:${number}@memory` },
    replacesCallId: null,
    consultationFor: null,
    referredFrom,
  };
}

function callDone(callId: string): PhoneEvent {
  return {
    type: 'PHONE.CALL_DONE',
    output: {
      callId,
      end: { cause: 'bye', code: null, originator: 'local', at: 0 },
      established: true,
      transfer: null,
      consultationFor: null,
      consultation: null,
    },
  };
}

/** True when the machine, given `event` in `snapshot`, sends its user agent a command of type `command`. */
function tellsAgent(snapshot: PhoneSnapshot, event: PhoneEvent, command: string): boolean {
  let told = false;
  const scope = inertScope((action) => {
    const sent = (action.params as { event?: { type?: string } } | undefined)?.event;
    if (sent?.type === command) told = true;
  });
  phoneMachine.transition(snapshot, event, scope);
  return told;
}

/**
 * The steps the memory world can take from `snapshot`. While a delivery is under way (connecting,
 * registering) only its outcomes are offered: an app command issued then would race it. Calls and
 * transport loss are explored on a registered phone without other changes pending.
 */
export function realizableSteps(snapshot: PhoneSnapshot): ModelStep[] {
  const state = toPhoneState(snapshot);
  const { context } = snapshot;
  const calls = context.order.length;
  if (state.transport === 'connecting') return [{ type: 'MODEL.CONNECTED' }];
  if (state.registration === 'registering') {
    // Failures stop once the retries are used up: one more would change nothing but the count.
    return context.registrationAttempts > context.reRegistryPhoneTimes
      ? [{ type: 'MODEL.REGISTERED' }]
      : [{ type: 'MODEL.REGISTERED' }, { type: 'MODEL.REGISTRATION_FAILED', code: 401 }, { type: 'MODEL.REGISTRATION_FAILED', code: 503 }];
  }
  const out: ModelStep[] = [];
  if (state.transport === 'disconnected') out.push({ type: 'MODEL.START' });
  if (state.transport === 'reconnecting') out.push({ type: 'MODEL.TRANSPORT_BACK' });
  if (state.registration === 'failed' && snapshot.can({ type: RETRY_EVENT } as unknown as PhoneEvent)) out.push({ type: 'MODEL.RETRY_TIMER' });
  // Transport and registration are explored with the default settings only: the settings change
  // nothing there, and every combination would multiply the paths.
  const defaults = context.callWaiting && context.recordPermissions === 0;
  if (calls === 0 && defaults) {
    if (state.transport !== 'disconnected') out.push({ type: 'MODEL.STOP' });
    if (state.transport === 'connected') out.push({ type: 'MODEL.TRANSPORT_LOST' });
    if (state.registration !== 'registered') out.push({ type: 'MODEL.CREDENTIALS' });
  }
  if (calls === 0 && state.registration === 'registered') {
    out.push({ type: 'MODEL.RECORD_PERMISSIONS', value: context.recordPermissions === 0 ? 2 : 0 });
  }
  // Calls are explored with the default record permission (the permission only travels to the calls).
  if (state.registration === 'registered' && context.recordPermissions === 0) {
    if (calls <= 1) out.push({ type: 'MODEL.CALL_WAITING', on: !context.callWaiting });
    if (!isMaxCall(context)) out.push({ type: 'MODEL.PLACE_CALL' }, { type: 'MODEL.INCOMING' });
    // Refusals at the cap, from one arrangement per call count (which calls fill the cap does not matter to them).
    const plain = context.order.every((id) => !context.calls[id].awaitingAnswer) && context.currentSessionID === context.order[calls - 1];
    if (isMaxCall(context) && plain) out.push({ type: 'MODEL.PLACE_CALL_OVER_CAP' }, { type: 'MODEL.INCOMING_OVER_CAP' });
    for (const id of context.order) {
      const entry = context.calls[id];
      if (entry.direction === 'incoming' && !entry.awaitingAnswer && calls === 1) out.push({ type: 'MODEL.REFERRED', callId: id });
      if (context.calls[id].awaitingAnswer) out.push({ type: 'MODEL.ANSWER', callId: id });
      if (context.currentSessionID !== id) out.push({ type: 'MODEL.SET_CURRENT', callId: id });
      out.push({ type: 'MODEL.HANGUP', callId: id });
    }
  }
  return out;
}

/** The phone machine, stepped by model steps. */
export const phoneModelLogic: ActorLogic<PhoneSnapshot, ModelStep, PhoneInput> = Object.assign(Object.create(phoneMachine), {
  transition: (snapshot: PhoneSnapshot, step: ModelStep, scope: Parameters<typeof phoneMachine.transition>[2]) =>
    expand(snapshot, step).reduce((current, event) => phoneMachine.transition(current, event, scope), snapshot),
}) as unknown as ActorLogic<PhoneSnapshot, ModelStep, PhoneInput>;

/**
 * A vertex: the state value, what decides the next steps (attempts, last failure, settings), and
 * the calls in order with their direction, whether they await an answer and which is current, and
 * the kind of step that led there: a state reached in a new way is a new vertex, so every kind of
 * step into every state is on some path (a refusal, which changes nothing, included).
 */
export function serializePhoneState(snapshot: PhoneSnapshot, step?: ModelStep, prev?: PhoneSnapshot): string {
  const c = snapshot.context;
  const key = JSON.stringify({
    value: snapshot.value,
    attempts: c.registrationAttempts,
    failure: c.lastRegistrationFailure?.code ?? null,
    callWaiting: c.callWaiting,
    permissions: c.recordPermissions,
    calls: c.order.map((id) => [id, c.calls[id].direction, c.calls[id].awaitingAnswer, c.currentSessionID === id]),
  });
  return step ? `${key} via ${step.type}` : key;
}

/** What a UI sees of the phone: its {@link PhoneState}. */
export type ObservedPhone = PhoneState;

export function expectedOf(snapshot: PhoneSnapshot): ObservedPhone {
  return toPhoneState(snapshot);
}

/** An actor scope whose effects go nowhere (as xstate/graph uses for its traversal), or to `execute`. */
function inertScope(execute: (action: { type: string; params?: unknown }) => void = () => undefined): Parameters<typeof phoneMachine.transition>[2] {
  const empty = createEmptyActor();
  return {
    self: empty,
    logger: () => undefined,
    id: '',
    sessionId: 'model',
    defer: () => undefined,
    system: empty.system,
    stopChild: () => undefined,
    emit: () => undefined,
    actionExecutor: execute,
  } as unknown as Parameters<typeof phoneMachine.transition>[2];
}

/** A step is taken when it changes what a UI sees, or is a refusal (which has its own witness). */
export function isObservableStep(snapshot: PhoneSnapshot, step: ModelStep): boolean {
  if (step.type in SELF_LOOPS) return true;
  const next = phoneModelLogic.transition(snapshot, step, inertScope() as never);
  return !equal(expectedOf(snapshot), expectedOf(next));
}

export function createPhoneModel(): TestModel<PhoneSnapshot, ModelStep, PhoneInput> {
  return new TestModel<PhoneSnapshot, ModelStep, PhoneInput>(phoneModelLogic, {
    input: PHONE_INPUT,
    events: realizableSteps,
    filterEvents: isObservableStep,
    serializeState: serializePhoneState,
    serializeEvent: (event) => JSON.stringify(event),
    logger: { log: () => undefined, error: () => undefined },
  });
}

/** The model's paths: shortest paths to every vertex, without those another path starts with. */
export function phonePaths(): PhonePath[] {
  return dropPrefixPaths(createPhoneModel().getShortestPaths() as PhonePath[]);
}

export function describeStep(step: ModelStep): string {
  const { type, ...rest } = step as { type: string } & Record<string, unknown>;
  const detail = Object.values(rest).map(String).join(',');
  return `${type.replace('MODEL.', '')}${detail ? `(${detail})` : ''}`;
}

export function describePhonePath(path: PhonePath): string {
  return path.steps.slice(1).map((s) => describeStep(s.event)).join(' → ') || '(initial)';
}

/** The machine events of a whole path, in order, for replaying it (coverage). */
export function machineEventsOf(path: PhonePath): AnyEventObject[] {
  return path.steps.slice(1).flatMap((step, k) => expand(path.steps[k].state, step.event));
}

/** Every step of a path is observable: the state changes, or it is a self-loop with a witness event. */
export function assertObservablePhoneSteps(path: PhonePath): void {
  for (let k = 1; k < path.steps.length; k++) {
    const same = equal(expectedOf(path.steps[k - 1].state), expectedOf(path.steps[k].state));
    if (same !== path.steps[k].event.type in SELF_LOOPS) {
      throw new Error(`model step ${k} (${describeStep(path.steps[k].event)}) ${same ? 'changes nothing' : 'is no self-loop'}: ${describePhonePath(path)}`);
    }
  }
}
