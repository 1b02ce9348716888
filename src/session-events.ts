import type { MediaFailure } from '../machines/port';
import type { CallState, VideoState } from '../machines/call.connect';
import type { CallEmitted } from '../machines/call.types';
import type { Refusal } from './errors';
import { eventSpecs } from './event-table';
import type { CallQualityReport } from './quality/report';
import type { QualityWarningName } from './quality/warnings';
import type { CallStatus, StaticCallStatus } from './seed/call-status';

/** What the relay of a call's events reads from the session: its id, its state, and the session itself. */
export interface RelayingSession {
  readonly callId: string;
  readonly state: CallState;
}

const CLIENT_ERROR_CAUSES = new Set(['user-denied-media', 'media-failure', 'internal-error']);

/**
 * Every event of a Session, once: the arguments `on()` listeners receive and, for the events relayed
 * from the call actor, the emitted event they come from. An emitted event raises its entries in
 * the table's order (`call.ended`: `clientError`, `failed`, then `ended`).
 *
 * @typeParam S - the session type (events carry the session itself).
 */
export function sessionEvents<S extends RelayingSession>() {
  const event = eventSpecs<CallEmitted, S>();
  return {
    /** A new quality report (every 3 s by default while confirmed). */
    callReport: event<[{ readonly callId: string; readonly callReport: CallQualityReport }]>().raised,
    /** Quality warnings were raised or cleared (with hysteresis) by the latest report. */
    qualityWarning: event<
      [
        {
          readonly callId: string;
          readonly raised: readonly QualityWarningName[];
          readonly cleared: readonly QualityWarningName[];
          readonly active: readonly QualityWarningName[];
        },
      ]
    >().raised,
    /** A media stream was added: `outbound` is ours, `inbound` the far end's. */
    streamAdded: event<[{ readonly callId: string; readonly communicationType: 'outbound' | 'inbound'; readonly stream: MediaStream }]>().raised,
    /** A local media or client problem ended the call before it was established. */
    clientError: event<[{ readonly callId: string; readonly cause: string }]>().from('call.ended', ({ end, established }, session) =>
      !established && CLIENT_ERROR_CAUSES.has(end.cause) && end.originator !== 'remote' ? [{ callId: session.callId, cause: end.cause }] : null,
    ),
    /** The call ended before it was established. */
    failed: event<[{ readonly callId: string; readonly cause: string; readonly code: number | null }]>().from('call.ended', ({ end, established }, session) =>
      established ? null : [{ callId: session.callId, cause: end.cause, code: end.code }],
    ),
    /** The call ended, whichever way (also after `failed`). */
    ended: event<[{ readonly callId: string; readonly cause: string; readonly code: number | null; readonly originator: string }]>().from(
      'call.ended',
      ({ end }, session) => [{ callId: session.callId, cause: end.cause, code: end.code, originator: end.originator }],
    ),
    /** The far end re-INVITEd (after a PBX transfer, for instance). */
    reinvite: event<[{ readonly callId: string; readonly session: S; readonly video: boolean }]>().from('call.reinvite', ({ video }, session) => [
      { callId: session.callId, session, video },
    ]),
    /** 200 OK sent or received. */
    accepted: event<[{ readonly callId: string; readonly session: S }]>().from('call.accepted', (_, session) => [{ callId: session.callId, session }]),
    /** ACK exchanged: the call is established. */
    confirmed: event<[{ readonly callId: string; readonly session: S }]>().from('call.confirmed', (_, session) => [{ callId: session.callId, session }]),
    /** The derived call status changed. */
    statusChange: event<[newStatus: CallStatus, oldStatus: CallStatus]>().raised,
    /** The static part of the status (name, avatar, company) changed. */
    staticStatusChange: event<[newStatus: StaticCallStatus, oldStatus: StaticCallStatus]>().raised,
    /** A provisional response (180, 183) arrived. */
    progress: event<[{ readonly callId: string; readonly statusCode: number; readonly earlyMedia: boolean }]>().from(
      'call.progress',
      ({ code, earlyMedia }, session) => [{ callId: session.callId, statusCode: code, earlyMedia }],
    ),
    /** A hold re-INVITE failed; the call goes on, not held. */
    holdFailed: event<[{ readonly callId: string; readonly code: number | null; readonly reason: string }]>().from(
      'call.hold.failed',
      ({ code, reason }, session) => [{ callId: session.callId, code, reason }],
    ),
    /** An unhold re-INVITE failed; the call stays held. */
    unholdFailed: event<[{ readonly callId: string; readonly code: number | null; readonly reason: string }]>().from(
      'call.unhold.failed',
      ({ code, reason }, session) => [{ callId: session.callId, code, reason }],
    ),
    /** A transfer succeeded (final NOTIFY 2xx); the call ends as `transferred`. */
    transferSucceeded: event<[{ readonly callId: string; readonly target: string }]>().from('call.transfer.succeeded', ({ transfer }, session) => [
      { callId: session.callId, target: transfer.target },
    ]),
    /** A transfer failed (REFER refused or final NOTIFY ≥ 300); the call goes on. */
    transferFailed: event<[{ readonly callId: string; readonly code: number | null; readonly reason: string }]>().from(
      'call.transfer.failed',
      ({ transfer }, session) => [{ callId: session.callId, code: transfer.failure?.code ?? null, reason: transfer.failure?.reason ?? 'transfer failed' }],
    ),
    /** The recording backend refused a change. */
    recordFailed: event<[{ readonly callId: string; readonly reason: string }]>().from('call.record.failed', ({ reason }, session) => [
      { callId: session.callId, reason },
    ]),
    /** DTMF received from the far end. */
    dtmf: event<[{ readonly callId: string; readonly tone: string; readonly durationMs: number }]>().from(
      'call.dtmf.received',
      ({ tone, durationMs }, session) => [{ callId: session.callId, tone, durationMs }],
    ),
    /** In-dialog INFO received. */
    info: event<[{ readonly callId: string; readonly contentType: string; readonly body: string }]>().from(
      'call.info.received',
      ({ contentType, body }, session) => [{ callId: session.callId, contentType, body }],
    ),
    /** In-dialog MESSAGE received. */
    message: event<[{ readonly callId: string; readonly contentType: string; readonly body: string }]>().from(
      'call.message.received',
      ({ contentType, body }, session) => [{ callId: session.callId, contentType, body }],
    ),
    /** The far end offers to add video: answer with `acceptVideo()` or `declineVideo()`. */
    videoOffered: event<[{ readonly callId: string; readonly session: S }]>().from('call.video.offered', (_, session) => [
      { callId: session.callId, session },
    ]),
    /** The negotiated video changed (either side's offer); `video` is the call's video now. */
    videoChanged: event<[{ readonly callId: string; readonly video: VideoState }]>().from('call.video.changed', (_, session) => [
      { callId: session.callId, video: session.state.video },
    ]),
    /** Adding or removing video failed; the call's media is as it was. `failure` is set when a device was the cause. */
    videoFailed: event<[{ readonly callId: string; readonly code: number | null; readonly reason: string; readonly failure: MediaFailure | null }]>().from(
      'call.video.failed',
      ({ code, reason, media }, session) => [{ callId: session.callId, code, reason, failure: media }],
    ),
    /** Screen sharing could not start or stop. */
    screenShareFailed: event<[{ readonly callId: string; readonly failure: MediaFailure; readonly reason: string }]>().from(
      'call.screen.failed',
      ({ media, reason }, session) => [{ callId: session.callId, failure: media, reason }],
    ),
    /** A method refused to act; the same value is in `lastRefusal`. */
    refused: event<[Refusal]>().raised,
  };
}
