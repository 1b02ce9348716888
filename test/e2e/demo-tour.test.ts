/**
 * End-to-end: the demo page in real Chromium (Debian's /usr/bin/chromium through playwright-core),
 * three browser contexts (1001, 1002, 1003) registered on the project's Kamailio, going through the
 * demo's tour by real clicks. The tour waits for what the page shows; this test then checks what the
 * library reported to the page (states, events, quality reports). Runs inside the loopback-only
 * network namespace that `npm test` makes as root; skipped, loudly, anywhere else.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CallQualityReport, CallState, PhoneState } from '../../src';
import type { DemoLogEntry } from '../../demo/page/log';
import { DemoKamailio, DemoServer, kamailioBinary } from '../../demo/tour/stack';
import { CHROMIUM, NAMES, runTour, type TourResult, type User } from '../../demo/tour/tour';
import { NETNS } from '../integration/environment';

jest.setTimeout(180_000);

const root = join(__dirname, '../..');
const outputDir = join(root, 'demo-output/e2e');

const skipReason = !NETNS
  ? 'not inside a loopback-only network namespace (run `npm test` as root; scripts/test.mjs makes one)'
  : !existsSync(CHROMIUM)
    ? `${CHROMIUM} is missing (scripts/ci-install.sh installs Debian's chromium)`
    : !kamailioBinary()
      ? 'kamailio is missing (scripts/ci-install.sh installs it)'
      : null;

test('the demo page type-checks (tsc -p demo/tsconfig.json)', () => {
  const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'demo/tsconfig.json')], { encoding: 'utf8' });
  expect(tsc.stdout + tsc.stderr).toBe('');
  expect(tsc.status).toBe(0);
});

if (skipReason) process.stderr.write(`\n*** BROWSER END-TO-END TESTS SKIPPED: ${skipReason}\n\n`);
const describeE2e = skipReason ? describe.skip : describe;

describeE2e('the demo page in Chromium: three phones, the whole tour by clicks', () => {
  let kamailio: DemoKamailio;
  let server: DemoServer;
  let result: TourResult;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    kamailio = await DemoKamailio.start(root);
    server = await DemoServer.start(root, { server: kamailio.wsUrl, reportMs: 1000 });
    result = await runTour({
      url: server.url,
      outputDir,
      onEntry: (entry) => {
        if (entry.text.startsWith('PAGE ERROR')) pageErrors.push(`${entry.user}: ${entry.text}`);
      },
    });
  });

  afterAll(async () => {
    await server?.stop();
    await kamailio?.stop();
  });

  const log = (user: User) => result.logs[user];
  const texts = (user: User, kind: DemoLogEntry['kind'], call?: string) =>
    log(user).filter((e) => e.kind === kind && (call === undefined || e.call === call)).map((e) => e.text);
  const states = (user: User, call: string) => log(user).filter((e) => e.kind === 'call' && e.call === call).map((e) => e.data as CallState);
  const reports = (user: User, call: string) => log(user).filter((e) => e.kind === 'report' && e.call === call).map((e) => e.data as CallQualityReport);
  const phoneStates = (user: User) => log(user).filter((e) => e.kind === 'phone').map((e) => e.data as PhoneState);

  test('every step ran, the pages raised no error, the screenshots are there', () => {
    expect(result.steps.map((s) => s.title.split('.')[0])).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11']);
    expect(pageErrors).toEqual([]);
    expect(result.screenshots).toHaveLength(9 * 4);
    for (const file of result.screenshots) expect(existsSync(file)).toBe(true);
  });

  test('each phone connected, registered, and disconnected at the end', () => {
    for (const user of ['1001', '1002', '1003'] as const) {
      const trail = phoneStates(user).map((s) => `${s.transport}/${s.registration}`);
      expect(trail).toContain('connected/registered');
      expect(trail.at(-1)).toBe('disconnected/unregistered');
    }
  });

  test('display names from SIP are shown as text, markup and all', () => {
    expect(result.shown.bannerName).toBe(NAMES['1001']);
    expect(result.shown.cardName).toBe(NAMES['1001']);
  });

  test('the first call: dialing → ringing → confirmed, hold, mute, DTMF, recording, then blind transfer', () => {
    const a = states('1001', '#1 → 1002');
    const phases = [...new Set(a.map((s) => s.phase))];
    expect(phases).toEqual(['dialing', 'ringing', 'answering', 'confirmed', 'ending', 'ended']);
    expect(a.map((s) => s.hold)).toEqual(expect.arrayContaining(['holding', 'held', 'resuming', 'active']));
    expect(a.some((s) => s.muted)).toBe(true);
    expect(a.map((s) => s.recording)).toEqual(expect.arrayContaining(['starting', 'recording', 'pausing', 'paused']));
    expect(a.map((s) => s.transfer)).toEqual(expect.arrayContaining(['blind.referring', 'blind.awaitingOutcome']));
    expect(a.at(-1)!.end).toMatchObject({ cause: 'transferred', originator: 'local' });
    expect(texts('1001', 'call-event', '#1 → 1002')).toEqual(
      expect.arrayContaining(['progress 180', 'accepted', 'confirmed', expect.stringMatching(/^transferSucceeded → /), 'ended: transferred (local)']),
    );

    const b = states('1002', '#1 ← 1001');
    expect(b.map((s) => s.phase)).toEqual(expect.arrayContaining(['ringing', 'answering', 'confirmed', 'ended']));
    expect(b.some((s) => s.remoteHold)).toBe(true);
    expect(b[0]!.remote).toMatchObject({ number: '1001', name: NAMES['1001'] });
    expect(texts('1002', 'call-event', '#1 ← 1001').filter((t) => t.startsWith('dtmf'))).toEqual(['dtmf received: 1', 'dtmf received: 2', 'dtmf received: 3']);
    expect(result.shown.dtmfReceived).toBe('received: 123');
  });

  test('blind transfer: 1002 accepted the REFER and called 1003, which answered', () => {
    expect(texts('1002', 'phone-event').filter((t) => t.startsWith('referReceived'))[0]).toMatch(/^referReceived → sip:1003@127\.0\.0\.1 \(accepted\)$/);
    expect(states('1002', '#2 → 1003').map((s) => s.phase)).toEqual(expect.arrayContaining(['dialing', 'confirmed', 'ended']));
    expect(states('1003', '#1 ← 1002').map((s) => s.phase)).toEqual(expect.arrayContaining(['ringing', 'confirmed', 'ended']));
    expect(states('1003', '#1 ← 1002').at(-1)!.end).toMatchObject({ cause: 'bye', originator: 'local' });
  });

  test('attended transfer: consultation with 1003 while 1002 is held, then 1002 and 1003 connected', () => {
    const parent = states('1001', '#2 → 1002');
    expect(parent.map((s) => s.transfer)).toEqual(expect.arrayContaining(['attended.consulting', 'attended.referring', 'attended.awaitingOutcome']));
    expect(parent.some((s) => s.hold === 'held' && s.transfer === 'attended.consulting')).toBe(true);
    expect(parent.at(-1)!.end).toMatchObject({ cause: 'transferred' });
    const consultation = states('1001', '#3 → 1003');
    expect(consultation[0]!.consultationFor).toBe(parent[0]!.callId);
    expect(consultation.map((s) => s.phase)).toEqual(expect.arrayContaining(['confirmed', 'ended']));
    expect(states('1003', '#2 ← 1001').at(-1)!.end).toMatchObject({ cause: 'replaced' });
    const bc = states('1002', '#4 → 1003');
    expect(bc.map((s) => s.phase)).toEqual(expect.arrayContaining(['confirmed', 'ended']));
    expect(bc.at(-1)!.end).toMatchObject({ cause: 'bye', originator: 'local' });
    expect(states('1003', '#3 ← 1002').at(-1)!.end).toMatchObject({ cause: 'bye', originator: 'remote' });
  });

  test('quality reports with packets received and a MOS on every talking call', () => {
    for (const [user, call] of [['1001', '#1 → 1002'], ['1002', '#1 ← 1001'], ['1003', '#1 ← 1002'], ['1002', '#4 → 1003'], ['1003', '#3 ← 1002']] as const) {
      const list = reports(user, call);
      expect({ user, call, count: list.length }).toMatchObject({ count: expect.any(Number) });
      expect(list.length).toBeGreaterThanOrEqual(2);
      const last = list.at(-1)!;
      expect(last.totals.packetsReceived).toBeGreaterThan(0);
      expect(last.mos).not.toBeNull();
      expect(last.mos!).toBeGreaterThan(4);
      expect(last.codec).toBe('opus');
    }
  });
});
