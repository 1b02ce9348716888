import type { RTCSession } from 'jssip/lib/RTCSession';
import type { DialogInfo, SignalingState } from '../../machines/port';
import type { DialogIds } from './refer';

/**
 * JsSIP keeps the confirmed dialog in the private `RTCSession._dialog`; its fields are read here and
 * nowhere else (a documented dependency on JsSIP 3.13's internals).
 */
interface PrivateDialog {
  readonly id: { call_id: string; local_tag: string; remote_tag: string };
  readonly _local_uri?: { toString(): string };
  readonly _remote_uri?: { toString(): string };
  readonly _remote_target?: { toString(): string };
}

function privateDialog(session: RTCSession): PrivateDialog | null {
  const dialog = (session as unknown as { _dialog?: PrivateDialog | null })._dialog;
  return dialog && dialog.id ? dialog : null;
}

/** The dialog's Call-ID and tags, once the dialog exists. */
export function dialogIds(session: RTCSession): DialogIds | null {
  const dialog = privateDialog(session);
  if (!dialog) return null;
  return { callId: dialog.id.call_id, localTag: dialog.id.local_tag, remoteTag: dialog.id.remote_tag };
}

const SIGNALING: Readonly<Record<string, SignalingState>> = {
  stable: 'Stable',
  'have-local-offer': 'HaveLocalOffer',
  'have-remote-offer': 'HaveRemoteOffer',
  'have-local-pranswer': 'HaveRemoteOffer',
  'have-remote-pranswer': 'HaveLocalOffer',
  closed: 'Closed',
};

/** The port's view of a session's dialog, or null before there is one. */
export function dialogInfo(session: RTCSession, pc: RTCPeerConnection | null): DialogInfo | null {
  const dialog = privateDialog(session);
  if (!dialog) return null;
  const state = pc ? SIGNALING[pc.signalingState] ?? 'Initial' : 'Initial';
  return {
    callId: dialog.id.call_id,
    localTag: dialog.id.local_tag,
    remoteTag: dialog.id.remote_tag || null,
    localURI: String(dialog._local_uri ?? session.local_identity?.uri ?? ''),
    remoteURI: String(dialog._remote_uri ?? session.remote_identity?.uri ?? ''),
    remoteTarget: dialog._remote_target ? String(dialog._remote_target) : null,
    signalingState: state,
  };
}
