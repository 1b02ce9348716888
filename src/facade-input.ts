/**
 * Input only the facade takes: event listeners, and the app-owned part of a call's status.
 *
 * @packageDocumentation
 */
import { isPlainObject } from '../machines/settings';
import { describe } from '../machines/validation';

/** Longest name, avatar or company accepted. */
export const MAX_STATIC_FIELD_LENGTH = 4096;

const STATIC_FIELDS = ['name', 'avatar', 'company'];

/** Why `listener` cannot listen to `eventName` among `names`, or `null`. */
export function listenerProblem(names: ReadonlySet<string>, eventName: unknown, listener: unknown): string | null {
  if (typeof eventName !== 'string' || !names.has(eventName)) return `${describe(eventName)} is not an event of this object`;
  if (typeof listener !== 'function') return `the listener must be a function, got ${describe(listener)}`;
  return null;
}

/**
 * Why `status` cannot be applied as a call's app-owned status (`name`, `avatar`, `company`), or
 * `null`. With `derivedAllowed`, other keys are tolerated (the caller refuses them separately).
 */
export function staticStatusProblem(status: unknown, derivedAllowed = false): string | null {
  if (!isPlainObject(status)) return `the status must be an object, got ${describe(status)}`;
  for (const key of STATIC_FIELDS) {
    const value = status[key];
    if (value === undefined) continue;
    if (typeof value !== 'string') return `${key} must be a string, got ${describe(value)}`;
    if (value.length > MAX_STATIC_FIELD_LENGTH) return `${key} may have at most ${MAX_STATIC_FIELD_LENGTH} characters`;
  }
  if (!derivedAllowed) {
    const extra = Object.keys(status).filter((key) => !STATIC_FIELDS.includes(key));
    if (extra.length > 0) return `only name, avatar and company can be set, not ${extra.map(describe).join(', ')}`;
  }
  return null;
}
