/**
 * An incoming REFER (the far end transferring us) is put to the app before the phone follows it,
 * on the memory network: the `refer` option accepts, declines or asks a function (with a bounded
 * wait), the far end gets the outcome as a final NOTIFY either way, and accepting never exceeds the
 * call cap.
 */
import type { PhoneOptions, ReferRequest } from '../../src';
import { establish, facadeRig, recordPhone, recordSession } from '../support/facade-harness';
import type { FacadePhone, FacadeRig } from '../support/facade-harness';

let rig: FacadeRig | null = null;

afterEach(() => {
  rig?.destroy();
  rig = null;
});

type Options = Partial<Omit<PhoneOptions, 'userAgent'>>;

/** A (1001) and B (1002) talk; C (1003) and D (1004) are idle. B is created with `bOptions`. */
async function talking(bOptions: Options) {
  rig = await facadeRig(['1001', '1002', '1003', '1004'], (number) => (number === '1002' ? bOptions : {}));
  const r = rig;
  const [a, b, c, d] = r.phones;
  const { caller: ab, callee: ba } = await establish(r, a, b);
  return { rig: r, a, b, c, d, ab, ba, aEvents: recordSession(ab), bEvents: recordPhone(b.phone) };
}

/** A deferred answer the test gives when it wants. */
function deferred() {
  let resolve: (value: boolean) => void = () => undefined;
  let reject: (error: unknown) => void = () => undefined;
  const promise = new Promise<boolean>((ok, ko) => {
    resolve = ok;
    reject = ko;
  });
  return { promise, resolve, reject };
}

/** Resolves with the first `referReceived` of `phone` (the phone settles the REFER on its own clock). */
function nextReferReceived(phone: FacadePhone['phone']) {
  return new Promise<{ callId: string; target: string; accepted: boolean; outcome: string }>((resolve) => {
    const off = phone.on('referReceived', (event) => {
      off();
      resolve(event);
    });
  });
}

describe("incoming REFER: the app's decision", () => {
  it("'decline': no call is placed, the transferor gets a final NOTIFY 603, the call goes on", async () => {
    const { rig: r, a, b, c, ab, ba, aEvents, bEvents } = await talking({ refer: 'decline' });
    expect(ab.blindTransfer(c.number)).toBe(true);
    await r.settle();
    expect(bEvents.first('referReceived')).toEqual([{ callId: ba.callId, target: expect.stringContaining('1003'), accepted: false, outcome: 'declined' }]);
    expect(aEvents.first('transferFailed')).toEqual([{ callId: ab.callId, code: 603, reason: 'Decline' }]);
    expect(b.phone.getSessions().map((s) => s.callId)).toEqual([ba.callId]);
    expect(c.phone.getSessions()).toEqual([]);
    expect([ab.state.phase, ba.state.phase]).toEqual(['confirmed', 'confirmed']);
    expect(a.phone.getSessions()).toHaveLength(1);
  });

  it("'accept' (the default): B calls the target, A's transfer succeeds", async () => {
    const { rig: r, b, c, ab, ba, aEvents, bEvents } = await talking({});
    expect(ab.blindTransfer(c.number)).toBe(true);
    await r.settle();
    expect(bEvents.first('referReceived')).toEqual([{ callId: ba.callId, target: expect.stringContaining('1003'), accepted: true, outcome: 'accepted' }]);
    expect(c.phone.incomingList).toHaveLength(1);
    await c.phone.incomingList[0].answer();
    await r.settle();
    expect(aEvents.first('transferSucceeded')).toHaveLength(1);
    expect(b.phone.getSessions().map((s) => s.state.phase)).toEqual(['confirmed']);
  });

  it('a function is asked with the call, the target and the session; its promise decides (false → NOTIFY 603)', async () => {
    const asked: ReferRequest[] = [];
    const answer = deferred();
    const { rig: r, b, c, ab, ba, aEvents, bEvents } = await talking({
      refer: (request) => {
        asked.push(request);
        return answer.promise;
      },
    });
    ab.blindTransfer(c.number);
    await r.settle();
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatchObject({ callId: ba.callId, target: expect.stringContaining('1003') });
    expect(asked[0].session?.callId).toBe(ba.callId);
    expect(bEvents.first('referReceived')).toEqual([]); // still deciding
    expect(aEvents.first('transferFailed')).toEqual([]);
    answer.resolve(false);
    const settled = await nextReferReceived(b.phone);
    await r.settle();
    expect(settled).toMatchObject({ accepted: false, outcome: 'declined' });
    expect(aEvents.first('transferFailed')).toEqual([{ callId: ab.callId, code: 603, reason: 'Decline' }]);
    expect(c.phone.getSessions()).toEqual([]);
  });

  it('a function whose promise resolves true: the call to the target is placed', async () => {
    const answer = deferred();
    const { rig: r, b, c, ab } = await talking({ refer: () => answer.promise });
    ab.blindTransfer(c.number);
    await r.settle();
    expect(c.phone.getSessions()).toEqual([]);
    answer.resolve(true);
    expect(await nextReferReceived(b.phone)).toMatchObject({ accepted: true, outcome: 'accepted' });
    await r.settle();
    expect(c.phone.incomingList).toHaveLength(1);
  });

  it('a function returning a plain boolean decides at once', async () => {
    const { rig: r, c, ab, bEvents } = await talking({ refer: ({ target }) => !target.includes('1003') });
    ab.blindTransfer(c.number);
    await r.settle();
    expect(bEvents.first('referReceived')).toMatchObject([{ accepted: false, outcome: 'declined' }]);
  });

  it.each([
    ['throws', () => { throw new Error('ui gone'); }],
    ['rejects', () => Promise.reject(new Error('ui gone'))],
    ['returns a non-boolean', () => 'yes' as unknown as boolean],
  ])('a function that %s declines', async (_name, refer) => {
    const { rig: r, b, c, ab, aEvents } = await talking({ refer });
    const settled = nextReferReceived(b.phone);
    ab.blindTransfer(c.number);
    expect(await settled).toMatchObject({ accepted: false, outcome: 'declined' });
    await r.settle();
    expect(aEvents.first('transferFailed')).toMatchObject([{ code: 603 }]);
  });

  it('no answer within referTimeoutMs: declined as timeout (final NOTIFY 603); a late answer changes nothing', async () => {
    const answer = deferred();
    const { rig: r, b, c, ab, ba, aEvents } = await talking({ refer: () => answer.promise, referTimeoutMs: 30 });
    const settled = nextReferReceived(b.phone);
    ab.blindTransfer(c.number);
    expect(await settled).toEqual({ callId: ba.callId, target: expect.stringContaining('1003'), accepted: false, outcome: 'timeout' });
    await r.settle();
    expect(aEvents.first('transferFailed')).toMatchObject([{ code: 603 }]);
    answer.resolve(true);
    await answer.promise;
    await r.settle();
    expect(c.phone.getSessions()).toEqual([]);
    expect(b.phone.getSessions()).toHaveLength(1);
  });
});

describe('incoming REFER: the call cap', () => {
  it('call waiting off (cap 1): declined as over-cap without asking; B keeps exactly one call', async () => {
    const asked = jest.fn(() => true);
    const { rig: r, b, c, ab, aEvents, bEvents } = await talking({ callWaiting: false, refer: asked });
    ab.blindTransfer(c.number);
    await r.settle();
    expect(asked).not.toHaveBeenCalled();
    expect(bEvents.first('referReceived')).toMatchObject([{ accepted: false, outcome: 'over-cap' }]);
    expect(aEvents.first('transferFailed')).toMatchObject([{ code: 603 }]);
    expect(b.phone.getSessions()).toHaveLength(1);
    expect(c.phone.getSessions()).toEqual([]);
  });

  it('call waiting off with the default policy: still never two calls', async () => {
    const { rig: r, b, c, ab, bEvents } = await talking({ callWaiting: false });
    ab.blindTransfer(c.number);
    await r.settle();
    expect(bEvents.first('referReceived')).toMatchObject([{ accepted: false, outcome: 'over-cap' }]);
    expect(b.phone.getSessions()).toHaveLength(1);
    expect(c.phone.getSessions()).toEqual([]);
  });

  it('the cap is checked again when the answer comes: a call taken meanwhile makes it over-cap', async () => {
    const answer = deferred();
    const { rig: r, b, c, d, ab, bEvents } = await talking({ maxCalls: 2, refer: () => answer.promise });
    ab.blindTransfer(c.number);
    await r.settle();
    await d.phone.call(b.number); // B now has two calls: the cap
    await r.settle();
    expect(b.phone.isMaxCall).toBe(true);
    answer.resolve(true);
    expect(await nextReferReceived(b.phone)).toMatchObject({ accepted: false, outcome: 'over-cap' });
    await r.settle();
    expect(c.phone.getSessions()).toEqual([]);
    expect(bEvents.first('referReceived')).toHaveLength(1);
  });
});

describe('incoming REFER: the transferred call ends first', () => {
  it('settled as call-ended; a later answer places no call', async () => {
    const answer = deferred();
    const { rig: r, b, c, ab, ba, bEvents } = await talking({ refer: () => answer.promise });
    ab.blindTransfer(c.number);
    await r.settle();
    expect(ab.hangup()).toBe(true);
    await r.settle();
    expect(bEvents.first('referReceived')).toEqual([{ callId: ba.callId, target: expect.stringContaining('1003'), accepted: false, outcome: 'call-ended' }]);
    answer.resolve(true);
    await answer.promise;
    await r.settle();
    expect(b.phone.getSessions()).toEqual([]);
    expect(c.phone.getSessions()).toEqual([]);
  });
});

describe('incoming REFER: every phone asks its own policy', () => {
  it('of two phones transferred at the same time, the declining one declines and the asking one is asked about its own call', async () => {
    const asked: ReferRequest[] = [];
    rig = await facadeRig(['1001', '1002', '1003', '1004'], (number) =>
      number === '1002' ? { refer: 'decline' } : number === '1004' ? { refer: (request) => (asked.push(request), true) } : {},
    );
    const r = rig;
    const [a, b, c, d] = r.phones;
    const { caller: ab, callee: ba } = await establish(r, a, b);
    const { caller: cd, callee: dc } = await establish(r, c, d);
    const bEvents = recordPhone(b.phone);
    const dEvents = recordPhone(d.phone);
    expect(ab.blindTransfer(c.number)).toBe(true);
    expect(cd.blindTransfer(a.number)).toBe(true);
    await r.settle();
    expect(bEvents.first('referReceived')).toEqual([{ callId: ba.callId, target: expect.stringContaining('1003'), accepted: false, outcome: 'declined' }]);
    expect(dEvents.first('referReceived')).toEqual([{ callId: dc.callId, target: expect.stringContaining('1001'), accepted: true, outcome: 'accepted' }]);
    expect(asked).toHaveLength(1);
    expect(asked[0]!.callId).toBe(dc.callId);
    expect(asked[0]!.session).toBe(dc);
  });
});
