/**
 * End-to-end: the demo page in real Chromium (Debian's /usr/bin/chromium through playwright-core),
 * three browser contexts (1001, 1002, 1003) registered on the project's Kamailio, going through the
 * demo's tour by real clicks. The tour waits for what the page shows; this test then checks what the
 * library reported to the page (states, events, quality reports). The tour runs with the offline
 * inspector on, as `npm run demo -- --inspect` does: every page sends its inspection events to the
 * relay, and during the held call an inspector page of the test's own (in the tour's Chromium) must list
 * the three phones and highlight the call's `held` state. Runs inside the loopback-only network
 * namespace that `npm test` makes as root; skipped, loudly, anywhere else.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CallQualityReport, CallState, PhoneState } from '../../src';
import WebSocket from 'ws';
import type { DemoLogEntry } from '../../demo/page/log';
import { actorTabSelector, createInspectHook, showOnInspector, type InspectHook } from '../../demo/tour/inspect';
import { DemoKamailio, DemoServer } from '../../demo/tour/stack';
import { NAMES, runTour, type TourMoment, type TourResult, type User } from '../../demo/tour/tour';
import { browserE2eSkipReason } from '../support/browser-e2e';

jest.setTimeout(180_000);

const root = join(__dirname, '../..');
const outputDir = join(root, 'demo-output/e2e');

const skipReason = browserE2eSkipReason;

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
  let hook: InspectHook;
  let result: TourResult;
  const pageErrors: string[] = [];
  /** What an inspector page of the test's own showed during the held call. */
  let duringHold: { phones: string[]; callId: string; selected: string | null; leaves: string[]; activePaths: string; heldFill: string } | null = null;
  /** Everything the relay received, as a page connecting after the tour gets it. */
  let relayed: Array<Record<string, unknown>> = [];

  /** At the `hold` moment: a fresh inspector page in the tour's Chromium, queried by its DOM. */
  async function inspectHold(moment: TourMoment): Promise<void> {
    const context = await moment.browser.newContext({ viewport: { width: 1400, height: 1000 } });
    try {
      const page = await context.newPage();
      page.setDefaultTimeout(moment.waitMs);
      await page.goto(hook.url);
      await page.locator('#connection[data-status="open"]').waitFor();
      for (const user of ['1001', '1002', '1003']) await page.locator(actorTabSelector(user, null)).waitFor();
      const callId = (await moment.phones['1001'].locator('div.calls:not(.history) > .call[data-remote="1002"]').getAttribute('data-call-id'))!;
      await showOnInspector(page, actorTabSelector('1001', callId), ['call.confirmed.hold.held']);
      duringHold = {
        phones: await page.locator('.actor-tab[data-machine="phone"]').evaluateAll((tabs) => tabs.map((t) => (t as HTMLElement).dataset.label ?? '')),
        callId,
        selected: await page.locator('.actor-tab[aria-selected="true"]').getAttribute('data-actor-id'),
        leaves: await page.locator('#diagram svg g.active-leaf').evaluateAll((nodes) => nodes.map((n) => (n as SVGElement).dataset.statePath ?? '')),
        activePaths: (await page.locator('#active-paths').textContent()) ?? '',
        heldFill: await page.locator('#diagram svg g[data-state-path="call.confirmed.hold.held"] > :is(polygon, path, ellipse)').first().evaluate((shape) => getComputedStyle(shape).fill),
      };
    } finally {
      await context.close();
    }
  }

  beforeAll(async () => {
    hook = await createInspectHook(root);
    kamailio = await DemoKamailio.start(root);
    server = await DemoServer.start(root, { server: kamailio.wsUrl, reportMs: 1000 });
    result = await runTour({
      url: server.url,
      outputDir,
      initScripts: hook.initScripts,
      onScreenshot: async (moment) => {
        await hook.onScreenshot(moment);
        if (moment.name === 'hold') await inspectHold(moment);
      },
      onEntry: (entry) => {
        if (entry.text.startsWith('PAGE ERROR')) pageErrors.push(`${entry.user}: ${entry.text}`);
      },
    });
    relayed = await new Promise((resolve, reject) => {
      const viewer = new WebSocket(`${hook.relayUrl}?role=viewer`);
      viewer.once('error', reject);
      viewer.once('message', (data) => {
        viewer.close();
        resolve((JSON.parse(String(data)) as { messages: Array<Record<string, unknown>> }).messages);
      });
    });
  });

  afterAll(async () => {
    await server?.stop();
    await kamailio?.stop();
    await hook?.close();
  });

  const log = (user: User) => result.logs[user];
  const texts = (user: User, kind: DemoLogEntry['kind'], call?: string) =>
    log(user).filter((e) => e.kind === kind && (call === undefined || e.call === call)).map((e) => e.text);
  const states = (user: User, call: string) => log(user).filter((e) => e.kind === 'call' && e.call === call).map((e) => e.data as CallState);
  const reports = (user: User, call: string) => log(user).filter((e) => e.kind === 'report' && e.call === call).map((e) => e.data as CallQualityReport);
  const phoneStates = (user: User) => log(user).filter((e) => e.kind === 'phone').map((e) => e.data as PhoneState);

  test('every step ran, the pages raised no error, the screenshots are there', () => {
    expect(result.steps.map((s) => s.title.split('.')[0])).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12', '13', '14']);
    expect(pageErrors).toEqual([]);
    expect(result.screenshots).toHaveLength(15 * 4);
    for (const file of result.screenshots) expect(existsSync(file)).toBe(true);
  });

  test('with inspection on, the inspector page lists the three phones and highlights the held call', () => {
    expect(duringHold).not.toBeNull();
    const shown = duringHold!;
    expect([...shown.phones].sort()).toEqual(['1001', '1002', '1003']);
    expect(shown.selected).toBe(shown.callId);
    expect(shown.leaves).toEqual(expect.arrayContaining(['call.confirmed.hold.held', 'call.confirmed.remoteHold.notHeld', 'call.confirmed.mute.unmuted']));
    expect(shown.leaves).not.toContain('call.confirmed.hold.active');
    expect(shown.activePaths).toContain('call.confirmed.hold.held');
    expect(shown.heldFill).toBe('rgb(255, 179, 0)'); // --leaf in inspector.css
  });

  test("the relay got every phone's and call's events, labelled by extension, without the SIP passwords", () => {
    expect(relayed.length).toBeGreaterThan(100);
    const labels = new Set(relayed.map((m) => m.label));
    expect([...labels].sort()).toEqual(['1001', '1002', '1003']);
    const calls = new Set(relayed.filter((m) => m.machine === 'call').map((m) => `${String(m.label)} ${String(m.actorId)}`));
    const onPages = new Set((['1001', '1002', '1003'] as const).flatMap((user) => result.logs[user].filter((e) => e.callId).map((e) => `${user} ${e.callId}`)));
    expect(onPages.size).toBe(14); // 1001: 5 calls, 1002: 5, 1003: 4
    expect([...calls].sort()).toEqual([...onPages].sort());
    const text = JSON.stringify(relayed);
    for (const user of ['1001', '1002', '1003']) expect(text).not.toContain(`pw${user}`);
    expect(hook.screenshots.map((file) => file.slice(outputDir.length + 1))).toEqual(expect.arrayContaining(['03-inspector-hold.png']));
    for (const file of hook.screenshots) expect(existsSync(file)).toBe(true);
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
    // The far end's 2xx (ACKed by JsSIP) takes the caller from ringing to confirmed in one step.
    expect(phases).toEqual(['dialing', 'ringing', 'confirmed', 'ending', 'ended']);
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

  test('video: a video call both ways, a camera swap and screen sharing, then an audio call upgraded to video', () => {
    const video = states('1001', '#4 → 1002').map((s) => s.video);
    expect(video).toEqual(expect.arrayContaining([expect.objectContaining({ negotiation: 'on', local: 'camera', remote: true })]));
    expect(video.some((v) => v.local === 'screen')).toBe(true);
    expect(states('1002', '#5 ← 1001').some((s) => s.video.negotiation === 'on' && s.video.local === 'camera' && s.video.remote)).toBe(true);
    expect(texts('1001', 'ui').filter((t) => t.startsWith('picked camera'))).toEqual([expect.stringMatching(/: in use$/)]);
    const upgraded = states('1001', '#5 → 1003').map((s) => s.video.negotiation);
    expect([...new Set(upgraded)]).toEqual(expect.arrayContaining(['off', 'adding', 'on']));
    expect(states('1003', '#4 ← 1001').map((s) => s.video.negotiation)).toEqual(expect.arrayContaining(['offered', 'answering', 'on']));
    const reportsWithVideo = reports('1002', '#5 ← 1001').filter((r) => r.video !== null && (r.video.framesPerSecond ?? 0) > 0);
    expect(reportsWithVideo.length).toBeGreaterThan(0);
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
