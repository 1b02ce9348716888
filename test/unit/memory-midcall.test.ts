import { MemoryCall, MemorySipNetwork, MemoryUserAgent } from '../../adapters/memory';
import type { CallPort, CallPortEvent, RtcStat, UserAgentEvent } from '../../machines/port';
import { reinvite } from '../support/call-harness';

const noOptions = {};

function record(port: CallPort): CallPortEvent[] {
  const log: CallPortEvent[] = [];
  port.subscribe((event) => log.push(event));
  return log;
}

const types = (log: readonly { type: string }[]) => log.map((event) => event.type);

/** Alice (1001) calls Bob (1002), Bob answers; logs start empty. */
async function establishedCall(configure?: (alice: MemoryUserAgent, bob: MemoryUserAgent) => void) {
  const network = new MemorySipNetwork();
  const alice = network.createUserAgent({ number: '1001' });
  const bob = network.createUserAgent({ number: '1002' });
  configure?.(alice, bob);
  const bobEvents: UserAgentEvent[] = [];
  bob.subscribe((e) => bobEvents.push(e));
  for (const ua of [alice, bob]) {
    ua.start();
    ua.register();
  }
  await network.settle();
  const a = alice.call('1002', noOptions);
  const aLog = record(a);
  await network.settle();
  const incoming = bobEvents.find((e) => e.type === 'UA.CALL.INCOMING');
  if (incoming?.type !== 'UA.CALL.INCOMING') throw new Error('no incoming call');
  const b = incoming.call as MemoryCall;
  const bLog = record(b);
  b.answer(noOptions);
  await network.settle();
  const setup = { a: [...aLog], b: [...bLog] };
  aLog.length = 0;
  bLog.length = 0;
  return { network, alice, bob, a, b, aLog, bLog, setup };
}

describe('memory adapter: hold and unhold', () => {
  it('hold and unhold by the caller: re-INVITE outcome here, remote hold there', async () => {
    const { network, a, b, aLog, bLog } = await establishedCall();
    a.hold();
    expect(aLog).toEqual([]);
    await network.settle();
    expect(aLog).toEqual([{ type: 'SIP.HOLD.SUCCEEDED', dialog: null }]);
    expect(bLog).toEqual([reinvite(true)]);
    expect(a.held).toBe(true);
    expect(b.remoteHeld).toBe(true);

    a.unhold();
    await network.settle();
    expect(aLog).toEqual([{ type: 'SIP.HOLD.SUCCEEDED', dialog: null }, { type: 'SIP.UNHOLD.SUCCEEDED', dialog: null }]);
    expect(bLog).toEqual([reinvite(true), reinvite(false)]);
    expect(a.held).toBe(false);
  });

  it('the callee can hold the caller too', async () => {
    const { network, b, aLog, bLog } = await establishedCall();
    b.hold();
    await network.settle();
    expect(bLog).toEqual([{ type: 'SIP.HOLD.SUCCEEDED', dialog: null }]);
    expect(aLog).toEqual([reinvite(true)]);
  });

  it('a second hold while the re-INVITE is pending fails with 491, the first still succeeds', async () => {
    const { network, a, aLog } = await establishedCall();
    a.hold();
    a.hold();
    expect(aLog).toEqual([{ type: 'SIP.HOLD.FAILED', code: 491, reason: 'Request Pending' }]);
    a.unhold();
    expect(aLog[1]).toEqual({ type: 'SIP.UNHOLD.FAILED', code: 491, reason: 'Request Pending' });
    await network.settle();
    expect(aLog[2]).toEqual({ type: 'SIP.HOLD.SUCCEEDED', dialog: null });
  });

  it('crossing re-INVITEs (glare) both fail with 491 and keep the call', async () => {
    const { network, a, b, aLog, bLog } = await establishedCall();
    a.hold();
    b.hold();
    await network.settle();
    expect(aLog).toEqual([expect.objectContaining({ type: 'SIP.HOLD.FAILED', code: 491 })]);
    expect(bLog).toEqual([expect.objectContaining({ type: 'SIP.HOLD.FAILED', code: 491 })]);
    expect(a.state).toBe('confirmed');
    a.hold();
    await network.settle();
    expect(aLog[1]).toEqual({ type: 'SIP.HOLD.SUCCEEDED', dialog: null });
  });

  it('hold while held and unhold while not held are refused', async () => {
    const { network, a, aLog } = await establishedCall();
    a.unhold();
    expect(aLog).toEqual([expect.objectContaining({ type: 'SIP.COMMAND.FAILED', command: 'unhold' })]);
    a.hold();
    await network.settle();
    a.hold();
    expect(aLog[2]).toMatchObject({ type: 'SIP.COMMAND.FAILED', command: 'hold' });
  });

  it('a re-INVITE the far end rejects fails the hold and keeps the call (fault rejectReinvite)', async () => {
    const { network, bob, a, aLog, bLog } = await establishedCall();
    bob.faults = { rejectReinvite: { code: 488 } };
    a.hold();
    await network.settle();
    expect(aLog).toEqual([{ type: 'SIP.HOLD.FAILED', code: 488, reason: 'Not Acceptable Here' }]);
    expect(bLog).toEqual([]);
    expect(a.state).toBe('confirmed');
    expect(a.held).toBe(false);
    a.hold();
    await network.settle();
    expect(aLog[1]).toEqual({ type: 'SIP.HOLD.SUCCEEDED', dialog: null });
    expect(bob.faults.rejectReinvite).toBeUndefined();
  });

  it('rejectReinvite with times fails that many re-INVITEs, unhold included', async () => {
    const { network, bob, a, aLog } = await establishedCall();
    a.hold();
    await network.settle();
    bob.faults = { rejectReinvite: { code: 500, reason: 'Oops', times: 2 } };
    a.unhold();
    await network.settle();
    a.unhold();
    await network.settle();
    a.unhold();
    await network.settle();
    expect(aLog).toEqual([
      { type: 'SIP.HOLD.SUCCEEDED', dialog: null },
      { type: 'SIP.UNHOLD.FAILED', code: 500, reason: 'Oops' },
      { type: 'SIP.UNHOLD.FAILED', code: 500, reason: 'Oops' },
      { type: 'SIP.UNHOLD.SUCCEEDED', dialog: null },
    ]);
  });

  it('a re-INVITE answered after the call ended is ignored', async () => {
    const { network, a, aLog, bLog } = await establishedCall();
    a.hold();
    a.hangup();
    await network.settle();
    expect(types(aLog)).toEqual(['SIP.ENDED']);
    expect(bLog).toEqual([
      reinvite(true),
      expect.objectContaining({ type: 'SIP.ENDED', originator: 'remote' }),
    ]);
  });
});

describe('memory adapter: in-dialog requests', () => {
  it('sends DTMF one event per tone, with the chosen transport', async () => {
    const { network, a, bLog } = await establishedCall();
    a.sendDtmf('12#,*a', { transport: 'info', durationMs: 120, interToneGapMs: 70 });
    await network.settle();
    expect(bLog).toEqual(
      ['1', '2', '#', '*', 'A'].map((tone) => ({ type: 'SIP.DTMF.RECEIVED', tone, durationMs: 120, transport: 'info' })),
    );
    bLog.length = 0;
    a.sendDtmf('5', { transport: 'rfc2833', durationMs: 100, interToneGapMs: 70 });
    await network.settle();
    expect(bLog).toEqual([{ type: 'SIP.DTMF.RECEIVED', tone: '5', durationMs: 100, transport: 'rfc2833' }]);
  });

  it('refuses a tone that is not DTMF', async () => {
    const { network, a, aLog, bLog } = await establishedCall();
    a.sendDtmf('1x', { transport: 'info', durationMs: 100, interToneGapMs: 70 });
    await network.settle();
    expect(aLog).toEqual([expect.objectContaining({ type: 'SIP.COMMAND.FAILED', command: 'sendDtmf' })]);
    expect(bLog).toEqual([]);
  });

  it('delivers INFO and MESSAGE to the far leg, in order', async () => {
    const { network, a, b, aLog, bLog } = await establishedCall();
    a.sendInfo('application/json', '{"a":1}');
    a.sendMessage('text/plain', 'hello');
    b.sendMessage('text/plain', 'hi back');
    await network.settle();
    expect(bLog).toEqual([
      { type: 'SIP.INFO.RECEIVED', contentType: 'application/json', body: '{"a":1}' },
      { type: 'SIP.MESSAGE.RECEIVED', contentType: 'text/plain', body: 'hello' },
    ]);
    expect(aLog).toEqual([{ type: 'SIP.MESSAGE.RECEIVED', contentType: 'text/plain', body: 'hi back' }]);
  });

  it('mute and unmute signal nothing', async () => {
    const { network, a, aLog, bLog } = await establishedCall();
    a.mute();
    expect(a.muted).toBe(true);
    a.unmute();
    expect(a.muted).toBe(false);
    await network.settle();
    expect(aLog).toEqual([]);
    expect(bLog).toEqual([]);
  });
});

describe('memory adapter: recording', () => {
  it('start, pause, resume report the new state; a nonsensical action fails', async () => {
    const { network, a, aLog } = await establishedCall();
    a.record('pause');
    a.record('start');
    a.record('start');
    a.record('pause');
    a.record('resume');
    expect(aLog).toEqual([]);
    await network.settle();
    expect(aLog).toEqual([
      { type: 'SIP.RECORD.FAILED', action: 'pause', reason: 'cannot pause while off' },
      { type: 'SIP.RECORD.SUCCEEDED', state: 'recording' },
      { type: 'SIP.RECORD.FAILED', action: 'start', reason: 'cannot start while recording' },
      { type: 'SIP.RECORD.SUCCEEDED', state: 'paused' },
      { type: 'SIP.RECORD.SUCCEEDED', state: 'recording' },
    ]);
    expect(a.recordState).toBe('recording');
  });

  it('fault recordFailure: the backend refuses', async () => {
    const { network, alice, a, aLog } = await establishedCall();
    alice.faults = { recordFailure: { reason: 'no recording licence' } };
    a.record('start');
    await network.settle();
    expect(aLog).toEqual([{ type: 'SIP.RECORD.FAILED', action: 'start', reason: 'no recording licence' }]);
    expect(a.recordState).toBe('off');
  });

  it('fault autoRecord: the PBX reports recording once the call is confirmed, on that side only', async () => {
    const { setup, a, b } = await establishedCall((alice) => {
      alice.faults = { autoRecord: true };
    });
    const confirmedAt = types(setup.a).indexOf('SIP.ANSWERED');
    expect(confirmedAt).toBeGreaterThan(-1);
    expect(setup.a.slice(confirmedAt + 1)).toEqual([{ type: 'SIP.RECORD.STATE', state: 'recording' }]);
    expect(types(setup.b)).not.toContain('SIP.RECORD.STATE');
    expect(a.recordState).toBe('recording');
    expect(b.recordState).toBe('off');
  });

  it('autoRecord on the callee reports after its ACK', async () => {
    const { setup } = await establishedCall((_alice, bob) => {
      bob.faults = { autoRecord: true };
    });
    expect(types(setup.b).slice(-2)).toEqual(['SIP.ACK.RECEIVED', 'SIP.RECORD.STATE']);
  });
});

describe('memory adapter: statistics and media', () => {
  afterEach(() => jest.useRealTimers());

  const stat = (report: { values(): Iterable<RtcStat> }, type: string) => [...report.values()].find((s) => s.type === type);

  it('reports nothing before the call is confirmed', async () => {
    const network = new MemorySipNetwork();
    const ua = network.createUserAgent({ number: '1001' });
    const call = ua.call('1002', noOptions);
    expect([...(await call.getStats()).values()]).toEqual([]);
  });

  it('reports synthetic audio statistics whose counters grow with (fake) time', async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const { a } = await establishedCall();
    jest.advanceTimersByTime(1000);
    const first = await a.getStats();
    expect(stat(first, 'inbound-rtp')).toMatchObject({ packetsReceived: 50, packetsLost: 0, jitter: 0.002, timestamp: 1_001_000 });
    expect(stat(first, 'outbound-rtp')).toMatchObject({ packetsSent: 50 });
    expect(stat(first, 'remote-inbound-rtp')).toMatchObject({ roundTripTime: 0.02 });
    expect(stat(first, 'codec')).toMatchObject({ mimeType: 'audio/opus' });
    jest.advanceTimersByTime(2000);
    const second = await a.getStats();
    expect(stat(second, 'inbound-rtp')).toMatchObject({ packetsReceived: 150 });
  });

  it('reports the app-supplied streams as local and remote media', async () => {
    const network = new MemorySipNetwork();
    const alice = network.createUserAgent({ number: '1001' });
    const bob = network.createUserAgent({ number: '1002' });
    let b: CallPort | null = null;
    bob.subscribe((e) => {
      if (e.type === 'UA.CALL.INCOMING') b = e.call;
    });
    for (const ua of [alice, bob]) {
      ua.start();
      ua.register();
    }
    await network.settle();
    const aliceStream = { id: 'alice-mic' } as unknown as MediaStream;
    const bobStream = { id: 'bob-mic' } as unknown as MediaStream;
    const a = alice.call('1002', { mediaStream: aliceStream });
    const aLog = record(a);
    await network.settle();
    const bCall = b as unknown as CallPort;
    const bLog = record(bCall);
    bCall.answer({ mediaStream: bobStream });
    await network.settle();
    expect(a.localStream).toBe(aliceStream);
    expect(a.remoteStream).toBe(bobStream);
    expect(bCall.remoteStream).toBe(aliceStream);
    expect(aLog).toContainEqual({ type: 'MEDIA.STREAM', direction: 'remote', stream: bobStream });
    expect(bLog).toContainEqual({ type: 'MEDIA.STREAM', direction: 'local', stream: bobStream });
    expect(bLog).toContainEqual({ type: 'MEDIA.STREAM', direction: 'remote', stream: aliceStream });
  });
});
