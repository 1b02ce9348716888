/**
 * How the app ends calls, on the memory network: `terminate(type)` and `hangup()` decline a ringing
 * incoming call with the phone's `rejectCode`, unknown termination types are refused, and
 * `disconnect()` ends every call on the wire, each reported with its cause, before going offline.
 */
import type { TerminateKind } from '../../src';
import { establish, facadeRig, recordPhone, recordSession, ringing } from '../support/facade-harness';
import type { FacadeRig } from '../support/facade-harness';

let rig: FacadeRig | null = null;

afterEach(() => {
  rig?.destroy();
  rig = null;
});

/** A calls B (B's phone declines with `rejectCode`); both sessions while B's is still ringing. */
async function ringingWithRejectCode(rejectCode: number) {
  rig = await facadeRig(['1001', '1002'], (number) => (number === '1002' ? { rejectCode } : {}));
  const r = rig;
  const [a, b] = r.phones;
  return { rig: r, a, b, ...(await ringing(r, a!, b!)) };
}

describe("terminate(type) on a ringing incoming call declines with the phone's rejectCode", () => {
  it.each<TerminateKind>(['hangup', 'terminate', 'reject'])("terminate('%s') with rejectCode 603 sends 603", async (type) => {
    const { rig: r, caller, callee } = await ringingWithRejectCode(603);
    const callerEvents = recordSession(caller);
    expect(callee.terminate(type)).toBe(true);
    await r.settle();
    expect(callee.state.end).toMatchObject({ cause: 'rejected', code: 603, originator: 'local' });
    expect(caller.state.end).toMatchObject({ cause: 'rejected', code: 603, originator: 'remote' });
    expect(callerEvents.first('failed')).toEqual([{ callId: caller.callId, cause: 'rejected', code: 603 }]);
  });

  it("Phone.terminate(callId, 'hangup') and hangup() decline with it too", async () => {
    const { rig: r, b, caller, callee } = await ringingWithRejectCode(603);
    expect(b.phone.terminate(callee.callId, 'hangup')).toBe(true);
    await r.settle();
    expect(caller.state.end).toMatchObject({ code: 603 });
  });

  it('hangup() on a ringing incoming call declines with rejectCode (the call machine, not the facade, picks the code)', async () => {
    const { rig: r, caller, callee } = await ringingWithRejectCode(480);
    expect(callee.hangup()).toBe(true);
    await r.settle();
    expect(caller.state.end).toMatchObject({ cause: 'unavailable', code: 480 });
  });

  it('reject() without a code uses rejectCode; reject(code) wins', async () => {
    const first = await ringingWithRejectCode(603);
    expect(first.callee.reject()).toBe(true);
    await first.rig.settle();
    expect(first.caller.state.end).toMatchObject({ code: 603 });
    first.rig.destroy();
    const second = await ringingWithRejectCode(603);
    expect(second.callee.reject(486)).toBe(true);
    await second.rig.settle();
    expect(second.caller.state.end).toMatchObject({ cause: 'busy', code: 486 });
  });

  it('the default rejectCode is 486', async () => {
    rig = await facadeRig(['1001', '1002']);
    const [a, b] = rig.phones;
    const result = await a.phone.call(b.number);
    await rig.settle();
    const callerEvents = recordSession(a.phone.getSession(result.callId!)!);
    expect(b.phone.incomingList[0].terminate('hangup')).toBe(true);
    await rig.settle();
    expect(callerEvents.first('failed')).toEqual([{ callId: result.callId, cause: 'busy', code: 486 }]);
  });
});

describe('terminate(type) refuses an unknown type', () => {
  it.each(['bye', '', 'HANGUP', 42, null])('Session.terminate(%p): invalid-input, nothing sent, the call still rings', async (type) => {
    const { rig: r, caller, callee } = await ringingWithRejectCode(603);
    expect(callee.terminate(type as unknown as TerminateKind)).toBe(false);
    expect(callee.lastRefusal).toMatchObject({ command: 'terminate', reason: 'invalid-input', callId: callee.callId });
    await r.settle();
    expect(callee.state.phase).toBe('ringing');
    expect(caller.state.phase).toBe('ringing');
  });

  it('Phone.terminate(callId, unknown): false with the refusal on the phone', async () => {
    const { rig: r, b, callee } = await ringingWithRejectCode(603);
    const events = recordPhone(b.phone);
    expect(b.phone.terminate(callee.callId, 'drop' as TerminateKind)).toBe(false);
    expect(b.phone.lastRefusal).toMatchObject({ command: 'terminate', reason: 'invalid-input' });
    expect(events.first('refused')).toHaveLength(1);
    await r.settle();
    expect(callee.isRinging()).toBe(true);
  });
});

describe('disconnect() ends every call, each with its cause, then goes offline', () => {
  it('established → BYE (bye), placing → CANCEL (canceled), ringing incoming → 480 (rejected); the far ends see the same', async () => {
    rig = await facadeRig(['1001', '1002', '1003', '1004'], (number) => (number === '1001' ? { maxCalls: 3, autoHold: false } : {}));
    const r = rig;
    const [a, b, c, d] = r.phones;
    const { caller: ab, callee: ba } = await establish(r, a, b);
    const placed = await a.phone.call(c.number);
    await r.settle();
    const ac = a.phone.getSession(placed.callId!)!;
    const ca = c.phone.incomingList[0];
    await d.phone.call(a.number);
    await r.settle();
    const da = d.phone.getSessions()[0];
    const ad = a.phone.incomingList[0];
    expect([ab.state.phase, ac.state.phase, ad.state.phase]).toEqual(['confirmed', 'ringing', 'ringing']);
    const ended = [ab, ac, ad].map((s) => recordSession(s));
    const phoneEvents = recordPhone(a.phone);

    expect(a.phone.disconnect()).toBe(true);
    await r.settle();

    expect(ended.map((e) => e.first('ended'))).toEqual([
      [{ callId: ab.callId, cause: 'bye', code: null, originator: 'local' }],
      [{ callId: ac.callId, cause: 'canceled', code: 487, originator: 'local' }],
      [{ callId: ad.callId, cause: 'rejected', code: 480, originator: 'local' }],
    ]);
    expect(phoneEvents.first('deleteSession')).toEqual(
      expect.arrayContaining([
        { callId: ab.callId, cause: 'bye', code: null },
        { callId: ac.callId, cause: 'canceled', code: 487 },
        { callId: ad.callId, cause: 'rejected', code: 480 },
      ]),
    );
    expect(ba.state.end).toMatchObject({ cause: 'bye', originator: 'remote' });
    expect(ca.state.end).toMatchObject({ cause: 'canceled', originator: 'remote' });
    expect(da.state.end).toMatchObject({ cause: 'unavailable', code: 480, originator: 'remote' });
    expect(a.phone.getSessions()).toEqual([]);
    expect(a.phone.state).toMatchObject({ transport: 'disconnected', registration: 'unregistered' });
    expect(phoneEvents.names()).toEqual(expect.arrayContaining(['disconnected', 'unregistered']));
  });

  it('a ringing incoming call is declined with 480 on disconnect whatever rejectCode says', async () => {
    const { rig: r, b, caller, callee } = await ringingWithRejectCode(603);
    const calleeEvents = recordSession(callee);
    expect(b.phone.disconnect()).toBe(true);
    await r.settle();
    expect(calleeEvents.first('ended')).toEqual([{ callId: callee.callId, cause: 'rejected', code: 480, originator: 'local' }]);
    expect(caller.state.end).toMatchObject({ code: 480, originator: 'remote' });
  });

  it('start() after disconnect() connects and registers again, with no call left over', async () => {
    rig = await facadeRig(['1001', '1002']);
    const [a, b] = rig.phones;
    await establish(rig, a, b);
    a.phone.disconnect();
    await rig.settle();
    a.phone.start();
    await rig.settle();
    expect(a.phone.isRegistered).toBe(true);
    expect(a.phone.getSessions()).toEqual([]);
    expect(b.phone.getSessions()).toEqual([]);
  });
});
