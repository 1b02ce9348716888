/**
 * The inspector page in Chromium (Debian's, through playwright-core): memory-network phones in this
 * process send to the relay, and the page shows bob's incoming call highlighted as it goes
 * ringing → confirmed → held → ended, with the events listed. Saves test-output/inspector-held.png
 * during the held call. Runs inside the loopback-only namespace of `npm test`, like the
 * integration tests; elsewhere it is reported as skipped.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { createPhone } from '../../src/phone';
import type { Phone } from '../../src/phone';
import { MemorySipNetwork } from '../../adapters/memory';
import { createRelayInspector, startInspector } from '../../src/inspect';
import type { InspectorServer, RelayInspector } from '../../src/inspect';
import { NETNS } from '../integration/environment';
import { ROOT, buildPage } from './support';

const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SKIP = NETNS ? null : 'not inside a loopback-only network namespace (run `npm test` as root; scripts/test.mjs creates one)';

if (SKIP) process.stderr.write(`\n*** CHROMIUM INSPECTOR TEST SKIPPED: ${SKIP}\n\n`);
const describeChromium = SKIP ? describe.skip : describe;

jest.setTimeout(120_000);

describeChromium('the inspector page in Chromium', () => {
  let server: InspectorServer;
  let browser: Browser;
  let page: Page;
  const phones: Phone[] = [];
  const inspectors: RelayInspector[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (scripts/ci-install.sh)`);
    server = await startInspector({ port: 0, pageDir: buildPage() });
    // launch() gives the browser a fresh temporary profile (user-data-dir) of its own.
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  });

  afterAll(async () => {
    for (const phone of phones) phone.destroy();
    for (const inspector of inspectors) inspector.close();
    await browser?.close();
    await server?.close();
  });

  it("highlights bob's call going ringing → confirmed → held → ended, and lists the events", async () => {
    await page.goto(server.url);
    await page.waitForSelector('#connection[data-status="open"]');

    const network = new MemorySipNetwork();
    for (const [number, label] of [['1001', 'alice'], ['1002', 'bob']]) {
      const inspector = createRelayInspector({ url: server.relayUrl, label });
      inspectors.push(inspector);
      phones.push(createPhone({ userAgent: network.createUserAgent({ number, password: `${label}-pw` }), qualityReports: false, inspect: inspector.inspect }));
    }
    const [alice, bob] = phones;
    alice.start();
    bob.start();
    await network.settle();
    const { callId } = await alice.call('1002');
    await network.settle();
    expect(bob.getSession(callId!)!.state.phase).toBe('ringing');

    const tab = page.locator(`.actor-tab[data-machine="call"][data-label="bob"][data-actor-id="${callId}"]`);
    await tab.click();
    await page.waitForSelector('.actor-tab[aria-selected="true"][data-label="bob"][data-machine="call"]');
    const leaf = (path: string) => page.waitForSelector(`#diagram [data-state-path="${path}"].active-leaf`);
    const shown: string[] = [];
    const activeText = async () => (await page.locator('#active-paths').textContent()) ?? '';

    await leaf('call.ringing');
    shown.push(await activeText());

    await bob.answer(callId!);
    await network.settle();
    await leaf('call.confirmed.hold.active');
    await page.waitForSelector('#diagram [data-state-path="call.confirmed"].active-state');
    shown.push(await activeText());

    expect(bob.hold(callId!)).toBe(true);
    await network.settle();
    await leaf('call.confirmed.hold.held');
    shown.push(await activeText());
    // Nothing else of the call is highlighted as a leaf but the parallel regions' states.
    expect(await page.locator('#diagram .active-leaf').evaluateAll((nodes) => nodes.map((n) => (n as HTMLElement).dataset.statePath))).toEqual(
      expect.arrayContaining(['call.confirmed.hold.held', 'call.confirmed.mute.unmuted']),
    );
    await page.waitForSelector('#log tr.kind-snapshot');
    mkdirSync(join(ROOT, 'test-output'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'test-output/inspector-held.png'), fullPage: true });

    expect(bob.hangup(callId!)).toBe(true);
    await network.settle();
    await leaf('call.ended');
    shown.push(await activeText());
    await page.waitForSelector(`.actor-tab[aria-selected="true"][data-status="done"]`);

    expect(shown).toEqual(['call.ringing', expect.stringContaining('call.confirmed.hold.active'), expect.stringContaining('call.confirmed.hold.held'), 'call.ended']);
    // The event list: timestamps, the actor, the event types that moved the call.
    const rows = await page.locator('#log tr').evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent)));
    expect(rows.length).toBeGreaterThan(4);
    for (const row of rows) expect(row[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3}$/);
    const eventTypes = rows.filter((row) => row[2] === 'event').map((row) => row[3]);
    expect(eventTypes).toEqual(expect.arrayContaining(['CALL.ANSWER', 'CALL.HOLD', 'CALL.HANGUP']));
    // Both phones and the call of each are listed.
    expect(await page.locator('.actor-tab[data-machine="phone"]').count()).toBe(2);
    expect(await page.locator(`.actor-tab[data-machine="call"][data-actor-id="${callId}"]`).count()).toBe(2);
  });
});
