/**
 * callstate: a framework-agnostic state-machine core for WebRTC SIP phones.
 *
 * @packageDocumentation
 */
export { createPhone, Phone } from './phone';
export type { PhoneOptions, PhoneEventMap } from './phone';
export type { RedactingInspector } from './redacting-inspector';
export { Session } from './session';
export type { SessionEventMap } from './session';
export type { SessionDialog } from './seed/dialog';
export type { ReferDecider, ReferPolicy, ReferRequest } from './refer-decision';
export type { CallStatus, StaticCallStatus, TransferParent } from './seed/call-status';
export { PhoneOptionsError, RESULT_CODES } from './errors';
export type { Refusal, RefusalReason, Result } from './errors';
export type { HubEvent, HubEvents } from './event-hub';
export type { CallTimer } from './timer';
export * from './quality';
export type { CallState, CallPhase, HoldState, RecordingState, TransferState, VideoState, VideoNegotiation } from '../machines/call.connect';
export type { DeviceEntry, DeviceList, DeviceSource, ChosenDevices } from './devices';
export type { PhoneState, TransportState, RegistrationState } from '../machines/phone.connect';
export type { CallEnd, RecordPermission, TerminateKind, StaticIdentity } from '../machines/call.types';
export type { PhoneSettings, ReferOutcome } from '../machines/phone.types';
export { callMachine } from '../machines/call.machine';
export { phoneMachine, DEFAULT_PHONE_SETTINGS } from '../machines/phone.machine';
export { DEFAULT_DTMF } from '../machines/port';
export { isValidDtmf, isValidTarget } from '../machines/validation';
export type * from '../machines/port';
