import type { RTCSession } from 'jssip/lib/RTCSession';
import type { DtmfOptions, DtmfTransport } from '../../machines/port';
import { errorText, guard, type AdapterLogger } from './exception-barrier';
import { sendInDialog } from './in-dialog';

/**
 * DTMF over SIP INFO (`application/dtmf-relay`, what JsSIP does by default and what it reports to the
 * far end as `newDTMF`) or RFC 2833/4733 telephone-events in the RTP stream (`RTCDTMFSender`; the far
 * end's JsSIP reports nothing for those). The phone's default is SIP INFO (`DEFAULT_DTMF`).
 */

const VALID_TONES = /^[0-9A-DR#*,]+$/i;

/** The audio sender's RTCDTMFSender, when the WebRTC implementation has one. */
export function dtmfSenderOf(pc: RTCPeerConnection | null | undefined): RTCDTMFSender | null {
  if (!pc || typeof pc.getSenders !== 'function') return null;
  const sender = pc.getSenders().find((s) => s.track && s.track.kind === 'audio');
  return (sender && (sender as RTCRtpSender & { dtmf?: RTCDTMFSender | null }).dtmf) || null;
}

/** Why `tones` cannot be sent, or null. */
export function invalidTones(tones: string): string | null {
  return typeof tones === 'string' && VALID_TONES.test(tones) ? null : `invalid DTMF tones: ${JSON.stringify(tones)}`;
}

/**
 * Send tones through JsSIP (`sendDTMF`). Returns null when JsSIP took them, otherwise the reason it
 * could not (JsSIP would throw, or, for RFC 2833 without an RTCDTMFSender, silently drop them).
 */
export function sendDtmf(session: RTCSession, tones: string, options: DtmfOptions): string | null {
  const invalid = invalidTones(tones);
  if (invalid) return invalid;
  if (options.transport === 'rfc2833' && !dtmfSenderOf(session.connection)) {
    return 'RFC 2833: no RTCDTMFSender on the audio sender of this peer connection';
  }
  try {
    session.sendDTMF(tones, {
      transportType: jssipTransport(options.transport) as never,
      duration: options.durationMs,
      interToneGap: options.interToneGapMs,
    });
    return null;
  } catch (error) {
    return errorText(error);
  }
}

/**
 * Send tones and report when every tone went out: for INFO, once every INFO got a 2xx; for RFC 2833,
 * once the RTCDTMFSender's tone buffer drained. Used by the feature-code recording backend, which
 * may only change state when the code was delivered.
 */
export function sendDtmfWithOutcome(
  session: RTCSession,
  tones: string,
  options: DtmfOptions,
  logger: AdapterLogger,
  done: (error: string | null) => void,
): void {
  const invalid = invalidTones(tones);
  if (invalid) return done(invalid);
  if (options.transport === 'rfc2833') return sendRfc2833(session, tones, options, logger, done);
  const queue = [...tones];
  const next = (): void => {
    const tone = queue.shift();
    if (tone === undefined) return done(null);
    if (tone === ',') {
      setTimeout(next, 2000);
      return;
    }
    sendInDialog(
      session,
      'INFO',
      ['Content-Type: application/dtmf-relay'],
      `Signal=${tone}\r\nDuration=${options.durationMs}\r\n`,
      logger,
      (outcome) => {
        if (!outcome.ok) return done(`INFO ${outcome.code ?? ''} ${outcome.reason}`.replace(/\s+/g, ' '));
        if (queue.length === 0) return done(null);
        setTimeout(next, options.interToneGapMs);
      },
    );
  };
  next();
}

function sendRfc2833(
  session: RTCSession,
  tones: string,
  options: DtmfOptions,
  logger: AdapterLogger,
  done: (error: string | null) => void,
): void {
  const sender = dtmfSenderOf(session.connection);
  if (!sender) return done('RFC 2833: no RTCDTMFSender on the audio sender of this peer connection');
  const onChange = (event: Event) => {
    if ((event as RTCDTMFToneChangeEvent).tone === '') {
      sender.removeEventListener('tonechange', onChange);
      guard(logger, 'DTMF outcome', () => done(null));
    }
  };
  try {
    sender.addEventListener('tonechange', onChange);
    sender.insertDTMF(sender.toneBuffer + tones, options.durationMs, options.interToneGapMs);
  } catch (error) {
    sender.removeEventListener('tonechange', onChange);
    done(errorText(error));
  }
}

/** The transport names JsSIP uses. */
export function jssipTransport(transport: DtmfTransport): 'INFO' | 'RFC2833' {
  return transport === 'info' ? 'INFO' : 'RFC2833';
}
