/**
 * Re-captures bench/fixtures/wrtc-audio-call-stats.json: `getStats()` reports of a real audio call
 * between two @roamhq/wrtc peer connections in this process (tone audio both ways), one report a
 * second. Run it with `npm run bench:capture-stats`, which runs it inside a loopback-only network
 * namespace as root (like the benchmarks), so ICE only sees `lo`.
 */
import { writeFileSync } from 'fs';
import { join } from 'path';
import { createToneStream, installNodeWebRtc } from '../adapters/jssip/node';
import { report, sleep } from './lib/measure';

installNodeWebRtc();
const REPORTS = 12;
const INTERVAL_MS = 1000;

async function main(): Promise<void> {
  const a = new RTCPeerConnection();
  const b = new RTCPeerConnection();
  const toneA = createToneStream(440);
  const toneB = createToneStream(660);
  for (const track of toneA.stream.getTracks()) a.addTrack(track, toneA.stream);
  for (const track of toneB.stream.getTracks()) b.addTrack(track, toneB.stream);
  a.onicecandidate = (e) => e.candidate && void b.addIceCandidate(e.candidate);
  b.onicecandidate = (e) => e.candidate && void a.addIceCandidate(e.candidate);
  const offer = await a.createOffer();
  await a.setLocalDescription(offer);
  await b.setRemoteDescription(offer);
  const answer = await b.createAnswer();
  await b.setLocalDescription(answer);
  await a.setRemoteDescription(answer);
  for (let i = 0; i < 100 && a.connectionState !== 'connected'; i++) await sleep(50);
  if (a.connectionState !== 'connected') throw new Error(`not connected: ${a.connectionState}`);
  const reports: unknown[][] = [];
  for (let i = 0; i < REPORTS; i++) {
    await sleep(INTERVAL_MS);
    const stats = await a.getStats();
    reports.push(Array.from((stats as unknown as Map<string, object>).values()).map((s) => ({ ...s })));
  }
  const file = join(process.cwd(), 'bench/fixtures/wrtc-audio-call-stats.json');
  const { version } = require('@roamhq/wrtc/package.json') as { version: string };
  writeFileSync(file, `${JSON.stringify({ capturedAt: new Date().toISOString(), source: `@roamhq/wrtc ${version}, two peer connections, tone audio, loopback`, intervalMs: INTERVAL_MS, reports }, null, 1)}\n`);
  a.close();
  b.close();
  toneA.stop();
  toneB.stop();
  report({ id: 'capture-stats', title: 'capture getStats() fixture', rows: [], notes: [`wrote ${file}: ${reports.length} reports of ${reports[0]!.length} stats each`] });
  setTimeout(() => process.exit(0), 100);
}

void main().catch((error) => {
  console.error(error);
  process.exit(1);
});
