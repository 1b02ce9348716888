import equal from 'fast-deep-equal';
import type { CallOptions } from '../../machines/port';
import type { CallEvent } from '../../machines/call.types';
import type { Phone } from '../phone';
import type { Session } from '../session';
import { describeEvent, describePath, expectedOf, observe } from './call-model';
import type { Observed } from './call-model';
import type { CallFlow } from './pbx-model';

/** The registered phones a flow runs between, all through the public API. */
export interface FlowParties {
  /** The phone whose call the flow checks. */
  readonly self: FlowParty;
  /** The far end: answers, rejects, holds and hangs up as the flow says; or a scripted one. */
  readonly peer: FlowParty | ScriptedParty;
  /** The transfer target (answers every call); flows with a transfer need it. */
  readonly target?: FlowParty;
}

/** One registered phone and the number the others dial to reach it. */
export interface FlowParty {
  readonly phone: Phone;
  readonly number: string;
}

/** A far end that plays its part by itself (e.g. a sipp scenario): only dialled, never told anything. */
export interface ScriptedParty {
  readonly phone?: undefined;
  readonly number: string;
}

/** Options of {@link runCallFlow}. */
export interface FlowRunOptions {
  /** Longest wait for one step's state, in ms. Default 10000. */
  readonly stepTimeoutMs?: number;
  /** Media for every call placed or answered (e.g. a generated tone in Node). */
  readonly media?: () => CallOptions;
}

/** How one flow went. */
export interface FlowResult {
  readonly name: string;
  /** The flow's steps, e.g. `SIP.PROGRESS(code=180) → CALL.ANSWER → …`. */
  readonly path: string;
  readonly steps: number;
  readonly passed: boolean;
  /** Not run (it needs something the run does not have, e.g. a transfer target). */
  readonly skipped?: boolean;
  /** The step that failed (1-based, 0 for placing the call), with its event. */
  readonly failedAt: { readonly step: number; readonly event: string } | null;
  /** What the model says the call shows at the failed step. */
  readonly expected: Observed | null;
  /** What the call showed last. */
  readonly observed: Observed | null;
  readonly error: string | null;
  readonly durationMs: number;
}

class StepFailure extends Error {
  constructor(
    message: string,
    readonly observed: Observed | null,
  ) {
    super(message);
  }
}

/**
 * Runs one generated call flow between real phones: places or receives the call, does what each
 * step says through `Phone`/`Session` (the far end and the transfer target through their own
 * `Phone`s), and after each step waits (bounded) until the call under test has shown the model's
 * state, in order. Whatever happens, every call of every party is hung up before it returns.
 */
export async function runCallFlow(flow: CallFlow, parties: FlowParties, options: FlowRunOptions = {}): Promise<FlowResult> {
  const started = Date.now();
  const run = new FlowRun(flow, parties, options);
  let failure: { step: number; error: unknown } | null = null;
  try {
    await run.place();
    for (let k = 1; k < flow.path.steps.length; k++) {
      try {
        await run.step(k);
      } catch (error) {
        failure = { step: k, error };
        break;
      }
    }
  } catch (error) {
    failure = { step: 0, error };
  } finally {
    run.stop();
    await endAllCalls(parties, options.stepTimeoutMs ?? DEFAULT_STEP_TIMEOUT_MS);
  }
  const steps = flow.path.steps.length - 1;
  const base = { name: flow.name, path: describePath(flow.path), steps, durationMs: Date.now() - started };
  if (failure === null) return { ...base, passed: true, failedAt: null, expected: null, observed: null, error: null };
  const step = flow.path.steps[failure.step];
  return {
    ...base,
    passed: false,
    failedAt: { step: failure.step, event: failure.step === 0 ? `place the ${flow.model.direction} call` : describeEvent(step.event) },
    expected: expectedOf(step.state),
    observed: failure.error instanceof StepFailure ? failure.error.observed : run.last(),
    error: failure.error instanceof Error ? failure.error.message : String(failure.error),
  };
}

const DEFAULT_STEP_TIMEOUT_MS = 10_000;

/** Hang up every call of every party and wait (bounded) until none is left. */
export async function endAllCalls(parties: FlowParties, timeoutMs = DEFAULT_STEP_TIMEOUT_MS): Promise<boolean> {
  const phones = [parties.self.phone, parties.peer.phone, parties.target?.phone].filter((p): p is Phone => p !== undefined);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const live = phones.flatMap((phone) => phone.getSessions()).filter((s) => s.state.phase !== 'ended');
    if (live.length === 0) return true;
    for (const session of live) if (session.state.phase !== 'ending') session.hangup();
    await sleep(50);
  }
  for (const phone of phones) for (const session of phone.getSessions()) session.terminate();
  return phones.every((phone) => phone.getSessions().every((s) => s.state.phase === 'ended'));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

class FlowRun {
  private session: Session | null = null;
  private readonly log: Observed[] = [];
  /** Index in `log` of the entry that matched the last step. */
  private matched = -1;
  private wake: (() => void) | null = null;
  private readonly cleanups: Array<() => void> = [];
  private readonly timeoutMs: number;

  constructor(
    private readonly flow: CallFlow,
    private readonly parties: FlowParties,
    private readonly options: FlowRunOptions,
  ) {
    this.timeoutMs = options.stepTimeoutMs ?? DEFAULT_STEP_TIMEOUT_MS;
  }

  last(): Observed | null {
    return this.log[this.log.length - 1] ?? null;
  }

  stop(): void {
    for (const cleanup of this.cleanups.splice(0)) cleanup();
  }

  private media(): CallOptions {
    return this.options.media?.() ?? {};
  }

  private attach(session: Session): void {
    this.session = session;
    const subscription = session.state$.subscribe((state) => {
      const next = observe(state);
      if (!equal(this.last(), next)) this.log.push(next);
      this.wake?.();
    });
    this.cleanups.push(() => subscription.unsubscribe());
  }

  private get call(): Session {
    if (this.session === null) throw new Error('the call under test does not exist');
    return this.session;
  }

  /** Step 0: the call exists, in the model's initial state. */
  async place(): Promise<void> {
    const { self, peer, target } = this.parties;
    if (target) this.cleanups.push(target.phone.on('incoming', ({ session }) => void session.answer(this.media())));
    if (this.flow.model.direction === 'outgoing') {
      const result = await self.phone.call(peer.number, this.media());
      if (!result.ok || result.callId === null) throw new Error(`calling ${peer.number} was refused: ${result.message}`);
      const session = self.phone.getSession(result.callId);
      if (!session) throw new Error('the placed call has no session');
      this.attach(session);
    } else {
      if (!peer.phone) throw new Error(`${peer.number} plays a script: it cannot place the incoming call`);
      const peerPhone = peer.phone;
      const arrived = new Promise<Session>((resolve) => this.cleanups.push(self.phone.on('incoming', ({ session }) => resolve(session))));
      const result = await peerPhone.call(self.number, this.media());
      if (!result.ok) throw new Error(`${peer.number} calling ${self.number} was refused: ${result.message}`);
      this.attach(await this.within(arrived, `the call from ${peer.number} never arrived`));
    }
    await this.reach(0);
  }

  async step(k: number): Promise<void> {
    await this.act(this.flow.path.steps[k].event);
    await this.reach(k);
  }

  /** Wait until the log shows step k's state after the previous match (other states in between are allowed). */
  private async reach(k: number): Promise<void> {
    const expected = expectedOf(this.flow.path.steps[k].state);
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      const index = this.log.findIndex((entry, i) => i > this.matched && equal(entry, expected));
      if (index >= 0) {
        this.matched = index;
        return;
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new StepFailure(`no ${expected.phase} state as the model says within ${this.timeoutMs} ms`, this.last());
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 250));
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = null;
    }
  }

  private async within<T>(promise: Promise<T>, what: string): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new StepFailure(what, this.last())), this.timeoutMs)));
    try {
      return await Promise.race([promise, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The far end's leg of the call under test: same Call-ID through a proxy, else its newest live call. */
  private peerSession(): Session {
    const phone = this.parties.peer.phone;
    if (!phone) throw new StepFailure(`${this.parties.peer.number} plays a script: it cannot be told to act`, this.last());
    const same = phone.getSession(this.call.callId);
    const session = same ?? [...phone.getSessions()].reverse().find((s) => s.state.phase !== 'ended' && s.state.phase !== 'ending');
    if (!session) throw new StepFailure(`${this.parties.peer.number} has no leg of the call`, this.last());
    return session;
  }

  private ok(what: string, accepted: boolean, session: Session = this.call): void {
    if (!accepted) throw new StepFailure(`${what} was refused: ${session.lastRefusal?.message ?? 'no reason given'}`, this.last());
  }

  private async okResult(what: string, result: Promise<{ ok: boolean; message?: string }>): Promise<void> {
    const outcome = await this.within(result, `${what} did not finish`);
    if (!outcome.ok) throw new StepFailure(`${what} was refused: ${outcome.message ?? ''}`, this.last());
  }

  private targetNumber(): string {
    if (!this.parties.target) throw new StepFailure('this flow transfers the call: a third account is needed', this.last());
    return this.parties.target.number;
  }

  /** Do what a step says; steps that are the network's own doing need nothing. */
  private async act(event: CallEvent): Promise<void> {
    const call = this.call;
    switch (event.type) {
      case 'CALL.ANSWER':
        return this.okResult('answer', call.answer(this.media()));
      case 'CALL.REJECT':
        return this.ok('reject', call.reject(event.code));
      case 'CALL.HANGUP':
        return this.ok('hangup', call.hangup());
      case 'CALL.HOLD':
        return this.retrying('hold', () => call.hold());
      case 'CALL.UNHOLD':
        return this.retrying('unhold', () => call.unhold());
      case 'CALL.MUTE':
        return this.ok('mute', call.mute());
      case 'CALL.UNMUTE':
        return this.ok('unmute', call.unmute());
      case 'CALL.TRANSFER.BLIND':
        return this.ok('blindTransfer', call.blindTransfer(this.targetNumber()));
      case 'CALL.TRANSFER.CONSULT':
        return this.ok('attendedTransfer (consultation call)', call.attendedTransfer(this.targetNumber()));
      case 'CALL.TRANSFER.COMPLETE': {
        // A person completes once the consultation call is answered.
        const id = call.state.consultation;
        const consultation = id === null ? null : this.parties.self.phone.getSession(id);
        if (!consultation) throw new StepFailure('the call has no consultation call', this.last());
        await this.within(
          new Promise<void>((resolve) => {
            const sub = consultation.state$.subscribe((s) => s.phase === 'confirmed' && resolve());
            this.cleanups.push(() => sub.unsubscribe());
          }),
          'the consultation call was never answered',
        );
        return this.ok('attendedTransfer (complete)', call.attendedTransfer(this.targetNumber()));
      }
      case 'CALL.TRANSFER.CANCEL':
        return this.ok('cancelAttendedTransfer', call.cancelAttendedTransfer());
      case 'CALL.TRANSFER.CONSULTATION_ENDED': {
        const id = call.state.consultation;
        const consultation = id === null ? null : this.parties.self.phone.getSession(id);
        if (!consultation) throw new StepFailure('the call has no consultation call', this.last());
        return this.ok('consultation hangup', consultation.hangup(), consultation);
      }
      case 'SIP.ANSWERED':
        if (call.state.phase === 'ringing') return this.okResult('the far end answers', this.peerSession().answer(this.media()));
        return;
      case 'SIP.FAILED': {
        if (event.originator !== 'remote' || call.state.phase !== 'ringing') return;
        const peer = this.peerSession();
        if (call.state.direction === 'incoming') return this.ok('the caller hangs up', peer.hangup(), peer);
        if (event.code === 486 || event.code === 603) return this.ok(`the far end rejects ${event.code}`, peer.reject(event.code), peer);
        return;
      }
      case 'SIP.ENDED': {
        if (event.originator !== 'remote') return;
        const peer = this.peerSession();
        return this.ok('the far end hangs up', peer.hangup(), peer);
      }
      case 'SIP.REINVITE': {
        const peer = this.peerSession();
        // The far end's previous hold or resume must be settled before it can send another.
        await this.within(
          new Promise<void>((resolve) => {
            const sub = peer.state$.subscribe((s) => (s.hold === 'active' || s.hold === 'held') && resolve());
            this.cleanups.push(() => sub.unsubscribe());
          }),
          'the far end never settled its previous hold',
        );
        return this.retrying(event.held ? 'the far end holds' : 'the far end resumes', () => (event.held ? peer.hold() : peer.unhold()), peer);
      }
      default:
        return;
    }
  }

  /**
   * A hold or resume the stack refuses because an offer/answer exchange is still under way (the
   * other side's re-INVITE not yet acknowledged) is tried again, as a person would, within the
   * step's time; any other refusal fails the step.
   */
  private async retrying(what: string, attempt: () => boolean, session: Session = this.call): Promise<void> {
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      if (attempt()) return;
      const refusal = session.lastRefusal;
      if (refusal?.reason !== 'stack-refused' || !/offer\/answer/.test(refusal.message) || Date.now() > deadline) {
        throw new StepFailure(`${what} was refused: ${refusal?.message ?? 'no reason given'}`, this.last());
      }
      await sleep(100);
    }
  }
}
