/**
 * Video with JsSIP in Node (@roamhq/wrtc), through Kamailio on loopback: a video call between two
 * phones whose cameras are generated frames (`nonstandard.RTCVideoSource`) decodes frames both ways;
 * and a far end that cannot do video (sipp) answers the re-INVITE that adds video with 488, which
 * leaves the call as it was: an audio call, confirmed, that ends normally.
 */
import type { Session } from '../../src';
import { createCameraStream, createNodeMediaDevices, type ToneStream } from '../../adapters/jssip/node';
import { describeIntegration } from './environment';
import { Kamailio } from './kamailio';
import { Media, sleep, TestApp, until } from './phones';
import { SippUas } from './sipp';

jest.setTimeout(60_000);

async function framesDecoded(session: Session): Promise<number> {
  const pc = (session.RTCSession as { connection: RTCPeerConnection }).connection;
  let frames = 0;
  (await pc.getStats()).forEach((s: Record<string, unknown>) => {
    if (s.type === 'inbound-rtp' && (s.kind === 'video' || s.mediaType === 'video')) frames = Math.max(frames, Number(s.framesDecoded ?? 0));
  });
  return frames;
}

async function framesGrow(session: Session): Promise<number> {
  const start = await framesDecoded(session);
  for (let i = 0; i < 100; i++) {
    const now = await framesDecoded(session);
    if (now > start + 5) return now;
    await sleep(100);
  }
  throw new Error(`no video frames decoded on ${session.callId} (still ${start})`);
}

describeIntegration('video in Node (@roamhq/wrtc) through Kamailio', () => {
  let k: Kamailio;
  let a: TestApp;
  let b: TestApp;
  const media = new Media();
  const cameras: ToneStream[] = [];
  const devices = createNodeMediaDevices();
  let sipp: SippUas | null = null;

  beforeAll(async () => {
    k = await Kamailio.start();
    a = new TestApp('2301', k, { ua: { mediaDevices: devices } });
    b = new TestApp('2302', k, { ua: { mediaDevices: devices } });
    await Promise.all([a.start(), b.start()]);
  });

  afterEach(() => {
    sipp?.kill();
    sipp = null;
    for (const app of [a, b]) for (const s of app.phone.getSessions()) s.hangup();
    media.stopAll();
    for (const camera of cameras.splice(0)) camera.stop();
    devices.stopAll();
  });

  afterAll(async () => {
    a?.phone.destroy();
    b?.phone.destroy();
    await sleep(300);
    await k?.stop();
  });

  function withCamera(): { mediaStream: MediaStream; video: true } {
    const { mediaStream } = media.options();
    const camera = createCameraStream();
    cameras.push(camera);
    for (const track of camera.stream.getVideoTracks()) mediaStream.addTrack(track);
    return { mediaStream, video: true };
  }

  test('a video call decodes frames on both sides; both states say camera sent, video received', async () => {
    const from = b.log.mark();
    const placed = await a.phone.call('2302', withCamera());
    expect(placed.ok).toBe(true);
    const incoming = await b.incoming(from);
    expect((await incoming.answer(withCamera())).ok).toBe(true);
    const caller = a.phone.getSession(placed.callId!)!;
    await until(caller, (s) => s.phase === 'confirmed');
    await until(incoming, (s) => s.phase === 'confirmed');
    const decoded = { caller: await framesGrow(caller), callee: await framesGrow(incoming) };
    expect(decoded.caller).toBeGreaterThan(5);
    expect(decoded.callee).toBeGreaterThan(5);
    for (const session of [caller, incoming]) expect(session.state.video).toMatchObject({ negotiation: 'on', local: 'camera', remote: true });
  });

  test('a far end that answers the video re-INVITE with 488 leaves an audio call (sipp)', async () => {
    sipp = await SippUas.start('video-488');
    const placed = await a.phone.call('sipp', media.options());
    expect(placed.ok).toBe(true);
    const out = a.phone.getSession(placed.callId!)!;
    await until(out, (s) => s.phase === 'confirmed');
    const failed: Array<{ code: number | null }> = [];
    out.on('videoFailed', (e) => failed.push(e));
    const result = await out.audioToVideo();
    expect(result).toMatchObject({ ok: false, reason: 'renegotiate-failed' });
    expect(failed).toMatchObject([{ code: 488 }]);
    expect(out.state).toMatchObject({ phase: 'confirmed', video: { negotiation: 'off', local: null, remote: false } });
    const pc = (out.RTCSession as { connection: RTCPeerConnection }).connection;
    expect(pc.signalingState).toBe('stable');
    expect(out.hangup()).toBe(true);
    const end = (await until(out, (s) => s.phase === 'ended')).end!;
    expect(end).toMatchObject({ cause: 'bye', originator: 'local' });
    const code = await sipp.done();
    if (code !== 0) throw new Error(`sipp exited ${code}\n${sipp.errors()}\n${sipp.messages()}`);
  });
});
