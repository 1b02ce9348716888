/**
 * 7. Hop count of one SIP message: real JsSIP 3.13.8 on the in-process socket (as benchmark 1), one
 * call at a time; for each message (180, 200 to the INVITE, re-INVITE hold, INFO DTMF, BYE) it counts
 * what the message causes from the socket's `ondata` until the reported emission plus a short quiet
 * window:
 * - port events: what the JsSIP adapter's call port emits (a second listener beside the bridge);
 * - XState macrosteps: `@xstate.snapshot` inspection events (one per macrostep of an actor), for the
 *   call machine and the phone machine, and the events those machines received;
 * - emissions: `session.state$`, `session.status$`, `session.events$`, `phone.state$`,
 *   `phone.sessions$`, `phone.events$`.
 * The counts are deterministic; they are the same on every call (a call that differs is reported).
 *
 * Then a CPU profile of calls over the memory adapter (place, answer, hang up: mostly the
 * SIP.ANSWERED and SIP.ENDED paths of benchmark 2): the top functions by self time and the share of
 * each package are printed; the whole profile goes to bench/.profiles/hop-count.cpuprofile (ignored by
 * git) for a viewer such as Chrome DevTools.
 */
import { mkdirSync, writeFileSync } from 'fs';
import { Session as InspectorSession } from 'inspector';
import { join } from 'path';
import type { InspectionEvent } from 'xstate';
import * as JsSIP from 'jssip';
import { createJsSipUserAgent } from '../adapters/jssip';
import { MemorySipNetwork } from '../adapters/memory';
import type { CallPortEvent } from '../machines/port';
import type { CallState } from '../machines/call.connect';
import { callMachine } from '../machines/call.machine';
import { phoneMachine } from '../machines/phone.machine';
import { createPhone, type Session } from '../src';
import { createRedactingInspector } from '../src/inspect/redact';
import { FarEndDialog, InProcessSocket, fakeAudioStream, installSignallingOnlyWebRtc, nextSent } from './lib/in-process-sip';
import { QUICK, report, row, sleep, type Row } from './lib/measure';
import { FarEnd, kindOf, memoryPhone } from './lib/memory-rig';

installSignallingOnlyWebRtc();

const CALLS = QUICK ? 3 : 10;
const PROFILED_CALLS = QUICK ? 200 : 2000;
const QUIET_MS = 20;
const KINDS = ['180 Ringing', '200 OK to INVITE', 're-INVITE (hold)', 'INFO DTMF', 'BYE'] as const;
type Kind = (typeof KINDS)[number];
const AOR = 'sip:alice@bench.invalid';
const OBSERVABLES = ['session.state$', 'session.status$', 'session.events$', 'phone.state$', 'phone.sessions$', 'phone.events$'] as const;
type Observable = (typeof OBSERVABLES)[number];

/** What one message caused. */
interface Hops {
  portEvents: string[];
  callMacrosteps: number;
  phoneMacrosteps: number;
  callEvents: string[];
  phoneEvents: string[];
  emissions: Record<Observable, number>;
}

const fresh = (): Hops => ({
  portEvents: [],
  callMacrosteps: 0,
  phoneMacrosteps: 0,
  callEvents: [],
  phoneEvents: [],
  emissions: Object.fromEntries(OBSERVABLES.map((o) => [o, 0])) as Record<Observable, number>,
});
const emissionsOf = (h: Hops): number => OBSERVABLES.reduce((sum, o) => sum + h.emissions[o], 0);
const signature = (h: Hops): string => JSON.stringify(h);

async function connected(check: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !check(); i++) await sleep(1);
  if (!check()) throw new Error('the in-process socket did not connect');
}

async function countHops(): Promise<Map<Kind, Hops[]>> {
  const socket = new InProcessSocket();
  const jssip = { ...JsSIP, WebSocketInterface: function InProcess() { return socket; } } as unknown as typeof JsSIP;
  let hops: Hops | null = null;
  /** Which machine an inspected actor runs (the inspector sees redacted views of the actors). */
  const machineOf = (actor: unknown): 'call' | 'phone' | null => {
    const config = (actor as { logic?: { config?: unknown } } | undefined)?.logic?.config;
    return config === callMachine.config ? 'call' : config === phoneMachine.config ? 'phone' : null;
  };
  const inspect = (event: InspectionEvent) => {
    if (!hops) return;
    const machine = machineOf(event.actorRef);
    if (!machine) return;
    if (event.type === '@xstate.snapshot') {
      if (machine === 'call') hops.callMacrosteps++;
      else hops.phoneMacrosteps++;
    } else if (event.type === '@xstate.event') {
      // Done events carry the generated id of the actor: one label for all.
      (machine === 'call' ? hops.callEvents : hops.phoneEvents).push(event.event.type.replace(/^(xstate\.(?:done|error)\.actor)\..*/, '$1.<id>'));
    }
  };
  const userAgent = createJsSipUserAgent({ uri: AOR, servers: socket.url, credentials: { authorizationUser: 'alice', password: 'pw' }, jssip });
  const phone = createPhone({ userAgent, register: false, qualityReports: false, inspect: createRedactingInspector(inspect) });
  phone.start();
  await connected(() => phone.state.transport === 'connected');
  const count = (o: Observable) => () => {
    if (hops) hops.emissions[o]++;
  };
  phone.state$.subscribe(count('phone.state$'));
  phone.sessions$.subscribe(count('phone.sessions$'));
  phone.events$.subscribe(count('phone.events$'));

  const reported: Record<Kind, (state: CallState) => boolean> = {
    '180 Ringing': (s) => s.phase === 'ringing',
    '200 OK to INVITE': (s) => s.phase === 'confirmed',
    're-INVITE (hold)': (s) => s.remoteHold,
    'INFO DTMF': () => true,
    BYE: (s) => s.phase === 'ended',
  };
  const out = new Map<Kind, Hops[]>(KINDS.map((k) => [k, []]));
  const stream = fakeAudioStream();
  for (let i = 0; i < CALLS; i++) {
    const invite = nextSent(socket, /^INVITE /);
    const result = await phone.call('bob', { mediaStream: stream });
    if (!result.ok) throw new Error(`phone.call refused: ${result.message}`);
    const session: Session = phone.getSession(result.callId!)!;
    const far = new FarEndDialog(await invite, i + 1);
    await sleep(QUIET_MS);
    let state: CallState = session.state;
    let dtmfSeen = false;
    session.state$.subscribe((s) => {
      state = s;
      count('session.state$')();
    });
    session.status$.subscribe(count('session.status$'));
    session.events$.subscribe((e) => {
      if ((e as { name: string }).name === 'dtmf') dtmfSeen = true;
      count('session.events$')();
    });
    userAgent.getCall(result.callId!)!.subscribe((event: CallPortEvent) => hops?.portEvents.push(kindOf(event)));
    await sleep(QUIET_MS);
    const measure = async (kind: Kind, raw: string) => {
      hops = fresh();
      dtmfSeen = false;
      socket.deliver(raw);
      const done = () => (kind === 'INFO DTMF' ? dtmfSeen : reported[kind](state));
      for (let t = 0; t < 5000 && !done(); t++) await sleep(1);
      if (!done()) throw new Error(`${kind}: no emission within 5 s`);
      await sleep(QUIET_MS);
      out.get(kind)!.push(hops);
      hops = null;
    };
    await measure('180 Ringing', far.ringing());
    await measure('200 OK to INVITE', far.ok());
    const answered = nextSent(socket, /^SIP\/2\.0 200/);
    await measure('re-INVITE (hold)', far.holdReinvite());
    await answered;
    socket.deliver(far.ack());
    await sleep(QUIET_MS);
    await measure('INFO DTMF', far.infoDtmf('5'));
    await measure('BYE', far.bye());
  }
  phone.destroy();
  return out;
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

/** CPU profile of calls over the memory adapter; prints the top functions, writes the profile. */
async function profileCalls(): Promise<string[]> {
  const network = new MemorySipNetwork();
  const far = new FarEnd(network, '9000', false);
  const { phone } = memoryPhone(network, '1000', { qualityReports: false });
  await network.settle();
  const call = async () => {
    const result = await phone.call('9000');
    await network.settle();
    const leg = far.legs.get(result.callId!)!;
    leg.answer({});
    await network.settle();
    leg.hangup();
    await network.settle();
    far.drop(result.callId!);
  };
  for (let i = 0; i < 50; i++) await call(); // warm-up
  const session = new InspectorSession();
  session.connect();
  const post = <T>(method: string, params?: object) =>
    new Promise<T>((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result as T))));
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 100 });
  await post('Profiler.start');
  for (let i = 0; i < PROFILED_CALLS; i++) await call();
  const { profile } = await post<{ profile: { nodes: ProfileNode[] } }>('Profiler.stop');
  session.disconnect();
  phone.destroy();

  const dir = join(process.cwd(), 'bench', '.profiles');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'hop-count.cpuprofile');
  writeFileSync(file, JSON.stringify(profile));

  const packageOf = (url: string): string => {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
    if (m) return m[1]!;
    if (url.includes('/bench/.build/')) return 'callstate (bundled with the benchmark)';
    if (url === '') return '(native, GC, idle)';
    return url.startsWith('node:') ? 'node' : url;
  };
  const byFunction = new Map<string, number>();
  const byPackage = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (hits === 0) continue;
    total += hits;
    const { functionName, url, lineNumber } = node.callFrame;
    const pkg = packageOf(url);
    const key = `${functionName || '(anonymous)'} [${pkg}${pkg.startsWith('callstate') || url.includes('node_modules') ? `:${lineNumber + 1}` : ''}]`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + hits);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + hits);
  }
  const pct = (n: number) => `${((100 * n) / total).toFixed(1)}%`;
  const lines = [
    `CPU profile of ${PROFILED_CALLS} calls over the memory adapter (place, answer, hang up), ${total} samples; self time by package:`,
    ...[...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([pkg, n]) => `  ${pct(n).padStart(6)}  ${pkg}`),
    'top functions by self time:',
    ...[...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([fn, n]) => `  ${pct(n).padStart(6)}  ${fn}`),
    `whole profile: ${file}`,
  ];
  for (const line of lines) console.log(line);
  return lines;
}

async function main(): Promise<void> {
  const counted = await countHops();
  const rows: Row[] = [];
  const notes: string[] = [];
  for (const kind of KINDS) {
    const all = counted.get(kind)!;
    const first = all[0]!;
    const same = all.every((h) => signature(h) === signature(first));
    const emissions = OBSERVABLES.filter((o) => first.emissions[o] > 0).map((o) => `${o} ${first.emissions[o]}`).join(', ');
    const summary = `port events ${first.portEvents.length}, call macrosteps ${first.callMacrosteps}, phone macrosteps ${first.phoneMacrosteps}, emissions ${emissionsOf(first)}`;
    for (const [measure, value] of [
      ['port events', first.portEvents.length],
      ['XState macrosteps (call + phone)', first.callMacrosteps + first.phoneMacrosteps],
      ['observable emissions', emissionsOf(first)],
    ] as const) {
      rows.push(row({ measure: `${kind}: ${measure} (n=${all.length})`, unit: 'hops', p50: value, p95: value, n: all.length }));
    }
    notes.push(
      `${kind}: ${summary}${same ? '' : ' (NOT the same on every call: first call shown)'}; port: ${first.portEvents.join(', ') || 'none'}; ` +
        `call machine received: ${first.callEvents.join(', ') || 'none'}; phone machine received: ${first.phoneEvents.join(', ') || 'none'}; emissions: ${emissions || 'none'}`,
    );
    console.log(notes[notes.length - 1]);
  }
  notes.push(...(await profileCalls()));
  report({ id: 'hop-count', title: '7. hop count of a SIP message (JsSIP → observables)', rows, notes });
  setTimeout(() => process.exit(0), 50);
}

void main().catch((error) => {
  console.error(error);
  process.exit(1);
});
