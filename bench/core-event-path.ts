/**
 * 2. Core event path over the memory adapter: a port event (stamped as it leaves the call port) →
 * the call machine → the first emission on `session.state$` / `session.events$`, per event kind.
 * Baseline, interleaved sample by sample: one event sent to a bare XState v5 actor of a small
 * parallel machine, until its subscriber is called. Target: p50 ≤ 10 µs per event kind.
 * For where the time goes, the same event kinds sent to a call machine alone (no port, no Session,
 * no observable; its `tellPort` does nothing) are timed too, send → its subscriber; no target.
 */
import { createActor } from 'xstate';
import { MemoryCall, MemorySipNetwork } from '../adapters/memory';
import { callMachine } from '../machines/call.machine';
import type { CallEvent } from '../machines/call.types';
import { QUICK, now, report, row, summarize, type Row } from './lib/measure';
import { EventPathProbe, FarEnd, bareActor, memoryPhone } from './lib/memory-rig';

const CALLS = QUICK ? 30 : 400;
const WARMUP_CALLS = QUICK ? 5 : 50;
const REPEATS = QUICK ? 3 : 10; // in-call events per call
const TARGET_US = 10;

/** The event kinds of the path above, as a far end produces them on one call, sent to call machines alone. */
function pureMachineSamples(calls: number, warmup: number): Map<string, number[]> {
  const samples = new Map<string, number[]>();
  const machine = callMachine.provide({ actions: { tellPort: () => undefined } });
  const remote = { number: '9000', name: null, uri: 'sip:9000@memory' };
  const dialog = { callId: '', localTag: 'l', remoteTag: 'r', localURI: 'sip:1000@memory', remoteURI: remote.uri, remoteTarget: remote.uri, signalingState: 'Stable' as const };
  for (let i = 0; i < calls; i++) {
    const callId = `pure-${i}`;
    const actor = createActor(machine, { input: { callId, direction: 'outgoing', remote } });
    let t1 = 0;
    actor.subscribe(() => {
      t1 = now();
    });
    actor.start();
    const send = (kind: string, event: CallEvent) => {
      const t0 = now();
      actor.send(event);
      if (i < warmup) return;
      const list = samples.get(kind) ?? [];
      list.push((t1 - t0) * 1000);
      samples.set(kind, list);
    };
    send('SIP.PROGRESS (180)', { type: 'SIP.PROGRESS', code: 180, earlyMedia: false, remote, dialog: { ...dialog, callId }, video: null });
    send('SIP.ANSWERED', { type: 'SIP.ANSWERED', remote, dialog: { ...dialog, callId }, video: null });
    for (let r = 0; r < REPEATS; r++) {
      send('SIP.REINVITE (held)', { type: 'SIP.REINVITE', held: true, video: false, videoOffered: false });
      send('SIP.REINVITE (resumed)', { type: 'SIP.REINVITE', held: false, video: false, videoOffered: false });
      send('SIP.DTMF.RECEIVED', { type: 'SIP.DTMF.RECEIVED', tone: '5', durationMs: 100, transport: 'info' });
      send('SIP.INFO.RECEIVED', { type: 'SIP.INFO.RECEIVED', contentType: 'application/json', body: '{"k":1}' });
    }
    send('SIP.ENDED', { type: 'SIP.ENDED', cause: 'bye', code: null, originator: 'remote' });
    actor.stop();
  }
  return samples;
}

async function main(): Promise<void> {
  const network = new MemorySipNetwork();
  const far = new FarEnd(network, '9000', false);
  const { phone, ua } = memoryPhone(network, '1000');
  await network.settle();
  const samples = new Map<string, number[]>();
  const bare = bareActor();
  const baseline: number[] = [];
  const dtmf = { transport: 'info' as const, durationMs: 100, interToneGapMs: 70 };

  for (let i = 0; i < CALLS; i++) {
    const recording = i >= WARMUP_CALLS;
    const result = await phone.call('9000');
    const callId = result.callId!;
    const probe = new EventPathProbe(phone.getSession(callId)!, ua.getCall(callId) as MemoryCall, samples);
    probe.recording = recording;
    const step = async (act: () => void) => {
      act();
      await network.settle();
      probe.settled();
      if (recording) baseline.push(bare.sample());
    };
    await step(() => undefined); // INVITE → 180
    const leg = far.legs.get(callId)!;
    await step(() => leg.answer({})); // 200 → confirmed
    for (let r = 0; r < REPEATS; r++) {
      await step(() => leg.hold()); // re-INVITE sendonly
      await step(() => leg.unhold());
      await step(() => leg.sendDtmf('5', dtmf));
      await step(() => leg.sendInfo('application/json', '{"k":1}'));
    }
    await step(() => leg.hangup()); // BYE
    probe.close();
    far.drop(callId);
  }
  bare.stop();
  phone.destroy();

  const base = summarize(baseline);
  const rows: Row[] = [];
  const order = [...samples.keys()].sort();
  for (const kind of order) {
    const s = summarize(samples.get(kind)!);
    rows.push(
      row({
        measure: `${kind} → emission (n=${s.n})`,
        unit: 'µs',
        p50: s.p50,
        p95: s.p95,
        n: s.n,
        baseline: 'bare XState actor send → subscriber',
        baselineP50: base.p50,
        baselineP95: base.p95,
        ratio: s.p50 / base.p50,
        target: `p50 ≤ ${TARGET_US} µs`,
        met: s.p50 <= TARGET_US,
      }),
    );
  }
  const pure = pureMachineSamples(CALLS, WARMUP_CALLS);
  for (const kind of order) {
    const list = pure.get(kind);
    if (!list) continue;
    const s = summarize(list);
    rows.push(
      row({
        measure: `${kind} → call machine alone (n=${s.n})`,
        unit: 'µs',
        p50: s.p50,
        p95: s.p95,
        n: s.n,
        baseline: 'bare XState actor send → subscriber',
        baselineP50: base.p50,
        baselineP95: base.p95,
        ratio: s.p50 / base.p50,
      }),
    );
  }
  report({
    id: 'core-event-path',
    title: '2. core event path (memory adapter)',
    rows,
    notes: [
      `${CALLS - WARMUP_CALLS} calls measured after ${WARMUP_CALLS} warm-up calls, ${REPEATS} × (remote hold, resume, INFO DTMF, INFO) per call; phone defaults (quality reports on).`,
    ],
  });
}

void main().catch((error) => {
  console.error(error);
  process.exit(1);
});
