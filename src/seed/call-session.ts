import type { CallState } from '../../machines/call.connect';
import { callStatusFrom, hasVideo } from './call-status';
import type { CallStatus } from './call-status';
import { dialogOf } from './dialog';
import type { SessionDialog } from './dialog';

/**
 * The seed compatibility surface of a call that only reads: the seed's status, the CallSession
 * queries and `toJSON()`, the SIP dialog view. Every answer is derived from the call's
 * {@link CallState}; a Session is one.
 */
export abstract class CallSession {
  /** The call's id (the SIP Call-ID). */
  abstract readonly callId: string;

  /** The call's current state. */
  abstract get state(): CallState;

  /** The state of another call of the same phone, or `null` when there is none. */
  protected abstract stateOf(callId: string): CallState | null;

  /** Epoch ms now, on the phone's clock. */
  protected abstract now(): number;

  /** The seed's call status, derived from the call's state. */
  get status(): CallStatus {
    const state = this.state;
    return callStatusFrom(state, state.consultationFor === null ? null : this.stateOf(state.consultationFor));
  }

  /** The SIP dialog, read-only; `null` fields until the stack knows them. */
  get dialog(): SessionDialog {
    return dialogOf(this.state);
  }

  /** The call's id. */
  getId(): string {
    return this.callId;
  }

  /** True when `id` is this call's id. */
  isId(id: string): boolean {
    return id === this.callId;
  }

  /** True when `other` is the same call. */
  is(other: { readonly callId: string } | null | undefined): boolean {
    return other !== null && other !== undefined && other.callId === this.callId;
  }

  /** True while locally held (or resuming). */
  isOnHold(): boolean {
    return this.state.tags.includes('held');
  }

  /** True while ringing, either direction. */
  isRinging(): boolean {
    return this.state.tags.includes('ringing');
  }

  /** True for a call we received. */
  isIncoming(): boolean {
    return this.state.direction === 'incoming';
  }

  /** True for a call we placed. */
  isOutgoing(): boolean {
    return this.state.direction === 'outgoing';
  }

  /** True once the call is confirmed, until it ends. */
  isEstablished(): boolean {
    return this.state.tags.includes('established');
  }

  /** True once the call was answered (200 OK), even if it has ended since. */
  isAnswered(): boolean {
    return this.state.times.answeredAt !== null;
  }

  /** True while the call is neither ended nor ending. */
  isActive(): boolean {
    const phase = this.state.phase;
    return phase !== 'ended' && phase !== 'ending';
  }

  /** True while the end is on its way. */
  isTerminating(): boolean {
    return this.state.phase === 'ending';
  }

  /** True once the call has ended. */
  isTerminated(): boolean {
    return this.state.phase === 'ended';
  }

  /** True while our audio is muted. */
  isMuted(): boolean {
    return this.state.tags.includes('muted');
  }

  /** True while recording (not paused). */
  isRecording(): boolean {
    return this.state.tags.includes('recording');
  }

  /** True while the recording is paused. */
  recordingIsPaused(): boolean {
    return this.state.tags.includes('recordingPaused');
  }

  /** True while our video is muted. */
  isVideoMuted(): boolean {
    return this.state.video.muted;
  }

  /** True while our camera's video is sent (not muted, not the screen, not on hold). */
  isCameraEnabled(): boolean {
    return this.state.video.local === 'camera';
  }

  /** True while the screen is sent instead of the camera. */
  isScreenSharing(): boolean {
    return this.state.tags.includes('screenSharing');
  }

  /** True once the far end took away the video this call had. */
  isVideoRemotelyDowngraded(): boolean {
    return this.state.video.remotelyDowngraded;
  }

  /** True while the call has video (negotiated at least one way). */
  isVideo(): boolean {
    return hasVideo(this.state);
  }

  /** Seconds since the call was answered (0 before), up to its end. */
  getElapsedTimeInSeconds(): number {
    const { answeredAt, endedAt } = this.state.times;
    if (answeredAt === null) return 0;
    return Math.max(0, Math.floor(((endedAt ?? this.now()) - answeredAt) / 1000));
  }

  /** The call as a plain object (CallSession's properties), for logs and storage. */
  toJSON(): Record<string, unknown> {
    const state = this.state;
    const { times } = state;
    const iso = (at: number | null): string | null => (at === null ? null : new Date(at).toISOString());
    return {
      type: 'CallSession',
      callId: this.callId,
      sipCallId: state.dialog?.callId ?? this.callId,
      number: state.remote.number,
      displayName: state.identity.name ?? state.remote.name ?? '',
      isCaller: state.direction === 'outgoing',
      creationTime: iso(times.createdAt),
      answerTime: iso(times.answeredAt),
      endTime: iso(times.endedAt),
      answered: this.isAnswered(),
      ringing: state.phase === 'ringing',
      onHold: this.isOnHold(),
      muted: state.muted,
      recording: this.isRecording(),
      recordingPaused: this.recordingIsPaused(),
      sipStatus: state.phase,
      isVideo: this.isVideo(),
      cameraEnabled: this.isCameraEnabled(),
      videoMuted: state.video.muted,
      screensharing: this.isScreenSharing(),
      videoRemotelyDowngraded: state.video.remotelyDowngraded,
      end: state.end,
    };
  }

}
