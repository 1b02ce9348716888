import { toCallState } from '../machines/call.connect';
import type { CallState } from '../machines/call.connect';
import type { CallEmitted } from '../machines/call.types';
import type { CallActorRef } from '../machines/phone.types';
import type { MediaFailure } from '../machines/port';

/** How a media change the call machine carried out ended. */
export type MediaChangeOutcome =
  | { readonly ok: true; readonly state: CallState }
  | { readonly ok: false; readonly state: CallState; readonly reason: string; readonly media: MediaFailure | null; readonly code: number | null };

type Failure = Extract<CallEmitted, { type: 'call.video.failed' | 'call.screen.failed' }>;

/**
 * Send `event` to the call and resolve once `pending(state)` is false again: with the failure the
 * machine announced on the way (`call.video.failed`, `call.screen.failed`), or the call's end.
 */
export function mediaChange(ref: CallActorRef, send: () => void, pending: (state: CallState) => boolean): Promise<MediaChangeOutcome> {
  return new Promise((resolve) => {
    let failure: Failure | null = null;
    const emitted = ref.on('*', (event: CallEmitted) => {
      if (event.type === 'call.video.failed' || event.type === 'call.screen.failed') failure = event;
    });
    let done = false;
    let subscription: { unsubscribe(): void } | null = null;
    const check = () => {
      if (done) return;
      const snapshot = ref.getSnapshot();
      const state = toCallState(snapshot);
      const over = snapshot.status !== 'active' || state.phase !== 'confirmed';
      if (!over && pending(state)) return;
      done = true;
      emitted.unsubscribe();
      subscription?.unsubscribe();
      const failed = failure as Failure | null;
      if (failed) {
        resolve({ ok: false, state, reason: failed.reason, media: failed.media, code: failed.type === 'call.video.failed' ? failed.code : null });
      } else if (over) {
        resolve({ ok: false, state, reason: 'the call ended', media: null, code: null });
      } else {
        resolve({ ok: true, state });
      }
    };
    send();
    subscription = ref.subscribe({ next: check, complete: check, error: check });
    check();
  });
}
