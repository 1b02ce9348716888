import type { EndCause, MediaFailure } from './port';

/** The parts of a thrown media error this module reads (a DOMException, an OverconstrainedError, a plain object). */
interface MediaErrorLike {
  readonly name?: unknown;
  readonly message?: unknown;
  readonly constraint?: unknown;
}

/**
 * What a getUserMedia / getDisplayMedia / setSinkId failure means, from the error's name. An
 * `OverconstrainedError` on `deviceId` is how browsers say an exact device id names no device, so it
 * is `no-such-device`, like `NotFoundError`.
 */
export function mediaFailureOf(error: unknown): MediaFailure {
  const { name, constraint } = (typeof error === 'object' && error !== null ? error : {}) as MediaErrorLike;
  switch (name) {
    case 'NotFoundError':
    case 'DevicesNotFoundError':
      return 'no-such-device';
    case 'NotAllowedError':
    case 'PermissionDeniedError':
    case 'SecurityError':
      return 'denied';
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return 'in-use';
    case 'OverconstrainedError':
    case 'ConstraintNotSatisfiedError':
      return constraint === 'deviceId' || constraint === 'groupId' ? 'no-such-device' : 'constraints-impossible';
    case 'NotSupportedError':
    case 'TypeError':
      return 'not-supported';
    default:
      return 'failed';
  }
}

/** How a call that could not start because of a {@link MediaFailure} ends. */
export function endCauseOfMediaFailure(failure: MediaFailure): EndCause {
  switch (failure) {
    case 'no-such-device':
      return 'no-such-device';
    case 'denied':
      return 'user-denied-media';
    case 'in-use':
      return 'device-in-use';
    case 'constraints-impossible':
      return 'constraints-impossible';
    default:
      return 'media-failure';
  }
}

/** A media error as one line for logs: its name, the constraint it names, its message. */
export function mediaErrorText(error: unknown): string {
  const { name, message, constraint } = (typeof error === 'object' && error !== null ? error : {}) as MediaErrorLike;
  if (typeof name !== 'string') return String(error);
  const on = typeof constraint === 'string' && constraint ? ` (${constraint})` : '';
  return `${name}${on}${typeof message === 'string' && message ? `: ${message}` : ''}`;
}

/** getUserMedia constraints for one input: the device when an id is given, any device otherwise. */
export function inputConstraint(deviceId: string | undefined): MediaTrackConstraints | true {
  return deviceId ? { deviceId: { exact: deviceId } } : true;
}
