import type { CallState } from '../../machines/call.connect';
import type { DialogInfo, SessionState } from '../../machines/port';

/**
 * The read-only SIP dialog of a call (RFC 3261 §12), as SIP libraries describe a session: the
 * dialog the stack reported, with its id and the session state.
 */
export interface SessionDialog extends DialogInfo {
  /** Call-ID + local tag + remote tag. */
  readonly id: string;
  /** The dialog's life cycle. */
  readonly sessionState: SessionState;
}

/** The SIP dialog of a call, read from its state; empty or `null` fields until the stack knows them. */
export function dialogOf(state: CallState): SessionDialog {
  const { dialog, callId } = state;
  const localTag = dialog?.localTag ?? '';
  const remoteTag = dialog?.remoteTag ?? null;
  return Object.freeze({
    id: `${callId}${localTag}${remoteTag ?? ''}`,
    callId: dialog?.callId ?? callId,
    localTag,
    remoteTag,
    localURI: dialog?.localURI ?? '',
    remoteURI: dialog?.remoteURI ?? state.remote.uri,
    remoteTarget: dialog?.remoteTarget ?? null,
    sessionState: state.sessionState,
    signalingState: state.phase === 'ended' ? 'Closed' : dialog?.signalingState ?? 'Initial',
  });
}
