import type { SnapshotFrom } from 'xstate';
import { frozenCopy } from './frozen-copy';
import type { RecordPermission } from './call.types';
import { callCap, isMaxCall } from './phone.queries';
import type { PhoneMachine } from './phone.machine';

/** Transport of the phone to its SIP server. */
export type TransportState = 'disconnected' | 'connecting' | 'connected' | 'reconnecting';

/** Registration of the phone with its registrar. */
export type RegistrationState = 'unregistered' | 'registering' | 'registered' | 'failed';

/** The phone as a UI sees it: a plain, immutable object derived from the phone actor's snapshot. */
export interface PhoneState {
  readonly transport: TransportState;
  readonly registration: RegistrationState;
  readonly isRegistered: boolean;
  /** Call ids, oldest first. */
  readonly calls: readonly string[];
  readonly currentSessionID: string | null;
  /** Incoming calls nobody answered yet, oldest first. */
  readonly incoming: readonly string[];
  readonly isMaxCall: boolean;
  /** The cap in force (1 with call waiting off). */
  readonly callCap: number;
  readonly recordPermissions: RecordPermission;
  readonly registrationAttempts: number;
  readonly lastRegistrationFailure: { readonly cause: string; readonly code: number | null } | null;
}

/** Maps the phone actor's snapshot to the {@link PhoneState} a UI reads. */
export function toPhoneState(snapshot: SnapshotFrom<PhoneMachine>): PhoneState {
  const { context } = snapshot;
  const value = snapshot.value as { transport: TransportState; registration: RegistrationState };
  return Object.freeze({
    transport: value.transport,
    registration: value.registration,
    isRegistered: value.registration === 'registered',
    calls: Object.freeze([...context.order]),
    currentSessionID: context.currentSessionID,
    incoming: Object.freeze(context.order.filter((id) => context.calls[id]?.awaitingAnswer)),
    isMaxCall: isMaxCall(context),
    callCap: callCap(context),
    recordPermissions: context.recordPermissions,
    registrationAttempts: context.registrationAttempts,
    lastRegistrationFailure: frozenCopy(context.lastRegistrationFailure),
  });
}
