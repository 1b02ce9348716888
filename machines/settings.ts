/**
 * The phone's settings as callers may give them: to `createPhone` and to `configure()`. Only the
 * documented settings, each with a valid value; anything else is refused with the reason.
 *
 * @packageDocumentation
 */
import type { PhoneSettings } from './phone.types';
import { describe } from './sip-grammar';
import { isRejectCode } from './validation';

/** Why a value is not acceptable for a setting, or `null`. */
export type ValueRule = (value: unknown) => string | null;

/** Longest timer delay a JavaScript timer keeps (2^31 - 1 ms, about 24.8 days). */
export const MAX_TIMER_MS = 2_147_483_647;

/** A safe integer from `min` to `max`. */
export function integerIn(min: number, max: number = Number.MAX_SAFE_INTEGER): ValueRule {
  return (value) =>
    typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max
      ? null
      : `must be an integer from ${min}${max === Number.MAX_SAFE_INTEGER ? ' up' : ` to ${max}`}, got ${describe(value)}`;
}

/** `true` or `false`. */
export const isBoolean: ValueRule = (value) => (typeof value === 'boolean' ? null : `must be true or false, got ${describe(value)}`);

/** The rule of each setting. */
export const SETTING_RULES: { readonly [K in keyof PhoneSettings]: ValueRule } = {
  maxCalls: integerIn(1),
  callWaiting: isBoolean,
  autoHold: isBoolean,
  register: isBoolean,
  reRegistryPhoneTimes: integerIn(0),
  registrationRetryBaseMs: integerIn(0, MAX_TIMER_MS),
  registrationRetryMaxMs: integerIn(0, MAX_TIMER_MS),
  overCapCode: (value) => (isRejectCode(value) ? null : `must be a 4xx-6xx status code, got ${describe(value)}`),
  rejectCode: (value) => (isRejectCode(value) ? null : `must be a 4xx-6xx status code, got ${describe(value)}`),
  referTimeoutMs: integerIn(1, MAX_TIMER_MS),
};

/** The names of the phone settings. */
export const SETTING_NAMES = Object.keys(SETTING_RULES) as ReadonlyArray<keyof PhoneSettings>;

/** True when `value` is an object made by `{}` or `Object.create(null)` (no class instance, array or function). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Check `values` against `rules`: a plain object whose own keys are all named in `rules` (or in
 * `ignored`), each value valid or `undefined` (not given). Symbol keys are refused. Returns the first
 * problem, or `null`.
 */
export function objectProblem(
  what: string,
  values: unknown,
  rules: Readonly<Record<string, ValueRule>>,
  ignored: readonly string[] = [],
): string | null {
  if (!isPlainObject(values)) return `${what} must be a plain object, got ${describe(values)}`;
  if (Object.getOwnPropertySymbols(values).length > 0) return `${what} may not have symbol keys`;
  for (const key of Object.keys(values)) {
    if (ignored.includes(key)) continue;
    if (!Object.prototype.hasOwnProperty.call(rules, key)) return `${describe(key)} is not one of the ${what}`;
    const value = values[key];
    if (value === undefined) continue;
    const problem = rules[key](value);
    if (problem) return `${key} ${problem}`;
  }
  return null;
}

/** Why `settings` cannot be applied with `configure()`, or `null`. */
export function settingsProblem(settings: unknown): string | null {
  return objectProblem('phone settings', settings, SETTING_RULES);
}

/** Only the given (not `undefined`) settings of an already checked object. */
export function givenSettings(settings: Readonly<Record<string, unknown>>): Partial<PhoneSettings> {
  const given: Record<string, unknown> = {};
  for (const key of SETTING_NAMES) if (settings[key] !== undefined) given[key] = settings[key];
  return given as Partial<PhoneSettings>;
}
