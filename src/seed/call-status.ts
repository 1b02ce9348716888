import type { CallState } from '../../machines/call.connect';
import type { StaticIdentity } from '../../machines/call.types';

/** The seed SDK's static call status: what the app may supply about the far end. */
export interface StaticCallStatus {
  name: string;
  avatar: string;
  company: string;
}

/** Snapshot of the parent call of a consultation leg. */
export interface TransferParent {
  readonly callId: string;
  readonly name: string;
  readonly number: string;
  readonly avatar: string;
}

/**
 * The seed SDK's call status, derived from the call's state. `callStatus` maps the phase:
 * outgoing dialing → `calling`, ringing (either direction) → `ringing`, answering or ending →
 * `connecting`, confirmed → `talking`. The seed reported inbound ringing as `connecting` with
 * `isRing`; here inbound ringing is `ringing`, and `communicationType` carries the direction.
 */
export interface CallStatus extends StaticCallStatus {
  readonly number: string;
  readonly callId: string;
  readonly communicationType: 'outbound' | 'inbound';
  readonly isVideo: boolean;
  readonly isRing: boolean;
  readonly isHold: boolean;
  readonly isMute: boolean;
  readonly callStatus: 'calling' | 'ringing' | 'talking' | 'connecting';
  /** Epoch ms the call was answered, or created when it has not been answered. */
  readonly callStartTime: number;
  readonly recordStatus: 'stop' | 'recording' | 'pause';
  readonly isTransfer: boolean;
  readonly transferParent?: TransferParent;
  readonly isConference: boolean;
}

function callStatusOf(state: CallState): CallStatus['callStatus'] {
  switch (state.phase) {
    case 'dialing':
      return 'calling';
    case 'ringing':
      return 'ringing';
    case 'confirmed':
      return 'talking';
    default:
      return 'connecting';
  }
}

function recordStatusOf(state: CallState): CallStatus['recordStatus'] {
  switch (state.recording) {
    case 'recording':
    case 'pausing':
      return 'recording';
    case 'paused':
    case 'resuming':
      return 'pause';
    default:
      return 'stop';
  }
}

/** The static part of a call's identity, with empty strings for what nobody supplied. */
export function staticStatusOf(identity: StaticIdentity): StaticCallStatus {
  return Object.freeze({ name: identity.name ?? '', avatar: identity.avatar ?? '', company: identity.company ?? '' });
}

/** The app-owned fields `status` gives (`name`, `avatar`, `company`), as an update of the call's identity. */
export function givenIdentity(status: Partial<StaticCallStatus>): Partial<StaticIdentity> {
  const identity: { -readonly [K in keyof StaticIdentity]?: string } = {};
  for (const key of ['name', 'avatar', 'company'] as const) if (status[key] !== undefined) identity[key] = status[key];
  return identity;
}

/** True while the call has video (negotiated at least one way). */
export function hasVideo(state: CallState): boolean {
  return state.video.negotiation === 'on' || state.video.negotiation === 'removing';
}

/** Derives the seed's {@link CallStatus} from a call's state and, for a consultation leg, its original call's state. */
export function callStatusFrom(state: CallState, parent: CallState | null): CallStatus {
  const status: CallStatus = {
    ...staticStatusOf(state.identity),
    number: state.remote.number,
    callId: state.callId,
    communicationType: state.direction === 'outgoing' ? 'outbound' : 'inbound',
    isVideo: hasVideo(state),
    isRing: state.phase === 'ringing',
    isHold: state.hold === 'held' || state.hold === 'resuming',
    isMute: state.muted,
    callStatus: callStatusOf(state),
    callStartTime: state.times.answeredAt ?? state.times.createdAt,
    recordStatus: recordStatusOf(state),
    isTransfer: state.consultationFor !== null,
    isConference: false,
  };
  if (parent) {
    return Object.freeze({
      ...status,
      transferParent: Object.freeze({
        callId: parent.callId,
        name: parent.identity.name ?? '',
        number: parent.remote.number,
        avatar: parent.identity.avatar ?? '',
      }),
    });
  }
  return Object.freeze(status);
}
