/**
 * The call machine as a test model (xstate/graph): which concrete events each state offers, which
 * of them a world can really produce (the memory SIP network, or real phones on a PBX), how states
 * are told apart, and what of a snapshot a UI observes. The model tests and `callstate-flows`
 * generate their call flows here.
 *
 * @packageDocumentation
 */
import equal from 'fast-deep-equal';
import { __unsafe_getAllOwnEventDescriptors } from 'xstate';
import type { ActorLogic, SnapshotFrom } from 'xstate';
import { TestModel } from 'xstate/graph';
import type { TestPath } from 'xstate/graph';
import type { CallDirection, EndCause, Originator } from '../../machines/port';
import { toCallState } from '../../machines/call.connect';
import type { CallState } from '../../machines/call.connect';
import { callMachine } from '../../machines/call.machine';
import type { CallEvent, CallInput } from '../../machines/call.types';

/** A call actor's snapshot, as the models step through them. */
export type CallSnapshot = SnapshotFrom<typeof callMachine>;
/** A generated path: the events to send and the snapshot after each. */
export type CallPath = TestPath<CallSnapshot, CallEvent>;

// ------------------------------------------------------------------------------------------------
// What a UI observes

/** The part of {@link CallState} the model asserts, exactly, at every step. */
export interface Observed {
  readonly direction: CallDirection;
  readonly phase: CallState['phase'];
  readonly hold: CallState['hold'];
  readonly remoteHold: boolean;
  readonly muted: boolean;
  readonly recording: CallState['recording'];
  readonly transfer: CallState['transfer'];
  readonly end: { readonly cause: EndCause; readonly code: number | null; readonly originator: Originator } | null;
}

/** The part of a call's state a flow asserts. */
export function observe(state: CallState): Observed {
  return {
    direction: state.direction,
    phase: state.phase,
    hold: state.hold,
    remoteHold: state.remoteHold,
    muted: state.muted,
    recording: state.recording,
    transfer: state.transfer,
    end: state.end ? { cause: state.end.cause, code: state.end.code, originator: state.end.originator } : null,
  };
}

/** What the model says a UI should see in `snapshot`. */
export function expectedOf(snapshot: CallSnapshot): Observed {
  return observe(toCallState(snapshot));
}

// ------------------------------------------------------------------------------------------------
// The numbers and payloads of the world

/** The number of the phone whose call a model describes (memory world). */
export const SELF = '1001';
/** The far end's number (memory world). */
export const PEER = '1002';
/** The transfer target's number (the models' transfer events name it). */
export const TARGET = '1003';

/** Concrete events, with the payloads the memory adapter really produces for them. */
export const E = {
  progress180: { type: 'SIP.PROGRESS', code: 180, earlyMedia: false, remote: null, dialog: null, video: null },
  /** The far end's 2xx to our INVITE, ACKed: the outgoing call is established. */
  answered: { type: 'SIP.ANSWERED', remote: null, dialog: null, video: null },
  /** The ACK to our 200: the incoming call is established. */
  ackReceived: { type: 'SIP.ACK.RECEIVED', dialog: null },
  /** Peer busy: scripted `rejectIncoming` 486 (before the INVITE arrives) or `peer.reject(486)` while ringing. */
  failedBusy: { type: 'SIP.FAILED', cause: 'busy', code: 486, originator: 'remote', reason: 'Busy Here' },
  /** Peer declines while ringing: `peer.reject(603)`. */
  failedDeclined: { type: 'SIP.FAILED', cause: 'rejected', code: 603, originator: 'remote', reason: 'Decline' },
  /** Peer unreachable: its transport dropped before the INVITE (480 from the proxy) or while ringing (abort). */
  failedUnavailable: { type: 'SIP.FAILED', cause: 'unavailable', code: 480, originator: 'remote', reason: 'Temporarily Unavailable' },
  /** Our own transport dropped while the call was being set up. */
  failedConnection: { type: 'SIP.FAILED', cause: 'connection-error', code: null, originator: 'system', reason: 'Connection Error' },
  /** Outgoing: the callee's no-answer timer answered 408 for it. */
  failedNoAnswerRemote: { type: 'SIP.FAILED', cause: 'no-answer', code: 408, originator: 'remote', reason: 'Request Timeout' },
  /** Incoming: our own no-answer timer. */
  failedNoAnswerSystem: { type: 'SIP.FAILED', cause: 'no-answer', code: 408, originator: 'system', reason: 'No Answer' },
  /** Incoming: the caller hung up (CANCEL) while we rang. */
  failedCanceledRemote: { type: 'SIP.FAILED', cause: 'canceled', code: 487, originator: 'remote', reason: 'Canceled' },
  /** Our own CANCEL, confirmed synchronously by the stack (from `ending`). */
  failedCanceledLocal: { type: 'SIP.FAILED', cause: 'canceled', code: 487, originator: 'local', reason: 'Canceled' },
  /** Our own 486 (reject/hangup of a ringing incoming call), confirmed by the stack (from `ending`). */
  failedRejectedLocal: { type: 'SIP.FAILED', cause: 'busy', code: 486, originator: 'local', reason: 'Busy Here' },
  /** Our own BYE (from `ending`). */
  endedLocal: { type: 'SIP.ENDED', cause: 'bye', code: null, originator: 'local', reason: 'Terminated' },
  /** The peer's BYE (from `confirmed`). */
  endedRemote: { type: 'SIP.ENDED', cause: 'bye', code: null, originator: 'remote', reason: 'Terminated' },
  /** Incoming, answered but not yet ACKed, our transport drops. */
  endedConnection: { type: 'SIP.ENDED', cause: 'connection-error', code: null, originator: 'system', reason: 'Connection Error' },
  holdOk: { type: 'SIP.HOLD.SUCCEEDED', dialog: null },
  /** Scripted on the peer: `rejectReinvite` 488. */
  holdFailed: { type: 'SIP.HOLD.FAILED', code: 488, reason: 'Not Acceptable Here' },
  unholdOk: { type: 'SIP.UNHOLD.SUCCEEDED', dialog: null },
  /** Scripted on the peer: `rejectReinvite` 500. */
  unholdFailed: { type: 'SIP.UNHOLD.FAILED', code: 500, reason: 'Server Internal Error' },
  /** The far end's re-INVITE putting us on hold. */
  remoteHeld: { type: 'SIP.REINVITE', video: false, held: true, videoOffered: false },
  /** The far end's re-INVITE taking us off hold. */
  remoteResumed: { type: 'SIP.REINVITE', video: false, held: false, videoOffered: false },
  recordRecording: { type: 'SIP.RECORD.SUCCEEDED', state: 'recording' },
  recordPaused: { type: 'SIP.RECORD.SUCCEEDED', state: 'paused' },
  referAccepted: { type: 'SIP.REFER.ACCEPTED' },
  /** Scripted on the peer: `refuseRefer` 403. */
  referFailed: { type: 'SIP.REFER.FAILED', code: 403, reason: 'Forbidden' },
  notifyOk: { type: 'SIP.REFER.NOTIFY', code: 200, reason: 'OK' },
  /** The transfer target is busy: scripted `rejectIncoming` 486 on the target. */
  notifyBusy: { type: 'SIP.REFER.NOTIFY', code: 486, reason: 'Busy Here' },
  answer: { type: 'CALL.ANSWER', options: {} },
  reject: { type: 'CALL.REJECT', code: 486 },
  hangup: { type: 'CALL.HANGUP' },
  hold: { type: 'CALL.HOLD' },
  unhold: { type: 'CALL.UNHOLD' },
  mute: { type: 'CALL.MUTE' },
  unmute: { type: 'CALL.UNMUTE' },
  recordStart: { type: 'CALL.RECORD.START' },
  recordPause: { type: 'CALL.RECORD.PAUSE' },
  recordResume: { type: 'CALL.RECORD.RESUME' },
  blind: { type: 'CALL.TRANSFER.BLIND', target: TARGET },
  consult: { type: 'CALL.TRANSFER.CONSULT', consultationId: 'consultation' },
  complete: { type: 'CALL.TRANSFER.COMPLETE' },
  consultationEnded: { type: 'CALL.TRANSFER.CONSULTATION_ENDED' },
  /** The app gives the attended transfer up: `cancelAttendedTransfer()` (the consultation call is hung up). */
  cancelTransfer: { type: 'CALL.TRANSFER.CANCEL' },
} as const satisfies Record<string, CallEvent>;

/** The reason of every scripted recorder failure. */
export const RECORD_FAILURE_REASON = 'recorder unavailable';
const recordFailed = (action: 'start' | 'pause' | 'resume'): CallEvent => ({ type: 'SIP.RECORD.FAILED', action, reason: RECORD_FAILURE_REASON });

// ------------------------------------------------------------------------------------------------
// Realizable events per state

type Region = 'hold' | 'remoteHold' | 'mute' | 'record' | 'transfer';

function confirmedValue(snapshot: CallSnapshot): Record<Region, unknown> | null {
  const value = snapshot.value as unknown;
  if (typeof value !== 'object' || value === null || !('confirmed' in value)) return null;
  return (value as { confirmed: Record<Region, unknown> }).confirmed;
}

const INITIAL_REGION: Record<Region, unknown> = { hold: 'active', remoteHold: 'notHeld', mute: 'unmuted', record: 'off', transfer: 'idle' };

function awayRegions(snapshot: CallSnapshot): Region[] {
  const confirmed = confirmedValue(snapshot);
  if (!confirmed) return [];
  return (Object.keys(INITIAL_REGION) as Region[]).filter((region) => !equal(confirmed[region], INITIAL_REGION[region]));
}

/** Something of ours is in flight whose outcome would overtake a request from the far end. */
export function hasPendingOutcome(snapshot: CallSnapshot): boolean {
  const state = toCallState(snapshot);
  return (
    state.hold === 'holding' ||
    state.hold === 'resuming' ||
    (state.recording !== null && ['starting', 'pausing', 'resuming'].includes(state.recording)) ||
    (state.transfer !== null && state.transfer !== 'idle' && state.transfer !== 'attended.consulting')
  );
}

/**
 * Keeps the parallel `confirmed` state from exploding (4·2·2·6·6 values): one region away from its
 * initial state at a time, except local hold × remote hold, which is explored fully, and transfers
 * of a held call (what an app with autoHold does before consulting).
 */
function regionRuleAllows(snapshot: CallSnapshot, region: Region): boolean {
  const others = awayRegions(snapshot).filter((r) => r !== region);
  if (others.length === 0) return true;
  const holdPair: Region[] = ['hold', 'remoteHold'];
  if (holdPair.includes(region)) return others.every((r) => holdPair.includes(r));
  if (region === 'transfer') return others.length === 1 && others[0] === 'hold' && toCallState(snapshot).hold === 'held';
  return false;
}

function confirmedEvents(snapshot: CallSnapshot): CallEvent[] {
  const state = toCallState(snapshot);
  const stable = !hasPendingOutcome(snapshot);
  const out: CallEvent[] = [E.hangup];
  if (stable) out.push(E.endedRemote);
  const region = (r: Region, events: CallEvent[]) => {
    if (regionRuleAllows(snapshot, r)) out.push(...events);
  };
  switch (state.hold) {
    case 'active':
      region('hold', [E.hold]);
      break;
    case 'holding':
      region('hold', [E.holdOk, E.holdFailed]);
      break;
    case 'held':
      region('hold', [E.unhold]);
      break;
    case 'resuming':
      region('hold', [E.unholdOk, E.unholdFailed]);
      break;
  }
  if (stable) region('remoteHold', [state.remoteHold ? E.remoteResumed : E.remoteHeld]);
  region('mute', [state.muted ? E.unmute : E.mute]);
  switch (state.recording) {
    case 'off':
      region('record', [E.recordStart]);
      break;
    case 'starting':
      region('record', [E.recordRecording, recordFailed('start')]);
      break;
    case 'recording':
      region('record', [E.recordPause]);
      break;
    case 'pausing':
      region('record', [E.recordPaused, recordFailed('pause')]);
      break;
    case 'paused':
      region('record', [E.recordResume]);
      break;
    case 'resuming':
      region('record', [E.recordRecording, recordFailed('resume')]);
      break;
  }
  switch (state.transfer) {
    case 'idle':
      if (snapshot.context.consultation === null) region('transfer', [E.blind, E.consult]);
      break;
    case 'blind.referring':
    case 'attended.referring':
      region('transfer', [E.referAccepted, E.referFailed]);
      break;
    case 'blind.awaitingOutcome':
    case 'attended.awaitingOutcome':
      region('transfer', [E.notifyOk, E.notifyBusy]);
      break;
    case 'attended.consulting':
      region('transfer', [E.complete, E.consultationEnded, E.cancelTransfer]);
      break;
  }
  return out;
}

/** Which concrete events a world can produce from a snapshot, as one observable step each. */
export type Realizable = (snapshot: CallSnapshot) => CallEvent[];

/** The concrete events the memory world can produce from `snapshot`, as one observable step each. */
export function realizableEvents(snapshot: CallSnapshot): CallEvent[] {
  const { direction, pendingEnd } = snapshot.context;
  if (snapshot.matches('dialing')) {
    return [E.progress180, E.answered, E.failedBusy, E.failedUnavailable, E.failedConnection, E.hangup];
  }
  if (snapshot.matches('ringing')) {
    return direction === 'outgoing'
      ? [E.answered, E.failedBusy, E.failedDeclined, E.failedUnavailable, E.failedConnection, E.failedNoAnswerRemote, E.hangup]
      : [E.answer, E.reject, E.hangup, E.failedCanceledRemote, E.failedNoAnswerSystem, E.failedConnection];
  }
  if (snapshot.matches('answering')) {
    // Only an incoming call answers (our 200 is out): it waits for the ACK.
    return direction === 'outgoing' ? [] : [E.ackReceived, E.hangup, E.endedConnection];
  }
  if (snapshot.matches('confirmed')) return confirmedEvents(snapshot);
  if (snapshot.matches('ending')) {
    if (pendingEnd === 'canceled') return [E.failedCanceledLocal];
    if (pendingEnd === 'rejected') return [E.failedRejectedLocal];
    return [E.endedLocal];
  }
  return [];
}

/**
 * `events` for the traversal: for every event type the state handles, the concrete variants of
 * {@link realizableEvents}, or a bare `{ type }` (which `filterEvents` then drops).
 */
export function candidateEvents(snapshot: CallSnapshot, realizableIn: Realizable = realizableEvents): CallEvent[] {
  const realizable = realizableIn(snapshot);
  return __unsafe_getAllOwnEventDescriptors(snapshot).flatMap((type) => {
    const variants = realizable.filter((event) => event.type === type);
    return variants.length > 0 ? variants : [{ type } as unknown as CallEvent];
  });
}

/** True when `event` is one of the concrete events the world can produce from `snapshot`. */
export function filterRealizable(snapshot: CallSnapshot, event: CallEvent, realizableIn: Realizable = realizableEvents): boolean {
  return realizableIn(snapshot).some((candidate) => equal(candidate, event));
}

// ------------------------------------------------------------------------------------------------
// Telling states apart

function phaseOf(snapshot: CallSnapshot): string {
  return typeof snapshot.value === 'string' ? snapshot.value : Object.keys(snapshot.value)[0];
}

/** Where a step came from: the previous phase, or the previous values of the regions that changed. */
function fromOf(prev: CallSnapshot, next: CallSnapshot): string {
  const prevConfirmed = confirmedValue(prev);
  const nextConfirmed = confirmedValue(next);
  if (!prevConfirmed || !nextConfirmed) return phaseOf(prev);
  const changed = (Object.keys(INITIAL_REGION) as Region[]).filter((r) => !equal(prevConfirmed[r], nextConfirmed[r]));
  return JSON.stringify(Object.fromEntries(changed.map((r) => [r, prevConfirmed[r]])));
}

/**
 * A vertex is the state value, the bits of context that decide what can happen next (pending end,
 * whether a consultation exists, which kind of transfer ended the call, the end report), and, when
 * the value changed, the event type and where it came from (as createTestModel does, but with the
 * "from" reduced to the phase or the regions that changed, so the parallel state does not multiply
 * the vertices). Timestamps, dialog and identity are left out.
 */
export function serializeCallState(snapshot: CallSnapshot, event?: CallEvent, prev?: CallSnapshot): string {
  const c = snapshot.context;
  const key = JSON.stringify({
    value: snapshot.value,
    pendingEnd: c.pendingEnd,
    consultation: c.consultation !== null,
    transferred: c.pendingEnd === 'transferred' ? (c.transfer?.kind ?? null) : null,
    end: c.end ? [c.end.cause, c.end.code, c.end.originator] : null,
  });
  if (!event || !prev || equal(prev.value, snapshot.value)) return key;
  return `${key} via ${event.type} from ${fromOf(prev, snapshot)}`;
}

// ------------------------------------------------------------------------------------------------
// The models

/** A call model: one direction of call, its machine input and its xstate/graph test model. */
export interface CallModel {
  /** `outgoing call` or `incoming call`. */
  readonly name: string;
  readonly direction: CallDirection;
  /** The call machine's input the paths start from. */
  readonly input: CallInput;
  readonly model: TestModel<CallSnapshot, CallEvent, CallInput>;
}

function inputFor(direction: CallDirection): CallInput {
  return {
    callId: `model-${direction}`,
    direction,
    remote: { number: PEER, name: null, uri: `sip:${PEER}@memory` },
    recordPermissions: 2,
  };
}

/**
 * `createTestModel(callMachine)` refuses the machine: its `validateMachine` rejects delayed
 * transitions, and `ending` and the far end's video offer have an `after`. `TestModel` is the class
 * createTestModel instantiates; it is built here with the same `stateMatcher`, over the unmodified
 * `callMachine`. The traversal itself handles `after` fine (side effects are not executed; the
 * after event is filtered out, see EXCLUDED_EVENT_TYPES).
 */
export function createCallModel(direction: CallDirection, realizable: Realizable = realizableEvents): CallModel {
  const input = inputFor(direction);
  const logic = callMachine as unknown as ActorLogic<CallSnapshot, CallEvent, CallInput>;
  const model = new TestModel<CallSnapshot, CallEvent, CallInput>(logic, {
    input,
    events: (snapshot) => candidateEvents(snapshot, realizable),
    filterEvents: (snapshot, event) => filterRealizable(snapshot, event, realizable),
    serializeState: serializeCallState,
    serializeEvent: (event) => JSON.stringify(event),
    stateMatcher: (snapshot, key) =>
      key.startsWith('#') ? snapshot._nodes.includes(callMachine.getStateNodeById(key)) : snapshot.matches(key as never),
    logger: { log: () => undefined, error: () => undefined },
  });
  return { name: `${direction} call`, direction, input, model };
}

/** An event as a path shows it: `SIP.FAILED(cause=busy,code=486,originator=remote)`. */
export function describeEvent(event: CallEvent): string {
  const { type, ...rest } = event as { type: string } & Record<string, unknown>;
  const detail = Object.entries(rest)
    .filter(([key]) => key !== 'reason' && key !== 'options')
    .map(([key, value]) => `${key}=${String(value)}`)
    .join(',');
  return detail ? `${type}(${detail})` : type;
}

/** A path's events, `→`-separated. */
export function describePath(path: CallPath): string {
  return path.steps.slice(1).map((step) => describeEvent(step.event)).join(' → ') || '(initial)';
}

