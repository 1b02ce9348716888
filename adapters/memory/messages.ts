import type { DtmfTransport, EndCause } from '../../machines/port';

/** A dialog named from one leg's side: what a Replaces header carries. */
export interface DialogRef {
  /** Call-ID of the dialog. */
  readonly callId: string;
  /** The naming leg's own tag. */
  readonly localTag: string;
  /** The far leg's tag, as far as the naming leg knows it. */
  readonly remoteTag: string | null;
}

/**
 * What one call leg delivers to the other through the network: requests and the responses that
 * matter to the far side. `abort` is the network itself ending a leg whose far side vanished.
 */
export type LegMessage =
  | { readonly kind: 'ringing' }
  | { readonly kind: 'ok' }
  | { readonly kind: 'decline'; readonly code: number; readonly reason: string; readonly cause?: EndCause }
  | { readonly kind: 'ack' }
  | { readonly kind: 'cancel' }
  | { readonly kind: 'bye' }
  | { readonly kind: 'abort' }
  | { readonly kind: 'reinvite'; readonly hold: boolean }
  | { readonly kind: 'reinvite-response'; readonly hold: boolean; readonly code: number; readonly reason: string }
  | { readonly kind: 'dtmf'; readonly tone: string; readonly durationMs: number; readonly transport: DtmfTransport }
  | { readonly kind: 'info'; readonly contentType: string; readonly body: string }
  | { readonly kind: 'message'; readonly contentType: string; readonly body: string }
  | { readonly kind: 'refer'; readonly target: string; readonly replaces: DialogRef | null }
  | { readonly kind: 'refer-response'; readonly code: number; readonly reason: string }
  | { readonly kind: 'notify'; readonly code: number; readonly reason: string }
  /** A re-INVITE that adds (`add`) or removes video. */
  | { readonly kind: 'video-offer'; readonly add: boolean }
  /** Its answer: a failure code, or 2xx with whether the video stream was accepted. */
  | { readonly kind: 'video-response'; readonly code: number; readonly reason: string; readonly accepted: boolean };

