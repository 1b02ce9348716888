/**
 * The options of `createPhone`, checked before anything is created: the phone's settings with the
 * rules of `configure()`, and the facade's own options.
 *
 * @packageDocumentation
 */
import { MAX_TIMER_MS, SETTING_RULES, integerIn, isBoolean, isPlainObject, objectProblem } from '../machines/settings';
import type { ValueRule } from '../machines/settings';
import { describe } from '../machines/validation';

/** The methods every user-agent port has. */
const PORT_METHODS = ['start', 'stop', 'register', 'unregister', 'setCredentials', 'call', 'acceptRefer', 'rejectRefer', 'getCall', 'subscribe', 'dispose'];

const isFunctionOf = (value: unknown, names: readonly string[]): boolean =>
  typeof value === 'object' && value !== null && names.every((name) => typeof (value as Record<string, unknown>)[name] === 'function');

const optionalString: ValueRule = (value) => (typeof value === 'string' ? null : `must be a string, got ${describe(value)}`);

const DTMF_RULES: Readonly<Record<string, ValueRule>> = {
  transport: (value) => (value === 'info' || value === 'rfc2833' ? null : `must be 'info' or 'rfc2833', got ${describe(value)}`),
  durationMs: integerIn(40, 6000),
  interToneGapMs: integerIn(40, 6000),
};

const OPTION_RULES: Readonly<Record<string, ValueRule>> = {
  ...SETTING_RULES,
  userAgent: (value) => (isFunctionOf(value, PORT_METHODS) ? null : 'must be a user-agent port (JsSIP, memory or another implementation)'),
  recordPermissions: (value) => (value === 0 || value === 1 || value === 2 ? null : `must be 0, 1 or 2, got ${describe(value)}`),
  deviceIds: (value) => objectProblem('device ids', value, { cameraId: optionalString, microphoneId: optionalString, speakerId: optionalString }),
  mediaDevices: (value) =>
    value === null || isFunctionOf(value, ['enumerateDevices']) ? null : 'must be a media-devices source (enumerateDevices) or null',
  dtmf: (value) => objectProblem('DTMF options', value, DTMF_RULES),
  refer: (value) =>
    value === 'accept' || value === 'decline' || typeof value === 'function' ? null : `must be 'accept', 'decline' or a function, got ${describe(value)}`,
  reportIntervalMs: integerIn(100, MAX_TIMER_MS),
  qualityReports: isBoolean,
  scheduler: (value) => (isFunctionOf(value, ['now', 'schedule']) ? null : 'must be an RxJS scheduler (now and schedule)'),
  inspect: (value) =>
    typeof value === 'function' || (isPlainObject(value) || (typeof value === 'object' && value !== null)) ? null : 'must be an inspector function or observer',
};

/** Why `options` cannot create a phone, or `null`. `userAgent` is required. */
export function phoneOptionsProblem(options: unknown): string | null {
  const problem = objectProblem('phone options', options, OPTION_RULES);
  if (problem) return problem;
  if ((options as Record<string, unknown>).userAgent === undefined) return 'userAgent is required: a user-agent port (JsSIP, memory or another implementation)';
  return null;
}
