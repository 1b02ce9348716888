import equal from 'fast-deep-equal';
import type { CallDirection } from '../../machines/port';
import type { CallEvent } from '../../machines/call.types';
import { E, createCallModel, realizableEvents } from './call-model';
import type { CallModel, CallPath, CallSnapshot } from './call-model';

/**
 * What phones on a real PBX can produce on demand, when the runner drives the far end (a second
 * registered account) and the transfer target (a third one) through their own `Phone`s: ringing,
 * answering, rejecting, cancelling, hanging up (or terminating) from either side, hold and remote
 * hold, mute, blind and attended transfer that succeed, a consultation call hung up. Failures a healthy peer never produces (a refused re-INVITE,
 * a refused REFER, a recorder that fails) and our own transport loss are left to the test double.
 */
const PBX_EVENTS: readonly CallEvent[] = [
  E.progress180,
  E.answered,
  E.ackReceived,
  E.failedBusy,
  E.failedDeclined,
  E.failedCanceledRemote,
  E.failedCanceledLocal,
  E.failedRejectedLocal,
  E.endedLocal,
  E.endedRemote,
  E.holdOk,
  E.unholdOk,
  E.remoteHeld,
  E.remoteResumed,
  E.referAccepted,
  E.notifyOk,
  E.answer,
  E.reject,
  E.hangup,
  E.hold,
  E.unhold,
  E.mute,
  E.unmute,
  E.blind,
  E.consult,
  E.complete,
  E.consultationEnded,
  E.cancelTransfer,
];

/**
 * The events real phones on a PBX can produce from `snapshot`. An outgoing call only leaves
 * `dialing` by the callee's 180 (a phone rings before its user can decide), and nothing is done
 * between an answer and its ACK.
 */
export function pbxRealizableEvents(snapshot: CallSnapshot): CallEvent[] {
  if (snapshot.matches('dialing')) return [E.progress180];
  // Between our 200 and the caller's ACK there is no time a person could act in.
  if (snapshot.matches('answering')) return [E.ackReceived];
  return realizableEvents(snapshot)
    .filter((event) => PBX_EVENTS.some((allowed) => equal(allowed, event)))
    .map((event) => (equal(event, E.failedCanceledLocal) ? CANCELED_LOCAL : equal(event, E.failedCanceledRemote) ? CANCELED_REMOTE : event));
}

/**
 * A CANCEL as JsSIP reports it, without a code: ours at once, before the 487 arrives; the caller's
 * from the CANCEL request, which carries no status (the memory double reports 487 for both).
 */
const CANCELED_LOCAL: CallEvent = { ...E.failedCanceledLocal, code: null };
const CANCELED_REMOTE: CallEvent = { ...E.failedCanceledRemote, code: null };

/** The call models whose paths `callstate-flows` runs on a PBX. */
export function createPbxCallModels(): CallModel[] {
  return (['outgoing', 'incoming'] as CallDirection[]).map((direction) => createCallModel(direction, pbxRealizableEvents));
}

/** A generated call flow: the model it comes from and one of its paths. */
export interface CallFlow {
  /** `outgoing call #3`: stable for a given machine. */
  readonly name: string;
  readonly model: CallModel;
  readonly path: CallPath;
}

/** Every call flow of the given models (shortest paths to every state), in a stable order. */
export function generateCallFlows(models: readonly CallModel[]): CallFlow[] {
  return models.flatMap((model) =>
    (model.model.getShortestPaths() as CallPath[]).map((path, i) => ({ name: `${model.name} #${i + 1}`, model, path })),
  );
}
