import type { RTCSession } from 'jssip/lib/RTCSession';
import { stackCallback } from './stack-callback';
import { guard, type AdapterLogger } from './exception-barrier';

/** The outcome of an in-dialog request: `null` on a 2xx, otherwise why it failed. */
export type RequestOutcome = { ok: true } | { ok: false; code: number | null; reason: string };

interface ResponseLike {
  readonly status_code: number;
  readonly reason_phrase: string;
}

/** JsSIP's generic in-dialog sender (`RTCSession.sendRequest`, public in JS, missing from the typings). */
type SendRequest = (
  method: string,
  options: {
    extraHeaders?: string[];
    body?: string;
    eventHandlers?: {
      onSuccessResponse?: (response: ResponseLike) => void;
      onErrorResponse?: (response: ResponseLike) => void;
      onTransportError?: () => void;
      onRequestTimeout?: () => void;
      onDialogError?: () => void;
    };
  },
) => unknown;

/**
 * Send an in-dialog request and report its outcome once. Unlike `sendInfo`, a transport error or a
 * timeout of this request does not end the call.
 */
export function sendInDialog(
  session: RTCSession,
  method: string,
  extraHeaders: string[],
  body: string | undefined,
  logger: AdapterLogger,
  done: (outcome: RequestOutcome) => void,
): void {
  let settled = false;
  const settle = (outcome: RequestOutcome, fromStack = true) => {
    if (settled) return;
    settled = true;
    (fromStack ? stackCallback : guard)(logger, `${method} outcome`, () => done(outcome));
  };
  const send = (session as unknown as { sendRequest: SendRequest }).sendRequest;
  try {
    const request = send.call(session, method, {
      extraHeaders,
      body,
      eventHandlers: {
        onSuccessResponse: (r) => settle({ ok: true }),
        onErrorResponse: (r) => settle({ ok: false, code: r.status_code, reason: r.reason_phrase }),
        onTransportError: () => settle({ ok: false, code: null, reason: 'Connection Error' }),
        onRequestTimeout: () => settle({ ok: false, code: 408, reason: 'Request Timeout' }),
        onDialogError: () => settle({ ok: false, code: null, reason: 'Dialog Error' }),
      },
    });
    if (request === undefined) settle({ ok: false, code: null, reason: 'no dialog to send it in' }, false);
  } catch (error) {
    settle({ ok: false, code: null, reason: String(error) }, false);
  }
}
