import { fromCallback } from 'xstate';
import type { ActorSystem, EventObject } from 'xstate';
import type { ReferDecisionEvent, ReferQuestion } from '../machines/phone.types';
import type { Session } from './session';

/** An incoming REFER, as the app is asked about it. */
export interface ReferRequest {
  /** The call the REFER arrived on: the call the far end wants to hand over. */
  readonly callId: string;
  /** Where the far end asks us to call (the Refer-To URI). */
  readonly target: string;
  /** That call's session, when the phone still has it. */
  readonly session: Session | null;
}

/** Decides an incoming REFER: `true` (or a promise of it) to follow it, anything else to decline it. */
export type ReferDecider = (request: ReferRequest) => boolean | Promise<boolean>;

/**
 * What the phone does with an incoming REFER (the far end transferring us): `'accept'` always,
 * `'decline'` always, or ask the app with a {@link ReferDecider}.
 */
export type ReferPolicy = 'accept' | 'decline' | ReferDecider;

/**
 * The phone machine's `referDecision` actor: puts one incoming REFER to the app's policy (the
 * `refer` option of the phone whose actor system runs it, found by `wiringOf`) and sends the answer back as
 * `PHONE.REFER.DECIDED`. A decider that throws or rejects declines. An answer that comes after the
 * actor was stopped (the wait ended, the call ended) is dropped.
 */
export function referDecision(
  wiringOf: (system: ActorSystem<any>) => { readonly refer: ReferPolicy; sessionOf(callId: string): Session | null } | undefined,
) {
  return fromCallback<EventObject, ReferQuestion>(({ input, system, sendBack }) => {
    const wiring = wiringOf(system);
    const policy: ReferPolicy = wiring?.refer ?? 'decline';
    let live = true;
    const answer = (accept: boolean) => {
      if (!live) return;
      live = false;
      const decided: ReferDecisionEvent = { type: 'PHONE.REFER.DECIDED', referId: input.referId, accept };
      sendBack(decided);
    };
    if (policy === 'accept' || policy === 'decline') {
      answer(policy === 'accept');
    } else {
      try {
        const request: ReferRequest = { callId: input.callId, target: input.target, session: wiring?.sessionOf(input.callId) ?? null };
        Promise.resolve(policy(request)).then(
          (accept) => answer(accept === true),
          () => answer(false),
        );
      } catch {
        answer(false);
      }
    }
    return () => {
      live = false;
    };
  });
}
