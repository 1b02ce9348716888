import type { InspectionEvent, Observer } from 'xstate';

/**
 * The mark of an inspector that redacts what it is given. A registered symbol, so that the core and
 * `callstate/inspect` agree on it even when they are bundled apart.
 */
export const REDACTING: unique symbol = Symbol.for('callstate.redacting-inspector');

/**
 * An XState inspector that only passes on redacted events: no password, HA1, authorization header
 * or SDP. `createRedactingInspector(inner)` and `createRelayInspector(…).inspect` of
 * `callstate/inspect` make one; `createPhone({ inspect })` accepts nothing else, so the redaction
 * code is only in a bundle that inspects.
 */
export interface RedactingInspector extends Observer<InspectionEvent> {
  /** Called with each (redacted) inspection event. */
  next: (event: InspectionEvent) => void;
  /** The mark that this inspector redacts. */
  readonly [REDACTING]: true;
}

/**
 * The inspector a phone's actor system gets for `createPhone({ inspect })`: the given one when it is
 * a {@link RedactingInspector}, guarded so that an inspector that throws does not break the phone
 * (its first error is reported on the console); none, with a console error, for anything else, so
 * an inspector never sees an unredacted event.
 */
export function phoneInspector(inspect: RedactingInspector | undefined): Observer<InspectionEvent> | undefined {
  if (inspect === undefined) return undefined;
  if ((inspect as Partial<RedactingInspector>)?.[REDACTING] !== true) {
    console.error('callstate: createPhone({ inspect }) takes a redacting inspector (createRedactingInspector from callstate/inspect); this one gets nothing.');
    return undefined;
  }
  let reported = false;
  return {
    next: (event) => {
      try {
        inspect.next(event);
      } catch (error) {
        if (!reported) console.error('callstate: the inspector threw (reported once; the phone goes on).', error);
        reported = true;
      }
    },
    error: (error) => inspect.error?.(error),
    complete: () => inspect.complete?.(),
  };
}
