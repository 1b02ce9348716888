import type { RTCSession } from 'jssip/lib/RTCSession';
import type { DtmfTransport, RecordAction, RecordState } from '../../machines/port';
import { DEFAULT_DTMF } from '../../machines/port';
import { sendDtmfWithOutcome } from './dtmf';
import type { AdapterLogger } from './exception-barrier';
import { sendInDialog } from './in-dialog';

/**
 * Call recording is a PBX feature, asked for in-band. A backend carries a start/pause/resume request to
 * the PBX and reports whether the PBX took it; the call's record state changes only on success.
 */

/** What a backend gets to work with: the call's JsSIP session and the adapter's logger. */
export interface RecordingContext {
  readonly session: RTCSession;
  readonly logger: AdapterLogger;
}

/** The outcome of one request to a backend. */
export type RecordingOutcome = { ok: true; state: RecordState } | { ok: false; reason: string };

/** A recording backend. */
export interface RecordingBackend {
  /** Name for logs and diagnostics. */
  readonly name: string;
  /** Carry `action` to the PBX; call `done` exactly once. */
  request(context: RecordingContext, action: RecordAction, done: (outcome: RecordingOutcome) => void): void;
}

/** The record state each action leads to. */
export const STATE_AFTER: Readonly<Record<RecordAction, RecordState>> = {
  start: 'recording',
  pause: 'paused',
  resume: 'recording',
};

/** Options of {@link featureCodeRecording}. */
export interface FeatureCodeRecordingOptions {
  /**
   * The feature code per action. Many PBXes use one toggle code for all three (e.g. Yeastar's, or
   * Asterisk's `*3` automixmon); give the same string for each then.
   */
  readonly codes: Readonly<Record<RecordAction, string>>;
  /**
   * How the code travels. Default: RFC 2833, as the PBX's own phones send feature codes (unlike the
   * phone's `DEFAULT_DTMF`, SIP INFO); tone length and gap default to `DEFAULT_DTMF`'s.
   */
  readonly transport?: DtmfTransport;
  /** Tone length, ms. Default 100. */
  readonly durationMs?: number;
  /** Gap between tones, ms. Default 70. */
  readonly interToneGapMs?: number;
}

/**
 * The PBX's record feature code sent as DTMF. Success means every tone was delivered (each INFO got a
 * 2xx, or the RTP tone buffer drained); a PBX that reports the recording state elsewhere can push it
 * with `SIP.RECORD.STATE`.
 */
export function featureCodeRecording(options: FeatureCodeRecordingOptions): RecordingBackend {
  const dtmf = {
    transport: options.transport ?? 'rfc2833',
    durationMs: options.durationMs ?? DEFAULT_DTMF.durationMs,
    interToneGapMs: options.interToneGapMs ?? DEFAULT_DTMF.interToneGapMs,
  };
  return {
    name: `feature-code(${dtmf.transport})`,
    request({ session, logger }, action, done) {
      const code = options.codes[action];
      if (!code) return done({ ok: false, reason: `no feature code configured for ${action}` });
      sendDtmfWithOutcome(session, code, dtmf, logger, (error) =>
        done(error ? { ok: false, reason: error } : { ok: true, state: STATE_AFTER[action] }),
      );
    },
  };
}

/** The `Record:` header value per action. */
export const RECORD_HEADER: Readonly<Record<RecordAction, 'on' | 'pause'>> = {
  start: 'on',
  pause: 'pause',
  resume: 'on',
};

/** Options of {@link sipInfoRecording}. */
export interface SipInfoRecordingOptions {
  /** Content-Type of the INFO. Default `application/vnd.callstate.record` (an empty body). */
  readonly contentType?: string;
  /** Extra headers on every INFO. */
  readonly extraHeaders?: readonly string[];
}

/**
 * An in-dialog SIP INFO carrying `Record: on | off | pause` (the header some PBXes and SBCs act on).
 * Success is the INFO's 2xx.
 */
export function sipInfoRecording(options: SipInfoRecordingOptions = {}): RecordingBackend {
  const contentType = options.contentType ?? 'application/vnd.callstate.record';
  return {
    name: 'sip-info',
    request({ session, logger }, action, done) {
      sendInDialog(
        session,
        'INFO',
        [`Record: ${RECORD_HEADER[action]}`, `Content-Type: ${contentType}`, ...(options.extraHeaders ?? [])],
        '',
        logger,
        (outcome) =>
          done(
            outcome.ok
              ? { ok: true, state: STATE_AFTER[action] }
              : { ok: false, reason: `INFO ${outcome.code ?? ''} ${outcome.reason}`.replace(/\s+/g, ' ').trim() },
          ),
      );
    },
  };
}
