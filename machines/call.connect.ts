import type { SnapshotFrom } from 'xstate';
import type { CallDirection, DialogInfo, RemoteIdentity, SessionState } from './port';
import type { CallMachine } from './call.machine';
import type { CallEnd, CallTimes, RecordPermission, StaticIdentity, TransferInfo } from './call.types';
import { frozenCopy } from './frozen-copy';

/** Where a call is in its life. */
export type CallPhase = 'dialing' | 'ringing' | 'answering' | 'confirmed' | 'ending' | 'ended';

/** Local hold, while the call is confirmed. */
export type HoldState = 'active' | 'holding' | 'held' | 'resuming';

/** Recording, while the call is confirmed. */
export type RecordingState = 'off' | 'starting' | 'recording' | 'pausing' | 'paused' | 'resuming';

/** Transfer, while the call is confirmed. */
export type TransferState =
  | 'idle'
  | 'blind.referring'
  | 'blind.awaitingOutcome'
  | 'attended.consulting'
  | 'attended.referring'
  | 'attended.awaitingOutcome';

/** Where adding or removing video stands (the call machine's `video` region). */
export type VideoNegotiation = 'off' | 'adding' | 'on' | 'removing' | 'offered' | 'answering';

/** A call's video as a UI sees it, derived from the call machine (never from reading streams). */
export interface VideoState {
  /** `on` once video is negotiated one way or both; `adding`/`removing` while our re-INVITE is out; `offered` while the far end's offer to add video waits for the app, `answering` while it is answered. */
  readonly negotiation: VideoNegotiation;
  /** What we send now: the camera, the screen, or nothing (no video, video muted, or on hold). */
  readonly local: 'camera' | 'screen' | null;
  /** The far end's video reaches us now (negotiated, and nobody holds the call). */
  readonly remote: boolean;
  /** Our camera is muted (no renegotiation). */
  readonly muted: boolean;
  /** The far end took the video away. */
  readonly remotelyDowngraded: boolean;
}

/** A call as a UI sees it: a plain, immutable object derived from the call actor's snapshot. */
export interface CallState {
  readonly callId: string;
  readonly direction: CallDirection;
  readonly phase: CallPhase;
  /** Local hold; `null` unless confirmed. */
  readonly hold: HoldState | null;
  /** The far end put us on hold. */
  readonly remoteHold: boolean;
  readonly muted: boolean;
  /** Recording; `null` unless confirmed. */
  readonly recording: RecordingState | null;
  /** Transfer; `null` unless confirmed. */
  readonly transfer: TransferState | null;
  readonly transferInfo: TransferInfo | null;
  readonly remote: RemoteIdentity;
  readonly identity: StaticIdentity;
  readonly manualIdentity: boolean;
  readonly earlyMedia: boolean;
  readonly recordPermissions: RecordPermission;
  readonly consultationFor: string | null;
  readonly consultation: string | null;
  readonly dialog: DialogInfo | null;
  readonly sessionState: SessionState;
  readonly end: CallEnd | null;
  readonly times: CallTimes;
  readonly video: VideoState;
  /** Tags of the active states: ringing, held, muted, recording, transferring, terminated … */
  readonly tags: readonly string[];
}

type CallSnapshot = SnapshotFrom<CallMachine>;

const PHASES: ReadonlySet<string> = new Set<CallPhase>(['dialing', 'ringing', 'answering', 'confirmed', 'ending', 'ended']);

/** The phase is the top-level state, read off the state value (`created`, passed through at once, counts as dialing). */
function phaseOf(snapshot: CallSnapshot): CallPhase {
  const value = snapshot.value;
  const top = typeof value === 'string' ? value : Object.keys(value)[0];
  return PHASES.has(top) ? (top as CallPhase) : 'dialing';
}

function regionOf<T extends string>(snapshot: CallSnapshot, region: string): T | null {
  const value = snapshot.value;
  if (typeof value !== 'object' || !('confirmed' in value)) return null;
  const regionValue = (value.confirmed as Record<string, unknown>)[region];
  if (typeof regionValue === 'string') return regionValue as T;
  if (regionValue && typeof regionValue === 'object') {
    const [parent, child] = Object.entries(regionValue)[0] as [string, string];
    return `${parent}.${child}` as T;
  }
  return null;
}

function videoOf(snapshot: CallSnapshot, confirmed: boolean): VideoState {
  const { context } = snapshot;
  const hasVideo = context.video.send || context.video.receive;
  const value = snapshot.value as { confirmed?: { video?: string } };
  const region = confirmed ? value.confirmed?.video : undefined;
  const negotiation: VideoNegotiation = region === undefined ? (hasVideo ? 'on' : 'off') : (region as VideoNegotiation);
  const muted = snapshot.hasTag('videoMuted');
  const heldEitherWay = snapshot.hasTag('held') || snapshot.hasTag('remotelyHeld');
  const live = snapshot.status === 'active' && !snapshot.hasTag('terminated') && !snapshot.hasTag('terminating');
  // Video counts once the region committed it; while our change or the far end's offer is pending, the
  // call is as it was before.
  const committed = live && (negotiation === 'on' || negotiation === 'removing');
  const sending = committed && context.video.send && !muted && !heldEitherWay;
  return {
    negotiation,
    local: sending ? (snapshot.hasTag('screenSharing') ? 'screen' : 'camera') : null,
    remote: committed && context.video.receive && !heldEitherWay,
    muted,
    remotelyDowngraded: context.videoRemotelyDowngraded,
  };
}

function sessionStateOf(phase: CallPhase, dialog: DialogInfo | null): SessionState {
  switch (phase) {
    case 'dialing':
    case 'ringing':
      return dialog?.remoteTag ? 'Early' : 'Initial';
    case 'answering':
      return 'AckWait';
    case 'confirmed':
    case 'ending':
      return dialog ? 'Confirmed' : 'Terminated';
    case 'ended':
      return 'Terminated';
  }
}

/** The context objects a call state copies, by field: a later projection reuses a copy whose source is unchanged. */
type CopiedFields = Pick<CallSnapshot['context'], 'transfer' | 'remote' | 'identity' | 'dialog' | 'end' | 'times'>;

/** Maps a call actor's snapshot to the {@link CallState} a UI reads (a new, frozen value on each call). */
export function toCallState(snapshot: CallSnapshot): CallState {
  return deriveCallState(snapshot, null);
}

/**
 * A projection of one call's snapshots to its {@link CallState}: the same snapshot gives the same state
 * object, and a new snapshot reuses the copies of the context objects that did not change (context
 * objects are replaced, never changed). It remembers only the last snapshot, so it costs nothing
 * once the call is gone.
 */
export function callStateProjection(): (snapshot: CallSnapshot) => CallState {
  let last: { snapshot: CallSnapshot; state: CallState } | null = null;
  return (snapshot) => {
    if (last?.snapshot === snapshot) return last.state;
    const state = deriveCallState(snapshot, last ? { sources: last.snapshot.context, copies: last.state } : null);
    last = { snapshot, state };
    return state;
  };
}

/** A frozen copy of `context[field]`, or the earlier copy when its source is the same object. */
function copyOf<K extends keyof CopiedFields>(
  context: CopiedFields,
  field: K,
  earlier: { sources: CopiedFields; copies: Pick<CallState, 'transferInfo' | 'remote' | 'identity' | 'dialog' | 'end' | 'times'> } | null,
): CopiedFields[K] {
  if (earlier && earlier.sources[field] === context[field]) {
    return (field === 'transfer' ? earlier.copies.transferInfo : earlier.copies[field as Exclude<K, 'transfer'>]) as CopiedFields[K];
  }
  return frozenCopy(context[field]);
}

function deriveCallState(
  snapshot: CallSnapshot,
  earlier: { sources: CopiedFields; copies: Pick<CallState, 'transferInfo' | 'remote' | 'identity' | 'dialog' | 'end' | 'times'> } | null,
): CallState {
  const { context } = snapshot;
  const phase = phaseOf(snapshot);
  const confirmed = phase === 'confirmed';
  return Object.freeze({
    callId: context.callId,
    direction: context.direction,
    phase,
    hold: confirmed ? regionOf<HoldState>(snapshot, 'hold') : null,
    remoteHold: confirmed && snapshot.hasTag('remotelyHeld'),
    muted: confirmed && snapshot.hasTag('muted'),
    recording: confirmed ? regionOf<RecordingState>(snapshot, 'record') : null,
    transfer: confirmed ? regionOf<TransferState>(snapshot, 'transfer') : null,
    transferInfo: copyOf(context, 'transfer', earlier),
    remote: copyOf(context, 'remote', earlier),
    identity: copyOf(context, 'identity', earlier),
    manualIdentity: context.manualIdentity,
    earlyMedia: context.earlyMedia,
    recordPermissions: context.recordPermissions,
    consultationFor: context.consultationFor,
    consultation: context.consultation,
    dialog: copyOf(context, 'dialog', earlier),
    sessionState: sessionStateOf(phase, context.dialog),
    end: copyOf(context, 'end', earlier),
    times: copyOf(context, 'times', earlier),
    video: Object.freeze(videoOf(snapshot, confirmed)),
    tags: Object.freeze([...snapshot.tags].sort()),
  });
}
