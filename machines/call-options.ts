/**
 * The options of placing or answering a call, as callers may give them.
 *
 * @packageDocumentation
 */
import { extraHeadersProblem } from './sip-grammar';
import { describe } from './sip-grammar';
import { isBoolean, isPlainObject, objectProblem } from './settings';
import type { ValueRule } from './settings';

/** True for an object that has the parts of a `MediaStream` the library and the stacks use. */
export function isMediaStreamLike(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const stream = value as Record<string, unknown>;
  return typeof stream.getTracks === 'function' && typeof stream.getAudioTracks === 'function' && typeof stream.getVideoTracks === 'function';
}

const deviceId: ValueRule = (value) => (typeof value === 'string' ? null : `must be a device id string, got ${describe(value)}`);

const CALL_OPTION_RULES: Readonly<Record<string, ValueRule>> = {
  video: isBoolean,
  offerToReceiveVideo: isBoolean,
  extraHeaders: extraHeadersProblem,
  mediaStream: (value) => (isMediaStreamLike(value) ? null : `must be a MediaStream, got ${describe(value)}`),
  mediaConstraints: (value) => (isPlainObject(value) ? null : `must be MediaStreamConstraints, got ${describe(value)}`),
  deviceIds: (value) => objectProblem('device ids', value, { microphoneId: deviceId, cameraId: deviceId }),
};

/** Why `options` cannot be the options of `call()` or `answer()`, or `null`. `undefined` means none. */
export function callOptionsProblem(options: unknown): string | null {
  if (options === undefined) return null;
  return objectProblem('call options', options, CALL_OPTION_RULES);
}

/** Why `options` cannot be the options of adding or accepting video (`{ cameraId }`), or `null`. `undefined` means none. */
export function videoOptionsProblem(options: unknown): string | null {
  if (options === undefined) return null;
  return objectProblem('video options', options, {
    cameraId: (value) => (value === null || (typeof value === 'string' && value !== '') ? null : `must be a non-empty string, got ${describe(value)}`),
  });
}
