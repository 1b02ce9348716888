/**
 * Runs one test path of the call model against the real thing: three `Phone`s on a memory SIP
 * network ("self" holds the call under test, "peer" is the far end, "target" receives transfers).
 *
 * How a path is made exact:
 * - Every projection of the Session's `state$` is logged as it happens (a UI's view: nothing is
 *   sampled late, so states the world passes through inside one delivery, such as `ending` or the
 *   outgoing `answering`, are seen too). Step k of the path must be exactly the next log entry.
 * - A command (CALL.*) is issued the moment the previous state was reached, synchronously, so no
 *   delivery can move the world on first (path.test awaits between steps, and the memory network
 *   delivers on microtasks). So are far-end actions that are synchronous (peer hangs up, rejects…).
 * - A SIP step is produced by driving the far end (or by a fault scripted when the command that
 *   causes it was issued, looking ahead in the path) and then running deliveries until the next
 *   log entry appears: a bounded `runUntil`, which fails the test when it is never reached.
 */
import equal from 'fast-deep-equal';
import { MemorySipNetwork } from '../../adapters/memory';
import type { MemoryUserAgent } from '../../adapters/memory';
import type { Result } from '../../src';
import { createPhone } from '../../src';
import type { Phone } from '../../src/phone';
import type { Session } from '../../src/session';
import type { CallEvent } from '../../machines/call.types';
import {
  E,
  PEER,
  RECORD_FAILURE_REASON,
  SELF,
  TARGET,
  describeEvent,
  describePath,
  expectedOf,
  observe,
} from './model-call';
import type { CallModel, CallPath, CallSnapshot, Observed } from './model-call';

interface Party {
  readonly ua: MemoryUserAgent;
  readonly phone: Phone;
}

type Driver =
  | { readonly mode: 'passive' }
  /** `immediate`: our own state changes synchronously inside `run` (commands, our transport). */
  | { readonly mode: 'sync'; readonly immediate: boolean; readonly run: () => void }
  | { readonly mode: 'async'; readonly run: () => Promise<void> };

const PASSIVE: Driver = { mode: 'passive' };
const NO_ANSWER_MS = 40;
const MAX_TURNS = 2_000;

const same = (a: CallEvent, b: CallEvent) => equal(a, b);

export class ModelRun {
  readonly log: Observed[] = [];
  private network!: MemorySipNetwork;
  private self!: Party;
  private peer!: Party;
  private target!: Party;
  private session: Session | null = null;
  private peerAutoAnswer = false;
  /** Index in `log` of the entry matching the last checked step. */
  private consumed = -1;
  /** Index of the step whose executor ran last. */
  private current = -1;
  /** Steps already driven ahead of their executor (chained right after the previous state). */
  private readonly driven = new Set<number>();
  /** Those of them whose effect on the call under test was synchronous. */
  private readonly drivenImmediately = new Set<number>();
  private readonly results: Array<Promise<void>> = [];

  constructor(
    private readonly model: CallModel,
    private readonly path: CallPath,
  ) {}

  private get steps() {
    return this.path.steps;
  }

  // ---------------------------------------------------------------- world

  async setup(): Promise<void> {
    const network = new MemorySipNetwork();
    this.network = network;
    const noAnswer = this.steps.some((s) => s.event.type === 'SIP.FAILED' && (s.event as { cause: string }).cause === 'no-answer');
    const calleeTimeout = noAnswer ? NO_ANSWER_MS : undefined;
    const party = (number: string, noAnswerTimeoutMs: number | undefined, extra: object): Party => {
      const ua = network.createUserAgent({ number, noAnswerTimeoutMs });
      return { ua, phone: createPhone({ userAgent: ua, qualityReports: false, ...extra }) };
    };
    // autoHold off on "self": a consultation call would otherwise send CALL.HOLD to the call under
    // test in the same breath as CALL.TRANSFER.CONSULT, two model steps in one.
    this.self = party(SELF, this.model.direction === 'incoming' ? calleeTimeout : undefined, { recordPermissions: 2, autoHold: false });
    // autoHold off on "peer" too: accepting a REFER places a new call, and autoHold would put the
    // call under test on hold (the far end's SIP.REINVITE) in the middle of the transfer outcome.
    this.peer = party(PEER, this.model.direction === 'outgoing' ? calleeTimeout : undefined, { autoHold: false });
    this.target = party(TARGET, undefined, {});
    this.self.phone.on('newRTCSession', ({ session }) => {
      if (this.session === null) this.attach(session);
    });
    this.peer.phone.on('incoming', ({ session }) => {
      if (this.peerAutoAnswer) this.expectOk(session.answer(), 'peer answers');
    });
    this.target.phone.on('incoming', ({ session }) => this.expectOk(session.answer(), 'target answers'));
    for (const p of [this.self, this.peer, this.target]) p.phone.start();
    await network.settle();
    for (const p of [this.self, this.peer, this.target]) {
      if (!p.phone.isRegistered) throw new Error(`setup: ${p.ua.number} did not register`);
    }
  }

  async dispose(): Promise<void> {
    for (const p of [this.self, this.peer, this.target]) p?.phone.destroy();
  }

  /** After the last step: every promise-returning call the path made (call, answer) resolved ok. */
  async finish(): Promise<void> {
    await Promise.all(this.results);
  }

  private attach(session: Session): void {
    this.session = session;
    session.state$.subscribe((state) => {
      const next = observe(state);
      const last = this.log[this.log.length - 1];
      if (last === undefined || !equal(last, next)) this.log.push(next);
    });
  }

  private get call(): Session {
    if (this.session === null) throw new Error('the call under test does not exist yet');
    return this.session;
  }

  /** The far end's leg of the call under test (the memory network shares the Call-ID across legs). */
  private peerSession(): Session {
    const session = this.peer.phone.getSession(this.call.callId);
    if (!session) throw new Error(`peer has no session for ${this.call.callId}`);
    return session;
  }

  /** The peer acts on its leg of the call under test through its own public Session API. */
  private peerDoes(what: string, act: (peer: Session) => boolean): void {
    const peer = this.peerSession();
    this.command(`peer ${what}`, act(peer), peer);
  }

  private consultation(): Session {
    const id = this.call.state.consultation;
    const session = id === null ? null : this.self.phone.getSession(id);
    if (!session) throw new Error('the call under test has no consultation call');
    return session;
  }

  // ---------------------------------------------------------------- path.test hooks

  /**
   * The executor of every event type. No `await` separates "the state of step k is logged" from
   * issuing what follows it (afterReached), so no delivery can slip in between.
   */
  readonly execute = async (step: { event: CallEvent; state: CallSnapshot }): Promise<void> => {
    const k = this.steps.indexOf(step as (typeof this.steps)[number]);
    if (k < 0) throw new Error('step not in path');
    this.current = k;
    if (k === 0) {
      if (this.model.direction === 'outgoing') this.placeOutgoing();
      else await this.placeIncoming();
    } else if (!this.driven.has(k)) {
      const driver = this.driverOf(k);
      if (driver.mode === 'sync') driver.run();
      if (driver.mode === 'async') await driver.run();
    }
    // Run deliveries until the Session shows the state of step k: bounded, inline (each turn
    // resumes right after the deliveries queued before it), with timers only for no-answer.
    const wanted = k === 0 ? 0 : this.consumed + 1;
    const waitsForTimer = this.steps[k].event.type === 'SIP.FAILED' && (this.steps[k].event as { cause: string }).cause === 'no-answer';
    const deadline = Date.now() + (waitsForTimer ? 2_000 : 0);
    for (let turn = 0; this.log.length <= wanted; turn++) {
      if (turn < MAX_TURNS) await Promise.resolve();
      else if (Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 2));
      else {
        throw new Error(
          `step ${k} ${this.stepLabel(k)}: the Session never left ${JSON.stringify(this.log[this.log.length - 1])} ` +
            `(expected ${JSON.stringify(expectedOf(this.steps[k].state))})`,
        );
      }
    }
    this.afterReached(k);
  };

  /** The state check of every step: the next logged view of the Session is exactly the model's. */
  readonly check = (snapshot: CallSnapshot): void => {
    const k = this.current;
    if (this.steps[k]?.state !== snapshot) throw new Error('state check out of step with the executors');
    const expected = expectedOf(snapshot);
    const index = this.consumed + 1;
    const got = this.log[index];
    if (!equal(got, expected)) {
      throw new Error(
        `step ${k} ${this.stepLabel(k)}: the Session's state$ did not show the model's state next\n` +
          `  expected: ${JSON.stringify(expected)}\n` +
          `  got:      ${JSON.stringify(got ?? null)}\n` +
          `  log since previous step: ${JSON.stringify(this.log.slice(index))}`,
      );
    }
    this.consumed = index;
    if (index === this.log.length - 1) {
      const now = observe(this.call.state);
      if (!equal(now, expected)) {
        throw new Error(`step ${k} ${this.stepLabel(k)}: Session.state disagrees with state$\n  state$: ${JSON.stringify(expected)}\n  state:  ${JSON.stringify(now)}`);
      }
    }
  };

  // ---------------------------------------------------------------- stepping

  private stepLabel(k: number): string {
    return k === 0 ? '(initial)' : `${describeEvent(this.steps[k].event)} in ${this.model.name}: ${describePath(this.path)}`;
  }

  private placeOutgoing(): void {
    const first = this.steps[1]?.event;
    // Outcomes of the INVITE itself must be scripted before it is sent.
    if (first && same(first, E.answered)) this.peerAutoAnswer = true;
    if (first && same(first, E.failedBusy)) this.peer.ua.faults = { rejectIncoming: { code: 486 } };
    if (first && same(first, E.failedUnavailable)) this.peer.ua.dropTransport();
    this.expectOk(this.self.phone.call(PEER), 'self calls peer');
    if (this.session === null) throw new Error('no session for the call under test');
  }

  private async placeIncoming(): Promise<void> {
    this.expectOk(this.peer.phone.call(SELF), 'peer calls self');
    await this.runUntil(() => this.session !== null, () => 'the incoming call never reached "self"');
  }

  /** Clear one-shot faults once their outcome was seen, then issue what can be issued right now. */
  private afterReached(k: number): void {
    const event = this.steps[k].event;
    if (same(event, E.referFailed)) this.peer.ua.faults = { ...this.peer.ua.faults, refuseRefer: undefined };
    if (same(event, E.notifyBusy)) this.target.ua.faults = { ...this.target.ua.faults, rejectIncoming: undefined };
    if (event.type === 'SIP.RECORD.FAILED') this.self.ua.faults = { ...this.self.ua.faults, recordFailure: undefined };
    for (let j = k + 1; j < this.steps.length; j++) {
      if (this.driven.has(j)) {
        if (this.drivenImmediately.has(j)) continue;
        break;
      }
      const driver = this.driverOf(j);
      if (driver.mode !== 'sync') break;
      driver.run();
      this.driven.add(j);
      if (!driver.immediate) break;
      this.drivenImmediately.add(j);
    }
  }

  /** Run deliveries until `done` (bounded); fails the test when it never is. */
  private async runUntil(done: () => boolean, failure: () => string): Promise<void> {
    for (let turn = 0; turn < MAX_TURNS; turn++) {
      if (done()) return;
      await Promise.resolve();
    }
    if (!done()) throw new Error(failure());
  }

  private expectOk(result: Promise<Result>, what: string): void {
    this.results.push(
      result.then((r) => {
        if (!r.ok) throw new Error(`${what} was refused: ${r.message}`);
      }),
    );
  }

  private command(what: string, ok: boolean, session: Session = this.call): void {
    if (!ok) throw new Error(`${what} returned false: ${JSON.stringify(session.lastRefusal)}`);
  }

  /** The first step after k whose event is one of `types` (the outcome of the command at k). */
  private outcomeAfter(k: number, types: readonly string[]): CallEvent | null {
    for (let j = k + 1; j < this.steps.length; j++) if (types.includes(this.steps[j].event.type)) return this.steps[j].event;
    return null;
  }

  /** How step k is produced in the memory world. */
  private driverOf(k: number): Driver {
    const event = this.steps[k].event;
    const before = this.steps[k - 1].state;
    const phase = expectedOf(before).phase;
    const immediate = (run: () => void): Driver => ({ mode: 'sync', immediate: true, run });
    const later = (run: () => void): Driver => ({ mode: 'sync', immediate: false, run });
    const call = () => this.call;

    switch (event.type) {
      // -- commands of the app, through the public Session API
      case 'CALL.ANSWER':
        return immediate(() => this.expectOk(call().answer(), 'answer'));
      case 'CALL.REJECT':
        return immediate(() => this.command('reject', call().reject(event.code)));
      case 'CALL.HANGUP':
        return immediate(() => this.command('hangup', call().hangup()));
      case 'CALL.HOLD':
        return immediate(() => {
          if (same(this.outcomeAfter(k, ['SIP.HOLD.SUCCEEDED', 'SIP.HOLD.FAILED']) ?? E.holdOk, E.holdFailed)) {
            this.peer.ua.faults = { ...this.peer.ua.faults, rejectReinvite: { code: 488 } };
          }
          this.command('hold', call().hold());
        });
      case 'CALL.UNHOLD':
        return immediate(() => {
          if (same(this.outcomeAfter(k, ['SIP.UNHOLD.SUCCEEDED', 'SIP.UNHOLD.FAILED']) ?? E.unholdOk, E.unholdFailed)) {
            this.peer.ua.faults = { ...this.peer.ua.faults, rejectReinvite: { code: 500 } };
          }
          this.command('unhold', call().unhold());
        });
      case 'CALL.MUTE':
        return immediate(() => this.command('mute', call().mute()));
      case 'CALL.UNMUTE':
        return immediate(() => this.command('unmute', call().unmute()));
      case 'CALL.RECORD.START':
      case 'CALL.RECORD.PAUSE':
      case 'CALL.RECORD.RESUME':
        return immediate(() => {
          if (this.outcomeAfter(k, ['SIP.RECORD.SUCCEEDED', 'SIP.RECORD.FAILED'])?.type === 'SIP.RECORD.FAILED') {
            this.self.ua.faults = { ...this.self.ua.faults, recordFailure: { reason: RECORD_FAILURE_REASON } };
          }
          // startRecord() sends CALL.RECORD.RESUME when the recording is paused.
          const ok = event.type === 'CALL.RECORD.PAUSE' ? call().pauseRecord() : call().startRecord();
          this.command(event.type, ok);
        });
      case 'CALL.TRANSFER.BLIND':
        return immediate(() => {
          this.armTransferOutcome(k);
          this.command('blindTransfer', call().blindTransfer(event.target));
        });
      case 'CALL.TRANSFER.CONSULT':
        // The phone sends CALL.TRANSFER.CONSULT to the call when the app places the consultation call.
        return immediate(() => this.command('attendedTransfer (consult)', call().attendedTransfer(TARGET)));
      case 'CALL.TRANSFER.COMPLETE':
        // A person completes once the consultation is answered (before that, the REFER's Replaces
        // names a dialog the target does not know yet). The call under test is stable meanwhile.
        return {
          mode: 'async',
          run: async () => {
            const consultation = this.consultation();
            await this.runUntil(
              () => consultation.state.phase === 'confirmed',
              () => `the consultation call never got confirmed (${consultation.state.phase})`,
            );
            this.armTransferOutcome(k);
            this.command('attendedTransfer (complete)', call().attendedTransfer(TARGET));
          },
        };
      case 'CALL.TRANSFER.CANCEL':
        return immediate(() => this.command('cancelAttendedTransfer', call().cancelAttendedTransfer()));
      case 'CALL.TRANSFER.CONSULTATION_ENDED':
        return immediate(() => {
          const consultation = this.consultation();
          this.command('consultation hangup', consultation.hangup(), consultation);
        });

      // -- the far end, the network and the stack
      case 'SIP.ANSWERED':
        // From dialing: the peer answers as the INVITE arrives (scripted in init).
        return phase === 'ringing' ? later(() => this.expectOk(this.peerSession().answer(), 'peer answers')) : PASSIVE;
      case 'SIP.FAILED':
        if (phase === 'ending' || phase === 'dialing') {
          // ending: the stack confirmed our own end synchronously. dialing: scripted in init,
          // except our own transport, which drops now.
          return same(event, E.failedConnection) ? immediate(() => this.self.ua.dropTransport()) : PASSIVE;
        }
        if (same(event, E.failedConnection)) return immediate(() => this.self.ua.dropTransport());
        if (same(event, E.failedBusy)) return later(() => this.peerDoes('reject 486', (peer) => peer.reject(486)));
        if (same(event, E.failedDeclined)) return later(() => this.peerDoes('reject 603', (peer) => peer.reject(603)));
        if (same(event, E.failedUnavailable)) return later(() => this.peer.ua.dropTransport());
        if (same(event, E.failedCanceledRemote)) return later(() => this.peerDoes('hangup', (peer) => peer.hangup()));
        if (event.cause === 'no-answer') return PASSIVE; // the callee's no-answer timer; the executor waits for it
        throw new Error(`no driver for ${describeEvent(event)} in ${phase}`);
      case 'SIP.ENDED':
        if (phase === 'ending') return PASSIVE;
        if (same(event, E.endedConnection)) return immediate(() => this.self.ua.dropTransport());
        if (same(event, E.endedRemote)) return later(() => this.peerDoes('hangup', (peer) => peer.hangup()));
        throw new Error(`no driver for ${describeEvent(event)} in ${phase}`);
      case 'SIP.REINVITE':
        return {
          mode: 'async',
          run: async () => {
            // Let the peer's side settle (its previous re-INVITE answered, its ACK in) first; the
            // call under test has nothing pending here (filterEvents), so its log does not move.
            await this.network.settle();
            this.peerDoes(event.held ? 'hold' : 'unhold', (peer) => (event.held ? peer.hold() : peer.unhold()));
          },
        };
      default:
        // SIP.PROGRESS, SIP.ACK.RECEIVED, SIP.HOLD/UNHOLD outcomes, SIP.RECORD.*, SIP.REFER.*: the
        // deliveries already under way (with faults scripted by the command) produce them.
        return PASSIVE;
    }
  }

  /** Script the outcome of a REFER before it is sent: refused by the peer, or the target busy. */
  private armTransferOutcome(k: number): void {
    const outcome = this.outcomeAfter(k, ['SIP.REFER.FAILED', 'SIP.REFER.NOTIFY']);
    if (outcome && same(outcome, E.referFailed)) this.peer.ua.faults = { ...this.peer.ua.faults, refuseRefer: { code: 403 } };
    if (outcome && same(outcome, E.notifyBusy)) this.target.ua.faults = { ...this.target.ua.faults, rejectIncoming: { code: 486 } };
  }
}

/** Every step of a path changes what a UI sees: the log-based matching is one entry per step. */
export function assertObservableSteps(path: CallPath): void {
  for (let k = 1; k < path.steps.length; k++) {
    if (equal(expectedOf(path.steps[k - 1].state), expectedOf(path.steps[k].state))) {
      throw new Error(`model step ${k} (${describeEvent(path.steps[k].event)}) changes nothing observable: ${describePath(path)}`);
    }
  }
}
