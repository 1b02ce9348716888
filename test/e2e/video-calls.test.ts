/**
 * End-to-end: video between two Chromium phones (Debian's /usr/bin/chromium through playwright-core)
 * registered on the project's Kamailio on loopback, driven through the public API of the demo page's
 * phone. Chromium's fake devices give two cameras and three microphones (`device-count=2`), the screen
 * capture is auto-accepted, and every SIP request a page sends over its WebSocket is recorded (its
 * request line) so that "no re-INVITE" is read off the wire.
 *
 * What is checked: a video call decodes frames both ways (inbound-rtp `framesDecoded` grows) and its
 * state says camera sent and video received; muting video sends nothing; a camera swap and a
 * microphone swap keep media flowing and send no INVITE; screen sharing replaces the camera and back;
 * hold and video combine; an audio call upgraded to video (re-INVITE, committed on its 200) and
 * downgraded again; an upgrade the far end declines (its answer rejects the video stream, port 0)
 * leaves an audio call; a device id nobody has gives the typed `no-such-device`, as a refusal and as
 * the end cause of a call that cannot start.
 * Runs inside the loopback-only network namespace that `npm test` makes as root; skipped, loudly,
 * anywhere else.
 */
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Phone } from '../../src';
import { DemoKamailio, DemoServer } from '../../demo/tour/stack';
import { CHROMIUM, CHROMIUM_FLAGS } from '../../demo/tour/tour';
import { browserE2eSkipReason } from '../support/browser-e2e';

jest.setTimeout(180_000);

const root = join(__dirname, '../..');
const skipReason = browserE2eSkipReason;
if (skipReason) process.stderr.write(`\n*** BROWSER VIDEO TESTS SKIPPED: ${skipReason}\n\n`);
const describeE2e = skipReason ? describe.skip : describe;

/** The fake device flag with two cameras; the screen capture picked without a prompt. */
export const VIDEO_FLAGS = [
  ...CHROMIUM_FLAGS.filter((flag) => flag !== '--use-fake-device-for-media-stream'),
  '--use-fake-device-for-media-stream=device-count=2',
  '--auto-select-desktop-capture-source=Entire screen',
  '--enable-usermedia-screen-capturing',
];

interface Probe {
  /** Request lines (and status lines) of every SIP message the page sent. */
  sent: string[];
  offers: number;
}

interface PageWindow {
  callstateDemo?: { readonly phone: Phone | null };
  mediaProbe?: Probe;
}

/** Records the first line of every SIP message the page sends over its WebSocket. */
function installWireProbe(): void {
  const probe: Probe = { sent: [], offers: 0 };
  (window as unknown as PageWindow).mediaProbe = probe;
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (this: WebSocket, data: string | ArrayBufferLike | Blob | ArrayBufferView) {
    if (typeof data === 'string') probe.sent.push(data.split('\r\n')[0] ?? '');
    return send.call(this, data);
  };
}

type Side = 'A' | 'B';

describeE2e('video between two Chromium phones on Kamailio', () => {
  let kamailio: DemoKamailio;
  let server: DemoServer;
  let browser: Browser;
  const pages = {} as Record<Side, Page>;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    kamailio = await DemoKamailio.start(root);
    server = await DemoServer.start(root, { server: kamailio.wsUrl, reportMs: 1000 });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: VIDEO_FLAGS });
    for (const [side, user] of [['A', '1001'], ['B', '1002']] as const) {
      const context = await browser.newContext();
      await context.addInitScript(installWireProbe);
      const page = await context.newPage();
      page.setDefaultTimeout(20_000);
      await page.exposeFunction('callstateDemoSink', () => undefined);
      page.on('pageerror', (error) => pageErrors.push(`${user}: ${error.message}`));
      const query = new URLSearchParams({ user, name: `Phone ${user}`, autoRegister: 'true' });
      await page.goto(`${server.url}?${query.toString()}`);
      await page.locator('body[data-registration="registered"]').waitFor();
      pages[side] = page;
    }
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await kamailio?.stop();
  });

  afterEach(async () => {
    for (const page of Object.values(pages)) {
      await page.evaluate(() => {
        const phone = (window as unknown as PageWindow).callstateDemo!.phone!;
        for (const session of phone.getSessions()) if (session.state.phase !== 'ended') session.hangup();
      });
    }
    for (const page of Object.values(pages)) {
      await page.waitForFunction(() =>
        (window as unknown as PageWindow).callstateDemo!.phone!.getSessions().every((session) => session.state.phase === 'ended'),
      );
    }
  });

  const invites = (side: Side) => pages[side].evaluate(() => (window as unknown as PageWindow).mediaProbe!.sent.filter((line) => line.startsWith('INVITE ')).length);
  const sentLines = (side: Side) => pages[side].evaluate(() => [...(window as unknown as PageWindow).mediaProbe!.sent]);

  /** The live call's state.video on a side. */
  const video = (side: Side) =>
    pages[side].evaluate(() => {
      const session = (window as unknown as PageWindow).callstateDemo!.phone!.getSessions().find((s) => s.state.phase !== 'ended')!;
      return session.state.video;
    });

  /** inbound-rtp of one kind on a side's live call. */
  const inbound = (side: Side, kind: 'audio' | 'video') =>
    pages[side].evaluate(async (wanted) => {
      const session = (window as unknown as PageWindow).callstateDemo!.phone!.getSessions().find((s) => s.state.phase !== 'ended')!;
      const pc = (session.RTCSession as { connection: RTCPeerConnection }).connection;
      const stats = await pc.getStats();
      let found = { framesDecoded: 0, packetsReceived: 0, frameWidth: 0 };
      stats.forEach((s: Record<string, unknown>) => {
        if (s.type === 'inbound-rtp' && s.kind === wanted && Number(s.packetsReceived ?? 0) >= found.packetsReceived) {
          found = { framesDecoded: Number(s.framesDecoded ?? 0), packetsReceived: Number(s.packetsReceived ?? 0), frameWidth: Number(s.frameWidth ?? 0) };
        }
      });
      return found;
    }, kind);

  /** Wait until the side's inbound stream of that kind counts more than it does now. */
  async function flowing(side: Side, kind: 'audio' | 'video'): Promise<void> {
    const field = kind === 'video' ? 'framesDecoded' : 'packetsReceived';
    const start = (await inbound(side, kind))[field];
    await pages[side].waitForFunction(
      async ({ wanted, key, from }) => {
        const session = (window as unknown as PageWindow).callstateDemo!.phone!.getSessions().find((s) => s.state.phase !== 'ended');
        if (!session) return false;
        const pc = (session.RTCSession as { connection: RTCPeerConnection }).connection;
        const stats = await pc.getStats();
        let best = 0;
        stats.forEach((s: Record<string, unknown>) => {
          if (s.type === 'inbound-rtp' && s.kind === wanted) best = Math.max(best, Number(s[key] ?? 0));
        });
        return best > from + 5;
      },
      { wanted: kind, key: field, from: start },
      { polling: 250 },
    );
  }

  /** A calls B (with or without video), B answers the same way: both confirmed. */
  async function connect(withVideo: boolean): Promise<void> {
    const placed = await pages.A.evaluate((videoCall) => (window as unknown as PageWindow).callstateDemo!.phone!.call('1002', { video: videoCall }), withVideo);
    expect(placed.ok).toBe(true);
    await pages.B.waitForFunction(() => (window as unknown as PageWindow).callstateDemo!.phone!.incomingList.length > 0);
    await pages.B.evaluate(async (videoCall) => {
      const phone = (window as unknown as PageWindow).callstateDemo!.phone!;
      await phone.answer(phone.incomingList[0]!.callId, { video: videoCall });
    }, withVideo);
    for (const side of ['A', 'B'] as const) {
      await pages[side].waitForFunction(() =>
        (window as unknown as PageWindow).callstateDemo!.phone!.getSessions().some((s) => s.state.phase === 'confirmed'),
      );
    }
  }

  test('a video call: frames decoded on both sides, and each state says camera sent, video received', async () => {
    await connect(true);
    await flowing('A', 'video');
    await flowing('B', 'video');
    for (const side of ['A', 'B'] as const) {
      expect(await video(side)).toEqual({ negotiation: 'on', local: 'camera', remote: true, muted: false, remotelyDowngraded: false });
    }
    // Video mute: no renegotiation, the state says nothing is sent.
    const before = await invites('A');
    expect(await pages.A.evaluate(() => (window as unknown as PageWindow).callstateDemo!.phone!.getSessions().at(-1)!.muteVideo())).toBe(true);
    expect(await video('A')).toMatchObject({ local: null, muted: true, remote: true });
    expect(await pages.A.evaluate(() => (window as unknown as PageWindow).callstateDemo!.phone!.getSessions().at(-1)!.unmuteVideo())).toBe(true);
    expect(await video('A')).toMatchObject({ local: 'camera', muted: false });
    expect(await invites('A')).toBe(before);
    expect(pageErrors).toEqual([]);
  });

  test('camera swap mid-call: the second camera is sent, video keeps flowing, no re-INVITE', async () => {
    await connect(true);
    await flowing('B', 'video');
    const cameras = await pages.A.evaluate(async () => (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === 'videoinput').map((d) => ({ id: d.deviceId, label: d.label })));
    expect(cameras.length).toBeGreaterThanOrEqual(2);
    const invitesBefore = { A: await invites('A'), B: await invites('B') };
    const labelBefore = await pages.A.evaluate(() => {
      const session = (window as unknown as PageWindow).callstateDemo!.phone!.getSessions().at(-1)!;
      return (session.RTCSession as { connection: RTCPeerConnection }).connection.getSenders().find((s) => s.track?.kind === 'video')!.track!.label;
    });
    const other = cameras.find((camera) => camera.label !== labelBefore)!;
    const result = await pages.A.evaluate((id) => (window as unknown as PageWindow).callstateDemo!.phone!.useCamera(id), other.id);
    expect(result).toMatchObject({ ok: true });
    const labelAfter = await pages.A.evaluate(() => {
      const session = (window as unknown as PageWindow).callstateDemo!.phone!.getSessions().at(-1)!;
      return (session.RTCSession as { connection: RTCPeerConnection }).connection.getSenders().find((s) => s.track?.kind === 'video')!.track!.label;
    });
    expect(labelAfter).toBe(other.label);
    await flowing('B', 'video');
    expect({ A: await invites('A'), B: await invites('B') }).toEqual(invitesBefore);
    // The device list marks the chosen camera.
    const marked = await pages.A.evaluate(
      () =>
        new Promise<string[]>((resolve) => {
          const subscription = (window as unknown as PageWindow).callstateDemo!.phone!.devices$.subscribe((list) => {
            if (list.cameras.length > 0) {
              resolve(list.cameras.filter((c) => c.selected).map((c) => c.deviceId));
              queueMicrotask(() => subscription.unsubscribe());
            }
          });
        }),
    );
    expect(marked).toEqual([other.id]);
    // The call ends: the camera it swapped in is released with it (JsSIP stops only what it captured).
    await pages.A.evaluate(() => {
      const session = (window as unknown as PageWindow).callstateDemo!.phone!.getSessions().at(-1)!;
      const sender = (session.RTCSession as { connection: RTCPeerConnection }).connection.getSenders().find((s) => s.track?.kind === 'video')!;
      (window as unknown as { swappedCamera: MediaStreamTrack }).swappedCamera = sender.track!;
      session.hangup();
    });
    await pages.A.waitForFunction(() => (window as unknown as PageWindow).callstateDemo!.phone!.getSessions().every((s) => s.state.phase === 'ended'));
    expect(await pages.A.evaluate(() => (window as unknown as { swappedCamera: MediaStreamTrack }).swappedCamera.readyState)).toBe('ended');
  });

  test('microphone swap mid-call: the other microphone is sent, audio keeps flowing, no re-INVITE', async () => {
    await connect(false);
    await flowing('B', 'audio');
    const microphones = await pages.A.evaluate(async () => (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === 'audioinput').map((d) => ({ id: d.deviceId, label: d.label })));
    const labelBefore = await pages.A.evaluate(() => {
      const session = (window as unknown as PageWindow).callstateDemo!.phone!.getSessions().at(-1)!;
      return (session.RTCSession as { connection: RTCPeerConnection }).connection.getSenders().find((s) => s.track?.kind === 'audio')!.track!.label;
    });
    const other = microphones.find((microphone) => microphone.label !== labelBefore && microphone.id !== 'default')!;
    expect(other).toBeDefined();
    const invitesBefore = await invites('A');
    const result = await pages.A.evaluate((id) => (window as unknown as PageWindow).callstateDemo!.phone!.getSessions().at(-1)!.switchMicrophone(id), other.id);
    expect(result).toMatchObject({ ok: true });
    const labelAfter = await pages.A.evaluate(() => {
      const session = (window as unknown as PageWindow).callstateDemo!.phone!.getSessions().at(-1)!;
      return (session.RTCSession as { connection: RTCPeerConnection }).connection.getSenders().find((s) => s.track?.kind === 'audio')!.track!.label;
    });
    expect(labelAfter).toBe(other.label);
    await flowing('B', 'audio');
    expect(await invites('A')).toBe(invitesBefore);
  });

  test('screen sharing replaces the camera and back; the state says which is sent', async () => {
    await connect(true);
    await flowing('B', 'video');
    const invitesBefore = await invites('A');
    const started = await pages.A.evaluate(() => (window as unknown as PageWindow).callstateDemo!.phone!.getSessions().at(-1)!.startScreenSharing());
    expect(started).toMatchObject({ ok: true });
    expect(await video('A')).toMatchObject({ local: 'screen' });
    await flowing('B', 'video');
    const stopped = await pages.A.evaluate(() => (window as unknown as PageWindow).callstateDemo!.phone!.getSessions().at(-1)!.stopScreenSharing());
    expect(stopped).toMatchObject({ ok: true });
    expect(await video('A')).toMatchObject({ local: 'camera' });
    await flowing('B', 'video');
    expect(await invites('A')).toBe(invitesBefore);
  });

  test('hold and video combine: held sends no video and says so; resumed, video flows again', async () => {
    await connect(true);
    await flowing('B', 'video');
    await pages.A.evaluate(() => (window as unknown as PageWindow).callstateDemo!.phone!.getSessions().at(-1)!.hold());
    await pages.A.waitForFunction(() => (window as unknown as PageWindow).callstateDemo!.phone!.getSessions().at(-1)!.state.hold === 'held');
    expect(await video('A')).toMatchObject({ negotiation: 'on', local: null, remote: false });
    await pages.B.waitForFunction(() => (window as unknown as PageWindow).callstateDemo!.phone!.getSessions().at(-1)!.state.remoteHold);
    expect(await video('B')).toMatchObject({ negotiation: 'on', local: null, remote: false });
    await pages.A.evaluate(() => (window as unknown as PageWindow).callstateDemo!.phone!.getSessions().at(-1)!.unhold());
    await pages.A.waitForFunction(() => (window as unknown as PageWindow).callstateDemo!.phone!.getSessions().at(-1)!.state.hold === 'active');
    await flowing('B', 'video');
    await flowing('A', 'video');
    expect(await video('A')).toMatchObject({ negotiation: 'on', local: 'camera', remote: true });
  });

  test('audio → video by re-INVITE, committed on its 200; then video → audio the same way', async () => {
    await connect(false);
    expect(await video('A')).toMatchObject({ negotiation: 'off', local: null, remote: false });
    const invitesBefore = await invites('A');
    await pages.B.evaluate(() => {
      const session = (window as unknown as PageWindow).callstateDemo!.phone!.getSessions().at(-1)!;
      session.on('videoOffered', () => session.acceptVideo());
    });
    const upgraded = await pages.A.evaluate(() => (window as unknown as PageWindow).callstateDemo!.phone!.getSessions().at(-1)!.audioToVideo());
    expect(upgraded).toMatchObject({ ok: true });
    expect(await invites('A')).toBe(invitesBefore + 1);
    expect((await sentLines('B')).filter((line) => line.startsWith('SIP/2.0 200')).length).toBeGreaterThan(0);
    expect(await video('A')).toMatchObject({ negotiation: 'on', local: 'camera', remote: true });
    await flowing('A', 'video');
    await flowing('B', 'video');
    expect(await video('B')).toMatchObject({ negotiation: 'on', local: 'camera', remote: true });

    const downgraded = await pages.A.evaluate(() => (window as unknown as PageWindow).callstateDemo!.phone!.getSessions().at(-1)!.videoToAudio());
    expect(downgraded).toMatchObject({ ok: true });
    expect(await invites('A')).toBe(invitesBefore + 2);
    expect(await video('A')).toMatchObject({ negotiation: 'off', local: null, remote: false });
    await pages.B.waitForFunction(() => (window as unknown as PageWindow).callstateDemo!.phone!.getSessions().at(-1)!.state.video.negotiation === 'off');
    expect(await video('B')).toMatchObject({ negotiation: 'off', remotelyDowngraded: true });
    await flowing('B', 'audio');
  });

  test('an upgrade the far end accepts only after a while: video flows both ways once it did', async () => {
    await connect(false);
    await pages.B.evaluate(() => {
      const session = (window as unknown as PageWindow).callstateDemo!.phone!.getSessions().at(-1)!;
      session.on('videoOffered', () => setTimeout(() => session.acceptVideo(), 3000));
    });
    const upgraded = await pages.A.evaluate(() => (window as unknown as PageWindow).callstateDemo!.phone!.getSessions().at(-1)!.audioToVideo());
    expect(upgraded).toMatchObject({ ok: true });
    await flowing('A', 'video');
    await flowing('B', 'video');
    const remoteTracks = await pages.A.evaluate(() => {
      const session = (window as unknown as PageWindow).callstateDemo!.phone!.getSessions().at(-1)!;
      return session.remoteStream!.getTracks().map((t) => t.kind).sort();
    });
    expect(remoteTracks).toEqual(['audio', 'video']);
  });

  test('an upgrade the far end declines: its answer rejects the video stream (port 0), the call stays audio', async () => {
    await connect(false);
    await pages.B.evaluate(() => {
      const session = (window as unknown as PageWindow).callstateDemo!.phone!.getSessions().at(-1)!;
      session.on('videoOffered', () => session.declineVideo());
    });
    const upgraded = await pages.A.evaluate(() => (window as unknown as PageWindow).callstateDemo!.phone!.getSessions().at(-1)!.audioToVideo());
    expect(upgraded).toMatchObject({ ok: false, reason: 'renegotiate-failed' });
    const answer = await pages.A.evaluate(() => {
      const session = (window as unknown as PageWindow).callstateDemo!.phone!.getSessions().at(-1)!;
      return (session.RTCSession as { connection: RTCPeerConnection }).connection.currentRemoteDescription?.sdp ?? '';
    });
    expect(answer).toMatch(/^m=video 0 /m);
    for (const side of ['A', 'B'] as const) expect(await video(side)).toMatchObject({ negotiation: 'off', local: null, remote: false });
    await flowing('B', 'audio');
    await flowing('A', 'audio');
  });

  test('a device id nobody has: the typed no-such-device, as a refusal and as the end of a call that cannot start', async () => {
    await connect(true);
    const swap = await pages.A.evaluate(() => (window as unknown as PageWindow).callstateDemo!.phone!.getSessions().at(-1)!.switchCamera('no-such-camera'));
    expect(swap).toMatchObject({ ok: false, reason: 'no-such-device' });
    await pages.A.evaluate(() => (window as unknown as PageWindow).callstateDemo!.phone!.getSessions().at(-1)!.hangup());
    await pages.A.waitForFunction(() => (window as unknown as PageWindow).callstateDemo!.phone!.getSessions().every((s) => s.state.phase === 'ended'));
    const end = await pages.A.evaluate(async () => {
      const phone = (window as unknown as PageWindow).callstateDemo!.phone!;
      const result = await phone.call('1002', { deviceIds: { microphoneId: 'no-such-microphone' } });
      const session = phone.getSession(result.callId!)!;
      await new Promise<void>((resolve) => session.on('ended', () => resolve()));
      return session.state.end;
    });
    expect(end).toMatchObject({ cause: 'no-such-device', originator: 'local' });
  });
});
