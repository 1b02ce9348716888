import type { CallState } from 'callstate';

/** What a call card can do right now, derived from the call's state only. */
export interface CallActions {
  readonly answer: boolean;
  readonly reject: boolean;
  readonly hangup: boolean;
  readonly hold: boolean;
  readonly unhold: boolean;
  readonly mute: boolean;
  readonly unmute: boolean;
  readonly record: boolean;
  readonly pauseRecord: boolean;
  readonly dtmf: boolean;
  readonly blindTransfer: boolean;
  readonly consult: boolean;
  readonly completeTransfer: boolean;
  readonly addVideo: boolean;
  readonly removeVideo: boolean;
  readonly cameraOff: boolean;
  readonly cameraOn: boolean;
  readonly shareScreen: boolean;
  readonly stopShare: boolean;
  readonly acceptVideo: boolean;
  readonly declineVideo: boolean;
}

/**
 * The buttons a call enables. `parent` is the call this one consults for (attended transfer), and
 * `consultation` the consultation call of this one, when there is one.
 */
export function actionsFor(state: CallState, related: { parent?: CallState | null; consultation?: CallState | null } = {}): CallActions {
  const confirmed = state.phase === 'confirmed';
  const live = state.phase !== 'ended' && state.phase !== 'ending';
  const ringingIn = state.phase === 'ringing' && state.direction === 'incoming';
  const idleTransfer = confirmed && state.transfer === 'idle';
  const plainCall = state.consultationFor === null && state.consultation === null;
  const canRecordStart = state.recordPermissions >= 2 || (state.recording === 'paused' && state.recordPermissions >= 1);
  // Completing an attended transfer needs the parent held and consulting, and the consultation answered.
  const parent = state.consultationFor !== null ? related.parent ?? null : state;
  const consultation = state.consultationFor !== null ? state : related.consultation ?? null;
  const completeTransfer =
    parent !== null &&
    consultation !== null &&
    parent.transfer === 'attended.consulting' &&
    parent.hold === 'held' &&
    consultation.phase === 'confirmed';
  return {
    answer: ringingIn,
    reject: ringingIn,
    hangup: live,
    hold: confirmed && state.hold === 'active' && state.transfer === 'idle',
    unhold: confirmed && state.hold === 'held' && state.transfer === 'idle',
    mute: confirmed && !state.muted,
    unmute: confirmed && state.muted,
    record: confirmed && (state.recording === 'off' || state.recording === 'paused') && canRecordStart,
    pauseRecord: confirmed && state.recording === 'recording' && state.recordPermissions >= 1,
    dtmf: confirmed,
    blindTransfer: idleTransfer && plainCall,
    consult: idleTransfer && plainCall,
    completeTransfer,
    addVideo: confirmed && state.video.negotiation === 'off' && state.hold === 'active',
    removeVideo: confirmed && state.video.negotiation === 'on',
    cameraOff: confirmed && state.video.negotiation === 'on' && !state.video.muted,
    cameraOn: confirmed && state.video.negotiation === 'on' && state.video.muted,
    shareScreen: confirmed && state.video.local === 'camera' && !state.tags.includes('screenPending'),
    stopShare: confirmed && state.tags.includes('screenSharing') && !state.tags.includes('screenPending'),
    acceptVideo: confirmed && state.video.negotiation === 'offered',
    declineVideo: confirmed && state.video.negotiation === 'offered',
  };
}
