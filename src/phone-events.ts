import type { UserAgentCause } from '../machines/port';
import type { RecordPermission } from '../machines/call.types';
import type { PhoneEmitted, ReferOutcome } from '../machines/phone.types';
import type { Refusal } from './errors';
import { eventSpecs } from './event-table';
import type { Session } from './session';

/** What the relay of the phone's events reads from the phone: the session of a call. */
export interface RelayingPhone {
  getSession(callId: string): Session | null;
}

const event = eventSpecs<PhoneEmitted, RelayingPhone>();

/** The session-carrying arguments of a call event, or `null` once the call is gone. */
function withSession(callId: string, phone: RelayingPhone): [{ readonly callId: string; readonly session: Session }] | null {
  const session = phone.getSession(callId);
  return session ? [{ callId, session }] : null;
}

/**
 * Every event of a Phone, once: the arguments `on()` listeners receive and, for the events relayed
 * from the phone actor, the emitted event they come from.
 */
export const PHONE_EVENTS = {
  /** Connected to the SIP server. */
  connected: event<[]>().from('transport.connected', () => []),
  /** Lost (`connection-error`) or closed (`stopped`) the connection to the SIP server; `reason` is the stack's wording, for logs. */
  disconnected: event<[{ readonly cause: UserAgentCause; readonly reason: string }]>().from('transport.disconnected', ({ cause, reason }) => [
    { cause, reason },
  ]),
  /** Registration succeeded. */
  registered: event<[]>().from('registration.registered', () => []),
  /** Registration ended. */
  unregistered: event<[]>().from('registration.unregistered', () => []),
  /** Registration failed; the cause and code, and whether the phone will retry. */
  registrationFailed: event<[{ readonly cause: UserAgentCause; readonly code: number | null; readonly attempt: number; readonly willRetry: boolean }]>().from(
    'registration.failed',
    ({ cause, code, attempt, willRetry }) => [{ cause, code, attempt, willRetry }],
  ),
  /** `isRegistered` changed. */
  isRegisteredChange: event<[isRegistered: boolean]>().from('registration.changed', ({ isRegistered }) => [isRegistered]),
  /** A call exists (either direction). */
  newRTCSession: event<[{ readonly callId: string; readonly session: Session }]>().from('call.created', ({ callId }, phone) => withSession(callId, phone)),
  /** An incoming call is ringing. */
  incoming: event<[{ readonly callId: string; readonly session: Session }]>().from('call.incoming', ({ callId }, phone) => withSession(callId, phone)),
  /** A call started: placed by us, or answered. */
  startSession: event<[{ readonly callId: string; readonly session: Session }]>().from('call.started', ({ callId }, phone) => withSession(callId, phone)),
  /** A call was removed from `sessions` after it ended. */
  deleteSession: event<[{ readonly callId: string; readonly cause: string; readonly code: number | null }]>().from('call.removed', ({ callId, end }) => [
    { callId, cause: end.cause, code: end.code },
  ]),
  /** The recording permission changed. */
  recordPermissionsChange: event<[recordPermissions: RecordPermission]>().from('recordPermissions.changed', ({ recordPermissions }) => [recordPermissions]),
  /** An incoming call was answered 486 because the phone was at its cap. */
  incomingRejected: event<[{ readonly callId: string; readonly number: string; readonly name: string | null; readonly code: number }]>().from(
    'incoming.rejected',
    ({ callId, remote, code }) => [{ callId, number: remote.number, name: remote.name, code }],
  ),
  /**
   * The far end asked us to call someone else (REFER) and the phone settled it: `accepted` says
   * whether it places that call, `outcome` why (`accepted`, `declined`, `timeout`, `over-cap`,
   * `call-ended`).
   */
  referReceived: event<[{ readonly callId: string; readonly target: string; readonly accepted: boolean; readonly outcome: ReferOutcome }]>().from(
    'refer.received',
    ({ callId, target, accepted, outcome }) => [{ callId, target, accepted, outcome }],
  ),
  /** `currentSessionID` changed. */
  currentSessionChange: event<[{ readonly currentSessionID: string | null }]>().from('current.changed', ({ currentSessionID }) => [{ currentSessionID }]),
  /** A method refused to act; the same value is in `lastRefusal`. */
  refused: event<[Refusal]>().raised,
};
