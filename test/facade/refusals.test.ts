/**
 * Typed refusals, never throws: invalid input, unknown calls, ended calls, wrong states and a
 * destroyed phone all answer `false` (or a `Result` with `ok: false`) with the reason in
 * `lastRefusal`, report it on `refused`, and leave the call machine as it was.
 */
import type { Phone, Refusal, RefusalReason, Result, Session } from '../../src';
import { RESULT_CODES } from '../../src';
import { establish, facadeRig, PHONE_CALL_COMMANDS, recordPhone, recordSession } from '../support/facade-harness';
import type { FacadeRig } from '../support/facade-harness';

let rig: FacadeRig | null = null;

afterEach(() => {
  rig?.destroy();
  rig = null;
});

/** Every command of a Session, called with arguments that would be valid on a live call. */
const SESSION_COMMANDS: ReadonlyArray<readonly [string, (s: Session) => boolean | Promise<Result> | Session]> = [
  ['answer', (s) => s.answer()],
  ['reject', (s) => s.reject()],
  ['hangup', (s) => s.hangup()],
  ['terminate', (s) => s.terminate()],
  ['blindTransfer', (s) => s.blindTransfer('1003')],
  ['attendedTransfer', (s) => s.attendedTransfer('1003')],
  ['hold', (s) => s.hold()],
  ['unhold', (s) => s.unhold()],
  ['resume', (s) => s.resume()],
  ['dtmf', (s) => s.dtmf('1')],
  ['mute', (s) => s.mute()],
  ['unmute', (s) => s.unmute()],
  ['startRecord', (s) => s.startRecord()],
  ['pauseRecord', (s) => s.pauseRecord()],
  ['info', (s) => s.info('text/plain', 'x')],
  ['message', (s) => s.message('text/plain', 'x')],
  ['setStatus', (s) => s.setStatus({ name: 'x' })],
  ['setStaticStatus', (s) => s.setStaticStatus({ name: 'x' })],
];


/** Runs a command; returns `false`/`true` for booleans, the Result's `ok` for promises, `null` for `this`. */
async function outcome(value: boolean | Promise<Result> | Session | Phone): Promise<{ ok: boolean | null; result?: Result }> {
  if (typeof value === 'boolean') return { ok: value };
  if (value instanceof Promise) {
    const result = await value;
    return { ok: result.ok, result };
  }
  return { ok: null };
}

function expectRefusal(target: { lastRefusal: Refusal | null }, command: string, reason: RefusalReason): void {
  expect([command, target.lastRefusal?.reason]).toEqual([command, reason]);
}

describe('invalid input', () => {
  it.each(['', ' ', ' 1002', '10 02', '1002\n', 'sip:', '<>', 'a b@c'])('call(%j) resolves ok:false invalid-input', async (number) => {
    rig = await facadeRig(['1001', '1002']);
    const { phone } = rig.phones[0];
    const refused = recordPhone(phone);
    const result = await phone.call(number);
    expect(result).toMatchObject({ ok: false, reason: 'invalid-input', code: RESULT_CODES['invalid-input'] });
    expect(phone.lastRefusal).toMatchObject({ command: 'call', reason: 'invalid-input' });
    expect(refused.first('refused')).toEqual([phone.lastRefusal]);
    expect(phone.getSessions()).toEqual([]);
  });

  it('call() with a non-string number never rejects', async () => {
    rig = await facadeRig(['1001']);
    const { phone } = rig.phones[0];
    for (const bad of [undefined, null, 1002, {}]) {
      await expect(phone.call(bad as unknown as string)).resolves.toMatchObject({ ok: false, reason: 'invalid-input' });
    }
  });

  it('DTMF outside 0-9 A-D * #, an empty or malformed transfer target are invalid-input; the call is unchanged', async () => {
    rig = await facadeRig(['1001', '1002']);
    const [a, b] = rig.phones;
    const { caller, callId } = await establish(rig, a, b);
    const before = caller.state;
    for (const tones of ['', 'E', 'x1', '1 2', '#!', '١']) {
      expect(caller.dtmf(tones)).toBe(false);
      expectRefusal(caller, `dtmf ${tones}`, 'invalid-input');
      expect(a.phone.dtmf(callId, tones)).toBe(false);
      expectRefusal(a.phone, `phone.dtmf ${tones}`, 'invalid-input');
    }
    for (const target of ['', ' ', '10 03']) {
      expect(caller.blindTransfer(target)).toBe(false);
      expectRefusal(caller, `blindTransfer ${target}`, 'invalid-input');
      expect(a.phone.blindTransfer(callId, target)).toBe(false);
      expectRefusal(a.phone, `phone.blindTransfer ${target}`, 'invalid-input');
      expect(caller.attendedTransfer(target)).toBe(false);
      expectRefusal(caller, `attendedTransfer ${target}`, 'invalid-input');
    }
    await rig.settle();
    expect(caller.state).toEqual(before);
    expect(a.phone.getSessions()).toHaveLength(1);
  });
});

describe('unknown callId', () => {
  it.each(PHONE_CALL_COMMANDS.map(([name, run]) => [name, run] as const))('%s(unknown) → unknown-call', async (name, run) => {
    rig = await facadeRig(['1001']);
    const { phone } = rig.phones[0];
    let value: Awaited<ReturnType<typeof outcome>> | null = null;
    await expect(
      (async () => {
        value = await outcome(run(phone, 'no-such-call'));
      })(),
    ).resolves.toBeUndefined();
    expect(value!.ok).toBe(false);
    if (value!.result) expect(value!.result).toMatchObject({ reason: 'unknown-call', code: RESULT_CODES['unknown-call'] });
    expect(phone.lastRefusal).toMatchObject({ reason: 'unknown-call', callId: 'no-such-call' });
  });

  it('call(number, options, transferId) with an unknown transferId → unknown-call', async () => {
    rig = await facadeRig(['1001']);
    const { phone } = rig.phones[0];
    await expect(phone.call('1002', {}, 'no-such-call')).resolves.toMatchObject({ ok: false, reason: 'unknown-call' });
  });
});

describe('a session whose call has ended', () => {
  it.each(SESSION_COMMANDS.map(([name, run]) => [name, run] as const))('%s() → call-ended, no throw', async (name, run) => {
    rig = await facadeRig(['1001', '1002']);
    const [a, b] = rig.phones;
    const { caller } = await establish(rig, a, b);
    caller.hangup();
    await rig.settle();
    expect(caller.isTerminated()).toBe(true);
    const ended = caller.state;
    let value: Awaited<ReturnType<typeof outcome>> | null = null;
    expect(() => {
      void outcome(run(caller)).then((v) => (value = v));
    }).not.toThrow();
    await rig.settle();
    if (value!.ok !== null) expect(value!.ok).toBe(false);
    // resume() is CallSession's alias of unhold(); either name is a fair `command`
    const commands = name === 'resume' ? ['resume', 'unhold'] : [name];
    expect(caller.lastRefusal).toMatchObject({ reason: 'call-ended', callId: caller.callId });
    expect(commands).toContain(caller.lastRefusal?.command);
    expect(caller.state).toEqual(ended);
  });

  it('queries, attributes, stopTimer and destroy still answer after the end', async () => {
    rig = await facadeRig(['1001', '1002']);
    const [a, b] = rig.phones;
    const { caller } = await establish(rig, a, b);
    caller.hangup();
    await rig.settle();
    expect(() => [
      caller.status,
      caller.timer,
      caller.dialog,
      caller.callReport,
      caller.incomingList,
      caller.localStream,
      caller.remoteStream,
      caller.RTCSession,
      caller.toJSON(),
      caller.isOnHold(),
      caller.isRinging(),
      caller.isEstablished(),
      caller.getElapsedTimeInSeconds(),
      caller.stopTimer(),
    ]).not.toThrow();
    expect(caller.isTerminated()).toBe(true);
    expect(caller.isActive()).toBe(false);
    expect(() => caller.destroy()).not.toThrow();
  });
});

describe('wrong state', () => {
  it('hold / mute / dtmf / transfer / record while ringing → not-allowed-in-state, the machine unchanged, the call still works', async () => {
    rig = await facadeRig(['1001', '1002'], { recordPermissions: 2 });
    const [a, b] = rig.phones;
    const callId = (await a.phone.call('1002')).callId!;
    await rig.settle();
    const caller = a.phone.getSession(callId)!;
    const callee = b.phone.getSession(callId)!;
    const events = recordSession(caller);
    const before = caller.state;
    const calleeBefore = callee.state;
    const attempts: [string, () => boolean][] = [
      ['hold', () => caller.hold()],
      ['unhold', () => caller.unhold()],
      ['mute', () => caller.mute()],
      ['dtmf', () => caller.dtmf('1')],
      ['blindTransfer', () => caller.blindTransfer('1003')],
      ['attendedTransfer', () => caller.attendedTransfer('1003')],
      ['startRecord', () => caller.startRecord()],
      ['pauseRecord', () => caller.pauseRecord()],
      ['reject', () => caller.reject()], // an outgoing call cannot be rejected
      ['callee hold', () => callee.hold()],
    ];
    for (const [name, attempt] of attempts) {
      expect([name, attempt()]).toEqual([name, false]);
      const target = name.startsWith('callee') ? callee : caller;
      expectRefusal(target, name, 'not-allowed-in-state');
    }
    expect(events.first('refused').map((r) => r.command)).toEqual(attempts.filter(([n]) => !n.startsWith('callee')).map(([n]) => n));
    await rig.settle();
    expect(caller.state).toEqual(before);
    expect(callee.state).toEqual(calleeBefore);
    // still a healthy call
    await callee.answer();
    await rig.settle();
    expect(caller.hold()).toBe(true);
    await rig.settle();
    expect(caller.state.hold).toBe('held');
  });

  it('answer an outgoing call → Result not-allowed-in-state', async () => {
    rig = await facadeRig(['1001', '1002']);
    const [a] = rig.phones;
    const callId = (await a.phone.call('1002')).callId!;
    await rig.settle();
    const before = a.phone.getSession(callId)!.state;
    await expect(a.phone.answer(callId)).resolves.toMatchObject({ ok: false, reason: 'not-allowed-in-state', code: RESULT_CODES['not-allowed-in-state'] });
    expect(a.phone.lastRefusal?.reason).toBe('not-allowed-in-state');
    expect(a.phone.getSession(callId)!.state).toEqual(before);
  });

  it('pauseRecord when not recording, unhold when not held, answer twice, reject an answered call → not-allowed-in-state', async () => {
    rig = await facadeRig(['1001', '1002'], { recordPermissions: 2 });
    const [a, b] = rig.phones;
    const { caller, callee } = await establish(rig, a, b);
    const before = caller.state;
    expect(caller.pauseRecord()).toBe(false);
    expectRefusal(caller, 'pauseRecord', 'not-allowed-in-state');
    expect(caller.unhold()).toBe(false);
    expectRefusal(caller, 'unhold', 'not-allowed-in-state');
    expect(caller.unmute()).toBe(false);
    expectRefusal(caller, 'unmute', 'not-allowed-in-state');
    await expect(callee.answer()).resolves.toMatchObject({ ok: false, reason: 'not-allowed-in-state' });
    expect(callee.reject()).toBe(false);
    expectRefusal(callee, 'reject', 'not-allowed-in-state');
    expect(caller.state).toEqual(before);
    // a hold already under way cannot be doubled
    expect(caller.hold()).toBe(true);
    expect(caller.hold()).toBe(false);
    expectRefusal(caller, 'hold', 'not-allowed-in-state');
    await rig.settle();
    expect(caller.state.hold).toBe('held');
  });
});

describe('after phone.destroy()', () => {
  it('every phone method answers destroyed, nothing throws', async () => {
    rig = await facadeRig(['1001', '1002']);
    const [a, b] = rig.phones;
    const { caller, callId } = await establish(rig, a, b);
    a.phone.destroy();
    await rig.settle();
    const phoneAnswers: [string, boolean | null, RefusalReason | undefined][] = [];
    for (const [name, run] of PHONE_CALL_COMMANDS) {
      const value = await outcome(run(a.phone, callId));
      phoneAnswers.push([name, value.ok, value.result?.reason ?? a.phone.lastRefusal?.reason]);
    }
    expect(phoneAnswers).toEqual(PHONE_CALL_COMMANDS.map(([name]) => [name, false, 'destroyed']));
    await expect(a.phone.call('1002')).resolves.toMatchObject({ ok: false, reason: 'destroyed', code: RESULT_CODES.destroyed });
    expect(a.phone.disconnect()).toBe(false);
    expectRefusal(a.phone, 'disconnect', 'destroyed');
  });

  it('every method of a session of a destroyed phone answers destroyed, nothing throws', async () => {
    rig = await facadeRig(['1001', '1002']);
    const [a, b] = rig.phones;
    const { caller } = await establish(rig, a, b);
    a.phone.destroy();
    await rig.settle();
    const sessionAnswers: [string, boolean | null, RefusalReason | undefined][] = [];
    for (const [name, run] of SESSION_COMMANDS) {
      let value: Awaited<ReturnType<typeof outcome>> | null = null;
      expect(() => void outcome(run(caller)).then((v) => (value = v))).not.toThrow();
      await rig.settle();
      sessionAnswers.push([name, value!.ok === null ? null : value!.ok, value!.result?.reason ?? caller.lastRefusal?.reason]);
    }
    const returnsThis = new Set(['setStatus', 'setStaticStatus']);
    expect(sessionAnswers).toEqual(SESSION_COMMANDS.map(([name]) => [name, returnsThis.has(name) ? null : false, 'destroyed']));
  });
});
