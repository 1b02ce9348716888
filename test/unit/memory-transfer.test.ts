import { MemoryCall, MemorySipNetwork, MemoryUserAgent } from '../../adapters/memory';
import type { CallPort, CallPortEvent, UserAgentEvent } from '../../machines/port';

const noOptions = {};

function record(port: CallPort): CallPortEvent[] {
  const log: CallPortEvent[] = [];
  port.subscribe((event) => log.push(event));
  return log;
}

const types = (log: readonly { type: string }[]) => log.map((event) => event.type);
const notifies = (log: readonly CallPortEvent[]) =>
  log.flatMap((e) => (e.type === 'SIP.REFER.NOTIFY' ? [e.code] : []));

interface Phone {
  readonly ua: MemoryUserAgent;
  readonly events: UserAgentEvent[];
  /** Calls offered to this phone, already subscribed, with their logs. */
  readonly incoming: Array<{ call: MemoryCall; log: CallPortEvent[] }>;
}

async function phones(network: MemorySipNetwork, ...numbers: string[]): Promise<Phone[]> {
  const list = numbers.map((number) => {
    const ua = network.createUserAgent({ number });
    const phone: Phone = { ua, events: [], incoming: [] };
    ua.subscribe((event) => {
      phone.events.push(event);
      if (event.type === 'UA.CALL.INCOMING') {
        const call = event.call as MemoryCall;
        phone.incoming.push({ call, log: record(call) });
      }
    });
    ua.start();
    ua.register();
    return phone;
  });
  await network.settle();
  return list;
}

/** `from` calls `to`, `to` answers. Returns the caller's leg and log, and the callee's. */
async function connect(network: MemorySipNetwork, from: Phone, to: Phone) {
  const call = from.ua.call(to.ua.number, noOptions);
  const log = record(call);
  await network.settle();
  const far = to.incoming[to.incoming.length - 1];
  far.call.answer(noOptions);
  await network.settle();
  return { call, log, far };
}

function referReceived(phone: Phone) {
  const event = [...phone.events].reverse().find((e) => e.type === 'UA.REFER.RECEIVED');
  if (event?.type !== 'UA.REFER.RECEIVED') throw new Error('no REFER received');
  return event;
}

describe('memory adapter: blind transfer', () => {
  it('A transfers B to C: 202, NOTIFY 100, then the new call progress as NOTIFY 180 and 200', async () => {
    const network = new MemorySipNetwork();
    const [alice, bob, carol] = await phones(network, '1001', '1002', '1003');
    const ab = await connect(network, alice, bob);
    ab.log.length = 0;

    ab.call.refer('sip:1003@memory', null);
    await network.settle();
    expect(ab.log).toEqual([
      { type: 'SIP.REFER.ACCEPTED' },
      { type: 'SIP.REFER.NOTIFY', code: 100, reason: 'Trying' },
    ]);
    const refer = referReceived(bob);
    expect(refer).toEqual({ type: 'UA.REFER.RECEIVED', callId: ab.call.callId, referId: expect.any(String), target: 'sip:1003@memory' });

    const bc = bob.ua.acceptRefer(refer.referId, noOptions);
    expect(bc).toBeInstanceOf(MemoryCall);
    const bcLog = record(bc as CallPort);
    await network.settle();
    expect(notifies(ab.log)).toEqual([100, 180]);
    expect(carol.incoming).toHaveLength(1);
    expect(carol.incoming[0].call.remote.number).toBe('1002');
    expect(carol.incoming[0].call.replacesCallId).toBeNull();

    carol.incoming[0].call.answer(noOptions);
    await network.settle();
    expect(notifies(ab.log)).toEqual([100, 180, 200]);
    expect(types(bcLog)).toContain('SIP.ANSWERED');
    expect(bob.ua.getCall((bc as CallPort).callId)).toBe(bc);
    expect(ab.call.state).toBe('confirmed');

    ab.call.hangup();
    await network.settle();
    expect(ab.far.log[ab.far.log.length - 1]).toMatchObject({ type: 'SIP.ENDED', cause: 'bye', originator: 'remote' });
    expect(bc?.state).toBe('confirmed');
  });

  it('the transfer target being busy comes back as NOTIFY 486', async () => {
    const network = new MemorySipNetwork();
    const [alice, bob, carol] = await phones(network, '1001', '1002', '1003');
    const ab = await connect(network, alice, bob);
    ab.log.length = 0;
    carol.ua.faults = { rejectIncoming: { code: 486 } };
    ab.call.refer('1003', null);
    await network.settle();
    bob.ua.acceptRefer(referReceived(bob).referId, noOptions);
    await network.settle();
    expect(ab.log.filter((e) => e.type === 'SIP.REFER.NOTIFY')).toEqual([
      { type: 'SIP.REFER.NOTIFY', code: 100, reason: 'Trying' },
      { type: 'SIP.REFER.NOTIFY', code: 486, reason: 'Busy Here' },
    ]);
    expect(carol.incoming).toHaveLength(0);
  });

  it('a transfer to an unknown number comes back as NOTIFY 404', async () => {
    const network = new MemorySipNetwork();
    const [alice, bob] = await phones(network, '1001', '1002');
    const ab = await connect(network, alice, bob);
    ab.call.refer('7777', null);
    await network.settle();
    bob.ua.acceptRefer(referReceived(bob).referId, noOptions);
    await network.settle();
    expect(notifies(ab.log)).toEqual([100, 404]);
  });

  it('rejectRefer settles the REFER with NOTIFY 603; unknown REFER ids are ignored', async () => {
    const network = new MemorySipNetwork();
    const [alice, bob] = await phones(network, '1001', '1002');
    const ab = await connect(network, alice, bob);
    ab.log.length = 0;
    ab.call.refer('1003', null);
    await network.settle();
    const { referId } = referReceived(bob);
    bob.ua.rejectRefer(referId);
    bob.ua.rejectRefer(referId);
    expect(bob.ua.acceptRefer(referId, noOptions)).toBeNull();
    await network.settle();
    expect(ab.log.filter((e) => e.type === 'SIP.REFER.NOTIFY')).toEqual([
      { type: 'SIP.REFER.NOTIFY', code: 100, reason: 'Trying' },
      { type: 'SIP.REFER.NOTIFY', code: 603, reason: 'Decline' },
    ]);
  });

  it('acceptRefer after the transferred call ended returns null', async () => {
    const network = new MemorySipNetwork();
    const [alice, bob] = await phones(network, '1001', '1002');
    const ab = await connect(network, alice, bob);
    ab.call.refer('1003', null);
    await network.settle();
    ab.call.hangup();
    await network.settle();
    expect(bob.ua.acceptRefer(referReceived(bob).referId, noOptions)).toBeNull();
  });

  it('fault refuseRefer: the REFER is refused, the app never hears of it', async () => {
    const network = new MemorySipNetwork();
    const [alice, bob] = await phones(network, '1001', '1002');
    const ab = await connect(network, alice, bob);
    ab.log.length = 0;
    bob.ua.faults = { refuseRefer: { code: 403 } };
    ab.call.refer('1003', null);
    await network.settle();
    expect(ab.log).toEqual([{ type: 'SIP.REFER.FAILED', code: 403, reason: 'Forbidden' }]);
    expect(types(bob.events)).not.toContain('UA.REFER.RECEIVED');
    expect(ab.call.state).toBe('confirmed');
  });

  it('fault failReferNotify: 202 and NOTIFY 100, then a failing final NOTIFY', async () => {
    const network = new MemorySipNetwork();
    const [alice, bob] = await phones(network, '1001', '1002');
    const ab = await connect(network, alice, bob);
    ab.log.length = 0;
    bob.ua.faults = { failReferNotify: { code: 503 } };
    ab.call.refer('1003', null);
    await network.settle();
    expect(ab.log).toEqual([
      { type: 'SIP.REFER.ACCEPTED' },
      { type: 'SIP.REFER.NOTIFY', code: 100, reason: 'Trying' },
      { type: 'SIP.REFER.NOTIFY', code: 503, reason: 'Service Unavailable' },
    ]);
    expect(types(bob.events)).not.toContain('UA.REFER.RECEIVED');
  });

  it('refuses a replaces call that is not from the memory network', async () => {
    const network = new MemorySipNetwork();
    const [alice, bob] = await phones(network, '1001', '1002');
    const ab = await connect(network, alice, bob);
    ab.log.length = 0;
    ab.call.refer('1003', { callId: 'x' } as unknown as CallPort);
    expect(ab.log).toEqual([expect.objectContaining({ type: 'SIP.COMMAND.FAILED', command: 'refer' })]);
  });
});

describe('memory adapter: attended transfer with Replaces', () => {
  it('A refers B to C replacing A–C: B–C takes over, C’s old leg ends replaced, A’s consultation leg gets BYE', async () => {
    const network = new MemorySipNetwork();
    const [alice, bob, carol] = await phones(network, '1001', '1002', '1003');
    const ab = await connect(network, alice, bob);
    ab.call.hold();
    const ac = await connect(network, alice, carol);
    ab.log.length = 0;
    ac.log.length = 0;
    ac.far.log.length = 0;

    ab.call.refer(ac.call.remoteUri, ac.call);
    await network.settle();
    const refer = referReceived(bob);
    expect(refer.target).toBe('sip:1003@memory');

    const bc = bob.ua.acceptRefer(refer.referId, noOptions) as MemoryCall;
    const bcLog = record(bc);
    await network.settle();
    expect(carol.incoming).toHaveLength(2);
    const replacing = carol.incoming[1];
    expect(replacing.call.replacesCallId).toBe(ac.far.call.callId);
    expect(replacing.call.replacesCallId).toBe(ac.call.callId);
    expect(replacing.call.remote.number).toBe('1002');
    expect(ac.far.call.state).toBe('confirmed');

    replacing.call.answer(noOptions);
    await network.settle();
    expect(ac.far.log).toEqual([{ type: 'SIP.ENDED', cause: 'replaced', code: null, originator: 'remote', reason: 'Replaced' }]);
    expect(ac.log).toEqual([expect.objectContaining({ type: 'SIP.ENDED', cause: 'bye', originator: 'remote' })]);
    expect(notifies(ab.log)).toEqual([100, 180, 200]);
    expect(bc.state).toBe('confirmed');
    expect(types(bcLog)).toEqual(expect.arrayContaining(['SIP.PROGRESS', 'SIP.ANSWERED']));
    expect(bcLog.filter((e) => e.type === 'SIP.FAILED' || e.type === 'SIP.ENDED')).toEqual([]);
  });

  it('the old leg ends only once the replacing call is confirmed', async () => {
    const network = new MemorySipNetwork();
    const [alice, bob, carol] = await phones(network, '1001', '1002', '1003');
    const ab = await connect(network, alice, bob);
    const ac = await connect(network, alice, carol);
    ac.far.log.length = 0;
    const order: string[] = [];
    ac.far.call.subscribe((e) => order.push(`old ${e.type}`));
    ab.call.refer('1003', ac.call);
    await network.settle();
    bob.ua.acceptRefer(referReceived(bob).referId, noOptions);
    await network.settle();
    const replacing = carol.incoming[1].call;
    replacing.subscribe((e) => order.push(`new ${e.type}`));
    order.length = 0;
    replacing.answer(noOptions);
    await network.settle();
    expect(order).toEqual(['new SIP.ANSWER.SENT', 'new SIP.ACK.RECEIVED', 'old SIP.ENDED']);
  });

  it('Replaces naming a dialog that does not exist is refused with 481, seen by the referrer', async () => {
    const network = new MemorySipNetwork();
    const [alice, bob, carol] = await phones(network, '1001', '1002', '1003');
    const ab = await connect(network, alice, bob);
    const ac = await connect(network, alice, carol);
    ac.far.call.dispose();
    ab.call.refer('1003', ac.call);
    await network.settle();
    bob.ua.acceptRefer(referReceived(bob).referId, noOptions);
    await network.settle();
    expect(notifies(ab.log)).toEqual([100, 481]);
    expect(carol.incoming).toHaveLength(1);
  });

  it('Replaces naming a call that already ended is refused with 603', async () => {
    const network = new MemorySipNetwork();
    const [alice, bob, carol] = await phones(network, '1001', '1002', '1003');
    const ab = await connect(network, alice, bob);
    const ac = await connect(network, alice, carol);
    ab.call.refer('1003', ac.call);
    await network.settle();
    ac.call.hangup();
    await network.settle();
    bob.ua.acceptRefer(referReceived(bob).referId, noOptions);
    await network.settle();
    expect(notifies(ab.log)).toEqual([100, 603]);
  });
});
