/**
 * End-to-end: DTMF over RFC 2833/4733 between two demo pages in real Chromium (Debian's
 * /usr/bin/chromium through playwright-core), registered on the project's Kamailio on loopback.
 * 1001 calls 1002, 1002 answers, 1001 sends "123#" through the public API with the phone option
 * `dtmf: { transport: 'rfc2833' }` (the demo's `?dtmf=rfc2833`). What is checked, and where:
 *  - on A: `session.dtmf()` returned true, and the audio sender's RTCDTMFSender played exactly the
 *    tones 1, 2, 3, # (its `tonechange` events);
 *  - both sides' negotiated SDP (local and remote descriptions) carry `telephone-event`;
 *  - on B: the telephone-event RTP packets arrived. Chromium's getStats() does not tell them apart:
 *    its `codec` entries list only the codec in use (opus), `inbound-rtp` counts telephone-event packets
 *    together with voice in `packetsReceived`, and no DTMF counter exists; so B's audio receiver gets a pass-through RTCRtpScriptTransform that sees every
 *    received audio payload with its payload type, and the RFC 4733 payloads are decoded there: the
 *    events must be 1, 2, 3, # (each with its end bit);
 *  - no SIP INFO: B's JsSIP session reports no `newDTMF` and no INFO but a sentinel INFO that A sends
 *    after its last tone, and the library emits no `dtmf` event on B.
 * Runs inside the loopback-only network namespace that `npm test` makes as root; skipped, loudly,
 * anywhere else.
 */
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Phone } from '../../src';
import type { DemoLogEntry } from '../../demo/page/log';
import { DemoKamailio, DemoServer } from '../../demo/tour/stack';
import { CHROMIUM, CHROMIUM_FLAGS } from '../../demo/tour/tour';
import { browserE2eSkipReason } from '../support/browser-e2e';

jest.setTimeout(120_000);

const root = join(__dirname, '../..');
const TONES = '123#';
const SENTINEL_TYPE = 'application/x-callstate-sentinel';

const skipReason = browserE2eSkipReason;

if (skipReason) process.stderr.write(`\n*** BROWSER DTMF (RFC 2833) TEST SKIPPED: ${skipReason}\n\n`);
const describeE2e = skipReason ? describe.skip : describe;

/** What the page-side probes record (kept on `window.dtmfProbe`). */
interface Probe {
  /** A: every `tonechange` of the RTCDTMFSender ('' when the buffer drained). */
  tones: string[];
  /** B: every received audio payload whose payload type is telephone-event, as RFC 4733 decoded it. */
  events: Array<{ pt: number; mimeType: string | null; timestamp: number; event: number; end: boolean; duration: number }>;
  /** B: how many received audio payloads had another payload type (the voice codec). */
  otherFrames: number;
  /** B: the payload types of those other payloads. */
  otherPts: number[];
  /** B: JsSIP's `newDTMF` events (SIP INFO DTMF) and `newInfo` content types. */
  sipDtmf: string[];
  sipInfo: string[];
  /** B: the library's `dtmf` and `info` session events. */
  libDtmf: string[];
  libInfo: string[];
  /** Transform errors on B, if any. */
  errors: string[];
}

interface PageWindow {
  callstateDemo?: { readonly phone: Phone | null };
  dtmfProbe?: Probe;
}

/** The RFC 4733 event codes of DTMF. */
const EVENT_NAMES = '0123456789*#ABCD';

/** One event per RTP timestamp (a tone is sent as several packets with the same timestamp), in order. */
function decodedTones(events: Probe['events']): { tones: string; ended: string } {
  const seen = new Map<number, { event: number; end: boolean }>();
  for (const e of events) {
    const known = seen.get(e.timestamp);
    seen.set(e.timestamp, { event: e.event, end: (known?.end ?? false) || e.end });
  }
  const list = [...seen.values()];
  return {
    tones: list.map((e) => EVENT_NAMES[e.event] ?? `?${e.event}`).join(''),
    ended: list.filter((e) => e.end).map((e) => EVENT_NAMES[e.event] ?? `?${e.event}`).join(''),
  };
}

/**
 * B's receive-side probe, run in the page before the demo: every peer connection gets, when its audio
 * track arrives, a pass-through RTCRtpScriptTransform on the receiver whose worker reports each received
 * payload's type; telephone-event payloads are decoded (RFC 4733: event, end bit, duration). The
 * transform is attached when the receiver comes to be (JsSIP's `addTrack` on the answering side, else
 * the `track` event): Chromium 156 passes no frames through a transform set on the receiver of an
 * answerer's own transceiver after the offer was applied, nor on any receiver mid-call.
 */
function installReceiverProbe(): void {
  const probe: Probe = { tones: [], events: [], otherFrames: 0, otherPts: [], sipDtmf: [], sipInfo: [], libDtmf: [], libInfo: [], errors: [] };
  (window as unknown as PageWindow).dtmfProbe = probe;
  const source = `onrtctransform = (event) => {
    event.transformer.readable
      .pipeThrough(new TransformStream({
        transform(frame, controller) {
          try {
            const meta = frame.getMetadata();
            if (meta.mimeType === 'audio/telephone-event') {
              const b = new Uint8Array(frame.data);
              postMessage({ kind: 'event', pt: meta.payloadType, mimeType: meta.mimeType,
                timestamp: meta.rtpTimestamp ?? frame.timestamp, event: b[0], end: (b[1] & 0x80) !== 0,
                duration: (b[2] << 8) | b[3] });
            } else {
              postMessage({ kind: 'other', pt: meta.payloadType });
            }
          } catch (error) {
            postMessage({ kind: 'error', message: String(error) });
          }
          controller.enqueue(frame);
        },
      }))
      .pipeTo(event.transformer.writable);
  };`;
  const Native = window.RTCPeerConnection;
  const Transform = (window as unknown as { RTCRtpScriptTransform: new (worker: Worker, options?: unknown) => unknown }).RTCRtpScriptTransform;
  const probed = new WeakSet<RTCRtpReceiver>();
  const probeReceiver = (receiver: RTCRtpReceiver): void => {
    if (probed.has(receiver) || receiver.track.kind !== 'audio') return;
    probed.add(receiver);
    try {
      const worker = new Worker(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })));
      worker.onmessage = ({ data }: MessageEvent) => {
        if (data.kind === 'event') {
          const { kind: _kind, ...decoded } = data;
          probe.events.push(decoded);
        } else if (data.kind === 'other') {
          probe.otherFrames += 1;
          if (!probe.otherPts.includes(data.pt)) probe.otherPts.push(data.pt);
        } else probe.errors.push(String(data.message));
      };
      (receiver as unknown as { transform: unknown }).transform = new Transform(worker);
    } catch (error) {
      probe.errors.push(String(error));
    }
  };
  class ProbedPeerConnection extends Native {
    constructor(configuration?: RTCConfiguration) {
      super(configuration);
      this.addEventListener('track', (event: RTCTrackEvent) => probeReceiver(event.receiver));
    }

    override addTrack(track: MediaStreamTrack, ...streams: MediaStream[]): RTCRtpSender {
      const sender = super.addTrack(track, ...streams);
      const transceiver = this.getTransceivers().find((t) => t.sender === sender);
      if (transceiver) probeReceiver(transceiver.receiver);
      return sender;
    }
  }
  window.RTCPeerConnection = ProbedPeerConnection;
}

describeE2e('DTMF over RFC 2833 between two Chromium phones on Kamailio', () => {
  let kamailio: DemoKamailio;
  let server: DemoServer;
  let browser: Browser;
  let A: Page;
  let B: Page;
  const pageErrors: string[] = [];
  const logs: Record<'1001' | '1002', DemoLogEntry[]> = { '1001': [], '1002': [] };

  let dtmfResult: { ok: boolean; refusal: unknown };
  let sdp: Record<'A' | 'B', { local: string; remote: string }>;
  let probeA: Probe;
  let probeB: Probe;
  let statsB: { before: Record<string, unknown>; after: Record<string, unknown>; codecs: string[] };

  beforeAll(async () => {
    kamailio = await DemoKamailio.start(root);
    server = await DemoServer.start(root, { server: kamailio.wsUrl, reportMs: 1000 });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
    const open = async (user: '1001' | '1002', initScript?: () => void): Promise<Page> => {
      const context = await browser.newContext();
      if (initScript) await context.addInitScript(initScript);
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      await page.exposeFunction('callstateDemoSink', (entry: DemoLogEntry) => logs[user].push(entry));
      page.on('pageerror', (error) => pageErrors.push(`${user}: ${error.message}`));
      const query = new URLSearchParams({ user, name: `Phone ${user}`, dtmf: 'rfc2833', autoRegister: 'true' });
      await page.goto(`${server.url}?${query.toString()}`);
      await page.locator('body[data-registration="registered"]').waitFor();
      return page;
    };
    A = await open('1001');
    B = await open('1002', installReceiverProbe);

    // A calls B, B answers: both calls confirmed.
    await A.locator('#dial-number').fill('1002');
    await A.locator('[data-action="call"]').click();
    await B.locator('.banner[data-remote="1001"] [data-action="banner-answer"]').click();
    await A.locator('.call[data-phase="confirmed"]').waitFor();
    await B.locator('.call[data-phase="confirmed"]').waitFor();

    sdp = {
      A: await A.evaluate(() => {
        const session = (window as unknown as PageWindow).callstateDemo!.phone!.getSessions()[0]!;
        const pc = (session.RTCSession as { connection: RTCPeerConnection }).connection;
        return { local: pc.currentLocalDescription?.sdp ?? '', remote: pc.currentRemoteDescription?.sdp ?? '' };
      }),
      B: await B.evaluate(() => {
        const session = (window as unknown as PageWindow).callstateDemo!.phone!.getSessions()[0]!;
        const pc = (session.RTCSession as { connection: RTCPeerConnection }).connection;
        return { local: pc.currentLocalDescription?.sdp ?? '', remote: pc.currentRemoteDescription?.sdp ?? '' };
      }),
    };

    // B: JsSIP's and the library's DTMF/INFO events go into the probe too.
    await B.evaluate(() => {
      const w = window as unknown as PageWindow;
      const probe = w.dtmfProbe!;
      const session = w.callstateDemo!.phone!.getSessions()[0]!;
      const rtc = session.RTCSession as {
        on(event: string, listener: (e: { originator: string; dtmf?: { tone: string }; info?: { contentType: string } }) => void): void;
      };
      rtc.on('newDTMF', (e) => probe.sipDtmf.push(`${e.originator}:${e.dtmf?.tone}`));
      rtc.on('newInfo', (e) => probe.sipInfo.push(`${e.originator}:${e.info?.contentType}`));
      session.on('dtmf', (e) => probe.libDtmf.push(e.tone));
      session.on('info', (e) => probe.libInfo.push(e.contentType));
    });
    // The transform is in place once voice payloads pass through it.
    await B.waitForFunction(() => ((window as unknown as PageWindow).dtmfProbe?.otherFrames ?? 0) > 0).catch(async (error) => {
      const dump = await B.evaluate(() => { const w = window as unknown as PageWindow & { RTCPeerConnection: { name: string } }; return { probe: w.dtmfProbe, pc: w.RTCPeerConnection.name }; });
      throw new Error(`${(error as Error).message}\nprobe: ${JSON.stringify(dump)}`);
    });

    const inboundStats = (page: Page) =>
      page.evaluate(async () => {
        const session = (window as unknown as PageWindow).callstateDemo!.phone!.getSessions()[0]!;
        const pc = (session.RTCSession as { connection: RTCPeerConnection }).connection;
        const stats = await pc.getStats();
        const inbound: Record<string, unknown> = {};
        const codecs: string[] = [];
        stats.forEach((s: Record<string, unknown>) => {
          if (s.type === 'inbound-rtp' && s.kind === 'audio') Object.assign(inbound, s);
          if (s.type === 'codec') codecs.push(`${String(s.payloadType)} ${String(s.mimeType)}`);
        });
        return { inbound, codecs };
      });
    const before = await inboundStats(B);

    // A: listen to the RTCDTMFSender, then send the tones through the public API.
    dtmfResult = await A.evaluate((tones) => {
      const w = window as unknown as PageWindow;
      const probe: Probe = { tones: [], events: [], otherFrames: 0, otherPts: [], sipDtmf: [], sipInfo: [], libDtmf: [], libInfo: [], errors: [] };
      w.dtmfProbe = probe;
      const session = w.callstateDemo!.phone!.getSessions()[0]!;
      const pc = (session.RTCSession as { connection: RTCPeerConnection }).connection;
      const sender = pc.getSenders().find((s) => s.track?.kind === 'audio')!;
      sender.dtmf!.addEventListener('tonechange', (e) => probe.tones.push((e as RTCDTMFToneChangeEvent).tone));
      const ok = session.dtmf(tones);
      return { ok, refusal: session.lastRefusal };
    }, TONES);

    // A's tone buffer drained ('' after the last tone); B received every event's end packet.
    await A.waitForFunction(() => (window as unknown as PageWindow).dtmfProbe!.tones.at(-1) === '');
    await B.waitForFunction(
      (count) => {
        const events = (window as unknown as PageWindow).dtmfProbe!.events;
        return new Set(events.filter((e) => e.end).map((e) => e.timestamp)).size >= count;
      },
      TONES.length,
    );
    // A sentinel INFO after the last tone: any DTMF INFO would have been sent before it.
    const sentinel = await A.evaluate(
      (type) => (window as unknown as PageWindow).callstateDemo!.phone!.getSessions()[0]!.info(type, 'after-dtmf'),
      SENTINEL_TYPE,
    );
    expect(sentinel).toBe(true);
    await B.waitForFunction((type) => (window as unknown as PageWindow).dtmfProbe!.libInfo.includes(type), SENTINEL_TYPE);

    const after = await inboundStats(B);
    statsB = { before: before.inbound, after: after.inbound, codecs: [...new Set([...before.codecs, ...after.codecs])] };
    probeA = await A.evaluate(() => (window as unknown as PageWindow).dtmfProbe!);
    probeB = await B.evaluate(() => (window as unknown as PageWindow).dtmfProbe!);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await kamailio?.stop();
  });

  test('A: dtmf() went out, and the RTCDTMFSender played 1, 2, 3, #', () => {
    expect(dtmfResult).toEqual({ ok: true, refusal: null });
    expect(probeA.tones).toEqual([...TONES, '']);
    expect(pageErrors).toEqual([]);
  });

  test('the negotiated SDP on both sides carries telephone-event', () => {
    for (const side of ['A', 'B'] as const) {
      for (const which of ['local', 'remote'] as const) {
        expect({ side, which, telephoneEvent: /^a=rtpmap:\d+ telephone-event\/\d+/m.test(sdp[side][which]) }).toEqual({ side, which, telephoneEvent: true });
      }
    }
  });

  test('B: the telephone-event RTP packets arrived and decode to 1, 2, 3, #', () => {
    expect(probeB.errors).toEqual([]);
    expect(decodedTones(probeB.events)).toEqual({ tones: TONES, ended: TONES });
    const pts = new Set(probeB.events.map((e) => e.pt));
    expect(pts.size).toBe(1);
    const [pt] = pts;
    // The payload type is the one the SDP maps to telephone-event.
    for (const which of ['local', 'remote'] as const) expect(sdp.B[which]).toMatch(new RegExp(`^a=rtpmap:${pt} telephone-event/\\d+`, 'm'));
    // Voice kept arriving on another payload type alongside.
    expect(probeB.otherFrames).toBeGreaterThan(0);
    expect(probeB.otherPts).not.toContain(pt);
  });

  test('no SIP INFO: B saw only the sentinel INFO, no DTMF event from JsSIP or the library', () => {
    expect(probeB.sipDtmf).toEqual([]);
    expect(probeB.sipInfo).toEqual([`remote:${SENTINEL_TYPE}`]);
    expect(probeB.libDtmf).toEqual([]);
    expect(probeB.libInfo).toEqual([SENTINEL_TYPE]);
    expect(logs['1002'].filter((e) => e.text.startsWith('dtmf received'))).toEqual([]);
  });

  // Weak by nature (voice packets count too); the decoded telephone-events above are the evidence.
  test("B's getStats: the inbound audio stream's packet count grew while the tones played", () => {
    expect(Number(statsB.after.packetsReceived)).toBeGreaterThan(Number(statsB.before.packetsReceived));
  });
});
