/**
 * `npm run demo -- --inspect`: the offline inspector (`callstate/inspect`) next to the demo.
 *
 * - Builds the inspector page (visualizations/inspector/build.mjs) into a temporary folder and starts
 *   the relay and the page on 127.0.0.1, on a free port.
 * - Gives every demo page an init script that sets `window.callstateDemoInspectRelay` to the relay's
 *   loopback address; the page (demo/page/main.ts) turns it into `createRelayInspector({ url, label })`
 *   labelled by extension, so the phones' redacted inspection events reach the relay.
 * - At the tour's key moments it opens the inspector page in the tour's own headless Chromium, selects
 *   the actor the moment is about (a call by its Call-ID, or a phone), waits until the page highlights
 *   the states the demo page shows, and writes `NN-inspector-<moment>.png` next to the tour's screenshots.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { startInspector, type InspectorServer } from '../../src/inspect/relay';
import type { TourMoment, User } from './tour';

/** What the inspector shows at one of the tour's moments: whose actor, and the innermost states expected. */
export interface InspectorMoment {
  /** The phone (extension) whose actor is selected. */
  readonly user: User;
  /** The call's remote number on that phone (its card on the demo page gives the Call-ID); `null`: the phone itself. */
  readonly remote: string | null;
  /** State paths the inspector must show as active innermost states before the screenshot. */
  readonly leaves: readonly string[];
}

/** The tour's moments (its screenshot names) that get an inspector screenshot. */
export const INSPECTOR_MOMENTS: Readonly<Record<string, InspectorMoment>> = {
  ringing: { user: '1002', remote: '1001', leaves: ['call.ringing'] },
  talking: { user: '1001', remote: '1002', leaves: ['call.confirmed.hold.active', 'call.confirmed.transfer.idle'] },
  hold: { user: '1001', remote: '1002', leaves: ['call.confirmed.hold.held'] },
  'mute-dtmf-record': { user: '1001', remote: '1002', leaves: ['call.confirmed.mute.muted', 'call.confirmed.record.recording'] },
  'blind-transfer-ringing': { user: '1003', remote: '1002', leaves: ['call.ringing'] },
  consultation: { user: '1001', remote: '1002', leaves: ['call.confirmed.hold.held', 'call.confirmed.transfer.attended.consulting'] },
  'after-attended-transfer': { user: '1003', remote: '1002', leaves: ['call.confirmed.hold.active'] },
  'hung-up': { user: '1001', remote: null, leaves: ['phone.transport.connected', 'phone.registration.registered'] },
};

export interface InspectHook {
  /** The inspector page, e.g. http://127.0.0.1:41234/ */
  readonly url: string;
  /** Where the demo pages send, e.g. ws://127.0.0.1:41234/relay */
  readonly relayUrl: string;
  /** Scripts for every demo page, run before the demo page's own code. */
  readonly initScripts: readonly string[];
  /** Inspector screenshots written so far. */
  readonly screenshots: readonly string[];
  /** Inspection messages the relay received so far. */
  readonly received: number;
  /** The tour's `onScreenshot`: an inspector screenshot at the moments of {@link INSPECTOR_MOMENTS}. */
  onScreenshot(moment: TourMoment): Promise<void>;
  /** Stop the relay and remove the built page. */
  close(): Promise<void>;
}

/** The init script: the relay's address for demo/page/main.ts. */
export function relayInitScript(relayUrl: string): string {
  return `window.callstateDemoInspectRelay = ${JSON.stringify(relayUrl)};`;
}

/** Build the inspector page into a fresh temporary folder; returns it. */
export function buildInspectorPage(root: string): string {
  const outdir = mkdtempSync(join(tmpdir(), 'callstate-demo-inspector-'));
  const result = spawnSync(process.execPath, [join(root, 'visualizations/inspector/build.mjs'), '--outdir', outdir], { encoding: 'utf8' });
  if (result.status !== 0) {
    rmSync(outdir, { recursive: true, force: true });
    throw new Error(`building the inspector page failed: ${result.stderr || result.stdout}`);
  }
  return outdir;
}

const attr = (value: string) => JSON.stringify(value);

/** The selector of an actor's tab on the inspector page. */
export function actorTabSelector(user: string, callId: string | null): string {
  return callId === null
    ? `.actor-tab[data-machine="phone"][data-label=${attr(user)}]`
    : `.actor-tab[data-machine="call"][data-label=${attr(user)}][data-actor-id=${attr(callId)}]`;
}

/** Select an actor on the inspector page (its tab, once listed) and wait until its diagram highlights `leaves`. */
export async function showOnInspector(page: Page, tab: string, leaves: readonly string[]): Promise<void> {
  // Clicked inside the page: the tab list is redrawn on every message, so a click from outside could
  // land on a tab being replaced. Polls until the tab exists and is the selected one.
  await page.waitForFunction(
    (selector) => {
      const element = document.querySelector<HTMLElement>(selector);
      if (!element) return false;
      if (element.getAttribute('aria-selected') === 'true') return true;
      element.click();
      return false;
    },
    tab,
    { polling: 50 },
  );
  for (const leaf of leaves) await page.locator(`#diagram svg g[data-state-path=${attr(leaf)}].active-leaf`).waitFor({ state: 'attached' });
}

/** Start the inspector for the demo: relay and page on 127.0.0.1 (`port` 0: a free one). */
export async function createInspectHook(root: string, options: { port?: number } = {}): Promise<InspectHook> {
  const pageDir = buildInspectorPage(root);
  let server: InspectorServer;
  try {
    server = await startInspector({ host: '127.0.0.1', port: options.port ?? 0, pageDir });
  } catch (error) {
    rmSync(pageDir, { recursive: true, force: true });
    throw error;
  }
  const screenshots: string[] = [];
  let context: BrowserContext | null = null;
  let page: Page | null = null;

  return {
    url: server.url,
    relayUrl: server.relayUrl,
    initScripts: [relayInitScript(server.relayUrl)],
    screenshots,
    get received() {
      return server.received;
    },
    async onScreenshot(moment) {
      const wanted = INSPECTOR_MOMENTS[moment.name];
      if (!wanted) return;
      if (!page || page.isClosed()) {
        context = await moment.browser.newContext({ viewport: { width: 1500, height: 1100 } });
        page = await context.newPage();
        page.setDefaultTimeout(moment.waitMs);
        await page.goto(server.url);
        await page.locator('#connection[data-status="open"]').waitFor();
      }
      let callId: string | null = null;
      if (wanted.remote !== null) {
        const card = moment.phones[wanted.user].locator(`div.calls:not(.history) > .call[data-remote=${attr(wanted.remote)}]`).first();
        callId = await card.getAttribute('data-call-id');
        if (!callId) throw new Error(`no call with ${wanted.remote} on ${wanted.user} to show in the inspector`);
      }
      try {
        await showOnInspector(page, actorTabSelector(wanted.user, callId), wanted.leaves);
      } catch (error) {
        throw new Error(`the inspector did not show ${wanted.leaves.join(', ')} for ${wanted.user}${callId ? ` call ${callId}` : ''}: ${(error as Error).message}`);
      }
      const file = join(moment.outputDir, `${String(moment.shot).padStart(2, '0')}-inspector-${moment.name}.png`);
      await page.screenshot({ path: file, fullPage: false });
      screenshots.push(file);
    },
    async close() {
      const open = context as BrowserContext | null;
      await open?.close().catch(() => undefined);
      await server.close();
      rmSync(pageDir, { recursive: true, force: true });
    },
  };
}
