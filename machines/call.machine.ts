import { and, assign, emit, enqueueActions, setup } from 'xstate';
import type { EndCause, SipEvent, VideoDirections } from './port';
import type {
  CallContext,
  CallEmitted,
  CallEnd,
  CallEvent,
  CallInput,
  CallOutput,
  CallPortCommand,
  CallTimes,
  TransferInfo,
} from './call.types';
import { DEFAULT_REJECT_CODE, systemClock } from './call.types';
import { isRejectCode, isValidDtmf, isValidTarget } from './validation';

type EndEvent = Extract<SipEvent, { type: 'SIP.FAILED' | 'SIP.ENDED' }>;

/** How long a far end's offer to add video waits for the app's answer before it is declined. */
export const VIDEO_OFFER_TIMEOUT_MS = 20_000;

const NO_VIDEO = Object.freeze({ send: false, receive: false });
const NO_MEDIA = Object.freeze({ local: false, remote: false });

/** Whether the call has video once `event`'s news (the video it negotiated, if any) is taken in. */
function videoAfter(context: CallContext, event: CallEvent): boolean {
  const video = videoOf(event) ?? context.video;
  return video.send || video.receive;
}

/** The video a port event reports, when it reports one (an offer/answer it completed). */
function videoOf(event: CallEvent): VideoDirections | null {
  const video = (event as { video?: unknown }).video;
  return typeof video === 'object' && video !== null ? (video as VideoDirections) : null;
}

/** How long `ending` waits for the stack to confirm the end before giving up (RFC 3261 timer B/F). */
export const ENDING_TIMEOUT_MS = 32_000;

function endFrom(context: CallContext, event: EndEvent): CallEnd {
  const cause: EndCause =
    context.pendingEnd && (event.originator === 'local' || event.cause === 'bye') ? context.pendingEnd : event.cause;
  return { cause, code: event.code, originator: event.originator, at: context.clock.now(), reason: event.reason };
}

/** The call's times once the hold (if any) stops at `at`: no longer held, its length added. */
function holdStopped(times: CallTimes, at: number): CallTimes {
  return { ...times, heldSince: null, heldTotalMs: times.heldTotalMs + (times.heldSince === null ? 0 : at - times.heldSince) };
}

function transferWith(context: CallContext, patch: Partial<TransferInfo>): TransferInfo | null {
  return context.transfer ? { ...context.transfer, ...patch } : null;
}

/**
 * How a transfer's REFER ends, the same for blind and attended transfers: a refused REFER or a
 * final NOTIFY >= 300 goes back to `failureTarget`; a final NOTIFY 2xx hangs up, the call having
 * been handed over; a provisional NOTIFY is recorded.
 */
function referOutcome() {
  // A failed transfer goes back to the consultation when there still is one, else to idle.
  const attended = '#call.confirmed.transfer.attended';
  const idle = '#call.confirmed.transfer.idle';
  return {
    'SIP.REFER.FAILED': [
      { guard: 'hasConsultation', target: attended, actions: ['recordReferFailure', 'announceTransferFailed'] },
      { target: idle, actions: ['recordReferFailure', 'announceTransferFailed'] },
    ],
    'SIP.REFER.NOTIFY': [
      {
        guard: 'notifyIsSuccess',
        target: '#call.ending',
        actions: ['recordNotify', 'announceTransferSucceeded', { type: 'setPendingEnd', params: 'transferred' }, { type: 'tellPort', params: { type: 'PORT.HANGUP' } }],
      },
      { guard: and(['notifyIsFailure', 'hasConsultation']), target: attended, actions: ['recordNotify', 'announceTransferFailed'] },
      { guard: 'notifyIsFailure', target: idle, actions: ['recordNotify', 'announceTransferFailed'] },
      { actions: 'recordNotify' },
    ],
  } as const;
}

/** How an action of the call machine queues its effects (the `enqueue` of `enqueueActions`). */
interface Enqueue {
  assign(update: Partial<CallContext>): void;
  emit(event: CallEmitted): void;
}

/**
 * What an establishing message (1xx, 2xx, our 200, the ACK) told, taken in with one update of the
 * context: the video it negotiated, the far end's identity, the dialog, plus `patch`. Announces, in
 * this order, the video change, `before`, the identity change, `after`.
 */
function takeIn(
  context: CallContext,
  event: CallEvent,
  enqueue: Enqueue,
  patch: Partial<CallContext>,
  before: readonly CallEmitted[],
  after: readonly CallEmitted[] = [],
): void {
  const update: { -readonly [K in keyof CallContext]?: CallContext[K] } = { ...patch };
  const video = videoOf(event);
  if (video) update.video = Object.freeze({ send: video.send, receive: video.receive });
  const remote = (event as { remote?: CallContext['remote'] | null }).remote;
  if (remote) {
    update.remote = remote;
    update.identity = context.manualIdentity ? context.identity : { ...context.identity, name: remote.name };
  }
  const dialog = (event as { dialog?: CallContext['dialog'] }).dialog;
  if (dialog) update.dialog = dialog;
  enqueue.assign(update);
  if (update.video) enqueue.emit({ type: 'call.video.changed', video: update.video });
  for (const emitted of before) enqueue.emit(emitted);
  if (remote) enqueue.emit({ type: 'call.identity.changed', identity: update.identity as CallContext['identity'], remote });
  for (const emitted of after) enqueue.emit(emitted);
}

/** The call's times with `ringingAt` set, when it is not yet. */
function ringing(context: CallContext): CallContext['times'] {
  return context.times.ringingAt === null ? { ...context.times, ringingAt: context.clock.now() } : context.times;
}

/** Our answer to the far end's offer to add video went out: the video region follows what it negotiated. */
const VIDEO_ANSWERED = [{ guard: 'hasVideo', target: 'on' }, { target: 'off' }] as const;

/**
 * The ways into `confirmed`: the media and transfer regions start where the call's facts put them
 * (video negotiated or not, a consultation call waiting or not), chosen here rather than by eventless
 * transitions inside `confirmed`.
 */
function intoConfirmed<const A>(actions: A) {
  const on = '#call.confirmed.video.on';
  const off = '#call.confirmed.video.off';
  const attended = '#call.confirmed.transfer.attended';
  const idle = '#call.confirmed.transfer.idle';
  return [
    { guard: 'videoAfterEventAndConsultation', target: [on, attended], actions },
    { guard: 'videoAfterEvent', target: [on, idle], actions },
    { guard: 'hasConsultation', target: [off, attended], actions },
    { target: [off, idle], actions },
  ] as const;
}

/**
 * One actor per call. Pure: every effect on the SIP stack is a command given to the `tellPort` action,
 * whose implementation the facade supplies with `.provide()`; the stack's answers come back as
 * `SIP.*` events (and `MEDIA.STREAM`), one per SIP message, each handled in one step.
 */
export const callMachine = setup({
  types: {
    context: {} as CallContext,
    events: {} as CallEvent,
    input: {} as CallInput,
    output: {} as CallOutput,
    emitted: {} as CallEmitted,
  },
  actions: {
    /** Carries a command out on the call's port; the facade provides it (by default nothing happens). */
    tellPort: (_, _command: CallPortCommand) => undefined,
    markRinging: assign({ times: ({ context }) => ringing(context) }),
    /** Our hold's 2xx: held since now, and the dialog it told. */
    markHeld: assign(({ context, event }) => ({
      times: { ...context.times, heldSince: context.clock.now() },
      dialog: (event as { dialog?: CallContext['dialog'] }).dialog ?? context.dialog,
    })),
    /** Our unhold's 2xx: the hold's length added, and the dialog it told. */
    markResumed: assign(({ context, event }) => ({
      times: holdStopped(context.times, context.clock.now()),
      dialog: (event as { dialog?: CallContext['dialog'] }).dialog ?? context.dialog,
    })),
    recordEnd: assign(({ context, event }) => {
      const end = endFrom(context, event as EndEvent);
      return { end, times: { ...holdStopped(context.times, end.at), endedAt: end.at } };
    }),
    recordEndingTimeout: assign(({ context }) => {
      const at = context.clock.now();
      const end: CallEnd = {
        cause: context.pendingEnd ?? 'request-timeout',
        code: null,
        originator: 'local',
        at,
        reason: 'the SIP stack did not confirm the end of the call',
      };
      return { end, times: { ...holdStopped(context.times, at), endedAt: at } };
    }),
    emitEnded: emit(({ context }) => ({
      type: 'call.ended' as const,
      end: context.end as CallEnd,
      established: context.times.answeredAt !== null,
    })),
    setPendingEnd: assign({ pendingEnd: (_, cause: EndCause) => cause }),
    recordReferFailure: assign({
      transfer: ({ context, event }) =>
        event.type === 'SIP.REFER.FAILED' ? transferWith(context, { failure: { code: event.code, reason: event.reason } }) : context.transfer,
    }),
    recordNotify: assign({
      transfer: ({ context, event }) => {
        if (event.type !== 'SIP.REFER.NOTIFY') return context.transfer;
        const notify = { code: event.code, reason: event.reason };
        return transferWith(context, event.code >= 300 ? { notify, failure: notify } : { notify });
      },
    }),
    announceTransferFailed: emit(({ context }) => ({ type: 'call.transfer.failed' as const, transfer: context.transfer as TransferInfo })),
    announceTransferSucceeded: emit(({ context }) => ({ type: 'call.transfer.succeeded' as const, transfer: context.transfer as TransferInfo })),
    recordNegotiatedVideo: assign({
      video: ({ context, event }) => {
        const video = videoOf(event);
        return video ? Object.freeze({ ...video }) : context.video;
      },
    }),
    announceVideoChanged: emit(({ context }) => ({ type: 'call.video.changed' as const, video: context.video })),
    recordConsultation: assign({
      consultation: ({ context, event }) => (event.type === 'CALL.TRANSFER.CONSULT' ? event.consultationId : context.consultation),
    }),
    /** The INVITE's dialog. */
    learnDialog: assign({ dialog: ({ context, event }) => (event as { dialog?: CallContext['dialog'] }).dialog ?? context.dialog }),
    /** A 1xx: ringing (from its first), early media, the code, and what it told. */
    takeProgress: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'SIP.PROGRESS') return;
      const patch = { earlyMedia: context.earlyMedia || event.earlyMedia, lastProgressCode: event.code, times: ringing(context) };
      takeIn(context, event, enqueue, patch, [{ type: 'call.progress', code: event.code, earlyMedia: event.earlyMedia }]);
    }),
    /** The 2xx to our INVITE (the stack has ACKed it): answered and confirmed in one step. */
    takeAnswer: enqueueActions(({ context, event, enqueue }) => {
      const times = { ...context.times, answeredAt: context.clock.now() };
      takeIn(context, event, enqueue, { times }, [{ type: 'call.accepted' }], [{ type: 'call.confirmed' }]);
    }),
    /** Our 200 went out: answered, waiting for the ACK. */
    takeAnswerSent: enqueueActions(({ context, event, enqueue }) => {
      takeIn(context, event, enqueue, { times: { ...context.times, answeredAt: context.clock.now() } }, [{ type: 'call.accepted' }]);
    }),
    /** The ACK to our 200: confirmed. */
    takeAck: enqueueActions(({ context, event, enqueue }) => {
      const times = context.times.answeredAt === null ? { ...context.times, answeredAt: context.clock.now() } : context.times;
      takeIn(context, event, enqueue, { times }, [{ type: 'call.confirmed' }]);
    }),
    announceReinvite: emit(({ event }) => ({ type: 'call.reinvite' as const, video: event.type === 'SIP.REINVITE' && event.video })),
    announceVideoFailed: emit(({ event }) =>
      event.type === 'SIP.RENEGOTIATE.FAILED'
        ? { type: 'call.video.failed' as const, code: event.code, reason: event.reason, media: event.media }
        : { type: 'call.video.failed' as const, code: null, reason: 'the far end did not accept the change of video', media: null },
    ),
  },
  guards: {
    isIncoming: ({ context }) => context.direction === 'incoming',
    isOutgoing: ({ context }) => context.direction === 'outgoing',
    incomingWithRejectCode: ({ context, event }) =>
      context.direction === 'incoming' && event.type === 'CALL.REJECT' && (event.code === undefined || isRejectCode(event.code)),
    canStartRecording: ({ context }) => context.recordPermissions >= 2,
    canPauseOrResumeRecording: ({ context }) => context.recordPermissions >= 1,
    validDtmf: ({ event }) => event.type === 'CALL.DTMF' && isValidDtmf(event.tones),
    validTransferTarget: ({ event }) => event.type === 'CALL.TRANSFER.BLIND' && isValidTarget(event.target),
    hasConsultation: ({ context }) => context.consultation !== null,
    notifyIsSuccess: ({ event }) => event.type === 'SIP.REFER.NOTIFY' && event.code >= 200 && event.code < 300,
    notifyIsFailure: ({ event }) => event.type === 'SIP.REFER.NOTIFY' && event.code >= 300,
    reportsRecording: ({ event }) => event.type === 'SIP.RECORD.STATE' && event.state === 'recording',
    reportsPaused: ({ event }) => event.type === 'SIP.RECORD.STATE' && event.state === 'paused',
    reportsOff: ({ event }) => event.type === 'SIP.RECORD.STATE' && event.state === 'off',
    remoteHeld: ({ event }) => event.type === 'SIP.REINVITE' && event.held,
    remoteResumed: ({ event }) => event.type === 'SIP.REINVITE' && !event.held,
    offersVideo: ({ event }) => event.type === 'SIP.REINVITE' && event.videoOffered,
    hasVideo: ({ context }) => context.video.send || context.video.receive,
    /** The call has video once this event's news (the video it negotiated, if any) is taken in. */
    videoAfterEvent: ({ context, event }) => videoAfter(context, event),
    videoAfterEventAndConsultation: ({ context, event }) => videoAfter(context, event) && context.consultation !== null,
    sendsVideo: ({ context }) => context.video.send,
    negotiatesVideo: ({ event }) => event.type === 'SIP.MEDIA.NEGOTIATED' && (event.video.send || event.video.receive),
    negotiatesNoVideo: ({ event }) => event.type === 'SIP.MEDIA.NEGOTIATED' && !event.video.send && !event.video.receive,
  },
  delays: {
    endingTimeout: ENDING_TIMEOUT_MS,
    videoOfferTimeout: VIDEO_OFFER_TIMEOUT_MS,
  },
}).createMachine({
  id: 'call',
  context: ({ input }) => ({
    clock: input.clock ?? systemClock,
    callId: input.callId,
    direction: input.direction,
    remote: input.remote,
    identity: { name: input.remote.name, avatar: null, company: null },
    manualIdentity: false,
    recordPermissions: input.recordPermissions ?? 0,
    consultationFor: input.consultationFor ?? null,
    consultation: null,
    rejectCode: input.rejectCode !== undefined && isRejectCode(input.rejectCode) ? input.rejectCode : DEFAULT_REJECT_CODE,
    transfer: null,
    dialog: null,
    earlyMedia: false,
    lastProgressCode: null,
    pendingEnd: null,
    end: null,
    video: NO_VIDEO,
    videoRemotelyDowngraded: false,
    media: NO_MEDIA,
    times: { createdAt: (input.clock ?? systemClock).now(), ringingAt: null, answeredAt: null, endedAt: null, heldSince: null, heldTotalMs: 0 },
  }),
  output: ({ context }) => ({
    callId: context.callId,
    end: context.end as CallEnd,
    established: context.times.answeredAt !== null,
    transfer: context.transfer,
    consultationFor: context.consultationFor,
    consultation: context.consultation,
  }),
  initial: 'created',
  on: {
    'SIP.FAILED': { target: '.ended', actions: 'recordEnd' },
    'SIP.ENDED': { target: '.ended', actions: 'recordEnd' },
    'SIP.INVITE': { actions: 'learnDialog' },
    'SIP.MEDIA.NEGOTIATED': { actions: ['recordNegotiatedVideo', 'announceVideoChanged'] },
    // The stream itself stays out of the snapshot: the facade hands it to the app as it comes.
    'MEDIA.STREAM': {
      actions: assign({
        media: ({ context, event }) => (context.media[event.direction] ? context.media : Object.freeze({ ...context.media, [event.direction]: true })),
      }),
    },
    'SIP.COMMAND.FAILED': {
      actions: emit(({ event }) => ({ type: 'call.command.failed' as const, command: event.command, reason: event.reason })),
    },
    'SIP.INFO.RECEIVED': {
      actions: emit(({ event }) => ({ type: 'call.info.received' as const, contentType: event.contentType, body: event.body })),
    },
    'SIP.MESSAGE.RECEIVED': {
      actions: emit(({ event }) => ({ type: 'call.message.received' as const, contentType: event.contentType, body: event.body })),
    },
    'CALL.PERMISSIONS': { actions: assign({ recordPermissions: ({ event }) => event.recordPermissions }) },
    'CALL.IDENTITY.SET': {
      actions: [
        assign(({ context, event }) => ({
          identity: { ...context.identity, ...event.identity },
          manualIdentity: event.manual ?? context.manualIdentity,
        })),
        emit(({ context }) => ({ type: 'call.identity.changed' as const, identity: context.identity, remote: context.remote })),
      ],
    },
    'CALL.TRANSFER.CONSULT': { actions: 'recordConsultation' },
    'CALL.TRANSFER.CONSULTATION_ENDED': { actions: assign({ consultation: null }) },
    'CALL.TRANSFER.LINKED': { actions: assign({ consultationFor: ({ event }) => event.parentId }) },
  },
  states: {
    // XState's initial state is fixed when the machine is defined; the direction comes with the input.
    created: {
      always: [{ guard: 'isIncoming', target: 'ringing', actions: 'markRinging' }, { target: 'dialing' }],
    },
    dialing: {
      tags: ['outgoing', 'progressing'],
      on: {
        'SIP.PROGRESS': { target: 'ringing', actions: 'takeProgress' },
        'SIP.ANSWERED': intoConfirmed('takeAnswer'),
        'CALL.HANGUP': { target: 'ending', actions: [{ type: 'setPendingEnd', params: 'canceled' }, { type: 'tellPort', params: { type: 'PORT.CANCEL' } }] },
      },
    },
    ringing: {
      tags: ['ringing', 'progressing'],
      on: {
        'SIP.PROGRESS': { guard: 'isOutgoing', actions: 'takeProgress' },
        // Only an outgoing call gets a 2xx to its INVITE; anything else is ignored.
        'SIP.ANSWERED': [{ guard: 'isIncoming' }, ...intoConfirmed('takeAnswer')],
        'CALL.ANSWER': {
          guard: 'isIncoming',
          target: 'answering',
          actions: { type: 'tellPort', params: ({ event }) => ({ type: 'PORT.ANSWER', options: event.options ?? {} }) },
        },
        'CALL.REJECT': {
          guard: 'incomingWithRejectCode',
          target: 'ending',
          actions: [
            { type: 'setPendingEnd', params: 'rejected' },
            { type: 'tellPort', params: ({ context, event }) => ({ type: 'PORT.REJECT', code: event.code ?? context.rejectCode }) },
          ],
        },
        'CALL.HANGUP': [
          {
            guard: 'isIncoming',
            target: 'ending',
            actions: [
              { type: 'setPendingEnd', params: 'rejected' },
              {
                type: 'tellPort',
                params: ({ context, event }) => ({
                  type: 'PORT.REJECT',
                  code: event.rejectCode !== undefined && isRejectCode(event.rejectCode) ? event.rejectCode : context.rejectCode,
                }),
              },
            ],
          },
          { target: 'ending', actions: [{ type: 'setPendingEnd', params: 'canceled' }, { type: 'tellPort', params: { type: 'PORT.CANCEL' } }] },
        ],
      },
    },
    answering: {
      tags: ['progressing'],
      on: {
        'SIP.ANSWER.SENT': { actions: 'takeAnswerSent' },
        'SIP.ACK.RECEIVED': intoConfirmed('takeAck'),
        'CALL.HANGUP': { target: 'ending', actions: { type: 'tellPort', params: { type: 'PORT.HANGUP' } } },
      },
    },
    confirmed: {
      type: 'parallel',
      tags: ['established'],
      on: {
        'CALL.HANGUP': { target: 'ending', actions: { type: 'tellPort', params: { type: 'PORT.HANGUP' } } },
        'CALL.DTMF': {
          guard: 'validDtmf',
          actions: { type: 'tellPort', params: ({ event }) => ({ type: 'PORT.DTMF', tones: event.tones, options: event.options }) },
        },
        'CALL.INFO': {
          actions: { type: 'tellPort', params: ({ event }) => ({ type: 'PORT.INFO', contentType: event.contentType, body: event.body }) },
        },
        'CALL.MESSAGE': {
          actions: { type: 'tellPort', params: ({ event }) => ({ type: 'PORT.MESSAGE', contentType: event.contentType, body: event.body }) },
        },
        'SIP.DTMF.RECEIVED': {
          actions: emit(({ event }) => ({ type: 'call.dtmf.received' as const, tone: event.tone, durationMs: event.durationMs })),
        },
      },
      states: {
        hold: {
          initial: 'active',
          states: {
            active: {
              on: { 'CALL.HOLD': { target: 'holding', actions: { type: 'tellPort', params: { type: 'PORT.HOLD' } } } },
            },
            holding: {
              tags: ['holdPending'],
              on: {
                'SIP.HOLD.SUCCEEDED': { target: 'held', actions: 'markHeld' },
                'SIP.HOLD.FAILED': {
                  target: 'active',
                  actions: emit(({ event }) => ({ type: 'call.hold.failed' as const, code: event.code, reason: event.reason })),
                },
              },
            },
            held: {
              tags: ['held'],
              on: { 'CALL.UNHOLD': { target: 'resuming', actions: { type: 'tellPort', params: { type: 'PORT.UNHOLD' } } } },
            },
            resuming: {
              tags: ['held', 'holdPending'],
              on: {
                'SIP.UNHOLD.SUCCEEDED': { target: 'active', actions: 'markResumed' },
                'SIP.UNHOLD.FAILED': {
                  target: 'held',
                  actions: emit(({ event }) => ({ type: 'call.unhold.failed' as const, code: event.code, reason: event.reason })),
                },
              },
            },
          },
        },
        // The far end's re-INVITE is announced here, once, whatever else it changes.
        remoteHold: {
          initial: 'notHeld',
          states: {
            notHeld: {
              on: { 'SIP.REINVITE': [{ guard: 'remoteHeld', target: 'held', actions: 'announceReinvite' }, { actions: 'announceReinvite' }] },
            },
            held: {
              tags: ['remotelyHeld'],
              on: { 'SIP.REINVITE': [{ guard: 'remoteResumed', target: 'notHeld', actions: 'announceReinvite' }, { actions: 'announceReinvite' }] },
            },
          },
        },
        mute: {
          initial: 'unmuted',
          states: {
            unmuted: { on: { 'CALL.MUTE': { target: 'muted', actions: { type: 'tellPort', params: { type: 'PORT.MUTE' } } } } },
            muted: {
              tags: ['muted'],
              on: { 'CALL.UNMUTE': { target: 'unmuted', actions: { type: 'tellPort', params: { type: 'PORT.UNMUTE' } } } },
            },
          },
        },
        record: {
          initial: 'off',
          on: {
            'SIP.RECORD.STATE': [
              { guard: 'reportsRecording', target: '.recording' },
              { guard: 'reportsPaused', target: '.paused' },
              { guard: 'reportsOff', target: '.off' },
            ],
          },
          states: {
            off: {
              on: {
                'CALL.RECORD.START': {
                  guard: 'canStartRecording',
                  target: 'starting',
                  actions: { type: 'tellPort', params: { type: 'PORT.RECORD', action: 'start' } },
                },
              },
            },
            starting: {
              tags: ['recordPending'],
              on: {
                'SIP.RECORD.SUCCEEDED': { target: 'recording' },
                'SIP.RECORD.FAILED': { target: 'off', actions: emit(({ event }) => ({ type: 'call.record.failed' as const, reason: event.reason })) },
              },
            },
            recording: {
              tags: ['recording'],
              on: {
                'CALL.RECORD.PAUSE': {
                  guard: 'canPauseOrResumeRecording',
                  target: 'pausing',
                  actions: { type: 'tellPort', params: { type: 'PORT.RECORD', action: 'pause' } },
                },
              },
            },
            pausing: {
              tags: ['recording', 'recordPending'],
              on: {
                'SIP.RECORD.SUCCEEDED': { target: 'paused' },
                'SIP.RECORD.FAILED': { target: 'recording', actions: emit(({ event }) => ({ type: 'call.record.failed' as const, reason: event.reason })) },
              },
            },
            paused: {
              tags: ['recordingPaused'],
              on: {
                'CALL.RECORD.RESUME': {
                  guard: 'canPauseOrResumeRecording',
                  target: 'resuming',
                  actions: { type: 'tellPort', params: { type: 'PORT.RECORD', action: 'resume' } },
                },
              },
            },
            resuming: {
              tags: ['recordingPaused', 'recordPending'],
              on: {
                'SIP.RECORD.SUCCEEDED': { target: 'recording' },
                'SIP.RECORD.FAILED': { target: 'paused', actions: emit(({ event }) => ({ type: 'call.record.failed' as const, reason: event.reason })) },
              },
            },
          },
        },
        transfer: {
          initial: 'idle',
          states: {
            idle: {
              on: {
                'CALL.TRANSFER.CONSULT': { target: 'attended', actions: 'recordConsultation' },
                'CALL.TRANSFER.BLIND': {
                  guard: 'validTransferTarget',
                  target: 'blind',
                  actions: [
                    assign({ transfer: ({ event }) => ({ kind: 'blind' as const, target: event.target, notify: null, failure: null }) }),
                    { type: 'tellPort', params: ({ event }) => ({ type: 'PORT.REFER', target: event.target }) },
                  ],
                },
              },
            },
            blind: {
              tags: ['transferring'],
              initial: 'referring',
              states: {
                referring: { on: { 'SIP.REFER.ACCEPTED': 'awaitingOutcome' } },
                awaitingOutcome: {},
              },
              on: referOutcome(),
            },
            attended: {
              tags: ['transferring'],
              initial: 'consulting',
              states: {
                consulting: {
                  on: {
                    'CALL.TRANSFER.CONSULTATION_ENDED': { target: '#call.confirmed.transfer.idle', actions: assign({ consultation: null }) },
                    'CALL.TRANSFER.COMPLETE': {
                      target: 'referring',
                      actions: [
                        assign({
                          transfer: ({ context }) => ({ kind: 'attended' as const, target: context.consultation as string, notify: null, failure: null }),
                        }),
                        {
                          type: 'tellPort',
                          params: ({ context }) => ({ type: 'PORT.REFER.ATTENDED', consultationId: context.consultation as string }),
                        },
                      ],
                    },
                    'CALL.TRANSFER.CANCEL': { target: '#call.confirmed.transfer.idle', actions: assign({ consultation: null }) },
                  },
                },
                referring: { on: { 'SIP.REFER.ACCEPTED': 'awaitingOutcome' } },
                awaitingOutcome: {},
              },
              on: referOutcome(),
            },
          },
        },
        video: {
          initial: 'off',
          states: {
            off: {
              on: {
                'CALL.VIDEO.ADD': {
                  target: 'adding',
                  actions: { type: 'tellPort', params: ({ event }) => ({ type: 'PORT.VIDEO.ADD', cameraId: event.cameraId }) },
                },
                'SIP.REINVITE': { guard: 'offersVideo', target: 'offered', actions: emit({ type: 'call.video.offered' as const }) },
                'SIP.MEDIA.NEGOTIATED': { guard: 'negotiatesVideo', target: 'on', actions: ['recordNegotiatedVideo', 'announceVideoChanged'] },
              },
            },
            adding: {
              tags: ['videoPending'],
              on: {
                'SIP.RENEGOTIATE.SUCCEEDED': [
                  { guard: 'hasVideo', target: 'on', actions: assign({ videoRemotelyDowngraded: false }) },
                  { target: 'off', actions: 'announceVideoFailed' },
                ],
                'SIP.RENEGOTIATE.FAILED': { target: 'off', actions: 'announceVideoFailed' },
              },
            },
            on: {
              tags: ['video'],
              on: {
                'CALL.VIDEO.REMOVE': { target: 'removing', actions: { type: 'tellPort', params: { type: 'PORT.VIDEO.REMOVE' } } },
                'SIP.MEDIA.NEGOTIATED': {
                  guard: 'negotiatesNoVideo',
                  target: 'off',
                  actions: ['recordNegotiatedVideo', 'announceVideoChanged', assign({ videoRemotelyDowngraded: true })],
                },
              },
            },
            removing: {
              tags: ['video', 'videoPending'],
              on: {
                'SIP.RENEGOTIATE.SUCCEEDED': [
                  { guard: 'hasVideo', target: 'on', actions: 'announceVideoFailed' },
                  { target: 'off' },
                ],
                'SIP.RENEGOTIATE.FAILED': { target: 'on', actions: 'announceVideoFailed' },
              },
            },
            offered: {
              tags: ['videoOffered'],
              after: { videoOfferTimeout: { target: 'answering', actions: { type: 'tellPort', params: { type: 'PORT.VIDEO.DECLINE' } } } },
              on: {
                'CALL.VIDEO.ACCEPT': {
                  target: 'answering',
                  actions: { type: 'tellPort', params: ({ event }) => ({ type: 'PORT.VIDEO.ACCEPT', cameraId: event.cameraId }) },
                },
                'CALL.VIDEO.DECLINE': { target: 'answering', actions: { type: 'tellPort', params: { type: 'PORT.VIDEO.DECLINE' } } },
                'SIP.VIDEO.ANSWERED': VIDEO_ANSWERED,
              },
            },
            answering: {
              tags: ['videoPending'],
              on: { 'SIP.VIDEO.ANSWERED': VIDEO_ANSWERED },
            },
          },
        },
        camera: {
          initial: 'unmuted',
          states: {
            unmuted: {
              on: { 'CALL.VIDEO.MUTE': { target: 'muted', actions: { type: 'tellPort', params: { type: 'PORT.VIDEO.MUTE' } } } },
            },
            muted: {
              tags: ['videoMuted'],
              on: { 'CALL.VIDEO.UNMUTE': { target: 'unmuted', actions: { type: 'tellPort', params: { type: 'PORT.VIDEO.UNMUTE' } } } },
            },
          },
        },
        source: {
          initial: 'camera',
          on: { 'SIP.SCREEN.STOPPED': '.camera' },
          states: {
            camera: {
              on: {
                'CALL.SCREEN.START': {
                  guard: 'sendsVideo',
                  target: 'startingScreen',
                  actions: { type: 'tellPort', params: { type: 'PORT.SCREEN.START' } },
                },
              },
            },
            startingScreen: {
              tags: ['screenPending'],
              on: {
                'SIP.SCREEN.STARTED': 'screen',
                'SIP.SCREEN.FAILED': {
                  target: 'camera',
                  actions: emit(({ event }) => ({ type: 'call.screen.failed' as const, media: event.media, reason: event.reason })),
                },
              },
            },
            screen: {
              tags: ['screenSharing'],
              on: { 'CALL.SCREEN.STOP': { target: 'stoppingScreen', actions: { type: 'tellPort', params: { type: 'PORT.SCREEN.STOP' } } } },
            },
            stoppingScreen: {
              tags: ['screenSharing', 'screenPending'],
              on: {
                'SIP.SCREEN.FAILED': {
                  target: 'screen',
                  actions: emit(({ event }) => ({ type: 'call.screen.failed' as const, media: event.media, reason: event.reason })),
                },
              },
            },
          },
        },
      },
    },
    ending: {
      tags: ['terminating'],
      after: { endingTimeout: { target: 'ended', actions: 'recordEndingTimeout' } },
    },
    ended: {
      type: 'final',
      tags: ['terminated'],
      entry: 'emitEnded',
    },
  },
});

/** The call machine's type, for typing actors and snapshots. */
export type CallMachine = typeof callMachine;
