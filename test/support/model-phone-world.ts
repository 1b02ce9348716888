/**
 * Runs one path of the phone model against the real thing: the `Phone` of 1001 on a memory SIP
 * network, with three callers and a callee that answers. Every change of the phone's `state$` is
 * logged as it happens; step k of the path must be exactly the next log entry (with the network's
 * Call-IDs mapped onto the model's `c1`, `c2`…). A refusal, which changes nothing, must instead fire
 * its public event. Registrar answers are scripted ahead: after each step the registrar is told how
 * the next REGISTER of the path ends.
 */
import equal from 'fast-deep-equal';
import { MemorySipNetwork } from '../../adapters/memory';
import type { MemoryUserAgent } from '../../adapters/memory';
import type { PhoneState } from '../../machines/phone.connect';
import { createPhone } from '../../src';
import type { Result } from '../../src';
import type { Phone, PhoneEventMap } from '../../src/phone';
import { CALLEE, CALLERS, PHONE_INPUT, SELF, SELF_LOOPS, SETTLING, describePhonePath, describeStep, expectedOf } from './model-phone';
import type { ModelStep, PhonePath, PhoneSnapshot } from './model-phone';

interface Party {
  readonly ua: MemoryUserAgent;
  readonly phone: Phone;
}

const MAX_TURNS = 2_000;
/** Long enough for the longest registration backoff of the model's settings. */
const TIMER_WAIT_MS = 2_000;

export class PhoneModelRun {
  private network!: MemorySipNetwork;
  private self!: Party;
  private callers: Party[] = [];
  private callee!: Party;
  private readonly log: PhoneState[] = [];
  private consumed = -1;
  /** Index in the log of the state a settling step ended in. */
  private settledAt = -1;
  private current = -1;
  /** Model call id → the network's Call-ID. */
  private readonly ids = new Map<string, string>();
  private readonly witnessed: Partial<Record<keyof PhoneEventMap, number>> = {};
  private readonly results: Array<Promise<void>> = [];

  constructor(private readonly path: PhonePath) {}

  private get steps() {
    return this.path.steps;
  }

  async setup(): Promise<void> {
    this.network = new MemorySipNetwork();
    const party = (number: string): Party => {
      const ua = this.network.createUserAgent({ number });
      return { ua, phone: createPhone({ userAgent: ua, qualityReports: false, ...(number === SELF ? PHONE_INPUT : {}) }) };
    };
    this.self = party(SELF);
    this.callers = CALLERS.map(party);
    this.callee = party(CALLEE);
    this.callee.phone.on('incoming', ({ session }) => this.expectOk(session.answer(), 'callee answers'));
    for (const p of [...this.callers, this.callee]) p.phone.start();
    for (const name of Object.values(SELF_LOOPS) as Array<keyof PhoneEventMap>) {
      this.self.phone.on(name, () => (this.witnessed[name] = (this.witnessed[name] ?? 0) + 1));
    }
    this.self.phone.state$.subscribe((state) => {
      const last = this.log[this.log.length - 1];
      if (last === undefined || !equal(last, state)) this.log.push(state);
    });
    await this.network.settle();
    for (const p of [...this.callers, this.callee]) if (!p.phone.isRegistered) throw new Error(`setup: ${p.ua.number} did not register`);
    this.scriptRegistrar(0);
  }

  async dispose(): Promise<void> {
    for (const p of [this.self, ...this.callers, this.callee]) p?.phone.destroy();
  }

  /** After the last step: every promise-returning call the path made resolved as expected. */
  async finish(): Promise<void> {
    await Promise.all(this.results);
  }

  // ---------------------------------------------------------------- path.test hooks

  readonly execute = async (step: { event: ModelStep; state: PhoneSnapshot }): Promise<void> => {
    const k = this.steps.indexOf(step as (typeof this.steps)[number]);
    if (k < 0) throw new Error('step not in path');
    this.current = k;
    if (k === 0) return;
    const witness = SELF_LOOPS[step.event.type] as keyof PhoneEventMap | undefined;
    const before = witness ? (this.witnessed[witness] ?? 0) : 0;
    this.act(step.event);
    if (SETTLING.has(step.event.type)) {
      await this.network.settle();
      this.settledAt = this.log.length - 1;
      this.scriptRegistrar(k);
      return;
    }
    const reached = witness ? () => (this.witnessed[witness] ?? 0) > before : () => this.log.length > this.consumed + 1;
    const deadline = Date.now() + TIMER_WAIT_MS;
    for (let turn = 0; !reached(); turn++) {
      if (turn < MAX_TURNS) await Promise.resolve();
      else if (Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 2));
      else throw new Error(`${this.label(k)}: nothing happened (the phone stayed ${JSON.stringify(this.translate(this.log[this.log.length - 1]))})`);
    }
    this.scriptRegistrar(k);
  };

  readonly check = (snapshot: PhoneSnapshot): void => {
    const k = this.current;
    if (this.steps[k]?.state !== snapshot) throw new Error('state check out of step with the executors');
    const expected = expectedOf(snapshot);
    const selfLoop = k > 0 && this.steps[k].event.type in SELF_LOOPS;
    const settling = k > 0 && SETTLING.has(this.steps[k].event.type);
    const index = settling ? this.settledAt : selfLoop ? this.consumed : this.consumed + 1;
    if (selfLoop && this.log.length > index + 1) {
      throw new Error(`${this.label(k)}: a refusal changed the phone: ${JSON.stringify(this.log.slice(index + 1).map((s) => this.translate(s)))}`);
    }
    const got = this.log[index] === undefined ? undefined : this.translate(this.log[index], expected);
    if (!equal(got, expected)) {
      throw new Error(
        `${this.label(k)}: the phone's state$ did not show the model's state next\n` +
          `  expected: ${JSON.stringify(expected)}\n` +
          `  got:      ${JSON.stringify(got ?? null)}`,
      );
    }
    this.consumed = index;
  };

  // ---------------------------------------------------------------- the world

  private act(step: ModelStep): void {
    const phone = this.self.phone;
    switch (step.type) {
      case 'MODEL.START':
        phone.start();
        return;
      case 'MODEL.STOP':
        return this.command('disconnect', phone.disconnect());
      case 'MODEL.TRANSPORT_LOST':
        return this.self.ua.dropTransport();
      case 'MODEL.TRANSPORT_BACK':
        return this.self.ua.restoreTransport();
      case 'MODEL.CREDENTIALS':
        phone.reRegister(SELF, 'model-ha1');
        return;
      case 'MODEL.CALL_WAITING':
        phone.configure({ callWaiting: step.on });
        return;
      case 'MODEL.RECORD_PERMISSIONS':
        phone.recordPermissions = step.value;
        return;
      case 'MODEL.PLACE_CALL':
        return this.expectOk(phone.call(CALLEE), 'call');
      case 'MODEL.PLACE_CALL_OVER_CAP':
        this.results.push(
          phone.call(CALLEE).then((result) => {
            if (result.ok || result.reason !== 'over-cap') throw new Error(`a call at the cap was not refused over-cap: ${JSON.stringify(result)}`);
          }),
        );
        return;
      case 'MODEL.INCOMING':
      case 'MODEL.INCOMING_OVER_CAP': {
        const caller = this.callers.find((p) => p.phone.getSessions().length === 0);
        if (!caller) throw new Error('no free caller');
        return this.expectOk(caller.phone.call(SELF), `${caller.ua.number} calls ${SELF}`);
      }
      case 'MODEL.ANSWER':
        return this.expectOk(phone.answer(this.real(step.callId)), 'answer');
      case 'MODEL.SET_CURRENT':
        return this.command('setCurrentSession', phone.setCurrentSession(this.real(step.callId)));
      case 'MODEL.HANGUP':
        return this.command('hangup', phone.hangup(this.real(step.callId)));
      case 'MODEL.REFERRED': {
        const callId = this.real(step.callId);
        const caller = this.callers.find((p) => p.phone.getSession(callId));
        const leg = caller?.phone.getSession(callId);
        if (!caller || !leg) throw new Error(`no caller holds ${step.callId}`);
        if (!leg.blindTransfer(CALLEE)) throw new Error(`the caller could not transfer: ${JSON.stringify(leg.lastRefusal)}`);
        return;
      }
      case 'MODEL.CONNECTED':
      case 'MODEL.REGISTERED':
      case 'MODEL.REGISTRATION_FAILED':
      case 'MODEL.RETRY_TIMER':
        return; // deliveries and timers under way
    }
  }

  /** The registrar answers the next REGISTER as the next registration outcome of the path says. */
  private scriptRegistrar(k: number): void {
    const next = this.steps.slice(k + 1).find((s) => s.event.type === 'MODEL.REGISTERED' || s.event.type === 'MODEL.REGISTRATION_FAILED');
    const failure = next?.event.type === 'MODEL.REGISTRATION_FAILED' ? next.event.code : null;
    this.self.ua.faults = { ...this.self.ua.faults, rejectRegister: failure === null ? undefined : { code: failure } };
  }

  private real(modelId: string): string {
    const id = this.ids.get(modelId);
    if (id === undefined) throw new Error(`no call ${modelId} yet`);
    return id;
  }

  /** A logged state in the model's call ids; a Call-ID seen for the first time takes the model id `expected` has for it. */
  private translate(state: PhoneState | undefined, expected?: PhoneState): unknown {
    if (state === undefined) return undefined;
    if (expected) {
      // A model id whose call is gone is free again: the model gives it to the next new call.
      for (const [model, real] of [...this.ids]) if (!expected.calls.includes(model) && !state.calls.includes(real)) this.ids.delete(model);
    }
    const byReal = new Map([...this.ids].map(([model, real]) => [real, model]));
    if (expected) {
      const fresh = expected.calls.filter((id) => !this.ids.has(id));
      for (const real of state.calls) {
        if (byReal.has(real) || fresh.length === 0) continue;
        const model = fresh.shift() as string;
        this.ids.set(model, real);
        byReal.set(real, model);
      }
    }
    const map = (id: string) => byReal.get(id) ?? `unknown:${id}`;
    return {
      ...state,
      calls: state.calls.map(map),
      incoming: state.incoming.map(map),
      currentSessionID: state.currentSessionID === null ? null : map(state.currentSessionID),
    };
  }

  private label(k: number): string {
    return `step ${k} ${describeStep(this.steps[k].event)} of ${describePhonePath(this.path)}`;
  }

  private expectOk(result: Promise<Result>, what: string): void {
    this.results.push(
      result.then((r) => {
        if (!r.ok) throw new Error(`${what} was refused: ${r.message}`);
      }),
    );
  }

  private command(what: string, ok: boolean): void {
    if (!ok) throw new Error(`${what} returned false: ${JSON.stringify(this.self.phone.lastRefusal)}`);
  }
}
