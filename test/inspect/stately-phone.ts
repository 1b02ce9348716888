/**
 * An ESM program (bundled by stately.test.ts with esbuild, `@statelyai/inspect` left external, since
 * that package is ESM-only and cannot be required by the CommonJS test run): two memory phones
 * inspected by `@statelyai/inspect`'s createWebSocketInspector, sending to the relay at argv[2]. It
 * re-registers with an HA1, places a call with an Authorization header, holds it and hangs up, prints
 * the call id and stays up (so the inspector can deliver) until its stdin closes.
 */
import { createWebSocketInspector } from '@statelyai/inspect';
import { createPhone } from '../../src/phone';
import { createRedactingInspector } from '../../src/inspect/redact';
import { MemorySipNetwork } from '../../adapters/memory';
import { AUTH_HEADER, HA1, PASSWORD } from './secrets';

async function main(): Promise<void> {
  const inspector = createWebSocketInspector({ url: process.argv[2] });
  const network = new MemorySipNetwork();
  network.addAccount({ number: '1001', password: PASSWORD, ha1: HA1 });
  network.addAccount({ number: '1002' });
  const alice = createPhone({ userAgent: network.createUserAgent({ number: '1001', password: PASSWORD }), qualityReports: false, inspect: createRedactingInspector(inspector.inspect) });
  const bob = createPhone({ userAgent: network.createUserAgent({ number: '1002' }), qualityReports: false });
  bob.on('incoming', ({ session }) => void session.answer());
  alice.start();
  bob.start();
  await network.settle();
  alice.reRegister('1001', HA1);
  await network.settle();
  const { callId } = await alice.call('1002', { extraHeaders: [AUTH_HEADER] });
  await network.settle();
  alice.hold(callId!);
  await network.settle();
  alice.hangup(callId!);
  await network.settle();
  process.stdout.write(`${JSON.stringify({ callId })}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => {
    inspector.stop();
    alice.destroy();
    bob.destroy();
    process.exit(0);
  });
}

void main();
