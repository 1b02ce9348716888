import { MemoryCall, MemorySipNetwork, MemoryUserAgent } from '../../adapters/memory';
import type { CallPort, CallPortEvent, UserAgentEvent } from '../../machines/port';

const noOptions = {};

function record(port: CallPort): CallPortEvent[] {
  const log: CallPortEvent[] = [];
  port.subscribe((event) => log.push(event));
  return log;
}

const types = (log: readonly { type: string }[]) => log.map((event) => event.type);
const finals = (log: readonly CallPortEvent[]) => log.filter((e) => e.type === 'SIP.FAILED' || e.type === 'SIP.ENDED');

interface Phone {
  readonly ua: MemoryUserAgent;
  readonly events: UserAgentEvent[];
  readonly incoming: Array<{ call: MemoryCall; log: CallPortEvent[] }>;
}

async function phones(network: MemorySipNetwork, ...numbers: string[]): Promise<Phone[]> {
  const list = numbers.map((number) => {
    const ua = network.createUserAgent({ number, noAnswerTimeoutMs: number === '1009' ? 5000 : undefined });
    const phone: Phone = { ua, events: [], incoming: [] };
    ua.subscribe((event) => {
      phone.events.push(event);
      if (event.type === 'UA.CALL.INCOMING') phone.incoming.push({ call: event.call as MemoryCall, log: record(event.call) });
    });
    ua.start();
    ua.register();
    return phone;
  });
  await network.settle();
  return list;
}

describe('memory adapter: scripted faults', () => {
  afterEach(() => jest.useRealTimers());

  it('rejectIncoming: every call is refused with the code, without ringing the app', async () => {
    const network = new MemorySipNetwork();
    const [alice, bob] = await phones(network, '1001', '1002');
    bob.ua.faults = { rejectIncoming: { code: 603, reason: 'Do Not Disturb' } };
    const log = record(alice.ua.call('1002', noOptions));
    await network.settle();
    expect(types(log)).toEqual(['SIP.INVITE', 'SIP.FAILED']);
    expect(log[1]).toEqual({ type: 'SIP.FAILED', cause: 'rejected', code: 603, originator: 'remote', reason: 'Do Not Disturb' });
    expect(bob.incoming).toHaveLength(0);
  });

  it('no answer: a call offered to the app fails as no-answer 408 after the default 60 s', async () => {
    jest.useFakeTimers();
    const network = new MemorySipNetwork();
    const [alice, bob] = await phones(network, '1001', '1002');
    const log = record(alice.ua.call('1002', noOptions));
    await network.settle();
    expect(types(log)).toContain('SIP.PROGRESS');
    jest.advanceTimersByTime(59_999);
    await network.settle();
    expect(finals(log)).toEqual([]);
    jest.advanceTimersByTime(1);
    await network.settle();
    expect(finals(log)).toEqual([{ type: 'SIP.FAILED', cause: 'no-answer', code: 408, originator: 'remote', reason: 'Request Timeout' }]);
    expect(finals(bob.incoming[0].log)).toEqual([{ type: 'SIP.FAILED', cause: 'no-answer', code: 408, originator: 'system', reason: 'No Answer' }]);
  });

  it('noAnswer fault: the phone rings but nobody is offered the call; the per-agent timeout applies', async () => {
    jest.useFakeTimers();
    const network = new MemorySipNetwork();
    const [alice, dan] = await phones(network, '1001', '1009');
    dan.ua.faults = { noAnswer: true };
    const log = record(alice.ua.call('1009', noOptions));
    await network.settle();
    expect(types(log)).toEqual(['SIP.INVITE', 'SIP.PROGRESS']);
    expect(dan.incoming).toHaveLength(0);
    jest.advanceTimersByTime(5000);
    await network.settle();
    expect(finals(log)).toEqual([expect.objectContaining({ cause: 'no-answer', code: 408 })]);
  });

  it('the no-answer timer stops once the call is answered or canceled', async () => {
    jest.useFakeTimers();
    const network = new MemorySipNetwork({ noAnswerTimeoutMs: 1000 });
    const [alice, bob] = await phones(network, '1001', '1002');
    const answered = record(alice.ua.call('1002', noOptions));
    await network.settle();
    bob.incoming[0].call.answer(noOptions);
    const canceledCall = alice.ua.call('1002', noOptions);
    await network.settle();
    canceledCall.cancel();
    await network.settle();
    jest.advanceTimersByTime(5000);
    await network.settle();
    expect(finals(answered)).toEqual([]);
    expect(finals(bob.incoming[1].log)).toEqual([expect.objectContaining({ cause: 'canceled' })]);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('dropTransport: established calls survive, calls being set up fail with connection-error', async () => {
    const network = new MemorySipNetwork();
    const [alice, bob, carol] = await phones(network, '1001', '1002', '1003');
    const ab = alice.ua.call('1002', noOptions);
    const abLog = record(ab);
    await network.settle();
    bob.incoming[0].call.answer(noOptions);
    await network.settle();
    const ac = alice.ua.call('1003', noOptions);
    const acLog = record(ac);
    await network.settle();
    alice.events.length = 0;

    alice.ua.dropTransport();
    expect(alice.events).toEqual([{ type: 'UA.DISCONNECTED', cause: 'connection-error', reason: 'transport dropped' }, { type: 'UA.UNREGISTERED' }]);
    expect(finals(acLog)).toEqual([{ type: 'SIP.FAILED', cause: 'connection-error', code: null, originator: 'system', reason: 'Connection Error' }]);
    await network.settle();
    expect(finals(carol.incoming[0].log)).toEqual([expect.objectContaining({ type: 'SIP.FAILED', cause: 'canceled', originator: 'remote' })]);
    expect(ab.state).toBe('confirmed');
    expect(finals(abLog)).toEqual([]);
    expect(alice.ua.connectionState).toBe('connecting');

    ab.hold();
    await network.settle();
    expect(abLog[abLog.length - 1]).toEqual({ type: 'SIP.HOLD.FAILED', code: 408, reason: 'Request Timeout' });
    const unreachable = record(carol.ua.call('1001', noOptions));
    await network.settle();
    expect(finals(unreachable)).toEqual([expect.objectContaining({ cause: 'unavailable', code: 480 })]);

    alice.events.length = 0;
    alice.ua.restoreTransport();
    expect(alice.events).toEqual([{ type: 'UA.CONNECTED' }]);
    await network.settle();
    expect(alice.events).toEqual([{ type: 'UA.CONNECTED' }, { type: 'UA.REGISTERED' }]);
    ab.hold();
    await network.settle();
    expect(abLog[abLog.length - 1]).toEqual({ type: 'SIP.HOLD.SUCCEEDED', dialog: null });
  });

  it('dropTransport on the callee: its ringing leg fails, the caller sees 480', async () => {
    const network = new MemorySipNetwork();
    const [alice, bob] = await phones(network, '1001', '1002');
    const log = record(alice.ua.call('1002', noOptions));
    await network.settle();
    bob.ua.dropTransport();
    expect(finals(bob.incoming[0].log)).toEqual([expect.objectContaining({ cause: 'connection-error', originator: 'system' })]);
    await network.settle();
    expect(finals(log)).toEqual([expect.objectContaining({ type: 'SIP.FAILED', cause: 'unavailable', code: 480, originator: 'remote' })]);
  });

  it('a callee that dropped while waiting for the ACK ends its answered leg; the caller gets a BYE', async () => {
    const network = new MemorySipNetwork();
    const [alice, bob] = await phones(network, '1001', '1002');
    const log = record(alice.ua.call('1002', noOptions));
    await network.settle();
    const b = bob.incoming[0];
    b.call.answer(noOptions);
    bob.ua.dropTransport();
    expect(finals(b.log)).toEqual([expect.objectContaining({ type: 'SIP.ENDED', cause: 'connection-error' })]);
    await network.settle();
    expect(finals(log)).toHaveLength(1);
    expect(finals(b.log)).toHaveLength(1);
  });

  it('calls placed while the transport is down fail at once; start() while dropped waits for restore', async () => {
    const network = new MemorySipNetwork();
    const ua = network.createUserAgent({ number: '1001' });
    const events: UserAgentEvent[] = [];
    ua.subscribe((e) => events.push(e));
    ua.dropTransport();
    ua.start();
    await network.settle();
    expect(types(events)).toEqual(['UA.CONNECTING']);
    const log = record(ua.call('1002', noOptions));
    expect(finals(log)).toEqual([expect.objectContaining({ cause: 'connection-error' })]);
    ua.restoreTransport();
    expect(types(events)).toEqual(['UA.CONNECTING', 'UA.CONNECTED']);
  });

  it('a BYE sent without a transport is lost: the far leg stays up until it hangs up itself', async () => {
    const network = new MemorySipNetwork();
    const [alice, bob] = await phones(network, '1001', '1002');
    const a = alice.ua.call('1002', noOptions);
    const aLog = record(a);
    await network.settle();
    const b = bob.incoming[0];
    b.call.answer(noOptions);
    await network.settle();
    alice.ua.dropTransport();
    a.hangup();
    await network.settle();
    expect(finals(aLog)).toEqual([expect.objectContaining({ type: 'SIP.ENDED', originator: 'local' })]);
    expect(b.call.state).toBe('confirmed');
    b.call.hangup();
    await network.settle();
    expect(finals(aLog)).toHaveLength(1);
    expect(finals(b.log)).toHaveLength(1);
  });
});
