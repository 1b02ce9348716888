/**
 * 7. Soak: 10,000 call lifecycles (call, answer, hold, unhold, hangup) between two callstate phones
 * on the memory network, one after the other. Heap (`heapUsed` after a forced GC) is read after
 * call 1,000 and after call 10,000; the growth between them, per call, is what a long-lived phone
 * keeps of each call it had. Target: < 100 bytes per call.
 * Baseline, same run: the same lifecycles between two bare memory user agents (ports only, no
 * callstate), read at the same points, so the adapter's own growth is visible next to callstate's.
 * `--quick`: 1,000 lifecycles, read after call 100 and call 1,000.
 */
import { MemoryCall, MemorySipNetwork } from '../adapters/memory';
import type { CallPort } from '../machines/port';
import { createPhone } from '../src';
import { QUICK, gc, now, report, row } from './lib/measure';

const CALLS = QUICK ? 1_000 : 10_000;
const FIRST_READ = CALLS / 10;
const TARGET_BYTES = 100;

async function heap(): Promise<number> {
  gc();
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  return process.memoryUsage().heapUsed;
}

interface SoakResult {
  readonly perCallBytes: number;
  readonly heapAtFirst: number;
  readonly heapAtLast: number;
  readonly msPerCall: number;
}

/** Heap growth per lifecycle between the FIRST_READ-th and the last lifecycle. */
async function soak(lifecycle: (i: number) => Promise<void>): Promise<SoakResult> {
  let heapAtFirst = 0;
  const t0 = now();
  for (let i = 1; i <= CALLS; i++) {
    await lifecycle(i);
    if (i === FIRST_READ) heapAtFirst = await heap();
  }
  const msPerCall = (now() - t0) / CALLS;
  const heapAtLast = await heap();
  return { perCallBytes: (heapAtLast - heapAtFirst) / (CALLS - FIRST_READ), heapAtFirst, heapAtLast, msPerCall };
}

async function callstateSoak(): Promise<SoakResult> {
  const network = new MemorySipNetwork();
  const alice = createPhone({ userAgent: network.createUserAgent({ number: '1001' }) });
  const bob = createPhone({ userAgent: network.createUserAgent({ number: '1002' }) });
  alice.start();
  bob.start();
  await network.settle();
  const expect = (ok: boolean, what: string, i: number) => {
    if (!ok) throw new Error(`lifecycle ${i}: ${what}`);
  };
  const result = await soak(async (i) => {
    const placed = await alice.call('1002');
    expect(placed.ok, 'call refused', i);
    await network.settle();
    const incoming = bob.incomingList[0];
    expect((await incoming.answer()).ok, 'answer refused', i);
    await network.settle();
    const caller = alice.getSession(placed.callId!)!;
    expect(caller.hold(), 'hold refused', i);
    await network.settle();
    expect(caller.unhold(), 'unhold refused', i);
    await network.settle();
    expect(caller.hangup(), 'hangup refused', i);
    await network.settle();
    expect(alice.getSessions().length === 0 && bob.getSessions().length === 0, 'a call was left', i);
  });
  alice.destroy();
  bob.destroy();
  return result;
}

async function bareAdapterSoak(): Promise<SoakResult> {
  const network = new MemorySipNetwork();
  const alice = network.createUserAgent({ number: '2001' });
  const bob = network.createUserAgent({ number: '2002' });
  let incoming: CallPort | null = null;
  alice.subscribe(() => undefined);
  bob.subscribe((event) => {
    if (event.type === 'UA.CALL.INCOMING') incoming = event.call;
  });
  for (const ua of [alice, bob]) {
    ua.start();
    ua.register();
  }
  await network.settle();
  const result = await soak(async () => {
    const leg = alice.call('2002', {}) as MemoryCall;
    leg.subscribe(() => undefined);
    await network.settle();
    const far = incoming!;
    incoming = null;
    far.subscribe(() => undefined);
    far.answer({});
    await network.settle();
    leg.hold();
    await network.settle();
    leg.unhold();
    await network.settle();
    leg.hangup();
    await network.settle();
    leg.dispose();
    far.dispose();
  });
  alice.dispose();
  bob.dispose();
  return result;
}

async function main(): Promise<void> {
  // Interleaving is not possible for a soak (each one runs all its calls): the baseline runs first, then callstate.
  const bare = await bareAdapterSoak();
  const cs = await callstateSoak();
  const range = `calls ${FIRST_READ.toLocaleString('en')}→${CALLS.toLocaleString('en')}`;
  report({
    id: 'soak-call-lifecycles',
    title: `7. Soak: ${CALLS.toLocaleString('en')} call lifecycles (call, answer, hold, unhold, hangup), memory network`,
    rows: [
      row({
        measure: `heap growth per call lifecycle after GC (${range})`,
        unit: 'B',
        p50: cs.perCallBytes,
        baseline: 'bare memory user agents, same lifecycles, same run',
        baselineP50: bare.perCallBytes,
        ratio: cs.perCallBytes / TARGET_BYTES,
        target: `< ${TARGET_BYTES} B per call`,
        met: cs.perCallBytes < TARGET_BYTES,
      }),
      row({
        measure: 'time per call lifecycle (5 commands, 2 phones, every message delivered)',
        unit: 'ms',
        p50: cs.msPerCall,
        baseline: 'bare memory user agents',
        baselineP50: bare.msPerCall,
        ratio: cs.msPerCall / bare.msPerCall,
      }),
    ],
    notes: [
      `heapUsed after GC: callstate ${(cs.heapAtFirst / 1e6).toFixed(2)} MB after call ${FIRST_READ.toLocaleString('en')}, ${(cs.heapAtLast / 1e6).toFixed(2)} MB after call ${CALLS.toLocaleString('en')}; ` +
        `bare adapter ${(bare.heapAtFirst / 1e6).toFixed(2)} → ${(bare.heapAtLast / 1e6).toFixed(2)} MB (baseline first, then callstate, in one process).`,
    ],
  });
  setTimeout(() => process.exit(0), 50);
}

void main().catch((error) => {
  console.error(error);
  process.exit(1);
});
