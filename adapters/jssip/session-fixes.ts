/**
 * Corrections of JsSIP 3.13's RTCSession that the adapter installs on each session it owns, at run
 * time: the session's own methods are wrapped on the instance (nothing of JsSIP's modules or
 * prototypes is changed), so the fixes reach every JsSIP installed from the registry and no other
 * session in the page. Each one depends on JsSIP internals named below; when an internal is missing
 * (another JsSIP version), that fix is skipped and JsSIP behaves as it did.
 *
 * - A request JsSIP already answered with a final response (the 491 of RFC 3261 §14.2 when the far
 *   end's re-INVITE crosses ours) is not processed any further: JsSIP would emit `reinvite` for it and
 *   apply its SDP although the far end was told it did not happen.
 * - Our own re-INVITE answered 491 is retried after RFC 3261 §14.1's delay — 2.1–4 s when we own the
 *   Call-ID (we sent the dialog's INVITE), 0–2 s otherwise — with a fresh offer, once; JsSIP waits a
 *   fixed 1 s and resends the stale offer. A second 491 is a failure of the re-INVITE.
 * - A 2xx from another fork of our INVITE (RFC 3261 §13.2.2.4) is ACKed and then BYEd on its own
 *   dialog; the call stays with the first answer and nothing is reported. JsSIP sends that ACK and BYE
 *   on the call's own dialog, hanging up the device that answered first.
 * - An INFO without a body or a Content-Type (a keep-alive some PBXes send) is answered 200
 *   and changes nothing; JsSIP answers 415 and some PBXes drop the call for that. An INFO with a
 *   Content-Type and an empty body is still the app's (JsSIP reports it).
 * - A 422 (Session Interval Too Small) to our INVITE sends the INVITE again with the far end's Min-SE
 *   (RFC 4028), once; JsSIP fails the call.
 * - An UPDATE without a body in an early dialog, or before the ACK (RFC 3311 §5: allowed there; PBXes
 *   send one to refresh the target or update the connected party while a call rings) is answered 200;
 *   JsSIP answers 403 unless the call is confirmed.
 * - A re-INVITE or UPDATE that holds us the RFC 2543 way (connection address 0.0.0.0) is read as the
 *   hold it is (see {@link zeroAddressHoldAsDirection}); JsSIP looks only at the direction.
 */
import type { RTCSession } from 'jssip/lib/RTCSession';
import { guard, type AdapterLogger } from './exception-barrier';
import { zeroAddressHoldAsDirection } from './hold-sdp';

/** A message as JsSIP hands it to the session. */
interface Message {
  readonly method: string;
  readonly status_code?: number;
  readonly body?: string;
  readonly call_id: string;
  readonly from_tag: string;
  readonly to_tag: string;
  readonly server_transaction?: { readonly state: number };
  reply?(code: number, reason?: string, extraHeaders?: string[]): void;
  hasHeader?(name: string): boolean;
}

interface DialogLike {
  readonly id: { call_id: string; local_tag: string; remote_tag: string };
  readonly constructor: new (owner: unknown, message: Message, type: 'UAC') => DialogLike & { error?: unknown };
  readonly error?: unknown;
  local_seqnum: number;
  isTerminated(): boolean;
  sendRequest(method: string, options?: object): unknown;
  terminate(): void;
}

interface ReofferOptions {
  eventHandlers?: { succeeded?: (response: unknown) => void; failed?: (response?: unknown) => void };
  [key: string]: unknown;
}

interface SessionInternals {
  _dialog?: DialogLike | null;
  _connection?: RTCPeerConnection | null;
  _connectionPromiseQueue?: Promise<unknown>;
  receiveRequest?: (request: Message) => void;
  _receiveInviteResponse?: (response: Message) => void;
  _sendReinvite?: (options?: ReofferOptions) => void;
  isEnded(): boolean;
  isEstablished(): boolean;
}

/** Server transaction states after a final response (JsSIP's Transactions.C: ACCEPTED, COMPLETED, TERMINATED, CONFIRMED). */
const FINALLY_ANSWERED = new Set([4, 5, 6, 7]);

/** RFC 3261 §14.1: how long to wait before retrying a re-INVITE answered 491, in ms. */
export function glareRetryDelayMs(callIdOwner: boolean, random: () => number = Math.random): number {
  return callIdOwner ? 2100 + Math.floor(random() * 1900) : Math.floor(random() * 2000);
}

/** What the fixes need from the call that owns the session. */
export interface SessionFixesHost {
  readonly logger: AdapterLogger;
  /** Whether we sent the dialog's initial INVITE (we own its Call-ID). */
  readonly callIdOwner: boolean;
  /** A re-INVITE of ours failed with 491 twice: the failure JsSIP's handlers are about to see. */
  reofferFailed(code: number, reason: string): void;
}

/** Install the fixes on `session`. Returns a function that cancels a pending retry. */
export function installSessionFixes(session: RTCSession, host: SessionFixesHost): () => void {
  const s = session as unknown as SessionInternals;
  const { logger } = host;
  const timers = new Set<ReturnType<typeof setTimeout>>();

  const receiveRequest = s.receiveRequest;
  if (typeof receiveRequest === 'function') {
    s.receiveRequest = (request: Message) => {
      const state = request.server_transaction?.state;
      if (request.method !== 'ACK' && request.method !== 'CANCEL' && state !== undefined && FINALLY_ANSWERED.has(state)) {
        logger.debug(`jssip adapter: ${request.method} already answered (glare), not processed`);
        return;
      }
      if (request.method === 'INFO' && !request.body && !request.hasHeader?.('Content-Type') && session.isEstablished() && request.reply) {
        request.reply(200);
        return;
      }
      if (request.method === 'UPDATE' && !request.body && request.reply && earlyOrUnacknowledged(session)) {
        const contact = (s as { _contact?: string })._contact;
        request.reply(200, undefined, contact ? [`Contact: ${contact}`] : []);
        return;
      }
      if ((request.method === 'INVITE' || request.method === 'UPDATE') && request.body) {
        const body = zeroAddressHoldAsDirection(request.body);
        if (body !== request.body) {
          (request as { body?: string }).body = body;
          (request as { sdp?: unknown }).sdp = undefined;
        }
      }
      receiveRequest.call(session, request);
    };
  }

  const receiveInviteResponse = s._receiveInviteResponse;
  if (typeof receiveInviteResponse === 'function') {
    const forks = new Map<string, DialogLike>();
    let intervalRaised = false;
    s._receiveInviteResponse = (response: Message) => {
      if (response.status_code === 422 && !intervalRaised && retryWithMinSe(session, response, logger)) {
        intervalRaised = true;
        return;
      }
      const dialog = s._dialog;
      const code = response.status_code ?? 0;
      const own = dialog && dialog.id.local_tag === response.from_tag && dialog.id.remote_tag === response.to_tag;
      if (!dialog || code < 200 || code > 299 || own || typeof dialog.constructor !== 'function') {
        receiveInviteResponse.call(session, response);
        return;
      }
      guard(logger, 'forked 2xx', () => {
        const known = forks.get(response.to_tag);
        if (known) {
          known.sendRequest('ACK');
          return;
        }
        const fork = new dialog.constructor(session, response, 'UAC');
        if (fork.error !== undefined) {
          logger.debug('jssip adapter: forked 2xx without a usable dialog', fork.error);
          return;
        }
        forks.set(response.to_tag, fork);
        fork.sendRequest('ACK');
        fork.sendRequest('BYE');
        // Unknown to the UA from now on: a request on the fork's dialog gets 481, never reaches the call.
        fork.terminate();
        logger.debug(`jssip adapter: forked 2xx (to-tag ${response.to_tag}) ACKed and ended on its own dialog`);
      });
    };
  }

  const sendReinvite = s._sendReinvite;
  if (typeof sendReinvite === 'function') {
    let attempt: { options: ReofferOptions; retried: boolean } | null = null;
    let suppressJsSipRetries = 0;
    const hooked = new WeakSet<object>();
    const hookDialog = (dialog: DialogLike) => {
      if (hooked.has(dialog)) return;
      const proto = Object.getPrototypeOf(dialog) as object;
      const accessor = Object.getOwnPropertyDescriptor(proto, 'local_seqnum');
      const isTerminated = dialog.isTerminated;
      if (!accessor?.get || !accessor.set || typeof isTerminated !== 'function') return;
      hooked.add(dialog);
      // JsSIP's in-dialog sender bumps `local_seqnum` through this setter only when a re-INVITE got a
      // 491, right before it arms its own fixed 1 s retry; its retry timer asks isTerminated() first.
      Object.defineProperty(dialog, 'local_seqnum', {
        configurable: true,
        get: () => accessor.get!.call(dialog),
        set: (value: number) => {
          accessor.set!.call(dialog, value);
          guard(logger, 're-INVITE 491', () => onGlare());
        },
      });
      dialog.isTerminated = () => {
        if (suppressJsSipRetries > 0) {
          suppressJsSipRetries -= 1;
          return true;
        }
        return isTerminated.call(dialog);
      };
    };
    const onGlare = () => {
      const current = attempt;
      if (!current) return;
      suppressJsSipRetries += 1;
      rollbackLocalOffer(s, logger);
      if (current.retried) {
        attempt = null;
        host.reofferFailed(491, 'Request Pending');
        current.options.eventHandlers?.failed?.({ status_code: 491, reason_phrase: 'Request Pending' });
        return;
      }
      const delay = glareRetryDelayMs(host.callIdOwner);
      logger.debug(`jssip adapter: re-INVITE answered 491, retrying in ${delay} ms`);
      const timer = setTimeout(() => {
        timers.delete(timer);
        guard(logger, 're-INVITE retry', () => {
          if (session.isEnded() || attempt !== current) return;
          current.retried = true;
          sendReinvite.call(session, current.options);
        });
      }, delay);
      timers.add(timer);
    };
    s._sendReinvite = (options: ReofferOptions = {}) => {
      attempt = { options, retried: false };
      const handlers = options.eventHandlers ?? {};
      const current = attempt;
      const settle = () => {
        if (attempt === current) attempt = null;
      };
      const wrapped: ReofferOptions = {
        ...options,
        eventHandlers: {
          succeeded: (response: unknown) => {
            settle();
            handlers.succeeded?.(response);
          },
          failed: (response?: unknown) => {
            settle();
            handlers.failed?.(response);
          },
        },
      };
      current.options = wrapped;
      if (s._dialog) hookDialog(s._dialog);
      sendReinvite.call(session, wrapped);
    };
  }

  return () => {
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
  };
}

interface ClientTransaction {
  readonly ua: unknown;
  readonly transport: unknown;
  readonly eventHandlers: unknown;
  readonly constructor: new (ua: unknown, transport: unknown, request: unknown, eventHandlers: unknown) => { send(): void };
}

interface InitialInvite {
  cseq: number;
  readonly transaction?: ClientTransaction;
  getHeader(name: string): string | undefined;
  setHeader(name: string, value: string): void;
}

/**
 * RFC 4028 §6: a 422 to our INVITE carries the far end's Min-SE; the INVITE goes again, in a new
 * transaction with the next CSeq, asking for that interval. JsSIP fails the call instead. The retry
 * reuses JsSIP's own transaction class and response handling (`request.transaction`, private).
 */
function retryWithMinSe(session: RTCSession, response: Message, logger: AdapterLogger): boolean {
  const internals = session as unknown as {
    _request?: InitialInvite;
    _is_canceled?: boolean;
    _sessionTimers?: { enabled: boolean; defaultExpires: number };
    status: number;
  };
  const minSe = Number.parseInt((response as { getHeader?(name: string): string | undefined }).getHeader?.('Min-SE') ?? '', 10);
  const request = internals._request;
  const transaction = request?.transaction;
  const timers = internals._sessionTimers;
  if (!Number.isFinite(minSe) || minSe <= 0 || !request || !transaction || typeof transaction.constructor !== 'function') return false;
  if (!timers?.enabled || internals._is_canceled || (internals.status !== 1 && internals.status !== 2)) return false;
  return (
    guard(logger, '422 retry', () => {
      timers.defaultExpires = Math.max(timers.defaultExpires, minSe);
      const current = request.getHeader('Session-Expires') ?? '';
      const params = current.includes(';') ? current.slice(current.indexOf(';')) : '';
      request.cseq += 1;
      request.setHeader('cseq', `${request.cseq} INVITE`);
      request.setHeader('session-expires', `${timers.defaultExpires}${params}`);
      request.setHeader('min-se', String(minSe));
      new transaction.constructor(transaction.ua, transaction.transport, request, transaction.eventHandlers).send();
      logger.debug(`jssip adapter: 422, INVITE sent again with Session-Expires ${timers.defaultExpires}`);
      return true;
    }) ?? false
  );
}

/** JsSIP's session states 2 (1xx received), 4 (waiting for answer), 5 (answered) and 6 (waiting for ACK). */
const EARLY_OR_UNACKNOWLEDGED = new Set([2, 4, 5, 6]);

function earlyOrUnacknowledged(session: RTCSession): boolean {
  return EARLY_OR_UNACKNOWLEDGED.has((session as unknown as { status: number }).status);
}

/** After a 491 our offer is void: roll it back so the far end's offer can be taken and ours re-made. */
function rollbackLocalOffer(s: SessionInternals, logger: AdapterLogger): void {
  if (!s._connectionPromiseQueue) return;
  s._connectionPromiseQueue = s._connectionPromiseQueue
    .then(async () => {
      const pc = s._connection;
      if (pc && pc.signalingState === 'have-local-offer') await pc.setLocalDescription({ type: 'rollback' } as RTCSessionDescriptionInit);
    })
    .catch((error: unknown) => logger.warn('jssip adapter: rollback after a 491 failed', String(error)));
}
