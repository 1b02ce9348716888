import { MemoryCall, MemorySipNetwork, MemoryUserAgent } from '../../adapters/memory';
import type { CallPort, CallPortEvent, UserAgentEvent } from '../../machines/port';

const noOptions = {};

function record(port: CallPort): CallPortEvent[] {
  const log: CallPortEvent[] = [];
  port.subscribe((event) => log.push(event));
  return log;
}

function recordUa(ua: MemoryUserAgent): UserAgentEvent[] {
  const log: UserAgentEvent[] = [];
  ua.subscribe((event) => log.push(event));
  return log;
}

const types = (log: readonly { type: string }[]) => log.map((event) => event.type);
const finals = (log: readonly CallPortEvent[]) => log.filter((e) => e.type === 'SIP.FAILED' || e.type === 'SIP.ENDED');

function lastIncoming(log: readonly UserAgentEvent[]): MemoryCall {
  const event = [...log].reverse().find((e) => e.type === 'UA.CALL.INCOMING');
  if (event?.type !== 'UA.CALL.INCOMING') throw new Error('no incoming call');
  return event.call as MemoryCall;
}

async function phones(...numbers: string[]) {
  const network = new MemorySipNetwork();
  const uas = numbers.map((number) => network.createUserAgent({ number, password: `pw${number}` }));
  const logs = uas.map(recordUa);
  for (const ua of uas) {
    ua.start();
    ua.register();
  }
  await network.settle();
  return { network, uas, logs };
}

/** A calls B and B answers; both legs confirmed. */
async function establishedCall() {
  const { network, uas, logs } = await phones('1001', '1002');
  const [alice, bob] = uas;
  const a = alice.call('1002', noOptions);
  const aLog = record(a);
  await network.settle();
  const b = lastIncoming(logs[1]);
  const bLog = record(b);
  b.answer(noOptions);
  await network.settle();
  aLog.length = 0;
  bLog.length = 0;
  return { network, alice, bob, a, b, aLog, bLog, logs };
}

describe('memory adapter: registration and transport', () => {
  it('connects and registers with the right password', async () => {
    const network = new MemorySipNetwork();
    const ua = network.createUserAgent({ number: '1001', password: 'secret' });
    const log = recordUa(ua);
    ua.start();
    expect(types(log)).toEqual(['UA.CONNECTING']);
    ua.register();
    await network.settle();
    expect(types(log)).toEqual(['UA.CONNECTING', 'UA.CONNECTED', 'UA.REGISTERED']);
    expect(ua.isRegistered).toBe(true);
    expect(network.registeredAs('1001')).toBe(ua);
  });

  it('refuses a wrong password with an authentication error, and accepts new credentials', async () => {
    const network = new MemorySipNetwork();
    network.addAccount({ number: '1001', password: 'secret' });
    const ua = network.createUserAgent({ number: '1001', password: 'wrong' });
    const log = recordUa(ua);
    ua.start();
    ua.register();
    await network.settle();
    expect(log[log.length - 1]).toEqual({ type: 'UA.REGISTRATION.FAILED', cause: 'authentication-error', code: 401 });
    expect(ua.isRegistered).toBe(false);

    ua.setCredentials({ authorizationUser: '1001', password: 'secret' });
    ua.register();
    await network.settle();
    expect(log[log.length - 1]).toEqual({ type: 'UA.REGISTERED' });
  });

  it('checks an HA1 against the account HA1', async () => {
    const network = new MemorySipNetwork();
    network.addAccount({ number: '1001', ha1: 'abc123' });
    const ua = network.createUserAgent({ number: '1001' });
    const log = recordUa(ua);
    ua.start();
    ua.setCredentials({ authorizationUser: '1001', ha1: 'nope', realm: 'memory' });
    ua.register();
    await network.settle();
    expect(log[log.length - 1]).toMatchObject({ type: 'UA.REGISTRATION.FAILED', code: 401 });
    ua.setCredentials({ authorizationUser: '1001', ha1: 'abc123', realm: 'memory' });
    ua.register();
    await network.settle();
    expect(log[log.length - 1]).toEqual({ type: 'UA.REGISTERED' });
  });

  it('refuses an authorization user that is not the number with 403', async () => {
    const network = new MemorySipNetwork();
    const ua = network.createUserAgent({ number: '1001', password: 'secret' });
    const log = recordUa(ua);
    ua.start();
    ua.setCredentials({ authorizationUser: '9999', password: 'secret' });
    ua.register();
    await network.settle();
    expect(log[log.length - 1]).toEqual({ type: 'UA.REGISTRATION.FAILED', cause: 'rejected', code: 403 });
  });

  it('without auto-created accounts, an unknown number cannot register', async () => {
    const network = new MemorySipNetwork({ autoCreateAccounts: false });
    const ua = network.createUserAgent({ number: '1001', password: 'x' });
    const log = recordUa(ua);
    ua.start();
    ua.register();
    await network.settle();
    expect(log[log.length - 1]).toEqual({ type: 'UA.REGISTRATION.FAILED', cause: 'not-found', code: 404 });
  });

  it('fails a REGISTER sent without a transport', async () => {
    const network = new MemorySipNetwork();
    const ua = network.createUserAgent({ number: '1001' });
    const log = recordUa(ua);
    ua.register();
    await network.settle();
    expect(log).toEqual([{ type: 'UA.REGISTRATION.FAILED', cause: 'connection-error', code: null }]);
  });

  it('unregisters, then stops', async () => {
    const { network, uas, logs } = await phones('1001');
    const [ua] = uas;
    logs[0].length = 0;
    ua.unregister();
    await network.settle();
    expect(types(logs[0])).toEqual(['UA.UNREGISTERED']);
    expect(network.registeredAs('1001')).toBeUndefined();
    ua.register();
    await network.settle();
    logs[0].length = 0;
    ua.stop();
    await network.settle();
    expect(logs[0]).toEqual([{ type: 'UA.UNREGISTERED' }, { type: 'UA.DISCONNECTED', cause: 'stopped', reason: 'stopped' }]);
    expect(ua.connectionState).toBe('disconnected');
  });

  it('buffers user-agent events until the first subscriber, and only for it', async () => {
    const network = new MemorySipNetwork();
    const ua = network.createUserAgent({ number: '1001' });
    ua.start();
    ua.register();
    await network.settle();
    const first = recordUa(ua);
    const second = recordUa(ua);
    expect(types(first)).toEqual(['UA.CONNECTING', 'UA.CONNECTED', 'UA.REGISTERED']);
    expect(second).toEqual([]);
    ua.unregister();
    await network.settle();
    expect(types(second)).toEqual(['UA.UNREGISTERED']);
  });
});

describe('memory adapter: basic calls', () => {
  it('A calls B, B answers: both confirmed in SIP order', async () => {
    const { network, uas, logs } = await phones('1001', '1002');
    const [alice] = uas;
    const order: string[] = [];
    uas[1].subscribe((e) => {
      if (e.type === 'UA.CALL.INCOMING') e.call.subscribe((ev) => order.push(`B ${ev.type}`));
    });
    const a = alice.call('1002', noOptions);
    a.subscribe((e) => order.push(`A ${e.type}`));
    expect(a.direction).toBe('outgoing');
    expect(a.remote).toEqual({ number: '1002', name: null, uri: 'sip:1002@memory' });
    await network.settle();

    const b = lastIncoming(logs[1]);
    expect(b.direction).toBe('incoming');
    expect(b.callId).toBe(a.callId);
    expect(b.remote).toEqual({ number: '1001', name: null, uri: 'sip:1001@memory' });
    expect(order).toEqual(['A SIP.INVITE', 'B SIP.INVITE', 'A SIP.PROGRESS']);

    b.answer(noOptions);
    await network.settle();
    expect(order.slice(3)).toEqual(['B SIP.ANSWER.SENT', 'A SIP.ANSWERED', 'B SIP.ACK.RECEIVED']);
    expect(a.state).toBe('confirmed');
    expect(b.state).toBe('confirmed');
    expect(alice.getCall(a.callId)).toBe(a);
    expect(uas[1].getCall(b.callId)).toBe(b);
  });

  it('reports the dialog: one Call-ID, a tag per leg, each side learning the other', async () => {
    const { network, uas, logs } = await phones('1001', '1002');
    const a = uas[0].call('sip:1002@memory', noOptions);
    const aLog = record(a);
    await network.settle();
    const b = lastIncoming(logs[1]);
    const bLog = record(b);
    b.answer(noOptions);
    await network.settle();

    const dialogsOf = (log: CallPortEvent[]) => log.flatMap((e) => ('dialog' in e && e.dialog ? [e.dialog] : []));
    const aDialogs = dialogsOf(aLog);
    const bDialogs = dialogsOf(bLog);
    expect(aDialogs[0]).toMatchObject({ callId: a.callId, localTag: a.localTag, remoteTag: null, signalingState: 'HaveLocalOffer' });
    expect(a.localTag).not.toBe(b.localTag);
    expect(aDialogs[aDialogs.length - 1]).toEqual({
      callId: a.callId,
      localTag: a.localTag,
      remoteTag: b.localTag,
      localURI: 'sip:1001@memory',
      remoteURI: 'sip:1002@memory',
      remoteTarget: 'sip:1002@memory',
      signalingState: 'Stable',
    });
    expect(bDialogs[0]).toMatchObject({ localTag: b.localTag, remoteTag: a.localTag, signalingState: 'HaveRemoteOffer' });
    expect(bDialogs[bDialogs.length - 1]).toMatchObject({ signalingState: 'Stable' });
  });

  it('generates the same ids on every run', async () => {
    const run = async () => {
      const { network, uas, logs } = await phones('1001', '1002');
      const a = uas[0].call('1002', noOptions);
      await network.settle();
      return [a.callId, a.localTag, lastIncoming(logs[1]).localTag];
    };
    expect(await run()).toEqual(await run());
  });

  it('announces the callee display name as the caller learns it', async () => {
    const network = new MemorySipNetwork();
    const alice = network.createUserAgent({ number: '1001', displayName: 'Alice' });
    const bob = network.createUserAgent({ number: '1002', displayName: 'Bob' });
    const bobLog = recordUa(bob);
    for (const ua of [alice, bob]) {
      ua.start();
      ua.register();
    }
    await network.settle();
    const a = alice.call('1002', noOptions);
    const aLog = record(a);
    await network.settle();
    expect(lastIncoming(bobLog).remote).toEqual({ number: '1001', name: 'Alice', uri: 'sip:1001@memory' });
    expect(aLog).toContainEqual(expect.objectContaining({ type: 'SIP.PROGRESS', remote: { number: '1002', name: 'Bob', uri: 'sip:1002@memory' } }));
    expect(a.remote.name).toBe('Bob');
  });

  it.each([
    [486, 'busy'],
    [600, 'busy'],
    [403, 'rejected'],
    [603, 'rejected'],
    [404, 'not-found'],
    [604, 'not-found'],
    [480, 'unavailable'],
    [410, 'unavailable'],
    [408, 'unavailable'],
    [430, 'unavailable'],
    [484, 'address-incomplete'],
    [424, 'address-incomplete'],
    [488, 'incompatible-sdp'],
    [606, 'incompatible-sdp'],
    [401, 'authentication-error'],
    [407, 'authentication-error'],
    [302, 'redirected'],
    [500, 'sip-failure'],
    [503, 'sip-failure'],
  ] as const)('reject(%i) fails both legs as %s', async (code, cause) => {
    const { network, uas, logs } = await phones('1001', '1002');
    const a = uas[0].call('1002', noOptions);
    const aLog = record(a);
    await network.settle();
    const b = lastIncoming(logs[1]);
    const bLog = record(b);
    b.reject(code);
    expect(finals(bLog)).toEqual([expect.objectContaining({ type: 'SIP.FAILED', cause, code, originator: 'local' })]);
    await network.settle();
    expect(finals(aLog)).toEqual([expect.objectContaining({ type: 'SIP.FAILED', cause, code, originator: 'remote' })]);
  });

  it('refuses reject() with a code that is not a final failure', async () => {
    const { network, uas, logs } = await phones('1001', '1002');
    uas[0].call('1002', noOptions);
    await network.settle();
    const b = lastIncoming(logs[1]);
    const bLog = record(b);
    b.reject(200);
    expect(bLog[bLog.length - 1]).toMatchObject({ type: 'SIP.COMMAND.FAILED', command: 'reject' });
    expect(b.state).toBe('ringing');
  });

  it('cancel while ringing: both legs canceled with 487', async () => {
    const { network, uas, logs } = await phones('1001', '1002');
    const a = uas[0].call('1002', noOptions);
    const aLog = record(a);
    await network.settle();
    const b = lastIncoming(logs[1]);
    const bLog = record(b);
    a.cancel();
    expect(finals(aLog)).toEqual([{ type: 'SIP.FAILED', cause: 'canceled', code: 487, originator: 'local', reason: 'Canceled' }]);
    await network.settle();
    expect(finals(bLog)).toEqual([{ type: 'SIP.FAILED', cause: 'canceled', code: 487, originator: 'remote', reason: 'Canceled' }]);
  });

  it('cancel before the INVITE is delivered: the callee never hears of it', async () => {
    const { network, uas, logs } = await phones('1001', '1002');
    const a = uas[0].call('1002', noOptions);
    const aLog = record(a);
    a.cancel();
    await network.settle();
    expect(types(logs[1]).filter((t) => t === 'UA.CALL.INCOMING')).toEqual([]);
    expect(finals(aLog)).toHaveLength(1);
  });

  it('a 200 that crosses the CANCEL is ACKed and hung up', async () => {
    const { network, uas, logs } = await phones('1001', '1002');
    const a = uas[0].call('1002', noOptions);
    const aLog = record(a);
    await network.settle();
    const b = lastIncoming(logs[1]);
    const bLog = record(b);
    b.answer(noOptions);
    a.cancel();
    await network.settle();
    expect(finals(aLog)).toEqual([expect.objectContaining({ type: 'SIP.FAILED', cause: 'canceled' })]);
    expect(types(bLog)).toEqual(['SIP.INVITE', 'SIP.ANSWER.SENT', 'SIP.ACK.RECEIVED', 'SIP.ENDED']);
    expect(finals(bLog)[0]).toMatchObject({ cause: 'bye', originator: 'remote' });
  });

  it('hangup by either side ends both with bye', async () => {
    for (const side of ['caller', 'callee'] as const) {
      const { network, a, b, aLog, bLog } = await establishedCall();
      (side === 'caller' ? a : b).hangup();
      await network.settle();
      const [aEnd] = finals(aLog);
      const [bEnd] = finals(bLog);
      expect(aEnd).toMatchObject({ type: 'SIP.ENDED', cause: 'bye', code: null, originator: side === 'caller' ? 'local' : 'remote' });
      expect(bEnd).toMatchObject({ type: 'SIP.ENDED', cause: 'bye', code: null, originator: side === 'callee' ? 'local' : 'remote' });
      expect(finals(aLog)).toHaveLength(1);
      expect(finals(bLog)).toHaveLength(1);
    }
  });

  it('remoteHangup() is the far leg hanging up', async () => {
    const { network, a, aLog, bLog } = await establishedCall();
    a.remoteHangup();
    await network.settle();
    expect(finals(aLog)).toEqual([expect.objectContaining({ type: 'SIP.ENDED', originator: 'remote' })]);
    expect(finals(bLog)).toEqual([expect.objectContaining({ type: 'SIP.ENDED', originator: 'local' })]);
  });

  it('an unknown number fails with 404 not-found', async () => {
    const { network, uas } = await phones('1001');
    const a = uas[0].call('sip:4040@memory', noOptions);
    const aLog = record(a);
    await network.settle();
    expect(finals(aLog)).toEqual([{ type: 'SIP.FAILED', cause: 'not-found', code: 404, originator: 'remote', reason: 'Not Found' }]);
  });

  it('a known number nobody is registered as fails with 480 unavailable', async () => {
    const { network, uas } = await phones('1001');
    network.addAccount({ number: '1002', password: 'x' });
    const a = uas[0].call('1002', noOptions);
    const aLog = record(a);
    await network.settle();
    expect(finals(aLog)).toEqual([expect.objectContaining({ type: 'SIP.FAILED', cause: 'unavailable', code: 480, originator: 'remote' })]);
  });

  it('another domain is 404 and an empty user part is 484', async () => {
    const { network, uas } = await phones('1001', '1002');
    const other = record(uas[0].call('sip:1002@elsewhere', noOptions));
    const empty = record(uas[0].call('sip:@memory', noOptions));
    await network.settle();
    expect(finals(other)[0]).toMatchObject({ cause: 'not-found', code: 404 });
    expect(finals(empty)[0]).toMatchObject({ cause: 'address-incomplete', code: 484 });
  });

  it('a call from a user agent that is not connected fails at once, and is replayed to the late subscriber', () => {
    const network = new MemorySipNetwork();
    const ua = network.createUserAgent({ number: '1001' });
    const a = ua.call('1002', noOptions);
    expect(a.state).toBe('terminated');
    const log = record(a);
    expect(types(log)).toEqual(['SIP.INVITE', 'SIP.FAILED']);
    expect(log[1]).toMatchObject({ cause: 'connection-error', originator: 'system' });
  });

  it('rejecting inside UA.CALL.INCOMING never rings the caller', async () => {
    const { network, uas } = await phones('1001', '1002');
    uas[1].subscribe((e) => {
      if (e.type === 'UA.CALL.INCOMING') e.call.reject(486);
    });
    const aLog = record(uas[0].call('1002', noOptions));
    await network.settle();
    expect(types(aLog)).toEqual(['SIP.INVITE', 'SIP.FAILED']);
    expect(aLog[1]).toMatchObject({ cause: 'busy', code: 486 });
  });

  it('commands in the wrong state emit SIP.COMMAND.FAILED and change nothing', async () => {
    const { network, uas, logs } = await phones('1001', '1002');
    const a = uas[0].call('1002', noOptions);
    const aLog = record(a);
    await network.settle();
    const b = lastIncoming(logs[1]);
    const bLog = record(b);
    aLog.length = 0;
    bLog.length = 0;
    a.answer(noOptions);
    a.reject(486);
    a.hangup();
    a.hold();
    a.sendDtmf('1', { transport: 'info', durationMs: 100, interToneGapMs: 70 });
    a.refer('1003', null);
    a.sendInfo('text/plain', 'x');
    a.sendMessage('text/plain', 'x');
    a.record('start');
    a.mute();
    b.cancel();
    b.unhold();
    expect(types(aLog).every((t) => t === 'SIP.COMMAND.FAILED')).toBe(true);
    expect(aLog.map((e) => (e.type === 'SIP.COMMAND.FAILED' ? e.command : ''))).toEqual([
      'answer', 'reject', 'hangup', 'hold', 'sendDtmf', 'refer', 'sendInfo', 'sendMessage', 'record', 'mute',
    ]);
    expect(bLog.map((e) => (e.type === 'SIP.COMMAND.FAILED' ? e.command : e.type))).toEqual(['cancel', 'unhold']);
    await network.settle();
    expect(a.state).toBe('ringing');
    expect(b.state).toBe('ringing');
  });

  it('after the end, every command reports SIP.COMMAND.FAILED and never throws; after dispose, silence', async () => {
    const { network, a, b, aLog } = await establishedCall();
    a.hangup();
    await network.settle();
    aLog.length = 0;
    const everything = (call: CallPort) => {
      call.answer(noOptions);
      call.reject(486);
      call.cancel();
      call.hangup();
      call.hold();
      call.unhold();
      call.mute();
      call.unmute();
      call.sendDtmf('1', { transport: 'rfc2833', durationMs: 100, interToneGapMs: 70 });
      call.refer('1003', null);
      call.sendInfo('a/b', 'x');
      call.sendMessage('a/b', 'x');
      call.record('start');
    };
    expect(() => everything(a)).not.toThrow();
    expect(aLog).toHaveLength(13);
    expect(types(aLog).every((t) => t === 'SIP.COMMAND.FAILED')).toBe(true);
    await expect(a.getStats()).resolves.toEqual(new Map());
    a.dispose();
    b.dispose();
    aLog.length = 0;
    expect(() => everything(a)).not.toThrow();
    expect(() => everything(b)).not.toThrow();
    await network.settle();
    expect(aLog).toEqual([]);
    expect(a.state).toBe('terminated');
  });

  it('user-agent commands never throw after dispose, and dispose ends its calls', async () => {
    const { network, alice, bob, aLog, bLog } = await establishedCall();
    alice.dispose();
    expect(finals(aLog)).toEqual([expect.objectContaining({ type: 'SIP.ENDED', originator: 'local' })]);
    expect(() => {
      alice.start();
      alice.register();
      alice.unregister();
      alice.setCredentials({ authorizationUser: '1001', password: 'x' });
      alice.acceptRefer('nope', noOptions);
      alice.rejectRefer('nope');
      alice.stop();
      alice.dispose();
    }).not.toThrow();
    const late = record(alice.call('1002', noOptions));
    expect(finals(late)).toEqual([expect.objectContaining({ cause: 'internal-error' })]);
    await network.settle();
    expect(finals(bLog)).toEqual([expect.objectContaining({ type: 'SIP.ENDED', originator: 'remote' })]);
    expect(network.registeredAs('1001')).toBeUndefined();
    expect(bob.isRegistered).toBe(true);
  });

  it('stop() ends every call: established ones with BYE, ringing ones with CANCEL', async () => {
    const { network, uas, logs } = await phones('1001', '1002', '1003');
    const [alice] = uas;
    const ab = alice.call('1002', noOptions);
    const abLog = record(ab);
    await network.settle();
    lastIncoming(logs[1]).answer(noOptions);
    const ac = alice.call('1003', noOptions);
    const acLog = record(ac);
    await network.settle();
    const c = lastIncoming(logs[2]);
    const cLog = record(c);
    alice.stop();
    await network.settle();
    expect(finals(abLog)).toEqual([expect.objectContaining({ type: 'SIP.ENDED', cause: 'bye' })]);
    expect(finals(acLog)).toEqual([expect.objectContaining({ type: 'SIP.FAILED', cause: 'canceled' })]);
    expect(finals(cLog)).toEqual([expect.objectContaining({ type: 'SIP.FAILED', cause: 'canceled', originator: 'remote' })]);
  });

  it('a throwing listener does not stop delivery, and settle() reports it', async () => {
    const { network, uas, logs } = await phones('1001', '1002');
    const a = uas[0].call('1002', noOptions);
    a.subscribe(() => {
      throw new Error('listener bug');
    });
    await expect(network.settle()).rejects.toThrow('listener bug');
    expect(lastIncoming(logs[1]).state).toBe('ringing');
    await expect(network.settle()).resolves.toBeUndefined();
  });

  it('delivers through the microtask queue even under fake timers', async () => {
    jest.useFakeTimers();
    try {
      const { network, a, b, aLog, bLog } = await establishedCall();
      b.hangup();
      await network.settle();
      expect(finals(aLog)).toHaveLength(1);
      expect(finals(bLog)).toHaveLength(1);
      expect(a.state).toBe('terminated');
    } finally {
      jest.useRealTimers();
    }
  });
});
