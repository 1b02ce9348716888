import { callEntry, hasCall } from './call-ids';
import type { CallEntry, PhoneContext } from './phone.types';

/**
 * Questions answered from a phone's context: how many calls count against the cap, which call becomes
 * current, how the legs of an attended transfer relate. The machine decides with them; the phone's
 * state and the facade report them.
 */

/** A consultation leg counts against the cap only once its parent call is gone. */
function isConsultationLeg(context: PhoneContext, entry: CallEntry): boolean {
  return entry.consultationFor !== null && hasCall(context.calls, entry.consultationFor);
}

/** How many calls count against the cap. */
export function countedCalls(context: PhoneContext): number {
  let count = 0;
  for (const id in context.calls) if (!isConsultationLeg(context, context.calls[id])) count += 1;
  return count;
}

/** The cap in force: `maxCalls`, or 1 with call waiting off. */
export function callCap(context: PhoneContext): number {
  return context.callWaiting ? context.maxCalls : 1;
}

/** True when no further call may be placed or received (consultation legs excepted). */
export function isMaxCall(context: PhoneContext): boolean {
  return countedCalls(context) >= callCap(context);
}

/**
 * The call that becomes current when `removedId` goes: the newest remaining call that is not an
 * unanswered incoming call, else the newest remaining call, else none.
 */
export function nextCurrentCall(context: PhoneContext, removedId: string): string | null {
  const remaining = context.order.filter((id) => id !== removedId && hasCall(context.calls, id));
  for (let i = remaining.length - 1; i >= 0; i -= 1) {
    if (!context.calls[remaining[i]].awaitingAnswer) return remaining[i];
  }
  return remaining.length > 0 ? remaining[remaining.length - 1] : null;
}

/** The parent call of an attended transfer named by either leg. */
export function transferParentOf(context: PhoneContext, callId: string): string | null {
  const entry = callEntry(context.calls, callId);
  if (!entry) return null;
  if (entry.consultationFor !== null && hasCall(context.calls, entry.consultationFor)) return entry.consultationFor;
  for (const id in context.calls) if (context.calls[id].consultationFor === callId) return callId;
  return null;
}

/** The consultation leg of a parent call, if it has one. */
export function consultationOf(context: PhoneContext, parentId: string): string | null {
  for (const id in context.calls) if (context.calls[id].consultationFor === parentId) return id;
  return null;
}
