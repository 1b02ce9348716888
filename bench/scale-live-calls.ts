/**
 * 3. Scale: 10, 100, 1,000 and 10,000 live (confirmed) call actors in one process over the memory
 * adapter. Half the calls are spread over phones with the default cap of 2, half sit on one phone
 * configured with a large cap; the far ends are bare memory user agents (no callstate), which answer
 * at once. Every call's Session has `state$` and `events$` subscribed. Phones run with their defaults
 * except `autoHold: false` (with auto-hold on, each new call would put every other call of the big
 * phone on hold, which is what auto-hold means, not a cost of the event path).
 *
 * - Per-event cost at each size: benchmark 2's event path (remote hold, resume, INFO DTMF, INFO) on a
 *   probe call of the big phone; the ratio 10,000 / 10 is the result (target ≤ 1.5).
 * - Heap per live call (`--expose-gc`, `heapUsed`), at the largest size: callstate + memory adapter,
 *   minus the memory adapter alone carrying the same calls (baseline measured in the same run); a
 *   bare XState v5 actor of a small parallel machine is measured too, for scale. Target ≤ 16 KB.
 * - After every call has ended and its Session was destroyed: heap against the baseline taken before
 *   the calls (target within 5 %), and call actors still alive / still reachable (target 0).
 */
import { createActor, setup } from 'xstate';
import type { Subscription } from 'rxjs';
import { MemoryCall, MemorySipNetwork } from '../adapters/memory';
import type { Phone, Session } from '../src';
import { QUICK, gc, now, report, row, sleep, summarize, type Row } from './lib/measure';
import { EventPathProbe, FarEnd, memoryPhone } from './lib/memory-rig';

const SIZES = QUICK ? [10, 100, 1000] : [10, 100, 1000, 10000];
const PROBE_ROUNDS = QUICK ? 30 : 300;
const BATCH = 250;
const dtmf = { transport: 'info' as const, durationMs: 100, interToneGapMs: 70 };

async function heap(): Promise<number> {
  await sleep(20);
  gc();
  await sleep(20);
  gc();
  return process.memoryUsage().heapUsed;
}

interface SizeResult {
  size: number;
  event: ReturnType<typeof summarize>;
  perCallBytes: number;
  baselineHeap: number;
  afterHeap: number;
  liveCallActors: number;
  reachableCallActors: number;
  setupMs: number;
}

/** The memory adapter alone carrying `n` confirmed calls: heap per call. */
async function adapterOnlyPerCall(n: number): Promise<number> {
  const network = new MemorySipNetwork();
  const far = new FarEnd(network, '9000', true);
  const caller = network.createUserAgent({ number: '1000' });
  caller.subscribe(() => undefined);
  caller.start();
  caller.register();
  await network.settle();
  const h0 = await heap();
  const legs: MemoryCall[] = [];
  for (let i = 0; i < n; i++) {
    const leg = caller.call('9000', {});
    leg.subscribe(() => undefined);
    legs.push(leg);
    if (i % BATCH === 0) await network.settle();
  }
  await network.settle();
  const h1 = await heap();
  if (legs.some((leg) => leg.state !== 'confirmed')) throw new Error('adapter-only calls not all confirmed');
  for (const leg of legs) leg.hangup();
  await network.settle();
  for (const leg of legs) leg.dispose();
  for (const id of [...far.legs.keys()]) far.drop(id);
  caller.dispose();
  far.ua.dispose();
  return (h1 - h0) / n;
}

/** A bare XState v5 actor of a small parallel machine, started and subscribed: heap per actor. */
async function bareActorBytes(n: number): Promise<number> {
  const machine = setup({}).createMachine({
    type: 'parallel',
    states: {
      a: { initial: 'off', states: { off: { on: { TOGGLE: 'on' } }, on: { on: { TOGGLE: 'off' } } } },
      b: { initial: 'off', states: { off: { on: { TOGGLE: 'on' } }, on: { on: { TOGGLE: 'off' } } } },
    },
  });
  const h0 = await heap();
  const actors = Array.from({ length: n }, () => {
    const actor = createActor(machine);
    actor.subscribe(() => undefined);
    return actor.start();
  });
  const h1 = await heap();
  for (const actor of actors) actor.stop();
  return (h1 - h0) / n;
}

/**
 * Counts the call actors the garbage collector has not reclaimed. A `FinalizationRegistry`, not
 * `WeakRef`s: creating or dereferencing a `WeakRef` keeps its target alive until the current job
 * ends, which would count the benchmark's own last reference as a call still reachable.
 */
class CollectedCalls {
  private tracked = 0;
  private collected = 0;
  private readonly registry = new FinalizationRegistry<void>(() => {
    this.collected += 1;
  });
  private readonly actors = new Set<{ getSnapshot(): { status: string } }>();

  track(actor: { getSnapshot(): { status: string } }): void {
    this.tracked += 1;
    this.registry.register(actor, undefined);
    this.actors.add(actor);
  }

  /** Drops the benchmark's own references; returns how many of the actors were still running. */
  release(): number {
    let live = 0;
    for (const actor of this.actors) if (actor.getSnapshot().status === 'active') live += 1;
    this.actors.clear();
    return live;
  }

  /** Actors not reclaimed yet (read after a collection and a turn of the event loop). */
  uncollected(): number {
    return this.tracked - this.collected;
  }
}

/**
 * Unsubscribes and destroys every session and drops the benchmark's references to them. Its own
 * function, not a loop in `runSize`: a suspended async function can keep a loop's last value in a
 * register, which would keep one call reachable for as long as `runSize` waits.
 */
function releaseAll(sessions: Session[], subscriptions: Subscription[], tracked: CollectedCalls): number {
  for (const s of subscriptions) s.unsubscribe();
  for (const s of sessions) s.destroy();
  subscriptions.length = 0;
  sessions.length = 0;
  return tracked.release();
}

/**
 * The far end hangs up every call and drops its legs. Its own function, not a loop in `runSize`:
 * a list of the legs held by the suspended `runSize` would keep every ended call's two legs (and
 * what they reference) alive while the heap after the end is read.
 */
async function hangUpAll(far: FarEnd, network: MemorySipNetwork): Promise<void> {
  let i = 0;
  for (const leg of [...far.legs.values()]) {
    leg.hangup();
    if (i++ % BATCH === 0) await network.settle();
  }
  await network.settle();
  for (const id of [...far.legs.keys()]) far.drop(id);
}

async function runSize(size: number): Promise<SizeResult> {
  const network = new MemorySipNetwork();
  const far = new FarEnd(network, '9000', true);
  const probeFar = new FarEnd(network, '9001', false);
  const bigCalls = Math.ceil(size / 2);
  const smallCalls = size - bigCalls;
  const big = memoryPhone(network, '2000', { maxCalls: bigCalls + 1, autoHold: false });
  const smalls = Array.from({ length: Math.ceil(smallCalls / 2) }, (_, i) => memoryPhone(network, String(30000 + i), { autoHold: false }));
  await network.settle();

  // The probe call on the big phone: answered by a far end we drive.
  const probeResult = await big.phone.call('9001');
  await network.settle();
  const probeLeg = probeFar.legs.get(probeResult.callId!)!;
  probeLeg.answer({});
  await network.settle();
  const samples = new Map<string, number[]>();
  const probe = new EventPathProbe(big.phone.getSession(probeResult.callId!)!, big.ua.getCall(probeResult.callId!) as MemoryCall, samples);

  const baselineHeap = await heap();

  // N live calls, each Session with state$ and events$ subscribed.
  const t0 = now();
  const sessions: Session[] = [];
  const subscriptions: Subscription[] = [];
  const tracked = new CollectedCalls();
  const place = async (phone: Phone) => {
    const result = await phone.call('9000');
    if (!result.ok) throw new Error(`call refused: ${result.message}`);
    const session = phone.getSession(result.callId!)!;
    sessions.push(session);
    subscriptions.push(session.state$.subscribe(() => undefined), session.events$.subscribe(() => undefined));
    tracked.track((session as unknown as { ref: { getSnapshot(): { status: string } } }).ref);
    if (sessions.length % BATCH === 0) await network.settle();
  };
  for (let i = 0; i < bigCalls; i++) await place(big.phone);
  for (let i = 0; i < smallCalls; i++) await place(smalls[Math.floor(i / 2)]!.phone);
  await network.settle();
  const setupMs = now() - t0;
  const notConfirmed = sessions.filter((s) => s.state.phase !== 'confirmed').length;
  if (notConfirmed > 0) throw new Error(`${notConfirmed} of ${size} calls are not confirmed`);
  const loadedHeap = await heap();

  // Per-event cost on the probe call with N live calls.
  for (let r = 0; r < PROBE_ROUNDS; r++) {
    probe.recording = r >= PROBE_ROUNDS / 10;
    for (const act of [() => probeLeg.hold(), () => probeLeg.unhold(), () => probeLeg.sendDtmf('5', dtmf), () => probeLeg.sendInfo('application/json', '{}')]) {
      act();
      await network.settle();
      probe.settled();
    }
  }
  const all = [...samples.values()].flat();

  // End everything: the far end hangs up, the app destroys its sessions and drops its references.
  await hangUpAll(far, network);
  const stillListed = big.phone.getSessions().length - 1 + smalls.reduce((n, s) => n + s.phone.getSessions().length, 0);
  const live = releaseAll(sessions, subscriptions, tracked);
  const afterHeap = await heap();
  await sleep(20); // finalization callbacks run in a task after the collection
  const reachable = tracked.uncollected();
  if (stillListed !== 0) console.log(`size ${size}: ${stillListed} ended calls still listed by their phones`);

  probe.close();
  probeLeg.hangup();
  await network.settle();
  big.phone.destroy();
  for (const s of smalls) s.phone.destroy();
  far.ua.dispose();
  probeFar.ua.dispose();
  return {
    size,
    event: summarize(all),
    perCallBytes: (loadedHeap - baselineHeap) / size,
    baselineHeap,
    afterHeap,
    liveCallActors: live,
    reachableCallActors: reachable,
    setupMs,
  };
}

async function main(): Promise<void> {
  await runSize(SIZES[0]!); // warm-up (JIT), discarded, so the smallest size is not measured cold
  const results: SizeResult[] = [];
  for (const size of SIZES) {
    const r = await runSize(size);
    console.log(
      `${size} calls: event p50 ${r.event.p50.toFixed(1)} µs, p95 ${r.event.p95.toFixed(1)} µs; heap/call ${(r.perCallBytes / 1024).toFixed(1)} KB; ` +
        `setup ${(r.setupMs / 1000).toFixed(1)} s; after end ${((r.afterHeap / r.baselineHeap - 1) * 100).toFixed(1)} % vs baseline; live ${r.liveCallActors}, reachable ${r.reachableCallActors}`,
    );
    results.push(r);
  }
  const largest = results.at(-1)!;
  const smallest = results[0]!;
  const adapterBytes = await adapterOnlyPerCall(largest.size);
  const bareBytes = await bareActorBytes(largest.size);
  const rows: Row[] = [];
  for (const r of results) {
    rows.push(
      row({
        measure: `per-event cost with ${r.size.toLocaleString('en')} live calls (n=${r.event.n})`,
        unit: 'µs',
        p50: r.event.p50,
        p95: r.event.p95,
        n: r.event.n,
        baseline: `same, with ${smallest.size} live calls`,
        baselineP50: smallest.event.p50,
        baselineP95: smallest.event.p95,
        ratio: r.event.p50 / smallest.event.p50,
        target: r === largest ? `${largest.size}/${smallest.size} ≤ 1.50` : null,
        met: r === largest ? r.event.p50 / smallest.event.p50 <= 1.5 : null,
      }),
    );
  }
  const libraryBytes = largest.perCallBytes - adapterBytes;
  rows.push(
    row({
      measure: `heap per live call, callstate + memory adapter (${largest.size.toLocaleString('en')} calls)`,
      unit: 'KB',
      p50: largest.perCallBytes / 1024,
      baseline: 'memory adapter alone, same calls',
      baselineP50: adapterBytes / 1024,
      ratio: largest.perCallBytes / adapterBytes,
    }),
    row({
      measure: 'heap per live call, callstate only (the difference)',
      unit: 'KB',
      p50: libraryBytes / 1024,
      baseline: 'bare XState actor, small parallel machine',
      baselineP50: bareBytes / 1024,
      ratio: libraryBytes / bareBytes,
      target: '≤ 16 KB',
      met: libraryBytes / 1024 <= 16,
    }),
    row({
      measure: `heap after all ${largest.size.toLocaleString('en')} calls ended and were destroyed`,
      unit: 'MB',
      p50: largest.afterHeap / 2 ** 20,
      baseline: 'heap before the calls',
      baselineP50: largest.baselineHeap / 2 ** 20,
      ratio: largest.afterHeap / largest.baselineHeap,
      target: '≤ 1.05',
      met: largest.afterHeap / largest.baselineHeap <= 1.05,
    }),
    row({
      measure: 'call actors alive / still reachable after the end (all sizes)',
      unit: '',
      p50: results.reduce((n, r) => n + r.liveCallActors, 0),
      p95: results.reduce((n, r) => n + r.reachableCallActors, 0),
      target: '0',
      met: results.every((r) => r.liveCallActors === 0 && r.reachableCallActors === 0),
    }),
  );
  report({
    id: 'scale-live-calls',
    title: '3. scale (memory adapter)',
    rows,
    notes: results.map(
      (r) =>
        `${r.size} calls: set up in ${(r.setupMs / 1000).toFixed(1)} s; heap/call ${(r.perCallBytes / 1024).toFixed(1)} KB; heap before ${(r.baselineHeap / 2 ** 20).toFixed(1)} MB, after the end ${(r.afterHeap / 2 ** 20).toFixed(1)} MB (${((r.afterHeap / r.baselineHeap - 1) * 100).toFixed(1)} %); ${r.liveCallActors} call actors alive, ${r.reachableCallActors} reachable`,
    ),
  });
  setTimeout(() => process.exit(0), 50);
}

void main().catch((error) => {
  console.error(error);
  process.exit(1);
});
