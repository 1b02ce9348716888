/**
 * The scripted tour of the demo page: three phones (1001, 1002, 1003) in three Chromium browser
 * contexts, driven by real clicks. Each step waits for what the page shows (no fixed sleeps), and every
 * line the page's transcript receives from the library is passed on as it happens.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import type { Phone } from '../../src';
import type { DemoLogEntry } from '../page/log';

export const CHROMIUM = '/usr/bin/chromium';

/**
 * Chromium flags (see the e2e recipe): fake microphones and two fake cameras, no permission prompt,
 * the screen capture picked without a prompt, ICE on loopback.
 */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream=device-count=2',
  '--auto-select-desktop-capture-source=Entire screen',
  '--autoplay-policy=no-user-gesture-required',
  '--allow-loopback-in-peer-connection',
];

export const USERS = ['1001', '1002', '1003'] as const;

/** Width of each phone's page, in CSS pixels (the screenshots keep it). */
const PAGE_WIDTH = 880;
export type User = (typeof USERS)[number];

/** Display names, sent in SIP and shown as text by the page (the markup must show up literally). */
export const NAMES: Record<User, string> = { '1001': 'Ada <b>Lovelace</b>', '1002': 'Grace Hopper', '1003': 'Alan & Co' };

export interface TourOptions {
  /** The demo page, e.g. http://127.0.0.1:8000/ */
  readonly url: string;
  /** Where the screenshots go. */
  readonly outputDir: string;
  /** Every transcript entry of every page, as it happens. */
  readonly onEntry?: (entry: DemoLogEntry) => void;
  /** Each step's title, as it starts. */
  readonly onStep?: (title: string) => void;
  /** Longest wait for one thing the page should show, ms. */
  readonly waitMs?: number;
  /** Scripts to run in every page before the demo (hooks, e.g. for an inspector). */
  readonly initScripts?: readonly string[];
  /** Called after each key moment's screenshots, while the tour waits (e.g. the inspector's own screenshot). */
  readonly onScreenshot?: (moment: TourMoment) => Promise<void>;
  readonly executablePath?: string;
}

export interface TourResult {
  /** Each phone's whole transcript. */
  readonly logs: Record<User, DemoLogEntry[]>;
  /** Screenshot files written, in order. */
  readonly screenshots: string[];
  /** Steps and how long each took, ms. */
  readonly steps: Array<{ title: string; ms: number }>;
  /** Texts the page showed that the tour checks (display names, DTMF received…). */
  readonly shown: Record<string, string>;
}

type Phones = Record<User, Page>;

/** A key moment of the tour, as its screenshots were taken. */
export interface TourMoment {
  /** The screenshot's name (`ringing`, `talking`, `hold`, …). */
  readonly name: string;
  /** Its number, the `NN` of `NN-<name>.png`. */
  readonly shot: number;
  readonly outputDir: string;
  /** The tour's Chromium, for pages of one's own (in a new context). */
  readonly browser: Browser;
  /** The three demo pages. */
  readonly phones: Readonly<Phones>;
  /** Longest wait for one thing a page should show, ms. */
  readonly waitMs: number;
}

/** Run the tour. Throws (with the step) when the page does not show what it should. */
export async function runTour(options: TourOptions): Promise<TourResult> {
  const waitMs = options.waitMs ?? 15_000;
  mkdirSync(options.outputDir, { recursive: true });
  const logs = { '1001': [], '1002': [], '1003': [] } as Record<User, DemoLogEntry[]>;
  const screenshots: string[] = [];
  const steps: Array<{ title: string; ms: number }> = [];
  const shown: Record<string, string> = {};
  let browser: Browser | null = null;
  const contexts: BrowserContext[] = [];
  let shot = 0;

  const step = async (title: string, body: () => Promise<void>) => {
    options.onStep?.(title);
    const t0 = Date.now();
    try {
      await body();
    } catch (error) {
      throw new Error(`tour step "${title}" failed: ${(error as Error).message}`);
    }
    steps.push({ title, ms: Date.now() - t0 });
  };

  try {
    browser = await chromium.launch({ executablePath: options.executablePath ?? CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
    const phones = {} as Phones;
    for (const user of USERS) {
      const context = await browser.newContext({ viewport: { width: PAGE_WIDTH, height: 900 } });
      contexts.push(context);
      for (const script of options.initScripts ?? []) await context.addInitScript(script);
      const page = await context.newPage();
      page.setDefaultTimeout(waitMs);
      await page.exposeFunction('callstateDemoSink', (entry: DemoLogEntry) => {
        logs[user].push(entry);
        options.onEntry?.(entry);
      });
      page.on('pageerror', (error) => options.onEntry?.({ at: 0, user, kind: 'ui', text: `PAGE ERROR: ${error.message}` }));
      const query = new URLSearchParams({ user, name: NAMES[user] });
      await page.goto(`${options.url}?${query.toString()}`);
      await page.locator('body[data-ready="true"]').waitFor();
      phones[user] = page;
    }
    const [A, B, C] = [phones['1001'], phones['1002'], phones['1003']];

    const screenshot = async (name: string) => {
      shot += 1;
      const base = `${String(shot).padStart(2, '0')}-${name}`;
      const images: string[] = [];
      for (const user of USERS) {
        const file = join(options.outputDir, `${base}-${user}.png`);
        const png = await phones[user].screenshot({ path: file, fullPage: true });
        images.push(png.toString('base64'));
        screenshots.push(file);
      }
      // The three phones side by side at their own size (text stays readable), rendered by the browser
      // itself (no image library needed).
      const page = await contexts[0]!.newPage();
      try {
        await page.setViewportSize({ width: 3 * PAGE_WIDTH + 24, height: 900 });
        await page.setContent(
          `<body style="margin:0;background:#374151;display:flex;gap:6px;padding:6px;font:14px system-ui">` +
            images
              .map((img, i) => `<figure style="margin:0;flex:none;width:${PAGE_WIDTH}px"><figcaption style="color:#fff;padding:2px 4px;font-size:16px">${USERS[i]} · ${name}</figcaption>` +
                `<img style="width:${PAGE_WIDTH}px;display:block" src="data:image/png;base64,${img}"></figure>`)
              .join('') +
            '</body>',
        );
        const file = join(options.outputDir, `${base}.png`);
        await page.screenshot({ path: file, fullPage: true });
        screenshots.push(file);
      } finally {
        await page.close();
      }
      await options.onScreenshot?.({ name, shot, outputDir: options.outputDir, browser: browser!, phones, waitMs });
    };

    const active = (page: Page, remote: string, extra = '') => page.locator(`div.calls:not(.history) > .call[data-remote="${remote}"]${extra}`);
    const ended = (page: Page, remote: string, cause: string) => page.locator(`div.history > .call[data-remote="${remote}"][data-end-cause="${cause}"]`).first();
    const click = (scope: Locator | Page, action: string) => scope.locator(`button[data-action="${action}"]`).first().click();
    const dial = async (page: Page, number: string) => {
      for (const key of number) await page.locator(`button[data-dial="${key}"]`).click();
      await click(page, 'call');
    };
    const seen = (locator: Locator) => locator.waitFor({ state: 'visible' });
    const gone = (locator: Locator) => locator.waitFor({ state: 'detached' });
    const waitReports = async (card: Locator, count: number) => {
      await card.waitFor();
      const handle = await card.elementHandle();
      await card.page().waitForFunction(([element, n]) => Number(element!.dataset.reports ?? 0) >= n, [handle, count] as const, { timeout: waitMs });
    };

    await step('1. Three phones register (1001, 1002, 1003)', async () => {
      for (const page of [A, B, C]) await click(page, 'register');
      for (const page of [A, B, C]) await seen(page.locator('body[data-registration="registered"]'));
    });

    await step('2. 1001 dials 1002 on the dial pad; 1002 rings', async () => {
      await dial(A, '1002');
      await seen(active(A, '1002', '[data-phase="ringing"]'));
      const banner = B.locator('.banner[data-remote="1001"]');
      await seen(banner);
      shown.bannerName = (await banner.locator('.name').textContent()) ?? '';
      await screenshot('ringing');
    });

    await step('3. 1002 answers from the banner; both talk, quality reports arrive', async () => {
      await click(B.locator('.banner[data-remote="1001"]'), 'banner-answer');
      await seen(active(A, '1002', '[data-phase="confirmed"]'));
      await seen(active(B, '1001', '[data-phase="confirmed"]'));
      await waitReports(active(A, '1002'), 2);
      await waitReports(active(B, '1001'), 2);
      shown.cardName = (await active(B, '1001').locator('.name').textContent()) ?? '';
      await screenshot('talking');
    });

    await step('4. 1001 holds, then unholds', async () => {
      await click(active(A, '1002'), 'hold');
      await seen(active(A, '1002', '[data-hold="held"]'));
      await seen(active(B, '1001', '[data-remote-hold="true"]'));
      await screenshot('hold');
      await click(active(A, '1002'), 'unhold');
      await seen(active(A, '1002', '[data-hold="active"]'));
      await seen(active(B, '1001', '[data-remote-hold="false"]'));
    });

    await step('5. 1001 mutes, sends DTMF 1 2 3, starts recording', async () => {
      const card = active(A, '1002');
      await click(card, 'mute');
      await seen(active(A, '1002', '[data-muted="true"]'));
      for (const key of '123') await card.locator(`button[data-action="dtmf"][data-key="${key}"]`).click();
      const received = active(B, '1001').locator('.dtmf-received');
      await seen(B.locator('div.calls:not(.history) > .call[data-remote="1001"] .dtmf-received:text("received: 123")'));
      shown.dtmfReceived = (await received.textContent()) ?? '';
      await click(card, 'record');
      await seen(active(A, '1002', '[data-recording="recording"]'));
      await screenshot('mute-dtmf-record');
      await click(card, 'pauseRecord');
      await seen(active(A, '1002', '[data-recording="paused"]'));
      await click(card, 'unmute');
      await seen(active(A, '1002', '[data-muted="false"]'));
    });

    await step('6. 1001 blind-transfers 1002 to 1003; 1003 answers', async () => {
      const card = active(A, '1002');
      await card.locator('input.transfer-target').fill('1003');
      await click(card, 'blindTransfer');
      const banner = C.locator('.banner[data-remote="1002"]');
      await seen(banner);
      await screenshot('blind-transfer-ringing');
      await click(banner, 'banner-answer');
      await seen(active(B, '1003', '[data-phase="confirmed"]'));
      await seen(active(C, '1002', '[data-phase="confirmed"]'));
      await seen(ended(A, '1002', 'transferred'));
      await gone(active(B, '1001'));
      await waitReports(active(C, '1002'), 2);
      await screenshot('after-blind-transfer');
    });

    await step('7. 1003 hangs up', async () => {
      await click(active(C, '1002'), 'hangup');
      await gone(active(B, '1003'));
      await gone(active(C, '1002'));
    });

    await step('8. 1001 calls 1002 again; 1002 answers', async () => {
      await dial(A, '1002');
      const banner = B.locator('.banner[data-remote="1001"]');
      await seen(banner);
      await click(banner, 'banner-answer');
      await seen(active(A, '1002', '[data-phase="confirmed"]'));
      await seen(active(B, '1001', '[data-phase="confirmed"]'));
    });

    await step('9. Attended transfer: 1001 consults 1003 (1002 held), 1003 answers, 1001 completes', async () => {
      const parent = active(A, '1002');
      await parent.locator('input.transfer-target').fill('1003');
      await click(parent, 'consult');
      await seen(active(A, '1002', '[data-hold="held"][data-transfer="attended.consulting"]'));
      await seen(active(B, '1001', '[data-remote-hold="true"]'));
      const banner = C.locator('.banner[data-remote="1001"]');
      await seen(banner);
      await click(banner, 'banner-answer');
      await seen(active(A, '1003', '[data-phase="confirmed"][data-consultation-for="1002"]'));
      await seen(active(C, '1001', '[data-phase="confirmed"]'));
      await screenshot('consultation');
      await click(active(A, '1002'), 'completeTransfer');
      await seen(ended(A, '1002', 'transferred'));
      await gone(active(A, '1003'));
      await seen(active(B, '1003', '[data-phase="confirmed"]'));
      await seen(active(C, '1002', '[data-phase="confirmed"]'));
      await seen(ended(C, '1001', 'replaced'));
      await waitReports(active(B, '1003'), 2);
      await screenshot('after-attended-transfer');
    });

    await step('10. 1002 hangs up; every phone is idle', async () => {
      await click(active(B, '1003'), 'hangup');
      for (const page of [A, B, C]) await gone(page.locator('div.calls:not(.history) > .call'));
      await screenshot('hung-up');
    });

    const flowingIn = async (card: Locator) => {
      await card.waitFor();
      const handle = await card.elementHandle();
      await card
        .page()
        .waitForFunction((element) => {
          const video = element!.querySelector('video.remote') as HTMLVideoElement | null;
          return video !== null && video.videoWidth > 0 && !video.paused;
        }, handle, { timeout: waitMs })
        .catch(async (error: Error) => {
          const seen = await card.page().evaluate((element) => {
            const video = element!.querySelector('video.remote') as HTMLVideoElement;
            const stream = video.srcObject as MediaStream | null;
            const phone = (window as unknown as { callstateDemo: { phone: Phone } }).callstateDemo.phone;
            const session = phone.getSessions().find((x) => x.state.phase === 'confirmed');
            const pc = (session?.RTCSession as { connection?: RTCPeerConnection } | undefined)?.connection;
            const transceivers = pc?.getTransceivers().map((t) => `${t.mid}:${t.receiver.track.kind}:${t.direction}/${t.currentDirection}:${t.sender.track?.readyState ?? 'none'}:${t.receiver.track.id === stream?.getVideoTracks()[0]?.id}`);
            return { width: video.videoWidth, paused: video.paused, readyState: video.readyState, tracks: stream?.getTracks().map((t) => `${t.kind}:${t.readyState}:${t.muted}`), transceivers, sdp: pc?.currentRemoteDescription?.sdp.split('\r\n').filter((l) => /^(m=|a=(mid|send|recv|inactive|msid))/.test(l)) };
          }, handle);
          throw new Error(`${error.message}; remote video: ${JSON.stringify(seen)}`);
        });
    };
    const invitesSent = (page: Page) =>
      page.evaluate(() => (window as unknown as { callstateDemo: { log: ReadonlyArray<{ kind: string; text: string }> } }).callstateDemo.log.filter((e) => e.kind === 'call-event' && e.text.startsWith('reinvite')).length);

    await step('11. 1001 makes a video call to 1002; 1002 answers with video; each sees the other', async () => {
      await A.locator('#dial-number').fill('1002');
      await click(A, 'video-call');
      const banner = B.locator('.banner[data-remote="1001"]');
      await seen(banner);
      await click(banner, 'banner-answer-video');
      await seen(active(A, '1002', '[data-phase="confirmed"][data-video="on"][data-video-local="camera"][data-video-remote="true"]'));
      await seen(active(B, '1001', '[data-phase="confirmed"][data-video="on"][data-video-local="camera"][data-video-remote="true"]'));
      await flowingIn(active(A, '1002'));
      await flowingIn(active(B, '1001'));
      await waitReports(active(A, '1002'), 2);
      await screenshot('video-call');
    });

    await step('12. 1001 picks its other camera (no re-INVITE), then shares its screen and stops', async () => {
      const before = await invitesSent(B);
      const select = A.locator('select[data-device="camera"]');
      const current = await select.inputValue();
      const other = await select.locator('option').evaluateAll((options, value) => options.map((o) => (o as HTMLOptionElement).value).find((v) => v !== value), current);
      if (!other) throw new Error('1001 has only one camera');
      await select.selectOption(other);
      await A.waitForFunction(
        (id) => {
          const phone = (window as unknown as { callstateDemo: { phone: Phone } }).callstateDemo.phone;
          const session = phone.getSessions().find((s) => s.state.phase === 'confirmed');
          const pc = (session?.RTCSession as { connection?: RTCPeerConnection } | undefined)?.connection;
          const track = pc?.getSenders().find((sender) => sender.track?.kind === 'video')?.track;
          return phone.deviceIds.cameraId === id && track?.getSettings().deviceId === id;
        },
        other,
        { timeout: waitMs },
      );
      await flowingIn(active(B, '1001'));
      if ((await invitesSent(B)) !== before) throw new Error('the camera swap sent a re-INVITE');
      await screenshot('camera-swap');
      await click(active(A, '1002'), 'shareScreen');
      await seen(active(A, '1002', '[data-video-local="screen"]'));
      await flowingIn(active(B, '1001'));
      await screenshot('screen-share');
      await click(active(A, '1002'), 'stopShare');
      await seen(active(A, '1002', '[data-video-local="camera"]'));
      await click(active(A, '1002'), 'hangup');
      await gone(active(B, '1001'));
    });

    await step('13. 1001 calls 1003 (audio), adds video; 1003 accepts it', async () => {
      await dial(A, '1003');
      const banner = C.locator('.banner[data-remote="1001"]');
      await seen(banner);
      await click(banner, 'banner-answer');
      await seen(active(A, '1003', '[data-phase="confirmed"][data-video="off"]'));
      await click(active(A, '1003'), 'addVideo');
      await seen(active(C, '1001', '[data-video="offered"]'));
      await screenshot('video-offered');
      await click(active(C, '1001'), 'acceptVideo');
      await seen(active(A, '1003', '[data-video="on"][data-video-remote="true"]'));
      await seen(active(C, '1001', '[data-video="on"][data-video-remote="true"]'));
      // The state says video both ways on each side; the frames of an upgraded call are checked by the
      // browser tests (test/e2e/video-calls.test.ts), not here.
      await screenshot('upgraded');
      await click(active(A, '1003'), 'hangup');
      await gone(active(C, '1001'));
    });

    await step('14. Every phone disconnects', async () => {
      for (const page of [A, B, C]) await click(page, 'disconnect');
      for (const page of [A, B, C]) await seen(page.locator('body[data-transport="disconnected"]'));
      await screenshot('disconnected');
    });
    writeFileSync(join(options.outputDir, 'transcript.json'), JSON.stringify(logs, null, 1));
  } finally {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
  }
  return { logs, screenshots, steps, shown };
}
